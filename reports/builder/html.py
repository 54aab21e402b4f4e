"""support.html from a support document: one self-contained page (inline CSS and JS, the data as embedded JSON).

The tables are written here, so the page reads without JavaScript; the script only filters (family, path,
status, TF, OpenCV, engine) and shows a cell's details (error line, stage, numbers) on hover and click.
Nothing is fetched when the page is viewed. The route sections, which hold nearly all of the cells, are laid out
only when scrolled near (`content-visibility: auto`): measured on the 45-env page (263,000 cells, 47 MB) in
headless Chromium, loading took 16 s without it and 7 s with it.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from reports.builder import view
from reports.builder.diff import route_counts
from reports.builder.envs import version_key
from reports.builder.statuses import STATUS_ORDER, STYLES, UNKNOWN

CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 1.5em 4em; color: #1a1a1a; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .4em 0; }
th, td { border: 1px solid #d0d0d0; padding: 1px 5px; text-align: center; }
thead th { background: #f6f6f6; font-weight: 600; font-size: 12px; vertical-align: bottom; }
th.case { text-align: left; position: sticky; left: 0; background: #fff; font-weight: normal;
  font-family: ui-monospace, monospace; font-size: 12px; white-space: nowrap; }
thead th.case, tfoot th.case { background: #f6f6f6; font-family: inherit; }
tr.family th { text-align: left; background: #eef2f7; font-weight: 600; }
.scroll { overflow-x: auto; }
td.cell { cursor: pointer; min-width: 1.6em; font-weight: 600; }
td.cell:hover, td.cell.picked { outline: 2px solid #222; outline-offset: -2px; }
td.dim { opacity: .15; }
.off { display: none !important; }
.text-table td, .text-table th { text-align: left; font-size: 13px; }
#filters { position: sticky; top: 0; z-index: 2; background: #fff; padding: .5em 0; border-bottom: 1px solid #ccc;
  display: flex; flex-wrap: wrap; gap: .4em 1em; align-items: center; }
#detail { position: fixed; right: 1em; bottom: 1em; width: min(36em, 90vw); max-height: 60vh; overflow: auto;
  background: #fff; border: 1px solid #888; box-shadow: 0 2px 10px rgba(0,0,0,.25); padding: .6em .9em; z-index: 3; }
#detail dl { display: grid; grid-template-columns: max-content 1fr; gap: .2em .8em; margin: .4em 0 0; }
#detail dt { font-weight: 600; } #detail dd { margin: 0; overflow-wrap: anywhere; }
#detail-close { float: right; }
.note { color: #555; max-width: 60em; }
section[data-path] { content-visibility: auto; contain-intrinsic-size: auto 3000px; }
"""

SCRIPT = r"""
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const byId = (id) => document.getElementById(id);
  const FILTERS = ["family", "path", "status", "tf", "opencv", "engine"];
  const text = (index) => data.strings[index];

  function cellAt(index) {
    const [kase, path, column, status, stage, error, outcome, known, maxAbs, meanAbs, scale, required, tolerance,
      blame, evidence, upstream] = data.cells[index];
    return {
      case: text(kase), path: text(path), column: data.columns[column], status: text(status), stage: text(stage),
      error: text(error), outcome: text(outcome), known: text(known), maxAbs, meanAbs, scale, required, tolerance,
      blame: text(blame), evidence: text(evidence), upstream: text(upstream),
    };
  }

  function chosen() {
    const values = {};
    for (const name of FILTERS) {
      const element = byId("f-" + name);
      values[name] = element ? element.value : "";
    }
    return values;
  }

  function columnShown(column, f) {
    return (!f.tf || column.tf_series === f.tf) && (!f.opencv || column.opencv === f.opencv)
      && (!f.engine || column.engine === f.engine);
  }

  function apply() {
    const f = chosen();
    const shown = data.columns.map((column) => columnShown(column, f));
    document.querySelectorAll("[data-col]").forEach((element) => {
      element.classList.toggle("off", !shown[Number(element.dataset.col)]);
    });
    document.querySelectorAll("[data-series]").forEach((element) => {
      element.classList.toggle("off", Boolean(f.tf) && element.dataset.series !== f.tf);
    });
    let cellsShown = 0;
    document.querySelectorAll("tr[data-case]").forEach((row) => {
      const section = row.closest("[data-path]");
      let visible = (!f.family || row.dataset.family === f.family)
        && (!f.path || !section || section.dataset.path === f.path);
      const cells = row.querySelectorAll("td.cell");
      if (visible && f.status && cells.length) {
        visible = Array.from(cells).some((cell) => cell.dataset.status === f.status && shown[Number(cell.dataset.col)]);
      }
      cells.forEach((cell) => {
        cell.classList.toggle("dim", Boolean(f.status) && cell.dataset.status !== f.status);
        if (visible && shown[Number(cell.dataset.col)] && cell.dataset.cell && !cell.classList.contains("dim")) {
          cellsShown += 1;
        }
      });
      row.classList.toggle("off", !visible);
    });
    document.querySelectorAll("tr.family").forEach((heading) => {
      const rows = Array.from(heading.closest("tbody").querySelectorAll("tr[data-case]"))
        .filter((row) => row.dataset.family === heading.dataset.family);
      heading.classList.toggle("off", !rows.some((row) => !row.classList.contains("off")));
    });
    document.querySelectorAll("[data-path]").forEach((element) => {
      const rows = Array.from(element.querySelectorAll("tr[data-case]"));
      const empty = rows.length > 0 && rows.every((row) => row.classList.contains("off"));
      element.classList.toggle("off", (Boolean(f.path) && element.dataset.path !== f.path) || empty);
    });
    byId("f-count").textContent = cellsShown + " cells shown";
  }

  function format(value) {
    return typeof value === "number" ? Number(value.toPrecision(3)).toString() : String(value);
  }

  function details(cell) {
    const rows = [
      ["status", cell.status], ["stage", cell.stage], ["error", cell.error],
      ["max abs", cell.maxAbs], ["mean abs", cell.meanAbs], ["scale", cell.scale],
      ["tolerance required", cell.required], ["case tolerance", cell.tolerance],
      ["outcome", cell.outcome], ["known failure", cell.known], ["upstream", cell.upstream],
      ["blame", cell.blame], ["blame evidence", cell.evidence],
      ["env", cell.column.key], ["versions", cell.column.versions],
    ];
    return {
      title: cell.case + " via " + cell.path + " in " + cell.column.label,
      rows: rows.filter((row) => row[1] !== undefined && row[1] !== null && row[1] !== ""),
    };
  }

  function showDetail(index, element) {
    const described = details(cellAt(index));
    const panel = byId("detail");
    byId("detail-title").textContent = described.title;
    const list = byId("detail-list");
    list.replaceChildren();
    for (const [name, value] of described.rows) {
      const term = document.createElement("dt");
      term.textContent = name;
      const definition = document.createElement("dd");
      if (name === "upstream") {
        const anchor = document.createElement("a");
        anchor.href = value;
        anchor.textContent = value;
        definition.append(anchor);
      } else {
        definition.textContent = format(value);
      }
      list.append(term, definition);
    }
    panel.hidden = false;
    document.querySelectorAll("td.picked").forEach((picked) => picked.classList.remove("picked"));
    element.classList.add("picked");
  }

  document.addEventListener("click", (event) => {
    const element = event.target.closest("td[data-cell]");
    if (element) {
      showDetail(Number(element.dataset.cell), element);
    }
  });
  document.addEventListener("mouseover", (event) => {
    const element = event.target.closest("td[data-cell]");
    if (element && !element.title) {
      const cell = cellAt(Number(element.dataset.cell));
      element.title = [cell.case + " via " + cell.path + " in " + cell.column.label, cell.status, cell.stage,
        cell.error].filter(Boolean).join(" | ");
    }
  });
  byId("detail-close").addEventListener("click", () => { byId("detail").hidden = true; });
  for (const name of FILTERS) {
    const element = byId("f-" + name);
    if (element) {
      element.addEventListener("change", apply);
    }
  }
  byId("f-reset").addEventListener("click", () => {
    for (const name of FILTERS) {
      const element = byId("f-" + name);
      if (element) {
        element.value = "";
      }
    }
    apply();
  });
  apply();
})();
"""


def support_html(document: dict[str, Any]) -> str:
    """The whole page."""
    cell_index = {(cell["path"], cell["case"], cell["column"]): index for index, cell in enumerate(document["cells"])}
    body = [
        f"<p class=\"note\">Data: {escape(view.data_line(document))}. Built by <code>python -m reports.builder</code> "
        "from <code>reports/results/</code>; the same data is in support.json and SUPPORT.md. Click a cell for "
        "its error, stage and numbers.</p>",
        _filters(document),
        "<aside id=\"detail\" hidden><button type=\"button\" id=\"detail-close\">close</button>"
        "<strong id=\"detail-title\"></strong><dl id=\"detail-list\"></dl></aside>",
        section("advice", "Route advice", _advice(document)),
        section("legend", "Legend", [_text_table(view.legend_table(document)),
                                      f"<p class=\"note\">{escape(view.COLUMN_NOTE)}</p>"]),
        section("matrix", "Matrix", _matrix(document)),
        section("pass-rates", "Pass rates per path", _path_rates(document)),
        *(_path_section(document, path, cell_index) for path in document["paths"]),
        section("first-working", "First working OpenCV version", _first_working(document)),
        section("diff", "Changes since the baseline", _diff(document)),
        section("environments", "Environments", _environments(document)),
    ]
    return page(document["title"], body, [
        f"<script type=\"application/json\" id=\"report-data\">{_embedded(document)}</script>",
        f"<script>{SCRIPT}</script>"])


def page(title: str, body: Sequence[str], scripts: Sequence[str] = ()) -> str:
    """A self-contained page in the support page's look (its CSS and status colours) around `body`."""
    return "\n".join([
        "<!DOCTYPE html>",
        "<html lang=\"en\">",
        "<head>",
        "<meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{escape(title)}</title>",
        "<link rel=\"icon\" href=\"data:,\">",
        f"<style>{CSS}{_status_css()}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        *body,
        *scripts,
        "</body>",
        "</html>",
    ]) + "\n"


def _filters(document: dict[str, Any]) -> str:
    columns = document["columns"]
    present = {cell["status"] for cell in document["cells"]}
    statuses = [status for status in STATUS_ORDER if status in present] + sorted(present - set(STATUS_ORDER))
    choices = [
        ("family", "Family", [group["family"] for group in document["families"]]),
        ("path", "Path", document["paths"]),
        ("status", "Status", statuses),
        ("tf", "TF", list(dict.fromkeys(column["tf_series"] for column in columns))),
        ("opencv", "OpenCV", sorted({column["opencv"] for column in columns}, key=version_key)),
    ]
    engines = list(dict.fromkeys(column["engine"] for column in columns if column["engine"]))
    if engines:
        choices.append(("engine", "Engine", engines))
    selects = [
        f"<label>{label} <select id=\"f-{name}\"><option value=\"\">all</option>"
        + "".join(f"<option>{escape(value)}</option>" for value in values if value) + "</select></label>"
        for name, label, values in choices
    ]
    return ("<form id=\"filters\" onsubmit=\"return false\">" + "".join(selects)
            + "<button type=\"button\" id=\"f-reset\">reset</button><span id=\"f-count\"></span></form>")


def _matrix(document: dict[str, Any]) -> list[str]:
    table = view.matrix_table(document, " · ")
    if table is None:
        return ["<p>No env with known TF and OpenCV versions.</p>"]
    return [f"<p class=\"note\">{escape(view.MATRIX_NOTE)}</p>", _text_table(table)]


def _path_rates(document: dict[str, Any]) -> list[str]:
    table = view.path_rates_table(document)
    rows = ["<tr><th class=\"case\">" + escape(row[0]) + "</th>" + "".join(
        f"<td data-col=\"{index}\">{escape(text)}</td>" for index, text in enumerate(row[1:])) + "</tr>"
        for row in table.rows]
    return ["<p class=\"note\">Cells that pass / cells measured.</p>",
            _grid_table(_column_headers(document, "path"), rows)]


def _path_section(document: dict[str, Any], path: str, cell_index: dict[tuple[str, str, str], int]) -> str:
    shown, left_out = view.route_columns(document, path)
    columns = document["columns"]
    rows = []
    for row in view.grid_rows(document, path, shown):
        family = escape(row.family, quote=True)
        if row.case is None:
            rows.append(f"<tr class=\"family\" data-family=\"{family}\">"
                        f"<th class=\"case\" colspan=\"{len(shown) + 1}\">{escape(row.family)}</th></tr>")
            continue
        cells = "".join(_cell(index, cell, cell_index) for index, cell in zip(shown, row.cells, strict=True))
        rows.append(f"<tr data-family=\"{family}\" data-case=\"{escape(row.case, quote=True)}\">"
                    f"<th class=\"case\">{escape(row.case)}</th>{cells}</tr>")
    per_column = document["pass_rates"]["per_path"][path]
    rows.append("<tr><th class=\"case\">passed</th>" + "".join(
        f"<td data-col=\"{index}\">{view.fraction(per_column[columns[index]['key']])}</td>" for index in shown)
        + "</tr>")
    note = view.left_out_note(document, left_out)
    risk = view.route_risk_note(path, _link, escape)
    return section(f"path-{path}", path, [*([f"<p class=\"note\">{risk}</p>"] if risk else []),
                                          *([f"<p class=\"note\">{escape(note)}</p>"] if note else []),
                                          _grid_table(_column_headers(document, "case", shown), rows)],
                   f" data-path=\"{escape(path, quote=True)}\"")


def _cell(column_index: int, cell: dict[str, Any] | None, cell_index: dict[tuple[str, str, str], int]) -> str:
    if cell is None:
        return f"<td class=\"none\" data-col=\"{column_index}\">{view.symbol(None)}</td>"
    status, index = cell["status"], cell_index[(cell["path"], cell["case"], cell["column"])]
    return (f"<td class=\"cell {status_class(status)}\" data-col=\"{column_index}\" data-cell=\"{index}\" "
            f"data-status=\"{escape(status, quote=True)}\">{view.cell_symbol(cell)}</td>")


def _first_working(document: dict[str, Any]) -> list[str]:
    notes = view.TextTable(["entry", "means"], [list(note) for note in view.FIRST_WORKING_NOTES])
    parts = [f"<p class=\"note\">{escape(view.FIRST_WORKING_NOTE)}</p>", _text_table(notes)]
    for path in document["paths"]:
        series_list, grid = view.first_working_grid(document, path)
        if not series_list:
            continue
        header = "<tr><th class=\"case\">case</th>" + "".join(
            f"<th data-series=\"{escape(series, quote=True)}\">TF {escape(series)}</th>"
            for series in series_list) + "</tr>"
        rows = []
        for family, case, texts in grid:
            quoted = escape(family, quote=True)
            if case is None:
                rows.append(f"<tr class=\"family\" data-family=\"{quoted}\"><th class=\"case\" "
                            f"colspan=\"{len(series_list) + 1}\">{escape(family)}</th></tr>")
            else:
                rows.append(f"<tr data-family=\"{quoted}\" data-case=\"{escape(case, quote=True)}\">"
                            f"<th class=\"case\">{escape(case)}</th>" + "".join(
                                f"<td data-series=\"{escape(series, quote=True)}\">{escape(text)}</td>"
                                for series, text in zip(series_list, texts, strict=True)) + "</tr>")
        parts.append(f"<div data-path=\"{escape(path, quote=True)}\"><h3>{escape(path)}</h3>"
                     + _grid_table(header, rows) + "</div>")
    return parts


def _advice(document: dict[str, Any]) -> list[str]:
    """The route to use per family, then (folded) per case; the family filter applies to both."""
    families = view.advice_table(document, "families")
    if not families.rows:
        return ["<p>No route measured.</p>"]
    cases = view.advice_table(document, "cases")
    family_of = {entry["case"]: entry["family"] for entry in document["advice"]["cases"]}
    risk = view.at_risk_note(_link, escape)
    return [f"<p class=\"note\">{escape(view.ADVICE_NOTE)} {escape(view.FAMILY_ADVICE_NOTE)}</p>",
            _advice_table(families, {row[0]: row[0] for row in families.rows}),
            f"<details><summary>Per case ({view.plural(len(family_of), 'case')})</summary>",
            _advice_table(cases, family_of), "</details>",
            f"<p class=\"note\" id=\"at-risk\">{risk}</p>"]


def _link(text: str, url: str) -> str:
    return f"<a href=\"{escape(url, quote=True)}\">{escape(text)}</a>"


def _advice_table(table: view.TextTable, family_of: dict[str, str]) -> str:
    """An advice table whose rows (family or case, Keras generation, texts) the family filter hides."""
    header = "".join(f"<th>{escape(name)}</th>" for name in table.header)
    rows = [f"<tr data-family=\"{escape(family_of[row[0]], quote=True)}\" data-case=\"{escape(row[0], quote=True)}\">"
            f"<th class=\"case\">{escape(row[0])}</th>" + "".join(f"<td>{escape(text)}</td>" for text in row[1:])
            + "</tr>" for row in table.rows]
    return (f"<div class=\"scroll\"><table class=\"text-table\"><thead><tr>{header}</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></div>")


def _diff(document: dict[str, Any]) -> list[str]:
    """The diff as in DIFF.md, every route folded in its own details element, with view.DIFF_ROWS_PER_LIST cells of
    each list shown (the rest counted; all in support.json)."""
    diff = document["diff"]
    parts = [f"<p>{escape(view.baseline_line(diff))}</p>"]
    if diff["baseline"] is None:
        return parts
    parts += [f"<p><strong>{escape(view.diff_summary(diff))}</strong></p>",
              f"<p class=\"note\">{escape(view.DIFF_NOTE)}</p>"]
    if diff["routes"]:
        parts.append(_text_table(view.diff_overview_table(diff)))
    if unchanged := view.unchanged_routes(document):
        parts.append(f"<p>No change: {escape(', '.join(unchanged))}.</p>")
    for route in diff["routes"]:
        parts.append(f"<details><summary>{escape(view.route_title(route))}: "
                     f"{escape(view.counts_text(route_counts(route)))}</summary>")
        for block in view.diff_route_blocks(diff, route, lambda count: min(count, view.DIFF_ROWS_PER_LIST)):
            text = " ".join(filter(None, [f"<strong>{escape(block.title)}</strong>:" if block.title else "",
                                          escape(block.note)]))
            parts += [f"<p>{text}</p>"] if text else []
            parts += [_text_table(block.table)] if block.table is not None else []
        parts.append("</details>")
    for title, table in view.diff_env_tables(diff):
        parts += [f"<h3>{escape(title)}</h3>", _text_table(table)]
    return parts


def _environments(document: dict[str, Any]) -> list[str]:
    table = view.environments_table(document)
    parts = [_text_table(table)] if table.rows else ["<p>No env has results.</p>"]
    for heading, items in view.unmeasured_envs(document):
        parts.append(f"<h3>{escape(heading)}</h3><ul>" + "".join(f"<li>{escape(item)}</li>" for item in items)
                     + "</ul>")
    return parts


def _column_headers(document: dict[str, Any], first: str, shown: Sequence[int] | None = None) -> str:
    """The header row: `first`, then the columns (those of `shown` when given), each with its global data-col."""
    columns = document["columns"]
    return f"<tr><th class=\"case\">{first}</th>" + "".join(
        f"<th data-col=\"{index}\" title=\"{escape(columns[index]['key'], quote=True)}\">"
        + "<br>".join(escape(line) for line in view.header_lines(columns[index])) + "</th>"
        for index in (range(len(columns)) if shown is None else shown)) + "</tr>"


def _grid_table(header: str, rows: Iterable[str]) -> str:
    return (f"<div class=\"scroll\"><table class=\"grid\"><thead>{header}</thead><tbody>\n"
            + "\n".join(rows) + "\n</tbody></table></div>")


def _text_table(table: view.TextTable) -> str:
    def row(cells: Sequence[str], tag: str) -> str:
        return "<tr>" + "".join(f"<{tag}>{escape(cell)}</{tag}>" for cell in cells) + "</tr>"

    return (f"<div class=\"scroll\"><table class=\"text-table\"><thead>{row(table.header, 'th')}</thead><tbody>"
            + "".join(row(cells, "td") for cells in table.rows) + "</tbody></table></div>")


def section(anchor: str, title: str, parts: Sequence[str], attributes: str = "") -> str:
    return (f"<section id=\"{escape(anchor, quote=True)}\"{attributes}><h2>{escape(title)}</h2>\n"
            + "\n".join(parts) + "\n</section>")


def status_class(status: str) -> str:
    return "s-" + (status if status in STYLES else "unknown")


def _status_css() -> str:
    colors = {status: style.color for status, style in STYLES.items()}
    colors["unknown"] = UNKNOWN.color
    return "".join(f"\ntd.s-{status} {{ background: {color}66; }}" for status, color in colors.items()) + "\n"


def page_data(document: dict[str, Any]) -> dict[str, Any]:
    """What the script needs, compactly: each text once in `strings`, each cell an array (CELL_FIELDS) whose
    position is its `data-cell` index, the same as in the document's cells."""
    strings: dict[str, int] = {}

    def text(value: Any) -> int:
        return strings.setdefault("" if value is None else str(value), len(strings))

    column_index = {column["key"]: index for index, column in enumerate(document["columns"])}
    cells = []
    for cell in document["cells"]:
        metrics = cell["metrics"] or {}
        cells.append([text(cell["case"]), text(cell["path"]), column_index[cell["column"]], text(cell["status"]),
                      text(cell["stage"]), text(cell["error"]), text(cell["outcome"]), text(cell["known_reason"]),
                      *(metrics.get(name) for name in ("max_abs", "mean_abs", "scale", "required_tolerance")),
                      cell["tolerance"], text(cell.get("blame", "")), text(cell.get("blame_evidence", "")),
                      text(cell.get("known_link", ""))])
    envs = {env["name"]: env for env in document["envs"]}
    columns = [{"key": column["key"], "label": column["label"], "tf_series": column["tf_series"],
                "opencv": column["opencv"], "engine": column["engine"], "versions": view.versions(envs[column["env"]])}
               for column in document["columns"]]
    return {"strings": list(strings), "columns": columns, "cells": cells}


def _embedded(document: dict[str, Any]) -> str:
    """The page's data as JSON that cannot end the script element early."""
    text = json.dumps(page_data(document), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return re.sub(r"[<>&\u2028\u2029]", lambda match: f"\\u{ord(match.group()):04x}", text)
