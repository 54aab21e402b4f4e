"""Build a catalogue case into a Keras model with seeded, non-trivial weights and its TF reference output.

This is the only model_zoo module that needs TensorFlow at import time (through `keras_namespace`).
"""
from __future__ import annotations

import hashlib
import importlib
import zlib
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np

from model_zoo.case import Case

# Weight name (last path component, Keras 2 and 3 alike) -> how to draw it. Everything else is uniform(-0.5, 0.5).
# "variance": a Normalization layer's (EfficientNet's input normalization): Keras 2 divides by its square root
POSITIVE = {"gamma": (0.5, 1.5), "moving_variance": (0.5, 2.0), "variance": (0.5, 2.0), "alpha": (0.05, 0.5),
            "scale": (0.5, 1.5)}
CENTRED_NORMAL = {"moving_mean": 0.5}
KERNELS = {"kernel", "depthwise_kernel", "pointwise_kernel", "embeddings", "recurrent_kernel"}


@dataclass
class BuiltCase:
    """A case built in this TensorFlow: the model, its input specs and arrays, TF's own output."""

    case: Case
    model: Any
    input_specs: list[Any]  # tf.TensorSpec, batch 1, named as case.input_names
    inputs: list[np.ndarray]  # NHWC, as Keras takes them
    expected: list[np.ndarray]  # TF's output, as Keras gives it
    fingerprint: str  # hash of architecture, weights and inputs


def keras_namespace() -> SimpleNamespace:
    """`k.tf`, `k.keras`, `k.layers` of the Keras that this TensorFlow uses (Keras 2 up to TF 2.15, else 3)."""
    import tensorflow as tf

    return SimpleNamespace(tf=tf, keras=tf.keras, layers=tf.keras.layers)


def keras_version() -> str:
    """Version of the Keras behind `tf.keras`: tf-keras's under TF_USE_LEGACY_KERAS=1, else `keras`'s (TF 2.15's
    `tf.keras` has no `__version__`, nor has the lazy loader of tf-keras)."""
    keras_module = keras_namespace().keras
    version = getattr(keras_module, "__version__", None)
    if version is None:
        keras = importlib.import_module("tf_keras" if keras_module.__name__.startswith("tf_keras") else "keras")
        version = keras.__version__
    return version


def case_seed(case: Case) -> int:
    return zlib.crc32(case.id.encode()) + case.seed


def weight_short_name(variable: Any) -> str:
    """'conv2d/kernel:0' (Keras 2) or 'kernel' (Keras 3) -> 'kernel'."""
    return variable.name.split("/")[-1].split(":")[0]


def random_weight(name: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """A value for a weight that no default initializer would give (no zero bias, no identity BatchNorm)."""
    if name in POSITIVE:
        low, high = POSITIVE[name]
        return rng.uniform(low, high, shape).astype(np.float32)
    if name in CENTRED_NORMAL:
        return rng.normal(0.0, CENTRED_NORMAL[name], shape).astype(np.float32)
    if name in KERNELS:
        fan_in = max(1, int(np.prod(shape[:-1])))
        return rng.normal(0.0, 1.0 / np.sqrt(fan_in), shape).astype(np.float32)
    return rng.uniform(-0.5, 0.5, shape).astype(np.float32)


def randomize_weights(model: Any, rng: np.random.Generator) -> None:
    for layer in model.layers:
        weights = layer.weights
        if weights:
            layer.set_weights(
                [random_weight(weight_short_name(w), tuple(w.shape), rng) for w in weights]
            )


def build_case(case: Case) -> BuiltCase:
    """Build `case` as a Functional model, randomize its weights, and run TF on seeded inputs."""
    k = keras_namespace()
    # Fresh Keras state, so auto-generated layer names (part of the fingerprint) do not depend on which cases
    # or exports ran before in this process: a cached export must be found again by any later selection.
    k.keras.backend.clear_session()
    rng = np.random.default_rng(case_seed(case))
    keras_inputs = [k.keras.Input(shape, name=name) for shape, name in zip(case.keras_shapes, case.input_names,
                                                                            strict=True)]
    outputs = case.build(k, *keras_inputs)
    model = k.keras.Model(keras_inputs if len(keras_inputs) > 1 else keras_inputs[0], outputs, name="case")
    randomize_weights(model, rng)
    inputs = [draw_input(case, shape, rng) for shape in case.inputs]
    result = model(inputs if len(inputs) > 1 else inputs[0], training=False)
    expected = [np.asarray(r, dtype=np.float32) for r in (result if isinstance(result, (list, tuple)) else [result])]
    check_reference(expected)
    specs = [k.tf.TensorSpec((1, *shape), k.tf.float32, name=name)
             for shape, name in zip(case.export_shapes, case.input_names, strict=True)]
    return BuiltCase(case, model, specs, inputs, expected, _fingerprint(model, inputs))


def draw_input(case: Case, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """A seeded input of the case's batch: N(0, input_scale), or integers below `case.index_range` (as float32)."""
    if case.index_range:
        return rng.integers(0, case.index_range, (case.batch, *shape)).astype(np.float32)
    return (rng.standard_normal((case.batch, *shape)) * case.input_scale).astype(np.float32)


class CaseDefect(ValueError):
    """The case is unusable as a reference (a mistake in the catalogue, not a finding about OpenCV)."""


def check_reference(expected: list[np.ndarray]) -> None:
    """Refuse a TF reference output with NaN or Inf: no OpenCV result could be judged against it."""
    for index, output in enumerate(expected):
        bad = int(np.count_nonzero(~np.isfinite(output)))
        if bad:
            raise CaseDefect(f"TF's reference output {index} has {bad} NaN/Inf values of {output.size}: "
                             "a case must give finite outputs (check its input_scale and layers)")


def _fingerprint(model: Any, inputs: list[np.ndarray]) -> str:
    digest = hashlib.sha256(model.to_json().encode())
    for array in [*model.get_weights(), *inputs]:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:16]
