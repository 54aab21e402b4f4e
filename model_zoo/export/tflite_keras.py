"""TFLite, float32, by the converter's documented first entry point: the Keras model itself.

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    open("model.tflite", "wb").write(converter.convert())

The model's batch dimension stays dynamic (-1 in the shape signature), so SHAPE, STRIDED_SLICE, PACK and
friends compute shapes at run time where a batch-1 trace folds them (tflite-concrete-batch1).
Read with `cv2.dnn.readNetFromTFLite` (OpenCV >= 4.8); NCHW in and out.
"""
from model_zoo.export import Route
from model_zoo.export.common import tflite_artifact


def export(built, folder):
    import tensorflow as tf

    return tflite_artifact(built, folder, tf.lite.TFLiteConverter.from_keras_model(built.model).convert())


ROUTE = Route(
    name="tflite-keras",
    reader="readNetFromTFLite",
    input_layout="nchw",
    output_layout="nchw",
    export=export,
    summary="TFLiteConverter.from_keras_model(model), float32, dynamic batch",
)
