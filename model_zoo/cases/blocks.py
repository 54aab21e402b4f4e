"""Composite blocks: a residual block and a U-Net style decoder step."""
from model_zoo.case import Case


def residual_block(k, x):
    L = k.layers
    y = L.ReLU()(L.BatchNormalization()(L.Conv2D(8, 3, padding="same")(x)))
    y = L.BatchNormalization()(L.Conv2D(8, 3, padding="same")(y))
    shortcut = L.Conv2D(8, 1)(x)
    return L.ReLU()(L.Add()([y, shortcut]))


def unet_decoder(k, x):
    L = k.layers
    skip = L.Conv2D(4, 3, padding="same", activation="relu")(x)
    down = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(skip)
    up = L.UpSampling2D(2)(down)
    merged = L.Concatenate()([up, skip])
    return L.Conv2D(4, 3, padding="same")(merged)


CASES = [
    Case("block-residual", "blocks", residual_block),
    Case("block-unet-decoder", "blocks", unet_decoder, inputs=((16, 16, 3),)),
]
