"""TFLite, float32, no quantization.

    converter = tf.lite.TFLiteConverter.from_concrete_functions([<model traced at batch 1>])
    open("model.tflite", "wb").write(converter.convert())

The concrete function is passed without the model as `trackable_obj`: on TF 2.19 passing the model makes the
converter emit PLACEHOLDER_FOR_GREATER_OP_CODES, which OpenCV rejects (measured, see design notes).
Read with `cv2.dnn.readNetFromTFLite` (OpenCV >= 4.8); NCHW in and out, as OpenCV's TFLite importer defines.
"""
from model_zoo.export import Artifact, ExportPath
from model_zoo.export.common import in_case_order, serving_function


def export(built, folder):
    import tensorflow as tf

    flatbuffer = tf.lite.TFLiteConverter.from_concrete_functions([serving_function(built)]).convert()
    (folder / "model.tflite").write_bytes(flatbuffer)
    details = tf.lite.Interpreter(model_content=flatbuffer).get_input_details()
    return Artifact("model.tflite", in_case_order(built.case.input_names, [d["name"] for d in details]))


PATH = ExportPath(
    name="tflite",
    reader="readNetFromTFLite",
    input_layout="nchw",
    output_layout="nchw",
    min_opencv="4.8",
    export=export,
    summary="TFLiteConverter.from_concrete_functions of the batch-1 traced model, float32",
)
