"""What the Markdown page, the HTML page and the heatmap show, read from a support document. Pure.

Renderers only lay these out: the wording of a rate, an env's state, a first-working entry or a diff row, and
which rows and columns a table has, live here once. Texts are plain (no Markdown, no HTML).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.advice import ALREADY_GONE, AT_RISK, risks
from reports.builder.diff import change_counts, route_counts
from reports.builder.envs import version_key
from reports.builder.statuses import NONDETERMINISTIC, style

CellKey = tuple[str, str, str]  # (path, case, column)
FirstWorkingRow = tuple[str, str | None, list[str]]  # (family, case or None for the family's heading, texts)
FIRST_WORKING_NOTES = (
    ("4.9", "the first measured OpenCV version that passes"),
    ("≤4.9", "passes from 4.9; lower versions of the matrix were not measured, so it may work earlier"),
    ("4.9 ↘4.12", "passes from 4.9 but fails again in 4.12 (a regression)"),
    ("—", "no measured version passes"),
    ("classic … · new …", "OpenCV 5.x engines disagree: one entry per engine"),
)
COLUMN_NOTE = ("Column headers are the TF version over the OpenCV version (2.15 / 4.9 is env tf215-cv49); "
               "k2: Keras 2 through tf-keras on a TF that ships Keras 3; classic, new, auto: the reader engine of "
               "OpenCV 5.x; partial: the env's run did not finish.")
MATRIX_NOTE = ("Pass rate of each env over all its cells (per engine on OpenCV 5.x). —: expected, no results "
               "file; n/i: its versions cannot be installed together; (partial): the run did not finish.")
FIRST_WORKING_NOTE = ("For each case, path and TF version: the lowest OpenCV version in which the cell passes. "
                      "On OpenCV 5.x each reader engine is its own line (the 4.x versions, then 5.x with that "
                      "engine).")
ADVICE_NOTE = ("The route to use, per Keras generation and OpenCV version: the first that passes in the order of "
               "conformance/advice.py, which the check command (python -m conformance.check) advises from too: ONNX, "
               "then TFLite, frozen TF graphs, quantized TFLite; on 5.x engine auto, then new, then classic; a route "
               "at risk in OpenCV 5's transition only when no other passes. A route passes for a Keras generation "
               "when it passes on every TF version of it measured. \"from 4.9\": the route works from OpenCV 4.9 "
               "on, up to this version; [auto]: the OpenCV 5.x reader engine; none: no route passes.")
FAMILY_ADVICE_NOTE = ("A family's entry is the one route that passes for the most of its cases (10/12: for 10 of "
                      "the 12 measured), from the version where it works for all 10.")
AT_RISK_MARK = "†"


@dataclass(frozen=True)
class TextTable:
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class GridRow:
    """A row of a per-path table: a family heading (cells None) or a case with one cell (or None) per column."""

    family: str
    case: str | None
    cells: list[dict[str, Any] | None] | None


def cells_by_key(document: dict[str, Any]) -> dict[CellKey, dict[str, Any]]:
    """Cells by (path, case, column key), indexed once per document (every page and heatmap asks; a document is
    not changed once built)."""
    cells = document["cells"]
    if _INDEXED[0] is not cells:
        _INDEXED[:] = [cells, {(cell["path"], cell["case"], cell["column"]): cell for cell in cells}]
    return _INDEXED[1]


_INDEXED: list[Any] = [None, {}]  # the cell list of the last document cells_by_key indexed, and its index


def file_stem(name: str) -> str:
    """A route's or family's name as a file name: characters other than letters, digits, ".", "_", "-" as "_"."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def symbol(status: str | None) -> str:
    """The status's symbol; the not-measured symbol for None."""
    return style(status).symbol


def cell_symbol(cell: dict[str, Any] | None) -> str:
    """A cell's symbol: its status's, marked when the cell is nondeterministic; not measured for None."""
    if cell is None:
        return symbol(None)
    return symbol(cell["status"]) + (NONDETERMINISTIC.symbol if cell.get("rerun") else "")


def percent(rate: dict[str, Any]) -> str:
    """"68%", or "–" when nothing was measured."""
    return "–" if not rate.get("measured") else f"{100 * rate['passed'] / rate['measured']:.0f}%"


def fraction(rate: dict[str, Any]) -> str:
    """"40/59", or "–" when nothing was measured (only n/a cells, or none)."""
    return f"{rate['passed']}/{rate['measured']}" if rate.get("measured") else "–"


def header_lines(column: dict[str, Any]) -> list[str]:
    """A column's short header, one item per line: ["2.19", "5.0", "new"], plus "partial" for an unfinished run."""
    return [*column["label_parts"], *(["partial"] if column["state"] == "incomplete" else [])]


def state_note(env: dict[str, Any]) -> str:
    """An env's state in words: "complete", "partial run", "no results file", "not installable: why"."""
    return {
        "incomplete": "partial run",
        "missing": "no results file",
        "not installable": f"not installable: {env.get('not_installable')}",
    }.get(env["state"], env["state"])


def data_line(document: dict[str, Any]) -> str:
    """When and with which versions the data was measured, from the results files."""
    data = document["data"]
    if not data["files"]:
        return "no results files"
    versions = data["versions"]
    when = data["first_start"] if data["first_start"] == data["last_start"] else (
        f"{data['first_start']} to {data['last_start']}")
    return (f"measured {data['date']} (runs started {when}) in {plural(len(data['files']), 'results file')}; "
            f"TensorFlow {', '.join(versions['tensorflow']) or '?'}, Keras {', '.join(versions['keras']) or '?'}, "
            f"OpenCV {', '.join(versions['opencv']) or '?'}")


def legend_line(document: dict[str, Any]) -> str:
    """The legend on one line: "✓ pass · ✗ mismatch · ... · ~ nondeterministic"."""
    return " · ".join(f"{symbol} {status}" for symbol, status, _ in legend_rows(document))


def legend_table(document: dict[str, Any]) -> TextTable:
    return TextTable(["", "status", "meaning"], [list(row) for row in legend_rows(document)])


def legend_rows(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(symbol, status, meaning) of every status, then the nondeterministic mark."""
    rows = [(entry["symbol"], entry["status"], entry["meaning"]) for entry in document["statuses"]]
    return [*rows, (NONDETERMINISTIC.symbol, "nondeterministic", NONDETERMINISTIC.meaning)]


def matrix_table(document: dict[str, Any], engine_separator: str) -> TextTable | None:
    """The matrix at a glance: TF series (rows) x OpenCV versions, each entry an env's pass rate or state."""
    envs = [env for env in document["envs"] if env["tf"] and env["opencv"]]
    if not envs:
        return None
    opencv_versions = sorted({env["opencv"] for env in envs}, key=version_key)
    rows: dict[str, dict[str, dict]] = {}
    for env in envs:
        rows.setdefault(tf_series(env), {})[env["opencv"]] = env
    return TextTable(["TF \\ OpenCV", *opencv_versions],
                     [[series, *(_matrix_entry(by_opencv.get(opencv), document, engine_separator)
                                 for opencv in opencv_versions)] for series, by_opencv in rows.items()])


def path_rates_table(document: dict[str, Any]) -> TextTable:
    """Paths (rows) x columns: cells that pass / cells measured; a last row over all paths."""
    columns = document["columns"]
    rates = document["pass_rates"]
    rows = [[path, *(fraction(rates["per_path"][path][column["key"]]) for column in columns)]
            for path in document["paths"]]
    rows.append(["all paths", *(fraction(rates["per_column"][column["key"]]) for column in columns)])
    return TextTable(["path", *(" ".join(header_lines(column)) for column in columns)], rows)


OPENCV_RATES_NOTE = ("Share of cells that pass, per export path and OpenCV version (per reader engine on 5.x), over "
                     "every TF version measured; then the same for envs with Keras 2 (TF <= 2.15, or tf-keras) "
                     "and with Keras 3.")


def opencv_rates_table(document: dict[str, Any], separator: str) -> TextTable:
    """Paths (rows) x OpenCV versions: "87%" over all envs, then the Keras 2 and Keras 3 rates."""
    rates = document["opencv_rates"]

    def entry(groups: dict[str, Any]) -> str:
        split = ", ".join(f"{name[0]}{name[-1]} {percent(groups[name])}" for name in ("Keras 2", "Keras 3")
                          if groups[name]["measured"])
        return percent(groups["all"]) + (f"{separator}({split})" if split else "")

    return TextTable(["path", *rates["columns"]],
                     [[path, *(entry(rates["per_path"][path][label]) for label in rates["columns"])]
                      for path in document["paths"]])


def environments_table(document: dict[str, Any]) -> TextTable:
    """One row per column: its env and the exact versions of both sides."""
    envs = {env["name"]: env for env in document["envs"]}
    rows = []
    for column in document["columns"]:
        env = envs[column["env"]]
        tf_side, opencv_side = env["tf_side"], env["opencv_side"]
        state = state_note(env) + (f"; selection {env['selection']}" if env["selection"] else "")
        rows.append([column["label"], column["key"], env["tf_version"], env["keras"],
                     str(tf_side.get("tf2onnx", "")), env["opencv_version"], str(opencv_side.get("wheel", "")),
                     f"{tf_side.get('numpy', '')} / {opencv_side.get('numpy', '')}", env["started"], state])
    return TextTable(["column", "env", "TensorFlow", "Keras", "tf2onnx", "OpenCV", "wheel", "numpy (TF / OpenCV)",
                      "started", "state"], rows)


def unmeasured_envs(document: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(heading, lines) for the incomplete, not installable and missing envs that exist."""
    envs = {env["name"]: env for env in document["envs"]}
    states = document["data"]["env_states"]
    groups = []
    if states["incomplete"]:
        groups.append(("Incomplete (the run did not finish; cells it did not reach show ·)",
                       [name for name in states["incomplete"]]))
    if states["not installable"]:
        groups.append(("Not installable", [f"{name}: {envs[name]['not_installable']}"
                                           for name in states["not installable"]]))
    if states["missing"]:
        by_series: dict[str, list[str]] = {}
        for name in states["missing"]:
            env = envs[name]
            by_series.setdefault(f"TF {tf_series(env)}" if env["tf"] else name, []).append(env["opencv"] or "?")
        groups.append((f"Missing (expected, no results file; {plural(len(states['missing']), 'env')})",
                       [f"{series}: OpenCV {', '.join(versions)}" for series, versions in by_series.items()]))
    return groups


def route_columns(document: dict[str, Any], path: str) -> tuple[list[int], list[int]]:
    """The columns (indexes into the document's) a path's table shows, and those it leaves out: the ones where
    every cell of the path is n/a (its TF side does not offer the route). A column without any cell of the path
    (a partial run) is shown, as not measured."""
    present, counted = set(), set()
    for cell in document["cells"]:
        if cell["path"] == path:
            present.add(cell["column"])
            if cell["status"] != "n/a":
                counted.add(cell["column"])
    left_out = present - counted
    keys = [column["key"] for column in document["columns"]]
    return ([index for index, key in enumerate(keys) if key not in left_out],
            [index for index, key in enumerate(keys) if key in left_out])


def left_out_note(document: dict[str, Any], left_out: list[int]) -> str:
    """Which n/a-only columns a path's table leaves out, by TF series: "" when none."""
    if not left_out:
        return ""
    by_series: dict[str, list[str]] = {}
    for index in left_out:
        column = document["columns"][index]
        by_series.setdefault(column["tf_series"], []).append(" ".join(column["label_parts"][1:]))
    where = "; ".join(f"TF {series} on OpenCV {', '.join(labels)}" for series, labels in by_series.items())
    return f"Not shown, every cell n/a (the TF side does not offer this route): {where}."


def grid_rows(document: dict[str, Any], path: str, shown: list[int] | None = None) -> list[GridRow]:
    """One path's table: per family a heading row, then its cases with a cell (or None) per shown column (all
    columns when `shown` is None)."""
    columns = [document["columns"][index] for index in shown] if shown is not None else document["columns"]
    cells = cells_by_key(document)
    rows = []
    for group in document["families"]:
        case_rows = [GridRow(group["family"], case, [cells.get((path, case, column["key"])) for column in columns])
                     for case in group["cases"]]
        case_rows = [row for row in case_rows if any(row.cells)]
        if case_rows:
            rows += [GridRow(group["family"], None, None), *case_rows]
    return rows


def first_working_grid(document: dict[str, Any], path: str) -> tuple[list[str], list[FirstWorkingRow]]:
    """One path's first-working table: the TF series (columns), and rows (family, case or None, texts)."""
    entries: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for entry in document["first_working"]:
        if entry["path"] == path:
            entries.setdefault((entry["case"], tf_series(entry)), []).append(entry)
    series_list = list(dict.fromkeys(series for _, series in entries))
    rows: list[FirstWorkingRow] = []
    for group in document["families"]:
        cases = [case for case in group["cases"] if any((case, series) in entries for series in series_list)]
        if cases:
            rows.append((group["family"], None, []))
            rows += [(group["family"], case, [first_working_text(entries.get((case, series), []))
                                              for series in series_list]) for case in cases]
    return series_list, rows


def first_working_text(entries: list[dict[str, Any]]) -> str:
    """One case x TF series: "4.9", "≤4.9", "4.9 ↘4.12", "—"; one per engine when 5.x engines disagree."""
    texts = [_first_working_line(entry) for entry in entries]
    if len(set(texts)) <= 1:
        return texts[0] if texts else ""
    return " · ".join(f"{entry['engine'] or '4.x'} {text}" for entry, text in zip(entries, texts, strict=True))


def at_risk_note(link: Callable[[str, str], str], text: Callable[[str], str] = str) -> str:
    """The footnote of the at-risk mark: words through `text`, each upstream source through `link(words, url)`."""
    facts = "; ".join(f"{text(risk.fact)} ({link(risk.source, risk.link)})" for risk in AT_RISK.values())
    gone = f"{text(ALREADY_GONE.fact)} ({link(ALREADY_GONE.source, ALREADY_GONE.link)})"
    return text(f"{AT_RISK_MARK} at risk: the route is read by the TF importer or uses engine classic, and may stop "
                "working in a later OpenCV 5.x (a case so marked passes through no other route): ") + (
        f"{facts}. {gone}.")


def route_risk_note(path: str, link: Callable[[str, str], str], text: Callable[[str], str] = str) -> str:
    """A route at risk in OpenCV 5's transition, and why (each source through `link`); "" for one that survives."""
    facts = "; ".join(f"{text(AT_RISK[name].fact)} ({link(AT_RISK[name].source, AT_RISK[name].link)})"
                      for name in risks((path, "")))
    if not facts:
        return ""
    return text(f"At risk in OpenCV 5's transition (the advice takes {path} only when no other route passes): ") + (
        f"{facts}.")


def advice_text(entry: dict[str, Any]) -> str:
    """"onnx-keras from 4.11", "onnx-keras [auto] 9/12 from 4.11", "tf-frozen from 4.7 †", "none"."""
    if entry["route"] is None:
        return "none"
    return " ".join(filter(None, [
        entry["route"], f"[{entry['engine']}]" if entry["engine"] else "",
        f"{entry['covered']}/{entry['measured']}" if "covered" in entry else "",
        f"from {entry['since']}", AT_RISK_MARK if entry["at_risk"] else ""]))


def advice_table(document: dict[str, Any], kind: str, family: str | None = None) -> TextTable:
    """The advice of `kind` ("families" or "cases", only those of `family` when given): a row per family or case
    and Keras generation, a column per OpenCV version; "" where it was not measured."""
    entries = [entry for entry in document["advice"][kind] if family is None or entry["family"] == family]
    name = "family" if kind == "families" else "case"
    versions = sorted({entry["opencv"] for entry in document["advice"]["families"]}, key=version_key)
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for entry in entries:
        rows.setdefault((entry[name], entry["keras"]), {})[entry["opencv"]] = advice_text(entry)
    return TextTable([name, "Keras", *versions],
                     [[key, keras, *(texts.get(version, "") for version in versions)]
                      for (key, keras), texts in rows.items()])


DIFF_WORDS = {  # a diff list's name: (one, several)
    "regressions": ("regression", "regressions"), "fixes": ("fix", "fixes"),
    "nondeterministic": ("nondeterministic change", "nondeterministic changes"),
    "new_cells": ("new cell", "new cells"), "removed_cells": ("removed cell", "removed cells"),
    "new_columns": ("new column", "new columns"), "removed_columns": ("removed column", "removed columns"),
    "new_envs": ("new env", "new envs"), "removed_envs": ("removed env", "removed envs"),
    "env_changes": ("env change", "env changes")}
DIFF_CHANGE_TITLES = {
    "regressions": ("Regressions", "passed before and not now, or failed before and fails otherwise now"),
    "fixes": ("Fixes", "failed before, pass now"),
    "nondeterministic": ("Nondeterministic", f"status changes of cells a second run in a fresh worker told "
                         f"otherwise ({NONDETERMINISTIC.symbol} after the side that says so): no regression, no fix"),
}
DIFF_ROWS_PER_LIST = 25  # cells a route's change list shows one by one (DIFF.md, support.html); the rest counted
DIFF_NOTE = ("Per route, in the report's order: regressions, fixes, nondeterministic status changes, then the "
             "cells only one report has, counted per column. Every cell of every list is in the diff of "
             "support.json (built by tox -e report, published by the nightly).")


@dataclass(frozen=True)
class DiffBlock:
    """A part of a route's diff: a title, a sentence, a table (None: the sentence says it all)."""

    title: str
    note: str
    table: TextTable | None


def counts_text(counts: dict[str, int]) -> str:
    """"2 regressions, 1 fix, ..." (non-zero counts only), or "no changes"."""
    parts = [f"{counts[name]} {words[counts[name] != 1]}" for name, words in DIFF_WORDS.items() if counts.get(name)]
    return ", ".join(parts) if parts else "no changes"


def diff_summary(diff: dict[str, Any]) -> str:
    """The whole diff's counts in words."""
    return counts_text(diff.get("counts") or change_counts(diff))


def route_title(route: dict[str, Any]) -> str:
    """"tflite", "tflite (new route)", "tflite (removed route)"."""
    return route["path"] + (" (new route)" if route["new_route"] else " (removed route)" if route["removed_route"]
                            else "")


def diff_overview_table(diff: dict[str, Any]) -> TextTable:
    """A row per route with changes: its counts per list ("" for none)."""
    names = ("regressions", "fixes", "nondeterministic", "new_cells", "removed_cells")
    rows = []
    for route in diff["routes"]:
        counts = route_counts(route)
        rows.append([route_title(route), *(str(counts[name]) if counts.get(name) else "" for name in names)])
    return TextTable(["route", "regressions", "fixes", "nondeterministic", "new cells", "removed cells"], rows)


def unchanged_routes(document: dict[str, Any]) -> list[str]:
    """The report's routes the diff has nothing to say about."""
    changed = {route["path"] for route in document["diff"].get("routes", [])}
    return [path for path in document["paths"] if path not in changed]


def diff_route_blocks(diff: dict[str, Any], route: dict[str, Any], shown: Callable[[int], int]) -> list[DiffBlock]:
    """A route's diff as blocks: each change list (its first `shown(len)` cells, and when some are left out its
    counts per status change), then the new and the removed cells per column."""
    blocks = []
    for name, (title, meaning) in DIFF_CHANGE_TITLES.items():
        rows = route[name]
        if not rows:
            continue
        count = shown(len(rows))
        note = f"{capitalize(meaning)}: {len(rows)}."
        if count < len(rows):
            note += (f" By status change below, then {count if count else 'none'} of them one by one "
                     "(all in support.json).")
            blocks.append(DiffBlock(title, note, _transitions_table(rows)))
            note = ""
        if count:
            blocks.append(DiffBlock(title if note else "", note, _changes_table(rows[:count])))
    for side, passed in (("new", "pass"), ("removed", "passed")):
        if groups := route[f"{side}_cells"]:
            total = sum(group["count"] for group in groups)
            blocks.append(DiffBlock(f"{capitalize(side)} cells",
                                    f"{total}, counted per column (a row: the columns with the same cases).",
                                    _membership_table(groups, side, passed, diff[f"{side}_columns"])))
    return blocks


def _changes_table(rows: list[dict[str, Any]]) -> TextTable:
    def side(row: dict[str, Any], status: str, rerun: str) -> str:
        return status_text(status) + (f" {NONDETERMINISTIC.symbol}" if row.get(rerun) else "")

    return TextTable(["case", "column", "before", "now", "error"],
                     [[row["case"], row["column"], side(row, row["before"], "rerun_before"),
                       side(row, row["after"], "rerun_after"), shorten(row["error"], 120)] for row in rows])


def _transitions_table(rows: list[dict[str, Any]]) -> TextTable:
    """Cells per (before, now): how many, in which columns (with how many each)."""
    groups: dict[tuple[str, str], dict[str, int]] = {}
    for row in rows:
        columns = groups.setdefault((row["before"], row["after"]), {})
        columns[row["column"]] = columns.get(row["column"], 0) + 1
    return TextTable(["before → now", "cells", "columns"],
                     [[f"{status_text(before)} → {status_text(after)}", str(sum(columns.values())),
                       shorten(", ".join(f"{column} ({count})" for column, count in columns.items()), 600)]
                      for (before, after), columns in groups.items()])


def _membership_table(groups: list[dict[str, Any]], side: str, passed: str,
                      side_columns: list[dict[str, Any]]) -> TextTable:
    """A row for the columns only this side has (all the route's cases; "the 19 new columns" when they are all of
    `side_columns`, which the diff lists), then a row per set of cases that is the same in several columns."""
    whole = [group for group in groups if group["whole_column"]]
    rows = []
    if whole:
        names = [group["column"] for group in whole]
        rows.append([f"the {len(names)} {side} columns" if set(names) == {row["column"] for row in side_columns}
                     else ", ".join(names),
                     str(sum(group["count"] for group in whole)), str(sum(group["passed"] for group in whole)),
                     "all the route's cases there"])
    by_cases: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for group in groups:
        if not group["whole_column"]:
            by_cases.setdefault(tuple(group["cases"]), []).append(group)
    for cases, same in by_cases.items():
        shown = ", ".join(cases[:DIFF_CASES_SHOWN]) + (f" and {len(cases) - DIFF_CASES_SHOWN} more"
                                                        if len(cases) > DIFF_CASES_SHOWN else "")
        rows.append([", ".join(group["column"] for group in same), str(sum(group["count"] for group in same)),
                     str(sum(group["passed"] for group in same)), f"{plural(len(cases), 'case')}: {shown}"])
    return TextTable(["columns", "cells", passed, "cases"], rows)


DIFF_CASES_SHOWN = 8  # case names in a row of new or removed cells


def diff_env_tables(diff: dict[str, Any]) -> list[tuple[str, TextTable]]:
    """(title, table) of the columns and envs only one side has and of the envs' changes, those with rows."""
    def columns(rows: list[dict[str, Any]]) -> list[list[str]]:
        return [[row["column"], fraction(row)] for row in rows]

    tables = [
        ("New columns", TextTable(["column", "passed"], columns(diff["new_columns"]))),
        ("Removed columns", TextTable(["column", "passed before"], columns(diff["removed_columns"]))),
        ("Env changes", TextTable(["env", "what", "before", "now"],
                                  [[row["env"], row["field"], shorten(str(row["before"])),
                                    shorten(str(row["after"]))] for row in diff["env_changes"]])),
    ]
    return [(title, table) for title, table in tables if table.rows]


def baseline_line(diff: dict[str, Any]) -> str:
    """Which baseline the diff is against, or why there is none."""
    baseline = diff["baseline"]
    if baseline is None:
        return capitalize(diff["note"] or "no baseline") + ": nothing to compare against."
    return (f"Baseline measured {baseline['date'] or 'on an unknown date'} "
            f"({plural(len(baseline['files']), 'results file')}).")


def versions(env: dict[str, Any]) -> str:
    """"TF 2.19.1, Keras 3.15.1, OpenCV 5.0.0"."""
    return f"TF {env['tf_version'] or '?'}, Keras {env['keras'] or '?'}, OpenCV {env['opencv_version'] or '?'}"


def tf_series(item: dict[str, Any]) -> str:
    """"2.16" or "2.16 k2", from an env, column or first-working entry."""
    return item["tf"] + (" k2" if item["keras2"] else "")


def status_text(status: str) -> str:
    return f"{symbol(status)} {status}"


def number(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def shorten(text: str, limit: int = 160) -> str:
    """On one line, at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _matrix_entry(env: dict[str, Any] | None, document: dict[str, Any], separator: str) -> str:
    if env is None:
        return ""
    if env["state"] in ("missing", "not installable"):
        return "—" if env["state"] == "missing" else "n/i"
    rates = document["pass_rates"]["per_column"]
    parts = [(f"{column['engine']} " if column["engine"] else "") + percent(rates[column["key"]])
             for column in document["columns"] if column["env"] == env["name"]]
    return (separator.join(parts) if parts else "no cells") + (" (partial)" if env["state"] == "incomplete" else "")


def _first_working_line(entry: dict[str, Any]) -> str:
    first = entry["first_pass"]
    if first is None:
        return "—"
    text = ("≤" if entry["unmeasured_below"] else "") + first
    return text + (" ↘" + ",".join(entry["fails_again"]) if entry["fails_again"] else "")
