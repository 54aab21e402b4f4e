"""Preprocessing parity cells: cv2.dnn.blobFromImage(s) against TF's preprocessing, one test per combination
(ids `preprocess-<combination>-blob-from-image[s]`), recorded in the results file like any cell."""
import pytest

from conformance.suite import blobs
from model_zoo.preprocessing import BLOBS


@pytest.fixture(scope="session")
def opencv_blobs(conformance, request, tmp_path_factory):
    """Every selected combination's OpenCV outcome, from one OpenCV process."""
    selected = [item.callspec.params["blob"] for item in request.session.items if "blob" in item.fixturenames]
    return blobs.opencv_blobs(conformance.opencv.python, selected,
                                      tmp_path_factory.mktemp("blobs"), conformance.settings.timeout)


@pytest.mark.parametrize("blob", [pytest.param(blob, id=f"{blob.case_id}-{blob.path}") for blob in BLOBS])
def test_blob(blob, conformance, opencv_blobs):
    references = blobs.references_folder(conformance.settings.cache_dir, conformance.tf_side)
    result = blobs.record(conformance.results, conformance.judge, conformance.versions_line, blob,
                          blobs.verdict_of(blob, opencv_blobs[blob.id], references))
    if result.judgement.kind == "known":
        pytest.xfail(result.message)
    if not result.judgement.ok:
        pytest.fail(result.message, pytrace=False)
