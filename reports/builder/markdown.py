"""SUPPORT.md and DIFF.md from a support document. Pure: a dict in, Markdown text (GitHub's dialect) out."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reports.builder import view

DIFF_ROWS_SHOWN = 100  # per list in DIFF.md: a CI comment must stay readable (and under GitHub's size limit)


def support_markdown(document: dict[str, Any]) -> str:
    """The whole SUPPORT.md."""
    sections = [
        _header(document),
        _section("Legend", [*_table(view.legend_table(document)), "", view.COLUMN_NOTE]),
        _section("Matrix", _matrix(document)),
        _section("Pass rates per OpenCV version", _opencv_rates(document)),
        _section("Pass rates per path", _path_rates(document)),
        _section("Environments", _environments(document)),
        *(_path_section(document, path) for path in document["paths"]),
        _section("First working OpenCV version", _first_working(document)),
    ]
    return "\n\n".join(sections) + "\n"


def diff_markdown(document: dict[str, Any]) -> str:
    """The whole DIFF.md: what changed since the baseline, to post as a CI comment."""
    diff = document["diff"]
    lines = [f"# {document['title']}: changes", "", f"Current data: {view.data_line(document)}.", "",
             view.baseline_line(diff)]
    if diff["baseline"] is None:
        return "\n".join(lines) + "\n"
    lines += ["", f"**{view.diff_summary(diff)}**"]
    for title, rows, header, texts in view.diff_tables(diff):
        if rows:
            lines += ["", f"## {title}", "",
                      *_table(view.TextTable(header, [texts(row) for row in rows[:DIFF_ROWS_SHOWN]]))]
            if len(rows) > DIFF_ROWS_SHOWN:
                lines += ["", f"… and {len(rows) - DIFF_ROWS_SHOWN} more (see the diff in support.json)."]
    return "\n".join(lines) + "\n"


def _header(document: dict[str, Any]) -> str:
    sections = ["Legend", "Matrix", "Pass rates per OpenCV version", "Pass rates per path", "Environments",
                *document["paths"], "First working OpenCV version"]
    return "\n".join([
        f"# {document['title']}",
        "",
        f"Data: {view.data_line(document)}.",
        "Built by `python -m reports.builder` from the results files in `reports/results/`; the same data is in "
        "`support.json` and, filterable, in `support.html`. Do not edit by hand.",
        "",
        "Sections: " + " · ".join(f"[{name}](#{_anchor(name)})" for name in sections),
    ])


def _matrix(document: dict[str, Any]) -> list[str]:
    table = view.matrix_table(document, "<br>")
    if table is None:
        return ["No env with known TF and OpenCV versions."]
    return [view.MATRIX_NOTE, "", *_table(table, bold_first=True)]


def _opencv_rates(document: dict[str, Any]) -> list[str]:
    if not document["columns"]:
        return ["No measured cells."]
    return [view.OPENCV_RATES_NOTE + " K2: Keras 2, K3: Keras 3.", "",
            *_table(view.opencv_rates_table(document, "<br>"))]


def _path_rates(document: dict[str, Any]) -> list[str]:
    if not document["columns"]:
        return ["No measured cells."]
    table = view.path_rates_table(document)
    header = ["path", *("<br>".join(view.header_lines(column)) for column in document["columns"])]
    rows = [[f"[{row[0]}](#{_anchor(row[0])})", *row[1:]] for row in table.rows[:-1]]
    rows.append([f"**{text}**" for text in table.rows[-1]])
    return ["Cells that pass / cells measured.", "", *_table(view.TextTable(header, rows))]


def _environments(document: dict[str, Any]) -> list[str]:
    table = view.environments_table(document)
    lines = _table(table) if table.rows else ["No env has results."]
    for heading, items in view.unmeasured_envs(document):
        lines += ["", f"**{heading}**:", "", *(f"- {item}" for item in items)]
    return lines


def _path_section(document: dict[str, Any], path: str) -> str:
    columns = document["columns"]
    rows = []
    for row in view.grid_rows(document, path):
        if row.case is None:
            rows.append([f"**{row.family}**", *([""] * len(columns))])
        else:
            rows.append([f"`{row.case}`", *(view.symbol(cell["status"] if cell else None) for cell in row.cells)])
    per_column = document["pass_rates"]["per_path"][path]
    rows.append(["**passed**", *(f"**{view.fraction(per_column[column['key']])}**" for column in columns)])
    header = ["case", *("<br>".join(view.header_lines(column)) for column in columns)]
    return _section(path, _table(view.TextTable(header, rows)))


def _first_working(document: dict[str, Any]) -> list[str]:
    notes = view.TextTable(["entry", "means"], [[f"`{text}`", meaning] for text, meaning in view.FIRST_WORKING_NOTES])
    lines = [view.FIRST_WORKING_NOTE, "", *_table(notes)]
    for path in document["paths"]:
        series_list, grid = view.first_working_grid(document, path)
        if not series_list:
            continue
        rows = [[f"**{family}**", *([""] * len(series_list))] if case is None else [f"`{case}`", *texts]
                for family, case, texts in grid]
        table = view.TextTable(["case", *(f"TF {series}" for series in series_list)], rows)
        lines += ["", f"<details><summary><b>{path}</b></summary>", "", *_table(table), "", "</details>"]
    return lines


def _section(title: str, lines: Sequence[str]) -> str:
    return "\n".join([f"## {title}", "", *lines])


def _table(table: view.TextTable, bold_first: bool = False) -> list[str]:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(_escape(cell) for cell in cells) + " |"

    rows = [[f"**{row[0]}**", *row[1:]] for row in table.rows] if bold_first else table.rows
    return [line(table.header), "| " + " | ".join("---" for _ in table.header) + " |", *(line(row) for row in rows)]


def _anchor(title: str) -> str:
    """GitHub's anchor of a heading: lower case, spaces to hyphens, punctuation other than - and _ dropped."""
    return "".join(char for char in title.lower().replace(" ", "-") if char.isalnum() or char in "-_")


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
