"""Flatten + Dense, Reshape between 4D and lower ranks."""
from model_zoo.case import Case, apply_layer

CASES = [
    Case("dense-after-flatten", "dense", lambda k, x: k.layers.Dense(10)(k.layers.Flatten()(x))),
    Case("dense-softmax-after-flatten", "dense",
         lambda k, x: k.layers.Dense(10, activation="softmax")(k.layers.Flatten()(x))),
    Case("flatten", "reshape", apply_layer("Flatten")),
    Case("reshape-4d", "reshape", apply_layer("Reshape", (4, 16, 3))),
    Case("reshape-to-2d", "reshape", apply_layer("Reshape", (64, 3))),
]
