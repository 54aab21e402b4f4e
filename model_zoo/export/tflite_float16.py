"""TFLite with float16 weights (post-training float16 quantization), from the batch-1 traced model.

    converter = tf.lite.TFLiteConverter.from_concrete_functions([fn])
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.target_spec.supported_types = [tf.float16]

Weights are stored as float16 and DEQUANTIZE'd to float32 at load. Judged against the TFLite interpreter on the
same file within the case's float tolerance (model_zoo/export/quantization.py). Read with
`cv2.dnn.readNetFromTFLite` (OpenCV >= 4.8); NCHW in and out.
"""
from model_zoo.export import Route
from model_zoo.export.quantization import float_bound, quantized


def configure(converter):
    import tensorflow as tf

    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.target_spec.supported_types = [tf.float16]


def export(built, folder):
    return quantized(built, folder, configure, float_bound)


ROUTE = Route(
    name="tflite-float16",
    reader="readNetFromTFLite",
    input_layout="nchw",
    output_layout="nchw",
    export=export,
    summary="from_concrete_functions (batch 1) with float16 post-training quantization; judged against the interpreter",
)
