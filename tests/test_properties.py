"""Properties of the verdict and layout rules over drawn arrays (hypothesis)."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from conformance.judging.verdict import compare
from model_zoo.case import Tolerance
from model_zoo.layout import to_layout

finite = st.floats(-1e3, 1e3, allow_nan=False, width=32)
outputs = arrays(np.float32, array_shapes(min_dims=2, max_dims=4, max_side=5), elements=finite)


@given(outputs)
def test_an_output_always_matches_itself(expected):
    verdict = compare([expected], [expected.copy()], Tolerance())
    assert verdict.status == "pass" and verdict.metrics.max_abs == 0


@given(outputs, st.floats(1e-6, 1e-1))
@settings(max_examples=50)
def test_required_tolerance_is_exactly_the_boundary(expected, noise):
    actual = expected + np.float32(noise)
    required = compare([expected], [actual], Tolerance()).metrics.required_tolerance
    if required > 0:
        assert compare([expected], [actual], Tolerance(max_abs=required * 1.0001)).status == "pass"
        assert compare([expected], [actual], Tolerance(max_abs=required * 0.9999)).status == "mismatch"


@given(arrays(np.float32, array_shapes(min_dims=4, max_dims=4, max_side=4), elements=finite))
def test_nchw_layout_is_the_channel_transposition_and_keeps_every_value(nhwc):
    nchw = to_layout(nhwc, "nchw")
    np.testing.assert_array_equal(nchw.transpose(0, 2, 3, 1), nhwc)


@given(arrays(np.float32, array_shapes(min_dims=4, max_dims=4, min_side=2, max_side=4), elements=finite))
def test_a_layout_slip_is_never_a_pass(nhwc):
    wrong = np.ascontiguousarray(nhwc.transpose(0, 3, 1, 2))
    if wrong.shape != nhwc.shape:
        assert compare([nhwc], [wrong], Tolerance()).status == "shape-mismatch"
