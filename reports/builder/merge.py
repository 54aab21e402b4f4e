"""Merge upgraded results documents and the list of expected envs into one Table. Pure: dicts in, Table out.

On OpenCV 5.x a cell runs once per reader engine, except the cells that use no reader (blobFromImage, family
`preprocessing`): those hold for every engine and are shown under each, so the env's columns are its engines and
no column holds only some families.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from conformance.matrix import Pair
from reports.builder.envs import engine_sort_key, env_sort_key, minor_version
from reports.builder.model import Cell, Env, Table


@dataclass(frozen=True)
class ExpectedEnv:
    """An env the matrix defines; `not_installable` is the matrix's reason when its pair cannot be installed."""

    name: str
    not_installable: str | None = None


def merge(documents: Sequence[dict[str, Any]], expected: Sequence[ExpectedEnv] = ()) -> tuple[Table, list[str]]:
    """One Table from results documents (schema 2) and expected envs; the problems met, one line each."""
    problems: list[str] = []
    measured: dict[str, tuple[Env, list[Cell]]] = {}
    for document in documents:
        name = _env_name(document)
        if name in measured:
            problems.append(f"{document.get('source', name)}: env {name} already read from "
                            f"{measured[name][0].source}; skipped")
            continue
        cells, duplicates = _cells(document, name)
        if duplicates:
            problems.append(f"{document.get('source', name)}: {duplicates} duplicate cell(s); the last one kept")
        engines = column_engines(cells)
        measured[name] = (_measured_env(document, name, engines), under_engines(cells, engines))
    envs = [env for env, _ in measured.values()]
    envs += [_expected_env(wanted) for wanted in _unique(expected) if wanted.name not in measured]
    envs.sort(key=lambda env: env_sort_key(env.name, env.tf, env.opencv, env.keras2))
    cells_in_env_order = [cell for env in envs if env.name in measured for cell in measured[env.name][1]]
    return Table(
        envs=tuple(envs),
        families=_families(cells_in_env_order),
        paths=tuple(dict.fromkeys(cell.path for cell in cells_in_env_order)),
        cells=tuple(cells_in_env_order),
    ), problems


def _env_name(document: dict[str, Any]) -> str:
    name = document.get("env")
    if isinstance(name, str) and name:
        return name
    return str(document.get("source", "unnamed")).removesuffix(".json")


def column_engines(cells: Sequence[Cell]) -> tuple[str, ...]:
    """An env's column engines in order: its cells' engines, without "" when it has others (OpenCV 5.x)."""
    engines = sorted({cell.engine for cell in cells}, key=engine_sort_key)
    return tuple(engine for engine in engines if engine or len(engines) == 1)


def under_engines(cells: Sequence[Cell], engines: Sequence[str]) -> list[Cell]:
    """The cells, each one without an engine shown under every engine column (in place, in engine order)."""
    if "" in engines:
        return list(cells)
    return [placed for cell in cells
            for placed in ([replace(cell, shown_under=engine) for engine in engines] if not cell.engine else [cell])]


def _measured_env(document: dict[str, Any], name: str, engines: tuple[str, ...]) -> Env:
    tf_side = document.get("tf_side") if isinstance(document.get("tf_side"), dict) else {}
    opencv_side = document.get("opencv_side") if isinstance(document.get("opencv_side"), dict) else {}
    parsed = Pair.parse(name)
    reason = document.get("not_installable")
    return Env(
        name=name,
        tf=parsed.tf if parsed else minor_version(str(tf_side.get("tensorflow-cpu") or tf_side.get("tensorflow", ""))),
        opencv=parsed.opencv if parsed else minor_version(str(opencv_side.get("opencv", ""))),
        keras2=parsed.keras2 if parsed else False,
        engines=engines,
        complete=document.get("complete") is True,
        not_installable=str(reason) if reason else None,
        started=str(document.get("started") or ""),
        selection=document.get("selection") if isinstance(document.get("selection"), str) else None,
        source=str(document.get("source", "")),
        tf_side=tf_side,
        opencv_side=opencv_side,
    )


def _expected_env(wanted: ExpectedEnv) -> Env:
    parsed = Pair.parse(wanted.name)
    return Env(
        name=wanted.name,
        tf=parsed.tf if parsed else "",
        opencv=parsed.opencv if parsed else "",
        keras2=parsed.keras2 if parsed else False,
        missing=wanted.not_installable is None,
        not_installable=wanted.not_installable,
    )


def _cells(document: dict[str, Any], env: str) -> tuple[list[Cell], int]:
    """The document's cells as Cells, one per (case, path, engine), the last record winning; and the duplicates."""
    by_key: dict[tuple[str, str, str], Cell] = {}
    for record in document.get("cells", []):
        cell = _cell(record, env)
        by_key[(cell.case, cell.path, cell.engine)] = cell
    return list(by_key.values()), len(document.get("cells", [])) - len(by_key)


def _cell(record: dict[str, Any], env: str) -> Cell:
    known, blame = record.get("known"), record.get("blame")
    tolerance = record.get("tolerance")
    return Cell(
        case=record["case"],
        family=record.get("family") or "other",
        path=record["path"],
        env=env,
        engine=record.get("engine", ""),
        status=record["status"],
        stage=record.get("stage", ""),
        error=record.get("error", ""),
        metrics=record.get("metrics"),
        tolerance=float(tolerance) if isinstance(tolerance, int | float) and not isinstance(tolerance, bool) else None,
        outcome=record.get("outcome", ""),
        known_reason=str(known.get("reason", "")) if isinstance(known, dict) else "",
        known_link=str(known.get("link", "")) if isinstance(known, dict) else "",
        blame=str(blame.get("blame", "")) if isinstance(blame, dict) else "",
        blame_evidence=str(blame.get("evidence", "")) if isinstance(blame, dict) else "",
        rerun=str(record["rerun"].get("status", "")) if isinstance(record.get("rerun"), dict) else "",
    )


def _families(cells: list[Cell]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Families in order of first appearance, each with its cases in order of first appearance."""
    family_of: dict[str, str] = {}
    for cell in cells:
        family_of.setdefault(cell.case, cell.family)
    grouped: dict[str, list[str]] = {}
    for case, family in family_of.items():
        grouped.setdefault(family, []).append(case)
    return tuple((family, tuple(cases)) for family, cases in grouped.items())


def _unique(expected: Sequence[ExpectedEnv]) -> list[ExpectedEnv]:
    """The first entry of each name."""
    first: dict[str, ExpectedEnv] = {}
    for wanted in expected:
        first.setdefault(wanted.name, wanted)
    return list(first.values())
