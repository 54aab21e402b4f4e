"""report.html of `python -m conformance.check`: the advice, the table route x OpenCV (x engine) and each failing
cell's details, in the support page's look (reports/builder/html.py), self-contained."""
from __future__ import annotations

from html import escape
from typing import Any

from conformance.advice import AT_RISK
from conformance.evidence.triage import triage_lines
from reports.builder.html import page, section, status_class
from reports.builder.statuses import style


def check_html(report: dict[str, Any], table_reasons: dict[str, str]) -> str:
    """The page for a check's report.json document; `table_reasons` is each route's one-line reason."""
    tf = report["tf_side"]
    sides = ", ".join(f"OpenCV {side['opencv']} ({side['wheel']})" for side in report["opencv_sides"])
    body = [
        f"<p class=\"note\">Model <code>{escape(report['model'])}</code>; TF {escape(_tf_version(tf))}, Keras "
        f"{escape(str(tf.get('keras_in_use', '?')))}; {escape(sides)}. Made by <code>python -m conformance.check"
        "</code>; the same data is in report.json.</p>",
        section("advice", "Which route to use", [f"<ul>{''.join(map(_advice_item, report['advice']))}</ul>"]),
        section("table", "Routes x OpenCV", [_table(report["cells"], table_reasons)]),
        section("failures", "Failing cells", [_failures(report["cells"])]),
    ]
    return page(f"Keras → OpenCV check: {report['model']}", body)


def _tf_version(tf: dict[str, Any]) -> str:
    return str(tf.get("tensorflow-cpu") or tf.get("tensorflow") or "?")


def _advice_item(item: dict[str, Any]) -> str:
    if not item["route"]:
        return f"<li>OpenCV {escape(item['opencv'])}: <strong>none</strong> of the routes tried works</li>"
    engine = f" (engine {escape(item['engine'])})" if item["engine"] else ""
    risks = [AT_RISK[name] for name in item.get("at_risk", ()) if name in AT_RISK]
    risk = "; at risk: " + "; ".join(f"{escape(r.fact)} (<a href=\"{escape(r.link, quote=True)}\">{escape(r.source)}"
                                    "</a>)" for r in risks) if risks else ""
    return f"<li>OpenCV {escape(item['opencv'])}: <strong>{escape(item['route'])}</strong>{engine}{risk}</li>"


def _table(cells: list[dict[str, Any]], reasons: dict[str, str]) -> str:
    columns = list(dict.fromkeys(_column(cell) for cell in cells))
    by_place = {(cell["path"], _column(cell)): cell["status"] for cell in cells}
    head = "".join(f"<th>{escape(column)}</th>" for column in columns)
    rows = []
    for route in dict.fromkeys(cell["path"] for cell in cells):
        statuses = [by_place.get((route, column), "") for column in columns]
        tds = "".join(f"<td class=\"{status_class(s)}\">{style(s or None).symbol} {escape(s)}</td>" for s in statuses)
        rows.append(f"<tr><th class=\"case\">{escape(route)}</th>{tds}<td>{escape(reasons.get(route, ''))}</td></tr>")
    return _text_table(f"<th class=\"case\">route</th>{head}<th>reason</th>", rows)


def _failures(cells: list[dict[str, Any]]) -> str:
    rows = [f"<tr><td>{escape(cell['path'])}</td><td>{escape(_column(cell))}</td>"
            f"<td class=\"{status_class(cell['status'])}\">{escape(cell['status'])}</td>"
            f"<td>{escape(cell.get('stage') or '')}</td><td>{escape(_detail(cell))}</td></tr>"
            for cell in cells if cell["status"] not in ("pass", "n/a")]
    header = "<th>route</th><th>OpenCV</th><th>status</th><th>stage</th><th>error, triage, catalogue</th>"
    return _text_table(header, rows) if rows else "<p>None.</p>"


def _text_table(header: str, rows: list[str]) -> str:
    return (f"<div class=\"scroll\"><table class=\"text-table\"><thead><tr>{header}</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></div>")


def _column(cell: dict[str, Any]) -> str:
    return f"{cell['opencv']} {cell['engine']}".strip()


def _detail(cell: dict[str, Any]) -> str:
    parts = [cell.get("error") or ""]
    if cell.get("metrics"):
        parts.append(f"max abs {cell['metrics']['max_abs']:.3g}, mean abs {cell['metrics']['mean_abs']:.3g}")
    parts += triage_lines(cell)
    if cell.get("keras_layer"):
        parts.append(f"its Keras layer: {cell['keras_layer']['name']} ({cell['keras_layer']['class']})")
    if cell.get("like"):
        like = cell["like"]
        parts.append(f"like catalogue case {like['case']}" + (f": {like['reason']}" if like["reason"] else "")
                     + (f" {like['link']}" if like["link"] else ""))
    return " | ".join(part for part in parts if part)
