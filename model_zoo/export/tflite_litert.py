"""TFLite (LiteRT) by Keras 3 itself (Keras >= 3.13), the export Keras points users to.

    model.export("model.tflite", format="litert",
                 input_signature=[tf.TensorSpec((1, H, W, C), tf.float32, name="input")])

The batch-1 `input_signature` gives static shapes, as for the Keras ONNX export. Not offered by Keras 2 (nor
Keras 3 before 3.13): n/a there. Read with `cv2.dnn.readNetFromTFLite` (OpenCV >= 4.8); NCHW in and out.
"""
from model_zoo.export import Route
from model_zoo.export.common import keras_input_signature, tflite_artifact


def export(built, folder):
    built.model.export(str(folder / "model.tflite"), format="litert", verbose=False,
                       input_signature=keras_input_signature(built))
    return tflite_artifact(built, folder, (folder / "model.tflite").read_bytes())


ROUTE = Route(
    name="tflite-litert",
    reader="readNetFromTFLite",
    input_layout="nchw",
    output_layout="nchw",
    export=export,
    summary='Keras model.export(format="litert") with a batch-1 input_signature',
    keras=">=3.13",
)
