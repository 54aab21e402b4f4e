"""Frozen GraphDef with constant folding and optimize_for_inference: the recipe OpenCV's own test generator uses.

    graph_def = <plain freeze, see tf_frozen>
    graph_def = optimize_for_inference_lib.optimize_for_inference(graph_def, ["input"], ["Identity"], DT_FLOAT)
    graph_def = grappler constant folding (tf_optimizer.OptimizeGraph, optimizers constfold + function +
                dependency, the same pass tf2onnx runs before converting)
    every Const rewritten with tf.make_tensor_proto(tf.make_ndarray(value)), i.e. stored in full

optimize_for_inference strips training-only nodes and folds BatchNorm into convolutions; grappler folds the
`Reshape(ReadVariableOp)` bias nodes that Keras 3 leaves behind and that OpenCV rejects in a plain freeze.
Grappler stores a constant whose elements are all equal as one value ("splat"); OpenCV's TF importer reads
such a tensor as a single element (UpSampling2D's size [16, 16] became [16]: "parseResize" check failure),
so the last step stores every constant in full, which changes no value.
Read with `cv2.dnn.readNetFromTensorflow`; NCHW in and out.
"""
from model_zoo.export import Artifact, ExportPath
from model_zoo.export.common import frozen_graph


def constant_folded(graph_def, inputs, outputs):
    """Run grappler's constant folding over a frozen GraphDef, keeping `inputs` and `outputs`."""
    import tensorflow as tf
    from tensorflow.core.protobuf import config_pb2, meta_graph_pb2
    from tensorflow.python.grappler import tf_optimizer

    config = config_pb2.ConfigProto()
    config.graph_options.infer_shapes = True
    config.graph_options.rewrite_options.optimizers[:] = ["constfold", "function", "dependency"]
    with tf.Graph().as_default() as graph:
        tf.graph_util.import_graph_def(graph_def, name="")
        meta_graph = tf.compat.v1.train.export_meta_graph(graph_def=graph.as_graph_def(add_shapes=True), graph=graph)
    fetch = meta_graph_pb2.CollectionDef()
    fetch.node_list.value.extend(inputs + outputs)
    meta_graph.collection_def["train_op"].CopyFrom(fetch)
    return tf_optimizer.OptimizeGraph(config, meta_graph)


def with_full_constants(graph_def):
    """The same graph with every Const stored element by element (no splat compression)."""
    import tensorflow as tf

    for node in graph_def.node:
        if node.op == "Const":
            value = node.attr["value"].tensor
            node.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(tf.make_ndarray(value)))
    return graph_def


def export(built, folder):
    import tensorflow as tf
    from tensorflow.python.tools import optimize_for_inference_lib

    graph_def, inputs, outputs = frozen_graph(built)
    graph_def = optimize_for_inference_lib.optimize_for_inference(
        graph_def, inputs, outputs, [tf.float32.as_datatype_enum] * len(inputs)
    )
    graph_def = with_full_constants(constant_folded(graph_def, inputs, outputs))
    (folder / "model.pb").write_bytes(graph_def.SerializeToString())
    return Artifact("model.pb", tuple(inputs))


PATH = ExportPath(
    name="tf-frozen-optimized",
    reader="readNetFromTensorflow",
    input_layout="nchw",
    output_layout="nchw",
    min_opencv="3.0",
    export=export,
    summary="plain freeze + optimize_for_inference + grappler constant folding, constants stored in full",
)
