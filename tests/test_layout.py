"""Layout rules: each path's definition, applied exactly, never guessed."""
import numpy as np
import pytest

from model_zoo.layout import to_layout


def test_nchw_moves_channels_of_4d_tensors():
    nhwc = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    nchw = to_layout(nhwc, "nchw")
    assert nchw.shape == (2, 5, 3, 4)
    assert nchw[1, 4, 2, 3] == nhwc[1, 2, 3, 4]
    assert nchw.flags["C_CONTIGUOUS"]


@pytest.mark.parametrize("shape", [(1, 7), (1, 4, 6), (1, 2, 2, 2, 2)])
def test_nchw_leaves_other_ranks_alone(shape):
    array = np.ones(shape, np.float32)
    assert to_layout(array, "nchw").shape == shape


def test_nhwc_is_keras_layout_unchanged():
    array = np.random.default_rng(0).standard_normal((1, 3, 4, 2)).astype(np.float32)
    np.testing.assert_array_equal(to_layout(array, "nhwc"), array)


def test_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="unknown layout"):
        to_layout(np.zeros((1, 1, 1, 1)), "nwhc")
