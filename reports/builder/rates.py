"""Pass rates per column (env x engine), overall and per path. Pure."""
from __future__ import annotations

from typing import Any

from reports.builder.model import Table


def rate(passed: int, measured: int) -> dict[str, Any]:
    """{"passed", "measured", "rate"}; rate is None when nothing was measured."""
    return {"passed": passed, "measured": measured, "rate": round(passed / measured, 4) if measured else None}


def pass_rates(table: Table) -> dict[str, Any]:
    """{"per_column": {column: rate}, "per_path": {path: {column: rate}}}, in table order."""
    keys = [column.key for column in table.columns()]
    counts = {(path, key): [0, 0] for path in table.paths for key in keys}
    for cell in table.cells:
        count = counts[(cell.path, cell.column)]
        count[0] += cell.status == "pass"
        count[1] += 1
    per_path = {path: {key: rate(*counts[(path, key)]) for key in keys} for path in table.paths}
    per_column = {key: rate(*(sum(counts[(path, key)][part] for path in table.paths) for part in (0, 1)))
                  for key in keys}
    return {"per_column": per_column, "per_path": per_path}
