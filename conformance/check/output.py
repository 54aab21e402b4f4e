"""What the check prints and leaves: the table route x OpenCV (x engine), the advice, and the `--out` folder
(passing artifacts with a README of their inputs and outputs, report.json, report.html, reproducer bundles).
The text is made from the records alone (pure); writing the folder is the only I/O."""
from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from conformance import advice
from conformance.judging.verdict import NOT_APPLICABLE
from conformance.results import location_free

REPORT_SCHEMA = 1
REASON_CHARS = 110
KNOWN_REASON_CHARS = 240
_OPENCV_ERROR = re.compile(r"OpenCV\([^)]*\) \S*?([\w.]+:\d+): error: \(-?\d+:[^)]*\)\s*(?:in function '[^']*'\s*)?")
_IN_FUNCTION = re.compile(r"\s+in function '[^']*'")


def opencv_message(error: str) -> str:
    """An OpenCV exception line without its build path and error-code preamble:
    "Tile: repeats ... (tile_layer.cpp:31)"."""
    match = _OPENCV_ERROR.search(error)
    if match is None:
        return error
    said = _IN_FUNCTION.sub("", f"{error[:match.start()]}{error[match.end():]}").strip()
    return f"{said} ({match.group(1)})"


def shortened(text: str, limit: int) -> str:
    """`text` on one line, without absolute paths nor OpenCV's error preamble, cut at `limit` characters."""
    text = " ".join(opencv_message(location_free(text)).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def column_name(record: dict[str, Any]) -> str:
    return f"{record['opencv']} {record['engine']}".strip()


def reason(record: dict[str, Any]) -> str:
    """One line on why a cell is not a pass: the known failure's reason, else the error, else the numbers."""
    if record["status"] == "pass":
        return ""
    like = record.get("like") or {}
    if like.get("reason"):
        text = f"known ({like['case']}): {like['reason']}"
    elif record["error"]:
        text = record["error"]
    else:
        text = record["status"]
    return shortened(text, REASON_CHARS)


def table(records: list[dict[str, Any]]) -> str:
    """Routes as rows, OpenCV versions (and engines) as columns, each cell its status; then the first non-pass
    reason of each route."""
    columns = list(dict.fromkeys(column_name(r) for r in records))
    routes = list(dict.fromkeys(r["path"] for r in records))
    status = {(r["path"], column_name(r)): r["status"] for r in records}
    width = max(len(route) for route in routes)
    widths = [max(len(column), 14) for column in columns]
    lines = ["  ".join([" " * width, *(c.ljust(w) for c, w in zip(columns, widths, strict=True))])]
    for route in routes:
        cells = [status.get((route, column), "-").ljust(w) for column, w in zip(columns, widths, strict=True)]
        failing = next((r for r in records if r["path"] == route and r["status"] not in ("pass", NOT_APPLICABLE)),
                       None)
        lines.append("  ".join([route.ljust(width), *cells, reason(failing) if failing else ""]).rstrip())
    return "\n".join(lines)


def advice_lines(records: list[dict[str, Any]], versions: list[str]) -> tuple[list[advice.Choice], list[str]]:
    """Per OpenCV version the route to use; then for each failing route (its versions together where they fail
    alike) the first failing layer or op and the catalogue cell that fails the same way."""
    chosen = advice.choices(((r["opencv"], r["path"], r["engine"], r["status"]) for r in records), versions)
    failures: dict[tuple[str, str], list[str]] = {}
    for record in records:
        if record["status"] not in ("pass", NOT_APPLICABLE):
            failures.setdefault((record["path"], failure_text(record)), []).append(column_name(record))
    lines = [choice.line() for choice in chosen]
    lines += [f"  {route} on OpenCV {', '.join(columns)}: {text}" for (route, text), columns in failures.items()]
    return chosen, lines


def failure_text(record: dict[str, Any]) -> str:
    """A failing cell in the advice: status, where it first fails, the catalogue cell failing the same way."""
    text = record["status"]
    layer = record.get("keras_layer")
    divergence = record.get("divergence") or {}
    if layer:
        text += f", first diverging layer {layer['name']!r} ({layer['class']})"
    elif divergence.get("layer"):
        text += f", first diverging OpenCV layer {divergence['layer']!r}"
    elif record["error"]:
        text += f": {shortened(record['error'], REASON_CHARS)}"
    like = record.get("like")
    if like:
        text += f"; the catalogue's {like['case']} fails the same way"
        if like["reason"]:
            text += f" (known: {shortened(like['reason'], KNOWN_REASON_CHARS)}"
            text += f", see {like['link']})" if like["link"] else ")"
    return text


def exit_code(chosen: Iterable[advice.Choice]) -> int:
    """0 when every asked OpenCV version has a passing route, 1 when one has none."""
    return 0 if all(choice.route is not None for choice in chosen) else 1


def report(model: str, tf_side: dict[str, Any], opencv_sides: list[dict[str, Any]], records: list[dict[str, Any]],
           chosen: list[advice.Choice], artifacts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """report.json (docs/check.md): versions, the advice, the passing artifacts and every cell."""
    return {"schema": REPORT_SCHEMA, "model": model, "tf_side": tf_side, "opencv_sides": opencv_sides,
            "advice": [{"opencv": c.opencv, "route": c.route, "engine": c.engine, "at_risk": list(c.risks)}
                       for c in chosen],
            "artifacts": artifacts, "cells": records}


def artifact_notes(route: Any, export: Any, reference: Any, passing: list[str]) -> dict[str, Any]:
    """How to feed and read one passing artifact: the reader call, input and output names, shapes and layouts."""
    from model_zoo.layout import to_layout

    inputs = [{"name": name or "(the only input: setInput(blob))",
               "shape": list(to_layout(a, route.input_layout).shape), "layout": _layout_word(a, route.input_layout)}
              for name, a in zip(export.artifact.input_names, reference.inputs, strict=True)]
    outputs = [{"index": i, "shape": list(to_layout(a, route.output_layout).shape),
                "layout": _layout_word(a, route.output_layout)} for i, a in enumerate(reference.expected)]
    return {"file": f"{route.name}/{export.artifact.model}", "reader": route.reader, "route": route.summary,
            "passes_on": passing, "inputs": inputs, "outputs": outputs}


def _layout_word(array: Any, layout: str) -> str:
    return layout.upper() if array.ndim == 4 else f"{array.ndim}D, as the model"


def artifacts_readme(artifacts: dict[str, dict[str, Any]]) -> str:
    lines = ["# Artifacts that passed", "",
             "Each folder holds a file that OpenCV read and ran within tolerance of the model's own output.", ""]
    for name, notes in artifacts.items():
        lines += [f"## {name}", "", f"{notes['route']}.", "", "```python",
                  f"net = cv2.dnn.{notes['reader']}(\"{notes['file']}\")"]
        for spec in notes["inputs"]:
            lines.append(f"# input {spec['name']}: float32 {tuple(spec['shape'])} {spec['layout']}")
        for spec in notes["outputs"]:
            lines.append(f"# output {spec['index']}: float32 {tuple(spec['shape'])} {spec['layout']}")
        lines += ["```", "", f"Passes on OpenCV {', '.join(notes['passes_on'])}.", ""]
    if not artifacts:
        lines.append("None: no route passed on any asked OpenCV version (see report.json).")
    return "\n".join(lines) + "\n"


def write_out(out: Path, document: dict[str, Any], exports: dict[str, Any], html: str) -> None:
    """The artifacts of the passing routes, their README, report.json and report.html."""
    folder = out / "artifacts"
    for name, notes in document["artifacts"].items():
        target = folder / name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        model = exports[name].folder / Path(notes["file"]).name
        (shutil.copytree if model.is_dir() else shutil.copy2)(model, target / model.name)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text(artifacts_readme(document["artifacts"]))
    (out / "report.json").write_text(json.dumps(document, indent=1, default=str) + "\n")
    (out / "report.html").write_text(html)
