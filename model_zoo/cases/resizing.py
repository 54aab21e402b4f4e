"""Image resizing: tf.image.resize with each method (up, down, antialiased down), the TF1 resize ops with
align_corners / half_pixel_centers, and the Keras Resizing layer."""
from model_zoo.case import Case, apply_layer, apply_tf

UP, DOWN = (12, 10), (5, 3)  # from the 8x8 input: non-integer, non-square factors
UP_METHODS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")
DOWN_METHODS = ("bilinear", "nearest", "bicubic", "area")
ANTIALIASED_METHODS = ("bilinear", "bicubic", "lanczos3")

# id suffix -> (tf.compat.v1.image function, align_corners, half_pixel_centers)
TF1_RESIZES = {
    "bilinear-align-corners": ("resize_bilinear", True, False),
    "bilinear-half-pixel": ("resize_bilinear", False, True),
    "bilinear-asymmetric": ("resize_bilinear", False, False),
    "nearest-align-corners": ("resize_nearest_neighbor", True, False),
    "nearest-half-pixel": ("resize_nearest_neighbor", False, True),
    "nearest-asymmetric": ("resize_nearest_neighbor", False, False),
    "bicubic-align-corners": ("resize_bicubic", True, False),
}

# id suffix -> Resizing keyword arguments
RESIZING_LAYER = {
    "bilinear": {"interpolation": "bilinear"},
    "nearest": {"interpolation": "nearest"},
    "bicubic": {"interpolation": "bicubic"},
    "bilinear-crop-to-aspect-ratio": {"interpolation": "bilinear", "crop_to_aspect_ratio": True},
}


def resize(t, size, method, antialias):
    import tensorflow as tf

    return tf.image.resize(t, size, method=method, antialias=antialias)


def resize_tf1(t, size, function, align_corners, half_pixel_centers):
    import tensorflow as tf

    resize_op = getattr(tf.compat.v1.image, function)
    return resize_op(t, size, align_corners=align_corners, half_pixel_centers=half_pixel_centers)


CASES = (
    [
        Case(f"resize-{method}-{direction}{'-antialias' if antialias else ''}", "resizing",
             apply_tf(resize, size=size, method=method, antialias=antialias), tags=("tf.image.resize",))
        for direction, size, methods, antialias in (("up", UP, UP_METHODS, False), ("down", DOWN, DOWN_METHODS, False),
                                                    ("down", DOWN, ANTIALIASED_METHODS, True))
        for method in methods
    ]
    + [
        Case(f"resize-tf1-{label}", "resizing",
             apply_tf(resize_tf1, size=UP, function=function, align_corners=corners, half_pixel_centers=half_pixel),
             tags=(f"tf.compat.v1.image.{function}",))
        for label, (function, corners, half_pixel) in TF1_RESIZES.items()
    ]
    + [
        Case(f"resizing-layer-{label}", "resizing", apply_layer("Resizing", *UP, **keywords))
        for label, keywords in RESIZING_LAYER.items()
    ]
)
