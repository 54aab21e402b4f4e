"""How each status word looks in the reports: a symbol for Markdown and HTML, a color for HTML and the heatmap.

The words and their order are conformance.judging.verdict's; a word this table does not know (a newer suite) still
renders, as UNKNOWN.

Symbols are ASCII letters or one of SAFE_SYMBOLS, characters every common text font has (DejaVu, Liberation,
Arial, Segoe UI, Noto Sans): emoji became empty boxes where no colour-emoji font is installed (seen in headless
Chromium), and the cells then differed by tint alone. The letter is the status word's initial. Colors: pass green;
failures warm (reds, oranges, magenta, purples), each kind its own; n/a and not measured grey.
"""
from __future__ import annotations

from dataclasses import dataclass

from conformance.judging.verdict import STATUSES

SAFE_SYMBOLS = "✓✗–·?"  # U+2713, U+2717, U+2013, U+00B7 and "?": present in the fonts above, none of them emoji


@dataclass(frozen=True)
class StatusStyle:
    symbol: str
    color: str  # #rrggbb, distinct for every status
    meaning: str


STYLES: dict[str, StatusStyle] = {
    "pass": StatusStyle("✓", "#1a9850", "parity within tolerance"),
    "mismatch": StatusStyle("✗", "#d7191c", "ran, same shape, numbers differ beyond tolerance"),
    "shape-mismatch": StatusStyle("S", "#f46d43", "ran, output shape/layout differs from what the path defines"),
    "export-error": StatusStyle("E", "#c51b7d", "TF, Keras, tf2onnx or the TFLite converter failed before OpenCV"),
    "import-error": StatusStyle("I", "#fdae61", "cv2.dnn.readNet* raised"),
    "forward-error": StatusStyle("F", "#b35806", "setInput/forward raised"),
    "crash": StatusStyle("C", "#67001f", "the OpenCV worker died by a signal"),
    "timeout": StatusStyle("T", "#762a83", "the OpenCV worker hung past the limit"),
    "unsupported": StatusStyle("U", "#c2a5cf", "this OpenCV has no reader for the path"),
    "n/a": StatusStyle("–", "#d9d9d9", "not applicable: this TF side does not offer the route (not counted)"),
}
UNKNOWN = StatusStyle("?", "#4d4d4d", "a status word this report builder does not know")
NOT_MEASURED = StatusStyle("·", "#f2f2f2", "not measured (the env's run is incomplete or did not select the cell)")
# after a cell's symbol: a second run in a fresh worker told otherwise (conformance.judging.verdict.with_rerun)
NONDETERMINISTIC = StatusStyle("~", "#000000", "nondeterministic: a second run in a fresh worker gave another status "
                               "or other numbers (the symbol is the first run's; never counted as a pass)")
NEUTRAL = ("n/a", "not measured")  # neither pass nor failure: grey

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
