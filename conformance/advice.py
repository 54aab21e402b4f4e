"""Which route to take: for one OpenCV version, the simplest route (and, on OpenCV 5.x, engine) whose cell passes,
in one documented order. Pure: statuses in, a choice out. The check command prints its advice from here.

The order: ONNX first (the format OpenCV maintains most, and the one Keras 3 exports itself), from the plainest
recipe to the ones with an extra step; then TFLite, then frozen TensorFlow graphs (an importer OpenCV proposes to
remove in 5.x); quantized TFLite last (it changes the numbers on purpose); the Keras file and a SavedModel's
`saved_model.pb` never work and come at the very end. On 5.x the default engine (`auto`) is preferred.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ROUTE_ORDER = (
    "onnx-keras", "onnx-keras-export", "onnx-savedmodel", "onnx-nchw", "onnx-opset13", "onnx-opset18",
    "onnx-simplified",
    "tflite-keras", "tflite-savedmodel", "tflite-litert", "tflite-concrete-batch1",
    "tf-frozen-grappler", "tf-frozen", "tf-frozen-ours",
    "tflite-float16", "tflite-dynamic-range", "tflite-int8",
    "keras-file", "tf-savedmodel-pb",
)
ENGINE_ORDER = ("", "auto", "new", "classic")

Column = tuple[str, str]  # route, engine ("" before OpenCV 5)


def preference(column: Column) -> tuple[int, int, str]:
    """Sort key of a (route, engine): its place in ROUTE_ORDER (unknown routes after, by name), then the engine's."""
    route, engine = column
    place = ROUTE_ORDER.index(route) if route in ROUTE_ORDER else len(ROUTE_ORDER)
    return place, ENGINE_ORDER.index(engine) if engine in ENGINE_ORDER else len(ENGINE_ORDER), route


@dataclass(frozen=True)
class Choice:
    opencv: str
    route: str | None  # None: no route passes on this version
    engine: str = ""

    def line(self) -> str:
        if self.route is None:
            return f"OpenCV {self.opencv}: none of the routes tried works"
        engine = f" with engine={self.engine!r}" if self.engine else ""
        return f"OpenCV {self.opencv}: use {self.route}{engine}"


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
