"""The TF side of the check: the user's model read (a `.keras` / `.h5` file or a SavedModel folder, or an already
exported `.onnx`, `.tflite` or `.pb`), its inputs fixed to batch 1 with every dynamic dimension given, and the
reference outputs (TF's own, or the exported file's own runtime's) on seeded inputs or the user's.

What comes out is what the catalogue's cells are made of (a Case, a BuiltCase, a Route), so the routes, the
measuring and the triage are the suite's own. Every way the input can be wrong raises BadInput with one line.
"""
from __future__ import annotations

import importlib
import json
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model_zoo.case import Case, Tolerance
from model_zoo.export import Artifact, Route

EXPORTED_READERS = {".onnx": "readNetFromONNX", ".tflite": "readNetFromTFLite", ".pb": "readNetFromTensorflow"}
KERAS_SUFFIXES = (".keras", ".h5", ".hdf5")
SEED = 20261202


class BadInput(ValueError):
    """The model or an option cannot be used; the message is the one line the user sees."""


@dataclass(frozen=True)
class UserCase(Case):
    """The user's model as a case: its own input names and shapes (batch dimension left out)."""

    names: tuple[str, ...] = ()

    @property
    def input_names(self) -> tuple[str, ...]:
        return self.names


def _not_a_catalogue_case(k: Any, *inputs: Any) -> Any:
    raise TypeError("a user model is loaded, never built from a catalogue builder")


def user_case(names: list[str], shapes: list[tuple[int, ...]], tolerance: float) -> UserCase:
    return UserCase(id="model", family="user", build=_not_a_catalogue_case, inputs=tuple(shapes),
                    tolerance=Tolerance(tolerance, "the check's --tolerance"), names=tuple(names))


def parse_shapes(texts: list[str], names: list[str]) -> dict[str, tuple[int, ...]]:
    """`--input-shape` values ("H,W,C" for the only input, "NAME=H,W,C" for one of several), batch left out."""
    shapes = {}
    for text in texts:
        name, _, dims = text.rpartition("=")
        if not name and len(names) != 1:
            raise BadInput(f"--input-shape {text!r}: the model has inputs {names}; write NAME=H,W,C")
        name = name or names[0]
        if name not in names:
            raise BadInput(f"--input-shape {text!r}: no input {name!r}; the model has {names}")
        try:
            shapes[name] = tuple(int(d) for d in dims.split(","))
        except ValueError:
            raise BadInput(f"--input-shape {text!r}: expected whole numbers like 224,224,3") from None
    return shapes


def static_shapes(names: list[str], declared: list[tuple[int | None, ...]], given: dict[str, tuple[int, ...]]
                  ) -> list[tuple[int, ...]]:
    """Each input's shape without the batch dimension: the given one, else the declared one if fully known."""
    shapes = []
    for name, shape in zip(names, declared, strict=True):
        if name in given:
            if len(given[name]) != len(shape) - 1:
                raise BadInput(f"--input-shape for {name!r} has {len(given[name])} dimensions; the model's input "
                               f"is {_shape_text(shape)} (give them all but the batch)")
            shapes.append(given[name])
        elif any(d is None or d < 1 for d in shape[1:]):
            raise BadInput(f"input {name!r} is {_shape_text(shape)}: give its dynamic dimensions with "
                           f"--input-shape {'' if len(names) == 1 else name + '='}"
                           f"{','.join(str(d) if d and d > 0 else 'N' for d in shape[1:])}")
        else:
            shapes.append(tuple(int(d) for d in shape[1:]))
    return shapes


def _shape_text(shape: tuple[int | None, ...]) -> str:
    return "(" + ", ".join("None" if d is None or d < 1 else str(d) for d in shape) + ")"


def custom_objects(spec: str | None) -> dict[str, Any]:
    """`--custom-objects module` (imported: it registers its classes itself) or `module:attr` (a dict of name ->
    object, a class or a function)."""
    if not spec:
        return {}
    module_name, _, attribute = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as error:
        raise BadInput(f"--custom-objects {spec!r}: cannot import {module_name!r}: {error}") from None
    if not attribute:
        return {}
    try:
        found = getattr(module, attribute)
    except AttributeError:
        raise BadInput(f"--custom-objects {spec!r}: {module_name} has no {attribute!r}") from None
    return dict(found) if isinstance(found, dict) else {found.__name__: found}


def saved_keras_version(model: Path) -> str | None:
    """The Keras version a `.keras` file was saved by (its metadata.json), None where it does not say."""
    try:
        with zipfile.ZipFile(model) as archive:
            return json.loads(archive.read("metadata.json")).get("keras_version")
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None


def load_keras(model: Path, objects: dict[str, Any]) -> Any:
    """The user's Keras model, or BadInput saying why it cannot be read in this env."""
    from packaging.version import Version

    from model_zoo.build import keras_namespace, keras_version

    keras = keras_namespace().keras
    env_keras = keras_version()
    if model.suffix == ".keras":
        if not zipfile.is_zipfile(model):
            raise BadInput(f"{model}: not a Keras 3 .keras file (not a zip archive): corrupt or another format")
        saved = saved_keras_version(model)
        if saved and Version(saved) > Version(env_keras):
            raise BadInput(f"{model} was saved by Keras {saved}, newer than this env's Keras {env_keras}: "
                           "check it in an env with a newer TF (e.g. tox -e tf219-cv412 or later)")
        if env_keras.startswith("2."):
            raise BadInput(f"{model} is a Keras 3 file; this env has Keras {env_keras}: use a TF >= 2.16 env")
    elif model.is_dir() and not env_keras.startswith("2."):
        return _saved_model_as_keras(model, keras)
    try:
        return keras.models.load_model(str(model), custom_objects=objects, compile=False)
    except Exception as error:  # every loader failure is the user's input to fix, said in one line
        raise BadInput(_load_failure(model, error)) from None


def _saved_model_as_keras(folder: Path, keras: Any) -> Any:
    """A SavedModel on Keras 3 (which no longer loads one as a model): its `serve` endpoint (what `model.export`
    writes) in a TFSMLayer, wrapped in a Functional model with the serving signature's inputs, as Keras 3's
    guide advises."""
    import tensorflow as tf

    try:
        loaded = tf.saved_model.load(str(folder))
        specs = loaded.signatures["serving_default"].structured_input_signature[1]
    except Exception as error:
        raise BadInput(_load_failure(folder, error)) from None
    if not hasattr(loaded, "serve"):
        raise BadInput(f"{folder}: a SavedModel without the `serve` endpoint that Keras 3's model.export writes; "
                       "Keras 3 cannot call it as a layer: give the .keras file, or check it in a Keras 2 env")
    inputs = [keras.Input(tuple(spec.shape[1:]), name=name, batch_size=spec.shape[0]) for name, spec in specs.items()]
    outputs = keras.layers.TFSMLayer(str(folder), call_endpoint="serve")(inputs[0] if len(inputs) == 1 else inputs)
    outputs = [outputs[key] for key in sorted(outputs)] if isinstance(outputs, dict) else outputs
    return keras.Model(inputs, outputs, name="saved_model")


def _load_failure(model: Path, error: Exception) -> str:
    text = " ".join(str(error).split())
    unknown = re.search(r"(?:Unknown (?:layer|object)|Could not locate (?:class|function))[:\s]+'?([\w.>]+)", text)
    if unknown:
        registered = unknown.group(1).strip(".")
        name = registered.rpartition(">")[2]  # Keras 2 names a registered class "package>Class"
        return (f"{model} uses the custom object {name!r}, which this env does not know: "
                "pass --custom-objects MODULE (a module that registers it) or MODULE:ATTR")
    return f"{model}: cannot be read by Keras: {type(error).__name__}: {text[:300]}"


def keras_input_layout(model: Any) -> tuple[list[str], list[tuple[int | None, ...]]]:
    """The Keras model's input names and declared shapes (batch included)."""
    names = [tensor.name.split(":")[0] for tensor in model.inputs]
    return names, [tuple(None if d is None else int(d) for d in tensor.shape) for tensor in model.inputs]


def seeded_inputs(shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    rng = np.random.default_rng(SEED)
    return [rng.standard_normal((1, *shape)).astype(np.float32) for shape in shapes]


def given_input(file: Path, shape: tuple[int, ...]) -> np.ndarray:
    """`--input x.npy`: the array as the model takes it, with or without the batch dimension of 1."""
    try:
        array = np.load(file, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise BadInput(f"--input {file}: not a readable .npy file ({error})") from None
    array = array[None] if array.shape == shape else array
    if array.shape != (1, *shape):
        raise BadInput(f"--input {file} has shape {array.shape}; the model takes {(1, *shape)}")
    return np.ascontiguousarray(array, dtype=np.float32)


def built_keras(model: Any, case: UserCase, inputs: list[np.ndarray]) -> Any:
    """The user's model as a BuiltCase (what every route exports from), with TF's output on `inputs`."""
    import tensorflow as tf

    from model_zoo.build import BuiltCase, _fingerprint

    result = model(inputs if len(inputs) > 1 else inputs[0], training=False)
    expected = [np.asarray(r, dtype=np.float32) for r in (result if isinstance(result, (list, tuple)) else [result])]
    specs = [tf.TensorSpec((1, *shape), tf.float32, name=name)
             for shape, name in zip(case.inputs, case.names, strict=True)]
    return BuiltCase(case, model, specs, inputs, expected, _fingerprint(model, inputs))


def exported_route(model: Path) -> Route:
    """The route of an already exported file: OpenCV reads it as it is (ONNX in the layout the file declares; TF
    and TFLite files NHWC on the runtime's side, NCHW on OpenCV's, as the readers define)."""
    suffix = model.suffix
    layout = "nhwc" if suffix == ".onnx" else "nchw"

    def copy(built: Any, folder: Path) -> Artifact:
        shutil.copy(model, folder / f"model{suffix}")
        return Artifact(f"model{suffix}", built.case.input_names)

    return Route(f"given{suffix.replace('.', '-')}", EXPORTED_READERS[suffix], layout, layout, copy,
                 f"the given {model.name}, read by cv2.dnn.{EXPORTED_READERS[suffix]}")


def exported_inputs(model: Path) -> tuple[list[str], list[tuple[int | None, ...]]]:
    """An exported file's input names and declared shapes (batch included, None where dynamic), read by its
    format's own library."""
    try:
        if model.suffix == ".onnx":
            import onnx

            proto = onnx.load(str(model))
            from model_zoo.export.common import onnx_input_names

            names = onnx_input_names(proto)
            declared = {i.name: i for i in proto.graph.input}
            return names, [tuple(d.dim_value or None for d in declared[n].type.tensor_type.shape.dim) for n in names]
        if model.suffix == ".tflite":
            import tensorflow as tf

            details = tf.lite.Interpreter(model_path=str(model)).get_input_details()
            return ([d["name"] for d in details],
                    [tuple(None if s < 0 else int(s) for s in d["shape_signature"]) for d in details])
        import tensorflow as tf

        graph_def = tf.compat.v1.GraphDef()
        graph_def.ParseFromString(model.read_bytes())
        placeholders = [node for node in graph_def.node if node.op == "Placeholder"]
        return ([node.name for node in placeholders],
                [tuple(None if d.size < 0 else d.size for d in node.attr["shape"].shape.dim) for node in placeholders])
    except Exception as error:
        raise BadInput(f"{model}: cannot be read as {model.suffix}: {type(error).__name__}: "
                       f"{' '.join(str(error).split())[:300]}") from None


def built_exported(model: Path, case: UserCase, inputs: list[np.ndarray]) -> Any:
    """An exported file as a BuiltCase without a Keras model: the reference is its own runtime's output."""
    from model_zoo.build import BuiltCase
    from model_zoo.export.runtimes import runtime_for

    runtime = runtime_for(model.name)
    try:
        expected = [np.asarray(a, dtype=np.float32) for a in runtime.run(model, case.names, inputs)]
    except Exception as error:
        raise BadInput(f"{model}: {runtime.name} cannot run it: {type(error).__name__}: "
                       f"{' '.join(str(error).split())[:300]}") from None
    import hashlib

    return BuiltCase(case, None, [], inputs, expected, hashlib.sha256(model.read_bytes()).hexdigest()[:16])
