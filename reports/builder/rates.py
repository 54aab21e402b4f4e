"""Pass rates per column (env x engine), overall and per path; and per path and OpenCV version. Pure."""
from __future__ import annotations

from typing import Any

from conformance.judging.verdict import counted
from reports.builder.envs import ENGINE_ORDER, version_key
from reports.builder.model import Table


def rate(passed: int, measured: int) -> dict[str, Any]:
    """{"passed", "measured", "rate"}; rate is None when nothing was measured."""
    return {"passed": passed, "measured": measured, "rate": round(passed / measured, 4) if measured else None}


def pass_rates(table: Table) -> dict[str, Any]:
    """{"per_column": {column: rate}, "per_path": {path: {column: rate}}}, in table order."""
    keys = [column.key for column in table.columns()]
    counts = {(path, key): [0, 0] for path in table.paths for key in keys}
    for cell in filter(lambda cell: counted(cell.status), table.cells):
        count = counts[(cell.path, cell.column)]
        count[0] += cell.status == "pass"
        count[1] += 1
    per_path = {path: {key: rate(*counts[(path, key)]) for key in keys} for path in table.paths}
    per_column = {key: rate(*(sum(counts[(path, key)][part] for path in table.paths) for part in (0, 1)))
                  for key in keys}
    return {"per_column": per_column, "per_path": per_path}


def opencv_rates(table: Table) -> dict[str, Any]:
    """The headline: per path, per OpenCV version (and engine), pass rates over every measured TF version, for
    all envs and split by the Keras generation in use. {"columns": [...], "per_path": {path: {column: {group:
    rate}}}} with groups "all", "Keras 2", "Keras 3"."""
    columns = {column.key: column for column in table.columns()}
    counts: dict[tuple[str, str, str], list[int]] = {}
    for cell in filter(lambda cell: counted(cell.status), table.cells):
        column = columns[cell.column]
        label = " ".join(filter(None, (column.env.opencv, column.engine)))
        for group in ("all", column.env.keras_generation):
            count = counts.setdefault((cell.path, label, group), [0, 0])
            count[0] += cell.status == "pass"
            count[1] += 1
    labels = sorted({label for _, label, _ in counts}, key=_opencv_label_order)
    per_path = {path: {label: {group: rate(*counts.get((path, label, group), (0, 0)))
                               for group in ("all", "Keras 2", "Keras 3")} for label in labels}
                for path in table.paths}
    return {"columns": labels, "per_path": per_path}


def _opencv_label_order(label: str) -> tuple:
    version, _, engine = label.partition(" ")
    return version_key(version), ENGINE_ORDER.index(engine) if engine in ENGINE_ORDER else len(ENGINE_ORDER)
