"""ONNX through tf2onnx from the Keras model at opset 13: `onnx-keras` with another `opset`.

    tf2onnx.convert.from_keras(model, input_signature=[tf.TensorSpec((1, H, W, C), name="input")], opset=13)

Opset 13 is the oldest most tutorials name (ReduceSum takes its axes as an input from 13 on); opencv#25118
reports ReduceMean at opset >= 13 read wrongly.
Read with `cv2.dnn.readNetFromONNX`; NHWC as Keras.
"""
from model_zoo.export import Route
from model_zoo.export.onnx_keras import keras_to_onnx


def export(built, folder):
    return keras_to_onnx(built, folder, opset=13)


ROUTE = Route(
    name="onnx-opset13",
    reader="readNetFromONNX",
    input_layout="nhwc",
    output_layout="nhwc",
    export=export,
    summary="tf2onnx.convert.from_keras with a batch-1 input signature, opset 13",
)
