"""Convolutions over sequences and volumes: Conv1D (causal too), SeparableConv1D, DepthwiseConv1D,
Conv1DTranspose, Conv3D, Conv3DTranspose."""
from model_zoo.case import Case, apply_layer

SEQUENCE, VOLUME = (16, 3), (6, 6, 6, 2)

# id -> (layer, positional arguments, keyword arguments, input shape)
LAYERS = {
    "conv1d-3-same": ("Conv1D", (4, 3), {"padding": "same"}, SEQUENCE),
    "conv1d-3-valid-stride2": ("Conv1D", (4, 3), {"strides": 2, "padding": "valid"}, SEQUENCE),
    "conv1d-3-causal-dilation2": ("Conv1D", (4, 3), {"padding": "causal", "dilation_rate": 2}, SEQUENCE),
    "conv1d-5-same-stride2": ("Conv1D", (4, 5), {"strides": 2, "padding": "same"}, SEQUENCE),
    "separable-conv1d-3-same": ("SeparableConv1D", (4, 3), {"padding": "same"}, SEQUENCE),
    "depthwise-conv1d-3-valid": ("DepthwiseConv1D", (3,), {"padding": "valid", "depth_multiplier": 2}, SEQUENCE),
    "conv1d-transpose-3-same-stride2": ("Conv1DTranspose", (4, 3), {"strides": 2, "padding": "same"}, SEQUENCE),
    "conv3d-3-same": ("Conv3D", (4, 3), {"padding": "same"}, VOLUME),
    "conv3d-3-valid-stride2": ("Conv3D", (4, 3), {"strides": 2, "padding": "valid"}, VOLUME),
    "conv3d-transpose-2-valid-stride2": ("Conv3DTranspose", (4, 2), {"strides": 2, "padding": "valid"}, VOLUME),
}

CASES = [
    Case(case_id, case_id.split("-")[0], apply_layer(layer, *args, **kwargs), inputs=(shape,))
    for case_id, (layer, args, kwargs, shape) in LAYERS.items()
]
