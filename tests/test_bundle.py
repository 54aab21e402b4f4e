"""Reproducer bundles: repro.py, with nothing but numpy and cv2, gives the suite's verdict again."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conformance.evidence.bundle import numbered, write_bundle
from conformance.judging.verdict import Verdict, compare, failed
from conformance.opencv import install
from conformance.opencv.runner import OpenCVRunner, worker_command
from model_zoo.case import Tolerance
from tests.conftest import FAKE_CV2
from tests.test_opencv_install import CACHE

X = np.arange(12, dtype=np.float32).reshape(1, 2, 2, 3)
TOLERANCE = Tolerance(1e-4)


def bundle(folder: Path, model: Path, suite: Verdict, inputs=(("", X),), expected=(X * 2,), timeout=5.0) -> Path:
    return write_bundle(folder, cell="case-path", model=model, reader="readNetFromONNX", engine="", inputs=inputs,
                        expected=list(expected), tolerance=TOLERANCE, suite=suite, versions="cell: case-path",
                        timeout=timeout, memory_limit_mb=4096)


def repro(folder: Path, python: str = sys.executable, cv2_path: Path | None = FAKE_CV2):
    """Run repro.py from its own folder, where only cv2 (here the fake one) and numpy can be imported."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    if cv2_path is not None:
        environment["PYTHONPATH"] = str(cv2_path)
    return subprocess.run([python, "repro.py"], cwd=folder, env=environment, capture_output=True, text=True,
                          timeout=60)


def fake_model(tmp_path: Path, behaviour: str) -> Path:
    model = tmp_path / "model" / "model.onnx"
    model.parent.mkdir(exist_ok=True)
    model.write_text(behaviour)
    return model


@pytest.mark.parametrize("behaviour, suite", [
    ("segfault", failed("crash", "forward", "OpenCV worker killed by SIGSEGV")),
    ("hang", failed("timeout", "forward", "no answer")),
    ("forward-error", failed("forward-error", "forward", "fake")),
    ("import-error", failed("import-error", "import", "fake")),
    ("ok", compare([X * 2], [X * 2], TOLERANCE)),
])
def test_repro_gives_the_suites_status_for_every_outcome(tmp_path, behaviour, suite):
    folder = bundle(tmp_path / "bundle", fake_model(tmp_path, behaviour), suite, timeout=2.0)
    done = repro(folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"case-path in OpenCV 0.0.0-fake: {suite.status}" in done.stdout
    assert "same verdict" in done.stdout


def test_repro_says_so_when_the_verdict_differs(tmp_path):
    suite = Verdict("mismatch", "compare", "x", compare([X], [X + 1], TOLERANCE).metrics)
    folder = bundle(tmp_path / "bundle", fake_model(tmp_path, "ok"), suite)
    done = repro(folder)
    assert done.returncode == 1 and "DIFFERENT verdict" in done.stdout and ": pass" in done.stdout


def test_several_inputs_are_numbered_files_named_in_repro(tmp_path):
    inputs = [("input_a", X), ("input_b", X + 1)]
    folder = bundle(tmp_path / "bundle", fake_model(tmp_path, "ok"), compare([X * 4 + 2], [X * 4 + 2], TOLERANCE),
                    inputs=inputs, expected=[X * 4 + 2])
    assert sorted(path.name for path in folder.iterdir()) == [
        ".bundle-key", "expected.npy", "input_0.npy", "input_1.npy", "model.onnx", "repro.py", "versions.txt"]
    assert "INPUTS = [('input_a', 'input_0.npy'), ('input_b', 'input_1.npy')]" in (folder / "repro.py").read_text()
    np.testing.assert_array_equal(np.load(folder / "input_1.npy"), X + 1)
    assert "same verdict" in repro(folder).stdout  # the fake adds its inputs: (2X + 2(X + 1)) = 4X + 2


def test_repro_imports_nothing_of_this_project(tmp_path):
    folder = bundle(tmp_path / "bundle", fake_model(tmp_path, "ok"), compare([X * 2], [X * 2], TOLERANCE))
    source = (folder / "repro.py").read_text()
    imported = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert imported and not any(name in line for line in imported for name in ("conformance", "model_zoo"))


def test_an_export_error_bundle_keeps_the_error_and_has_no_repro(tmp_path):
    suite = failed("export-error", "export", "ValueError: no", "Traceback ...\nValueError: no")
    folder = write_bundle(tmp_path / "b", cell="c", model=None, reader="readNetFromONNX", engine="",
                          inputs=[("", X)], expected=[X], tolerance=TOLERANCE, suite=suite, versions="v",
                          timeout=1.0, memory_limit_mb=0)
    assert sorted(path.name for path in folder.iterdir()) == [".bundle-key", "error.txt", "expected.npy",
                                                               "input.npy", "versions.txt"]
    assert "Traceback" in (folder / "error.txt").read_text()


def test_a_bundle_is_written_again_only_when_something_in_it_changes(tmp_path):
    model = fake_model(tmp_path, "ok")
    folder = bundle(tmp_path / "bundle", model, compare([X * 2], [X * 2], TOLERANCE))
    (folder / "repro.py").write_text("# the same bundle: left as it is")
    bundle(tmp_path / "bundle", model, compare([X * 2], [X * 2], TOLERANCE))
    assert (folder / "repro.py").read_text() == "# the same bundle: left as it is"
    bundle(tmp_path / "bundle", model, compare([X * 2], [X * 2], TOLERANCE), expected=[X * 3])
    assert "Reproduce the conformance cell" in (folder / "repro.py").read_text()


def test_numbered_names_only_several_files():
    assert numbered("input", 1) == ["input.npy"] and numbered("expected", 2) == ["expected_0.npy", "expected_1.npy"]


def tile_onnx_model(path: Path) -> None:
    """x (1, 2, 2, 3) -> Unsqueeze(axis 2) -> Tile(1, 1, 2, 1, 1) -> Reshape (1, 4, 2, 3): nearest upsampling of
    axis 1 as tf2onnx writes Keras 3's UpSampling2D; OpenCV 4.12 computes it wrongly (max abs 6 on arange)."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    constants = [numpy_helper.from_array(np.array(values, np.int64), name) for name, values in
                 (("axes", [2]), ("repeats", [1, 1, 2, 1, 1]), ("shape", [1, 4, 2, 3]))]
    graph = helper.make_graph(
        [helper.make_node("Unsqueeze", ["x", "axes"], ["u"]), helper.make_node("Tile", ["u", "repeats"], ["t"]),
         helper.make_node("Reshape", ["t", "shape"], ["y"])],
        "tile", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 2, 3])], constants,
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8), str(path))


def test_repro_reproduces_a_real_opencv_mismatch(tmp_path):
    python = install.environment_python(CACHE, "4.12")
    model = tmp_path / "export" / "model.onnx"
    model.parent.mkdir()
    tile_onnx_model(model)
    expected = np.repeat(X, 2, axis=1)
    with OpenCVRunner(worker_command(python), timeout=60, log_dir=tmp_path / "logs") as runner:
        outcome = runner.run(model, "readNetFromONNX", [("", X)], tmp_path / "cell")
    suite = compare([expected], outcome.outputs, TOLERANCE)
    assert suite.status == "mismatch", "OpenCV 4.12 no longer gets Tile wrong: pick another known bug"
    folder = bundle(tmp_path / "bundle", model, suite, expected=[expected])
    done = repro(folder, python=str(python), cv2_path=None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ": mismatch at stage compare" in done.stdout and "same verdict" in done.stdout
    assert f"max abs {suite.metrics.max_abs:.4g}" in done.stdout
