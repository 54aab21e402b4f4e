"""ONNX through tf2onnx from a SavedModel, as `python -m tf2onnx.convert --saved-model DIR --opset 15` does.

    tf.saved_model.save(model, "saved_model", signatures=<model traced at batch 1 with named inputs>)
    python -m tf2onnx.convert --saved-model saved_model --opset 15 --output model.onnx

The signature is traced at batch 1 so that the ONNX graph has static shapes. The conversion runs in-process
with the same two calls the CLI makes (`tf_loader.from_saved_model`, then `convert._convert_common`), which
saves a TensorFlow start-up per case; the SavedModel is the case's one (common.saved_model), shared with the
other routes that start from it. Read with `cv2.dnn.readNetFromONNX`; NHWC as Keras.
"""
from model_zoo.export import Route
from model_zoo.export.common import ONNX_OPSET, onnx_artifact, saved_model


def export(built, folder):
    import tensorflow as tf
    from tf2onnx import convert, tf_loader

    saved = str(saved_model(built))
    graph_def, inputs, outputs, tables, renames = tf_loader.from_saved_model(
        saved, None, None, signatures=["serving_default"],
        return_initialized_tables=True, return_tensors_to_rename=True,
    )
    with tf.device("/cpu:0"):
        model_proto, _ = convert._convert_common(
            graph_def, name="saved_model", opset=ONNX_OPSET, input_names=inputs, output_names=outputs,
            tensors_to_rename=renames, initialized_tables=tables,
        )
    return onnx_artifact(built, folder, model_proto)


ROUTE = Route(
    name="onnx-savedmodel",
    reader="readNetFromONNX",
    input_layout="nhwc",
    output_layout="nhwc",
    export=export,
    summary="tf.saved_model.save (batch-1 signature) then tf2onnx's --saved-model conversion, opset 15",
)
