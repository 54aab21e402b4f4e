"""Frozen GraphDef, the suite's own recipe: the usual freeze + `optimize_for_inference` + grappler constant
folding (`tf-frozen-grappler`), then two fixes of ours that change what OpenCV reads. Importable by users:

    from model_zoo.export.tf_frozen_ours import freeze_for_opencv
    graph_def = freeze_for_opencv(model, [tf.TensorSpec((1, 224, 224, 3), tf.float32, name="input")])
    open("model.pb", "wb").write(graph_def.SerializeToString())
    net = cv2.dnn.readNetFromTensorflow("model.pb")   # NCHW blobs in, NCHW 4D outputs out

The fixes, each measured (docs/findings.md):
- every Const stored in full (`tf.make_tensor_proto(tf.make_ndarray(value))`): grappler stores an all-equal
  constant once ("splat") and OpenCV's TF importer reads it as one element (UpSampling2D's size [16, 16] became
  [16]: "parseResize" check failure; a dilated convolution's block_shape [2, 2]);
- no `GraphDef.versions`: OpenCV >= 4.9 applies TF2 Softmax semantics to a graph whose producer says TF2 and
  then gives wrong Softmax numbers (max abs ~0.5); without the field it reads Softmax right (opencv PR #24613).
  `optimize_for_inference` already drops the field; clearing it states it.
"""
from model_zoo.export import Artifact, Route
from model_zoo.export.common import freeze, frozen_graph, traced
from model_zoo.export.tf_frozen_grappler import optimized


def with_full_constants(graph_def):
    """The same graph with every Const stored element by element (no splat compression)."""
    import tensorflow as tf

    for node in graph_def.node:
        if node.op == "Const":
            value = node.attr["value"].tensor
            node.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(tf.make_ndarray(value)))
    return graph_def


def opencv_ready(graph_def, inputs, outputs):
    """The usual recipe on a frozen GraphDef, constants stored in full, `versions` cleared."""
    graph_def = with_full_constants(optimized(graph_def, inputs, outputs))
    graph_def.ClearField("versions")
    return graph_def


def freeze_for_opencv(model, input_signature):
    """A Keras model frozen for `cv2.dnn.readNetFromTensorflow` by the suite's recipe (a GraphDef)."""
    graph_def, inputs, outputs = freeze(traced(model, input_signature))
    return opencv_ready(graph_def, inputs, outputs)


def export(built, folder):
    graph_def, inputs, outputs = frozen_graph(built)
    (folder / "model.pb").write_bytes(opencv_ready(graph_def, inputs, outputs).SerializeToString())
    return Artifact("model.pb", tuple(inputs))


ROUTE = Route(
    name="tf-frozen-ours",
    reader="readNetFromTensorflow",
    input_layout="nchw",
    output_layout="nchw",
    export=export,
    summary="the suite's freeze: the usual recipe, then constants stored in full and no versions field",
)
