"""Activation layers and activation functions applied to a convolution's output."""
from model_zoo.case import Case, after_conv, apply_tf, conv_then

# id -> (layer class name, arguments)
ACTIVATIONS = {
    "relu": ("ReLU", ()),
    "relu6": ("ReLU", ()),
    "leakyrelu": ("LeakyReLU", ()),
    "prelu": ("PReLU", ()),  # Keras's default: one alpha per element
    "prelu-per-channel": ("PReLU", ()),
    "sigmoid": ("Activation", ("sigmoid",)),
    "tanh": ("Activation", ("tanh",)),
    "softmax": ("Softmax", ()),
    "relu-threshold": ("ReLU", ()),
    "relu-negative-slope": ("ReLU", ()),
    "relu-max-value-negative-slope-threshold": ("ReLU", ()),
    "elu": ("ELU", ()),
    "elu-alpha": ("ELU", ()),
    "selu": ("Activation", ("selu",)),
    "gelu": ("Activation", ("gelu",)),
    "swish": ("Activation", ("swish",)),
    "hard-sigmoid": ("Activation", ("hard_sigmoid",)),
    "softplus": ("Activation", ("softplus",)),
    "softsign": ("Activation", ("softsign",)),
    "exponential": ("Activation", ("exponential",)),
    "softmax-axis1": ("Softmax", ()),
    "softmax-axis2": ("Softmax", ()),
    "softmax-axis-hw": ("Softmax", ()),
}
KEYWORDS = {
    "relu6": {"max_value": 6.0},
    "prelu-per-channel": {"shared_axes": [1, 2]},
    "relu-threshold": {"threshold": 0.5},
    "relu-negative-slope": {"negative_slope": 0.1},
    "relu-max-value-negative-slope-threshold": {"max_value": 4.0, "negative_slope": 0.2, "threshold": 0.3},
    "elu-alpha": {"alpha": 0.5},
    "softmax-axis1": {"axis": 1},
    "softmax-axis2": {"axis": 2},
    "softmax-axis-hw": {"axis": (1, 2)},
}
INPUT_SCALES = {"relu6": 8.0, "relu-max-value-negative-slope-threshold": 8.0}  # reach past the clipping point


def gelu(t, approximate):
    import tensorflow as tf

    return tf.nn.gelu(t, approximate=approximate)


def hard_swish(t):
    """MobileNetV3's hard swish, x * relu6(x + 3) / 6, as its paper and Keras's applications write it."""
    import tensorflow as tf

    return t * tf.nn.relu6(t + 3.0) / 6.0


# id -> (function of raw TF ops, its arguments, the TF ops it uses)
TF_ACTIVATIONS = {
    "gelu-exact-tf": (gelu, {"approximate": False}, ("tf.nn.gelu",)),
    "gelu-tanh-tf": (gelu, {"approximate": True}, ("tf.nn.gelu",)),
    "hard-swish-tf": (hard_swish, {}, ("tf.nn.relu6",)),
}

CASES = [
    Case(f"activation-{name}", "activation", after_conv(layer, *args, **KEYWORDS.get(name, {})),
         input_scale=INPUT_SCALES.get(name, 1.0))
    for name, (layer, args) in ACTIVATIONS.items()
]

CASES += [
    Case(f"activation-{name}", "activation", conv_then(apply_tf(function, **arguments)), tags=ops, input_scale=4.0)
    for name, (function, arguments, ops) in TF_ACTIVATIONS.items()
]
