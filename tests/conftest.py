import io
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from conformance.opencv.runner import WORKER_SCRIPT, OpenCVRunner

FAKE_CV2 = Path(__file__).with_name("fake_cv2")
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def committed_reports(tmp_path_factory):
    """reports/ as committed at HEAD, extracted into another folder: what CI checks. The working tree's results
    files change under a run (`tox -e tf215-cv49` rewrites reports/results/tf215-cv49.json with its selection), so
    the committed pair is read from git; without git (an unpacked archive) the working tree is all there is."""
    elsewhere = tmp_path_factory.mktemp("another-checkout")
    archive = subprocess.run(["git", "archive", "HEAD", "reports"], capture_output=True, cwd=REPO)
    if archive.returncode == 0:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(elsewhere, filter="data")
    else:
        shutil.copytree(REPO / "reports", elsewhere / "reports",
                        ignore=shutil.ignore_patterns("*.xml", "*.tmp", "local"))
    return elsewhere / "reports"


@pytest.fixture(scope="session")
def committed_report(committed_reports):
    """What `tox -e report` makes of the committed results, built once per session (a build of the measured envs
    takes minutes), with tox's relative arguments, in the copy's folder so that the outputs can also show that no
    path of the folder leaks into them. Returns the build's `out` folder beside the copy's reports."""
    from reports.builder import cli

    if not list((committed_reports / "results").glob("*.json")):
        pytest.skip("no committed results")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(committed_reports.parent)
        assert cli.main(["--results-dir", "reports/results", "--out", "out",
                         "--baseline", "reports/baseline/support.json", "--expect-label", "measured"]) == 0
    return committed_reports.parent / "out"


@pytest.fixture
def fake_worker_command():
    """The real worker script, run in isolated mode against the fake cv2 package."""
    bootstrap = (f"import sys, runpy; sys.path.insert(0, {str(FAKE_CV2)!r}); "
                 f"runpy.run_path({str(WORKER_SCRIPT)!r}, run_name='__main__')")
    return [sys.executable, "-I", "-c", bootstrap]


@pytest.fixture(params=[True, False], ids=["forked", "started"])
def forked(request):
    """Whether runners fork their workers from a zygote (as the suite's OpenCV sides do) or start each one."""
    return request.param


@pytest.fixture
def fake_runner(fake_worker_command, tmp_path, forked):
    with OpenCVRunner(fake_worker_command, timeout=5.0, log_dir=tmp_path / "logs", forked=forked) as runner:
        yield runner


@pytest.fixture
def model_file(tmp_path):
    """Write a fake model whose text tells the fake cv2 how to behave."""

    def make(behaviour: str) -> Path:
        path = tmp_path / f"{behaviour}.onnx"
        path.write_text(behaviour)
        return path

    return make
