"""Which route to use, per case and rolled up per family, per Keras generation and OpenCV version: the check
command's choice (conformance/advice.py) over the merged table. Pure.

A Keras generation pools the TF versions that ship it (Keras 2: TF <= 2.15 or tf-keras; Keras 3: TF >= 2.16): a
route passes for it on an OpenCV version when it passes on every TF version of the generation measured there, so
the advice holds whichever of them a user has. Only export routes are advised (advice.ROUTE_ORDER: blobFromImage is
none). A family's entry is the route that passes for the most of its cases (advice.common).
"""
from __future__ import annotations

from typing import Any

from conformance import advice
from reports.builder.envs import version_key
from reports.builder.model import Table

GENERATIONS = ("Keras 2", "Keras 3")
Pooled = dict[tuple[str, str], dict[str, dict[advice.Column, list[str]]]]  # (case, generation) -> opencv -> ...


def route_advice(table: Table) -> dict[str, list[dict[str, Any]]]:
    """{"cases": [...], "families": [...]}: one entry per case (family) x Keras generation x OpenCV version where
    it was measured, in table order, then generation, then version."""
    lines = case_lines(table)
    versions = {generation: sorted({opencv for (_, _, gen), line in lines.items() if gen == generation
                                    for opencv, _ in line}, key=version_key) for generation in GENERATIONS}
    cases = [{"family": family, "case": case, "keras": generation, **_choice(choice)}
             for (family, case, generation), line in lines.items() for choice in advice.advise(line)]
    families = []
    for family, family_cases in table.families:
        for generation in GENERATIONS:
            for opencv in versions[generation]:
                prefixes = [_up_to(lines[(family, case, generation)], opencv) for case in family_cases
                            if (family, case, generation) in lines]
                prefixes = [line for line in prefixes if line]
                if prefixes:
                    common = advice.common(prefixes)
                    families.append({"family": family, "keras": generation, **_choice(common.choice),
                                     "covered": common.covered, "measured": common.measured})
    return {"cases": cases, "families": families}


def case_lines(table: Table) -> dict[tuple[str, str, str], advice.Line]:
    """(family, case, generation) -> the case's statuses per OpenCV version (oldest first), each (route, engine)
    combined over the generation's TF versions; only the versions where the case was measured."""
    pooled = _pooled(table)
    return {(family, case, generation): [
        (opencv, {column: advice.combined(statuses) for column, statuses in by_version[opencv].items()})
        for opencv in sorted(by_version, key=version_key)]
        for family, case in table.cases() for generation in GENERATIONS
        if (by_version := pooled.get((case, generation)))}


def _pooled(table: Table) -> Pooled:
    """Every route cell's status by case, Keras generation, OpenCV version and (route, engine)."""
    columns = {column.key: column for column in table.columns()}
    pooled: Pooled = {}
    for cell in table.cells:
        if cell.path in advice.ROUTE_ORDER:
            env = columns[cell.column].env
            by_version = pooled.setdefault((cell.case, env.keras_generation), {})
            by_version.setdefault(env.opencv, {}).setdefault((cell.path, columns[cell.column].engine), []).append(
                cell.status)
    return pooled


def _up_to(line: advice.Line, opencv: str) -> advice.Line:
    """The line up to `opencv`, or [] when the case was not measured on it."""
    versions = [version for version, _ in line]
    return line[:versions.index(opencv) + 1] if opencv in versions else []


def _choice(choice: advice.Choice) -> dict[str, Any]:
    return {"opencv": choice.opencv, "route": choice.route, "engine": choice.engine, "since": choice.since,
            "at_risk": list(choice.risks)}
