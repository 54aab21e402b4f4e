"""ONNX through tf2onnx from a SavedModel, as `python -m tf2onnx.convert --saved-model DIR --opset 15` does.

    tf.saved_model.save(model, "saved_model", signatures=<model traced at batch 1 with named inputs>)
    python -m tf2onnx.convert --saved-model saved_model --opset 15 --output model.onnx

The signature is traced at batch 1 so that the ONNX graph has static shapes. The conversion runs in-process
with the same two calls the CLI makes (`tf_loader.from_saved_model`, then `convert._convert_common`), which
saves a TensorFlow start-up per case. Read with `cv2.dnn.readNetFromONNX`; NHWC as Keras.
"""
from model_zoo.export import Artifact, ExportPath
from model_zoo.export.common import ONNX_OPSET, in_case_order, onnx_input_names, serving_function


def export(built, folder):
    import tensorflow as tf
    from tf2onnx import convert, tf_loader

    saved = folder / "saved_model"
    tf.saved_model.save(built.model, str(saved), signatures=serving_function(built))
    graph_def, inputs, outputs, tables, renames = tf_loader.from_saved_model(
        str(saved), None, None, signatures=["serving_default"],
        return_initialized_tables=True, return_tensors_to_rename=True,
    )
    with tf.device("/cpu:0"):
        model_proto, _ = convert._convert_common(
            graph_def, name=str(saved), opset=ONNX_OPSET, input_names=inputs, output_names=outputs,
            tensors_to_rename=renames, initialized_tables=tables, output_path=str(folder / "model.onnx"),
        )
    return Artifact("model.onnx", in_case_order(built.case.input_names, onnx_input_names(model_proto)))


PATH = ExportPath(
    name="onnx-savedmodel",
    reader="readNetFromONNX",
    input_layout="nhwc",
    output_layout="nhwc",
    min_opencv="3.4",
    export=export,
    summary="tf.saved_model.save (batch-1 signature) then tf2onnx's --saved-model conversion, opset 15",
)
