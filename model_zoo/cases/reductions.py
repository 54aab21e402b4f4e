"""Reductions (mean, max, sum, min) over spatial and channel axes, with and without keepdims."""
from model_zoo.case import Case, apply_tf

REDUCTIONS = ("mean", "max", "sum", "min")
# id suffix -> (axes, keepdims)
AXES = {"hw": ([1, 2], False), "channels-keepdims": ([3], True), "hw-keepdims": ([1, 2], True)}
EXTRA = {"mean-height-keepdims": ("mean", [1], True), "sum-all": ("sum", [1, 2, 3], False)}


def reduce(t, reduction, axis, keepdims):
    import tensorflow as tf

    return getattr(tf, f"reduce_{reduction}")(t, axis=axis, keepdims=keepdims)


CASES = [
    Case(f"reduce-{reduction}-{label}", "reduction", apply_tf(reduce, reduction=reduction, axis=axes, keepdims=keep),
         tags=(f"tf.reduce_{reduction}",))
    for reduction in REDUCTIONS
    for label, (axes, keep) in AXES.items()
] + [
    Case(f"reduce-{label}", "reduction", apply_tf(reduce, reduction=reduction, axis=axes, keepdims=keep),
         tags=(f"tf.reduce_{reduction}",))
    for label, (reduction, axes, keep) in EXTRA.items()
]
