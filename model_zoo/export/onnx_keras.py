"""ONNX through tf2onnx, straight from the Keras model (NHWC, as Keras).

    tf2onnx.convert.from_keras(model, input_signature=[tf.TensorSpec((1, H, W, C), name="input")],
                               opset=15, output_path="model.onnx")

The explicit batch-1 input signature is required for Keras 3 models (TF >= 2.16, tf2onnx 1.17) and gives
OpenCV static shapes. Read with `cv2.dnn.readNetFromONNX`; tensors keep Keras's NHWC layout.
"""
from model_zoo.export import Route
from model_zoo.export.common import ONNX_OPSET, onnx_artifact, shared


def keras_to_onnx_proto(built, opset=ONNX_OPSET, **options):
    """tf2onnx's from_keras with the case's input signature (once per case, opset and options)."""
    import tf2onnx

    def convert():
        return tf2onnx.convert.from_keras(built.model, input_signature=built.input_specs, opset=opset, **options)[0]

    return shared(built, ("tf2onnx.from_keras", opset, repr(sorted(options.items()))), convert)


def keras_to_onnx(built, folder, opset=ONNX_OPSET, **options):
    """The from_keras conversion as the folder's model.onnx; `options` go to tf2onnx as they are."""
    return onnx_artifact(built, folder, keras_to_onnx_proto(built, opset, **options))


def export(built, folder):
    return keras_to_onnx(built, folder)


ROUTE = Route(
    name="onnx-keras",
    reader="readNetFromONNX",
    input_layout="nhwc",
    output_layout="nhwc",
    export=export,
    summary="tf2onnx.convert.from_keras with a batch-1 input signature, opset 15",
)
