"""ONNX by Keras 3 itself (tf2onnx underneath), the export Keras points users to (Keras >= 3.8).

    model.export("model.onnx", format="onnx",
                 input_signature=[tf.TensorSpec((1, H, W, C), tf.float32, name="input")])

The batch-1 `input_signature` is needed: Keras 3.15 refuses a Functional model that has never been called
("The model provided has never called") without one, and it gives OpenCV static shapes (without it the batch
dimension is dynamic). Keras picks the opset (15 on Keras 3.15). Not offered by Keras 2: n/a there.
Read with `cv2.dnn.readNetFromONNX`; NHWC as Keras.
"""
from model_zoo.export import Artifact, Route
from model_zoo.export.common import in_case_order, keras_input_signature, onnx_input_names


def export(built, folder):
    import onnx

    built.model.export(str(folder / "model.onnx"), format="onnx", verbose=False,
                       input_signature=keras_input_signature(built))
    names = onnx_input_names(onnx.load(str(folder / "model.onnx")))
    return Artifact("model.onnx", in_case_order(built.case.input_names, names))


ROUTE = Route(
    name="onnx-keras-export",
    reader="readNetFromONNX",
    input_layout="nhwc",
    output_layout="nhwc",
    export=export,
    summary='Keras model.export(format="onnx") with a batch-1 input_signature',
    keras=">=3.8",
)
