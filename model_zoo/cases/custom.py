"""Subclassed keras.layers.Layer classes with their own weights, Lambdas of raw TF ops, a custom activation
function, multi-input and multi-output models."""
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


@functools.cache
def channel_mix_class(keras):
    """`ChannelMix`: y = tanh(x @ kernel), a learned mixing of the channels written with raw TF ops."""

    class ChannelMix(keras.layers.Layer):
        def build(self, input_shape):
            channels = int(input_shape[-1])
            self.kernel = self.add_weight(name="kernel", shape=(channels, channels), initializer="glorot_uniform")

        def call(self, inputs):
            import tensorflow as tf

            return tf.math.tanh(tf.linalg.matmul(inputs, self.kernel))

    return ChannelMix


def custom_layer(k, x):
    return scaled_tanh_class(k.keras)()(k.layers.Conv2D(4, 3, padding="same")(x))


def square_minus_abs(t):
    """Raw TF ops for the Lambda, importing TF itself as user code does (a closure over a module can't be saved)."""
    import tensorflow as tf

    return tf.math.square(t) - 0.5 * tf.math.abs(t)


def lambda_layer(k, x):
    return k.layers.Lambda(square_minus_abs)(x)


def clip_and_scale(t):
    import tensorflow as tf

    return tf.clip_by_value(t, -0.5, 1.0) * tf.math.sigmoid(t)


def scaled_silu(t):
    """A user's own activation function, given to Activation as a Python callable."""
    import tensorflow as tf

    return t * tf.math.sigmoid(1.5 * t)


def custom_activation(k, x):
    return k.layers.Activation(scaled_silu)(k.layers.Conv2D(4, 3, padding="same")(x))


def channel_mix(k, x):
    return channel_mix_class(k.keras)()(k.layers.Conv2D(4, 3, padding="same")(x))


def three_inputs(k, image, mask, bias):
    features = k.layers.Conv2D(4, 3, padding="same")(image)
    return k.layers.Add()([k.layers.Multiply()([features, mask]), bias])


def two_heads(k, x):
    features = k.layers.Conv2D(4, 3, padding="same", activation="relu")(x)
    segmentation = k.layers.Conv2D(2, 1)(features)
    scores = k.layers.Dense(3)(k.layers.GlobalAveragePooling2D()(features))
    return [segmentation, scores]


def two_inputs(k, image, guide):
    features = k.layers.Conv2D(4, 3, padding="same")(image)
    merged = k.layers.Concatenate()([features, guide])
    return k.layers.Conv2D(4, 1)(merged)


CASES = [
    Case("custom-layer-scaled-tanh", "custom", custom_layer),
    Case("lambda-square-minus-abs", "custom", lambda_layer, tags=("tf.math.square", "tf.math.abs")),
    Case("multi-input-concat", "custom", two_inputs, inputs=((8, 8, 3), (8, 8, 2))),
    Case("custom-layer-channel-mix", "custom", channel_mix, tags=("tf.linalg.matmul", "tf.math.tanh")),
    Case("lambda-clip-sigmoid", "custom", lambda k, x: k.layers.Lambda(clip_and_scale)(x),
         tags=("tf.clip_by_value", "tf.math.sigmoid")),
    Case("custom-activation-scaled-silu", "custom", custom_activation, tags=("tf.math.sigmoid",)),
    Case("multi-input-three", "custom", three_inputs, inputs=((8, 8, 3), (8, 8, 1), (1, 1, 4))),
    Case("multi-output-two-heads", "custom", two_heads),
]
