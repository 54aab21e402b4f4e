"""The path's own runtime run on a cell's artifact, cached beside the export.

What the runtime says depends on the export and TF's reference only, not on OpenCV: it is kept in the export's
folder (`runtime-check.json`, and `runtime-tensors.npz` with every intermediate tensor for the layer comparison),
keyed by the artifact's checksum, the case's fingerprint and the code of the runtimes and the verdict. Every
OpenCV env of the same TF side reuses it, and a warm run reads it without importing TF or onnxruntime.
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import json
from pathlib import Path

import numpy as np

from conformance.evidence import triage
from conformance.judging import verdict
from model_zoo.export import Route, runtimes
from model_zoo.layout import to_layout
from model_zoo.store import MANIFEST, Export, Reference, first_line, write_atomically

CHECK_FILE = "runtime-check.json"
TENSORS_FILE = "runtime-tensors.npz"


@functools.cache
def checker_hash() -> str:
    """Hash of the code whose change makes cached checks stale."""
    sources = "".join(inspect.getsource(module) for module in (runtimes, verdict, triage))
    return hashlib.sha256(sources.encode()).hexdigest()[:16]


def runtime_check(export: Export, reference: Reference, path: Route) -> triage.RuntimeCheck:
    """The artifact run in its format's runtime against TF's expected output (cached)."""
    key = _key(export)
    cached = _read_json(export.folder / CHECK_FILE)
    if cached is not None and cached.get("key") == key:
        return triage.RuntimeCheck(**cached["check"])
    runtime = runtimes.runtime_for(export.artifact.model)
    if runtime is None:
        return triage.RuntimeCheck("", "unavailable", error=f"no runtime for {export.artifact.model}")
    try:
        outputs = runtime.run(export.folder / export.artifact.model, export.artifact.input_names,
                              _laid_out(reference.inputs, path.input_layout, runtime))
    except ImportError as error:  # this TF side lacks the runtime: nothing learned about the artifact
        return triage.RuntimeCheck(runtime.name, "unavailable", error=first_line(error))
    except Exception as error:  # the runtime refuses the artifact
        check = triage.RuntimeCheck(runtime.name, "error", error=first_line(error))
    else:
        judged, tolerance = judged_against(export, reference)
        check = triage.check_outputs(runtime.name, _laid_out(judged, path.output_layout, runtime), outputs, tolerance)
    write_atomically(export.folder / CHECK_FILE,
                      json.dumps({"key": key, "check": vars(check)}, indent=1).encode())
    return check


def judged_against(export: Export, reference: Reference) -> tuple[list[np.ndarray], verdict.Tolerance]:
    """What a cell's outputs are compared with (Keras layout) and within which tolerance: TF's outputs and the
    case's tolerance, or, for an artifact judged by its own runtime (quantized TFLite), that runtime's outputs
    kept at export within the route's bound."""
    artifact = export.artifact
    if artifact is None or not artifact.judge_outputs:
        return reference.expected, reference.case.tolerance
    with np.load(export.folder / artifact.judge_outputs) as stored:
        judged = [stored[f"arr_{index}"] for index in range(len(stored.files))]
    return judged, verdict.judged_tolerance(judged, reference.case.tolerance, artifact.bound, artifact.bound_reason)


def runtime_tensors(export: Export, reference: Reference, path: Route) -> dict[str, np.ndarray] | str:
    """Every intermediate float tensor of the artifact in its runtime, by name (cached); or why there are none."""
    runtime = runtimes.runtime_for(export.artifact.model)
    if runtime is None or runtime.tensors is None:
        return f"{runtime.name if runtime else export.artifact.model} gives no intermediate tensors"
    file = export.folder / TENSORS_FILE
    try:
        with np.load(file) as stored:
            if str(stored["key"]) == json.dumps(_key(export)):
                if "error" in stored.files:  # the runtime could not give them: known without asking it again
                    return str(stored["error"])
                return dict(zip([str(name) for name in stored["names"]],
                                (stored[f"tensor_{index}"] for index in range(len(stored["names"]))), strict=True))
    except (OSError, KeyError, ValueError):
        pass
    try:
        tensors = runtime.tensors(export.folder / export.artifact.model, export.artifact.input_names,
                                  _laid_out(reference.inputs, path.input_layout, runtime))
    except Exception as error:
        reason = f"{runtime.name} could not give its intermediate tensors: {first_line(error)}"
        _save_tensors(file, export, {}, reason)
        return reason
    _save_tensors(file, export, tensors)
    return tensors


def _save_tensors(file: Path, export: Export, tensors: dict[str, np.ndarray], error: str = "") -> None:
    """Keep the runtime's tensors (or why it gave none) beside the export, keyed like the check."""
    extra = {"error": error} if error else {}
    write_atomically(file, lambda temporary: np.savez(
        temporary, key=json.dumps(_key(export)), names=np.array(list(tensors), dtype=str), **extra,
        **{f"tensor_{index}": array for index, array in enumerate(tensors.values())}))


def layer_layout(export: Export) -> str | None:
    """How the runtime's 4D tensors are laid out to meet OpenCV's layer outputs (see runtimes.Runtime)."""
    runtime = runtimes.runtime_for(export.artifact.model)
    return None if runtime is None else runtime.layer_layout


def _laid_out(arrays: list[np.ndarray], path_layout: str, runtime: runtimes.Runtime) -> list[np.ndarray]:
    """Keras tensors in the runtime's layout: the path's for ONNX files, Keras's own otherwise."""
    return [to_layout(array, runtime.layout or path_layout) for array in arrays]


def _key(export: Export) -> dict[str, str]:
    manifest = _read_json(export.folder / MANIFEST) or {}
    return {"artifact": (manifest.get("artifact") or {}).get("sha256", ""), "case": manifest.get("case", ""),
            "checker": checker_hash()}


def _read_json(file: Path) -> dict | None:
    try:
        found = json.loads(file.read_text())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


