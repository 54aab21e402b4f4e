"""ONNX through tf2onnx, straight from the Keras model (NHWC, as Keras).

    tf2onnx.convert.from_keras(model, input_signature=[tf.TensorSpec((1, H, W, C), name="input")],
                               opset=15, output_path="model.onnx")

The explicit batch-1 input signature is required for Keras 3 models (TF >= 2.16, tf2onnx 1.17) and gives
OpenCV static shapes. Read with `cv2.dnn.readNetFromONNX`; tensors keep Keras's NHWC layout.
"""
from model_zoo.export import Artifact, ExportPath
from model_zoo.export.common import ONNX_OPSET, in_case_order, onnx_input_names


def keras_to_onnx(built, folder, **options):
    """from_keras with the case's input signature; `options` go to tf2onnx as they are."""
    import tf2onnx

    model_proto, _ = tf2onnx.convert.from_keras(
        built.model, input_signature=built.input_specs, opset=ONNX_OPSET,
        output_path=str(folder / "model.onnx"), **options,
    )
    return Artifact("model.onnx", in_case_order(built.case.input_names, onnx_input_names(model_proto)))


def export(built, folder):
    return keras_to_onnx(built, folder)


PATH = ExportPath(
    name="onnx-keras",
    reader="readNetFromONNX",
    input_layout="nhwc",
    output_layout="nhwc",
    min_opencv="3.4",
    export=export,
    summary="tf2onnx.convert.from_keras with a batch-1 input signature, opset 15",
)
