"""ONNX through tf2onnx from the Keras model, then simplified by onnxslim: the workaround OpenCV maintainers
suggest for graphs its importer refuses (constant folding, shape inference, fused patterns).

    tf2onnx.convert.from_keras(model, input_signature=[...], opset=15, output_path="model.onnx")
    onnxslim.slim("model.onnx", "model.onnx")           # or: onnxslim model.onnx model.onnx

onnxslim, not onnxsim: onnxslim is pure Python and installs on every TF side; onnxsim 0.8.1 installs but fails to
import beside TF 2.15 (its fp6 code needs `ml_dtypes.float6_e3m2fn`, newer than TF 2.15's ml_dtypes pin).
Read with `cv2.dnn.readNetFromONNX`; NHWC as Keras.
"""
from model_zoo.export import Route
from model_zoo.export.common import onnx_artifact
from model_zoo.export.onnx_keras import keras_to_onnx_proto


def export(built, folder):
    import onnxslim

    return onnx_artifact(built, folder, onnxslim.slim(keras_to_onnx_proto(built)))


ROUTE = Route(
    name="onnx-simplified",
    reader="readNetFromONNX",
    input_layout="nhwc",
    output_layout="nhwc",
    export=export,
    summary="tf2onnx.convert.from_keras (opset 15), then onnxslim.slim",
)
