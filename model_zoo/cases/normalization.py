"""BatchNormalization (random moving statistics) on several axes, LayerNormalization, GroupNormalization,
UnitNormalization and tf.math.l2_normalize, alone and after a convolution."""
from model_zoo.case import DEFAULT_SHAPE, Case, after_conv, apply_layer, apply_tf

CASES = [
    Case("batchnorm", "normalization", apply_layer("BatchNormalization")),
    Case("batchnorm-after-conv2d", "normalization", after_conv("BatchNormalization")),
]

SEQUENCE = (6, 8)

# id -> (layer, keyword arguments, input shape), applied to the input
ON_INPUT = {
    "batchnorm-axis1": ("BatchNormalization", {"axis": 1}, DEFAULT_SHAPE),
    "batchnorm-axis2": ("BatchNormalization", {"axis": 2}, DEFAULT_SHAPE),
    "batchnorm-sequence": ("BatchNormalization", {}, SEQUENCE),
    "layernorm-sequence": ("LayerNormalization", {}, SEQUENCE),
    "layernorm-hwc": ("LayerNormalization", {"axis": [1, 2, 3]}, DEFAULT_SHAPE),
    "unitnorm-sequence": ("UnitNormalization", {}, SEQUENCE),
}
# id -> (layer, keyword arguments), applied to a 4-channel convolution
AFTER_CONV = {
    "layernorm-after-conv2d": ("LayerNormalization", {}),
    "layernorm-no-center-no-scale": ("LayerNormalization", {"center": False, "scale": False}),
    "groupnorm-2-groups": ("GroupNormalization", {"groups": 2}),
    "groupnorm-instance": ("GroupNormalization", {"groups": -1}),
    "groupnorm-1-group": ("GroupNormalization", {"groups": 1}),
    "unitnorm-channels": ("UnitNormalization", {}),
    "unitnorm-hw": ("UnitNormalization", {"axis": [1, 2]}),
}
L2_AXES = {"channels": -1, "hw": [1, 2]}


def l2_normalize(t, axis):
    import tensorflow as tf

    return tf.math.l2_normalize(t, axis=axis)


CASES += (
    [Case(case_id, "normalization", apply_layer(layer, **kwargs), inputs=(shape,))
     for case_id, (layer, kwargs, shape) in ON_INPUT.items()]
    + [Case(case_id, "normalization", after_conv(layer, **kwargs)) for case_id, (layer, kwargs) in AFTER_CONV.items()]
    + [Case(f"l2-normalize-{label}", "normalization", apply_tf(l2_normalize, axis=axis), tags=("tf.math.l2_normalize",))
       for label, axis in L2_AXES.items()]
)
