"""Conv2D (padding, strides, dilation, groups), DepthwiseConv2D, SeparableConv2D, Conv2DTranspose."""
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
    "5x5-same": (5, 1, "same", 1),
    "1x3-same": ((1, 3), 1, "same", 1),
    "3x3-same-stride1x2": (3, (1, 2), "same", 1),
    "3x3-valid-stride3": (3, 3, "valid", 1),
    "2x2-same-stride2": (2, 2, "same", 1),
    "3x3-same-dilation1x2": (3, 1, "same", (1, 2)),
}
GROUPED_INPUT = (8, 8, 8)
# id suffix -> (kernel, padding, groups); 8 input channels and 8 filters
GROUPED = {
    "3x3-same-groups2": (3, "same", 2),
    "1x1-valid-groups4": (1, "valid", 4),
}

# id suffix -> (kernel, strides, padding, extra keyword arguments)
DEPTHWISE = {
    "3x3-same": (3, 1, "same", {}),
    "3x3-valid-stride2": (3, 2, "valid", {}),
    "3x3-same-multiplier2": (3, 1, "same", {"depth_multiplier": 2}),
    "3x3-valid-multiplier3": (3, 1, "valid", {"depth_multiplier": 3}),
    "3x3-same-dilation2": (3, 1, "same", {"dilation_rate": 2}),
    "5x5-same-stride2": (5, 2, "same", {}),
}
SEPARABLE = {
    "3x3-same": (3, 1, "same", {}),
    "3x3-valid-stride2": (3, 2, "valid", {}),
    "3x3-same-dilation2": (3, 1, "same", {"dilation_rate": 2}),
    "3x3-same-multiplier2": (3, 1, "same", {"depth_multiplier": 2}),
}
TRANSPOSE = {
    "3x3-same-stride2": (3, 2, "same", {}),
    "2x2-valid-stride2": (2, 2, "valid", {}),
    "3x3-valid-stride1": (3, 1, "valid", {}),
    "3x3-same-stride1": (3, 1, "same", {}),
    "3x3-valid-stride2": (3, 2, "valid", {}),
    "3x3-same-stride3": (3, 3, "same", {}),
    "3x3-valid-stride3": (3, 3, "valid", {}),
    "4x4-same-stride2": (4, 2, "same", {}),
    "3x3-same-stride2-outpad1": (3, 2, "same", {"output_padding": 1}),
    "3x3-valid-stride2-outpad1": (3, 2, "valid", {"output_padding": 1}),
    "3x3-valid-stride3-outpad2": (3, 3, "valid", {"output_padding": 2}),
}

CASES = (
    [
        Case(f"conv2d-{label}", "conv2d",
             apply_layer("Conv2D", 4, kernel, strides=strides, padding=padding, dilation_rate=dilation))
        for label, (kernel, strides, padding, dilation) in CONV2D.items()
    ]
    + [
        Case(f"conv2d-{label}", "conv2d", apply_layer("Conv2D", 8, kernel, padding=padding, groups=groups),
             inputs=(GROUPED_INPUT,))
        for label, (kernel, padding, groups) in GROUPED.items()
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
