"""The Keras model file itself (`model.save("model.h5")` on Keras 2, `"model.keras"` on Keras 3) given to
`cv2.dnn.readNet`. OpenCV has no Keras reader: this column records that cleanly, and would show it if one came.
"""
from model_zoo.export import Artifact, Route


def export(built, folder):
    from model_zoo.build import keras_version

    name = "model.h5" if keras_version().startswith("2.") else "model.keras"
    built.model.save(str(folder / name))
    return Artifact(name, built.case.input_names)


ROUTE = Route(
    name="keras-file",
    reader="readNet",
    input_layout="nhwc",
    output_layout="nhwc",
    export=export,
    summary="model.save() to .h5 (Keras 2) or .keras (Keras 3), handed to cv2.dnn.readNet",
)
