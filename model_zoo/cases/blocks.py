"""Composite blocks: residual, U-Net decoder steps, squeeze-excite, MobileNetV2 inverted residual, FPN top-down
merge, a small classifier head."""
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


def unet_decoder_transpose(k, x):
    L = k.layers
    skip = L.Conv2D(4, 3, padding="same", activation="relu")(x)
    down = L.MaxPooling2D(2)(L.Conv2D(8, 3, padding="same", activation="relu")(skip))
    up = L.Conv2DTranspose(4, 2, strides=2, padding="same")(down)
    return L.Conv2D(4, 3, padding="same")(L.Concatenate()([up, skip]))


def squeeze_excite(k, x):
    L = k.layers
    features = L.Conv2D(8, 3, padding="same", activation="relu")(x)
    squeezed = L.GlobalAveragePooling2D(keepdims=True)(features)
    weights = L.Dense(8, activation="sigmoid")(L.Dense(2, activation="relu")(squeezed))
    return L.Multiply()([features, weights])  # (8, 8, 8) x (1, 1, 8): broadcast over the image


def inverted_residual(k, x):
    L = k.layers
    y = L.ReLU(6.0)(L.BatchNormalization()(L.Conv2D(16, 1, use_bias=False)(x)))
    y = L.ReLU(6.0)(L.BatchNormalization()(L.DepthwiseConv2D(3, padding="same", use_bias=False)(y)))
    y = L.BatchNormalization()(L.Conv2D(4, 1, use_bias=False)(y))
    return L.Add()([L.Conv2D(4, 1)(x), y])


def fpn_top_down(k, x):
    L = k.layers
    c3 = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    c4 = L.Conv2D(16, 3, strides=2, padding="same", activation="relu")(c3)
    p4 = L.Conv2D(8, 1)(c4)
    p3 = L.Add()([L.UpSampling2D(2)(p4), L.Conv2D(8, 1)(c3)])
    return L.Conv2D(8, 3, padding="same")(p3)


def classifier_head(k, x):
    L = k.layers
    features = L.MaxPooling2D(2)(L.Conv2D(8, 3, padding="same", activation="relu")(x))
    pooled = L.GlobalAveragePooling2D()(features)
    return L.Dense(5, activation="softmax")(L.Dropout(0.5)(L.Dense(16, activation="relu")(pooled)))


CASES = [
    Case("block-residual", "blocks", residual_block),
    Case("block-unet-decoder", "blocks", unet_decoder, inputs=((16, 16, 3),)),
    Case("block-unet-decoder-transpose", "blocks", unet_decoder_transpose, inputs=((16, 16, 3),)),
    Case("block-squeeze-excite", "blocks", squeeze_excite),
    Case("block-inverted-residual", "blocks", inverted_residual),
    Case("block-fpn-top-down", "blocks", fpn_top_down, inputs=((16, 16, 3),)),
    Case("block-classifier-head", "blocks", classifier_head, inputs=((16, 16, 3),)),
]
