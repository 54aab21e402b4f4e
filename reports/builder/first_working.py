"""The first OpenCV version that works: per case x path, per TF version (and Keras 2 variant), per engine. Pure.

The OpenCV axis of one TF version runs through its envs in version order. OpenCV 4.x has one reader (engine
""); on 5.x each engine is its own line, so the line of engine "new" is 4.9, 4.10, ..., 5.0 new. After the
first pass, a version that fails again is a regression. Versions of the matrix with no measurement below the
first pass are listed, since the true first version may be one of them.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from reports.builder.envs import column_key, engine_sort_key
from reports.builder.model import Env, Table

Point = tuple[str, str | None]  # (OpenCV version, status or None when not measured)


def first_pass(points: Sequence[Point]) -> dict[str, Any]:
    """From statuses in OpenCV order: the first passing version, the later versions that fail again, and the
    unmeasured versions below the first pass (all unmeasured ones when nothing passes)."""
    first = next((index for index, (_, status) in enumerate(points) if status == "pass"), None)
    below = points if first is None else points[:first]
    return {
        "first_pass": None if first is None else points[first][0],
        "fails_again": [] if first is None else [
            version for version, status in points[first + 1:] if status is not None and status != "pass"],
        "unmeasured_below": [version for version, status in below if status is None],
    }


def first_working(table: Table) -> list[dict[str, Any]]:
    """One entry per path x case x TF series x engine line, in table order."""
    statuses = table.status_index()
    entries = []
    series_list = _series(table.envs)
    for path in table.paths:
        for family, case in table.cases():
            for series_envs in series_list:
                for line in _engine_lines(series_envs):
                    points = [(opencv, statuses.get((path, case, key)) if key else None)
                              for opencv, key in _line_columns(series_envs, line)]
                    if all(status is None for _, status in points):
                        continue
                    entries.append({
                        "path": path, "family": family, "case": case,
                        "tf": series_envs[0].tf, "keras2": series_envs[0].keras2, "engine": line,
                        **first_pass(points),
                    })
    return entries


def _series(envs: Sequence[Env]) -> list[list[Env]]:
    """Envs grouped by (TF, Keras 2), keeping env order; only groups with measured cells."""
    grouped: dict[tuple[str, bool], list[Env]] = {}
    for env in envs:
        if env.tf and env.opencv:
            grouped.setdefault((env.tf, env.keras2), []).append(env)
    return [group for group in grouped.values() if any(env.has_data for env in group)]


def _engine_lines(series_envs: Sequence[Env]) -> list[str]:
    engines = {engine for env in series_envs for engine in env.engines if engine}
    return sorted(engines, key=engine_sort_key) or [""]


def _line_columns(series_envs: Sequence[Env], line: str) -> Iterator[tuple[str, str | None]]:
    """(OpenCV version, column key or None) along one engine line."""
    for env in series_envs:
        engines = [engine for engine in env.engines if engine in ("", line)]
        if not engines:
            yield env.opencv, None
        for engine in engines:
            yield env.opencv, column_key(env.name, engine)
