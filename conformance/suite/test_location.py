"""Committed results do not depend on where the checkout lives: two copies of the project in different folders,
each with its own export cache, measure the same cells and write byte-identical results files.

The cells: a TFLite converter error whose message names files of the TF side (site-packages, the checkout), a
pass, and a failure with a triage record. Run with --determinism (set in matrix.DETERMINISM's ci envs): it exports
and runs them twice from scratch, in two pytest processes side by side.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SELECTION = "resize-bicubic-up-tflite-concrete-batch1 or conv2d-1x1-onnx-keras or flatten-tf-frozen-ours"
PROJECT = Path(__file__).resolve().parents[2]
COPIED = ("conformance", "model_zoo", "pyproject.toml")


def start_in_a_copy(folder: Path, conformance) -> subprocess.Popen:
    """Copy the project to `folder` and start measuring the cells there (a pytest process of its own)."""
    for name in COPIED:
        source = PROJECT / name
        (shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
         if source.is_dir() else shutil.copy(source, folder / name))
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1800000000", "CONFORMANCE_ENV": "location",
                   "CONFORMANCE_DETERMINISM": "", "CONFORMANCE_MAX_EXAMPLES": "0"}
    command = [sys.executable, "-m", "pytest", "conformance/suite/test_cells.py", "-q", "-p", "no:cacheprovider",
               "-k", SELECTION, "--opencv", conformance.settings.opencv,
               "--opencv-python", conformance.opencv.python, "--cache-dir", str(folder / "cache"),
               "--results-dir", "results", "--jobs", "1"]
    return subprocess.Popen(command, cwd=folder, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def results_of(measuring: subprocess.Popen, folder: Path) -> bytes:
    """The results file the copy in `folder` wrote, once its pytest process has ended."""
    output, _ = measuring.communicate(timeout=600)
    assert measuring.returncode in (0, 1), output[-6000:]
    return (folder / "results" / "location.json").read_bytes()


def test_two_checkouts_in_different_folders_commit_the_same_bytes(request, tmp_path):
    if not request.config.getoption("--determinism"):
        pytest.skip("checked with --determinism (CONFORMANCE_DETERMINISM=1, set in the ci envs of matrix.DETERMINISM)")
    conformance = request.getfixturevalue("conformance")
    folders = (tmp_path / "a" / "checkout", tmp_path / "elsewhere" / "deeper" / "clone")
    running = [start_in_a_copy(folder, conformance) for folder in folders]  # at once: the second core works too
    try:
        first, second = (results_of(measuring, folder) for measuring, folder in zip(running, folders, strict=True))
    finally:
        for measuring in running:  # one that failed leaves the other nothing to be compared with
            if measuring.poll() is None:
                measuring.kill()
    assert first.count(b'\n  {"case"') >= 3  # a converter error with TF-side paths, a pass, a failure
    assert b"/a/checkout" not in first and str(tmp_path).encode() not in first
    assert first == second
