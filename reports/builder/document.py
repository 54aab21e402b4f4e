"""The support document (support.json): the merged table and everything computed from it. Pure.

Every renderer reads this document, so the Markdown, the HTML page and the heatmap always agree with the JSON,
and a support.json alone is enough to render them again. Its `schema` is the report's, not the results'.
"""
from __future__ import annotations

import datetime
import json
import math
from typing import Any

from reports.builder.diff import diff_reports, no_baseline
from reports.builder.envs import version_key
from reports.builder.first_working import first_working
from reports.builder.model import Cell, Column, Env, Table
from reports.builder.rates import opencv_rates, pass_rates
from reports.builder.route_advice import route_advice
from reports.builder.statuses import STYLES, UNKNOWN, legend

REPORT_SCHEMA = 1
TITLE = "Keras → OpenCV cv2.dnn support"


def build_document(table: Table, baseline: dict[str, Any] | None = None, baseline_note: str = "") -> dict[str, Any]:
    """support.json's content, the diff against `baseline` (another such document) included."""
    document = {
        "schema": REPORT_SCHEMA,
        "title": TITLE,
        "data": data_summary(table),
        "statuses": legend() + ([{"status": "unknown", **vars(UNKNOWN)}] if _unknown_statuses(table) else []),
        "envs": [env_record(env) for env in table.envs],
        "columns": [column_record(column) for column in table.columns()],
        "paths": list(table.paths),
        "families": [{"family": family, "cases": list(cases)} for family, cases in table.families],
        "cells": [cell_record(cell) for cell in _cells_in_order(table)],
        "pass_rates": pass_rates(table),
        "opencv_rates": opencv_rates(table),
        "first_working": first_working(table),
        "advice": route_advice(table),
    }
    document["diff"] = (diff_reports(baseline, document, baseline_note) if baseline is not None
                        else no_baseline(baseline_note))
    return _finite(document)


def to_json(document: dict[str, Any]) -> str:
    """The document as JSON text: stable, UTF-8, no NaN or Infinity (which JavaScript's JSON.parse rejects).
    Lists of records (cells, envs, ...) hold one record per line, so a diff of two reports reads cell by cell."""
    def dump(value: Any, indent: int | None) -> str:
        return json.dumps(value, indent=indent, ensure_ascii=False, allow_nan=False)

    lines = []
    for key, value in _finite(document).items():
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            text = "[\n" + ",\n".join("  " + dump(item, None) for item in value) + "\n ]"
        else:
            text = dump(value, 1).replace("\n", "\n ")
        lines.append(f" {dump(key, None)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def data_summary(table: Table) -> dict[str, Any]:
    """When the data was measured (from the results files, never the clock), from which files, which versions."""
    measured = [env for env in table.envs if not env.missing]
    starts = sorted((env.started for env in measured if env.started), key=_instant)
    return {
        "date": starts[-1][:10] if starts else "",
        "first_start": starts[0] if starts else "",
        "last_start": starts[-1] if starts else "",
        "files": [env.source for env in measured if env.source],  # in env order
        "versions": {  # of the envs with cells: a not-installable env's sides hold only what was asked for
            "tensorflow": _distinct(env.tf_version for env in measured if env.has_data),
            "keras": _distinct(env.keras_version for env in measured if env.has_data),
            "opencv": _distinct(env.opencv_version for env in measured if env.has_data),
        },
        "env_states": {state: [env.name for env in table.envs if env.state == state]
                       for state in ("complete", "incomplete", "missing", "not installable")},
    }


def env_record(env: Env) -> dict[str, Any]:
    """An env's line in support.json."""
    return {
        "name": env.name, "tf": env.tf, "keras2": env.keras2, "keras": env.keras_version, "opencv": env.opencv,
        "tf_version": env.tf_version, "opencv_version": env.opencv_version, "engines": list(env.engines),
        "state": env.state, "complete": env.complete, "missing": env.missing,
        "not_installable": env.not_installable, "started": env.started, "selection": env.selection,
        "source": env.source, "tf_side": env.tf_side, "opencv_side": env.opencv_side,
    }


def column_record(column: Column) -> dict[str, Any]:
    """A column's line in support.json; `label_parts` are its short header lines."""
    env = column.env
    return {
        "key": column.key, "env": env.name, "engine": column.engine, "tf": env.tf, "keras2": env.keras2,
        "tf_series": env.tf_series, "opencv": env.opencv, "label_parts": column.label_parts,
        "label": " ".join(["/".join(column.label_parts[:2]), *column.label_parts[2:]]), "state": env.state,
        "tf_version": env.tf_version, "keras": env.keras_version, "opencv_version": env.opencv_version,
    }


def cell_record(cell: Cell) -> dict[str, Any]:
    """A cell's line in support.json."""
    return {
        "path": cell.path, "family": cell.family, "case": cell.case, "env": cell.env, "engine": cell.engine,
        "column": cell.column, "status": cell.status, "stage": cell.stage, "error": cell.error,
        "metrics": cell.metrics, "tolerance": cell.tolerance, "outcome": cell.outcome,
        "known_reason": cell.known_reason, "known_link": cell.known_link,
        "blame": cell.blame, "blame_evidence": cell.blame_evidence,
        **({"rerun": cell.rerun} if cell.rerun else {}),
    }


def _cells_in_order(table: Table) -> list[Cell]:
    """Path, then family and case, then column order."""
    path_rank = {path: rank for rank, path in enumerate(table.paths)}
    case_rank = {case: rank for rank, (_, case) in enumerate(table.cases())}
    column_rank = {column.key: rank for rank, column in enumerate(table.columns())}
    return sorted(table.cells, key=lambda cell: (path_rank[cell.path], case_rank[cell.case], column_rank[cell.column]))


def _unknown_statuses(table: Table) -> bool:
    return any(cell.status not in STYLES for cell in table.cells)


def _distinct(versions) -> list[str]:
    return sorted({version for version in versions if version}, key=lambda version: (version_key(version), version))


def _instant(started: str) -> tuple:
    """Sort key of an ISO timestamp (naive ones taken as UTC); text that is not one sorts first, by itself."""
    try:
        moment = datetime.datetime.fromisoformat(started)
    except ValueError:
        return (0, 0.0, started)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return (1, moment.timestamp(), started)


LEAVES = (str, int, bool, type(None))


def _finite(value: Any) -> Any:
    """A copy where non-finite floats are the strings "inf", "-inf", "nan". Strings, integers and None are not
    recursed into: twice as fast on the 45-env document (4.7 s -> 2.4 s)."""
    if isinstance(value, dict):
        return {key: item if type(item) in LEAVES else _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [item if type(item) in LEAVES else _finite(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value
