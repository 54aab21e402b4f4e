"""Draft known-failure entries for the cells of measured results files that no entry covers yet.

    python -m conformance.judging.draft_known reports/results/*.json [--paths tflite-int8,onnx-opset18] >> draft.toml
    python -m conformance.judging.draft_known --widen reports/results/*.json   # first: siblings that fail alike

`--widen` handles a new route that fails exactly like an older one: for each entry of a sibling route (SIBLINGS:
the same converter at another opset or entry point), the new route is added to the entry's `path` when every
measured cell of it that the entry would then judge has the entry's status, and nothing else changes; it
rewrites known_failures.toml in place and prints what it added.

Groups the unexpected failures by route and by what they are at every measured column (Keras generation x
OpenCV version x engine): cases that fail alike at the same versions share one entry, with the OpenCV range
of each run of consecutive measured versions (ranges never go beyond what was measured: see the header of
known_failures.toml), the first error line, the blame with its evidence, and the routes that pass the same
cases at those versions. The draft is a starting point: a human reads it, writes what fails and why (the OpenCV
source line, an upstream link) and puts it in known_failures.toml; rejudge then checks it against the files.
"""
from __future__ import annotations

import argparse
import dataclasses
import fnmatch
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from conformance.judging import known_failures
from conformance.judging.rejudge import file_versions, rejudge
from conformance.matrix import OPENCV_VERSIONS, version_key
from conformance.results import read

NUMBERS = re.compile(r"\d+(\.\d+)?(e-?\d+)?")


def generation(keras: str) -> str:
    return "<3" if keras.startswith("2.") else ">=3,<3.16"


def upper(opencv: str) -> str:
    """The exclusive bound after a measured minor version: 4.14 -> 4.15, 5.0 -> 5.1."""
    major, minor = opencv.split(".")[:2]
    return f"{major}.{int(minor) + 1}"


def runs(versions: list[str]) -> list[tuple[str, str]]:
    """Runs of consecutive measured OpenCV minors among `versions`, as (first, last)."""
    order = [v for v in OPENCV_VERSIONS if v in versions]
    found, start, previous = [], None, None
    for version in order:
        index = OPENCV_VERSIONS.index(version)
        if start is None or index != OPENCV_VERSIONS.index(previous) + 1:
            if start is not None:
                found.append((start, previous))
            start = version
        previous = version
    if start is not None:
        found.append((start, previous))
    return found


def draft(documents: list[dict[str, Any]], routes: set[str] | None) -> list[str]:
    entries = known_failures.load()
    failing: dict[tuple, dict[str, Any]] = {}
    passing: dict[tuple, set[str]] = defaultdict(set)  # (case, keras generation, opencv, engine) -> routes
    for document in documents:
        tf, keras, opencv = file_versions(document)
        minor = ".".join(opencv.split(".")[:2])
        unexpected = {id(cell) for cell in rejudge(document, entries)}
        for cell in document["cells"]:
            column = (generation(keras), minor, cell.get("engine", ""))
            if cell["status"] == "pass":
                passing[(cell["case"], *column)].add(cell["path"])
            if id(cell) in unexpected and cell["status"] != "pass" and (routes is None or cell["path"] in routes):
                failing[(cell["path"], cell["case"], *column)] = cell | {"tf": ".".join(tf.split(".")[:2])}
    # the same route, status and error shape at the same columns -> one entry
    groups: dict[tuple, dict[str, Any]] = {}
    by_cell: dict[tuple, list[tuple]] = defaultdict(list)
    for (route, case, keras, minor, engine), cell in failing.items():
        by_cell[(route, case, cell["status"], NUMBERS.sub("N", cell.get("error", ""))[:90])].append(
            (keras, minor, engine))
    for (route, case, status, error), columns in by_cell.items():
        group = groups.setdefault((route, status, error, tuple(sorted(columns))),
                                  {"cases": [], "columns": sorted(columns), "example": None})
        group["cases"].append(case)
        group["example"] = group["example"] or failing[(route, case, *columns[0])]
    lines = []
    for (route, status, _, _), group in sorted(groups.items(), key=lambda item: item[0][:2]):
        lines += entries_of(route, status, group, passing)
    return lines


def entries_of(route: str, status: str, group: dict[str, Any], passing: dict[tuple, set[str]]) -> list[str]:
    cell = group["example"]
    out = []
    by_engine_and_keras: dict[tuple[str, str], list[str]] = defaultdict(list)
    for keras, minor, engine in group["columns"]:
        by_engine_and_keras[(keras, engine)].append(minor)
    merged: dict[tuple[str, tuple], list[str]] = defaultdict(list)
    for (keras, engine), minors in by_engine_and_keras.items():
        merged[(engine, tuple(runs(minors)))].append(keras)
    for (engine, spans), kerases in sorted(merged.items()):
        keras = kerases[0] if len(kerases) == 1 else "<3.16"
        for first, last in spans:
            others = set.intersection(*(passing.get((case, kerases[0], first, engine), set())
                                        for case in group["cases"])) - {route}
            blame = cell.get("blame") or {}
            divergence = cell.get("divergence") or {}
            reason = (f"{status}: {cell.get('error', '')[:300]}"
                      + (f"; first diverging OpenCV layer {divergence['layer']!r} (in {cell['case']})"
                         if divergence.get("layer") else "")
                      + (f"; blame {blame.get('blame')}: {blame.get('evidence', '')[:200]}" if blame else "")
                      + (f"; passing at the same versions: {', '.join(sorted(others))}" if others else ""))
            out += ["", "[[known]]", f"case = {json.dumps(sorted(group['cases']))}", f"path = {json.dumps(route)}",
                    *([f"engine = {json.dumps(engine)}"] if engine else []),
                    'tf = ">=2.15,<2.20"', f"keras = {json.dumps(keras)}",
                    f'opencv = ">={first},<{upper(last)}"', f"status = {json.dumps(status)}",
                    f"reason = {json.dumps(reason)}"]
    return out


SIBLINGS = {
    "tf-frozen-grappler": ("tf-frozen-ours", "tf-frozen"),
    **{route: ("onnx-keras",) for route in ("onnx-opset13", "onnx-opset18", "onnx-simplified", "onnx-keras-export")},
    **{route: ("tflite-concrete-batch1",) for route in
       ("tflite-keras", "tflite-savedmodel", "tflite-litert", "tflite-float16", "tflite-dynamic-range", "tflite-int8")},
}


def widen(documents: list[dict[str, Any]], entries: list[known_failures.KnownFailure]) -> dict[int, tuple[str, ...]]:
    """Entry index -> its widened `path`, for the new routes that fail exactly like a sibling's entry says.

    Entries are tried in file order (the first entry covering a cell judges it): a cell already claimed by an
    earlier entry that covers the route is not the later entry's."""
    widened: dict[int, tuple[str, ...]] = {}
    for route, siblings in SIBLINGS.items():
        by_case: dict[str, list[tuple[dict[str, Any], known_failures.Versions]]] = defaultdict(list)
        for document in documents:
            versions = file_versions(document)
            for cell in document["cells"]:
                if cell["path"] == route:
                    by_case[cell["case"]].append((cell, versions))
        claimed: set[int] = set()
        for index, entry in enumerate(entries):
            covers_route = any(fnmatch.fnmatchcase(route, p) for p in entry.path)
            if not covers_route and not any(fnmatch.fnmatchcase(s, p) for s in siblings for p in entry.path):
                continue
            candidate = entry if covers_route else dataclasses.replace(entry, path=(*entry.path, route))
            judged = [cell for case, found in by_case.items()
                      if any(fnmatch.fnmatchcase(case, p) for p in entry.case)
                      for cell, versions in found
                      if id(cell) not in claimed and candidate.matches((case, route, cell["engine"]), versions)]
            if covers_route or (judged and all(known_failures.judge(cell["status"], candidate).ok for cell in judged)):
                claimed.update(id(cell) for cell in judged)
                if not covers_route:
                    entries[index] = candidate
                    widened[index] = candidate.path
    return widened


def rewrite_paths(text: str, widened: dict[int, tuple[str, ...]]) -> str:
    """known_failures.toml with the `path` line of each widened entry (0-based, in file order) replaced."""
    lines = text.splitlines(keepends=True)
    headers = [number for number, line in enumerate(lines) if line.strip().startswith("[[known]]")]
    for index, paths in widened.items():
        number = next(n for n in range(headers[index], len(lines)) if lines[n].startswith("path = "))
        lines[number] = f"path = {json.dumps(list(paths))}\n"
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.judging.draft_known",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--paths", help="only these routes, comma-separated")
    parser.add_argument("--widen", action="store_true", help="add new routes to their siblings' entries first")
    options = parser.parse_args(argv)
    documents = [read(file) for file in options.files]
    documents.sort(key=lambda document: version_key(file_versions(document)[2]))
    if options.widen:
        widened = widen(documents, known_failures.load())
        text = known_failures.KNOWN_FAILURES_FILE.read_text()
        known_failures.KNOWN_FAILURES_FILE.write_text(rewrite_paths(text, widened))
        print(f"widened {len(widened)} entries: " + "; ".join(" ".join(p) for p in widened.values()))
        return 0
    print("\n".join(draft(documents, set(options.paths.split(",")) if options.paths else None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
