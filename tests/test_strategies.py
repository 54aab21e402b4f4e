"""The fuzz tests' helpers without TensorFlow: drawn configurations, their ids, their printed Case(...) lines, the
fuzz judgement; and the preprocessing table's pure parts."""
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance import known_failures
from conformance.fuzz import fuzz_judgement
from conformance.strategies import FAMILIES, LayerConfig, argument_token, target_shape
from model_zoo import preprocessing
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


def test_preprocessing_combinations_are_unique_and_name_their_opencv_call():
    ids = [blob.id for blob in preprocessing.BLOBS]
    assert len(ids) == len(set(ids))
    assert {blob.path for blob in preprocessing.BLOBS} == {"blob-from-image", "blob-from-images"}
    batch = preprocessing.by_id("batch-resize")
    assert batch.opencv_function == "blobFromImages"
    assert batch.opencv_arguments() == {"scalefactor": 1 / 255, "mean": [0.0, 0.0, 0.0], "swapRB": True,
                                        "crop": False, "size": [16, 16]}


@pytest.mark.parametrize(("blob", "image", "resized"), [
    (preprocessing.Blob("a", ((24, 32),)), (24, 32), None),  # no size: no resize
    (preprocessing.Blob("b", ((24, 32),), size=(32, 24)), (24, 32), None),  # the image's own size
    (preprocessing.Blob("c", ((24, 32),), size=(20, 10)), (24, 32), (10, 20)),  # (width, height) -> (h, w)
    (preprocessing.Blob("d", ((24, 32),), size=(12, 12), crop=True), (24, 32), (12, 16)),  # factor 0.5
    (preprocessing.Blob("e", ((24, 32),), size=(16, 16), crop=True), (24, 32), (16, 21)),  # 0.667: 21.33 -> 21
])
def test_the_size_opencv_resizes_to(blob, image, resized):
    assert preprocessing.resized_size(blob, *image) == resized


def test_seeded_images_are_uint8_bgr_and_the_same_every_time():
    blob = preprocessing.by_id("batch-resize")
    first, second = preprocessing.seeded_images(blob), preprocessing.seeded_images(blob)
    assert [image.shape for image in first] == [(24, 32, 3), (32, 24, 3)]
    assert all(image.dtype.name == "uint8" for image in first)
    assert all((a == b).all() for a, b in zip(first, second, strict=True))
