"""The deployment-input feeds (model_zoo.case.FEEDS) without OpenCV: what the worker gives setInput (worker.fed,
with a stand-in for cv2.dnn.blobFromImages) and what the harness lays out (measure.opencv_feeds, worker_feed)."""
from types import SimpleNamespace

import numpy as np
import pytest

from conformance.measure import opencv_feeds, worker_feed
from conformance.opencv import worker
from model_zoo.case import Case, apply_layer
from model_zoo.cases import deployment
from model_zoo.export import by_name
from model_zoo.store import Reference


def blob_from_images(images):
    """cv2.dnn.blobFromImages with its defaults: the HWC images stacked as one NCHW float32 blob."""
    return np.stack(images).transpose(0, 3, 1, 2).astype(np.float32)


CV2 = SimpleNamespace(dnn=SimpleNamespace(blobFromImages=blob_from_images))
BATCH = np.arange(3 * 2 * 2 * 3, dtype=np.float32).reshape(3, 2, 2, 3)  # NHWC


@pytest.mark.parametrize("kind, dtype", [("uint8", np.uint8), ("float64", np.float64)])
def test_a_cast_feed_keeps_the_values_in_the_asked_dtype(kind, dtype):
    fed = worker.fed(CV2, np, BATCH, {"as": kind, "layout": "nhwc"})
    assert fed.dtype == dtype and np.array_equal(fed, BATCH)


def test_a_transposed_view_has_the_values_but_is_not_c_contiguous():
    fed = worker.fed(CV2, np, BATCH, {"as": "transposed-view", "layout": "nchw"})
    assert not fed.flags.c_contiguous and np.array_equal(fed, BATCH)


@pytest.mark.parametrize("layout", ["nchw", "nhwc"])
def test_blob_from_images_rebuilds_the_batch_in_the_routes_layout(layout):
    given = BATCH.transpose(0, 3, 1, 2) if layout == "nchw" else BATCH
    fed = worker.fed(CV2, np, np.ascontiguousarray(given), {"as": "blob-from-images", "layout": layout})
    assert np.array_equal(fed, given) and fed.flags.c_contiguous


@pytest.mark.parametrize("layout, other", [("nchw", BATCH), ("nhwc", BATCH.transpose(0, 3, 1, 2))])
def test_the_wrong_layout_is_the_other_one(layout, other):
    given = BATCH.transpose(0, 3, 1, 2) if layout == "nchw" else BATCH
    fed = worker.fed(CV2, np, np.ascontiguousarray(given), {"as": "wrong-layout", "layout": layout})
    assert np.array_equal(fed, other) and fed.flags.c_contiguous


def test_no_feed_gives_the_array_as_it_is():
    assert worker.fed(CV2, np, BATCH, {}) is BATCH


def reference(feed: str) -> Reference:
    case = Case(f"feed-{feed or 'plain'}", "deployment", apply_layer("ReLU"), feed=feed)
    return Reference(case, [BATCH[:1]], [BATCH[:1]])


@pytest.mark.parametrize("route, feed, shape, worker_side", [
    ("tf-frozen-ours", "", (1, 3, 2, 2), {}),
    ("tf-frozen-ours", "wrong-layout", (1, 3, 2, 2), {"as": "wrong-layout", "layout": "nchw"}),
    ("onnx-keras", "wrong-layout", (1, 2, 2, 3), {"as": "wrong-layout", "layout": "nhwc"}),
    ("onnx-keras", "uint8", (1, 2, 2, 3), {"as": "uint8", "layout": "nhwc"}),
    ("tflite-keras", "blob-from-images", (1, 3, 2, 2), {"as": "blob-from-images", "layout": "nchw"}),
])
def test_the_harness_lays_out_the_input_as_the_route_defines_and_tells_the_worker_the_feed(route, feed, shape,
                                                                                          worker_side):
    path = by_name(route)
    [(name, array)] = opencv_feeds(reference(feed), path, None)
    assert name == "" and array.shape == shape
    assert worker_feed(reference(feed).case, path) == worker_side


def test_the_deployment_family_covers_every_feed_through_routes_that_exist():
    from model_zoo.case import FEEDS
    from model_zoo.export import all_routes

    assert {case.feed for case in deployment.CASES} | {""} == set(FEEDS)
    assert set(deployment.ROUTES) <= {route.name for route in all_routes()}
    other_size = next(case for case in deployment.CASES if case.export_inputs)
    assert other_size.keras_shapes == ((None, None, 3),) and other_size.export_shapes == ((8, 8, 3),)


def test_an_unknown_feed_is_refused():
    with pytest.raises(ValueError, match="feed 'int4' is not one of"):
        Case("x", "deployment", apply_layer("ReLU"), feed="int4")
