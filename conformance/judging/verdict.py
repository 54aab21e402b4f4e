"""Decide a cell's status from TF's output and OpenCV's. Pure: numpy in, a Verdict out, no I/O."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from model_zoo.case import Tolerance

STATUSES = (
    "pass",
    "mismatch",
    "shape-mismatch",
    "export-error",
    "import-error",
    "forward-error",
    "crash",
    "timeout",
    "unsupported",
    "n/a",
)
NOT_APPLICABLE = "n/a"  # the TF side does not offer the route (Keras-native export on Keras 2): never a failure


def counted(status: str) -> bool:
    """Whether a cell of this status counts in pass rates (a route its TF side does not offer does not)."""
    return status != NOT_APPLICABLE


@dataclass(frozen=True)
class Metrics:
    """Errors over all outputs; tolerances are relative to `scale` = max(1, max |expected|)."""

    max_abs: float
    mean_abs: float
    scale: float
    required_tolerance: float  # the smallest Tolerance.max_abs with which this cell would pass

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class Verdict:
    status: str
    stage: str = ""  # export | import | forward | compare; empty for pass
    error: str = ""  # what went wrong, on one line
    metrics: Metrics | None = None
    detail: str = ""  # more of it where there is more: a crashed worker's stderr tail, an export's traceback
    rerun: Verdict | None = None  # a second run in a fresh worker, where it told otherwise (nondeterministic)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")


# OpenCV ran the model (or died running it): uninitialised memory can change its numbers or status from run to run
# (measured: dilated TFLite convolutions, max abs 9e31 in one run, 8e13 in the next). A cell failing so is run
# again in a fresh worker; an import or export error comes before any computation and is not.
RERUN_STATUSES = ("mismatch", "shape-mismatch", "forward-error", "crash")
RERUN_DIGITS = 3  # a rerun's errors agree at this many significant digits (threads may reorder sums)


def same_outcome(first: Verdict, second: Verdict) -> bool:
    """Whether a second run of a cell tells what the first did: the same status, and the same errors (mismatch) to
    RERUN_DIGITS significant digits."""
    if first.status != second.status:
        return False
    if first.metrics is None or second.metrics is None:
        return (first.metrics is None) == (second.metrics is None)
    return all(f"{a:.{RERUN_DIGITS}g}" == f"{b:.{RERUN_DIGITS}g}" for a, b in
               ((first.metrics.max_abs, second.metrics.max_abs), (first.metrics.mean_abs, second.metrics.mean_abs)))


def with_rerun(first: Verdict, second: Verdict) -> Verdict:
    """The cell's verdict once run twice: the first run's, marked nondeterministic where the second told otherwise."""
    return first if same_outcome(first, second) else replace(first, rerun=second)


# tf2onnx numbers the nodes it makes (`Resize__1225`) with a counter that depends on what the process traced and
# converted before; OpenCV quotes those names. The error line shows `Resize__N`, the detail keeps the number.
CONVERTER_NODE_NUMBER = re.compile(r"(?<=[A-Za-z0-9_])__\d+\b")


def failed(status: str, stage: str, error: str, detail: str = "") -> Verdict:
    """A cell that never produced outputs to compare; its error line does not depend on the converter's
    process-wide node numbering."""
    line = CONVERTER_NODE_NUMBER.sub("__N", error)
    return Verdict(status, stage, line, detail=detail or (error if line != error else ""))


def output_scale(expected: list[np.ndarray]) -> float:
    """What tolerances are relative to: max(1, the largest finite |value| of the expected outputs)."""
    finite_expected = [np.abs(w[np.isfinite(w)]) for w in expected]
    return max(1.0, max((float(w.max()) for w in finite_expected if w.size), default=0.0))


def judged_tolerance(expected: list[np.ndarray], case_tolerance: Tolerance, bound: float, reason: str) -> Tolerance:
    """The tolerance of a cell judged against its route's runtime: an absolute `bound` on any element (one
    quantization step), never tighter than the case's own; the case's tolerance where there is no bound."""
    if not bound:
        return case_tolerance
    relative = max(case_tolerance.max_abs, bound / output_scale(expected))
    return Tolerance(relative, reason, mean_ratio=1.0)


def measure(expected: list[np.ndarray], actual: list[np.ndarray]) -> Metrics:
    """Max and mean absolute error over all outputs (shapes must match); non-finite disagreement is infinite."""
    errors = []
    for want, got in zip(expected, actual, strict=True):
        want = want.astype(np.float64)
        got = got.astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(want - got)
        agree = (want == got) | (np.isnan(want) & np.isnan(got))
        diff[~np.isfinite(diff) & ~agree] = np.inf
        diff[agree] = 0.0
        errors.append(diff.ravel())
    flat = np.concatenate(errors) if errors else np.zeros(0)
    scale = output_scale(expected)
    max_abs = float(flat.max()) if flat.size else 0.0
    mean_abs = float(flat.mean()) if flat.size else 0.0
    return Metrics(max_abs, mean_abs, scale, max(max_abs, 10 * mean_abs) / scale)


def compare(expected: list[np.ndarray], actual: list[np.ndarray], tolerance: Tolerance) -> Verdict:
    """Verdict for OpenCV's `actual` against TF's `expected`, both already in the path's layout."""
    if len(actual) != len(expected):
        return Verdict("shape-mismatch", "compare", f"OpenCV gave {len(actual)} outputs, the model has {len(expected)}")
    for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
        if want.shape != got.shape:
            return Verdict(
                "shape-mismatch", "compare",
                f"output {index}: OpenCV shape {tuple(got.shape)}, the path defines {tuple(want.shape)}",
            )
    metrics = measure(expected, actual)
    within = (metrics.max_abs <= tolerance.max_abs * metrics.scale
              and metrics.mean_abs <= tolerance.mean_abs * metrics.scale)
    if within:
        return Verdict("pass", metrics=metrics)
    return Verdict(
        "mismatch", "compare",
        f"max abs error {metrics.max_abs:.3g} (mean {metrics.mean_abs:.3g}) over tolerance "
        f"{tolerance.max_abs:g} x scale {metrics.scale:.3g}",
        metrics,
    )


def summarize(statuses: list[tuple[str, str]]) -> dict[str, Any]:
    """Counts per status, overall and per path, from (path, status) pairs."""
    per_path: dict[str, dict[str, int]] = {}
    overall = {status: 0 for status in STATUSES}
    for path, status in statuses:
        overall[status] += 1
        per_path.setdefault(path, {s: 0 for s in STATUSES})[status] += 1
    return {"overall": overall, "per_path": per_path}
