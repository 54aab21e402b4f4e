"""One conformance run: build -> export (cached) -> isolated OpenCV run -> verdict -> known-failure judgement.

Holds the expensive, shared pieces (the OpenCV worker, the artifact store, the results file) for a whole
pytest session; the pytest plugin only parametrizes and reports.
"""
from __future__ import annotations

import functools
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance import matrix
from conformance.evidence import triage
from conformance.judging import known_failures
from conformance.judging.cell import Cell, Judge, verdict_lines
from conformance.judging.verdict import NOT_APPLICABLE, Metrics, Verdict, failed
from conformance.measure import measure, triage_cell, write_cell_bundle
from conformance.opencv.ahead import Ahead
from conformance.opencv.runner import DEFAULT_MEMORY_LIMIT_MB
from conformance.opencv.side import OpenCVSide
from conformance.results import CellRecord, ResultsFile, rerun_fields
from conformance.suite import warm
from model_zoo.case import Case
from model_zoo.export import Route
from model_zoo.store import ArtifactStore, Export, Reference, first_line

# A lane's two workers cost 0.3 to 0.4 CPU-s each to start: worth it for an env's 4841 cells, not for
# `-k upsampling`'s 171 (5.0 to 5.4 s with one lane, 5.8 to 6.1 s with two, in one series of runs).
CELLS_PER_LANE = 1000


@dataclass(frozen=True)
class Settings:
    opencv: str  # requested OpenCV version, "4.9" or exact "4.9.0.80"
    wheel: str
    env_name: str
    results_dir: Path
    cache_dir: Path
    timeout: float
    memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB  # address-space cap of an OpenCV worker (0: none)
    opencv_python: str | None = None  # an interpreter that already has the requested cv2 (skips env creation)
    selection: str | None = None
    resume: bool = False  # take cells already in the results file (of the same versions) instead of rerunning
    bundle_dir: Path | None = None  # a reproducer folder per non-pass cell goes here (None: no bundles)
    keep_scratch: bool = False  # leave the run's scratch folder (inputs and outputs as fed to OpenCV) in place


@dataclass(frozen=True)
class CellResult:
    case: Case
    path: Route
    engine: str
    verdict: Verdict
    judgement: known_failures.Judgement
    export: Export | None
    message: str


def build_or_defect(case: Case) -> Any:
    """The built case, or the export-error verdict (stage `build`) of a case whose builder raises or whose TF
    reference output is not finite: a defect of the case, reported on each of its cells."""
    from model_zoo import build

    try:
        return build.build_case(case)
    except Exception as error:
        return failed("export-error", "build", f"the case could not be built: {first_line(error)}",
                      traceback.format_exc())


def project_relative(folder: Path) -> str:
    """`folder` relative to the working directory (the project, under tox) when inside it, so that results files
    do not depend on where the checkout lives; else absolute."""
    try:
        return folder.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(folder)


class ConformanceSession:
    def __init__(self, settings: Settings):
        from model_zoo import versions

        self.settings = settings
        entries = known_failures.load()
        self.tf_side = versions.tf_side()
        self.tf_version = versions.tensorflow_version(self.tf_side)
        self._scratch = Path(tempfile.mkdtemp(prefix="conformance-"))
        self.opencv = self._new_side("logs", settings.opencv_python)
        self._ahead: Ahead | None = None
        if matrix.engines_for(settings.opencv) != self.opencv.engines:  # the cells were collected for the former
            raise RuntimeError(f"OpenCV {settings.opencv} was asked, but {self.opencv.python} has OpenCV "
                               f"{self.opencv.version}: give --opencv the version it has")
        self.judge = Judge(entries, (self.tf_version, self.tf_side["keras_in_use"], self.opencv.version))
        self._store: ArtifactStore | None = None
        self._built: tuple[str, Any] | None = None
        self.results = ResultsFile(
            settings.results_dir / f"{settings.env_name}.json", settings.env_name, self.tf_side, self.opencv.versions,
            {"opencv": settings.opencv, "wheel": settings.wheel}, settings.selection,
        )
        self.results.carry_previous(resume=settings.resume)

    @property
    def versions_line(self) -> str:
        tf = self.tf_side
        return (f"TF {self.tf_version}, Keras {tf.get('keras_in_use', '?')}, tf2onnx {tf.get('tf2onnx', '-')} | "
                f"{self.opencv.line}")

    def run_cell(self, case: Case, path: Route, engine: str = "") -> CellResult:
        """Measure one cell (with an OpenCV 5.x reader `engine`, or "" for none), record it in the results file,
        and judge it against the known failures."""
        cell = Cell(case.id, path.name, engine)
        if self.settings.resume and (done := self.results.carried_record(cell.key)) is not None:
            return self._resumed(case, path, done)
        started = time.perf_counter()
        verdict, reference, export, seconds, float_metrics = self._measure(case, path, engine)
        triaging = time.perf_counter()
        triaged = {} if verdict.status == NOT_APPLICABLE else self._triage(cell, verdict, reference, path, export)
        if verdict.status not in ("pass", NOT_APPLICABLE):
            seconds["triage"] = round(time.perf_counter() - triaging, 4)
        seconds["cell"] = round(time.perf_counter() - started, 4)
        judgement = self.judge(cell, verdict.status)
        self.results.add(CellRecord(
            case=case.id, path=path.name, family=case.family, status=verdict.status, stage=verdict.stage,
            error=verdict.error, metrics=None if verdict.metrics is None else verdict.metrics.as_dict(),
            tolerance=case.tolerance.max_abs, known=judgement.known,
            outcome=judgement.kind, seconds=seconds, export_cached=export is not None and export.cached,
            detail=verdict.detail, engine=engine, float_metrics=float_metrics, rerun=rerun_fields(verdict.rerun),
            **triaged,
        ))
        return CellResult(case, path, engine, verdict, judgement, export,
                          cell_message(case, path, engine, self.versions_line, verdict, judgement, export, triaged))

    def _measure(self, case: Case, path: Route, engine: str) -> tuple[Verdict, Reference | None, Export | None,
                                                                          dict[str, float], dict[str, float] | None]:
        """The cell's verdict, reference, export, timings and float metrics; TF is imported only if the cache
        lacks the reference or the export."""
        not_offered = path.not_offered(self.tf_side["keras_in_use"])
        if not_offered:
            return Verdict(NOT_APPLICABLE, "export", not_offered), None, None, {}, None
        store = self.artifacts()
        reference, export = store.reference(case), store.cached_export(case, path)
        seconds: dict[str, float] = {}
        if reference is None or export is None:  # only now is TensorFlow needed
            building = time.perf_counter()
            built = self._build(case)
            seconds["build"] = round(time.perf_counter() - building, 4)  # 0 when the previous cell built it
            if isinstance(built, Verdict):  # the case itself is broken: no export, no OpenCV
                return built, reference, export, seconds, None
            reference = reference or store.save_reference(built)
            export = export or store.export(built, path)
        seconds["export"] = round(export.seconds, 4)
        if export.artifact is None:
            return failed("export-error", "export", export.error, export.detail), reference, export, seconds, None
        ahead = None if self._ahead is None else self._ahead.take((case.id, path.name, engine))
        verdict, run_seconds, float_metrics = ahead or measure(self.opencv, reference, path, engine, export,
                                                               self._scratch)
        seconds.update({k: round(v, 4) for k, v in run_seconds.items()})
        return verdict, reference, export, seconds, float_metrics

    def warm_exports(self, cells: list[tuple[Case, Route, str]], jobs: int, say: Callable[[str], None]) -> None:
        """Export what the cells will need and the cache lacks in `jobs` processes at once (at least one: a
        converter that crashes kills an export process, never the run)."""
        needed = warm.missing(self.artifacts(), [(case, path) for case, path, _ in self._to_measure(cells)])
        if needed:
            store = self.artifacts()  # one log folder per TF side: envs of two TF sides may export at once
            warm.export_in_parallel(needed, max(1, jobs), store, self.settings.cache_dir / "logs" / store.root.name,
                                        say)

    def run_ahead(self, cells: list[tuple[Case, Route, str]], lanes: int) -> None:
        """Start running in OpenCV, in `lanes` threads with workers of their own (conformance/opencv/ahead.py),
        the cells whose export is cached, in the order given (the tests'); `run_cell` then takes each result. A
        lane starts two workers (0.3 to 0.4 CPU-s each): a small selection gets one lane."""
        store = self.artifacts()
        todo = self._to_measure(cells)
        lanes = min(lanes, 1 + len(todo) // CELLS_PER_LANE)
        self._ahead = Ahead(lambda lane: self._new_side(f"logs/lane-{lane}", self.opencv.python), lanes)
        for case, path, engine in todo:
            reference, export = store.reference(case), store.cached_export(case, path)
            if reference is not None and export is not None and export.artifact is not None:
                self._ahead.submit((case.id, path.name, engine), functools.partial(
                    measure, built=reference, path=path, engine=engine, export=export, scratch=self._scratch))

    def _to_measure(self, cells: list[tuple[Case, Route, str]]) -> list[tuple[Case, Route, str]]:
        """The cells that this run measures: offered by the TF side, and not carried from an interrupted run."""
        return [(case, path, engine) for case, path, engine in cells
                if not path.not_offered(self.tf_side["keras_in_use"])
                and not (self.settings.resume and self.results.carried_record((case.id, path.name, engine)))]

    def _new_side(self, logs: str, python: str | None) -> OpenCVSide:
        """An OpenCV side of the run's OpenCV (from `python`, else from its cached environment), its worker logs in
        `logs` of the scratch folder."""
        settings = self.settings
        return OpenCVSide(settings.opencv, settings.wheel, settings.cache_dir, settings.timeout, self._scratch / logs,
                          settings.memory_limit_mb, python, files=settings.keep_scratch)

    def _resumed(self, case: Case, path: Route, record: CellRecord) -> CellResult:
        """A cell measured by the interrupted run, judged again against today's known failures."""
        metrics = None if record.metrics is None else Metrics(**record.metrics)
        verdict = Verdict(record.status, record.stage, record.error, metrics, record.detail)
        judgement = self.judge(Cell(*record.key), verdict.status)
        record.known = judgement.known
        record.outcome = judgement.kind
        self.results.add(record)
        triaged = {"blame": record.blame, "divergence": record.divergence, "bundle": record.bundle}
        return CellResult(case, path, record.engine, verdict, judgement, None,
                          cell_message(case, path, record.engine, self.versions_line, verdict, judgement, None,
                                       triaged))

    def _triage(self, cell: Cell, verdict: Verdict, reference: Reference | None, path: Route,
                export: Export | None) -> dict[str, Any]:
        """A non-pass cell's blame, first diverging layer (mismatch cells) and reproducer bundle, as record fields;
        nothing for a pass (whose stale bundle, if any, is removed)."""
        folder = None if self.settings.bundle_dir is None else self.settings.bundle_dir / cell.id
        if verdict.status == "pass":
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            return {}
        triaged = triage_cell(self.opencv, verdict, reference, path, cell.engine, export, self._scratch)
        if folder is not None:
            write_cell_bundle(folder, cell, self.opencv, self.tf_side, verdict, triaged["blame"], reference, path,
                              export)
        return {**triaged, "bundle": "" if folder is None else project_relative(folder)}

    def _build(self, case: Case) -> Any:
        """`build_or_defect(case)`, kept while consecutive cells share it (cells come case by case)."""
        if self._built is None or self._built[0] != case.id:
            self._built = (case.id, build_or_defect(case))
            self._check_keras_in_use()
        return self._built[1]

    def _check_keras_in_use(self) -> None:
        """The Keras that TF really uses must be the one read from package metadata, which keys the cache."""
        from model_zoo.build import keras_version

        if keras_version() != self.tf_side["keras_in_use"]:
            raise RuntimeError(f"TF uses Keras {keras_version()}, but the installed packages said "
                               f"{self.tf_side['keras_in_use']}: see model_zoo.versions.keras_in_use")

    def artifacts(self) -> ArtifactStore:
        """The run's artifact store (the export cache of this TF side)."""
        if self._store is None:
            from model_zoo.versions import cache_key

            self._store = ArtifactStore(self.settings.cache_dir / "artifacts", cache_key(self.tf_side))
        return self._store

    def close(self, complete: bool, write: bool = True) -> None:
        """Stop the workers and write the results file, `complete` if every selected cell ran."""
        if self._ahead is not None:
            self._ahead.close()
        self.opencv.close()
        if write:
            self.results.write(complete=complete)
        if not self.settings.keep_scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)


def cell_message(case: Case, path: Route, engine: str, versions_line: str, verdict: Verdict,
                 judgement: known_failures.Judgement, export: Export | None, triaged: dict[str, Any]) -> str:
    """The failure message of a catalogue cell: what, where, the verdict, triage, and where the artifact is."""
    lines = [f"{case.id} via {path.name}{f' with the {engine} engine' if engine else ''} [{versions_line}]"]
    lines += verdict_lines(verdict, judgement, case.tolerance.max_abs)
    lines.extend(triage.triage_lines(triaged))
    if judgement.entry is not None and judgement.entry.link:
        lines.append(f"upstream: {judgement.entry.link}")
    if export is not None:
        lines.append(f"artifact: {export.folder}")
    elif verdict.status == NOT_APPLICABLE:
        lines.append("not applicable: nothing was exported, nothing run")
    elif verdict.stage == "build":
        lines.append(f"case defect: fix the case {case.id!r} in model_zoo/cases/ (no export was attempted)")
    else:
        lines.append("resumed: measured by the interrupted run, not rerun")
    return "\n".join(lines)
