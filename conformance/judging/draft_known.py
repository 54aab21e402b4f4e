"""Draft known-failure entries for the cells of measured results files that no entry covers yet.

    python -m conformance.judging.draft_known reports/results/*.json [--paths tflite-int8,onnx-opset18] >> draft.toml
    python -m conformance.judging.draft_known --widen reports/results/*.json   # first: siblings that fail alike
    python -m conformance.judging.draft_known --widen-tf reports/results/*.json   # new TF sides that fail alike
    python -m conformance.judging.draft_known --flaky reports/results/*.json   # entries of nondeterministic cells

`--widen` handles a new route that fails exactly like an older one: for each entry of a sibling route (SIBLINGS:
the same converter at another opset or entry point), the new route is added to the entry's `path` when every
measured cell of it that the entry would then judge has the entry's status, and nothing else changes; it
rewrites known_failures.toml in place and prints what it added. `--widen-tf` does the same for a newly measured
TF side: an entry's TF range is stretched to the next measured TF minor when every cell it would then judge
there has the entry's status.

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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from packaging.specifiers import SpecifierSet

from conformance.judging import known_failures
from conformance.judging.rejudge import file_versions, rejudge
from conformance.matrix import OPENCV_VERSIONS, version_key
from conformance.results import read

NUMBERS = re.compile(r"\d+(\.\d+)?(e-?\d+)?")
SOURCE_PATH = re.compile(r"\S*/modules/dnn/src/")  # OpenCV's build folder, the same for every error of a file
NODE_NAMES = re.compile(r'"[^"]*/[^"]*"|onnx_node![^)\s]*')  # a graph's node names differ from case to case


def error_shape(error: str) -> str:
    """What tells two failures apart: the first error line without numbers, OpenCV's source path and the graph's
    node names, which every error of a file shares or every case has its own of."""
    return NUMBERS.sub("N", NODE_NAMES.sub("…", SOURCE_PATH.sub("", error.splitlines()[0] if error else "")))[:160]


def generation(keras: str) -> str:
    return "<3" if keras.startswith("2.") else ">=3,<3.16"


def minor_of(version: str) -> str:
    return ".".join(version.split(".")[:2])


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
        minor = minor_of(opencv)
        unexpected = {id(cell) for cell in rejudge(document, entries)}
        for cell in document["cells"]:
            column = (generation(keras), minor, cell.get("engine", ""))
            if cell["status"] == "pass":
                passing[(cell["case"], *column)].add(cell["path"])
            if id(cell) in unexpected and cell["status"] != "pass" and (routes is None or cell["path"] in routes):
                failing[(cell["path"], cell["case"], *column, minor_of(tf))] = cell | {"tf": minor_of(tf)}
    # the same route, status and error shape at the same columns of one TF minor -> one entry
    groups: dict[tuple, dict[str, Any]] = {}
    by_cell: dict[tuple, list[tuple]] = defaultdict(list)
    for (route, case, keras, minor, engine, _), cell in failing.items():
        by_cell[(route, case, cell["tf"], cell["status"], error_shape(cell.get("error", "")))].append(
            (keras, minor, engine))
    for (route, case, tf, status, error), columns in by_cell.items():
        group = groups.setdefault((route, status, error, tf, tuple(sorted(columns))),
                                  {"cases": [], "columns": sorted(columns), "example": None, "tf": tf})
        group["cases"].append(case)
        group["example"] = group["example"] or failing[(route, case, *columns[0], tf)]
    lines = []
    for (route, status, *_), group in sorted(groups.items(), key=lambda item: item[0][:2]):
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
                    f"tf = {json.dumps(tf_range(group['tf'], group['tf']))}", f"keras = {json.dumps(keras)}",
                    f'opencv = ">={first},<{upper(last)}"', f"status = {json.dumps(status)}",
                    f"reason = {json.dumps(reason)}"]
    return out


Cell = tuple[tuple[str, str, str], dict[str, Any], known_failures.Versions]  # (case, route, engine), cell, versions
Cells = dict[str, list[Cell]]  # route -> its measured cells that can fail (n/a cells are never an entry's)


def measured_cells(documents: list[dict[str, Any]]) -> Cells:
    cells: Cells = defaultdict(list)
    for document in documents:
        versions = file_versions(document)
        for cell in document["cells"]:
            if cell["status"] != known_failures.NOT_APPLICABLE:
                cells[cell["path"]].append(((cell["case"], cell["path"], cell.get("engine", "")), cell, versions))
    return cells


class Coverage:
    """Which entry judges each measured cell (the first entry covering it), kept as entries grow in place."""

    def __init__(self, entries: list[known_failures.KnownFailure], cells: Cells):
        self.entries, self.cells = entries, cells
        self.first: dict[int, int | None] = {}  # id(cell) -> index of its entry, per route when first needed
        self._index: known_failures.Index | None = None  # of the entries as they are now

    def of_route(self, route: str) -> list[Cell]:
        found = self.cells[route]
        if found and id(found[0][1]) not in self.first:
            place = {id(entry): index for index, entry in enumerate(self.entries)}
            self._index = self._index or known_failures.Index(self.entries)
            self.first.update((id(cell), place.get(id(self._index.find(key, versions))))
                              for key, cell, versions in found)
        return found

    def grow(self, candidate_of: Callable[[known_failures.KnownFailure], known_failures.KnownFailure | None]
             ) -> dict[int, known_failures.KnownFailure]:
        """Replace entries by their wider candidate where every measured cell the candidate would judge has the
        entry's status (a flaky entry's pass included) and it judges at least one failure no entry judged before;
        returns index -> new entry.

        The first entry covering a cell judges it, so a candidate judges the cells it covers whose entry today
        stands at or after it, or that none covers."""
        grown: dict[int, known_failures.KnownFailure] = {}
        for index, entry in enumerate(self.entries):
            candidate = candidate_of(entry)
            if candidate is None:
                continue
            judged = [(cell, versions) for route in list(self.cells)
                      if any(fnmatch.fnmatchcase(route, p) for p in candidate.path)
                      for key, cell, versions in self.of_route(route)
                      if self.first[id(cell)] is None or self.first[id(cell)] >= index
                      if candidate.matches(key, versions)]
            new = [cell for cell, _ in judged if self.first[id(cell)] is None]
            if (any(cell["status"] != "pass" for cell in new)
                    and all(known_failures.judge(cell["status"], candidate, versions[2]).ok
                            for cell, versions in judged)):
                self.entries[index] = grown[index] = candidate
                self._index = None
                self.first |= {id(cell): index for cell, _ in judged}
        return grown


SIBLINGS = {
    "tf-frozen-grappler": ("tf-frozen-ours", "tf-frozen"),
    **{route: ("onnx-keras",) for route in ("onnx-opset13", "onnx-opset18", "onnx-simplified", "onnx-keras-export")},
    **{route: ("tflite-concrete-batch1",) for route in
       ("tflite-keras", "tflite-savedmodel", "tflite-litert", "tflite-float16", "tflite-dynamic-range", "tflite-int8")},
}


def widen_routes(coverage: Coverage) -> dict[int, Any]:
    """New routes added to the entries of their siblings (SIBLINGS) that they fail exactly like."""
    widened: dict[int, known_failures.KnownFailure] = {}
    for route, siblings in SIBLINGS.items():
        def with_route(entry: known_failures.KnownFailure, route: str = route, siblings: tuple = siblings):
            covers = lambda name: any(fnmatch.fnmatchcase(name, p) for p in entry.path)  # noqa: E731
            if covers(route) or not any(covers(sibling) for sibling in siblings):
                return None
            return dataclasses.replace(entry, path=(*entry.path, route))
        widened |= coverage.grow(with_route)
    return widened


def tf_range(first: str, last: str) -> str:
    return f">={first},<{upper(last)}"


def widen_tf(coverage: Coverage) -> dict[int, Any]:
    """Entries' TF ranges stretched, one measured TF minor at a time, over the newly measured TF sides that fail
    exactly like them (ranges stay over measured versions: see the header of known_failures.toml)."""
    measured = sorted({minor_of(versions[0]) for found in coverage.cells.values()
                       for *_, versions in found}, key=version_key)

    def stretched(entry: known_failures.KnownFailure, step: int) -> known_failures.KnownFailure | None:
        covered = [index for index, tf in enumerate(measured) if tf in SpecifierSet(entry.tf)]
        if not entry.tf or not covered:
            return None
        first, last = min(covered), max(covered)
        first, last = (first - 1, last) if step < 0 else (first, last + 1)
        if first < 0 or last >= len(measured):
            return None
        return dataclasses.replace(entry, tf=tf_range(measured[first], measured[last]))

    widened: dict[int, known_failures.KnownFailure] = {}
    for _ in measured:
        more = coverage.grow(lambda entry: stretched(entry, -1)) | coverage.grow(lambda e: stretched(e, 1))
        if not more:
            break
        widened |= more
    return widened


def nondeterministic(documents: list[dict[str, Any]],
                     entries: list[known_failures.KnownFailure]) -> dict[int, known_failures.KnownFailure]:
    """The entries judging a nondeterministic cell (a second run in a fresh worker told otherwise: its `rerun`)
    that do not say so yet, marked flaky with every failing status such cells gave and the OpenCV minors where
    one of them passed; index -> new entry."""
    place = {id(entry): index for index, entry in enumerate(entries)}
    marked: dict[int, known_failures.KnownFailure] = {}
    lookup = known_failures.Index(entries)
    for document in documents:
        versions = file_versions(document)
        for cell in (cell for cell in document["cells"] if cell.get("rerun")):
            entry = lookup.find((cell["case"], cell["path"], cell.get("engine", "")), versions)
            if entry is not None:
                index = place[id(entry)]
                current = marked.get(index, entry)
                measured = (cell["status"], cell["rerun"]["status"])
                statuses = dict.fromkeys((*current.statuses, *(status for status in measured if status != "pass")))
                passed = (*current.passed, minor_of(versions[2])) if "pass" in measured else current.passed
                marked[index] = dataclasses.replace(current, flaky=True, status=" | ".join(statuses),
                                                    passed=tuple(sorted(set(passed), key=version_key)))
    return {index: entry for index, entry in marked.items() if entry != entries[index]}


def rewrite(text: str, changed: dict[int, known_failures.KnownFailure], *fields: str) -> str:
    """known_failures.toml with the `fields` lines of each changed entry (0-based, in file order) replaced, or
    added after its status line where it has none (an empty list adds none)."""
    lines = text.splitlines(keepends=True)
    headers = [number for number, line in enumerate(lines) if line.strip().startswith("[[known]]")] + [len(lines)]
    for index in sorted(changed, reverse=True):  # from the end: insertions leave earlier entries' lines in place
        entry, block = changed[index], range(headers[index], headers[index + 1])
        for field in fields:
            value = getattr(entry, field)
            if field == "status":
                value = list(entry.statuses) if len(entry.statuses) > 1 else entry.status
            line = f"{field} = {json.dumps(list(value) if isinstance(value, tuple) else value)}\n"
            found = [n for n in block if lines[n].startswith(f"{field} = ")]
            if not found and value == ():  # an empty list is the default: no line for it
                continue
            if found:
                lines[found[0]] = line
            else:
                lines.insert(next(n for n in block if lines[n].startswith("status = ")) + 1, line)
                block = range(block.start, block.stop + 1)
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.judging.draft_known",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--paths", help="only these routes, comma-separated")
    parser.add_argument("--widen", action="store_true", help="add new routes to their siblings' entries first")
    parser.add_argument("--widen-tf", action="store_true",
                        help="stretch entries' TF ranges over newly measured TF sides that fail alike")
    parser.add_argument("--flaky", action="store_true",
                        help="mark flaky the entries of cells measured nondeterministic, with every status they gave")
    options = parser.parse_args(argv)
    documents = [read(file) for file in options.files]
    documents.sort(key=lambda document: version_key(file_versions(document)[2]))
    if options.widen or options.widen_tf or options.flaky:
        entries, text = known_failures.load(), known_failures.KNOWN_FAILURES_FILE.read_text()
        if options.flaky:
            changed, fields = nondeterministic(documents, entries), ("status", "flaky", "passed")
        else:
            widen, fields = (widen_routes, ("path",)) if options.widen else (widen_tf, ("tf",))
            changed = widen(Coverage(entries, measured_cells(documents)))
        known_failures.KNOWN_FAILURES_FILE.write_text(rewrite(text, changed, *fields))
        print(f"changed the {' and '.join(fields)} of {len(changed)} entries")
        return 0
    print("\n".join(draft(documents, set(options.paths.split(",")) if options.paths else None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
