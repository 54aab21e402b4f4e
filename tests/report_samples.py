"""Tiny hand-made results documents for the report builder's tests (tests/test_report_*.py)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reports.builder.load import upgrade
from reports.builder.merge import ExpectedEnv, merge
from reports.builder.model import Table

STARTED = "2026-11-01T10:00:00+00:00"
STAGES = {"pass": "", "mismatch": "compare", "shape-mismatch": "compare", "export-error": "export",
          "forward-error": "forward"}  # the rest fail at import (or have no stage of their own)


def cell(case: str, path: str, status: str, *, family: str = "conv2d", engine: str | None = "",
         error: str = "", metrics: dict[str, float] | None = None, known: str = "", link: str = "") -> dict[str, Any]:
    """A cell record as conformance/results.py writes it; engine None leaves the field out (schema 1)."""
    record = {
        "case": case, "path": path, "family": family, "status": status,
        "stage": STAGES.get(status, "import"), "error": error, "metrics": metrics, "tolerance": 0.0001,
        "known": {"status": status, "reason": known, "link": link} if known else None,
        "outcome": "known" if known else ("pass" if status == "pass" else "unexpected-failure"),
        "seconds": {"cell": 0.1}, "export_cached": True, "detail": "",
    }
    if engine is not None:
        record["engine"] = engine
    return record


def results(env: str, cells: list[dict[str, Any]], *, schema: int = 2, complete: bool = True,
            not_installable: str | None = None, started: str = STARTED, tf: str = "2.15.1", keras: str = "2.15.0",
            opencv: str = "4.9.0") -> dict[str, Any]:
    """A results document of one env."""
    document = {
        "schema": schema, "env": env, "started": started, "complete": complete, "selection": None,
        "requested": {"opencv": opencv.rsplit(".", 1)[0], "wheel": "opencv-python-headless"},
        "tf_side": {"tensorflow-cpu": tf, "keras": keras, "keras_in_use": keras, "tf2onnx": "1.17.0",
                    "numpy": "1.26.4"},
        "opencv_side": {"opencv": opencv, "wheel": f"opencv-python-headless=={opencv}.80", "numpy": "1.26.4"},
        "carried_cells": 0, "summary": {}, "cells": cells,
    }
    if schema >= 2:
        document["not_installable"] = not_installable
    return document


def write(folder: Path, document: dict[str, Any] | str, name: str | None = None) -> Path:
    """Write a results document (or raw text) as <name or env>.json."""
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / f"{name or document['env']}.json"
    file.write_text(document if isinstance(document, str) else json.dumps(document))
    return file


def table_of(*documents: dict[str, Any], expected: tuple[str, ...] = ()) -> Table:
    """The merged table of these documents, as the builder would make it from files."""
    table, problems = merge([upgrade(document, f"{document['env']}.json") for document in documents],
                            [ExpectedEnv(name) for name in expected])
    assert problems == []
    return table
