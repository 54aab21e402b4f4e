"""Preprocessing cells: OpenCV's blobFromImage(s) (run by conformance/opencv/blob_worker.py under the OpenCV
environment, in one process for all the selected combinations) against TF's preprocessing (model_zoo.preprocessing,
computed in this process), judged and recorded like any cell: family `preprocessing`, path `blob-from-image(s)`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from conformance.judging import known_failures
from conformance.judging.cell import Cell, Judge, verdict_lines
from conformance.judging.verdict import Verdict, compare, failed
from conformance.opencv.runner import WorkerResult, blob_calls
from conformance.results import CellRecord, ResultsFile
from model_zoo.layout import to_layout
from model_zoo.preprocessing import FAMILY, Blob, seeded_images, tf_reference


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


def verdict_of(blob: Blob, outcome: WorkerResult) -> Verdict:
    """OpenCV's blob against TF's preprocessing of the same images, as NCHW (the blob's layout)."""
    if outcome.status != "ok":
        return failed(outcome.status, outcome.stage, outcome.error, outcome.detail)
    expected = to_layout(tf_reference(blob, seeded_images(blob)), "nchw")
    return compare([expected], outcome.outputs, blob.tolerance)


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
