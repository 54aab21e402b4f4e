"""The results file `reports/results/<env>.json`: versions of both sides and one record per cell.

Rewritten atomically after every cell, so an interrupted run keeps what it measured (`complete` stays false).
"""
from __future__ import annotations

import datetime
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.verdict import summarize

SCHEMA_VERSION = 1


@dataclass
class CellRecord:
    case: str
    path: str
    family: str
    status: str
    stage: str
    error: str
    metrics: dict[str, float] | None
    tolerance: float
    known: dict[str, str] | None  # the known-failure entry that covers the cell: status, reason, link
    outcome: str  # pass | known | unexpected-failure | now-passes | fails-differently
    seconds: dict[str, float] = field(default_factory=dict)
    export_cached: bool = False


@dataclass
class ResultsFile:
    """Collects cell records for one env and keeps the file on disk up to date."""

    file: Path
    env: str
    tf_side: dict[str, Any]
    opencv_side: dict[str, Any]
    requested: dict[str, Any]
    selection: str | None = None
    cells: list[CellRecord] = field(default_factory=list)
    started: str = field(default_factory=lambda: datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"))

    def add(self, record: CellRecord) -> None:
        self.cells.append(record)
        self.write(complete=False)

    def document(self, complete: bool) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "env": self.env,
            "started": self.started,
            "complete": complete,
            "selection": self.selection,
            "requested": self.requested,
            "tf_side": self.tf_side,
            "opencv_side": self.opencv_side,
            "summary": summarize([(c.path, c.status) for c in self.cells]),
            "cells": [vars(c) for c in self.cells],
        }

    def write(self, complete: bool) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.file.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(self.document(complete), indent=1, sort_keys=False) + "\n")
        os.replace(temporary, self.file)


def read(file: Path) -> dict[str, Any]:
    """Load a results file, refusing schemas this code does not know."""
    document = json.loads(file.read_text())
    if document.get("schema") != SCHEMA_VERSION:
        raise ValueError(f"{file}: results schema {document.get('schema')!r}, this code reads {SCHEMA_VERSION}")
    return document
