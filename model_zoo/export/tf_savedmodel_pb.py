"""A SavedModel's `saved_model.pb` handed to `cv2.dnn.readNetFromTensorflow`, as some tutorials advise.

    tf.saved_model.save(model, "saved_model", signatures=<model traced at batch 1>)   # or model.export(...)
    net = cv2.dnn.readNetFromTensorflow("saved_model/saved_model.pb")

The file is a SavedModel protocol buffer, not the frozen GraphDef that OpenCV parses (its variables live in
`variables/`): this column records how OpenCV refuses it. What to do instead: freeze (tf-frozen-grappler,
tf-frozen-ours) or convert the SavedModel with tf2onnx (onnx-savedmodel). The whole SavedModel is kept in the
export folder, so its own runtime (TF loading the SavedModel) can run it.
"""
import shutil

from model_zoo.export import Artifact, Route
from model_zoo.export.common import saved_model


def export(built, folder):
    shutil.copytree(saved_model(built), folder, dirs_exist_ok=True)
    return Artifact("saved_model.pb", built.case.input_names)


ROUTE = Route(
    name="tf-savedmodel-pb",
    reader="readNetFromTensorflow",
    input_layout="nchw",
    output_layout="nchw",
    export=export,
    summary="tf.saved_model.save, then saved_model.pb given to cv2.dnn.readNetFromTensorflow",
)
