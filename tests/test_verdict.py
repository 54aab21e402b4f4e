"""The verdict: status words, metrics and tolerance scaling on tiny arrays."""
import numpy as np
import pytest

from conformance.judging import verdict
from conformance.judging.verdict import STATUSES, Verdict, compare, failed, measure, summarize
from model_zoo.case import Tolerance

TOL = Tolerance(max_abs=1e-4)


def arr(*values):
    return np.array(values, dtype=np.float32).reshape(1, -1)


def test_identical_outputs_pass_with_zero_error():
    verdict = compare([arr(1, 2, 3)], [arr(1, 2, 3)], TOL)
    assert verdict.status == "pass"
    assert verdict.metrics.max_abs == 0 and verdict.metrics.required_tolerance == 0


def test_error_just_inside_and_outside_the_bound():
    base = np.zeros((1, 100), np.float32)
    inside = base.copy()
    inside[0, 0] = 0.9e-4  # mean 0.9e-6 <= 1e-5
    outside = base.copy()
    outside[0, 0] = 1.1e-4
    assert compare([base], [inside], TOL).status == "pass"
    verdict = compare([base], [outside], TOL)
    assert verdict.status == "mismatch"
    assert verdict.stage == "compare" and "max abs error 0.00011" in verdict.error


def test_mean_bound_catches_widespread_small_errors():
    expected = np.zeros((1, 10), np.float32)
    actual = np.full((1, 10), 5e-5, np.float32)  # max 5e-5 passes lInf, mean 5e-5 fails l1 bound 1e-5
    verdict = compare([expected], [actual], TOL)
    assert verdict.status == "mismatch"
    assert verdict.metrics.required_tolerance == pytest.approx(5e-4)


def test_tolerance_scales_with_output_magnitude():
    expected = arr(1000.0, 0.0)
    actual = arr(1000.05, 0.0)  # 5e-2 absolute, 5e-5 relative to the scale 1000
    verdict = compare([expected], [actual], Tolerance(max_abs=1e-4))
    assert verdict.metrics.scale == pytest.approx(1000.0)
    assert verdict.metrics.max_abs == pytest.approx(0.05, rel=1e-3)
    assert compare([expected], [actual], Tolerance(max_abs=1e-5)).status == "mismatch"


def test_small_outputs_use_scale_one():
    assert measure([arr(0.001)], [arr(0.001)]).scale == 1.0


def test_required_tolerance_is_the_smallest_that_passes():
    expected, actual = arr(0.0, 0.0, 0.0, 0.0), arr(3e-3, 0.0, 0.0, 0.0)
    required = compare([expected], [actual], TOL).metrics.required_tolerance
    assert compare([expected], [actual], Tolerance(max_abs=required * 1.001)).status == "pass"
    assert compare([expected], [actual], Tolerance(max_abs=required * 0.999)).status == "mismatch"


def test_shape_difference_is_shape_mismatch_never_permuted():
    expected = np.zeros((1, 2, 3, 4), np.float32)
    verdict = compare([expected], [expected.transpose(0, 3, 1, 2)], TOL)
    assert verdict.status == "shape-mismatch"
    assert "(1, 4, 2, 3)" in verdict.error and "(1, 2, 3, 4)" in verdict.error
    assert verdict.metrics is None


def test_output_count_difference_is_shape_mismatch():
    verdict = compare([arr(1), arr(2)], [arr(1)], TOL)
    assert verdict.status == "shape-mismatch" and "1 outputs" in verdict.error


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_output_is_infinitely_wrong(bad):
    verdict = compare([arr(1.0, 2.0)], [arr(1.0, bad)], TOL)
    assert verdict.status == "mismatch" and verdict.metrics.max_abs == np.inf


def test_matching_non_finite_values_agree():
    assert compare([arr(np.inf, np.nan)], [arr(np.inf, np.nan)], TOL).status == "pass"


def test_metrics_span_all_outputs():
    metrics = measure([arr(0, 0), arr(0, 0)], [arr(0, 0), arr(0, 1e-3)])
    assert metrics.max_abs == pytest.approx(1e-3)
    assert metrics.mean_abs == pytest.approx(1e-3 / 4)


def test_unknown_status_is_refused():
    with pytest.raises(ValueError):
        Verdict("fine")


def test_summary_counts_per_status_and_path():
    summary = summarize([("tflite", "pass"), ("tflite", "crash"), ("onnx-keras", "pass")])
    assert summary["overall"]["pass"] == 2 and summary["overall"]["crash"] == 1
    assert summary["per_path"]["tflite"] == {**{s: 0 for s in STATUSES}, "pass": 1, "crash": 1}


def test_non_float_outputs_are_compared_by_value():
    """An integer output (OpenCV may give int32 or int64 for index-like results) is compared exactly by value."""
    want = np.array([[3, 1, 2]], dtype=np.float32)
    assert compare([want], [want.astype(np.int64)], TOL).status == "pass"
    verdict = compare([want], [np.array([[3, 1, 4]], dtype=np.int32)], TOL)
    assert verdict.status == "mismatch" and verdict.metrics.max_abs == 2.0


def test_failure_lines_do_not_depend_on_the_converters_node_numbering():
    error = ("OpenCV(4.7.0) onnx_importer.cpp:1073: error: (-2:Unspecified error) in function 'handleNode' > Node "
             "[Resize@ai.onnx]:(onnx_node!Resize__1225) parse error: interp_mode != \"tf_half_pixel_for_nn\"")
    verdict = failed("import-error", "import", error)
    assert "(onnx_node!Resize__N)" in verdict.error and "Resize__1225" in verdict.detail
    assert failed("import-error", "import", error.replace("1225", "649")).error == verdict.error
    kept = "Input layer not found: case_1/conv2d_1/Reshape/ReadVariableOp/resource; cv::dnn::dnn4_v20231225"
    assert failed("import-error", "import", kept).error == kept  # only a converter's __N suffixes change


def test_a_quantized_cell_may_be_off_by_one_output_step_on_any_element():
    from conformance.judging.verdict import judged_tolerance

    expected = [np.array([[0.5, -2.0]], np.float32)]
    tolerance = judged_tolerance(expected, Tolerance(), bound=0.1, reason="one int8 step")
    assert tolerance.max_abs == pytest.approx(0.05) and tolerance.mean_abs == tolerance.max_abs  # scale 2
    assert compare(expected, [expected[0] + 0.09], tolerance).status == "pass"
    assert compare(expected, [expected[0] + 0.12], tolerance).status == "mismatch"
    assert judged_tolerance(expected, Tolerance(), bound=0.0, reason="") == Tolerance()


def test_not_applicable_cells_are_not_counted():
    from conformance.judging.verdict import counted

    assert not counted("n/a") and counted("pass") and counted("unsupported")


def test_a_rerun_that_tells_the_same_leaves_the_verdict_alone():
    first = compare([arr(0.0, 0.0)], [arr(0.5, 0.25)], Tolerance())
    again = compare([arr(0.0, 0.0)], [arr(0.50001, 0.25)], Tolerance())  # threads may move the last digits
    assert verdict.with_rerun(first, again) is first and first.rerun is None


@pytest.mark.parametrize("second", [
    Verdict("forward-error", "forward", "fails the second time"),  # another status
    compare([arr(0.0, 0.0)], [arr(8e13, 0.0)], Tolerance()),  # garbage, other garbage
])
def test_a_rerun_that_tells_otherwise_marks_the_cell_nondeterministic(second):
    first = compare([arr(0.0, 0.0)], [arr(9e31, 0.0)], Tolerance())
    marked = verdict.with_rerun(first, second)
    assert marked.rerun == second
    assert (marked.status, marked.metrics) == (first.status, first.metrics)  # the table shows the first run
