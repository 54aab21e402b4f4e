"""The export pool: what is missing from the cache, in which order it goes, and how processes share it."""
import pytest
from test_store import PATH, built

from conformance.suite.warm import FAMILY_SECONDS, OTHER_SECONDS, longest_first, missing
from model_zoo.case import Case, apply_layer
from model_zoo.export import Route
from model_zoo.store import ArtifactStore
from model_zoo.warm import claim

OTHER = Route("other", "readNetFromONNX", "nhwc", "nhwc", PATH.export, "test path")


def test_cases_go_longest_first_by_their_last_exports_else_by_family(tmp_path):
    """Measured seconds (of any earlier definition) come first; a never-exported case gets its family's prior."""
    store = ArtifactStore(tmp_path / "cache", "tf-x")
    for case_id, seconds in (("conv2d-3x3-same", 30.0), ("activation-relu6", 0.5)):
        (store.root / case_id / "fake").mkdir(parents=True)
        (store.root / case_id / "fake" / "manifest.json").write_text(f'{{"case": "stale", "seconds": {seconds}}}')
    needed = {case_id: {"fake"} for case_id in ("activation-relu6", "permute-swap-hw", "lstm-last", "mobilenetv2",
                                                "conv2d-3x3-same")}
    assert FAMILY_SECONDS["applications"] > 30.0 > FAMILY_SECONDS["recurrent"] > OTHER_SECONDS > 0.5
    assert longest_first(needed, store) == ["mobilenetv2", "conv2d-3x3-same", "lstm-last", "permute-swap-hw",
                                            "activation-relu6"]


def test_a_case_is_taken_by_one_process_only(tmp_path):
    assert claim(tmp_path, "case-a") and not claim(tmp_path, "case-a") and claim(tmp_path, "case-b")
    assert claim(None, "case-a")  # no claims folder: a process run by hand does everything it is given


def test_only_cells_without_reference_or_export_are_missing(tmp_path):
    store = ArtifactStore(tmp_path / "cache", "tf-x")
    cached = built(tmp_path)
    store.save_reference(cached)
    store.export(cached, PATH)
    other_case = Case("case-b", "activation", apply_layer("ReLU"))
    cells = [(cached.case, PATH), (cached.case, OTHER), (other_case, PATH)]
    assert missing(store, cells) == {"case-a": {"other"}, "case-b": {"fake"}}


@pytest.mark.parametrize(("log_text", "restarted"), [
    ("case-a: done\ncase-b fake: exporting\nFatal Python error: Aborted\n", True),  # in an export: recorded
    ("case-a fake: exporting\ncase-a: done\nFatal Python error: Aborted\n", False),  # between cases: nothing to blame
])
def test_a_process_killed_by_its_converter_has_that_export_recorded_and_the_rest_goes_on(tmp_path, monkeypatch,
                                                                                         log_text, restarted):
    """The log of a warming process names the export it was in; its replacement takes that case again (its claim
    is released) and then the queue."""
    from conformance.suite import warm

    store = ArtifactStore(tmp_path / "cache" / "artifacts", "tf-x")
    log, claims = tmp_path / "warm-0.log", tmp_path / "claims"
    log.write_text(log_text)
    claims.mkdir()
    for case_id in ("case-a", "case-b"):
        (claims / case_id).touch()
    share = warm.Share(["case-a", "case-b", "case-c"], ["fake"], claims, log)
    started, said = [], []
    monkeypatch.setattr(warm, "by_id", lambda case_id: Case(case_id, "activation", apply_layer("ReLU")))
    monkeypatch.setattr(warm, "by_name", lambda name: PATH)
    monkeypatch.setattr(warm.Share, "start", lambda self, cache_dir: started.append(list(self.cases)))
    warm.restart_after_crash(share, -6, store, said.append)
    recorded = store.cached_export(Case("case-b", "activation", apply_layer("ReLU")), PATH)
    if restarted:
        assert recorded.artifact is None and "signal SIGABRT" in recorded.error and "Aborted" in recorded.detail
        assert started == [["case-a", "case-b", "case-c"]] and "case-b via fake" in said[0]
        assert sorted(path.name for path in claims.iterdir()) == ["case-a"]
    else:
        assert recorded is None and started == [] and "outside an export" in said[0]
    assert warm.progress_line([share], 3, 12.0) == "exported 1/3 cases in 12 s (process 1: 1)"


def test_an_export_killed_by_sigkill_is_recorded_as_such_and_done_again_alone(tmp_path, monkeypatch):
    """SIGKILL is the kernel's out-of-memory killer, most likely, not the converter: after the pool, the export
    goes again in a single process, and is recorded only if that one is killed too."""
    from conformance.suite import warm

    cases = {case_id: Case(case_id, "activation", apply_layer("ReLU")) for case_id in ("case-a", "case-b")}
    case_b = cases["case-b"]
    monkeypatch.setattr(warm, "by_id", cases.get)
    monkeypatch.setattr(warm, "by_name", lambda name: PATH)
    store = ArtifactStore(tmp_path / "cache" / "artifacts", "tf-x")
    log = tmp_path / "warm-0.log"
    log.write_text("case-b fake: exporting\n")
    share = warm.Share(["case-a", "case-b"], ["fake"], tmp_path, log)
    monkeypatch.setattr(warm.Share, "start", lambda self, cache_dir: None)
    said = []
    assert warm.restart_after_crash(share, -9, store, said.append, alone=False) == ("case-b", "fake")
    assert "out-of-memory killer" in store.cached_export(case_b, PATH).error
    pools = []

    def pool(needed, jobs, store, log_dir, say):
        pools.append((needed, jobs, store.cached_export(case_b, PATH)))
        return [("case-b", "fake")] if jobs > 1 else []
    monkeypatch.setattr(warm, "run_pool", pool)
    warm.export_in_parallel({"case-a": {"fake"}, "case-b": {"fake"}}, 2, store, tmp_path, said.append)
    assert [(needed, jobs) for needed, jobs, _ in pools] == [({"case-a": {"fake"}, "case-b": {"fake"}}, 2),
                                                             ({"case-b": {"fake"}}, 1)]
    assert pools[1][2] is None and "exporting again, alone" in said[-1]  # the failed record was forgotten first


def test_an_export_process_gets_a_tmpdir_of_its_own_which_goes_when_it_ends(tmp_path, monkeypatch):
    """TF writes its autograph modules into TMPDIR, and a process killed by its converter leaves its SavedModel
    folder there: beside the process's log, the pool removes them."""
    from conformance.suite import warm

    given = []
    monkeypatch.setattr(warm.subprocess, "Popen", lambda command, **options: given.append(options["env"]["TMPDIR"]))
    share = warm.Share(["case-a"], ["fake"], tmp_path / "claims", tmp_path / "warm-1-0.log")
    share.start(tmp_path / "cache")
    assert given == [str(tmp_path / "warm-1-0.tmp")] and share.scratch.is_dir()
    (share.scratch / "case-a-saved-model-x1y2z3").mkdir()
    share.clear_scratch()
    assert not share.scratch.exists()
