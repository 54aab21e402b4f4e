"""MaxPooling2D / AveragePooling2D on even and odd inputs, same and valid; global pooling."""
from model_zoo.case import Case, apply_layer

EVEN, ODD = (8, 8, 3), (9, 9, 3)

# id suffix -> (pool size, strides, padding, input shape)
WINDOWS = {
    "2x2-valid-even": (2, 2, "valid", EVEN),
    "2x2-same-odd": (2, 2, "same", ODD),
    "3x3-same-stride2-odd": (3, 2, "same", ODD),
    "3x3-valid-stride2-odd": (3, 2, "valid", ODD),
}

CASES = [
    Case(f"{name.lower()}-{label}", "pooling",
         apply_layer(name, pool_size=pool, strides=strides, padding=padding), inputs=(shape,))
    for name in ("MaxPooling2D", "AveragePooling2D")
    for label, (pool, strides, padding, shape) in WINDOWS.items()
] + [
    Case(f"{name.lower()}", "pooling", apply_layer(name))
    for name in ("GlobalAveragePooling2D", "GlobalMaxPooling2D")
]
