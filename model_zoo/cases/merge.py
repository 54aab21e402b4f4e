"""Add / Multiply / Concatenate of two convolution branches of one input."""
from model_zoo.case import Case


def two_branches(merge: str):
    """Builder merging a 1x1 and a 3x3 convolution of the input with the named merge layer."""

    def build(k, x):
        left = k.layers.Conv2D(4, 1)(x)
        right = k.layers.Conv2D(4, 3, padding="same")(x)
        return getattr(k.layers, merge)()([left, right])

    return build


CASES = [Case(f"merge-{merge.lower()}", "merge", two_branches(merge)) for merge in ("Add", "Multiply", "Concatenate")]
