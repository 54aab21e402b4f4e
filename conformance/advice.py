"""Which route to take: for one OpenCV version, the simplest route (and, on OpenCV 5.x, engine) whose cell passes,
in one documented order. Pure: statuses in, a choice out. The check command prints its advice from here, and the
support table (reports/builder/route_advice.py) its advice per case and per family.

The order: ONNX first (the format OpenCV maintains most, and the one Keras 3 exports itself), from the plainest
recipe to the ones with an extra step; then TFLite, then frozen TensorFlow graphs; quantized TFLite last (it changes
the numbers on purpose); the Keras file and a SavedModel's `saved_model.pb` never work and come at the very end. On
5.x the default engine (`auto`) is preferred.

OpenCV 5's transition comes next: a (route, engine) that may stop working in a later 5.x is AT RISK, and is chosen
only when no other float route passes; quantized TFLite stays after all of them, since it gives other numbers than
the model by design (a frozen graph that passes is advised, marked at risk, before an int8 file). Two upstream facts
(AT_RISK): the TF importer's removal is proposed (opencv PR #29474, open), which takes every route read by
`readNetFromTensorflow`; ENGINE_CLASSIC's removal is merged for the next 5.x (opencv PR #29341). A case whose choice
is at risk passes only through such routes, and the choice says so.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from conformance.matrix import version_key

ROUTE_ORDER = (
    "onnx-keras", "onnx-keras-export", "onnx-savedmodel", "onnx-nchw", "onnx-opset13", "onnx-opset18",
    "onnx-simplified",
    "tflite-keras", "tflite-savedmodel", "tflite-litert", "tflite-concrete-batch1",
    "tf-frozen-grappler", "tf-frozen", "tf-frozen-ours",
    "tflite-float16", "tflite-dynamic-range", "tflite-int8",
    "keras-file", "tf-savedmodel-pb",
)
ENGINE_ORDER = ("", "auto", "new", "classic")
TF_IMPORTER_ROUTES = frozenset({"tf-frozen-grappler", "tf-frozen", "tf-frozen-ours", "tf-savedmodel-pb", "given-pb"})


@dataclass(frozen=True)
class Risk:
    """An upstream change that would end a (route, engine): what it is, and where it is said."""

    fact: str
    source: str
    link: str

    def text(self) -> str:
        return f"{self.fact} ({self.source}, {self.link})"


AT_RISK = {
    "tf-importer": Risk("the TF importer's removal is proposed upstream", "opencv PR #29474 \"Remove Tensorflow "
                        "Importer\", open", "https://github.com/opencv/opencv/pull/29474"),
    "engine-classic": Risk("ENGINE_CLASSIC's removal is merged for the next 5.x", "opencv PR #29341",
                           "https://github.com/opencv/opencv/pull/29341"),
}

# Measured in the opencv-python-headless 5.0.0 wheel: no readNetFromCaffe, readNetFromDarknet nor readNetFromTorch,
# and readNet says "Caffe importer has been removed" / "Darknet importer has been removed". No route reads them.
ALREADY_GONE = Risk("Caffe and Darknet are already gone in OpenCV 5.0 (its readNet says \"Caffe importer has been "
                    "removed\", \"Darknet importer has been removed\"); no route here uses them",
                    "opencv PR #28678 \"Caffe importer cleanup\", merged", "https://github.com/opencv/opencv/pull/28678")

Column = tuple[str, str]  # route, engine ("" before OpenCV 5)
Line = Sequence[tuple[str, Mapping[Column, str]]]  # (OpenCV version, its statuses) of one case, oldest first


def risks(column: Column) -> tuple[str, ...]:
    """The AT_RISK names that apply to a (route, engine): () for a route that survives."""
    route, engine = column
    return tuple(name for name, applies in (("tf-importer", route in TF_IMPORTER_ROUTES),
                                            ("engine-classic", engine == "classic")) if applies)


QUANTIZED_ROUTES = frozenset({"tflite-float16", "tflite-dynamic-range", "tflite-int8"})


def preference(column: Column) -> tuple[bool, bool, int, int, str]:
    """Sort key of a (route, engine): quantized last, before them the ones at risk; then its place in ROUTE_ORDER
    (unknown routes after, by name), then the engine's."""
    route, engine = column
    place = ROUTE_ORDER.index(route) if route in ROUTE_ORDER else len(ROUTE_ORDER)
    engine_place = ENGINE_ORDER.index(engine) if engine in ENGINE_ORDER else len(ENGINE_ORDER)
    return route in QUANTIZED_ROUTES, bool(risks(column)), place, engine_place, route


@dataclass(frozen=True)
class Choice:
    opencv: str
    route: str | None  # None: no route passes on this version
    engine: str = ""
    since: str = ""  # the first OpenCV version from which the route works up to this one ("" when not traced)

    @property
    def risks(self) -> tuple[str, ...]:
        return risks((self.route, self.engine)) if self.route is not None else ()

    def line(self) -> str:
        if self.route is None:
            return f"OpenCV {self.opencv}: none of the routes tried works"
        engine = f" with engine={self.engine!r}" if self.engine else ""
        since = f", works from {self.since}" if self.since and self.since != self.opencv else ""
        risk = f" (at risk: {'; '.join(AT_RISK[name].text() for name in self.risks)})" if self.risks else ""
        return f"OpenCV {self.opencv}: use {self.route}{engine}{since}{risk}"


def choose(statuses: Mapping[Column, str], opencv: str) -> Choice:
    """The preferred passing (route, engine) among one OpenCV version's cells, or a Choice without a route."""
    passing = sorted((column for column, status in statuses.items() if status == "pass"), key=preference)
    return Choice(opencv, *passing[0]) if passing else Choice(opencv, None)


def choices(cells: Iterable[tuple[str, str, str, str]], versions: Iterable[str]) -> list[Choice]:
    """One Choice per OpenCV version, from cells (opencv, route, engine, status)."""
    by_version: dict[str, dict[Column, str]] = {version: {} for version in versions}
    for opencv, route, engine, status in cells:
        by_version.setdefault(opencv, {})[(route, engine)] = status
    return [choose(statuses, opencv) for opencv, statuses in by_version.items()]


def combined(statuses: Iterable[str]) -> str:
    """One status for several measurements of a (route, engine) (the TF versions of a Keras generation, at least
    one): pass when every one passes, else the first that does not."""
    return next((status for status in statuses if status != "pass"), "pass")


def status_on(statuses: Mapping[Column, str], column: Column) -> str | None:
    """A (route, engine)'s status on one version; before 5.x, where there is no engine, the route's."""
    route, engine = column
    return statuses.get(column, statuses.get((route, "")) if engine else None)


def works_since(line: Line, column: Column) -> str:
    """The first version of the run that ends with the line's last version, in which `column` passes (a version
    where it was not measured does not break the run); "" when it does not pass on the last one."""
    since = ""
    for opencv, statuses in reversed(line):
        status = status_on(statuses, column)
        if status is None:
            continue
        if status != "pass":
            break
        since = opencv
    return since


def advise(line: Line) -> list[Choice]:
    """One case's Choice on each version of its line, with the version from which the chosen route works."""
    advice = []
    for end, (opencv, statuses) in enumerate(line, 1):
        choice = choose(statuses, opencv)
        if choice.route is not None:
            choice = replace(choice, since=works_since(line[:end], (choice.route, choice.engine)))
        advice.append(choice)
    return advice


@dataclass(frozen=True)
class Common:
    """One route for several cases (a family) on one OpenCV version."""

    choice: Choice  # its `since`: the version from which it works for every case it covers
    covered: int  # cases for which it passes
    measured: int  # cases measured on this version


def common(lines: Sequence[Line]) -> Common:
    """The (route, engine) that passes for the most of the cases (one line each, all ending with the same OpenCV
    version), ties broken by preference; or no route when none passes for any."""
    opencv = lines[0][-1][0]
    counts = Counter(column for line in lines for column, status in line[-1][1].items() if status == "pass")
    if not counts:
        return Common(Choice(opencv, None), 0, len(lines))
    column = min(counts, key=lambda column: (-counts[column], preference(column)))
    since = max((works_since(line, column) for line in lines if line[-1][1].get(column) == "pass"), key=version_key)
    return Common(Choice(opencv, *column, since=since), counts[column], len(lines))
