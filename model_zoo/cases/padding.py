"""ZeroPadding2D (symmetric, asymmetric) and Cropping2D."""
from model_zoo.case import Case, apply_layer

CASES = [
    Case("zeropadding2d-1", "padding", apply_layer("ZeroPadding2D", 1)),
    Case("zeropadding2d-asymmetric", "padding", apply_layer("ZeroPadding2D", ((1, 2), (0, 3)))),
    Case("cropping2d-1", "padding", apply_layer("Cropping2D", 1)),
    Case("cropping2d-asymmetric", "padding", apply_layer("Cropping2D", ((1, 2), (2, 0)))),
]
