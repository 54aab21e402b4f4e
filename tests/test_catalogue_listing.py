"""The catalogue listing (python -m model_zoo.catalogue), checked without TensorFlow on stand-in layers."""
import json
import sys
import types

import pytest

from model_zoo import catalogue
from model_zoo.case import Case, apply_layer, apply_tf
from model_zoo.cases import CATALOGUE
from model_zoo.fingerprint import describe


class InputLayer:
    pass


class Conv2D:
    pass


class LSTM:
    pass


class Bidirectional:
    def __init__(self):
        self.forward_layer = LSTM()


def test_layer_classes_leave_out_inputs_and_look_inside_wrappers():
    assert catalogue.layer_classes([InputLayer(), Conv2D(), Bidirectional()]) == {"Conv2D", "Bidirectional", "LSTM"}


def test_an_entry_joins_the_built_layers_and_the_declared_ops_and_reports_a_build_failure():
    case = Case("resize-up", "resizing", apply_layer("Conv2D", 1, 1), tags=("tf.image.resize",))
    assert catalogue.entry(case, lambda c: [InputLayer(), Conv2D()]).layers == ("Conv2D", "tf.image.resize")

    def broken(c):
        raise ValueError("no such layer")

    failed = catalogue.entry(case, broken)
    assert failed.error == "ValueError: no such layer" and failed.layers == ("tf.image.resize",)


def test_counts_and_table():
    entries = [catalogue.Entry("a", "conv2d", ("Conv2D", "ReLU")), catalogue.Entry("b", "conv2d", ("Conv2D",)),
               catalogue.Entry("c", "custom", (), "ValueError: x")]
    assert catalogue.counts(entries) == {"cases": 3, "families": 2, "layer_classes_and_ops": 2,
                                         "failed_to_build": ["c"]}
    text = catalogue.table(entries)
    assert "3 cases in 2 families, 2 distinct layer classes / TF ops" in text
    assert "BUILD FAILED: ValueError: x" in text and text.splitlines()[1].split() == ["a", "conv2d", "Conv2D,", "ReLU"]


def test_json_output_without_tensorflow_behind_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tensorflow", types.ModuleType("tensorflow"))
    monkeypatch.setattr(catalogue, "built_model_layers", lambda case: [Conv2D()])
    assert catalogue.main(["--json", "-k", "upsampling1d"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in listed["cases"]] == ["upsampling1d-2x"]
    assert listed["counts"]["layer_classes_and_ops"] == 1


@pytest.mark.parametrize("case", [c for c in CATALOGUE if "Lambda" in describe(c.build, set())], ids=lambda c: c.id)
def test_every_case_with_raw_tf_ops_declares_them(case):
    """The listing reads layer classes from the model, but a Lambda's ops only from the case's tags."""
    assert any(tag.startswith("tf.") for tag in case.tags)


def test_apply_tf_passes_arguments_through_keras():
    built = apply_tf(lambda t, size: t, size=(2, 3))
    calls = []

    class Lambda:
        def __init__(self, function, arguments):
            calls.append(arguments)

        def __call__(self, x):
            return x

    assert built(types.SimpleNamespace(layers=types.SimpleNamespace(Lambda=Lambda)), "x") == "x"
    assert calls == [{"size": (2, 3)}]
