"""UpSampling2D: nearest and bilinear, square and non-square factors."""
from model_zoo.case import Case, apply_layer

SIZES = {"2x": 2, "3x": 3, "2x3": (2, 3)}

CASES = [
    Case(f"upsampling2d-{method}-{label}", "upsampling", apply_layer("UpSampling2D", size=size, interpolation=method))
    for method in ("nearest", "bilinear")
    for label, size in SIZES.items()
]
