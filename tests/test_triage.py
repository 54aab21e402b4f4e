"""Triage decisions on tiny arrays: blame from the runtime check, the first diverging layer, name matching."""
import numpy as np
import pytest

from conformance.evidence.triage import (
    BLAMES,
    RuntimeCheck,
    check_outputs,
    counterpart,
    decide_blame,
    first_divergence,
    no_comparison,
)
from conformance.judging.verdict import Verdict, failed
from model_zoo.case import Tolerance

TOLERANCE = Tolerance(1e-4)
X = np.arange(8, dtype=np.float32).reshape(1, 2, 2, 2) / 8
MISMATCH = Verdict("mismatch", "compare", "max abs error 1")


def test_runtime_agreeing_with_tf_is_agrees_with_its_numbers():
    check = check_outputs("onnxruntime", [X], [X + 1e-6], TOLERANCE)
    assert check.outcome == "agrees" and check.max_abs == pytest.approx(1e-6, rel=0.05)


@pytest.mark.parametrize("outputs, error", [([X + 1], ""), ([X[..., :1]], "shape"), ([X, X], "2 outputs")])
def test_runtime_off_by_more_than_the_tolerance_or_in_shape_or_count_disagrees(outputs, error):
    check = check_outputs("onnxruntime", [X], outputs, TOLERANCE)
    assert check.outcome == "disagrees" and error in check.error
    assert (check.max_abs is not None) == (error == "")


@pytest.mark.parametrize("verdict, check, blame, evidence", [
    (MISMATCH, RuntimeCheck("onnxruntime", "agrees", 0.0, 0.0), "opencv", "within tolerance of TF (max abs 0"),
    (MISMATCH, RuntimeCheck("onnxruntime", "disagrees", 2.0, 0.5), "converter", "disagrees with TF"),
    (failed("import-error", "import", "x"), RuntimeCheck("TFLite interpreter", "error", error="bad op"), "converter",
     "cannot run the artifact either: bad op"),
    (failed("crash", "forward", "SIGSEGV"), RuntimeCheck("onnxruntime", "agrees", 0.0, 0.0), "opencv", "onnxruntime"),
    (failed("export-error", "export", "tf2onnx: no"), None, "converter", "export failed before OpenCV"),
    (failed("export-error", "build", "builder raised"), None, "harness-unknown", "defect of the catalogue"),
    (MISMATCH, RuntimeCheck("onnxruntime", "unavailable", error="No module named 'onnxruntime'"),
     "harness-unknown", "No module named"),
    (failed("unsupported", "import", "no reader"), None, "harness-unknown", "no artifact"),
])
def test_blame_follows_the_runtime_check(verdict, check, blame, evidence):
    decided = decide_blame(verdict, check)
    assert decided.blame == blame and decided.blame in BLAMES
    assert evidence in decided.evidence


def test_blame_keeps_the_runtime_numbers_as_evidence():
    decided = decide_blame(MISMATCH, RuntimeCheck("onnxruntime", "disagrees", 2.0, 0.5))
    assert (decided.runtime, decided.runtime_max_abs, decided.runtime_mean_abs) == ("onnxruntime", 2.0, 0.5)


def test_an_unknown_check_outcome_is_refused():
    with pytest.raises(ValueError):
        RuntimeCheck("onnxruntime", "maybe")


@pytest.mark.parametrize("layer, name", [("conv/BiasAdd", "conv/BiasAdd"), ("onnx_node!Tile", "Tile"),
                                         ("Relu", "Relu:0"), ("onnx_node!Tile2", "Tile2:0")])
def test_a_layer_finds_its_tensor_by_name_as_importers_write_it(layer, name):
    assert counterpart(layer, {name: X}) is X


def test_a_layer_without_a_tensor_of_its_name_has_no_counterpart():
    assert counterpart("onnx_node!Tile", {"Tile_1": X, "other": X}) is None


def test_the_first_layer_beyond_tolerance_is_named_in_opencv_order():
    layers = [("a", X), ("unmatched", X + 9), ("b", X + 0.5), ("c", X + 2)]
    found = first_divergence(layers, {"a": X, "b": X, "c": X}, None, TOLERANCE, "mismatch")
    assert (found.layer, found.position, found.compared, found.layers) == ("b", 2, 2, 4)
    assert found.max_abs == pytest.approx(0.5) and found.mean_abs == pytest.approx(0.5)
    assert "'b' (layer 3; 2 of 4 layers compared" in found.line()


def test_nhwc_runtime_tensors_meet_opencv_nchw_layers_and_singleton_axes_are_ignored():
    nhwc = np.arange(12, dtype=np.float32).reshape(1, 2, 3, 2)
    layers = [("conv", nhwc.transpose(0, 3, 1, 2)), ("dense", np.ones((1, 1, 1, 5), np.float32))]
    found = first_divergence(layers, {"conv": nhwc, "dense": np.ones((1, 5), np.float32)}, "nchw", TOLERANCE, "")
    assert found.layer is None and found.compared == 2
    assert found.line().startswith("no compared layer diverges (2 of 2")


def test_same_size_but_another_shape_is_not_compared():
    layers = [("flatten", np.arange(6, dtype=np.float32).reshape(1, 2, 3))]
    found = first_divergence(layers, {"flatten": np.zeros((1, 3, 2), np.float32)}, None, TOLERANCE, "mismatch")
    assert found.compared == 0 and found.layer is None


def test_a_one_element_layer_is_compared_too():
    layers = [("mean", np.full((1, 1, 1, 1), 2.0, np.float32))]  # squeezes to 0-d (layernorm-hwc's moments)
    found = first_divergence(layers, {"mean": np.full((1, 1), 1.0, np.float32)}, None, TOLERANCE, "mismatch")
    assert (found.compared, found.layer, found.max_abs) == (1, "mean", 1.0)


def test_a_mismatch_that_vanishes_without_fusion_blames_fusion():
    found = first_divergence([("a", X)], {"a": X}, None, TOLERANCE, "pass")
    assert "layer fusion is at fault" in found.line()
    assert "layer fusion" not in first_divergence([("a", X)], {"a": X}, None, TOLERANCE, "mismatch").line()


def test_no_comparison_says_why():
    assert no_comparison("this OpenCV gives no layer outputs: x", "mismatch").line() == (
        "no layer comparison: this OpenCV gives no layer outputs: x")
