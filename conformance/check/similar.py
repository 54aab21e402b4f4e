"""The catalogue's word on a failing check cell: which Keras layer the first diverging OpenCV layer belongs to, and
the catalogue cell (same route, OpenCV minor, engine and Keras generation, in the committed results) that fails
the same way, with its known-failure reason. Pure over dicts, but for reading the committed results file."""
from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from conformance import matrix, results

RESULTS_DIR = Path(__file__).resolve().parents[2] / "reports" / "results"
NUMBERS_ONLY = ("mismatch", "shape-mismatch")  # their error lines hold only numbers: alike for every case
SIMILAR_ERROR = 0.6  # difflib ratio of two error lines (names and numbers blanked) that fail "the same way"
_VARYING = re.compile(r"'[^']*'|\"[^\"]*\"|\b[\w./-]*\d[\w./-]*\b")


def keras_layer_of(opencv_layer: str, layer_classes: Mapping[str, str]) -> tuple[str, str] | None:
    """(Keras layer name, class) that an OpenCV layer name stands for: the last part of the name (split at '/',
    '!', ':' and ';') that is a Keras layer's name ("onnx_node!model/up_sampling2d/Repeat" -> up_sampling2d), else
    such a part without a "_<n>" suffix."""
    parts = list(reversed(re.split(r"[/!:;]", opencv_layer)))
    for name in [*parts, *(re.sub(r"_\d+$", "", part) for part in parts)]:  # a traced scope can add "_1"
        if name in layer_classes:
            return name, layer_classes[name]
    return None


def catalogue_results(results_dir: Path, tf: str, keras2: bool, opencv: str) -> list[dict[str, Any]]:
    """The committed cells of the measured env nearest to the check's versions: the same OpenCV minor and Keras
    generation, the same TF minor if measured, else the newest TF of that generation ([] if none was measured)."""
    minor = ".".join(opencv.split(".")[:2])
    candidates = []
    for file in results_dir.glob("*.json"):
        pair = matrix.Pair.parse(file.stem)
        if pair is not None and pair.opencv == minor and pair.uses_keras2 == keras2:
            candidates.append((pair.tf == ".".join(tf.split(".")[:2]), matrix.version_key(pair.tf), file))
    if not candidates:
        return []
    try:
        return results.read(max(candidates)[2])["cells"]
    except (OSError, ValueError):
        return []


def same_failure(route: str, engine: str, status: str, error: str, layer_class: str | None,
                 catalogue: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The catalogue cell failing like the check's: through the same route and engine with the same status, and
    either a case named after the diverging Keras layer's class or, failing that, the most similar error line
    (an error message; a mismatch's line holds only numbers and tells nothing)."""
    alike = [cell for cell in catalogue if cell["path"] == route and cell.get("engine", "") == engine
             and cell["status"] == status]
    if layer_class:
        word = layer_class.lower()
        named = [cell for cell in alike if cell["case"].replace("-", "").startswith(word)]
        if named:
            return named[0]
    if not error or status in NUMBERS_ONLY:
        return None
    scored = [(difflib.SequenceMatcher(None, _blanked(error), _blanked(cell.get("error", ""))).ratio(), cell)
              for cell in alike if cell.get("error")]
    best = max(scored, key=lambda pair: pair[0], default=None)
    return best[1] if best is not None and best[0] >= SIMILAR_ERROR else None


def _blanked(error: str) -> str:
    return _VARYING.sub("_", error)
