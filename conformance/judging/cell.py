"""A cell's identity and its judgement, for every entry point (the pytest cells, fuzz, preprocessing, rejudge,
the check command): which (case, route, engine) it is, how its status stands against the known failures at the
run's versions, and how a verdict reads in a failure message."""
from __future__ import annotations

from dataclasses import dataclass

from conformance.judging import known_failures
from conformance.judging.verdict import Verdict


@dataclass(frozen=True)
class Cell:
    """One case through one route, read with one OpenCV 5.x engine ("" before OpenCV 5)."""

    case: str
    route: str
    engine: str = ""

    @property
    def key(self) -> known_failures.CellKey:
        return self.case, self.route, self.engine

    @property
    def id(self) -> str:
        """The test id and bundle folder name: `<case>-<route>[-<engine>]`."""
        return "-".join(filter(None, self.key))

    @property
    def markers(self) -> tuple[str, ...]:
        """pytest marker names of the route and the engine (the family's comes from the case)."""
        return (marker(self.route), *([f"engine_{self.engine}"] if self.engine else []))


def marker(name: str) -> str:
    return name.replace("-", "_")


class Judge:
    """The known failures at one run's (TF, Keras, OpenCV) versions, judging cells' statuses strictly."""

    def __init__(self, entries: list[known_failures.KnownFailure], versions: known_failures.Versions):
        self.entries = entries
        self.versions = versions
        self._index = known_failures.Index(entries)

    def entry(self, cell: Cell) -> known_failures.KnownFailure | None:
        return self._index.find(cell.key, self.versions)

    def __call__(self, cell: Cell, status: str) -> known_failures.Judgement:
        return known_failures.judge(status, self.entry(cell), self.versions[2])


def verdict_lines(verdict: Verdict, judgement: known_failures.Judgement,
                  case_tolerance: float | None = None) -> list[str]:
    """How a failure message states a verdict: status and judgement, error (with the end of a crash's stderr or an
    export's traceback), the numbers."""
    lines = [f"status: {verdict.status}" + (f" at stage {verdict.stage}" if verdict.stage else "")
             + f" -> {judgement.kind}: {judgement.message}"]
    if verdict.error:
        lines.append(f"error: {verdict.error}")
    if verdict.detail and verdict.status in ("crash", "export-error"):  # a crash's stderr, a traceback
        lines.append("detail (last lines):")
        lines.extend(f"  {line}" for line in verdict.detail.splitlines()[-12:])
    if verdict.rerun is not None:
        lines.append(f"nondeterministic: a second run in a fresh worker gave {verdict.rerun.status}"
                     + (f": {verdict.rerun.error}" if verdict.rerun.error else "")
                     + (" (the known-failure entry should say so: flaky = true, both statuses)"
                        if judgement.entry is not None and not judgement.entry.flaky else ""))
    if verdict.metrics is not None:
        m = verdict.metrics
        lines.append(f"max abs {m.max_abs:.3g}, mean abs {m.mean_abs:.3g}, scale {m.scale:.3g}; smallest passing "
                     f"tolerance {m.required_tolerance:.3g}"
                     + ("" if case_tolerance is None else f" (case tolerance {case_tolerance:g})"))
    return lines
