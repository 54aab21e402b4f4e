"""The OpenCV side's own environment: requirements per version, and a real cv2.dnn run in it."""
from pathlib import Path

import numpy as np
import pytest

from conformance.opencv import install
from conformance.opencv.runner import OpenCVRunner, worker_command

CACHE = Path(__file__).resolve().parents[1] / ".conformance-cache" / "opencv-envs"


@pytest.mark.parametrize("opencv, numpy", [("4.7", "numpy<2"), ("4.9", "numpy<2"), ("4.9.0.80", "numpy<2"),
                                           ("4.10", "numpy"), ("4.12", "numpy"), ("5.0", "numpy")])
def test_numpy_pin_follows_the_wheels_abi(opencv, numpy):
    assert install.requirements(opencv)[1] == numpy


def test_minor_version_means_newest_patch_and_full_version_is_exact():
    assert install.requirements("4.9")[0] == "opencv-python-headless==4.9.*"
    assert install.requirements("4.9.0.80", "opencv-python")[0] == "opencv-python==4.9.0.80"


@pytest.mark.parametrize("opencv, wheel", [("latest", "opencv-python"), ("4.9", "opencv")])
def test_bad_requests_are_refused_with_the_choices(opencv, wheel):
    with pytest.raises(ValueError):
        install.requirements(opencv, wheel)


def tiny_onnx_model(path: Path) -> None:
    """Relu(x) + bias, NCHW (1, 2, 2, 2): small enough to check by hand."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    bias = numpy_helper.from_array(np.array([0.5, -0.5], np.float32).reshape(1, 2, 1, 1), "bias")
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["r"]), helper.make_node("Add", ["r", "bias"], ["y"])],
        "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 2, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 2, 2])], [bias],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8), str(path))


def test_real_opencv_runs_in_its_own_environment(tmp_path):
    python = install.environment_python(CACHE, "4.12")
    model = tmp_path / "tiny.onnx"
    tiny_onnx_model(model)
    x = np.array([1, -1, 2, -2, -3, 3, 0, 4], np.float32).reshape(1, 2, 2, 2)
    with OpenCVRunner(worker_command(python), timeout=60, log_dir=tmp_path / "logs") as runner:
        hello = runner.start()
        outcome = runner.run(model, "readNetFromONNX", [("", x)], tmp_path / "cell")
    assert hello["opencv"].startswith("4.12.") and hello["wheel"].startswith("opencv-python-headless==4.12.")
    assert int(hello["numpy"].split(".")[0]) >= 2
    assert outcome.status == "ok", outcome.error
    np.testing.assert_allclose(outcome.outputs[0], np.maximum(x, 0) + np.array([0.5, -0.5]).reshape(1, 2, 1, 1))
