"""Export routes: one module each, each exposing `ROUTE`, a `Route`.

Adding a route = one module here with a `ROUTE` and one line in `ROUTE_MODULES`.
Importing this package does not import TensorFlow; `Route.export` does, when called.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model_zoo.layout import LAYOUTS

ROUTE_MODULES = (
    "tf_frozen",
    "tf_frozen_grappler",
    "tf_frozen_ours",
    "tf_savedmodel_pb",
    "onnx_keras",
    "onnx_opset13",
    "onnx_opset18",
    "onnx_savedmodel",
    "onnx_nchw",
    "onnx_simplified",
    "onnx_keras_export",
    "tflite_concrete_batch1",
    "tflite_keras",
    "tflite_savedmodel",
    "tflite_litert",
    "tflite_float16",
    "tflite_dynamic_range",
    "tflite_int8",
    "keras_file",
)


@dataclass(frozen=True)
class Artifact:
    """What an export left in its folder and how OpenCV must be fed it."""

    model: str  # file name inside the export folder, given to the reader
    input_names: tuple[str, ...]  # as the artifact names them, in the case's input order
    # Quantized routes are judged against their own runtime, not TF's float output: `judge_outputs` names the
    # .npz in the folder with the runtime's outputs on the reference inputs (Keras layout), `bound` the largest
    # error allowed against them on any element (absolute), with `bound_reason` saying where it comes from.
    judge_outputs: str = ""
    bound: float = 0.0
    bound_reason: str = ""


@dataclass(frozen=True)
class Route:
    """A way to get from a Keras model to something `cv2.dnn` reads.

    Layouts say how a 4D tensor is laid out on OpenCV's side ("nhwc" as Keras, or "nchw");
    tensors of other ranks are passed as they are.
    """

    name: str
    reader: str  # the cv2.dnn function that reads the artifact
    input_layout: str
    output_layout: str
    export: Callable[[Any, Path], Artifact]  # (BuiltCase, empty folder) -> Artifact
    summary: str
    keras: str = ""  # PEP 440 range of the Keras versions that offer the route ("" for every one)

    def __post_init__(self) -> None:
        for layout in (self.input_layout, self.output_layout):
            if layout not in LAYOUTS:
                raise ValueError(f"path {self.name}: unknown layout {layout!r}")


    def not_offered(self, keras_version: str) -> str:
        """Why this TF side cannot take the route (its Keras lacks the call), or "" where it can."""
        from packaging.specifiers import SpecifierSet
        from packaging.version import Version

        if not self.keras or Version(keras_version) in SpecifierSet(self.keras):
            return ""
        return f"Keras {keras_version} does not offer this route (Keras {self.keras})"


def all_routes() -> list[Route]:
    return [importlib.import_module(f"{__name__}.{module}").ROUTE for module in ROUTE_MODULES]


def by_name(name: str) -> Route:
    for path in all_routes():
        if path.name == name:
            return path
    raise KeyError(f"no export path {name!r}; known: {', '.join(p.name for p in all_routes())}")
