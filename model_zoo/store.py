"""Export artifacts and TF references cached on disk, content-addressed, so warm runs need no TensorFlow.

Under `<cache>/artifacts/<TF-side versions>/<case>/`, a `reference/` folder holds the case's inputs and TF's
outputs, and one folder per export path holds the artifact; each has a `manifest.json` naming the case's
definition fingerprint (model_zoo/fingerprint.py: computed without TF) and, for exports, the hash of the
recipe's code. A cell whose reference and export match both is run without building the model; a change to
one case re-exports only that case, a change to a recipe only that path. A failed export is cached too, with
its error. A model file that no longer matches the sha256 in its manifest (truncated, emptied, corrupted) is
exported again. Envs sharing a TF side may run in parallel (`tox -p`): a lock per folder makes one of them
write it while the other waits and then reads it, and the manifest, written last and atomically, is what marks
a folder complete.
"""
from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import shutil
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model_zoo.case import Case
from model_zoo.export import Artifact, Route
from model_zoo.fingerprint import case_fingerprint, describe

MANIFEST = "manifest.json"
ARTIFACT_FIELDS = tuple(field.name for field in dataclasses.fields(Artifact))
LAST_USED = "last-used"  # touched whenever a run opens this TF side (python -m model_zoo.cache prune --unused-days)


@dataclass(frozen=True)
class Reference:
    """What a cell compares against: the case, its inputs (NHWC, as Keras takes them) and TF's outputs."""

    case: Case
    inputs: list[np.ndarray]
    expected: list[np.ndarray]


@dataclass(frozen=True)
class Export:
    """One export's outcome: the artifact or the error, where it lives, what it cost."""

    folder: Path
    artifact: Artifact | None
    error: str  # first line, "" on success
    detail: str  # traceback of a failed export
    seconds: float
    cached: bool


def recipe_hash(path: Route) -> str:
    """Hash of the route's code: its export function and, recursively, every module-level function and value it
    uses (model_zoo.fingerprint.describe), so a change to a function another route delegates to re-exports both."""
    return hashlib.sha256(describe(path.export, set()).encode()).hexdigest()[:16]


def first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


class ArtifactStore:
    """The cache of one TF side (`versions_key`): references and exports by case and path."""

    def __init__(self, root: Path, versions_key: str):
        self.root = root / versions_key
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / LAST_USED).touch()
        self._keys: dict[Case, str] = {}
        self._references: dict[Case, Reference] = {}  # read once per run: seven paths share a case's reference
        self._exports: dict[tuple[Case, str], Export] = {}  # read once per run: the pool and the cells both ask
        self._recipes: dict[str, str] = {}  # recipe_hash by route name, computed once per run

    def case_key(self, case: Case) -> str:
        """The case's definition fingerprint (computed once per case)."""
        if case not in self._keys:
            self._keys[case] = case_fingerprint(case)
        return self._keys[case]

    def cached_export(self, case: Case, path: Route) -> Export | None:
        """The export of `case` through `path` if the cache has it for the case's current definition."""
        if (case, path.name) not in self._exports:
            found = self._read(self.root / case.id / path.name, self._export_key(case, path))
            if found is None:
                return None
            self._exports[(case, path.name)] = found
        return self._exports[(case, path.name)]

    def export(self, built: Any, path: Route) -> Export:
        """The cached export of `built` (a model_zoo.build.BuiltCase) through `path`, exporting it now if needed."""
        folder = self.root / built.case.id / path.name
        key = self._export_key(built.case, path)
        with _locked(folder.with_name(f".{path.name}.lock")):
            cached = self._read(folder, key)
            done = cached if cached is not None else self._export(built, path, folder, key)
        self._exports[(built.case, path.name)] = dataclasses.replace(done, cached=True)  # for later cells
        return done

    def last_seconds(self, case_id: str, path_name: str) -> float | None:
        """How long the last export of this case and path took, whatever definition or recipe it was of (an
        estimate of the next one's cost), or None if this TF side never exported it."""
        try:
            return float(json.loads((self.root / case_id / path_name / MANIFEST).read_text())["seconds"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def record_failed_export(self, case: Case, path: Route, error: str, detail: str) -> None:
        """Keep an export that could not even report its failure (the converter killed its process) as failed."""
        folder = self.root / case.id / path.name
        with _locked(folder.with_name(f".{path.name}.lock")):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            _write_manifest(folder, {**self._export_key(case, path), "model_fingerprint": "", "error": error,
                                     "detail": detail, "seconds": 0.0, "artifact": None})
        self._exports.pop((case, path.name), None)

    def discard_export(self, case: Case, path: Route) -> None:
        """Forget the cached export of `case` through `path` (one to be done again)."""
        folder = self.root / case.id / path.name
        with _locked(folder.with_name(f".{path.name}.lock")):
            shutil.rmtree(folder, ignore_errors=True)
        self._exports.pop((case, path.name), None)

    def reference(self, case: Case) -> Reference | None:
        """The cached inputs and TF outputs of `case`, if they are of its current definition."""
        if case in self._references:
            return self._references[case]
        folder = self.root / case.id / "reference"
        manifest = current_manifest(folder, {"case": self.case_key(case)})
        if manifest is None or manifest.get("refused"):
            return None
        try:
            arrays = {name: np.load(folder / name) for name in (*manifest["inputs"], *manifest["expected"])}
        except (OSError, ValueError, KeyError):
            return None
        if any(file_sha256(folder / name) != digest for name, digest in manifest["sha256"].items()):
            return None
        self._references[case] = Reference(case, [arrays[name] for name in manifest["inputs"]],
                                           [arrays[name] for name in manifest["expected"]])
        return self._references[case]

    def save_reference(self, built: Any) -> Reference:
        """Keep `built`'s inputs and TF outputs for later runs, and return them."""
        folder = self.root / built.case.id / "reference"
        with _locked(folder.with_name(".reference.lock")):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            names = {"inputs": [], "expected": []}
            for kind, arrays in (("inputs", built.inputs), ("expected", built.expected)):
                for index, array in enumerate(arrays):
                    name = f"{kind}_{index}.npy"
                    np.save(folder / name, array)
                    names[kind].append(name)
            manifest = {"case": self.case_key(built.case), "model_fingerprint": built.fingerprint, **names,
                        "sha256": {name: file_sha256(folder / name) for name in [*names["inputs"], *names["expected"]]}}
            _write_manifest(folder, manifest)
        self._references[built.case] = Reference(built.case, list(built.inputs), list(built.expected))
        return self._references[built.case]

    def refused(self, case: Case) -> bool:
        """Whether this definition of `case` was recorded as one Keras refuses to build (`save_refused`)."""
        manifest = current_manifest(self.root / case.id / "reference", {"case": self.case_key(case)})
        return manifest is not None and bool(manifest.get("refused"))

    def save_refused(self, case: Case) -> None:
        """Keep, in place of its reference, that Keras refuses to build this definition of `case` (a drawn
        configuration): the next run knows it without TensorFlow."""
        folder = self.root / case.id / "reference"
        with _locked(folder.with_name(".reference.lock")):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            _write_manifest(folder, {"case": self.case_key(case), "refused": True})

    def _export_key(self, case: Case, path: Route) -> dict[str, str]:
        if path.name not in self._recipes:  # the code does not change during a run
            self._recipes[path.name] = recipe_hash(path)
        return {"case": self.case_key(case), "recipe": self._recipes[path.name]}

    @staticmethod
    def _export(built: Any, path: Route, folder: Path, key: dict[str, str]) -> Export:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        started = time.perf_counter()
        artifact, error, detail = None, "", ""
        try:
            artifact = path.export(built, folder)
        except Exception as exc:  # any converter failure is this cell's export-error
            error, detail = first_line(exc), traceback.format_exc()
        seconds = time.perf_counter() - started
        manifest = {**key, "model_fingerprint": built.fingerprint, "error": error, "detail": detail, "seconds": seconds,
                    "artifact": None if artifact is None else {**dataclasses.asdict(artifact),
                                                                "input_names": list(artifact.input_names),
                                                                "sha256": file_sha256(folder / artifact.model)}}
        _write_manifest(folder, manifest)
        return Export(folder, artifact, error, detail, seconds, cached=False)

    @staticmethod
    def _read(folder: Path, key: dict[str, str]) -> Export | None:
        manifest = current_manifest(folder, key)
        if manifest is None:
            return None
        found = manifest["artifact"]
        artifact = None if found is None else Artifact(**{
            **{name: found[name] for name in ARTIFACT_FIELDS if name in found},
            "input_names": tuple(found["input_names"])})
        if artifact is not None and file_sha256(folder / artifact.model) != found.get("sha256"):
            return None  # missing, truncated or corrupted since it was written: export again
        return Export(folder, artifact, manifest["error"], manifest["detail"], manifest["seconds"], cached=True)


def current_manifest(folder: Path, key: dict[str, str]) -> dict[str, Any] | None:
    """The manifest of the cache entry `folder` if it was written for `key` (the case's fingerprint, and the
    route's recipe hash for an export), else None: the one rule for whether an entry is still valid."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or any(manifest.get(name) != value for name, value in key.items()):
        return None
    return manifest


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Written last and atomically: a folder with a manifest is complete."""
    write_atomically(folder / MANIFEST, json.dumps(manifest, indent=1))


def write_atomically(file: Path, content: str | bytes | Callable[[Path], None]) -> None:
    """Write `file` whole or not at all: into a temporary beside it (`content` text, bytes, or a function that
    writes the path it is given), then renamed. Concurrent writers (envs of one TF side) each write whole and the
    last one wins; a reader never sees half a file."""
    file.parent.mkdir(parents=True, exist_ok=True)
    temporary = file.with_name(f".{file.name}.{os.getpid()}.tmp{file.suffix}")
    if isinstance(content, str):
        temporary.write_text(content)
    elif isinstance(content, bytes):
        temporary.write_bytes(content)
    else:
        content(temporary)
    os.replace(temporary, file)


def file_sha256(file: Path) -> str | None:
    """Checksum of a model file (a folder's files, for a SavedModel), or None if it is not there."""
    if not file.exists():
        return None
    digest = hashlib.sha256()
    for part in sorted(file.rglob("*")) if file.is_dir() else [file]:
        if part.is_file():
            digest.update(part.relative_to(file.parent).as_posix().encode())
            digest.update(part.read_bytes())
    return digest.hexdigest()


@contextlib.contextmanager
def _locked(lock_file: Path):
    """Hold an exclusive lock on `lock_file` (created if needed) for the duration of the block."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
