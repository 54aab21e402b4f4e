"""One cell measured on an OpenCV side: the feeds in the route's layout, OpenCV's outputs judged against TF's
(or the route's own runtime's), and, for a cell that fails, its triage (blame, first diverging layer) and
reproducer bundle. The pytest session and the check command measure through these; I/O stays here and in the
worker, the judging itself is conformance/judging/verdict.py and conformance/evidence/triage.py."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from conformance.evidence import bundle, runtime_check, triage
from conformance.judging.cell import Cell
from conformance.judging.verdict import RERUN_STATUSES, Verdict, compare, failed, with_rerun
from conformance.opencv.side import OpenCVSide
from model_zoo.case import DEFAULT_TOLERANCE, Case
from model_zoo.export import Route
from model_zoo.layout import to_layout
from model_zoo.store import Export, Reference

Measured = tuple[Verdict, dict[str, float], dict[str, float] | None]  # verdict, OpenCV-side seconds, float metrics


def opencv_feeds(built: Reference | Any, path: Route, export: Export | None) -> list[tuple[str, np.ndarray]]:
    """(input name, array) as OpenCV is fed: in the path's layout, named as the artifact names them ('' for a
    model's only input)."""
    names = ("",) if len(built.inputs) == 1 else (
        export.artifact.input_names if export is not None and export.artifact is not None else built.case.input_names)
    return [(name, to_layout(array, path.input_layout)) for name, array in zip(names, built.inputs, strict=True)]


def worker_feed(case: Case, path: Route) -> dict[str, str]:
    """How the worker turns the fed arrays into what setInput is given (conformance/opencv/worker.py `fed`)."""
    return {"as": case.feed, "layout": path.input_layout} if case.feed else {}


def expected_outputs(export: Export, built: Reference | Any, path: Route) -> tuple[list[np.ndarray], Any]:
    """What OpenCV's outputs are compared with, in the path's layout, and the tolerance."""
    judged, tolerance = runtime_check.judged_against(export, built)
    return [to_layout(array, path.output_layout) for array in judged], tolerance


def measure(side: OpenCVSide, built: Reference | Any, path: Route, engine: str, export: Export,
            scratch: Path) -> Measured:
    """OpenCV's verdict on an export of `built` (a Reference or a BuiltCase: its case, inputs and TF's outputs),
    the OpenCV side's timings, and, for a route judged against its own runtime, the error against TF's float
    output (None otherwise). A cell that fails after OpenCV ran it (RERUN_STATUSES) runs again in a fresh worker,
    and its verdict is marked nondeterministic where the two runs differ."""
    verdict, seconds, float_metrics = run_once(side, built, path, engine, export, scratch)
    if verdict.status in RERUN_STATUSES:
        again, again_seconds, _ = run_once(side, built, path, engine, export, scratch, fresh=True)
        verdict, seconds = with_rerun(verdict, again), {**seconds, "rerun": sum(again_seconds.values())}
    return verdict, seconds, float_metrics


def run_once(side: OpenCVSide, built: Reference | Any, path: Route, engine: str, export: Export, scratch: Path,
             fresh: bool = False) -> Measured:
    """One run of the cell in the side's worker (or, `fresh`, in its second worker); its arrays go through a
    folder of `scratch` only where the side keeps files."""
    folder = scratch / "-".join(filter(None, (built.case.id, path.name, engine, "rerun" if fresh else "")))
    expected, tolerance = expected_outputs(export, built, path)
    outcome = side.run(export.folder / export.artifact.model, path.reader, opencv_feeds(built, path, export), folder,
                       engine, output_shapes=tuple(array.shape for array in expected),
                       feed=worker_feed(built.case, path), fresh=fresh)
    if outcome.status != "ok":
        return failed(outcome.status, outcome.stage, outcome.error, outcome.detail), outcome.seconds, None
    judging = time.perf_counter()
    verdict = compare(expected, outcome.outputs, tolerance)
    float_metrics = None
    if export.artifact.judge_outputs:
        against_tf = compare([to_layout(array, path.output_layout) for array in built.expected], outcome.outputs,
                             built.case.tolerance)
        float_metrics = None if against_tf.metrics is None else against_tf.metrics.as_dict()
    return verdict, {**outcome.seconds, "verdict": time.perf_counter() - judging}, float_metrics


def triage_cell(side: OpenCVSide, verdict: Verdict, reference: Reference | None, path: Route, engine: str,
                export: Export | None, scratch: Path) -> dict[str, Any]:
    """A non-pass cell's blame (its artifact in the route's own runtime) and, for a mismatch, the first OpenCV
    layer that leaves the runtime's tensors, as record fields."""
    runnable = export is not None and export.artifact is not None
    check = runtime_check.runtime_check(export, reference, path) if runnable else None
    blame = triage.decide_blame(verdict, check).as_dict()
    divergence = (divergence_of(side, reference, path, engine, export, scratch)
                  if verdict.status == "mismatch" else None)
    return {"blame": blame, "divergence": None if divergence is None else divergence.as_dict()}


def divergence_of(side: OpenCVSide, reference: Reference, path: Route, engine: str, export: Export,
                  scratch: Path) -> triage.Divergence:
    """Where OpenCV's layers (run again with fusion off) first leave the path's runtime's tensors."""
    folder = Path(tempfile.mkdtemp(dir=scratch, prefix=f"{reference.case.id}-{path.name}-layers-"))
    expected, tolerance = expected_outputs(export, reference, path)
    outcome = side.run(export.folder / export.artifact.model, path.reader, opencv_feeds(reference, path, export),
                       folder, engine, layers=True, output_shapes=tuple(array.shape for array in expected),
                       feed=worker_feed(reference.case, path))
    if outcome.status != "ok":
        return triage.no_comparison(f"the run with layer outputs gave {outcome.status}: {outcome.error}")
    unfused = compare(expected, outcome.outputs, tolerance).status
    if outcome.layers_error:
        return triage.no_comparison(f"this OpenCV gives no layer outputs: {outcome.layers_error}", unfused)
    tensors = runtime_check.runtime_tensors(export, reference, path)
    if isinstance(tensors, str):
        return triage.no_comparison(tensors, unfused, len(outcome.layers))
    return triage.first_divergence(outcome.layers, tensors, runtime_check.layer_layout(export), tolerance, unfused)


def write_cell_bundle(folder: Path, cell: Cell, side: OpenCVSide, tf_side: dict[str, Any], verdict: Verdict,
                      blame: dict[str, Any], reference: Reference | None, path: Route,
                      export: Export | None) -> Path:
    """The cell's reproducer folder (conformance/evidence/bundle.py): its model, inputs, expected outputs and
    repro.py."""
    runnable = export is not None and export.artifact is not None
    if runnable and reference is not None:
        expected, tolerance = expected_outputs(export, reference, path)
    else:
        expected = [] if reference is None else [to_layout(a, path.output_layout) for a in reference.expected]
        tolerance = DEFAULT_TOLERANCE if reference is None else reference.case.tolerance
    return bundle.write_bundle(
        folder, cell=cell.id, model=export.folder / export.artifact.model if runnable else None,
        reader=path.reader, engine=cell.engine,
        inputs=[] if reference is None else opencv_feeds(reference, path, export),
        feed={} if reference is None else worker_feed(reference.case, path), expected=expected,
        tolerance=tolerance, suite=verdict,
        versions=bundle.versions_text(cell.id, verdict, blame, tf_side, side.versions),
        timeout=side.timeout, memory_limit_mb=side.memory_limit_mb)
