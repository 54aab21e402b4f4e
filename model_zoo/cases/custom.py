"""A subclassed keras.layers.Layer with its own weights, a Lambda of raw TF ops, a multi-input model."""
from __future__ import annotations

import functools

from model_zoo.case import Case


@functools.cache
def scaled_tanh_class(keras):
    """`ScaledTanh`: y = scale * tanh(x) + offset, per channel; defined lazily so TF loads only when building."""

    class ScaledTanh(keras.layers.Layer):
        def build(self, input_shape):
            channels = (int(input_shape[-1]),)
            self.scale = self.add_weight(name="scale", shape=channels, initializer="ones")
            self.offset = self.add_weight(name="offset", shape=channels, initializer="zeros")

        def call(self, inputs):
            return self.scale * keras.activations.tanh(inputs) + self.offset

    return ScaledTanh


def custom_layer(k, x):
    return scaled_tanh_class(k.keras)()(k.layers.Conv2D(4, 3, padding="same")(x))


def square_minus_abs(t):
    """Raw TF ops for the Lambda, importing TF itself as user code does (a closure over a module can't be saved)."""
    import tensorflow as tf

    return tf.math.square(t) - 0.5 * tf.math.abs(t)


def lambda_layer(k, x):
    return k.layers.Lambda(square_minus_abs)(x)


def two_inputs(k, image, guide):
    features = k.layers.Conv2D(4, 3, padding="same")(image)
    merged = k.layers.Concatenate()([features, guide])
    return k.layers.Conv2D(4, 1)(merged)


CASES = [
    Case("custom-layer-scaled-tanh", "custom", custom_layer),
    Case("lambda-square-minus-abs", "custom", lambda_layer),
    Case("multi-input-concat", "custom", two_inputs, inputs=((8, 8, 3), (8, 8, 2))),
]
