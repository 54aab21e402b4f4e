import sys
from pathlib import Path

import pytest

from conformance.opencv.runner import WORKER_SCRIPT, OpenCVRunner

FAKE_CV2 = Path(__file__).with_name("fake_cv2")


@pytest.fixture
def fake_worker_command():
    """The real worker script, run in isolated mode against the fake cv2 package."""
    bootstrap = (f"import sys, runpy; sys.path.insert(0, {str(FAKE_CV2)!r}); "
                 f"runpy.run_path({str(WORKER_SCRIPT)!r}, run_name='__main__')")
    return [sys.executable, "-I", "-c", bootstrap]


@pytest.fixture
def fake_runner(fake_worker_command, tmp_path):
    with OpenCVRunner(fake_worker_command, timeout=5.0, log_dir=tmp_path / "logs") as runner:
        yield runner


@pytest.fixture
def model_file(tmp_path):
    """Write a fake model whose text tells the fake cv2 how to behave."""

    def make(behaviour: str) -> Path:
        path = tmp_path / f"{behaviour}.onnx"
        path.write_text(behaviour)
        return path

    return make
