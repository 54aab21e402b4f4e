"""Frozen GraphDef, the usual optimized recipe: freeze, `optimize_for_inference`, grappler constant folding, as
tutorials and OpenCV's own test generator (`modules/dnn/test/..._generator.py` in opencv_extra) do it.

    graph_def = <plain freeze, see tf_frozen>
    graph_def = optimize_for_inference_lib.optimize_for_inference(graph_def, ["input"], ["Identity"], DT_FLOAT)
    graph_def = grappler constant folding (tf_optimizer.OptimizeGraph with optimizers constfold + function +
                dependency: the pass tf2onnx runs before converting)

Nothing is added: grappler stores a constant whose elements are all equal once ("splat"), which OpenCV's TF
importer reads as a one-element tensor, and `optimize_for_inference` drops `GraphDef.versions`, from which
OpenCV >= 4.9 chooses TF1 or TF2 Softmax semantics. `tf-frozen-ours` is this recipe with those two fixed.
Read with `cv2.dnn.readNetFromTensorflow`; NCHW in and out.
"""
from model_zoo.export import Artifact, Route
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


def optimized(graph_def, inputs, outputs):
    """`optimize_for_inference`, then grappler's constant folding: the usual recipe after the freeze."""
    import tensorflow as tf
    from tensorflow.python.tools import optimize_for_inference_lib

    graph_def = optimize_for_inference_lib.optimize_for_inference(
        graph_def, inputs, outputs, [tf.float32.as_datatype_enum] * len(inputs))
    return constant_folded(graph_def, inputs, outputs)


def export(built, folder):
    graph_def, inputs, outputs = frozen_graph(built)
    (folder / "model.pb").write_bytes(optimized(graph_def, inputs, outputs).SerializeToString())
    return Artifact("model.pb", tuple(inputs))


ROUTE = Route(
    name="tf-frozen-grappler",
    reader="readNetFromTensorflow",
    input_layout="nchw",
    output_layout="nchw",
    export=export,
    summary="plain freeze + optimize_for_inference + grappler constant folding (the usual recipe)",
)
