"""hypothesis strategies for the fuzzed layer families, and the configurations they draw.

A `LayerConfig` is one Keras layer applied to one input: its class, keyword arguments, input shape and the seed
of its weights and input values. It becomes a catalogue `Case` (`.case()`), and prints as the `Case(...)` line
that defines it (`.source()`), ready to paste into model_zoo/cases/ as a regression case. Its id names every
drawn argument (`fuzz-conv2d-f3-k3x1-s2x1-same-d1x1-bias-g1-in7x5x2-v1-r812`: input 7x5x2 of values
drawn from N(0, 1) with seed 812), so known_failures.toml can describe
a class of configurations with one pattern (`fuzz-conv2d-*-bias-*`).

The strategies draw arguments over small ranges but never decide validity: whatever they draw is built by Keras
(conformance/suite/test_fuzz.py), and what Keras refuses is rejected there. No TensorFlow is imported here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from model_zoo.case import Case, apply_layer

# How an argument shows in a case id: a prefix before its value(s); strings show as themselves, booleans as a word.
ID_PREFIXES = {
    "filters": "f", "kernel_size": "k", "strides": "s", "dilation_rate": "d", "groups": "g", "depth_multiplier": "m",
    "output_padding": "op", "pool_size": "p", "size": "x", "padding": "pad", "cropping": "crop", "target_shape": "t",
    "dims": "perm",
}
ID_FLAGS = {"use_bias": ("bias", "nobias")}


@dataclass(frozen=True)
class LayerConfig:
    """One drawn configuration: `layer(**kwargs)` applied to an input of `shape` (H, W, C)."""

    family: str  # the catalogue family the layer belongs to (conv2d, depthwise, transpose, pooling, ...)
    layer: str  # Keras layer class name
    kwargs: tuple[tuple[str, Any], ...]  # keyword arguments in order, as (name, value)
    shape: tuple[int, ...]
    seed: int = 0
    input_scale: float = 1.0

    @property
    def case_id(self) -> str:
        tokens = [argument_token(name, value) for name, value in self.kwargs]
        shape = "x".join(map(str, self.shape))
        scale = f"{self.input_scale:g}".replace(".", "p")
        return "-".join(["fuzz", self.layer.lower(), *tokens, f"in{shape}", f"v{scale}", f"r{self.seed}"])

    def case(self) -> Case:
        return Case(self.case_id, self.family, apply_layer(self.layer, **dict(self.kwargs)), inputs=(self.shape,),
                    input_scale=self.input_scale, seed=self.seed)

    def source(self) -> str:
        """The `Case(...)` definition of this configuration (it evaluates to an equal case, given `Case` and
        `apply_layer` from model_zoo.case)."""
        arguments = "".join(f", {name}={value!r}" for name, value in self.kwargs)
        return (f"Case({self.case_id!r}, {self.family!r}, apply_layer({self.layer!r}{arguments}), "
                f"inputs=({self.shape!r},), input_scale={self.input_scale!r}, seed={self.seed!r})")


def argument_token(name: str, value: Any) -> str:
    """`strides=(2, 1)` -> "s2x1", `padding="same"` -> "same", `use_bias=False` -> "nobias"."""
    if isinstance(value, bool):
        yes, no = ID_FLAGS.get(name, (name.replace("_", ""), "no" + name.replace("_", "")))
        return yes if value else no
    if isinstance(value, str):
        return value
    return ID_PREFIXES.get(name, name.replace("_", "")) + "x".join(str(v) for v in flatten(value))


def flatten(value: Any) -> list[Any]:
    if isinstance(value, (tuple, list)):
        return [item for part in value for item in flatten(part)]
    return [value]


def pairs(low: int, high: int) -> st.SearchStrategy[tuple[int, int]]:
    return st.tuples(st.integers(low, high), st.integers(low, high))


# Mostly 1, as most real layers have it: strides and dilation above 1 together are refused by Keras, and drawing
# both freely would spend most examples on refusals.
mostly_one = st.one_of(st.just((1, 1)), pairs(1, 3))
padding_mode = st.sampled_from(["same", "valid"])
side = st.integers(1, 10)
channels = st.integers(1, 4)
image = st.tuples(side, side, channels)
seeds = st.integers(0, 999)
scales = st.sampled_from([1.0, 0.1, 10.0])


@st.composite
def layer_config(draw, family: str, layer: st.SearchStrategy[str], arguments: dict[str, st.SearchStrategy],
                 shape: st.SearchStrategy[tuple[int, ...]] = image) -> LayerConfig:
    """A configuration of `family`: a layer class drawn from `layer`, each argument from its strategy."""
    return LayerConfig(family, draw(layer), tuple((name, draw(values)) for name, values in arguments.items()),
                       draw(shape), draw(seeds), draw(scales))


@st.composite
def reshape_config(draw) -> LayerConfig:
    """Reshape to a target shape of the input's element count (of 1 to 3 axes), Permute, or Flatten."""
    shape = draw(image)
    kind = draw(st.sampled_from(["Reshape", "Permute", "Flatten"]))
    if kind == "Reshape":
        kwargs = (("target_shape", draw(target_shape(shape[0] * shape[1] * shape[2]))),)
    elif kind == "Permute":
        kwargs = (("dims", tuple(draw(st.permutations([1, 2, 3])))),)
    else:
        kwargs = ()
    return LayerConfig("reshape", kind, kwargs, shape, draw(seeds), draw(scales))


@st.composite
def target_shape(draw, elements: int) -> tuple[int, ...]:
    """A shape of 1 to 3 axes with `elements` elements (by definition of a reshape; whether Keras and the paths
    accept it is then up to them)."""
    axes = draw(st.integers(1, 3))
    shape = []
    for _ in range(axes - 1):
        divisor = draw(st.sampled_from([d for d in range(1, elements + 1) if elements % d == 0]))
        shape.append(divisor)
        elements //= divisor
    return (*shape, elements)


CONV_ARGUMENTS = {"kernel_size": pairs(1, 5), "strides": mostly_one, "padding": padding_mode,
                  "dilation_rate": mostly_one, "use_bias": st.booleans()}

FAMILIES: dict[str, st.SearchStrategy[LayerConfig]] = {
    "conv2d": layer_config("conv2d", st.just("Conv2D"),
                           {"filters": st.integers(1, 4), **CONV_ARGUMENTS, "groups": st.sampled_from([1, 1, 2])}),
    "depthwise": layer_config("depthwise", st.just("DepthwiseConv2D"),
                              {**CONV_ARGUMENTS, "depth_multiplier": st.integers(1, 2)}),
    "transpose": layer_config("transpose", st.just("Conv2DTranspose"),
                              {"filters": st.integers(1, 4), "kernel_size": pairs(1, 4), "strides": mostly_one,
                               "padding": padding_mode, "use_bias": st.booleans()}),
    "pooling": layer_config("pooling", st.sampled_from(["MaxPooling2D", "AveragePooling2D"]),
                            {"pool_size": pairs(1, 4), "strides": pairs(1, 3), "padding": padding_mode}),
    "upsampling": layer_config("upsampling", st.just("UpSampling2D"),
                               {"size": pairs(1, 3), "interpolation": st.sampled_from(["nearest", "bilinear"])}),
    "padding": st.one_of(
        layer_config("padding", st.just("ZeroPadding2D"), {"padding": st.tuples(pairs(0, 3), pairs(0, 3))}),
        layer_config("padding", st.just("Cropping2D"), {"cropping": st.tuples(pairs(0, 3), pairs(0, 3))}),
    ),
    "reshape": reshape_config(),
}
