"""Read results files and a baseline report: the only module here that reads files.

Every problem becomes a one-line message and the file (or cell) is skipped; nothing here raises on bad input.
Results files are upgraded to schema 3's full cells: schema 1 cells get engine "" and the file `not_installable:
null`; schema 3's compact cells get their defaults back and their known-failure entry's text from its id.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from conformance.judging import known_failures
from conformance.results import expanded, shared_in, with_journal
from conformance.schema import RESULTS_SCHEMA
from reports.builder.diff import unpacked_cells
from reports.builder.document import REPORT_SCHEMA

RESULTS_SCHEMAS = tuple(range(1, RESULTS_SCHEMA + 1))  # every schema conformance.schema has had
NEWEST_RESULTS_SCHEMA = RESULTS_SCHEMAS[-1]
REQUIRED_CELL_FIELDS = ("case", "path", "status")
TEXT_CELL_FIELDS = ("family", "stage", "error", "outcome", "engine")


class SkippedFile(Exception):
    """A file that cannot be used; the message says which file and why."""


def read_results_dir(results_dir: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Every usable `<env>.json` in the folder (by file name), upgraded to schema 2, and the problems met."""
    if not results_dir.is_dir():
        return [], [f"{results_dir}: no such results folder; no results to merge"]
    files = sorted(results_dir.glob("*.json"))
    if not files:
        return [], [f"{results_dir}: no results files (*.json) in it"]
    documents, problems = [], []
    for file in files:
        try:
            document = with_journal(upgrade(_read_json(file), file.name), file)  # a run going on or killed
        except SkippedFile as skipped:
            problems.append(str(skipped))
            continue
        cells, cell_problems = _usable_cells(document["cells"], file.name)
        problems += cell_problems
        documents.append({**document, "cells": cells})
    return documents, problems


def upgrade(document: Any, source: str) -> dict[str, Any]:
    """A results document in schema 2, with `source` (the file name) added; SkippedFile if it is not one."""
    if not isinstance(document, dict):
        raise SkippedFile(f"{source}: not a results file (the top level is not a JSON object); skipped")
    schema = document.get("schema")
    if isinstance(schema, int) and not isinstance(schema, bool) and schema > NEWEST_RESULTS_SCHEMA:
        raise SkippedFile(f"{source}: results schema {schema} is newer than this builder reads "
                          f"({', '.join(map(str, RESULTS_SCHEMAS))}); skipped, update reports/builder")
    if schema not in RESULTS_SCHEMAS or isinstance(schema, bool):
        raise SkippedFile(f"{source}: unknown results schema {schema!r}; skipped")
    cells = document.get("cells")
    if not isinstance(cells, list):
        raise SkippedFile(f"{source}: no list of cells; skipped")
    upgraded = {**document, "schema": NEWEST_RESULTS_SCHEMA, "source": source}
    upgraded.setdefault("not_installable", None)
    if schema == 1:
        upgraded["cells"] = [{**cell, "engine": ""} if isinstance(cell, dict) else cell for cell in cells]
    if schema >= 3:  # compact: fields at their default left out, the known-failure entry named by its id (and, 4,
        # error lines and blames in `shared`)
        upgraded = shared_in(upgraded)
        upgraded["cells"] = [{**expanded(cell), "known": known_record(cell.get("known"))} if isinstance(cell, dict)
                             else cell for cell in upgraded["cells"]]
    return upgraded


@functools.cache
def _known_entries() -> dict[str, known_failures.KnownFailure]:
    return known_failures.by_id(known_failures.load())


def known_record(known: Any) -> dict[str, str] | None:
    """The known-failure entry a compact cell names by id, as older files carried it (status, reason, link); an
    id that known_failures.toml no longer has says so."""
    if not isinstance(known, str) or not known:
        return known if isinstance(known, dict) else None
    entry = _known_entries().get(known)
    if entry is None:
        return {"id": known, "status": "", "link": "",
                "reason": f"{known}: an entry no longer in known_failures.toml "
                          "(python -m conformance.judging.rejudge --write)"}
    return {"id": known, "status": entry.status, "reason": entry.reason, "link": entry.link}


def read_baseline(path: Path | None) -> tuple[dict[str, Any] | None, str]:
    """The previous support.json, or None; and a line saying which baseline it is, or why there is none."""
    if path is None:
        return None, "no baseline: none given"
    shown = path.name if path.is_absolute() else str(path)  # the note goes into the reports: no absolute paths
    if not path.exists():
        return None, f"no baseline: {shown} does not exist"
    try:
        baseline = _read_json(path)
    except SkippedFile as skipped:
        return None, f"no baseline: {str(skipped).removesuffix('; skipped').replace(str(path), shown)}"
    found = baseline.get("schema") if isinstance(baseline, dict) else None
    if found != REPORT_SCHEMA or isinstance(found, bool):
        return None, f"no baseline: {shown} is not a support.json of report schema {REPORT_SCHEMA} (schema {found!r})"
    if "packed_cells" in baseline:  # a committed baseline (reports.builder.baseline)
        try:
            baseline = {**baseline, "cells": unpacked_cells(baseline["packed_cells"])}
        except (KeyError, IndexError, TypeError, ValueError) as error:
            return None, f"no baseline: {shown} has malformed packed cells ({type(error).__name__}: {error})"
    if not isinstance(baseline.get("cells"), list) or not isinstance(baseline.get("columns"), list):
        return None, f"no baseline: {shown} has no list of cells or columns"
    data = baseline.get("data") if isinstance(baseline.get("data"), dict) else {}
    return baseline, f"baseline: {shown}, measured {data.get('date') or 'on an unknown date'}"


def _read_json(file: Path) -> Any:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise SkippedFile(f"{file}: cannot be read ({error.strerror or error}); skipped") from None
    except UnicodeDecodeError:
        raise SkippedFile(f"{file}: not UTF-8 text; skipped") from None
    except json.JSONDecodeError as error:
        raise SkippedFile(f"{file}: invalid or truncated JSON ({error.msg} at line {error.lineno}); skipped") from None


def _usable_cells(cells: list[Any], source: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The cells that name a case, a path and a status (as text), with missing optional fields filled in."""
    usable, skipped = [], 0
    for cell in cells:
        if not isinstance(cell, dict) or not all(isinstance(cell.get(name), str) and cell.get(name)
                                                 for name in REQUIRED_CELL_FIELDS):
            skipped += 1
            continue
        normalized = dict(cell)
        for name in TEXT_CELL_FIELDS:
            if not isinstance(normalized.get(name), str):
                normalized[name] = ""
        if not isinstance(normalized.get("metrics"), dict):
            normalized["metrics"] = None
        usable.append(normalized)
    problems = [f"{source}: {skipped} cell record(s) without case, path or status; skipped"] if skipped else []
    return usable, problems
