"""TFLite, float32, from the model traced at batch 1: the converter's concrete-function entry point.

    fn = tf.function(model).get_concrete_function(tf.TensorSpec((1, H, W, C), name="input"))
    converter = tf.lite.TFLiteConverter.from_concrete_functions([fn])
    open("model.tflite", "wb").write(converter.convert())

The concrete function is passed without the model as `trackable_obj`: on TF 2.19 passing the model makes the
converter emit PLACEHOLDER_FOR_GREATER_OP_CODES, which OpenCV rejects (measured, see design notes). Batch 1 lets
the converter fold the shape arithmetic that a dynamic batch leaves in the graph (see tflite-keras).
Read with `cv2.dnn.readNetFromTFLite` (OpenCV >= 4.8); NCHW in and out, as OpenCV's TFLite importer defines.
"""
from model_zoo.export import Route
from model_zoo.export.common import batch1_converter, tflite_artifact


def export(built, folder):
    return tflite_artifact(built, folder, batch1_converter(built).convert())


ROUTE = Route(
    name="tflite-concrete-batch1",
    reader="readNetFromTFLite",
    input_layout="nchw",
    output_layout="nchw",
    export=export,
    summary="TFLiteConverter.from_concrete_functions of the batch-1 traced model, float32",
)
