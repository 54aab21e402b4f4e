"""Each artifact format's own runtime, to tell a converter's fault from OpenCV's: the exported file run where its
format is at home. `.onnx` in onnxruntime, `.tflite` in TF's TFLite interpreter, a frozen `.pb` GraphDef back in
a TF session, the Keras file through Keras's `load_model`.

Chosen by the artifact's file suffix (the format, not the recipe), so the export recipes and their cache keys
are untouched; `runtime_for` names a runtime for every path's artifact (tested). Runs on the TF side and imports
its runtime only when called.

Layouts: an ONNX file takes and gives tensors as its path defines (the converter laid it out so); the TF formats
take and give Keras's NHWC. OpenCV's TF and TFLite importers hold 4D layer outputs as NCHW, its ONNX importer
keeps ONNX's layout: `layer_layout` says how a runtime's intermediate tensors must be laid out to meet OpenCV's.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

Arrays = list[np.ndarray]


@dataclass(frozen=True)
class Runtime:
    name: str  # as evidence names it
    suffixes: tuple[str, ...]  # model file suffixes of its format
    layout: str | None  # "nhwc": tensors as Keras lays them out; None: as the path defines
    layer_layout: str | None  # "nchw": OpenCV's importer holds 4D layer outputs as NCHW; None: same as the runtime
    run: Callable[[Path, tuple[str, ...], Arrays], Arrays]  # (model file, input names, inputs) -> outputs
    tensors: Callable[[Path, tuple[str, ...], Arrays], dict[str, np.ndarray]] | None  # every float tensor by name


def _run_onnx(model: Path, names: tuple[str, ...], inputs: Arrays) -> Arrays:
    import onnxruntime

    session = onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    return [np.asarray(output) for output in session.run(None, dict(zip(names, inputs, strict=True)))]


def _onnx_tensors(model: Path, names: tuple[str, ...], inputs: Arrays) -> dict[str, np.ndarray]:
    """Every node output, made a graph output so that onnxruntime returns it."""
    import onnx
    import onnxruntime

    proto = onnx.load(str(model))
    inferred = {info.name: info for info in onnx.shape_inference.infer_shapes(proto).graph.value_info}
    outputs = {output.name for output in proto.graph.output}
    for node in proto.graph.node:
        for name in node.output:
            if name and name not in outputs:
                proto.graph.output.append(inferred.get(name) or onnx.helper.make_empty_tensor_value_info(name))
                outputs.add(name)
    session = onnxruntime.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    fetched = session.run(None, dict(zip(names, inputs, strict=True)))
    tensors = _floats(zip((output.name for output in session.get_outputs()), fetched, strict=True))
    # OpenCV names a layer after its node (`onnx_node!<node name>` in 4.12) or after its first output
    aliases = {node.name: tensors[node.output[0]] for node in proto.graph.node
               if node.name and node.output and node.output[0] in tensors and node.name not in tensors}
    return {**tensors, **aliases}


def _tflite_interpreter(model: Path, names: tuple[str, ...], inputs: Arrays, keep_all: bool):
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(model_path=str(model), experimental_preserve_all_tensors=keep_all)
    interpreter.allocate_tensors()
    index = {detail["name"]: detail["index"] for detail in interpreter.get_input_details()}
    for name, array in zip(names, inputs, strict=True):
        interpreter.set_tensor(index[name], np.ascontiguousarray(array, dtype=np.float32))
    interpreter.invoke()
    return interpreter


def _run_tflite(model: Path, names: tuple[str, ...], inputs: Arrays) -> Arrays:
    interpreter = _tflite_interpreter(model, names, inputs, keep_all=False)
    return [interpreter.get_tensor(detail["index"]) for detail in interpreter.get_output_details()]


def _tflite_tensors(model: Path, names: tuple[str, ...], inputs: Arrays) -> dict[str, np.ndarray]:
    interpreter = _tflite_interpreter(model, names, inputs, keep_all=True)
    found = []
    for detail in interpreter.get_tensor_details():
        try:
            found.append((detail["name"], interpreter.get_tensor(detail["index"])))
        except ValueError:  # a tensor the interpreter did not keep
            continue
    return _floats(found)


def _frozen_graph(model: Path):
    """The GraphDef imported into a fresh graph, and its output tensors (nodes nothing consumes, in file order)."""
    import tensorflow as tf

    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(model.read_bytes())
    with tf.Graph().as_default() as graph:
        tf.graph_util.import_graph_def(graph_def, name="")
    consumed = {name.lstrip("^").split(":")[0] for node in graph_def.node for name in node.input}
    outputs = [f"{node.name}:0" for node in graph_def.node
               if node.name not in consumed and node.op not in ("Const", "NoOp", "Placeholder")]
    return graph, outputs


def _frozen_session_run(model: Path, names: tuple[str, ...], inputs: Arrays, fetches: Callable) -> tuple:
    import tensorflow as tf

    graph, outputs = _frozen_graph(model)
    feed = {f"{name}:0": array for name, array in zip(names, inputs, strict=True)}
    wanted = fetches(graph, outputs)
    with tf.compat.v1.Session(graph=graph) as session:
        return wanted, session.run(wanted, feed)


def _run_frozen(model: Path, names: tuple[str, ...], inputs: Arrays) -> Arrays:
    return list(_frozen_session_run(model, names, inputs, lambda graph, outputs: outputs)[1])


def _frozen_tensors(model: Path, names: tuple[str, ...], inputs: Arrays) -> dict[str, np.ndarray]:
    """Every float output of every computing node, named as OpenCV's TF importer names layers (the node's name
    for output 0, `name:k` for the others)."""
    import tensorflow as tf

    def computed(graph, _outputs):
        return [tensor.name for op in graph.get_operations() if op.type not in ("Const", "Placeholder")
                for tensor in op.outputs if tensor.dtype == tf.float32]

    wanted, fetched = _frozen_session_run(model, names, inputs, computed)
    return _floats((name.removesuffix(":0"), array) for name, array in zip(wanted, fetched, strict=True))


def _run_saved_model(model: Path, names: tuple[str, ...], inputs: Arrays) -> Arrays:
    """The SavedModel whose `saved_model.pb` this is, loaded by TF, its serving signature called by input name."""
    import tensorflow as tf

    signature = tf.saved_model.load(str(model.parent)).signatures["serving_default"]
    result = signature(**{name: tf.constant(array) for name, array in zip(names, inputs, strict=True)})
    return [np.asarray(result[key]) for key in sorted(result)]


def _run_keras(model: Path, names: tuple[str, ...], inputs: Arrays) -> Arrays:
    """The saved file loaded by Keras (its Lambda layers too: the file is our own) and called like the model."""
    from model_zoo.build import keras_namespace

    keras = keras_namespace().keras
    try:
        loaded = keras.models.load_model(str(model), compile=False, safe_mode=False)
    except TypeError:  # a Keras without safe_mode
        loaded = keras.models.load_model(str(model), compile=False)
    result = loaded(inputs if len(inputs) > 1 else inputs[0], training=False)
    return [np.asarray(r) for r in (result if isinstance(result, (list, tuple)) else [result])]


def _floats(named) -> dict[str, np.ndarray]:
    return {name: np.asarray(array) for name, array in named
            if isinstance(array, np.ndarray) and array.dtype == np.float32}


RUNTIMES = (
    Runtime("onnxruntime", (".onnx",), None, None, _run_onnx, _onnx_tensors),
    Runtime("TFLite interpreter", (".tflite",), "nhwc", "nchw", _run_tflite, _tflite_tensors),
    Runtime("SavedModel in TF", ("saved_model.pb",), "nhwc", None, _run_saved_model, None),
    Runtime("frozen graph in TF", (".pb",), "nhwc", "nchw", _run_frozen, _frozen_tensors),
    Runtime("Keras load_model", (".h5", ".keras"), "nhwc", None, _run_keras, None),
)


def runtime_for(model_file: str) -> Runtime | None:
    """The runtime of the artifact's format, None for a format without one."""
    return next((runtime for runtime in RUNTIMES if model_file.endswith(runtime.suffixes)), None)
