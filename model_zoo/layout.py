"""Layout rules: how a Keras (NHWC) tensor looks on OpenCV's side of a path. Pure functions."""
from __future__ import annotations

import numpy as np

LAYOUTS = ("nhwc", "nchw")


def to_layout(array: np.ndarray, layout: str) -> np.ndarray:
    """Lay a Keras tensor out as `layout` says: 4D tensors become NCHW for "nchw"; other ranks stay as they are."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    if layout == "nchw" and array.ndim == 4:
        return np.ascontiguousarray(array.transpose(0, 3, 1, 2))
    return array
