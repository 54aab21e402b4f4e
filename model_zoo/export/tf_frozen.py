"""Frozen GraphDef, plain: the recipe most tutorials give.

    fn = tf.function(model).get_concrete_function(tf.TensorSpec((1, H, W, C), name="input"))
    graph_def = convert_variables_to_constants_v2(fn).graph.as_graph_def()
    open("model.pb", "wb").write(graph_def.SerializeToString())

Read with `cv2.dnn.readNetFromTensorflow("model.pb")`; OpenCV takes NCHW blobs and gives NCHW 4D outputs.
The graph keeps `versions` (producer 1645 on TF 2.15), from which OpenCV >= 4.9 picks TF2 Softmax semantics.
"""
from model_zoo.export import Artifact, Route
from model_zoo.export.common import frozen_graph


def export(built, folder):
    graph_def, inputs, _ = frozen_graph(built)
    (folder / "model.pb").write_bytes(graph_def.SerializeToString())
    return Artifact("model.pb", tuple(inputs))


ROUTE = Route(
    name="tf-frozen",
    reader="readNetFromTensorflow",
    input_layout="nchw",
    output_layout="nchw",
    export=export,
    summary="convert_variables_to_constants_v2 of the traced model, nothing else",
)
