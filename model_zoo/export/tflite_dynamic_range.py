"""TFLite with int8 weights and float activations (post-training dynamic-range quantization), batch 1.

    converter = tf.lite.TFLiteConverter.from_concrete_functions([fn])
    converter.optimizations = [tf.lite.Optimize.DEFAULT]

Weights of large enough tensors are stored as int8; the interpreter's hybrid kernels quantize activations on the
fly. Judged against the TFLite interpreter on the same file (model_zoo/export/quantization.py). Read with
`cv2.dnn.readNetFromTFLite` (OpenCV >= 4.8); NCHW in and out.
"""
from model_zoo.export import Route
from model_zoo.export.quantization import float_bound, quantized


def configure(converter):
    import tensorflow as tf

    converter.optimizations = [tf.lite.Optimize.DEFAULT]


def export(built, folder):
    return quantized(built, folder, configure, float_bound)


ROUTE = Route(
    name="tflite-dynamic-range",
    reader="readNetFromTFLite",
    input_layout="nchw",
    output_layout="nchw",
    export=export,
    summary="from_concrete_functions (batch 1), dynamic-range quantization (int8 weights); judged by the interpreter",
)
