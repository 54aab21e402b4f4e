"""The declarative shape of one catalogue case. Importing this module never imports TensorFlow."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEFAULT_SHAPE = (8, 8, 3)
# How OpenCV is fed (the deployment-input pitfalls users report); "" = as the route defines. The worker applies
# them (conformance/opencv/worker.py `fed`).
FEEDS = ("", "blob-from-images", "uint8", "float64", "transposed-view", "wrong-layout")

_ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Tolerance:
    """Relative max-abs tolerance (the mean-abs bound a tenth of it unless said), with the reason for any override."""

    max_abs: float = 1e-4
    reason: str = "default: OpenCV's own FP32 bound (lInf 1e-4, l1 1e-5), scaled by the output's magnitude"
    mean_ratio: float = 0.1  # the mean-abs bound over the max-abs one (1 for a quantization step on any element)

    @property
    def mean_abs(self) -> float:
        return self.max_abs * self.mean_ratio


DEFAULT_TOLERANCE = Tolerance()


@dataclass(frozen=True)
class Case:
    """One Keras Functional model.

    `build(k, *inputs)` receives a namespace `k` (`k.layers`, `k.keras`, `k.tf`) and the Keras input
    tensors, and returns the output tensor: the same code builds on Keras 2 and Keras 3.
    """

    id: str
    family: str
    build: Callable[..., Any]
    inputs: tuple[tuple[int, ...], ...] = (DEFAULT_SHAPE,)
    tags: tuple[str, ...] = ()
    tolerance: Tolerance = field(default=DEFAULT_TOLERANCE)
    input_scale: float = 1.0  # inputs are drawn from N(0, input_scale); widen it to reach clipping ranges
    seed: int = 0
    # > 0: inputs are integer indices in [0, index_range) instead, carried as float32 (what a default Keras Input
    # feeding an Embedding holds; Embedding casts them), so every path and reader is fed float32 as usual
    index_range: int = 0
    # Deployment inputs (family `deployment`): what OpenCV is fed (FEEDS), the reference's batch (the routes still
    # export at batch 1), the shapes the routes export at when the reference is at another size (the Keras model
    # then takes any spatial size), and the routes the case is measured through (empty: every route).
    feed: str = ""
    batch: int = 1
    export_inputs: tuple[tuple[int, ...], ...] = ()
    routes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _ID_PATTERN.match(self.id):
            raise ValueError(f"case id {self.id!r} must be lower-case words joined by '-'")
        if not _ID_PATTERN.match(self.family):
            raise ValueError(f"case {self.id}: family {self.family!r} must be a lower-case word")
        if not self.inputs:
            raise ValueError(f"case {self.id}: needs at least one input shape")
        if self.feed not in FEEDS:
            raise ValueError(f"case {self.id}: feed {self.feed!r} is not one of {FEEDS}")
        if self.export_inputs and len(self.export_inputs) != len(self.inputs):
            raise ValueError(f"case {self.id}: export_inputs needs one shape per input")

    @property
    def export_shapes(self) -> tuple[tuple[int, ...], ...]:
        """The shapes (batch left out) the routes export at: `export_inputs`, else `inputs`."""
        return self.export_inputs or self.inputs

    @property
    def keras_shapes(self) -> tuple[tuple[int | None, ...], ...]:
        """The Keras Inputs' shapes: `inputs`, or any spatial size (None) where the export's size differs."""
        if not self.export_inputs:
            return self.inputs
        return tuple((None,) * (len(shape) - 1) + shape[-1:] for shape in self.inputs)

    def offers(self, route: str) -> bool:
        """Whether the case is measured through `route`."""
        return not self.routes or route in self.routes

    @property
    def input_names(self) -> tuple[str, ...]:
        """Names given to the Keras inputs and kept by every export path."""
        if len(self.inputs) == 1:
            return ("input",)
        return tuple(f"input_{chr(ord('a') + i)}" for i in range(len(self.inputs)))


def unique_by_id(cases: list[Case]) -> list[Case]:
    """Return `cases` unchanged after checking that no id repeats."""
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise ValueError(f"duplicate case id {case.id!r}")
        seen.add(case.id)
    return cases


def apply_layer(layer: str, *args: Any, **kwargs: Any) -> Callable[..., Any]:
    """Builder applying one Keras layer, by class name, to the single input."""
    return lambda k, x: getattr(k.layers, layer)(*args, **kwargs)(x)


def apply_tf(function: Callable[..., Any], /, **arguments: Any) -> Callable[..., Any]:
    """Builder wrapping `function` (raw TF ops; it imports tensorflow itself, as a saved Lambda must) in a Lambda
    applied to the single input; `arguments` are passed to it by Keras (`Lambda(arguments=...)`), so they are saved
    with the model. Keras 3 refuses raw TF ops on its symbolic tensors outside a Lambda."""
    return lambda k, x: k.layers.Lambda(function, arguments=arguments)(x)


def after_conv(layer: str, *args: Any, **kwargs: Any) -> Callable[..., Any]:
    """Builder applying one Keras layer to a 3x3 convolution of the input (so it sees learned channels)."""
    return lambda k, x: getattr(k.layers, layer)(*args, **kwargs)(k.layers.Conv2D(4, 3, padding="same")(x))


def conv_then(builder: Callable[..., Any]) -> Callable[..., Any]:
    """Builder applying `builder` to a 3x3 convolution of the single input (so it sees learned channels)."""
    return lambda k, x: builder(k, k.layers.Conv2D(4, 3, padding="same")(x))
