"""Max and average pooling 1D / 2D / 3D on even and odd inputs, same and valid; global pooling, with keepdims."""
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

SEQUENCE_ODD, VOLUME_ODD = (15, 3), (7, 7, 7, 2)

# id -> (layer, pool size, strides, padding, input shape)
WINDOWS_ND = {
    "maxpooling2d-2x2-valid-stride1-even": ("MaxPooling2D", 2, 1, "valid", EVEN),
    "averagepooling2d-3x3-same-stride1-even": ("AveragePooling2D", 3, 1, "same", EVEN),
    "maxpooling2d-3x2-valid-odd": ("MaxPooling2D", (3, 2), (3, 2), "valid", ODD),
    "maxpooling1d-2-valid-odd": ("MaxPooling1D", 2, 2, "valid", SEQUENCE_ODD),
    "maxpooling1d-3-same-stride2-odd": ("MaxPooling1D", 3, 2, "same", SEQUENCE_ODD),
    "averagepooling1d-2-same-odd": ("AveragePooling1D", 2, 2, "same", SEQUENCE_ODD),
    "averagepooling1d-3-valid-stride1-odd": ("AveragePooling1D", 3, 1, "valid", SEQUENCE_ODD),
    "maxpooling3d-2-valid-odd": ("MaxPooling3D", 2, 2, "valid", VOLUME_ODD),
    "maxpooling3d-3-same-stride2-odd": ("MaxPooling3D", 3, 2, "same", VOLUME_ODD),
    "averagepooling3d-2-valid-odd": ("AveragePooling3D", 2, 2, "valid", VOLUME_ODD),
    "averagepooling3d-2-same-odd": ("AveragePooling3D", 2, 2, "same", VOLUME_ODD),
}
# id -> (layer, keepdims, input shape)
GLOBAL = {
    "globalaveragepooling2d-keepdims": ("GlobalAveragePooling2D", True, EVEN),
    "globalmaxpooling2d-keepdims": ("GlobalMaxPooling2D", True, EVEN),
    "globalaveragepooling1d": ("GlobalAveragePooling1D", False, SEQUENCE_ODD),
    "globalmaxpooling1d-keepdims": ("GlobalMaxPooling1D", True, SEQUENCE_ODD),
    "globalaveragepooling3d": ("GlobalAveragePooling3D", False, VOLUME_ODD),
    "globalmaxpooling3d": ("GlobalMaxPooling3D", False, VOLUME_ODD),
}

CASES += [
    Case(case_id, "pooling", apply_layer(layer, pool_size=pool, strides=strides, padding=padding), inputs=(shape,))
    for case_id, (layer, pool, strides, padding, shape) in WINDOWS_ND.items()
] + [
    Case(case_id, "pooling", apply_layer(layer, keepdims=keepdims), inputs=(shape,))
    for case_id, (layer, keepdims, shape) in GLOBAL.items()
]
