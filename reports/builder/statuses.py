"""How each status word looks in the reports: a symbol for Markdown and HTML, a color for HTML and the heatmap.

The words and their order are conformance.judging.verdict's; a word this table does not know (a newer suite) still
renders, as UNKNOWN.
"""
from __future__ import annotations

from dataclasses import dataclass

from conformance.judging.verdict import STATUSES


@dataclass(frozen=True)
class StatusStyle:
    symbol: str
    color: str  # #rrggbb, distinct for every status (Okabe-Ito based, readable by most color-blind readers)
    meaning: str


STYLES: dict[str, StatusStyle] = {
    "pass": StatusStyle("✅", "#009e73", "parity within tolerance"),
    "mismatch": StatusStyle("❌", "#d55e00", "ran, same shape, numbers differ beyond tolerance"),
    "shape-mismatch": StatusStyle("📐", "#e69f00", "ran, output shape/layout differs from what the path defines"),
    "export-error": StatusStyle("📦", "#cc79a7", "TF, Keras, tf2onnx or the TFLite converter failed before OpenCV"),
    "import-error": StatusStyle("🧩", "#0072b2", "cv2.dnn.readNet* raised"),
    "forward-error": StatusStyle("⛔", "#56b4e9", "setInput/forward raised"),
    "crash": StatusStyle("💥", "#000000", "the OpenCV worker died by a signal"),
    "timeout": StatusStyle("⌛", "#f0e442", "the OpenCV worker hung past the limit"),
    "unsupported": StatusStyle("🚫", "#8c8c8c", "this OpenCV has no reader for the path"),
    "n/a": StatusStyle("➖", "#d9d9d9", "not applicable: this TF side does not offer the route (not counted)"),
}
UNKNOWN = StatusStyle("❓", "#7f3c8d", "a status word this report builder does not know")
NOT_MEASURED = StatusStyle("·", "#f2f2f2", "not measured (the env's run is incomplete or did not select the cell)")

STATUS_ORDER: tuple[str, ...] = STATUSES


def style(status: str | None) -> StatusStyle:
    """The style of a status word; NOT_MEASURED for None, UNKNOWN for a word outside the taxonomy."""
    if status is None:
        return NOT_MEASURED
    return STYLES.get(status, UNKNOWN)


def legend() -> list[dict[str, str]]:
    """Every status in taxonomy order with its symbol, color and meaning, then "not measured"."""
    rows = [{"status": status, **vars(style(status))} for status in STATUS_ORDER]
    return [*rows, {"status": "not measured", **vars(NOT_MEASURED)}]
