"""The fuzz tests' cell: build a drawn configuration, export it through one path into the fuzz cache, run it in
the run's OpenCV worker (each reader engine on OpenCV 5), and judge it against the known failures."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conformance.judging import known_failures
from conformance.judging.cell import Cell, Judge, verdict_lines
from conformance.judging.verdict import Verdict, failed
from conformance.measure import measure
from conformance.opencv.side import OpenCVSide
from conformance.suite.strategies import LayerConfig
from model_zoo.export import Route
from model_zoo.store import ArtifactStore

_TALLIES = pytest.StashKey()


@dataclass(frozen=True)
class Finding:
    """One engine's verdict on a drawn configuration, and how it stands against the known failures."""

    engine: str
    verdict: Verdict
    judgement: known_failures.Judgement


@dataclass
class Tally:
    """What one fuzz test met: configurations Keras refused, and verdicts by status and outcome."""

    refused: int = 0
    statuses: Counter = field(default_factory=Counter)

    def count(self, findings: list[Finding]) -> None:
        self.statuses.update(f"{f.verdict.status} ({f.judgement.kind})" for f in findings)


def tally(config: pytest.Config, test: str) -> Tally:
    """The tally of `test`, kept for the run's summary (conformance/suite/conftest.py)."""
    return config.stash.setdefault(_TALLIES, {}).setdefault(test, Tally())


def tallies(config: pytest.Config) -> dict[str, Tally]:
    return config.stash.get(_TALLIES, {})


def fuzz_store(cache_dir: Path, tf_side: dict[str, str]) -> ArtifactStore:
    """The drawn configurations' own cache, `<cache>/fuzz/<TF side>`: the draws' seed is pinned
    (test_fuzz.DRAWS_SEED), so a run draws the configurations of the last one and, warm, neither builds nor exports
    them (nor imports TensorFlow). They never enter the catalogue's export cache, whose pruning knows only
    catalogue cases."""
    from model_zoo.versions import cache_key

    return ArtifactStore(cache_dir / "fuzz", cache_key(tf_side))


def reference_or_refused(store: ArtifactStore, case: Any) -> Any:
    """The configuration's inputs and TF outputs (a cached Reference, else the case built now and its reference
    kept), or None when Keras refuses it (kept too: see build_or_refused)."""
    if store.refused(case):
        return None
    if (reference := store.reference(case)) is not None:
        return reference
    built = build_or_refused(case)
    if built is None:
        store.save_refused(case)
        return None
    store.save_reference(built)
    return built


def build_or_refused(case: Any) -> Any:
    """The built case, or None when Keras (or TF while Keras builds the graph) refuses the configuration, or when
    its output has no element."""
    import tensorflow as tf

    from model_zoo.build import CaseDefect, build_case

    try:
        built = build_case(case)
    except CaseDefect:
        raise  # finite inputs gave a non-finite output: a finding about TF, not a refusal
    except (ValueError, tf.errors.InvalidArgumentError):
        return None
    return None if any(output.size == 0 for output in built.expected) else built


def fuzz_judgement(status: str, entry: known_failures.KnownFailure | None) -> known_failures.Judgement:
    """known_failures.judge, except that a pass under an entry is fine: an entry's pattern describes a class of
    configurations, and a drawn one may escape the failure (the catalogue's cells stay strict)."""
    judgement = known_failures.judge(status, entry)
    if judgement.kind == "now-passes":
        return known_failures.Judgement(True, "pass", f"pass (outside the failure of: {entry.reason})", entry)
    return judgement


def run(opencv: OpenCVSide, judge: Judge, store: ArtifactStore, built: Any, path: Route,
        scratch: Path) -> list[Finding]:
    """Export `built` (a Reference or a BuiltCase) through `path` unless the store has it, run it with each engine
    of the OpenCV side, judge every verdict."""
    export = store.cached_export(built.case, path)
    if export is None:
        from model_zoo.build import build_case

        export = store.export(built if hasattr(built, "model") else build_case(built.case), path)
    findings = []
    for engine in opencv.engines:
        if export.artifact is None:
            verdict = failed("export-error", "export", export.error, export.detail)
        else:
            verdict = measure(opencv, built, path, engine, export, scratch)[0]
        entry = judge.entry(Cell(built.case.id, path.name, engine))
        findings.append(Finding(engine, verdict, fuzz_judgement(verdict.status, entry)))
    return findings


def failure_message(config: LayerConfig, path: Route, findings: list[Finding], versions_line: str) -> str:
    """What failed for which engine, and the configuration as a catalogue case."""
    lines = [f"{config.case_id} via {path.name} [{versions_line}]"]
    for finding in findings:
        lines.append(f"{finding.engine or 'OpenCV'}:")
        lines.extend(f"  {line}" for line in verdict_lines(finding.verdict, finding.judgement))
    lines += ["as a catalogue case (model_zoo/cases/<family>.py), or add a known failure whose case pattern "
              "matches its id:", f"    {config.source()},"]
    return "\n".join(lines)
