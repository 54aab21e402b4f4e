"""Raw TF tensor ops users put in Lambda layers: space_to_depth / depth_to_space, split, strided slices, reverse,
squeeze / expand_dims, transpose."""
from model_zoo.case import Case, apply_tf


def space_to_depth(t, block_size):
    import tensorflow as tf

    return tf.nn.space_to_depth(t, block_size)


def depth_to_space(t, block_size):
    import tensorflow as tf

    return tf.nn.depth_to_space(t, block_size)


def split_and_swap(t, sizes, axis):
    """Split into pieces and concatenate them in reverse order (one output that depends on every piece)."""
    import tensorflow as tf

    return tf.concat(tf.split(t, sizes, axis=axis)[::-1], axis=axis)


def strided_slice(t, begin, end, strides):
    import tensorflow as tf

    return tf.strided_slice(t, begin, end, strides)


def reverse(t, axis):
    import tensorflow as tf

    return tf.reverse(t, axis)


def expand_dims(t, axis):
    import tensorflow as tf

    return tf.expand_dims(t, axis)


def squeeze(t, axis):
    import tensorflow as tf

    return tf.squeeze(t, axis)


def transpose(t, perm):
    import tensorflow as tf

    return tf.transpose(t, perm)


# id -> (family, function, arguments, input shape, TF op)
OPS = {
    "space-to-depth-2": ("reshape", space_to_depth, {"block_size": 2}, (8, 8, 3), "tf.nn.space_to_depth"),
    "depth-to-space-2": ("reshape", depth_to_space, {"block_size": 2}, (4, 4, 8), "tf.nn.depth_to_space"),
    "split-channels-3": ("slicing", split_and_swap, {"sizes": 3, "axis": -1}, (8, 8, 6), "tf.split"),
    "split-width-unequal": ("slicing", split_and_swap, {"sizes": [3, 5], "axis": 2}, (8, 8, 3), "tf.split"),
    "slice-begin-end": ("slicing", strided_slice, {"begin": [0, 1, 2, 0], "end": [1, 7, 8, 3], "strides": [1, 1, 1, 1]},
                        (8, 8, 3), "tf.strided_slice"),
    "slice-strided": ("slicing", strided_slice, {"begin": [0, 0, 1, 0], "end": [1, 8, 8, 3], "strides": [1, 2, 2, 1]},
                      (8, 8, 3), "tf.strided_slice"),
    "slice-channels": ("slicing", strided_slice, {"begin": [0, 0, 0, 1], "end": [1, 8, 8, 3], "strides": [1, 1, 1, 1]},
                       (8, 8, 3), "tf.strided_slice"),
    "reverse-width": ("slicing", reverse, {"axis": [2]}, (8, 8, 3), "tf.reverse"),
    "expand-dims-last": ("reshape", expand_dims, {"axis": -1}, (6, 4), "tf.expand_dims"),
    "squeeze-axis2": ("reshape", squeeze, {"axis": [2]}, (6, 1, 4), "tf.squeeze"),
    "transpose-sequence": ("reshape", transpose, {"perm": [0, 2, 1]}, (6, 4), "tf.transpose"),
}

CASES = [
    Case(case_id, family, apply_tf(function, **arguments), inputs=(shape,), tags=(op,))
    for case_id, (family, function, arguments, shape, op) in OPS.items()
]
