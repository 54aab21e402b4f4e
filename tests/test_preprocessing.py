"""Preprocessing parity without TensorFlow or OpenCV: the table of combinations, the sizes OpenCV resizes to, the
seeded images, and the OpenCV side's crash handling."""
import pytest

from conformance.suite.blobs import opencv_blobs
from model_zoo import preprocessing


def test_preprocessing_combinations_are_unique_and_name_their_opencv_call():
    ids = [blob.id for blob in preprocessing.BLOBS]
    assert len(ids) == len(set(ids))
    assert {blob.path for blob in preprocessing.BLOBS} == {"blob-from-image", "blob-from-images"}
    batch = preprocessing.by_id("batch-resize")
    assert batch.opencv_function == "blobFromImages"
    assert batch.opencv_arguments() == {"scalefactor": 1 / 255, "mean": [0.0, 0.0, 0.0], "swapRB": True,
                                        "crop": False, "size": [16, 16]}


@pytest.mark.parametrize(("blob", "image", "resized"), [
    (preprocessing.Blob("a", ((24, 32),)), (24, 32), None),  # no size: no resize
    (preprocessing.Blob("b", ((24, 32),), size=(32, 24)), (24, 32), None),  # the image's own size
    (preprocessing.Blob("c", ((24, 32),), size=(20, 10)), (24, 32), (10, 20)),  # (width, height) -> (h, w)
    (preprocessing.Blob("d", ((24, 32),), size=(12, 12), crop=True), (24, 32), (12, 16)),  # factor 0.5
    (preprocessing.Blob("e", ((24, 32),), size=(16, 16), crop=True), (24, 32), (16, 21)),  # 0.667: 21.33 -> 21
])
def test_the_size_opencv_resizes_to(blob, image, resized):
    assert preprocessing.resized_size(blob, *image) == resized


def test_seeded_images_are_uint8_bgr_and_the_same_every_time():
    blob = preprocessing.by_id("batch-resize")
    first, second = preprocessing.seeded_images(blob), preprocessing.seeded_images(blob)
    assert [image.shape for image in first] == [(24, 32, 3), (32, 24, 3)]
    assert all(image.dtype.name == "uint8" for image in first)
    assert all((a == b).all() for a, b in zip(first, second, strict=True))


def test_an_opencv_side_that_dies_is_a_crash_of_each_combination_it_had_not_answered(tmp_path):
    dying = tmp_path / "python"  # answers for the first combination, then dies as a segfaulting OpenCV would
    dying.write_text('#!/bin/sh\necho \'{"id": "scale-only", "status": "forward-error", "error": "boom"}\'\n'
                     "kill -SEGV $$\n")
    dying.chmod(0o755)
    blobs = [preprocessing.by_id("scale-only"), preprocessing.by_id("upscale-2x")]
    outcomes = opencv_blobs(str(dying), blobs, tmp_path / "scratch", timeout=30)
    assert (outcomes["scale-only"].status, outcomes["scale-only"].error) == ("forward-error", "boom")
    assert outcomes["upscale-2x"].status == "crash"
    assert outcomes["upscale-2x"].error == "OpenCV process killed by SIGSEGV"
