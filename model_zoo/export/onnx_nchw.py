"""ONNX through tf2onnx from the Keras model with NCHW inputs, so `cv2.dnn.blobFromImage` output feeds it.

    tf2onnx.convert.from_keras(model, input_signature=[...], opset=15, inputs_as_nchw=["input"])

tf2onnx puts a Transpose after each listed 4D input; outputs stay NHWC, as Keras gives them.
Read with `cv2.dnn.readNetFromONNX`.
"""
from model_zoo.export import Route
from model_zoo.export.onnx_keras import keras_to_onnx


def export(built, folder):
    images = [spec.name for spec in built.input_specs if spec.shape.rank == 4]
    return keras_to_onnx(built, folder, inputs_as_nchw=images)


ROUTE = Route(
    name="onnx-nchw",
    reader="readNetFromONNX",
    input_layout="nchw",
    output_layout="nhwc",
    export=export,
    summary="tf2onnx.convert.from_keras with inputs_as_nchw for every 4D input, opset 15",
)
