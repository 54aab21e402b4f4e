"""The fuzz tests' helpers without TensorFlow: drawn configurations, their ids, their printed Case(...) lines, the
fuzz judgement."""
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.judging import known_failures
from conformance.suite.fuzz import fuzz_judgement
from conformance.suite.strategies import FAMILIES, LayerConfig, argument_token, target_shape
from model_zoo.case import Case, apply_layer

any_config = st.one_of(*FAMILIES.values())


def layer_calls(case: Case) -> list[tuple[str, tuple, dict]]:
    """What `case.build` asks of Keras, recorded with a stand-in for the `k` namespace."""
    calls = []

    class Layers:
        def __getattr__(self, name):
            def make(*args, **kwargs):
                calls.append((name, args, kwargs))
                return lambda tensor: tensor
            return make

    case.build(SimpleNamespace(layers=Layers()), "input")
    return calls


@given(any_config)
@settings(max_examples=200)
def test_a_printed_case_evaluates_to_the_same_case(config):
    pasted = eval(config.source(), {"Case": Case, "apply_layer": apply_layer})
    case = config.case()
    assert (pasted.id, pasted.family, pasted.inputs, pasted.input_scale, pasted.seed) == (
        case.id, case.family, case.inputs, case.input_scale, case.seed)
    assert layer_calls(pasted) == layer_calls(case) == [(config.layer, (), dict(config.kwargs))]


@given(any_config)
def test_every_drawn_configuration_is_a_valid_case_of_a_catalogue_family(config):
    case = config.case()  # Case checks the id's form
    assert case.id.startswith(f"fuzz-{config.layer.lower()}-")
    assert case.family in {"conv2d", "depthwise", "transpose", "pooling", "upsampling", "padding", "reshape"}


def test_the_id_names_every_argument_so_a_pattern_can_select_a_class():
    config = LayerConfig("conv2d", "Conv2D", (("filters", 3), ("kernel_size", (3, 1)), ("strides", (2, 1)),
                                              ("padding", "same"), ("use_bias", False)), (7, 5, 2), seed=812)
    assert config.case_id == "fuzz-conv2d-f3-k3x1-s2x1-same-nobias-in7x5x2-v1-r812"
    assert argument_token("cropping", ((1, 2), (0, 3))) == "crop1x2x0x3"
    assert argument_token("use_bias", True) == "bias"
    assert LayerConfig("reshape", "Flatten", (), (2, 2, 1), input_scale=0.1).case_id == "fuzz-flatten-in2x2x1-v0p1-r0"


@given(st.integers(1, 400).flatmap(lambda n: st.tuples(st.just(n), target_shape(n))))
def test_a_drawn_target_shape_keeps_the_element_count(drawn):
    elements, shape = drawn
    assert 1 <= len(shape) <= 3 and all(axis >= 1 for axis in shape)
    product = 1
    for axis in shape:
        product *= axis
    assert product == elements


ENTRY = known_failures.KnownFailure(case=("fuzz-conv2d-*-bias-*",), path=("tflite",), status="mismatch",
                                    reason="a class of configurations")


@pytest.mark.parametrize(("status", "entry", "ok", "kind"), [
    ("mismatch", ENTRY, True, "known"),
    ("pass", ENTRY, True, "pass"),  # a drawn configuration may escape its class's failure
    ("import-error", ENTRY, False, "fails-differently"),
    ("mismatch", None, False, "unexpected-failure"),
    ("pass", None, True, "pass"),
])
def test_fuzz_judgement_accepts_a_class_entry_but_no_other_failure(status, entry, ok, kind):
    judgement = fuzz_judgement(status, entry)
    assert (judgement.ok, judgement.kind) == (ok, kind)
