"""SUPPORT.md, the route pages and DIFF.md from a support document. Pure: a dict in, Markdown text (GitHub's
dialect) out.

Every page stays under GitHub's rendering limits (tests: <= 256 KB): SUPPORT.md is the summary (the route advice
per family first), each route's table of cases and its first working OpenCV versions are a page of their own
(routes/<route>.md), and so is each family's route advice per case (families/<family>.md)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reports.builder import view
from reports.builder.diff import route_counts as diff_route_counts

# DIFF.md lists cells one by one up to these: it is posted as the nightly's job summary (1 MiB at most) and must
# stay readable and under 256 KB (a row is about 250 bytes; the per-column counts of 25 routes x 55 columns ~80 KB)
DIFF_ROWS_IN_FILE = 300  # over every route, in route order
ENVIRONMENTS_TITLE = "Columns and envs"


def support_pages(document: dict[str, Any]) -> dict[str, str]:
    """SUPPORT.md (the summary), one page per route and one per family with advice, by file name relative to the
    reports folder."""
    return {"SUPPORT.md": support_markdown(document),
            **{route_page(path): route_markdown(document, path) for path in document["paths"]},
            **{family_page(family): family_markdown(document, family) for family in advised_families(document)}}


def support_markdown(document: dict[str, Any]) -> str:
    """SUPPORT.md: the route advice per family, the matrix, pass rates, legend and environments, linking one page
    per route and per family."""
    sections = [
        ("Route advice", _family_advice(document)),
        ("Matrix", _matrix(document)),
        ("Pass rates per OpenCV version", _opencv_rates(document)),
        ("Pass rates per route", _path_rates(document)),
        ("Legend", [*_table(view.legend_table(document)), "", view.COLUMN_NOTE]),
        ("Environments", _environments(document)),
    ]
    routes = " · ".join(f"[{path}]({route_page(path)})" for path in document["paths"])
    families = " · ".join(f"[{family}]({family_page(family)})" for family in advised_families(document))
    header = _header(document, [title for title, _ in sections],
                     [f"One page per route (its cases, the first working OpenCV version): {routes or 'none'}.", "",
                      f"One page per family (the route to use per case): {families or 'none'}."])
    return "\n\n".join([header, *(_section(title, lines) for title, lines in sections)]) + "\n"


def route_markdown(document: dict[str, Any], path: str) -> str:
    """routes/<route>.md: the route's cases x columns, then its first working OpenCV version per case."""
    shown, left_out = view.route_columns(document, path)
    sections = [
        ("Cases", _paragraphs(view.left_out_note(document, left_out), _path_table(document, path, shown))),
        ("First working OpenCV version", _first_working(document, path)),
    ]
    notes = [f"Legend: {view.legend_line(document)} ([meanings](../SUPPORT.md#legend)).", "", view.COLUMN_NOTE,
             *(["", risk] if (risk := view.route_risk_note(path, _link)) else [])]
    title = f"{document['title']}: route {path}"
    header = _header(document, [title for title, _ in sections], notes, title=title, up="../")
    return "\n\n".join([header, *(_section(title, lines) for title, lines in sections)]) + "\n"


def family_markdown(document: dict[str, Any], family: str) -> str:
    """families/<family>.md: the route to use for the family, then per case."""
    sections = [
        ("Route advice for the family", [
            *_table(_first_cells(view.advice_table(document, "families", family), lambda name: f"**{name}**")), "",
            view.FAMILY_ADVICE_NOTE]),
        ("Route advice per case", [
            *_table(_first_cells(view.advice_table(document, "cases", family), lambda name: f"`{name}`")), "",
            view.at_risk_note(_link)]),
    ]
    title = f"{document['title']}: family {family}"
    header = _header(document, [title for title, _ in sections], [view.ADVICE_NOTE], title=title, up="../")
    return "\n\n".join([header, *(_section(title, lines) for title, lines in sections)]) + "\n"


def advised_families(document: dict[str, Any]) -> list[str]:
    """The families with route advice, in table order (not preprocessing: it has no route)."""
    return list(dict.fromkeys(entry["family"] for entry in document["advice"]["families"]))


def family_page(family: str) -> str:
    """The file of a family's page, relative to the reports folder."""
    return f"families/{view.file_stem(family)}.md"


def route_page(path: str) -> str:
    """The file of a route's page, relative to the reports folder."""
    return f"routes/{view.file_stem(path)}.md"


def diff_markdown(document: dict[str, Any]) -> str:
    """The whole DIFF.md: what changed since the baseline, per route, to post as a CI summary. A route lists at
    most DIFF_ROWS_PER_LIST cells of each change list and the file at most DIFF_ROWS_IN_FILE: past that a list is
    counted per status change and column (every cell is in support.json), so the file stays under 256 KB."""
    diff = document["diff"]
    lines = [f"# {document['title']}: changes", "", f"Current data: {view.data_line(document)}.", "",
             view.baseline_line(diff)]
    if diff["baseline"] is None:
        return "\n".join(lines) + "\n"
    budget = [DIFF_ROWS_IN_FILE]

    def shown(count: int) -> int:
        taken = min(count, view.DIFF_ROWS_PER_LIST, budget[0])
        budget[0] -= taken
        return taken

    environments = view.diff_env_tables(diff)
    titles = [view.route_title(route) for route in diff["routes"]]
    lines += ["", f"**{view.diff_summary(diff)}**", "", view.DIFF_NOTE]
    if titles:
        table = view.diff_overview_table(diff)
        rows = [[_link(row[0], f"#{_anchor(title)}"), *row[1:]] for row, title in zip(table.rows, titles, strict=True)]
        lines += ["", *_table(view.TextTable(table.header, rows))]
    unchanged = view.unchanged_routes(document)
    if unchanged:
        lines += ["", f"No change: {', '.join(unchanged)}."]
    if environments:
        lines += ["", f"Columns and envs: [{ENVIRONMENTS_TITLE}](#{_anchor(ENVIRONMENTS_TITLE)})."]
    for route, title in zip(diff["routes"], titles, strict=True):
        lines += ["", f"## {title}", "", f"{view.counts_text(diff_route_counts(route))}. "
                  f"Its table: [routes/{view.file_stem(route['path'])}.md]({route_page(route['path'])})."
                  if not route["removed_route"] else view.counts_text(diff_route_counts(route)) + "."]
        for block in view.diff_route_blocks(diff, route, shown):
            text = " ".join(filter(None, [f"**{block.title}**:" if block.title else "", block.note]))
            lines += ["", text] if text else []
            if block.table is not None:
                lines += ["", *_table(block.table)]
    if environments:
        lines += ["", f"## {ENVIRONMENTS_TITLE}"]
        for title, table in environments:
            lines += ["", f"**{title}**", "", *_table(table)]
    return "\n".join(lines) + "\n"


def _header(document: dict[str, Any], sections: Sequence[str], notes: Sequence[str], title: str = "",
            up: str = "") -> str:
    summary = [f"[Summary]({up}SUPPORT.md) · "] if up else []
    return "\n".join([
        f"# {title or document['title']}",
        "",
        f"Data: {view.data_line(document)}.",
        "Built by `python -m reports.builder` from the results files in `reports/results/`; the same data is in "
        "`support.json` and, filterable, in `support.html`. Do not edit by hand.",
        "",
        *notes,
        "",
        "".join(summary) + "Sections: " + " · ".join(f"[{name}](#{_anchor(name)})" for name in sections),
    ])


def _family_advice(document: dict[str, Any]) -> list[str]:
    table = view.advice_table(document, "families")
    if not table.rows:
        return ["No route measured."]
    return [view.ADVICE_NOTE, "", view.FAMILY_ADVICE_NOTE + " Per case: the family's page.", "",
            *_table(_first_cells(table, lambda family: _link(family, family_page(family)))), "",
            view.at_risk_note(_link)]


def _first_cells(table: view.TextTable, render: Callable[[str], str]) -> view.TextTable:
    """The table with each row's first cell (a family or case name) rendered: as a link, bold, code."""
    return view.TextTable(table.header, [[render(row[0]), *row[1:]] for row in table.rows])


def _link(text: str, url: str) -> str:
    return f"[{text}]({url})"


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
    header = ["route", *("<br>".join(view.header_lines(column)) for column in document["columns"])]
    rows = [[f"[{row[0]}]({route_page(row[0])})", *row[1:]] for row in table.rows[:-1]]
    rows.append([f"**{text}**" for text in table.rows[-1]])
    return ["Cells that pass / cells measured (–: none measured, or only n/a cells).", "",
            *_table(view.TextTable(header, rows))]


def _environments(document: dict[str, Any]) -> list[str]:
    table = view.environments_table(document)
    lines = _table(table) if table.rows else ["No env has results."]
    for heading, items in view.unmeasured_envs(document):
        lines += ["", f"**{heading}**:", "", *(f"- {item}" for item in items)]
    return lines


def _path_table(document: dict[str, Any], path: str, shown: list[int]) -> list[str]:
    """A route's cases (rows, under their family's heading) x the shown columns, and a pass-rate row."""
    columns = [document["columns"][index] for index in shown]
    rows = []
    for row in view.grid_rows(document, path, shown):
        if row.case is None:
            rows.append([f"**{row.family}**", *([""] * len(columns))])
        else:
            rows.append([f"`{row.case}`", *(view.cell_symbol(cell) for cell in row.cells)])
    per_column = document["pass_rates"]["per_path"][path]
    rows.append(["**passed**", *(f"**{view.fraction(per_column[column['key']])}**" for column in columns)])
    header = ["case", *("<br>".join(view.header_lines(column)) for column in columns)]
    return _table(view.TextTable(header, rows))


def _first_working(document: dict[str, Any], path: str) -> list[str]:
    series_list, grid = view.first_working_grid(document, path)
    if not series_list:
        return ["No measured cell."]
    notes = view.TextTable(["entry", "means"], [[f"`{text}`", meaning] for text, meaning in view.FIRST_WORKING_NOTES])
    rows = [[f"**{family}**", *([""] * len(series_list))] if case is None else [f"`{case}`", *texts]
            for family, case, texts in grid]
    table = view.TextTable(["case", *(f"TF {series}" for series in series_list)], rows)
    return [view.FIRST_WORKING_NOTE, "", *_table(notes), "", *_table(table)]


def _paragraphs(*parts: str | Sequence[str]) -> list[str]:
    """Lines of the non-empty parts (a line, or a block of lines), a blank line between two."""
    blocks = [[part] if isinstance(part, str) else list(part) for part in parts if part]
    return [line for index, block in enumerate(blocks) for line in ([""] if index else []) + block]


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
