"""Zero padding and cropping 1D / 2D / 3D (symmetric, asymmetric) and tf.pad in each mode."""
from model_zoo.case import Case, apply_layer, apply_tf

CASES = [
    Case("zeropadding2d-1", "padding", apply_layer("ZeroPadding2D", 1)),
    Case("zeropadding2d-asymmetric", "padding", apply_layer("ZeroPadding2D", ((1, 2), (0, 3)))),
    Case("cropping2d-1", "padding", apply_layer("Cropping2D", 1)),
    Case("cropping2d-asymmetric", "padding", apply_layer("Cropping2D", ((1, 2), (2, 0)))),
]

SEQUENCE, VOLUME = (10, 3), (5, 5, 5, 2)

# id -> (layer, argument, input shape)
OTHER_RANKS = {
    "zeropadding1d-asymmetric": ("ZeroPadding1D", (1, 2), SEQUENCE),
    "cropping1d-asymmetric": ("Cropping1D", (2, 1), SEQUENCE),
    "zeropadding3d-1": ("ZeroPadding3D", 1, VOLUME),
    "cropping3d-asymmetric": ("Cropping3D", ((1, 0), (0, 2), (1, 1)), VOLUME),
}

# id suffix -> (mode, constant value); paddings differ per side so that mirror modes show which edge they copy
PAD_MODES = {"reflect": ("REFLECT", 0.0), "symmetric": ("SYMMETRIC", 0.0), "constant-value": ("CONSTANT", 0.5)}
PADDINGS = ((0, 0), (1, 2), (2, 1), (0, 0))


def pad(t, paddings, mode, constant_values):
    import tensorflow as tf

    return tf.pad(t, paddings, mode=mode, constant_values=constant_values)


CASES += [
    Case(case_id, "padding", apply_layer(layer, argument), inputs=(shape,))
    for case_id, (layer, argument, shape) in OTHER_RANKS.items()
] + [
    Case(f"tf-pad-{label}", "padding", apply_tf(pad, paddings=PADDINGS, mode=mode, constant_values=value),
         tags=("tf.pad",))
    for label, (mode, value) in PAD_MODES.items()
]
