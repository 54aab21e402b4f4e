import shutil
import sys
from pathlib import Path

import pytest

from conformance.opencv.runner import WORKER_SCRIPT, OpenCVRunner

FAKE_CV2 = Path(__file__).with_name("fake_cv2")
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def committed_report(tmp_path_factory):
    """What `tox -e report` makes of the committed results, built once per session (a build of the 27 measured
    envs takes minutes): in a copy of the project's reports in another folder, with tox's relative arguments, so
    that the outputs can also show that no path of the folder leaks into them. Returns the copy's `out` folder."""
    from reports.builder import cli

    committed = REPO / "reports"
    if not list((committed / "results").glob("*.json")):
        pytest.skip("no committed results")
    elsewhere = tmp_path_factory.mktemp("another-checkout")
    shutil.copytree(committed / "results", elsewhere / "reports" / "results",
                    ignore=shutil.ignore_patterns("*.xml", "*.tmp", "local"))
    shutil.copytree(committed / "baseline", elsewhere / "reports" / "baseline")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(elsewhere)
        assert cli.main(["--results-dir", "reports/results", "--out", "out",
                         "--baseline", "reports/baseline/support.json", "--expect-label", "measured"]) == 0
    return elsewhere / "out"


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
