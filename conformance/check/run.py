"""The check's cells: the user's model exported once through each route (model_zoo's store, as the suite exports
a case), each export run on every asked OpenCV side and engine (conformance.measure, as the suite measures a
cell), each failure triaged and bundled, judged against the known failures, and named by the catalogue cell that
fails the same way. Records carry the results files' fields plus `opencv`."""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.check import similar
from conformance.judging import known_failures
from conformance.judging.cell import Cell, Judge
from conformance.judging.verdict import NOT_APPLICABLE, Verdict, failed
from conformance.measure import measure, triage_cell, write_cell_bundle
from conformance.opencv.side import OpenCVSide
from conformance.results import CellRecord, rerun_fields
from model_zoo.export import Route
from model_zoo.store import ArtifactStore, Export, Reference

Say = Callable[[str], None]


@dataclass(frozen=True)
class TFSide:
    """What the check knows of its TF side: the versions (model_zoo.versions.tf_side) and the Keras layers' classes
    by name (to name the Keras layer a diverging OpenCV layer belongs to; empty for an exported file)."""

    versions: dict[str, str]
    tf: str
    layer_classes: dict[str, str]

    @property
    def keras(self) -> str:
        return self.versions.get("keras_in_use", "none")

    @property
    def keras2(self) -> bool:
        return self.keras.startswith("2.")


def export_all(built: Any, routes: list[Route], tf_side: TFSide, work: Path, say: Say
               ) -> tuple[Reference, dict[str, Export | Verdict]]:
    """The reference and each route's export (or the n/a verdict of a route this Keras does not offer)."""
    store = ArtifactStore(work / "artifacts", "check")
    reference = store.save_reference(built)
    exports: dict[str, Export | Verdict] = {}
    for number, route in enumerate(routes, 1):
        not_offered = route.not_offered(tf_side.keras)
        if not_offered:
            exports[route.name] = Verdict(NOT_APPLICABLE, "export", not_offered)
            say(f"[export {number}/{len(routes)}] {route.name}: not applicable ({not_offered})")
            continue
        export = store.export(built, route)
        exports[route.name] = export
        outcome = "ok" if export.artifact is not None else f"failed: {export.error}"
        say(f"[export {number}/{len(routes)}] {route.name}: {outcome} ({export.seconds:.1f} s)")
    return reference, exports


def run_cells(reference: Reference, routes: list[Route], exports: dict[str, Export | Verdict],
              sides: list[OpenCVSide], tf_side: TFSide, work: Path, bundles: Path | None, say: Say
              ) -> list[dict[str, Any]]:
    """Every (OpenCV side, route, engine) cell as a record: the results file's fields plus `opencv` and the
    catalogue cell that fails the same way (`like`)."""
    entries = known_failures.load()
    total = sum(len(side.engines) for side in sides) * len(routes)
    records = []
    for side in sides:
        judge = Judge(entries, (tf_side.tf, tf_side.keras, side.version))
        catalogue = similar.catalogue_results(similar.RESULTS_DIR, tf_side.tf, tf_side.keras2, side.version)
        for route in routes:
            for engine in side.engines:
                record = _cell(reference, route, engine, exports[route.name], side, judge, tf_side, catalogue,
                               work, bundles)
                records.append(record)
                say(f"[cell {len(records)}/{total}] OpenCV {side.version} {route.name} {engine}".rstrip()
                    + f": {record['status']}")
    return records


def _cell(reference: Reference, route: Route, engine: str, export: Export | Verdict, side: OpenCVSide,
          judge: Judge, tf_side: TFSide, catalogue: list[dict[str, Any]], work: Path,
          bundles: Path | None) -> dict[str, Any]:
    cell = Cell(reference.case.id, route.name, engine)
    started = time.perf_counter()
    float_metrics, triaged, seconds = None, {}, {}
    if isinstance(export, Verdict):
        verdict, export = export, None
    elif export.artifact is None:
        verdict = failed("export-error", "export", export.error, export.detail)
    else:
        verdict, seconds, float_metrics = measure(side, reference, route, engine, export, work)
    if verdict.status not in ("pass", NOT_APPLICABLE):
        triaged = triage_cell(side, verdict, reference, route, engine, export, work)
        if bundles is not None:
            folder = bundles / f"opencv-{side.version}" / cell.id
            write_cell_bundle(folder, cell, side, tf_side.versions, verdict, triaged["blame"], reference, route,
                              export)
            triaged["bundle"] = folder.relative_to(bundles.parent).as_posix()
    judgement = judge(cell, verdict.status)
    record = CellRecord(
        case=cell.case, path=route.name, family=reference.case.family, status=verdict.status, stage=verdict.stage,
        error=verdict.error, metrics=None if verdict.metrics is None else verdict.metrics.as_dict(),
        tolerance=reference.case.tolerance.max_abs, known=judgement.known, outcome=judgement.kind,
        seconds={**{k: round(v, 4) for k, v in seconds.items()}, "cell": round(time.perf_counter() - started, 4)},
        export_cached=False, detail=verdict.detail, engine=engine, float_metrics=float_metrics,
        rerun=rerun_fields(verdict.rerun), **triaged)
    layer = _diverging_keras_layer(triaged, tf_side)
    like = None if verdict.status in ("pass", NOT_APPLICABLE) else similar.same_failure(
        route.name, engine, verdict.status, verdict.error, None if layer is None else layer[1], catalogue)
    return {**dataclasses.asdict(record), "opencv": side.version,
            "keras_layer": None if layer is None else {"name": layer[0], "class": layer[1]},
            "like": None if like is None else _catalogue_word(like, judge.entries)}


def _diverging_keras_layer(triaged: dict[str, Any], tf_side: TFSide) -> tuple[str, str] | None:
    divergence = triaged.get("divergence") or {}
    if not divergence.get("layer"):
        return None
    return similar.keras_layer_of(divergence["layer"], tf_side.layer_classes)


def _catalogue_word(cell: dict[str, Any], entries: list[known_failures.KnownFailure]) -> dict[str, Any]:
    """The catalogue cell failing the same way, with its known-failure reason and link where one covers it."""
    entry = known_failures.by_id(entries).get(cell.get("known") or "")
    return {"case": cell["case"], "status": cell["status"], "error": cell.get("error", ""),
            "reason": "" if entry is None else entry.reason, "link": "" if entry is None else entry.link}
