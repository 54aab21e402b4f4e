"""The check command's pieces without TensorFlow: the advice's route order, the printed table and advice, the
catalogue's word on a failure, the parsing of shapes and options, and every bad input that is refused before TF
is imported (one `check: ` line, exit code 2). The end-to-end run is conformance/suite/test_check.py."""
import json
import tempfile

import numpy as np
import pytest

from conformance import advice
from conformance.check import cli, output, similar
from conformance.check import model as user_model
from conformance.check.model import BadInput


def record(route: str, status: str, opencv: str = "4.12.0", engine: str = "", **more) -> dict:
    return {"path": route, "status": status, "opencv": opencv, "engine": engine, "error": "", **more}


def test_advice_takes_the_first_passing_route_in_the_documented_order():
    cells = [("4.12", "tf-frozen", "", "pass"), ("4.12", "onnx-nchw", "", "pass"),
             ("4.12", "onnx-keras", "", "mismatch"), ("4.9", "onnx-keras", "", "import-error")]
    expected = [advice.Choice("4.9", None), advice.Choice("4.12", "onnx-nchw")]
    assert advice.choices(cells, ["4.9", "4.12"]) == expected


def test_advice_prefers_the_default_engine_on_opencv_5():
    cells = [("5.0", "onnx-keras", engine, "pass") for engine in ("classic", "new", "auto")]
    assert advice.choices(cells, ["5.0"]) == [advice.Choice("5.0", "onnx-keras", "auto")]
    assert advice.Choice("5.0", "onnx-keras", "auto").line() == "OpenCV 5.0: use onnx-keras with engine='auto'"


def test_advice_puts_an_unknown_route_after_every_known_one_that_survives():
    assert advice.preference(("given-onnx", "")) > advice.preference(("keras-file", ""))
    assert advice.preference(("given-onnx", "")) < advice.preference(("tf-frozen", ""))  # at risk: after


def test_opencv_message_drops_the_build_path_and_error_code():
    error = ("OpenCV(4.12.0) /io/opencv/modules/dnn/src/layers/tile_layer.cpp:31: error: (-215:Assertion failed) "
             "repeats.size() == 4 in function 'TileLayerImpl'")
    assert output.opencv_message(error) == "repeats.size() == 4 (tile_layer.cpp:31)"
    assert output.opencv_message("plain words") == "plain words"


def test_shortened_keeps_one_line_within_the_limit():
    text = output.shortened("a\nb " + "x" * 50, 20)
    assert len(text) == 20 and "\n" not in text and text.endswith("…")


def test_table_has_a_column_per_opencv_and_engine_and_the_first_reason_per_route():
    records = [record("onnx-keras", "pass"), record("onnx-keras", "mismatch", "5.0.0", "new", error="max abs 3"),
               record("tf-frozen", "import-error", error="Input layer not found")]
    lines = output.table(records).splitlines()
    assert lines[0].split() == ["4.12.0", "5.0.0", "new"]
    assert lines[1].split()[:3] == ["onnx-keras", "pass", "mismatch"] and lines[1].endswith("max abs 3")
    assert lines[2].split()[:3] == ["tf-frozen", "import-error", "-"] and lines[2].endswith("Input layer not found")


def test_advice_lines_name_the_layer_and_the_catalogue_case_failing_alike():
    like = {"case": "upsampling2d-nearest-2x", "status": "mismatch", "error": "", "reason": "Repeat read wrongly",
            "link": "https://github.com/opencv/opencv/issues/1"}
    records = [record("onnx-keras", "mismatch", keras_layer={"name": "up", "class": "UpSampling2D"}, like=like),
               record("tflite-keras", "pass")]
    chosen, lines = output.advice_lines(records, ["4.12.0"])
    assert chosen == [advice.Choice("4.12.0", "tflite-keras")]
    assert lines[0] == "OpenCV 4.12.0: use tflite-keras"
    assert lines[1] == ("  onnx-keras on OpenCV 4.12.0: mismatch, first diverging layer 'up' (UpSampling2D); the "
                        "catalogue's upsampling2d-nearest-2x fails the same way (known: Repeat read wrongly, see "
                        "https://github.com/opencv/opencv/issues/1)")
    assert output.reason(records[0]) == "known (upsampling2d-nearest-2x): Repeat read wrongly"


@pytest.mark.parametrize("routes, code", [(["onnx-keras", None], 1), (["onnx-keras", "tf-frozen"], 0), ([None], 1)])
def test_exit_code_is_1_when_some_version_has_no_route(routes, code):
    assert output.exit_code([advice.Choice(str(i), route) for i, route in enumerate(routes)]) == code


def test_artifacts_readme_says_how_to_read_each_file():
    notes = {"file": "onnx-keras/model.onnx", "reader": "readNetFromONNX", "route": "tf2onnx from Keras",
             "passes_on": ["4.12.0"], "inputs": [{"name": "image", "shape": [1, 8, 8, 3], "layout": "NHWC"}],
             "outputs": [{"index": 0, "shape": [1, 4], "layout": "2D, as the model"}]}
    readme = output.artifacts_readme({"onnx-keras": notes})
    assert 'net = cv2.dnn.readNetFromONNX("onnx-keras/model.onnx")' in readme
    assert "# input image: float32 (1, 8, 8, 3) NHWC" in readme and "Passes on OpenCV 4.12.0." in readme
    assert "None: no route passed" in output.artifacts_readme({})


@pytest.mark.parametrize("opencv_layer, expected", [
    ("onnx_node!model/up_sampling2d/Repeat", ("up_sampling2d", "UpSampling2D")),
    ("model/conv2d_1/BiasAdd", ("conv2d", "Conv2D")),
    ("StatefulPartitionedCall:0", None),
])
def test_keras_layer_of_an_opencv_layer_name(opencv_layer, expected):
    assert similar.keras_layer_of(opencv_layer, {"up_sampling2d": "UpSampling2D", "conv2d": "Conv2D"}) == expected


def test_same_failure_prefers_the_case_named_after_the_layer_then_the_closest_error():
    catalogue = [
        {"case": "conv2d-3x3", "path": "onnx-keras", "status": "mismatch", "error": "max abs 2"},
        {"case": "upsampling2d-nearest-2x", "path": "onnx-keras", "status": "mismatch", "error": "max abs 3"},
        {"case": "tile-2x", "path": "onnx-keras", "status": "import-error", "error": "Tile: repeats 'x' unsupported"},
        {"case": "tile-3x", "path": "tflite-keras", "status": "import-error", "error": "Tile: repeats 'x' unsupported"},
    ]
    by_layer = similar.same_failure("onnx-keras", "", "mismatch", "", "UpSampling2D", catalogue)
    assert by_layer["case"] == "upsampling2d-nearest-2x"
    by_error = similar.same_failure("onnx-keras", "", "import-error", "Tile: repeats 'y' unsupported", None, catalogue)
    assert by_error["case"] == "tile-2x"
    assert similar.same_failure("onnx-keras", "", "import-error", "something else entirely here", None,
                                catalogue) is None
    assert similar.same_failure("onnx-keras", "new", "mismatch", "max abs 3", None, catalogue) is None
    assert similar.same_failure("onnx-keras", "", "mismatch", "max abs 3", None, catalogue) is None  # numbers only


def test_catalogue_results_come_from_the_measured_env_of_the_same_opencv_minor_and_keras(tmp_path):
    for name, case in (("tf215-cv412", "keras2-case"), ("tf219-cv412", "keras3-case"), ("tf219-cv49", "other")):
        (tmp_path / f"{name}.json").write_text(json.dumps({"schema": 3, "cells": [{"case": case}]}))
    assert [c["case"] for c in similar.catalogue_results(tmp_path, "2.20.0", False, "4.12.0")] == ["keras3-case"]
    assert [c["case"] for c in similar.catalogue_results(tmp_path, "2.15.1", True, "4.12.0")] == ["keras2-case"]
    assert similar.catalogue_results(tmp_path, "2.19.0", False, "4.7.0") == []


def test_parse_and_fix_input_shapes():
    assert user_model.parse_shapes(["96,96,3"], ["image"]) == {"image": (96, 96, 3)}
    assert user_model.static_shapes(["image"], [(None, None, None, 3)], {"image": (96, 96, 3)}) == [(96, 96, 3)]
    assert user_model.static_shapes(["image"], [(None, 8, 8, 3)], {}) == [(8, 8, 3)]


@pytest.mark.parametrize("call, said", [
    (lambda: user_model.parse_shapes(["8,8,3"], ["a", "b"]), "write NAME=H,W,C"),
    (lambda: user_model.parse_shapes(["c=8,8,3"], ["a", "b"]), "no input 'c'"),
    (lambda: user_model.parse_shapes(["8,x,3"], ["a"]), "expected whole numbers"),
    (lambda: user_model.static_shapes(["a"], [(None, None, None, 3)], {}), "--input-shape N,N,3"),
    (lambda: user_model.static_shapes(["a"], [(None, 8, 3)], {"a": (8, 8, 3)}), "has 3 dimensions"),
    (lambda: user_model.custom_objects("no_such_module_here"), "cannot import 'no_such_module_here'"),
    (lambda: user_model.custom_objects("json:NoSuchThing"), "json has no 'NoSuchThing'"),
])
def test_bad_shapes_and_custom_objects_say_what_to_do(call, said):
    with pytest.raises(BadInput, match=said):
        call()


def test_custom_objects_by_attribute():
    assert user_model.custom_objects("json:JSONDecoder") == {"JSONDecoder": json.JSONDecoder}
    assert user_model.custom_objects(None) == {}


def test_given_input_takes_the_array_with_or_without_its_batch(tmp_path):
    np.save(tmp_path / "x.npy", np.ones((4, 4, 3)))
    array = user_model.given_input(tmp_path / "x.npy", (4, 4, 3))
    assert array.shape == (1, 4, 4, 3) and array.dtype == np.float32
    with pytest.raises(BadInput, match=r"has shape \(4, 4, 3\); the model takes \(1, 5, 4, 3\)"):
        user_model.given_input(tmp_path / "x.npy", (5, 4, 3))


def bad_models(tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "model.pt").write_bytes(b"")
    return {"missing": tmp_path / "missing.keras", "folder": tmp_path / "folder", "suffix": tmp_path / "model.pt"}


@pytest.mark.parametrize("arguments, said", [
    (["{missing}"], "no such file or folder"),
    (["{folder}"], "not a SavedModel (no saved_model.pb in it)"),
    (["{suffix}"], "unknown format '.pt'"),
    (["{missing}", "--opencv", "3.4"], "--opencv '3.4': unknown OpenCV version"),
    (["{missing}", "--opencv", " , "], "give at least one version"),
    (["{suffix}", "--routes", "onnx-keras"], "unknown format"),
])
def test_bad_input_before_tensorflow_is_one_line_and_exit_code_2(tmp_path, capsys, monkeypatch, arguments, said):
    models = bad_models(tmp_path)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    code = cli.main([argument.format(**models) for argument in arguments])
    errors = capsys.readouterr().err.splitlines()
    assert code == 2
    assert len(errors) == 1 and errors[0].startswith("check: ") and said in errors[0], errors
    assert not list(scratch.iterdir())  # the command's scratch folder is gone after a bad input too


def test_unknown_routes_are_named(tmp_path):
    (tmp_path / "model.keras").write_bytes(b"")
    with pytest.raises(BadInput, match="--routes: unknown onnx-nope; known: tf-frozen"):
        cli.chosen_routes("keras", tmp_path / "model.keras", "onnx-keras, onnx-nope")
    assert [r.name for r in cli.chosen_routes("keras", tmp_path / "model.keras", "tflite-keras,onnx-keras")] == [
        "onnx-keras", "tflite-keras"]
    assert [r.name for r in cli.chosen_routes("exported", tmp_path / "model.onnx", None)] == ["given-onnx"]


def test_advice_knows_the_place_of_every_route():
    """The support table advises only the routes of ROUTE_ORDER: a route missing there would never be advised."""
    from model_zoo.export import all_routes

    assert {route.name for route in all_routes()} == set(advice.ROUTE_ORDER)
