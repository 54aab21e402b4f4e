"""What changed since a previous report: both sides are support.json documents. Pure.

Cells are compared in the columns both reports have: pass -> other is a regression, other -> pass a fix,
any other change of status a change. Columns (and envs) that only one side has are listed as such, with
their pass counts, rather than cell by cell. Env state and version changes are listed per env.
"""
from __future__ import annotations

from typing import Any

CellKey = tuple[str, str, str]  # (column, path, case)
COMPARED_ENV_FIELDS = ("state", "not_installable")
IGNORED_SIDE_FIELDS = ("platform",)


def no_baseline(note: str = "") -> dict[str, Any]:
    """The diff section when there is nothing to compare against."""
    return {"baseline": None, "note": note or "no baseline given"}


def diff_reports(baseline: dict[str, Any], current: dict[str, Any], note: str = "") -> dict[str, Any]:
    """Regressions, fixes, status changes, new and removed cells, columns and envs, env changes."""
    before, after = _cells(baseline), _cells(current)
    before_columns, after_columns = _columns(baseline), _columns(current)
    shared = {key for key in after_columns if key in before_columns}
    changed = [(key, before[key]["status"], cell) for key, cell in after.items()
               if key in before and before[key]["status"] != cell["status"]]
    data = _dict(baseline.get("data"))
    return {
        "baseline": {"date": str(data.get("date", "")), "files": _list(data.get("files"))},
        "note": note,
        "regressions": [_change(was, cell) for _, was, cell in changed if was == "pass"],
        "fixes": [_change(was, cell) for _, was, cell in changed if cell["status"] == "pass"],
        "changes": [_change(was, cell) for _, was, cell in changed if "pass" not in (was, cell["status"])],
        "new_cells": [_where(cell) for key, cell in after.items() if key not in before and key[0] in shared],
        "removed_cells": [_where(cell) for key, cell in before.items() if key not in after and key[0] in shared],
        "new_columns": [_column(key, current) for key in after_columns if key not in before_columns],
        "removed_columns": [_column(key, baseline) for key in before_columns if key not in after_columns],
        "new_envs": [name for name in _measured_envs(current) if name not in _measured_envs(baseline)],
        "removed_envs": [name for name in _measured_envs(baseline) if name not in _measured_envs(current)],
        "env_changes": _env_changes(baseline, current),
    }


def change_counts(diff: dict[str, Any]) -> dict[str, int]:
    """How many entries each list of the diff has; {} when there is no baseline."""
    return {name: len(value) for name, value in diff.items() if isinstance(value, list)}


def _cells(document: dict[str, Any]) -> dict[CellKey, dict[str, Any]]:
    """Cells by (column, path, case), in the document's order."""
    return {(cell["column"], cell["path"], cell["case"]): cell for cell in _list(document.get("cells"))
            if isinstance(cell, dict) and all(isinstance(cell.get(name), str)
                                              for name in ("column", "path", "case", "status"))}


def _columns(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {column["key"]: column for column in _list(document.get("columns"))
            if isinstance(column, dict) and isinstance(column.get("key"), str)}


def _measured_envs(document: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(str(column.get("env", key)) for key, column in _columns(document).items()))


def _where(cell: dict[str, Any]) -> dict[str, str]:
    return {"column": cell["column"], "path": cell["path"], "case": cell["case"], "status": cell["status"]}


def _change(was: str, cell: dict[str, Any]) -> dict[str, str]:
    return {"column": cell["column"], "path": cell["path"], "case": cell["case"], "before": was,
            "after": cell["status"], "error": str(cell.get("error", ""))}


def _column(key: str, document: dict[str, Any]) -> dict[str, Any]:
    rates = _dict(_dict(_dict(document.get("pass_rates")).get("per_column")).get(key))
    return {"column": key, "passed": rates.get("passed", 0), "measured": rates.get("measured", 0)}


def _env_changes(baseline: dict[str, Any], current: dict[str, Any]) -> list[dict[str, Any]]:
    """Per env in both reports: its state and every version of either side that differs."""
    previous = {env["name"]: env for env in _list(baseline.get("envs"))
                if isinstance(env, dict) and isinstance(env.get("name"), str)}
    changes = []
    for env in current.get("envs", []):
        old = previous.get(env["name"])
        if old is None:
            continue
        fields = [(name, old.get(name), env.get(name)) for name in COMPARED_ENV_FIELDS]
        for side in ("tf_side", "opencv_side"):
            old_side, new_side = _dict(old.get(side)), _dict(env.get(side))
            if old_side and new_side:
                names = [name for name in dict.fromkeys([*new_side, *old_side]) if name not in IGNORED_SIDE_FIELDS]
                fields += [(f"{side}.{name}", old_side.get(name), new_side.get(name)) for name in names]
        changes += [{"env": env["name"], "field": name, "before": was, "after": now}
                    for name, was, now in fields if was != now]
    return changes


def _dict(value: Any) -> dict[str, Any]:
    """The value if it is a dict, else {} (a hand-edited or older baseline may lack a section)."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
