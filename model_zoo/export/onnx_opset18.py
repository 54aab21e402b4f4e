"""ONNX through tf2onnx from the Keras model at opset 18: `onnx-keras` with another `opset`.

    tf2onnx.convert.from_keras(model, input_signature=[tf.TensorSpec((1, H, W, C), name="input")], opset=18)

Opset 18 is the newest tf2onnx 1.16 and 1.17 write: every Reduce* takes its axes as an input, Split its
number of outputs as an attribute.
Read with `cv2.dnn.readNetFromONNX`; NHWC as Keras.
"""
from model_zoo.export import Route
from model_zoo.export.onnx_keras import keras_to_onnx


def export(built, folder):
    return keras_to_onnx(built, folder, opset=18)


ROUTE = Route(
    name="onnx-opset18",
    reader="readNetFromONNX",
    input_layout="nhwc",
    output_layout="nhwc",
    export=export,
    summary="tf2onnx.convert.from_keras with a batch-1 input signature, opset 18",
)
