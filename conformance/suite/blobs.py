"""Preprocessing cells: OpenCV's blobFromImage(s) (run by conformance/opencv/blob_worker.py under the OpenCV
environment, in one process for all the selected combinations) against TF's preprocessing (model_zoo.preprocessing,
computed in this process), judged and recorded like any cell: family `preprocessing`, path `blob-from-image(s)`.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from conformance.judging import known_failures
from conformance.judging.cell import Cell, Judge, verdict_lines
from conformance.judging.verdict import Verdict, compare, failed
from conformance.opencv.runner import WorkerResult, blob_calls
from conformance.results import CellRecord, ResultsFile
from model_zoo.fingerprint import describe
from model_zoo.layout import to_layout
from model_zoo.preprocessing import FAMILY, Blob, seeded_images, tf_reference
from model_zoo.store import write_atomically


def opencv_blobs(python: str, blobs: list[Blob], scratch: Path, timeout: float) -> dict[str, WorkerResult]:
    """Run every combination's cv2.dnn call in one process under `python`: its outcome by combination id."""
    scratch.mkdir(parents=True, exist_ok=True)
    calls = []
    for blob in blobs:
        images = []
        for index, image in enumerate(seeded_images(blob)):
            images.append(str(scratch / f"{blob.id}-image{index}.npy"))
            np.save(images[-1], image)
        calls.append({"id": blob.id, "function": blob.opencv_function, "images": images,
                      "kwargs": blob.opencv_arguments(), "out": str(scratch / f"{blob.id}-blob.npy")})
    return blob_calls(python, calls, scratch, timeout)


def verdict_of(blob: Blob, outcome: WorkerResult, references: Path) -> Verdict:
    """OpenCV's blob against TF's preprocessing of the same images (kept in `references`), as NCHW (the blob's
    layout)."""
    if outcome.status != "ok":
        return failed(outcome.status, outcome.stage, outcome.error, outcome.detail)
    expected = to_layout(kept_tf_reference(blob, references), "nchw")
    return compare([expected], outcome.outputs, blob.tolerance)


def references_folder(cache_dir: Path, tf_side: dict[str, str]) -> Path:
    """Where TF's preprocessing of the combinations is kept for this TF side: `<cache>/blobs/<TF side>`."""
    from model_zoo.versions import cache_key

    return cache_dir / "blobs" / cache_key(tf_side)


@functools.cache
def reference_code() -> str:
    """The source of what makes a blob's TF reference, part of its cache key (described once per run)."""
    return describe(tf_reference, set()) + describe(seeded_images, set())


def kept_tf_reference(blob: Blob, folder: Path) -> np.ndarray:
    """TF's preprocessing of the blob's seeded images, computed once per definition of the combination and of the
    code that makes it, then read from `folder`: a warm run needs no TensorFlow."""
    file = folder / f"{blob.id}-{hashlib.sha256((repr(blob) + reference_code()).encode()).hexdigest()[:16]}.npy"
    try:
        return np.load(file)
    except (OSError, ValueError):
        pass
    reference = tf_reference(blob, seeded_images(blob))
    write_atomically(file, lambda target: np.save(target, reference))
    return reference


@dataclass(frozen=True)
class BlobResult:
    verdict: Verdict
    judgement: known_failures.Judgement
    message: str


def record(results: ResultsFile, judge: Judge, versions_line: str, blob: Blob, verdict: Verdict) -> BlobResult:
    """Judge the combination's verdict against the known failures and add it to the run's results file."""
    judgement = judge(Cell(blob.case_id, blob.path), verdict.status)
    results.add(CellRecord(
        case=blob.case_id, path=blob.path, family=FAMILY, status=verdict.status, stage=verdict.stage,
        error=verdict.error, metrics=None if verdict.metrics is None else verdict.metrics.as_dict(),
        tolerance=blob.tolerance.max_abs, known=judgement.known, outcome=judgement.kind, detail=verdict.detail,
    ))
    arguments = ", ".join(f"{name}={value!r}" for name, value in blob.opencv_arguments().items())
    lines = [f"{blob.case_id} via cv2.dnn.{blob.opencv_function}({arguments}) [{versions_line}]",
             *verdict_lines(verdict, judgement)]
    return BlobResult(verdict, judgement, "\n".join(lines))
