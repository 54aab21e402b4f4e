"""One conformance run: build -> export (cached) -> isolated OpenCV run -> verdict -> known-failure judgement.

Holds the expensive, shared pieces (the OpenCV worker, the artifact store, the results file) for a whole
pytest session; the pytest plugin only parametrizes and reports.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from conformance import bundle, known_failures, opencv_env, prefetch, runtime_check, triage
from conformance.layout import to_layout
from conformance.results import CellRecord, ResultsFile
from conformance.runner import DEFAULT_MEMORY_LIMIT_MB, OpenCVRunner, worker_command
from conformance.verdict import NOT_APPLICABLE, Metrics, Verdict, compare, failed
from model_zoo.case import Case
from model_zoo.export import ExportPath
from model_zoo.store import ArtifactStore, Export, Reference, first_line


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


@dataclass(frozen=True)
class CellResult:
    case: Case
    path: ExportPath
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


def cell_id(case: Case, path: ExportPath, engine: str) -> str:
    """The cell's test id: `<case>-<path>[-<engine>]`."""
    return "-".join(filter(None, (case.id, path.name, engine)))


def opencv_feeds(built: Reference | Any, path: ExportPath, export: Export | None) -> list[tuple[str, np.ndarray]]:
    """(input name, array) as OpenCV is fed: in the path's layout, named as the artifact names them ('' for a
    model's only input)."""
    names = ("",) if len(built.inputs) == 1 else (
        export.artifact.input_names if export is not None and export.artifact is not None else built.case.input_names)
    return [(name, to_layout(array, path.input_layout)) for name, array in zip(names, built.inputs, strict=True)]


def project_relative(folder: Path) -> str:
    """`folder` relative to the working directory (the project, under tox) when inside it, so that results files
    do not depend on where the checkout lives; else absolute."""
    try:
        return folder.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(folder)


def triage_lines(triaged: dict[str, Any]) -> list[str]:
    """The failure message's triage block: blame with its evidence, first diverging layer, reproducer."""
    lines = []
    if triaged.get("blame"):
        lines.append(f"blame: {triaged['blame']['blame']} ({triaged['blame']['evidence']})")
    if triaged.get("divergence"):
        lines.append(f"first diverging layer: {triage.Divergence(**triaged['divergence']).line()}")
    if triaged.get("bundle"):
        lines.append(f"reproducer: {triaged['bundle']} (python repro.py there needs only numpy and OpenCV)")
    return lines


class ConformanceSession:
    def __init__(self, settings: Settings):
        from model_zoo import versions

        self.settings = settings
        self.known = known_failures.load()
        self.tf_side = versions.tf_side()
        self.tf_version = versions.tensorflow_version(self.tf_side)
        self._scratch = Path(tempfile.mkdtemp(prefix="conformance-"))
        python = settings.opencv_python or opencv_env.environment_python(
            settings.cache_dir / "opencv-envs", settings.opencv, settings.wheel
        )
        self.runner = OpenCVRunner(worker_command(python), settings.timeout, self._scratch / "logs",
                                   settings.memory_limit_mb)
        self.opencv_side = self.runner.start()
        self.opencv_version = self.opencv_side["opencv"]
        self._store: ArtifactStore | None = None
        self._built: tuple[str, Any] | None = None
        self.results = ResultsFile(
            settings.results_dir / f"{settings.env_name}.json", settings.env_name, self.tf_side, self.opencv_side,
            {"opencv": settings.opencv, "wheel": settings.wheel}, settings.selection,
        )
        self.results.carry_previous(resume=settings.resume)

    @property
    def versions_line(self) -> str:
        tf = self.tf_side
        return (f"TF {self.tf_version}, Keras {tf.get('keras_in_use', '?')}, tf2onnx {tf.get('tf2onnx', '-')} | "
                f"OpenCV {self.opencv_version} ({self.opencv_side['wheel']}, numpy {self.opencv_side['numpy']})")

    def run_cell(self, case: Case, path: ExportPath, engine: str = "") -> CellResult:
        """Measure one cell (with an OpenCV 5.x reader `engine`, or "" for none), record it in the results file,
        and judge it against the known failures."""
        key = (case.id, path.name, engine)
        if self.settings.resume and (done := self.results.carried_record(key)) is not None:
            return self._resumed(case, path, done)
        started = time.perf_counter()
        store = self._artifacts()
        not_offered = path.not_offered(self.tf_side["keras_in_use"])
        reference, export = (None, None) if not_offered else (store.reference(case), store.cached_export(case, path))
        verdict, seconds, float_metrics = None, {}, None
        if not_offered:
            verdict = Verdict(NOT_APPLICABLE, "export", not_offered)
        elif reference is None or export is None:  # only now is TensorFlow needed
            building = time.perf_counter()
            built = self._build(case)
            seconds["build"] = round(time.perf_counter() - building, 4)  # 0 when the previous cell built it
            if isinstance(built, Verdict):  # the case itself is broken: no export, no OpenCV
                verdict = built
            else:
                reference = reference or store.save_reference(built)
                export = export or store.export(built, path)
        if verdict is None:
            seconds["export"] = round(export.seconds, 4)
            if export.artifact is None:
                verdict = failed("export-error", "export", export.error, export.detail)
            else:
                verdict, run_seconds, float_metrics = self.run_opencv(reference, path, engine, export)
                seconds.update({k: round(v, 4) for k, v in run_seconds.items()})
        triaging = time.perf_counter()
        triaged = {} if not_offered else self._triage(case, path, engine, verdict, reference, export)
        if verdict.status not in ("pass", NOT_APPLICABLE):
            seconds["triage"] = round(time.perf_counter() - triaging, 4)
        seconds["cell"] = round(time.perf_counter() - started, 4)
        entry = known_failures.find(self.known, key, self._versions())
        judgement = known_failures.judge(verdict.status, entry)
        self.results.add(CellRecord(
            case=case.id, path=path.name, family=case.family, status=verdict.status, stage=verdict.stage,
            error=verdict.error, metrics=None if verdict.metrics is None else verdict.metrics.as_dict(),
            tolerance=case.tolerance.max_abs,
            known=None if entry is None else entry.id,
            outcome=judgement.kind, seconds=seconds, export_cached=export is not None and export.cached,
            detail=verdict.detail, engine=engine, float_metrics=float_metrics, **triaged,
        ))
        return CellResult(case, path, engine, verdict, judgement, export,
                          self._message(case, path, engine, verdict, judgement, export, triaged))

    def prefetch(self, cells: list[tuple[Case, ExportPath, str]], jobs: int, say: Callable[[str], None]) -> None:
        """Export what the cells will need and the cache lacks in `jobs` processes at once (at least one: a
        converter that crashes kills an export process, never the run)."""
        todo = [(case, path) for case, path, engine in cells
                if not path.not_offered(self.tf_side["keras_in_use"])
                and not (self.settings.resume and self.results.carried_record((case.id, path.name, engine)))]
        needed = prefetch.missing(self._artifacts(), todo)
        if needed:
            store = self._artifacts()  # one log folder per TF side: envs of two TF sides may export at once
            prefetch.export_in_parallel(needed, max(1, jobs), store, self.settings.cache_dir / "logs" / store.root.name,
                                        say)

    def _versions(self) -> known_failures.Versions:
        """(TF, Keras in use, OpenCV) for the known failures."""
        return self.tf_version, self.tf_side["keras_in_use"], self.opencv_version

    def _resumed(self, case: Case, path: ExportPath, record: CellRecord) -> CellResult:
        """A cell measured by the interrupted run, judged again against today's known failures."""
        metrics = None if record.metrics is None else Metrics(**record.metrics)
        verdict = Verdict(record.status, record.stage, record.error, metrics, record.detail)
        entry = known_failures.find(self.known, record.key, self._versions())
        judgement = known_failures.judge(verdict.status, entry)
        record.known = None if entry is None else entry.id
        record.outcome = judgement.kind
        self.results.add(record)
        triaged = {"blame": record.blame, "divergence": record.divergence, "bundle": record.bundle}
        return CellResult(case, path, record.engine, verdict, judgement, None,
                          self._message(case, path, record.engine, verdict, judgement, None, triaged))

    def run_opencv(self, built: Reference | Any, path: ExportPath, engine: str,
                   export: Export) -> tuple[Verdict, dict[str, float], dict[str, float] | None]:
        """OpenCV's verdict on an export of `built` (a Reference or a BuiltCase: its case, inputs and TF's
        outputs), the OpenCV side's timings, and, for a route judged against its own runtime, the error against
        TF's float output (None otherwise)."""
        feeds = opencv_feeds(built, path, export)
        scratch = Path(tempfile.mkdtemp(dir=self._scratch, prefix=f"{built.case.id}-{path.name}-{engine}-"))
        judged, tolerance = runtime_check.judged_against(export, built)
        expected = [to_layout(array, path.output_layout) for array in judged]
        outcome = self.runner.run(export.folder / export.artifact.model, path.reader, feeds, scratch, engine,
                                  output_shapes=tuple(array.shape for array in expected))
        if outcome.status != "ok":
            return failed(outcome.status, outcome.stage, outcome.error, outcome.detail), outcome.seconds, None
        judging = time.perf_counter()
        verdict = compare(expected, outcome.outputs, tolerance)
        float_metrics = None
        if judged is not built.expected:
            against_tf = compare([to_layout(array, path.output_layout) for array in built.expected], outcome.outputs,
                                 built.case.tolerance)
            float_metrics = None if against_tf.metrics is None else against_tf.metrics.as_dict()
        return verdict, {**outcome.seconds, "verdict": time.perf_counter() - judging}, float_metrics

    def _triage(self, case: Case, path: ExportPath, engine: str, verdict: Verdict, reference: Reference | None,
                export: Export | None) -> dict[str, Any]:
        """A non-pass cell's blame, first diverging layer (mismatch cells) and reproducer bundle, as record fields;
        nothing for a pass (whose stale bundle, if any, is removed)."""
        folder = None if self.settings.bundle_dir is None else self.settings.bundle_dir / cell_id(case, path, engine)
        if verdict.status == "pass":
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            return {}
        runnable = export is not None and export.artifact is not None
        check = runtime_check.runtime_check(export, reference, path) if runnable else None
        blame = triage.decide_blame(verdict, check).as_dict()
        divergence = self._divergence(reference, path, engine, export) if verdict.status == "mismatch" else None
        judged, tolerance = (runtime_check.judged_against(export, reference) if runnable and reference is not None
                             else ([] if reference is None else reference.expected, case.tolerance))
        if folder is not None:
            name = cell_id(case, path, engine)
            bundle.write_bundle(
                folder, cell=name, model=export.folder / export.artifact.model if runnable else None,
                reader=path.reader, engine=engine,
                inputs=[] if reference is None else opencv_feeds(reference, path, export),
                expected=[] if reference is None else [to_layout(a, path.output_layout) for a in judged],
                tolerance=tolerance, suite=verdict,
                versions=bundle.versions_text(name, verdict, blame, self.tf_side, self.opencv_side),
                timeout=self.settings.timeout, memory_limit_mb=self.settings.memory_limit_mb)
        return {"blame": blame, "divergence": None if divergence is None else divergence.as_dict(),
                "bundle": "" if folder is None else project_relative(folder)}

    def _divergence(self, reference: Reference, path: ExportPath, engine: str, export: Export) -> triage.Divergence:
        """Where OpenCV's layers (run again with fusion off) first leave the path's runtime's tensors."""
        scratch = Path(tempfile.mkdtemp(dir=self._scratch, prefix=f"{reference.case.id}-{path.name}-layers-"))
        judged, tolerance = runtime_check.judged_against(export, reference)
        expected = [to_layout(array, path.output_layout) for array in judged]
        outcome = self.runner.run(export.folder / export.artifact.model, path.reader,
                                  opencv_feeds(reference, path, export), scratch, engine, layers=True,
                                  output_shapes=tuple(array.shape for array in expected))
        if outcome.status != "ok":
            return triage.no_comparison(f"the run with layer outputs gave {outcome.status}: {outcome.error}")
        unfused = compare(expected, outcome.outputs, tolerance).status
        if outcome.layers_error:
            return triage.no_comparison(f"this OpenCV gives no layer outputs: {outcome.layers_error}", unfused)
        tensors = runtime_check.runtime_tensors(export, reference, path)
        if isinstance(tensors, str):
            return triage.no_comparison(tensors, unfused, len(outcome.layers))
        return triage.first_divergence(outcome.layers, tensors, runtime_check.layer_layout(export),
                                       tolerance, unfused)

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

    def _artifacts(self) -> ArtifactStore:
        if self._store is None:
            from model_zoo.versions import cache_key

            self._store = ArtifactStore(self.settings.cache_dir / "artifacts", cache_key(self.tf_side))
        return self._store

    def _message(self, case: Case, path: ExportPath, engine: str, verdict: Verdict,
                 judgement: known_failures.Judgement, export: Export | None, triaged: dict[str, Any]) -> str:
        lines = [
            f"{case.id} via {path.name}{f' with the {engine} engine' if engine else ''} [{self.versions_line}]",
            f"status: {verdict.status}" + (f" at stage {verdict.stage}" if verdict.stage else "")
            + f" -> {judgement.kind}: {judgement.message}",
        ]
        if verdict.error:
            lines.append(f"error: {verdict.error}")
        if verdict.detail and verdict.status in ("crash", "export-error"):  # a crash's stderr, a traceback
            lines.append("detail (last lines):")
            lines.extend(f"  {line}" for line in verdict.detail.splitlines()[-12:])
        if verdict.metrics is not None:
            m = verdict.metrics
            lines.append(f"max abs {m.max_abs:.3g}, mean abs {m.mean_abs:.3g}, scale {m.scale:.3g}; smallest passing "
                         f"tolerance {m.required_tolerance:.3g} (case tolerance {case.tolerance.max_abs:g})")
        lines.extend(triage_lines(triaged))
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

    def close(self, complete: bool, write: bool = True) -> None:
        """Stop the worker and write the results file, `complete` if every selected cell ran."""
        self.runner.close()
        if write:
            self.results.write(complete=complete)
        if not os.environ.get("CONFORMANCE_KEEP_SCRATCH"):
            shutil.rmtree(self._scratch, ignore_errors=True)
