"""Activation layers and activation functions applied to a convolution's output."""
from model_zoo.case import Case, after_conv

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
}
KEYWORDS = {"relu6": {"max_value": 6.0}, "prelu-per-channel": {"shared_axes": [1, 2]}}
INPUT_SCALES = {"relu6": 8.0}  # so that a good share of the convolution's outputs lie above 6

CASES = [
    Case(f"activation-{name}", "activation", after_conv(layer, *args, **KEYWORDS.get(name, {})),
         input_scale=INPUT_SCALES.get(name, 1.0))
    for name, (layer, args) in ACTIVATIONS.items()
]
