"""`python -m conformance.check` end to end in this env: a small model with a custom layer, saved as users save
it (`.keras` on Keras 3, `.h5` on Keras 2, and a SavedModel), checked on this env's OpenCV through the routes;
and every bad input of the command (corrupt file, missing custom object, newer Keras, unknown OpenCV) ends with
one line and exit code 2. Run with --check-command (set in matrix.CHECK_COMMAND's ci envs)."""
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from conformance import matrix
from conformance.judging.verdict import STATUSES
from model_zoo.export import all_routes

PROJECT = Path(__file__).resolve().parents[2]
LAYERS = textwrap.dedent('''
    import tensorflow as tf

    register = getattr(tf.keras, "saving", tf.keras.utils).register_keras_serializable


    @register(package="check_test")
    class ScaledTanh(tf.keras.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return tf.tanh(x) * self.scale
''')
SAVE = textwrap.dedent('''
    import sys
    import numpy as np
    import tensorflow as tf
    from check_layers import ScaledTanh

    k = tf.keras
    image = k.Input((8, 8, 3), name="image")
    model = k.Model(image, ScaledTanh()(k.layers.Conv2D(4, 3, padding="same")(image)))
    rng = np.random.default_rng(0)
    model.set_weights([rng.uniform(0.2, 0.8, w.shape).astype("float32") for w in model.get_weights()])
    keras2 = k.__version__.startswith("2.") if hasattr(k, "__version__") else True
    model.save(sys.argv[1] + (".h5" if keras2 else ".keras"))
    model.save(sys.argv[1] + "-savedmodel", save_format="tf") if keras2 else model.export(sys.argv[1] + "-savedmodel")
''')


@pytest.fixture(scope="module")
def saved(request, tmp_path_factory):
    if not request.config.getoption("--check-command"):
        pytest.skip("run with --check-command (CONFORMANCE_CHECK_COMMAND=1, set in matrix.CHECK_COMMAND's ci envs)")
    folder = tmp_path_factory.mktemp("check")
    (folder / "check_layers.py").write_text(LAYERS)
    (folder / "save.py").write_text(SAVE)
    done = subprocess.run([sys.executable, "save.py", str(folder / "model")], cwd=folder, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    model_file = next(folder.glob("model.*"))
    return folder, model_file


def check(request, folder: Path, *arguments: str, opencv: str = "") -> subprocess.CompletedProcess:
    """The command on this env's OpenCV (or `opencv`), with the session's cache of OpenCV environments."""
    conformance = request.getfixturevalue("conformance")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), str(PROJECT)])}
    command = [sys.executable, "-m", "conformance.check", *arguments, "--opencv",
               opencv or conformance.settings.opencv, "--cache-dir", str(conformance.settings.cache_dir)]
    return subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True, timeout=900)


def test_a_saved_model_with_a_custom_layer_through_every_route(request, saved):
    folder, model_file = saved
    done = check(request, folder, str(model_file), "--custom-objects", "check_layers", "--out", "out")
    assert done.returncode in (0, 1), done.stderr[-3000:]
    assert "Advice:" in done.stdout and "onnx-keras" in done.stdout
    report = json.loads((folder / "out" / "report.json").read_text())
    cells = report["cells"]
    engines = matrix.engines_for(report["opencv_sides"][0]["opencv"])
    assert sorted((cell["path"], cell["engine"]) for cell in cells) == sorted(
        (route.name, engine) for route in all_routes() for engine in engines)
    assert all(cell["status"] in STATUSES and cell["opencv"] for cell in cells)
    passing = {cell["path"] for cell in cells if cell["status"] == "pass"}
    assert passing, "a Conv2D and a tanh passed nowhere: " + done.stdout
    assert set(report["artifacts"]) == passing
    readme = (folder / "out" / "artifacts" / "README.md").read_text()
    for route in passing:
        notes = report["artifacts"][route]
        assert (folder / "out" / "artifacts" / notes["file"]).exists()
        assert f"cv2.dnn.{notes['reader']}(\"{notes['file']}\")" in readme
    assert "input image: float32" in readme
    assert "<table" in (folder / "out" / "report.html").read_text()
    assert done.returncode == (0 if all(item["route"] for item in report["advice"]) else 1)


def test_a_savedmodel_folder(request, saved):
    folder, _ = saved
    done = check(request, folder, "model-savedmodel", "--routes", "onnx-keras,tflite-keras,tf-frozen-grappler")
    assert done.returncode in (0, 1), done.stderr[-3000:]
    assert [line.split()[0] for line in done.stdout.splitlines()[1:4]] == ["tf-frozen-grappler", "onnx-keras",
                                                                           "tflite-keras"]


def newer_keras_file(folder: Path) -> Path:
    file = folder / "newer.keras"
    with zipfile.ZipFile(file, "w") as archive:
        archive.writestr("metadata.json", json.dumps({"keras_version": "99.0.0"}))
        archive.writestr("config.json", "{}")
    return file


@pytest.mark.parametrize("bad, said", [
    ("corrupt", "corrupt or another format"),
    ("no-custom-objects", "uses the custom object 'ScaledTanh'"),
    ("newer", "newer than this env's Keras"),
    ("unknown-opencv", "unknown OpenCV version"),
])
def test_bad_input_is_one_line_and_exit_code_2(request, saved, bad, said):
    folder, model_file = saved
    arguments = {
        "corrupt": [str(folder / "corrupt.keras")],
        "no-custom-objects": [str(model_file)],
        "newer": [str(newer_keras_file(folder))],
        "unknown-opencv": [str(model_file)],
    }[bad]
    (folder / "corrupt.keras").write_bytes(b"not a zip archive")
    done = check(request, folder, *arguments, opencv="3.4" if bad == "unknown-opencv" else "")
    errors = [line for line in done.stderr.splitlines() if line.startswith("check: ")]
    assert done.returncode == 2, done.stderr[-3000:]
    assert len(errors) == 1 and said in errors[0], done.stderr[-3000:]
    assert "Traceback" not in done.stderr
