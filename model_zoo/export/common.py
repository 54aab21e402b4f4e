"""Pieces shared by the export recipes: the traced serving function, its frozen graph, the case's SavedModel,
the TFLite and ONNX artifacts. What several routes of one built case start from is made once per process
(`shared`): one trace, one freeze, one SavedModel and one tf2onnx conversion serve every route that uses them.
"""
from __future__ import annotations

import re
import shutil
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ONNX_OPSET = 15  # tf2onnx's preferred opset in 1.16 and 1.17, read by every OpenCV ONNX importer from 4.7 on
CALIBRATION_SAMPLES = 16  # representative inputs for full-integer quantization, drawn like the case's inputs


def shared(built: Any, key: Any, make: Callable[[], Any]) -> Any:
    """`make()`, computed once per built case and `key` (the routes of a case run one after another on it)."""
    memo = built.__dict__.setdefault("_shared", {})
    if key not in memo:
        memo[key] = make()
    return memo[key]


def traced(model: Any, input_signature: list[Any]) -> Any:
    """`tf.function(model).get_concrete_function(*input_signature)`, calling the model in inference mode."""
    import tensorflow as tf

    def call(*inputs):
        return model(list(inputs) if len(inputs) > 1 else inputs[0], training=False)

    return tf.function(call).get_concrete_function(*input_signature)


def serving_function(built: Any) -> Any:
    """The model traced at batch 1 with named inputs (once per built case)."""
    return shared(built, "trace", lambda: traced(built.model, built.input_specs))


def freeze(function: Any) -> tuple[Any, list[str], list[str]]:
    """`convert_variables_to_constants_v2(function)`: (GraphDef, input node names, output node names)."""
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    frozen = convert_variables_to_constants_v2(function)
    inputs = [t.name.split(":")[0] for t in frozen.inputs]
    outputs = [t.name.split(":")[0] for t in frozen.outputs]
    return frozen.graph.as_graph_def(), inputs, outputs


def frozen_graph(built: Any) -> tuple[Any, list[str], list[str]]:
    """The plain freeze of the serving function; a fresh GraphDef each call (recipes change it in place)."""
    import tensorflow as tf

    def make():
        graph_def, inputs, outputs = freeze(serving_function(built))
        return graph_def.SerializeToString(), inputs, outputs

    data, inputs, outputs = shared(built, "frozen", make)
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(data)
    return graph_def, list(inputs), list(outputs)


def saved_model(built: Any) -> Path:
    """The case's SavedModel as its Keras generation's documentation writes one, once per built case, in a
    temporary folder that the routes starting from a SavedModel read (and copy what they hand to OpenCV):

        model.export(dir, input_signature=[<batch-1 specs>])                                   # Keras 3
        model.save(dir, save_format="tf", signatures=<batch-1 serving fn>, save_traces=False)  # Keras 2

    On Keras 3, `tf.saved_model.save` with a traced signature keeps the weights as resource variables that the
    TFLite converter leaves as READ_VARIABLE ops no runtime can run (measured on TF 2.19): `model.export` is the
    Keras 3 way. On Keras 2, `save_traces=False` (Keras's documented option "to decrease serialization time")
    leaves out the per-layer call traces that only Keras reloading uses; the serving signature the converters
    read is the same, and saving plus converting took a third of the time (measured on TF 2.15). The folder goes
    with the built case (when the next case replaces it), so a converter that kills its process leaves at most
    one behind. Removed only at exit, they all stayed in /tmp: `python -m model_zoo.warm` SIGKILLed after 11 cases
    left 12 folders (now 1 after 15), and this machine had gathered 997."""
    from model_zoo.build import keras_version

    def save():
        folder = Path(tempfile.mkdtemp(prefix=f"{built.case.id}-saved-model-"))
        weakref.finalize(built, shutil.rmtree, folder, True)  # with the built case, or at exit
        if keras_version().startswith("2."):
            built.model.save(str(folder), save_format="tf", signatures=serving_function(built), save_traces=False)
        else:
            built.model.export(str(folder), verbose=False, input_signature=keras_input_signature(built))
        return folder

    return shared(built, "saved_model", save)


def in_case_order(case_names: tuple[str, ...], artifact_names: list[str]) -> tuple[str, ...]:
    """Order the artifact's input names like the case's inputs.

    Converters decorate names ('serving_default_input_a:0'): each case name must match exactly one artifact name
    as its last '_'-separated part, or the export fails; names are never guessed.
    """
    if len(artifact_names) != len(case_names):
        raise ValueError(f"artifact has inputs {artifact_names}, the model has {list(case_names)}")
    ordered = []
    for name in case_names:
        pattern = re.compile(rf"(.*_)?{re.escape(name)}(:\d+)?")
        candidates = [a for a in artifact_names if pattern.fullmatch(a)]
        if len(candidates) != 1:
            raise ValueError(f"input {name!r} matches {candidates} among the artifact's inputs {artifact_names}")
        ordered.append(candidates[0])
    return tuple(ordered)


def onnx_input_names(model_proto: Any) -> list[str]:
    initializers = {init.name for init in model_proto.graph.initializer}
    return [i.name for i in model_proto.graph.input if i.name not in initializers]


def onnx_artifact(built: Any, folder: Path, model_proto: Any) -> Any:
    """Write `model_proto` as the folder's model.onnx; its inputs in the case's order."""
    import onnx

    from model_zoo.export import Artifact

    onnx.save(model_proto, str(folder / "model.onnx"))
    return Artifact("model.onnx", in_case_order(built.case.input_names, onnx_input_names(model_proto)))


def tflite_artifact(built: Any, folder: Path, flatbuffer: bytes) -> Any:
    """Write `flatbuffer` as the folder's model.tflite; its inputs in the case's order."""
    import tensorflow as tf

    from model_zoo.export import Artifact

    (folder / "model.tflite").write_bytes(flatbuffer)
    details = tf.lite.Interpreter(model_content=flatbuffer).get_input_details()
    return Artifact("model.tflite", in_case_order(built.case.input_names, [d["name"] for d in details]))


def batch1_converter(built: Any) -> Any:
    """`tf.lite.TFLiteConverter.from_concrete_functions([fn])` of the batch-1 serving function (no `trackable_obj`:
    passing the model makes TF 2.19's converter emit PLACEHOLDER_FOR_GREATER_OP_CODES, which OpenCV rejects)."""
    import tensorflow as tf

    return tf.lite.TFLiteConverter.from_concrete_functions([serving_function(built)])


def representative_dataset(built: Any) -> Callable[[], Any]:
    """CALIBRATION_SAMPLES inputs drawn like the case's own (same distribution, another seed), as the
    converter's `representative_dataset` takes them."""
    from model_zoo.build import case_seed, draw_input

    rng = np.random.default_rng(case_seed(built.case) + 1)
    samples = [[draw_input(built.case, shape, rng) for shape in built.case.inputs] for _ in range(CALIBRATION_SAMPLES)]
    return lambda: iter(samples)


def keras_input_signature(built: Any) -> list[Any]:
    """`input_signature` for Keras 3's `model.export`: `[spec]`, or `[[spec, ...]]` for a multi-input model."""
    return list(built.input_specs) if len(built.input_specs) == 1 else [list(built.input_specs)]
