"""Create and cache the OpenCV side's own Python environment: only the OpenCV wheel and the numpy it needs.

Keyed by wheel, requested OpenCV version and Python version. Built with uv (seconds with a warm cache), under
a file lock so that parallel runs share one environment, and marked ready only once `import cv2` has worked.
"""
from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import sys
from pathlib import Path

from conformance.matrix import version_key

WHEELS = ("opencv-python-headless", "opencv-python", "opencv-contrib-python-headless", "opencv-contrib-python")
DEFAULT_WHEEL = "opencv-python-headless"
READY = "conformance-ready.json"


def requirements(opencv: str, wheel: str = DEFAULT_WHEEL) -> list[str]:
    """pip requirements for OpenCV `opencv` ("4.9" = newest 4.9.x, "4.9.0" newest 4.9.0.x, "4.9.0.80" exact) and its
    numpy.

    OpenCV 4.7-4.9 wheels install beside numpy 2 but fail to import under it; 4.12 and later require numpy 2,
    which their metadata already says; 4.10 and 4.11 accept both.
    """
    if wheel not in WHEELS:
        raise ValueError(f"unknown OpenCV wheel {wheel!r}; choose one of {', '.join(WHEELS)}")
    if not opencv or not opencv[0].isdigit():
        raise ValueError(f"OpenCV version {opencv!r} must look like 4.9 or 4.9.0.80")
    pin = f"=={opencv}" if opencv.count(".") >= 3 else f"=={opencv}.*"
    numpy = "numpy<2" if version_key(opencv)[:2] < (4, 10) else "numpy"
    return [f"{wheel}{pin}", numpy]


def uv_executable() -> str:
    found = shutil.which("uv")
    if found:
        return found
    try:
        from uv import find_uv_bin
    except ImportError:
        raise RuntimeError("uv is needed to build the OpenCV environment: pip install uv") from None
    return find_uv_bin()


def environment_python(root: Path, opencv: str, wheel: str = DEFAULT_WHEEL) -> Path:
    """Path of a Python that has only `wheel` at version `opencv` and numpy; create it on first use."""
    python_tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    folder = root / f"{wheel}-{opencv}-{python_tag}"
    python = folder / "bin" / "python"
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f".{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / READY).exists():
            _create(folder, python, requirements(opencv, wheel))
        (folder / READY).touch()  # its last use, for python -m model_zoo.cache prune --unused-days
    return python


def _create(folder: Path, python: Path, packages: list[str]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    uv = uv_executable()
    steps = [
        [uv, "venv", "--quiet", "--python", sys.executable, str(folder)],
        [uv, "pip", "install", "--quiet", "--python", str(python), *packages],
        [str(python), "-I", "-c", "import cv2, numpy; print(cv2.__version__, numpy.__version__)"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)  # no half-made environment is left behind
            raise RuntimeError(
                f"creating the OpenCV environment {folder} failed at: {' '.join(step)}\n{done.stderr.strip()}"
            )
    (folder / READY).write_text(json.dumps({"requirements": packages, "check": done.stdout.strip()}) + "\n")
