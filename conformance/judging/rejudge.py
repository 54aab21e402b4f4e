"""Judge measured results files again against today's known_failures.toml, without rerunning anything.

    python -m conformance.judging.rejudge reports/results/*.json            # what is unlisted, stale or now passing
    python -m conformance.judging.rejudge --write reports/results/*.json    # refresh each cell's `known` and `outcome`

It also warns about entries that judge no measured cell: shadowed by an earlier entry, or covering nothing
measured (as array-api-tests warns about xfail ids that match no test): a stale entry is visible.

Statuses and numbers are never touched: only the bookkeeping that depends on the known-failures file, so a
change to that file can be checked against the whole measured matrix in a second, and committed results
stay consistent with it.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from conformance.judging import known_failures
from conformance.judging.cell import Cell, Judge
from conformance.results import committed, read, to_text
from model_zoo.store import write_atomically
from model_zoo.versions import tensorflow_version


def file_versions(document: dict[str, Any]) -> known_failures.Versions:
    """(TF, Keras in use, OpenCV) of a results file."""
    tf_side = document["tf_side"]
    return tensorflow_version(tf_side), tf_side["keras_in_use"], document["opencv_side"]["opencv"]


def rejudge(document: dict[str, Any], entries: list[known_failures.KnownFailure]) -> list[dict[str, Any]]:
    """Update every cell's `known` and `outcome` in place; return the cells that would fail a run."""
    judge = Judge(entries, file_versions(document))
    failing = []
    for cell in document["cells"]:
        judgement = judge(Cell(cell["case"], cell["path"], cell.get("engine", "")), cell["status"])
        cell["known"] = judgement.known
        cell["outcome"] = judgement.kind
        if not judgement.ok:
            failing.append(cell)
    return failing


def unused_entries(documents: list[dict[str, Any]], entries: list[known_failures.KnownFailure]
                   ) -> list[tuple[known_failures.KnownFailure, known_failures.KnownFailure | None]]:
    """Entries that judge no measured cell, each with the earlier entry that takes the first cell it covers
    (shadowed) or None (it covers no measured cell: stale, or beyond what was measured). Entries over fuzzed
    configurations only (case patterns `fuzz-*`) judge the fuzz tests, not results files, and are left out."""
    first_matches: dict[str, known_failures.KnownFailure] = {}
    measured = []
    for document in documents:
        judge = Judge(entries, file_versions(document))
        for cell in document["cells"]:
            key = Cell(cell["case"], cell["path"], cell.get("engine", ""))
            measured.append((key, judge.versions))
            if (entry := judge.entry(key)) is not None:
                first_matches.setdefault(entry.id, entry)
    unused, index = [], known_failures.Index(entries)
    for entry in entries:
        if entry.id in first_matches or all(pattern.startswith("fuzz-") for pattern in entry.case):
            continue
        covered = next(((cell, versions) for cell, versions in measured if entry.matches(cell.key, versions)), None)
        unused.append((entry, None if covered is None else index.find(covered[0].key, covered[1])))
    return unused


def unused_lines(unused: list[tuple[known_failures.KnownFailure, known_failures.KnownFailure | None]],
                 entries: list[known_failures.KnownFailure]) -> list[str]:
    """One warning per entry that judges nothing, naming it by id and place in the file."""
    place = {entry.id: index for index, entry in enumerate(entries, start=1)}
    lines = []
    for entry, shadow in unused:
        what = (f"shadowed by the earlier entry {shadow.id} (entry {place[shadow.id]})" if shadow is not None
                else "covers no measured cell")
        lines.append(f"warning: known failure {entry.id} (entry {place[entry.id]}: case {', '.join(entry.case)}; "
                     f"path {', '.join(entry.path)}) {what}")
    return lines


def unmarked_nondeterminism(document: dict[str, Any], entries: list[known_failures.KnownFailure]) -> list[str]:
    """One warning per nondeterministic cell (a second run in a fresh worker told otherwise) whose known-failure
    entry does not say so (`flaky`)."""
    judge = Judge(entries, file_versions(document))
    lines = []
    for cell in document["cells"]:
        rerun = cell.get("rerun")
        entry = judge.entry(Cell(cell["case"], cell["path"], cell.get("engine", ""))) if rerun else None
        if rerun and not (entry is not None and entry.flaky):
            lines.append(f"warning: {document['env']} {cell['case']} via {cell['path']}"
                         f"{' (' + cell['engine'] + ')' if cell.get('engine') else ''} is nondeterministic "
                         f"({cell['status']}, then {rerun['status']} in a fresh worker) but its entry "
                         f"{entry.id if entry else '(none)'} is not flaky")
    return lines


def report(failing: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Failing cells grouped by outcome, path, engine, status and error, each group with its cases and envs."""
    groups: dict[tuple[str, ...], dict[str, set[str]]] = defaultdict(lambda: {"cases": set(), "envs": set()})
    for env, cells in failing.items():
        for cell in cells:
            key = (cell["outcome"], cell["path"], cell.get("engine", ""), cell["status"], cell["error"][:160])
            groups[key]["cases"].add(cell["case"])
            groups[key]["envs"].add(env)
    lines = []
    for (outcome, path, engine, status, error), found in sorted(groups.items()):
        lines.append(f"{outcome}: {path}{f' ({engine})' if engine else ''} {status}: {error}")
        lines.append(f"    envs : {' '.join(sorted(found['envs']))}")
        lines.append(f"    cases: {' '.join(sorted(found['cases']))}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.judging.rejudge", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--write", action="store_true", help="write the refreshed judgement into the files")
    options = parser.parse_args(argv)
    entries = known_failures.load()
    failing, documents, warnings = {}, [], []
    for file in options.files:
        try:
            document = read(file)
        except (OSError, ValueError) as error:
            print(f"skipped {file}: {error}", file=sys.stderr)
            continue
        if document.get("not_installable"):
            continue
        failing[document["env"]] = rejudge(document, entries)
        warnings += unmarked_nondeterminism(document, entries)
        documents.append(document)
        if options.write:
            write_atomically(file, to_text(committed(document)))
    print("\n".join(report(failing) + unused_lines(unused_entries(documents, entries), entries) + warnings))
    total = sum(len(cells) for cells in failing.values())
    print(f"{total} cells in {sum(bool(c) for c in failing.values())} of {len(failing)} envs would fail a run")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
