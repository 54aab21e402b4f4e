"""What changed since a previous report, per route: both sides are support.json documents. Pure.

A cell is (column, route, case). Per route, in the report's order (routes only the baseline has come last):
- regressions: a cell of both reports whose status changed and that does not pass now (it passed before, or it
  fails otherwise: crash -> import-error is news too);
- fixes: failed before, passes now;
- nondeterministic: a status change of a cell that either side marks nondeterministic (its record has `rerun`: a
  second run in a fresh worker told otherwise), so the change says nothing by itself; neither regression nor fix;
- new and removed cells, per column: how many, how many pass(ed), which cases. A new env brings thousands of
  cells, a new route or case a column's worth each: counted, not listed cell by cell.
Columns and envs only one side has, and changes of an env's state or versions, are listed for the whole report.
The lists here are complete (support.json holds them); the renderers decide how much of them to show.
"""
from __future__ import annotations

from typing import Any

CellKey = tuple[str, str, str]  # (column, path, case)
COMPARED_ENV_FIELDS = ("state", "not_installable")
IGNORED_SIDE_FIELDS = ("platform",)
CHANGE_LISTS = ("regressions", "fixes", "nondeterministic")
MEMBERSHIP_LISTS = ("new_cells", "removed_cells")


def no_baseline(note: str = "") -> dict[str, Any]:
    """The diff section when there is nothing to compare against."""
    return {"baseline": None, "note": note or "no baseline given"}


def diff_reports(baseline: dict[str, Any], current: dict[str, Any], note: str = "") -> dict[str, Any]:
    """Per route: regressions, fixes, nondeterministic changes, new and removed cells; then the columns, envs and
    env changes; `counts` totals them."""
    before, after = _cells(baseline), _cells(current)
    before_columns, after_columns = _columns(baseline), _columns(current)
    before_paths, after_paths = _paths(baseline, before), _paths(current, after)
    routes: dict[str, dict[str, Any]] = {
        path: {"path": path, "new_route": path not in before_paths, "removed_route": path not in after_paths,
               **{name: [] for name in CHANGE_LISTS}}
        for path in [*after_paths, *(path for path in before_paths if path not in after_paths)]}
    for key, cell in after.items():
        was = before.get(key)
        if was is None or was["status"] == cell["status"]:
            continue
        kind = ("nondeterministic" if was.get("rerun") or cell.get("rerun")
                else "fixes" if cell["status"] == "pass" else "regressions")
        routes[key[1]][kind].append(_change(was, cell))
    for name, cells, other, own_columns, other_columns in (
            ("new_cells", after, before, after_columns, before_columns),
            ("removed_cells", before, after, before_columns, after_columns)):
        only_here: dict[str, list[dict[str, Any]]] = {path: [] for path in routes}
        for key, cell in cells.items():
            if key not in other:
                only_here[key[1]].append(cell)
        for path, route in routes.items():
            route[name] = _membership(only_here[path], list(own_columns), other_columns)
    data = _dict(baseline.get("data"))
    diff = {
        "baseline": {"date": str(data.get("date", "")), "files": _list(data.get("files"))},
        "note": note,
        "routes": [route for route in routes.values() if route_counts(route)],
        "new_columns": [_column(key, current) for key in after_columns if key not in before_columns],
        "removed_columns": [_column(key, baseline) for key in before_columns if key not in after_columns],
        "new_envs": [name for name in _measured_envs(current) if name not in _measured_envs(baseline)],
        "removed_envs": [name for name in _measured_envs(baseline) if name not in _measured_envs(current)],
        "env_changes": _env_changes(baseline, current),
    }
    return {**diff, "counts": change_counts(diff)}


def route_counts(route: dict[str, Any]) -> dict[str, int]:
    """A route's changes: cells per list (new and removed cells summed over their columns), non-zero only."""
    counts = {name: len(route[name]) for name in CHANGE_LISTS}
    counts |= {name: sum(group["count"] for group in route[name]) for name in MEMBERSHIP_LISTS}
    return {name: count for name, count in counts.items() if count}


def change_counts(diff: dict[str, Any]) -> dict[str, int]:
    """The diff's totals: cells per list over every route, then columns, envs and env changes; {} when there is
    no baseline."""
    if diff.get("baseline") is None:
        return {}
    totals = {name: sum(route_counts(route).get(name, 0) for route in diff["routes"])
              for name in (*CHANGE_LISTS, *MEMBERSHIP_LISTS)}
    totals |= {name: len(diff[name]) for name in ("new_columns", "removed_columns", "new_envs", "removed_envs",
                                                   "env_changes")}
    return totals


ABSENT = "."  # a packed row's character for a column the (path, case) has no cell in


def packed_cells(cells: list[dict[str, Any]]) -> dict[str, Any]:
    """The cells as a baseline keeps them (a tenth of their size): per (path, case) one character per column, the
    index of its status (ABSENT where it has no cell), and the `rerun` of the cells that have one."""
    columns = list(dict.fromkeys(cell["column"] for cell in cells))
    statuses = sorted({cell["status"] for cell in cells})
    if len(statuses) > 36:
        raise ValueError(f"{len(statuses)} status words do not fit one character each")
    rank = {column: index for index, column in enumerate(columns)}
    rows: dict[tuple[str, str], list[str]] = {}
    for cell in cells:
        row = rows.setdefault((cell["path"], cell["case"]), [ABSENT] * len(columns))
        row[rank[cell["column"]]] = _DIGITS[statuses.index(cell["status"])]
    return {"columns": columns, "statuses": statuses,
            "rows": [[path, case, "".join(row)] for (path, case), row in rows.items()],
            "rerun": [[cell["column"], cell["path"], cell["case"], cell["rerun"]] for cell in cells
                      if cell.get("rerun")]}


def unpacked_cells(packed: dict[str, Any]) -> list[dict[str, Any]]:
    """The cells of `packed_cells`, route by route."""
    reruns = {(column, path, case): rerun for column, path, case, rerun in packed["rerun"]}
    return [{"column": column, "path": path, "case": case, "status": packed["statuses"][_DIGITS.index(code)],
             **({"rerun": reruns[(column, path, case)]} if (column, path, case) in reruns else {})}
            for path, case, codes in packed["rows"]
            for column, code in zip(packed["columns"], codes, strict=True) if code != ABSENT]


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _cells(document: dict[str, Any]) -> dict[CellKey, dict[str, Any]]:
    """Cells by (column, path, case), in the document's order."""
    return {(cell["column"], cell["path"], cell["case"]): cell for cell in _list(document.get("cells"))
            if isinstance(cell, dict) and all(isinstance(cell.get(name), str)
                                              for name in ("column", "path", "case", "status"))}


def _columns(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {column["key"]: column for column in _list(document.get("columns"))
            if isinstance(column, dict) and isinstance(column.get("key"), str)}


def _paths(document: dict[str, Any], cells: dict[CellKey, dict[str, Any]]) -> list[str]:
    """The report's routes in its order, then any route only its cells name."""
    listed = [path for path in _list(document.get("paths")) if isinstance(path, str)]
    return list(dict.fromkeys([*listed, *(path for _, path, _ in cells)]))


def _measured_envs(document: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(str(column.get("env", key)) for key, column in _columns(document).items()))


def _membership(cells: list[dict[str, Any]], column_order: list[str],
                other_columns: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Cells only one side has, per column (in the side's column order): how many, how many pass, and their
    cases, except in a column the other side lacks (`whole_column`: then they are all of the route's cases there)."""
    groups: dict[str, dict[str, Any]] = {}
    for cell in cells:
        whole = cell["column"] not in other_columns
        group = groups.setdefault(cell["column"], {"column": cell["column"], "whole_column": whole,
                                                   "count": 0, "passed": 0, "cases": []})
        group["count"] += 1
        group["passed"] += cell["status"] == "pass"
        if not whole:
            group["cases"].append(cell["case"])
    rank = {column: index for index, column in enumerate(column_order)}
    return sorted(groups.values(), key=lambda group: rank.get(group["column"], len(rank)))


def _change(was: dict[str, Any], cell: dict[str, Any]) -> dict[str, Any]:
    change = {"column": cell["column"], "path": cell["path"], "case": cell["case"], "before": was["status"],
              "after": cell["status"], "error": str(cell.get("error", ""))}
    reruns = {side: str(record["rerun"]) for side, record in (("rerun_before", was), ("rerun_after", cell))
              if record.get("rerun")}
    return change | reruns


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
