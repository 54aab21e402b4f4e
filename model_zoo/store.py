"""Export artifacts cached on disk, keyed by case fingerprint, recipe source and TF-side versions.

One folder per (TF-side versions, case, path) holds the artifact and `manifest.json`; a failed export is
cached too, with its error, since it fails the same way every time for the same inputs. A folder whose
manifest does not match the current case and recipe, or whose model file does not match the checksum in the
manifest (truncated, emptied, corrupted), is exported again. Envs sharing a TF side may run in
parallel (`tox -p`): a lock per folder makes one of them export while the other waits and then reads it, and
the manifest, written last and atomically, is what marks a folder complete.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import inspect
import json
import os
import shutil
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model_zoo.export import Artifact, ExportPath
from model_zoo.export import common as export_common

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Export:
    """One export's outcome: the artifact or the error, where it lives, what it cost."""

    folder: Path
    artifact: Artifact | None
    error: str  # first line, "" on success
    detail: str  # traceback of a failed export
    seconds: float
    cached: bool


def recipe_hash(path: ExportPath) -> str:
    """Hash of the recipe's code (its module and the shared pieces), so a recipe change re-exports."""
    sources = [inspect.getsource(inspect.getmodule(path.export)), inspect.getsource(export_common)]
    return hashlib.sha256("".join(sources).encode()).hexdigest()[:16]


def first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


class ArtifactStore:
    def __init__(self, root: Path, versions_key: str):
        self.root = root / versions_key

    def export(self, built: Any, path: ExportPath) -> Export:
        """The cached export of `built` through `path`, exporting it now if needed."""
        folder = self.root / built.case.id / path.name
        key = {"fingerprint": built.fingerprint, "recipe": recipe_hash(path)}
        with _locked(folder.with_name(f".{path.name}.lock")):
            cached = self._read(folder, key)
            return cached if cached is not None else self._export(built, path, folder, key)

    @staticmethod
    def _export(built: Any, path: ExportPath, folder: Path, key: dict[str, str]) -> Export:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        started = time.perf_counter()
        artifact, error, detail = None, "", ""
        try:
            artifact = path.export(built, folder)
        except Exception as exc:  # any converter failure is this cell's export-error
            error, detail = first_line(exc), traceback.format_exc()
        seconds = time.perf_counter() - started
        manifest = {**key, "error": error, "detail": detail, "seconds": seconds,
                    "artifact": None if artifact is None else {"model": artifact.model,
                                                                "input_names": list(artifact.input_names),
                                                                "sha256": file_sha256(folder / artifact.model)}}
        temporary = folder / f"{MANIFEST}.tmp"
        temporary.write_text(json.dumps(manifest, indent=1))
        os.replace(temporary, folder / MANIFEST)
        return Export(folder, artifact, error, detail, seconds, cached=False)

    @staticmethod
    def _read(folder: Path, key: dict[str, str]) -> Export | None:
        try:
            manifest = json.loads((folder / MANIFEST).read_text())
        except (OSError, ValueError):
            return None
        if any(manifest.get(name) != value for name, value in key.items()):
            return None
        found = manifest["artifact"]
        artifact = None if found is None else Artifact(found["model"], tuple(found["input_names"]))
        if artifact is not None and file_sha256(folder / artifact.model) != found.get("sha256"):
            return None  # missing, truncated or corrupted since it was written: export again
        return Export(folder, artifact, manifest["error"], manifest["detail"], manifest["seconds"], cached=True)


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
