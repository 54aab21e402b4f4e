"""TFLite, full integer quantization with a representative dataset, float input and output, batch 1.

    converter = tf.lite.TFLiteConverter.from_concrete_functions([fn])
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: iter([[x] for x in samples])   # 16 inputs drawn like the case's
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]

Every op runs in int8 between a QUANTIZE of the float input and a DEQUANTIZE of the output. Judged against the
TFLite interpreter on the same file within one quantization step of the output (model_zoo/export/quantization.py).
Read with `cv2.dnn.readNetFromTFLite` (OpenCV >= 4.8); NCHW in and out.
"""
from model_zoo.export import Route
from model_zoo.export.common import representative_dataset
from model_zoo.export.quantization import output_step, quantized


def export(built, folder):
    import tensorflow as tf

    def configure(converter):
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative_dataset(built)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]

    return quantized(built, folder, configure, output_step)


ROUTE = Route(
    name="tflite-int8",
    reader="readNetFromTFLite",
    input_layout="nchw",
    output_layout="nchw",
    export=export,
    summary="from_concrete_functions (batch 1), full integer quantization, float in/out; judged by the interpreter",
)
