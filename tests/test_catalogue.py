"""The catalogue and export paths, checked without TensorFlow."""
import importlib.util
import subprocess
import sys

import pytest

from model_zoo.case import Case, apply_layer
from model_zoo.cases import CATALOGUE, FAMILIES, by_id
from model_zoo.export import all_routes, by_name

REQUIRED_FAMILIES = {"upsampling", "resizing", "conv1d", "conv2d", "conv3d", "depthwise", "separable", "transpose",
                     "pooling", "dense", "embedding", "reshape", "slicing", "reduction", "recurrent", "normalization",
                     "activation", "merge", "padding", "custom", "blocks"}


def test_catalogue_is_large_and_covers_the_families():
    assert len(CATALOGUE) >= 150  # issue 5: above the ~150 cases of OpenCV's own TF test generator
    assert set(FAMILIES) >= REQUIRED_FAMILIES


def test_ids_are_unique_and_found():
    ids = [case.id for case in CATALOGUE]
    assert len(ids) == len(set(ids))
    assert by_id("upsampling2d-nearest-2x").family == "upsampling"
    with pytest.raises(KeyError, match="known"):
        by_id("no-such-case")


def test_case_ids_must_be_kebab_case():
    with pytest.raises(ValueError, match="lower-case"):
        Case("Conv_2D", "conv2d", apply_layer("Conv2D", 1, 1))


def test_multi_input_names():
    assert by_id("multi-input-concat").input_names == ("input_a", "input_b")
    assert by_id("conv2d-1x1").input_names == ("input",)


def test_paths_are_at_least_six_with_distinct_names_and_valid_layouts():
    paths = all_routes()
    assert len(paths) >= 6
    assert len({p.name for p in paths}) == len(paths)
    with pytest.raises(KeyError):
        by_name("caffe")


def collected(*args):
    """Cell ids pytest collects with these arguments (collection needs no TensorFlow)."""
    done = subprocess.run([sys.executable, "-m", "pytest", "conformance", "--collect-only", "-q", *args],
                          capture_output=True, text=True)
    return [line.split("[", 1)[1].rstrip("]") for line in done.stdout.splitlines() if "test_cell[" in line]


def test_k_upsampling_selects_only_upsampling_cells():
    ids = collected("-k", "upsampling")
    assert len(ids) == 9 * len(all_routes())  # UpSampling2D x 6, UpSampling1D, UpSampling3D x 2
    assert all(i.startswith(("upsampling1d-", "upsampling2d-", "upsampling3d-")) for i in ids)


def test_k_onnx_and_conv2d_selects_onnx_paths_of_conv2d_cases():
    ids = collected("-k", "onnx and conv2d")
    assert ids and all("onnx" in i and "conv2d" in i for i in ids)
    onnx_routes = {p.name for p in all_routes() if p.reader == "readNetFromONNX"}
    assert {next(r for r in onnx_routes if i.endswith("-" + r)) for i in ids} == onnx_routes


def test_family_markers_select_a_family():
    ids = collected("-m", "pooling")
    assert len(ids) == sum(c.family == "pooling" for c in CATALOGUE) * len(all_routes())


def test_opencv_5_measures_each_reader_engine_as_its_own_cell():
    ids = collected("-k", "upsampling2d-nearest-2x and onnx-keras and not export", "--opencv", "5.0")
    wanted = [f"upsampling2d-nearest-2x-onnx-keras-{engine}" for engine in ("auto", "classic", "new")]
    assert sorted(i for i in ids if i.startswith("upsampling2d-nearest-2x-")) == wanted
    assert collected("-m", "engine_new and pooling", "--opencv", "5.0") == [
        i + "-new" for i in collected("-m", "pooling", "--opencv", "4.12")]


def test_the_env_name_chooses_the_opencv_version(monkeypatch):
    monkeypatch.setenv("CONFORMANCE_ENV", "tf219-cv50-keras2")
    monkeypatch.delenv("CONFORMANCE_OPENCV", raising=False)
    assert all(i.endswith(("-classic", "-new", "-auto")) for i in collected("-k", "conv2d-1x1"))


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is not None, reason="TensorFlow is installed here")
def test_a_run_that_cannot_start_stops_at_once_with_one_clear_line():
    done = subprocess.run([sys.executable, "-m", "pytest", "conformance", "-k", "conv2d-1x1-onnx-keras", "-q",
                           "-p", "no:cacheprovider"], capture_output=True, text=True)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert "conformance run cannot start: TensorFlow is not installed here" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr and " error" not in done.stdout.splitlines()[-1]


def test_artifact_input_names_are_put_in_case_order_and_never_guessed():
    from model_zoo.export.common import in_case_order

    names = ("input_a", "input_b")
    assert in_case_order(names, ["serving_default_input_b:0", "serving_default_input_a:0"]) == (
        "serving_default_input_a:0", "serving_default_input_b:0")
    assert in_case_order(("input",), ["input:0"]) == ("input:0",)
    with pytest.raises(ValueError, match="matches"):
        in_case_order(("input",), ["x_input_a"])
    with pytest.raises(ValueError, match="the model has"):
        in_case_order(names, ["input_a"])


def test_keras_native_routes_are_offered_from_their_keras_version_on():
    assert by_name("onnx-keras-export").not_offered("2.15.0") == "Keras 2.15.0 does not offer this route (Keras >=3.8)"
    assert by_name("onnx-keras-export").not_offered("3.15.1") == ""
    assert by_name("tflite-litert").not_offered("3.12.0") and not by_name("tflite-litert").not_offered("3.13.0")
    assert all(not path.not_offered("2.15.0") for path in all_routes() if not path.keras)


def test_there_are_at_least_fourteen_model_routes_each_module_quoting_its_call():
    import importlib

    from model_zoo.export import ROUTE_MODULES

    assert len(all_routes()) >= 14 and len({path.name for path in all_routes()}) == len(all_routes())
    for module in ROUTE_MODULES:
        doc = importlib.import_module(f"model_zoo.export.{module}").__doc__
        assert "cv2.dnn" in doc or "readNet" in doc, module


def test_applications_few_leaves_out_the_architectures_not_in_few_and_none_leaves_out_all():
    from types import SimpleNamespace

    from conformance.suite import plugin
    from model_zoo.cases import applications

    def item(case_id):
        return SimpleNamespace(callspec=SimpleNamespace(params={"cell": (by_id(case_id), "onnx-keras", "")}))

    items = [item("mobilenetv2"), item("resnet50"), item(CATALOGUE[0].id), SimpleNamespace()]
    deselected = []
    for choice, kept in (("all", 4), ("few", 3), ("none", 2)):
        config = SimpleNamespace(getoption=lambda name, choice=choice: choice,
                                 hook=SimpleNamespace(pytest_deselected=lambda items: deselected.extend(items)))
        selection = list(items)
        plugin.pytest_collection_modifyitems(config, selection)
        assert len(selection) == kept
    assert [i.callspec.params["cell"][0].id for i in deselected] == ["resnet50", "mobilenetv2", "resnet50"]
    assert set(applications.FEW) < {case.id for case in applications.CASES}
