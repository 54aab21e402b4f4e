"""Merge layers: of two convolution branches of one input, on every concatenation axis, with broadcasting
between two inputs, of three branches, and Dot products of sequences and vectors."""
from model_zoo.case import Case


def two_branches(merge: str, **kwargs):
    """Builder merging a 1x1 and a 3x3 convolution of the input with the named merge layer."""

    def build(k, x):
        left = k.layers.Conv2D(4, 1)(x)
        right = k.layers.Conv2D(4, 3, padding="same")(x)
        return getattr(k.layers, merge)(**kwargs)([left, right])

    return build


def three_branches(k, x):
    branches = [k.layers.Conv2D(4, size, padding="same")(x) for size in (1, 3, 5)]
    return k.layers.Add()(branches)


def merge_inputs(merge: str, **kwargs):
    """Builder merging the case's inputs as they are with the named merge layer."""
    return lambda k, *inputs: getattr(k.layers, merge)(**kwargs)(list(inputs))


# id -> (merge layer, keyword arguments, input shapes)
OF_INPUTS = {
    "merge-multiply-broadcast-channels": ("Multiply", {}, ((8, 8, 4), (1, 1, 4))),
    "merge-add-broadcast-rows": ("Add", {}, ((8, 8, 4), (1, 8, 4))),
    "merge-dot-sequences": ("Dot", {"axes": 2}, ((5, 4), (6, 4))),
    "merge-dot-axis1": ("Dot", {"axes": 1}, ((5, 4), (5, 3))),
    "merge-dot-cosine": ("Dot", {"axes": 1, "normalize": True}, ((8,), (8,))),
}

CASES = (
    [Case(f"merge-{merge.lower()}", "merge", two_branches(merge))
     for merge in ("Add", "Multiply", "Concatenate", "Subtract", "Average", "Maximum", "Minimum")]
    + [Case(f"merge-concatenate-axis{axis}", "merge", two_branches("Concatenate", axis=axis)) for axis in (1, 2, 3)]
    + [Case("merge-add-three", "merge", three_branches)]
    + [Case(case_id, "merge", merge_inputs(merge, **kwargs), inputs=shapes)
       for case_id, (merge, kwargs, shapes) in OF_INPUTS.items()]
)
