"""Determinism: building, exporting and running the same cell twice gives the same verdict to the last digit, so
that a change in the table is a change in TF or OpenCV, never noise of the harness.

The two exports: the run's own (its export cache, written by an export process of this TF side, keyed by the
case's definition and the route's code) and one from scratch in an empty cache, in this process. Exporting both
from scratch paid for the second export again for nothing more (3 cases x every route: 50 s of a warm tf219-cv50
run).
"""
import pytest

from conformance.measure import measure
from model_zoo.build import build_case
from model_zoo.cases import by_id
from model_zoo.export import all_routes
from model_zoo.store import ArtifactStore

CASES = ("conv2d-3x3-same", "batchnorm-after-conv2d", "block-unet-decoder")  # conv, folded BN, a composite


@pytest.mark.parametrize("case_id", CASES)
def test_two_builds_exports_and_runs_agree_exactly(case_id, request, tmp_path):
    if not request.config.getoption("--determinism"):
        pytest.skip("determinism is checked with --determinism (CONFORMANCE_DETERMINISM=1, set in "
                    "matrix.DETERMINISM's ci envs)")
    conformance = request.getfixturevalue("conformance")
    case = by_id(case_id)
    first, second = build_case(case), build_case(case)
    assert first.fingerprint == second.fingerprint
    assert all((a == b).all() for a, b in zip(first.expected, second.expected, strict=True))
    stores = (conformance.artifacts(), ArtifactStore(tmp_path / "from-scratch", "determinism"))
    for path in all_routes():
        if path.not_offered(conformance.tf_side["keras_in_use"]):
            continue
        verdicts = []
        for built, store in zip((first, second), stores, strict=True):
            export = store.export(built, path)
            if export.artifact is None:
                verdicts.append(export.error)
            else:  # what the table shows: status, stage, error line and metrics (not log text with timestamps)
                verdict = measure(conformance.opencv, built, path, "", export, tmp_path)[0]
                verdicts.append((verdict.status, verdict.stage, verdict.error, verdict.metrics))
        assert verdicts[0] == verdicts[1], (f"{case_id} via {path.name}: {verdicts[0]} (the run's export), then "
                                            f"{verdicts[1]} (from scratch)")
