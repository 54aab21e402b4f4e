"""pytest plugin: one test per case x export path (x reader engine on OpenCV 5), known-failure strictness,
results file, run summary.

Test ids are `<case>-<path>` (`pytest -k upsampling`, `-k "onnx and conv2d"`), and `<case>-<path>-<engine>` on
OpenCV 5.x; each cell carries its case family, its path and its engine as markers (`-m pooling`,
`-m onnx_keras`, `-m engine_new`).

The OpenCV version comes from `--opencv`, else CONFORMANCE_OPENCV, else the matrix pair that the env's name
(CONFORMANCE_ENV, set by tox) stands for, else 4.9.
"""
from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import pytest

from conformance import matrix
from conformance.judging.cell import Cell, marker
from conformance.judging.known_failures import KnownFailuresError
from conformance.judging.verdict import summarize
from conformance.opencv.install import DEFAULT_WHEEL, WHEELS
from conformance.opencv.runner import DEFAULT_MEMORY_LIMIT_MB
from conformance.results import column
from model_zoo.cases import CATALOGUE, FAMILIES, applications
from model_zoo.export import all_routes

DEFAULT_OPENCV = "4.9"
DEFAULT_MAX_EXAMPLES = 3  # per fuzz test: 21 tests x 3 examples took 18 s (tf215-cv49) to 34 s (tf219 x 5.0)
APPLICATION_CHOICES = ("few", "all", "none")
CELL_PARAMETERS = ("cell", "blob")  # a test with one of these records one cell (blobs: suite/test_blobs.py)
_SESSION = pytest.StashKey()


def flag(text: str) -> bool:
    """A yes/no environment value: 1/true/yes or 0/false/no."""
    words = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
    if text.lower() not in words:
        raise ValueError(text)
    return words[text.lower()]


def application_choice(text: str) -> str:
    if text not in APPLICATION_CHOICES:
        raise ValueError(text)
    return text


KIND_WORDS = {int: "a whole number", float: "a number", flag: "1/true/yes or 0/false/no", str: "a string",
              application_choice: " or ".join(APPLICATION_CHOICES)}


def from_environment(name: str, default, kind=str):
    """The default of an option from its CONFORMANCE_* variable where set; a value that does not parse stops the
    run with one line that names it (pytest's usage error, not a traceback)."""
    text = os.environ.get(name, "")
    if not text:
        return default
    try:
        return kind(text)
    except ValueError:
        raise pytest.UsageError(f"{name}={text!r}: expected {KIND_WORDS[kind]}") from None


def default_opencv() -> str:
    """CONFORMANCE_OPENCV, else the OpenCV of the matrix env named by CONFORMANCE_ENV, else DEFAULT_OPENCV."""
    if chosen := from_environment("CONFORMANCE_OPENCV", ""):
        return chosen
    try:
        return matrix.by_name(from_environment("CONFORMANCE_ENV", "")).opencv
    except KeyError:
        return DEFAULT_OPENCV


def pytest_addoption(parser):
    group = parser.getgroup("conformance", "TF/Keras -> cv2.dnn conformance cells")
    group.addoption("--opencv", default=default_opencv(),
                    help="OpenCV version for the OpenCV side, e.g. 4.9 or 4.9.0.80 (env CONFORMANCE_OPENCV)")
    group.addoption("--opencv-wheel", default=from_environment("CONFORMANCE_OPENCV_WHEEL", DEFAULT_WHEEL),
                    choices=WHEELS, help="which OpenCV wheel to install (env CONFORMANCE_OPENCV_WHEEL)")
    group.addoption("--opencv-python", default=from_environment("CONFORMANCE_OPENCV_PYTHON", None),
                    help="use this interpreter, which already has the wanted cv2, instead of a cached environment")
    group.addoption("--env-name", default=from_environment("CONFORMANCE_ENV", None),
                    help="name of the results file (default: the tox env, else tf<TF>-cv<OpenCV>)")
    group.addoption("--results-dir", default="reports/results", help="where <env>.json is written")
    group.addoption("--cache-dir", default=from_environment("CONFORMANCE_CACHE_DIR", ".conformance-cache"),
                    help="exports and OpenCV environments are cached here (env CONFORMANCE_CACHE_DIR)")
    group.addoption("--jobs", type=int, default=from_environment("CONFORMANCE_JOBS", os.cpu_count() or 1, int),
                    help="processes that export in parallel what the cache lacks, before the cells run, then "
                         "lanes of OpenCV workers that run the cells ahead of their tests (env CONFORMANCE_JOBS; "
                         "default: the number of CPUs; at least one of each, so that a converter crash never kills "
                         "the run)")
    group.addoption("--determinism", action="store_true",
                    default=from_environment("CONFORMANCE_DETERMINISM", False, flag),
                    help="also build, export and run three cases twice from scratch and require identical verdicts "
                         "(env CONFORMANCE_DETERMINISM; set in matrix.DETERMINISM's ci envs); it imports TF even "
                         "when all is cached")
    group.addoption("--check-command", action="store_true",
                    default=from_environment("CONFORMANCE_CHECK_COMMAND", False, flag),
                    help="also run python -m conformance.check end to end on small saved models (env "
                         "CONFORMANCE_CHECK_COMMAND; set in matrix.CHECK_COMMAND's ci envs)")
    group.addoption("--applications", choices=APPLICATION_CHOICES,
                    default=from_environment("CONFORMANCE_APPLICATIONS", "few", application_choice),
                    help="which architectures of the applications family run: 'few' (applications.FEW, the default), "
                         "'all' (the measured envs and the nightly) or 'none' (the project's tests, .ci/run); env "
                         "CONFORMANCE_APPLICATIONS")
    group.addoption("--keep-scratch", action="store_true",
                    default=from_environment("CONFORMANCE_KEEP_SCRATCH", False, flag),
                    help="keep the run's scratch folder (what each cell fed OpenCV and got back) for inspection "
                         "(env CONFORMANCE_KEEP_SCRATCH)")
    group.addoption("--resume", action="store_true",
                    help="continue an interrupted run: cells already in the results file (same versions) are kept")
    group.addoption("--cell-timeout", type=float,
                    default=from_environment("CONFORMANCE_CELL_TIMEOUT", 60.0, float),
                    help="seconds one cell may spend in OpenCV before it is a timeout (env CONFORMANCE_CELL_TIMEOUT;"
                         " the slowest cell of the 40 measured envs took 0.04 s to import and run)")
    group.addoption("--max-examples", type=int,
                    default=from_environment("CONFORMANCE_MAX_EXAMPLES", DEFAULT_MAX_EXAMPLES, int),
                    help="hypothesis examples per fuzz test (conformance/suite/test_fuzz.py; "
                         "env CONFORMANCE_MAX_EXAMPLES; "
                         f"default {DEFAULT_MAX_EXAMPLES} for CI, 50 in the nightly job; 0 turns fuzzing off)")
    group.addoption("--worker-memory-mb", type=int,
                    default=from_environment("CONFORMANCE_WORKER_MEMORY_MB", DEFAULT_MEMORY_LIMIT_MB, int),
                    help="address-space cap of an OpenCV worker in MiB, 0 for none (env CONFORMANCE_WORKER_MEMORY_MB)")
    group.addoption("--bundle-dir", default=None,
                    help="where a reproducer folder per non-pass cell goes (default reports/bundles/<env>)")
    group.addoption("--no-bundles", action="store_true",
                    help="write no reproducer bundles (blame and first diverging layer are still recorded)")


def pytest_configure(config):
    for family in FAMILIES:
        config.addinivalue_line("markers", f"{marker(family)}: cells of the {family} layer family")
    for path in all_routes():
        config.addinivalue_line("markers", f"{marker(path.name)}: cells exported via {path.name} ({path.summary})")
    for engine in matrix.ENGINES:
        config.addinivalue_line("markers", f"engine_{engine}: cells read with OpenCV 5's {engine} engine")


def pytest_generate_tests(metafunc):
    if "cell" not in metafunc.fixturenames:
        return
    engines = matrix.engines_for(metafunc.config.getoption("--opencv"))
    params = [
        pytest.param((case, path, cell.engine), id=cell.id,
                     marks=[getattr(pytest.mark, name) for name in (marker(case.family), *cell.markers)])
        for case in CATALOGUE
        for path in all_routes() if case.offers(path.name)
        for cell in (Cell(case.id, path.name, engine) for engine in engines)
    ]
    metafunc.parametrize("cell", params)


def pytest_collection_modifyitems(config, items):
    """`--applications few` leaves out the cells of the architectures not in applications.FEW, `none` all of the
    family's (deselected)."""
    choice = config.getoption("--applications")
    if choice == "all":
        return
    left_out = [_left_out_application(item, applications.FEW if choice == "few" else ()) for item in items]
    if any(left_out):
        config.hook.pytest_deselected(items=[item for item, out in zip(items, left_out, strict=True) if out])
        items[:] = [item for item, out in zip(items, left_out, strict=True) if not out]


def _left_out_application(item, kept: tuple[str, ...]) -> bool:
    params = getattr(item, "callspec", None)
    case = params.params["cell"][0] if params is not None and "cell" in params.params else None
    return case is not None and case.family == applications.FAMILY and case.id not in kept


def _settings(config):
    from conformance.suite.session import Settings
    from model_zoo.versions import tensorflow_version, tf_side

    opencv = config.getoption("--opencv")
    env_name = config.getoption("--env-name")
    if not env_name:
        versions = tf_side()
        tf, keras = tensorflow_version(versions), versions["keras_in_use"]
        keras2 = matrix.version_key(tf) >= (2, 16) and keras.startswith("2.")  # tf-keras on a Keras 3 TF
        env_name = matrix.Pair(tf, opencv, keras2).name
    root = Path(str(config.rootpath))
    architectures = config.getoption("--applications")
    selection = " ".join(f"{flag} {value!r}" for flag, value in
                         (("-k", config.getoption("keyword")), ("-m", config.getoption("markexpr")),
                          ("--applications", architectures != "all" and architectures)) if value)
    return Settings(
        opencv=opencv, wheel=config.getoption("--opencv-wheel"), env_name=env_name,
        results_dir=root / config.getoption("--results-dir"), cache_dir=root / config.getoption("--cache-dir"),
        timeout=config.getoption("--cell-timeout"), memory_limit_mb=config.getoption("--worker-memory-mb"),
        opencv_python=config.getoption("--opencv-python"),
        selection=selection or None, resume=config.getoption("--resume"),
        bundle_dir=None if config.getoption("--no-bundles") else
        root / (config.getoption("--bundle-dir") or Path("reports", "bundles", env_name)),
        keep_scratch=config.getoption("--keep-scratch"),
    )


@pytest.fixture(scope="session")
def conformance(request):
    """The run's ConformanceSession (OpenCV worker, artifact store, results file)."""
    from conformance.suite.session import ConformanceSession

    try:
        session = ConformanceSession(_settings(request.config))
    except (RuntimeError, KnownFailuresError) as error:  # no TF here, no OpenCV side, a broken known-failures file
        pytest.exit(f"conformance run cannot start: {error}", returncode=pytest.ExitCode.USAGE_ERROR)
    request.config.stash[_SESSION] = session
    cells = [item.callspec.params["cell"] for item in request.session.items if "cell" in item.fixturenames]
    session.warm_exports(cells, request.config.getoption("--jobs"), lambda line: say(request.config, line))
    session.run_ahead(cells, request.config.getoption("--jobs"))
    yield session
    selected = sum(1 for item in request.session.items
                   if any(name in getattr(item, "fixturenames", ()) for name in CELL_PARAMETERS))
    # a run without cells (only the determinism tests) leaves the env's results file as it was
    session.close(complete=len(session.results.cells) == selected, write=selected > 0)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(item, call):
    """A known failure's report (a test that called pytest.xfail) without the traceback pytest would render for it
    and never show (an xfailed test reads by its reason): 8 ms per known cell in a profiled warm run, a sixth of
    it. pytest's skipping plugin then makes it the xfailed report, as for any pytest.xfail."""
    if call.when != "call" or call.excinfo is None or not call.excinfo.errisinstance(pytest.xfail.Exception):
        return None
    return pytest.TestReport(item.nodeid, item.location, dict.fromkeys(item.keywords, 1), "failed",
                             str(call.excinfo.value.msg), call.when, duration=call.duration, start=call.start,
                             stop=call.stop, user_properties=item.user_properties)


def say(config, line: str) -> None:
    """A progress line on the terminal now, from inside a fixture (whose output pytest otherwise captures)."""
    with config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line(line)
        reporter.flush()


def pytest_terminal_summary(terminalreporter, config):
    session = config.stash.get(_SESSION, None)
    if session is None or not session.results.cells:
        return
    cells = session.results.cells
    write = terminalreporter.write_line
    terminalreporter.section(f"conformance summary: {session.results.env}")
    write(session.versions_line)
    write(f"{len(cells)} cells -> {session.results.file}")
    summary = summarize([(column(c.path, c.engine), c.status) for c in cells])
    write("by status: " + ", ".join(f"{s} {n}" for s, n in summary["overall"].items() if n))
    rank = {p.name: index for index, p in enumerate(all_routes())}  # then other columns (blob-from-image) by name
    paths = sorted(summary["per_path"], key=lambda name: (rank.get(name.split(" ")[0], len(rank)), name))
    width = max(len(p) for p in paths) if paths else 0
    for path in paths:
        shown = summary["per_path"][path]
        write(f"  {path:<{width}}  pass {shown['pass']:>3}/{sum(shown.values()):<3} "
              + ", ".join(f"{s} {n}" for s, n in shown.items() if n and s != "pass"))
    outcomes = Counter(c.outcome for c in cells)
    write("against known failures: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    write("TensorFlow imported: " + ("yes (something was built or exported)" if "tensorflow" in sys.modules
                                     else "no (everything came from the export cache)"))
