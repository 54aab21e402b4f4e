"""TFLite, float32, from a SavedModel: the converter's recommended entry point.

    tf.saved_model.save(model, "saved_model", signatures=<model traced at batch 1 with named inputs>)
    converter = tf.lite.TFLiteConverter.from_saved_model("saved_model")
    open("model.tflite", "wb").write(converter.convert())

The SavedModel is the case's one (common.saved_model), shared with the other routes that start from it.
Read with `cv2.dnn.readNetFromTFLite` (OpenCV >= 4.8); NCHW in and out.
"""
from model_zoo.export import Route
from model_zoo.export.common import saved_model, tflite_artifact


def export(built, folder):
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model(built)))
    return tflite_artifact(built, folder, converter.convert())


ROUTE = Route(
    name="tflite-savedmodel",
    reader="readNetFromTFLite",
    input_layout="nchw",
    output_layout="nchw",
    export=export,
    summary="tf.saved_model.save (batch-1 signature), then TFLiteConverter.from_saved_model, float32",
)
