"""Triage of a non-pass cell, the pure part: which side is to blame, and where OpenCV's layers first diverge.

Blame weighs OpenCV's verdict against the path's own runtime (model_zoo/export/runtimes.py) run on the same
artifact: if that runtime disagrees with TF, or cannot run the file, the converter made a wrong artifact; if it
agrees, OpenCV is what fails. Numpy in, dataclasses out; no I/O.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np

from conformance.judging.verdict import Verdict, compare
from model_zoo.case import Tolerance
from model_zoo.layout import to_layout

BLAMES = ("converter", "opencv", "harness-unknown")
CHECK_OUTCOMES = ("agrees", "disagrees", "error", "unavailable")


@dataclass(frozen=True)
class RuntimeCheck:
    """The artifact run in its format's own runtime, against TF's output."""

    runtime: str  # "onnxruntime", "TFLite interpreter", ...
    outcome: str  # agrees | disagrees | error (the runtime cannot run it) | unavailable (no runtime to ask)
    max_abs: float | None = None
    mean_abs: float | None = None
    error: str = ""  # the runtime's error, or why the outputs do not compare (count, shape)

    def __post_init__(self) -> None:
        if self.outcome not in CHECK_OUTCOMES:
            raise ValueError(f"unknown runtime check outcome {self.outcome!r}")


def check_outputs(runtime: str, expected: list[np.ndarray], outputs: list[np.ndarray],
                  tolerance: Tolerance) -> RuntimeCheck:
    """The runtime's outputs against TF's, both in the runtime's layout, with the cell's own tolerance rule."""
    verdict = compare(expected, [np.asarray(output, dtype=np.float32) for output in outputs], tolerance)
    metrics = verdict.metrics
    numbers = {} if metrics is None else {"max_abs": metrics.max_abs, "mean_abs": metrics.mean_abs}
    if verdict.status == "pass":
        return RuntimeCheck(runtime, "agrees", **numbers)
    return RuntimeCheck(runtime, "disagrees", **numbers, error="" if metrics else verdict.error)


@dataclass(frozen=True)
class Blame:
    blame: str  # converter | opencv | harness-unknown
    evidence: str  # one line: what the runtime said
    runtime: str = ""
    runtime_max_abs: float | None = None  # the runtime's error against TF
    runtime_mean_abs: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def formulaic_evidence(blame: Mapping, error: str) -> str | None:
    """The evidence `decide_blame` writes for an export-error or an agreeing runtime, rebuilt from the cell's
    error line and the blame's numbers (None for the other kinds, whose evidence says more)."""
    if blame.get("blame") == "converter" and not blame.get("runtime"):
        return f"the export failed before OpenCV was reached: {error}"
    if blame.get("blame") == "opencv" and blame.get("runtime_max_abs") is not None:
        return (f"{blame['runtime']} runs the same artifact within tolerance of TF (max abs "
                f"{blame['runtime_max_abs']:.3g}, mean abs {blame['runtime_mean_abs']:.3g})")
    return None


def decide_blame(verdict: Verdict, check: RuntimeCheck | None) -> Blame:
    """Who is at fault for a non-pass `verdict`, given the path's runtime on the same artifact (None: no artifact)."""
    if verdict.status == "export-error":
        if verdict.stage == "build":
            return Blame("harness-unknown", "the case could not be built in TF: a defect of the catalogue")
        return Blame("converter", f"the export failed before OpenCV was reached: {verdict.error}")
    if check is None or check.outcome == "unavailable":
        why = check.error if check is not None else "no artifact to run"
        return Blame("harness-unknown", f"the path's own runtime could not be asked: {why}",
                     "" if check is None else check.runtime)
    numbers = (f"max abs {check.max_abs:.3g}, mean abs {check.mean_abs:.3g}" if check.max_abs is not None
               else check.error)
    found = {"runtime": check.runtime, "runtime_max_abs": check.max_abs, "runtime_mean_abs": check.mean_abs}
    if check.outcome == "error":
        return Blame("converter", f"{check.runtime} cannot run the artifact either: {check.error}", **found)
    if check.outcome == "disagrees":
        return Blame("converter", f"{check.runtime} disagrees with TF on the same artifact ({numbers})", **found)
    return Blame("opencv", f"{check.runtime} runs the same artifact within tolerance of TF ({numbers})", **found)


@dataclass(frozen=True)
class Divergence:
    """Where OpenCV's layer outputs first leave the runtime's (mismatch cells)."""

    layer: str | None  # the first compared layer, in OpenCV's order, beyond tolerance; None if none is
    position: int | None  # its index among OpenCV's layers
    max_abs: float | None
    mean_abs: float | None
    compared: int  # OpenCV layers with a counterpart of the same size in the runtime
    layers: int  # OpenCV layers in all
    unfused: str  # OpenCV's final output with fusion off against TF: its status ("pass" blames fusion)
    error: str = ""  # why no layer could be compared

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        """One line for the failure message."""
        fusion = ("; with fusion off OpenCV's output passes, so layer fusion is at fault" if self.unfused == "pass"
                  else "")
        if self.error:
            return f"no layer comparison: {self.error}{fusion}"
        counted = f"{self.compared} of {self.layers} layers compared, fusion off"
        if self.layer is None:
            return f"no compared layer diverges ({counted}){fusion}"
        return (f"{self.layer!r} (layer {self.position + 1}; {counted}): max abs {self.max_abs:.3g}, "
                f"mean abs {self.mean_abs:.3g}{fusion}")


def counterpart(layer: str, tensors: Mapping[str, np.ndarray]) -> np.ndarray | None:
    """The runtime tensor that OpenCV's `layer` stands for: the same name, without the `onnx_node!` prefix that
    OpenCV's ONNX importer adds to node names, or as output 0 (`name:0`)."""
    for name in dict.fromkeys((layer, layer.removeprefix("onnx_node!"))):
        for candidate in (name, f"{name}:0"):
            if candidate in tensors:
                return tensors[candidate]
    return None


def first_divergence(layers: list[tuple[str, np.ndarray]], tensors: Mapping[str, np.ndarray],
                     layer_layout: str | None, tolerance: Tolerance, unfused: str) -> Divergence:
    """The first of OpenCV's `layers` (name, output, in OpenCV's order) whose output differs from the runtime's
    tensor of that name beyond `tolerance`. A runtime tensor is laid out as `layer_layout` says ("nchw" for
    OpenCV's TF and TFLite importers) and must have the layer's shape, singleton axes aside; layers without
    such a counterpart are skipped."""
    compared = 0
    for position, (name, output) in enumerate(layers):
        found = counterpart(name, tensors)
        if found is None:
            continue
        want = to_layout(found, layer_layout) if layer_layout else found
        got = np.asarray(output)
        if want.size != got.size or np.squeeze(want).shape != np.squeeze(got).shape:
            continue
        compared += 1
        # atleast_1d: a one-element layer (a LayerNormalization's mean) squeezes to 0-d, which measure() cannot index
        verdict = compare([np.atleast_1d(np.squeeze(want))], [np.atleast_1d(np.squeeze(got)).astype(np.float32)],
                          tolerance)
        if verdict.status != "pass":
            return Divergence(name, position, verdict.metrics.max_abs, verdict.metrics.mean_abs, compared,
                              len(layers), unfused)
    return Divergence(None, None, None, None, compared, len(layers), unfused)


def no_comparison(error: str, unfused: str = "", layers: int = 0) -> Divergence:
    """A mismatch cell whose layers could not be compared, and why."""
    return Divergence(None, None, None, None, 0, layers, unfused, error)


def triage_lines(triaged: Mapping) -> list[str]:
    """A failing cell's triage as lines (the failure message's block, the check page's details): blame with its
    evidence, first diverging layer, reproducer."""
    lines = []
    if triaged.get("blame"):
        lines.append(f"blame: {triaged['blame']['blame']} ({triaged['blame']['evidence']})")
    if triaged.get("divergence"):
        lines.append(f"first diverging layer: {Divergence(**triaged['divergence']).line()}")
    if triaged.get("bundle"):
        lines.append(f"reproducer: {triaged['bundle']} (python repro.py there needs only numpy and OpenCV)")
    return lines
