"""UpSampling2D: nearest and bilinear, square and non-square factors; UpSampling1D and UpSampling3D."""
from model_zoo.case import Case, apply_layer

SIZES = {"2x": 2, "3x": 3, "2x3": (2, 3)}

CASES = [
    Case(f"upsampling2d-{method}-{label}", "upsampling", apply_layer("UpSampling2D", size=size, interpolation=method))
    for method in ("nearest", "bilinear")
    for label, size in SIZES.items()
]

# id -> (layer, size, input shape)
OTHER_RANKS = {
    "upsampling1d-2x": ("UpSampling1D", 2, (8, 3)),
    "upsampling3d-2x": ("UpSampling3D", 2, (4, 4, 4, 2)),
    "upsampling3d-1x2x3": ("UpSampling3D", (1, 2, 3), (4, 4, 4, 2)),
}

CASES += [
    Case(case_id, "upsampling", apply_layer(layer, size=size), inputs=(shape,))
    for case_id, (layer, size, shape) in OTHER_RANKS.items()
]
