"""pytest plugin: one test per case x export path, known-failure strictness, results file, run summary.

Test ids are `<case>-<path>` (`pytest -k upsampling`, `-k "onnx and conv2d"`); each cell carries its case
family and its path as markers (`-m pooling`, `-m onnx_keras`).
"""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from conformance.opencv_env import DEFAULT_WHEEL, WHEELS
from conformance.verdict import summarize
from model_zoo.cases import CATALOGUE, FAMILIES
from model_zoo.export import all_paths

DEFAULT_OPENCV = "4.9"
_SESSION = pytest.StashKey()


def marker(name: str) -> str:
    return name.replace("-", "_")


def pytest_addoption(parser):
    group = parser.getgroup("conformance", "TF/Keras -> cv2.dnn conformance cells")
    group.addoption("--opencv", default=os.environ.get("CONFORMANCE_OPENCV", DEFAULT_OPENCV),
                    help="OpenCV version for the OpenCV side, e.g. 4.9 or 4.9.0.80 (env CONFORMANCE_OPENCV)")
    group.addoption("--opencv-wheel", default=os.environ.get("CONFORMANCE_OPENCV_WHEEL", DEFAULT_WHEEL),
                    choices=WHEELS, help="which OpenCV wheel to install (env CONFORMANCE_OPENCV_WHEEL)")
    group.addoption("--opencv-python", default=os.environ.get("CONFORMANCE_OPENCV_PYTHON"),
                    help="use this interpreter, which already has the wanted cv2, instead of a cached environment")
    group.addoption("--env-name", default=os.environ.get("CONFORMANCE_ENV"),
                    help="name of the results file (default: the tox env, else tf<TF>-cv<OpenCV>)")
    group.addoption("--results-dir", default="reports/results", help="where <env>.json is written")
    group.addoption("--cache-dir", default=os.environ.get("CONFORMANCE_CACHE_DIR", ".conformance-cache"),
                    help="exports and OpenCV environments are cached here (env CONFORMANCE_CACHE_DIR)")
    group.addoption("--resume", action="store_true",
                    help="continue an interrupted run: cells already in the results file (same versions) are kept")
    group.addoption("--cell-timeout", type=float, default=120.0,
                    help="seconds one cell may spend in OpenCV before it is a timeout")


def pytest_configure(config):
    for family in FAMILIES:
        config.addinivalue_line("markers", f"{marker(family)}: cells of the {family} layer family")
    for path in all_paths():
        config.addinivalue_line("markers", f"{marker(path.name)}: cells exported via {path.name} ({path.summary})")


def pytest_generate_tests(metafunc):
    if "cell" not in metafunc.fixturenames:
        return
    params = [
        pytest.param((case, path), id=f"{case.id}-{path.name}",
                     marks=[getattr(pytest.mark, marker(case.family)), getattr(pytest.mark, marker(path.name))])
        for case in CATALOGUE
        for path in all_paths()
    ]
    metafunc.parametrize("cell", params)


def _settings(config):
    from conformance.session import Settings
    from model_zoo.versions import tensorflow_version, tf_side

    opencv = config.getoption("--opencv")
    env_name = config.getoption("--env-name")
    if not env_name:
        tf = tensorflow_version(tf_side())
        env_name = f"tf{''.join(tf.split('.')[:2])}-cv{''.join(opencv.split('.')[:2])}"
    root = Path(str(config.rootpath))
    selection = " ".join(f"{flag} {value!r}" for flag, value in
                         (("-k", config.getoption("keyword")), ("-m", config.getoption("markexpr"))) if value)
    return Settings(
        opencv=opencv, wheel=config.getoption("--opencv-wheel"), env_name=env_name,
        results_dir=root / config.getoption("--results-dir"), cache_dir=root / config.getoption("--cache-dir"),
        timeout=config.getoption("--cell-timeout"), opencv_python=config.getoption("--opencv-python"),
        selection=selection or None, resume=config.getoption("--resume"),
    )


@pytest.fixture(scope="session")
def conformance(request):
    """The run's ConformanceSession (OpenCV worker, artifact store, results file)."""
    from conformance.session import ConformanceSession

    session = ConformanceSession(_settings(request.config))
    request.config.stash[_SESSION] = session
    yield session
    selected = sum(1 for item in request.session.items if "cell" in getattr(item, "fixturenames", ()))
    session.close(complete=len(session.results.cells) == selected)


def pytest_terminal_summary(terminalreporter, config):
    session = config.stash.get(_SESSION, None)
    if session is None:
        return
    cells = session.results.cells
    write = terminalreporter.write_line
    terminalreporter.section(f"conformance summary: {session.results.env}")
    write(session.versions_line)
    write(f"{len(cells)} cells -> {session.results.file}")
    summary = summarize([(c.path, c.status) for c in cells])
    write("by status: " + ", ".join(f"{s} {n}" for s, n in summary["overall"].items() if n))
    paths = sorted(summary["per_path"], key=[p.name for p in all_paths()].index)
    width = max(len(p) for p in paths) if paths else 0
    for path in paths:
        shown = summary["per_path"][path]
        write(f"  {path:<{width}}  pass {shown['pass']:>3}/{sum(shown.values()):<3} "
              + ", ".join(f"{s} {n}" for s, n in shown.items() if n and s != "pass"))
    outcomes = Counter(c.outcome for c in cells)
    write("against known failures: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
