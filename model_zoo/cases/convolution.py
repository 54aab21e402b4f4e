"""Conv2D (padding, strides, dilation), DepthwiseConv2D, SeparableConv2D, Conv2DTranspose."""
from model_zoo.case import Case, apply_layer

# id suffix -> (kernel, strides, padding, dilation)
CONV2D = {
    "1x1": (1, 1, "valid", 1),
    "3x3-same": (3, 1, "same", 1),
    "3x3-valid": (3, 1, "valid", 1),
    "3x3-same-stride2": (3, 2, "same", 1),
    "3x3-valid-stride2": (3, 2, "valid", 1),
    "4x4-same-stride2": (4, 2, "same", 1),
    "3x3-same-dilation2": (3, 1, "same", 2),
    "3x3-valid-dilation2": (3, 1, "valid", 2),
}

# id suffix -> (kernel, strides, padding, extra keyword arguments)
DEPTHWISE = {
    "3x3-same": (3, 1, "same", {}),
    "3x3-valid-stride2": (3, 2, "valid", {}),
    "3x3-same-multiplier2": (3, 1, "same", {"depth_multiplier": 2}),
}
SEPARABLE = {
    "3x3-same": (3, 1, "same", {}),
    "3x3-valid-stride2": (3, 2, "valid", {}),
}
TRANSPOSE = {
    "3x3-same-stride2": (3, 2, "same", {}),
    "2x2-valid-stride2": (2, 2, "valid", {}),
    "3x3-valid-stride1": (3, 1, "valid", {}),
}

CASES = (
    [
        Case(f"conv2d-{label}", "conv2d",
             apply_layer("Conv2D", 4, kernel, strides=strides, padding=padding, dilation_rate=dilation))
        for label, (kernel, strides, padding, dilation) in CONV2D.items()
    ]
    + [
        Case(f"depthwise-conv-{label}", "depthwise",
             apply_layer("DepthwiseConv2D", kernel, strides=strides, padding=padding, **extra))
        for label, (kernel, strides, padding, extra) in DEPTHWISE.items()
    ]
    + [
        Case(f"separable-conv-{label}", "separable",
             apply_layer("SeparableConv2D", 4, kernel, strides=strides, padding=padding, **extra))
        for label, (kernel, strides, padding, extra) in SEPARABLE.items()
    ]
    + [
        Case(f"conv2d-transpose-{label}", "transpose",
             apply_layer("Conv2DTranspose", 4, kernel, strides=strides, padding=padding, **extra))
        for label, (kernel, strides, padding, extra) in TRANSPOSE.items()
    ]
)
