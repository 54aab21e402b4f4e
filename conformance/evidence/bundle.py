"""Reproducer bundles: one folder per non-pass cell, what a user attaches to an upstream bug report.

    <model file>        the exported model, copied
    input.npy           what OpenCV was fed, in the path's layout (input_0.npy, input_1.npy... for several inputs)
    expected.npy        TF's output in the path's layout (expected_0.npy... for several outputs)
    versions.txt        both sides' versions, the suite's verdict and blame
    repro.py            needs only numpy and OpenCV: reads and runs the model exactly as the suite's worker did
                        (its code is copied in), judges with the suite's own verdict code, prints the verdict
    error.txt           (export-error cells, which have no model) the converter's traceback

repro.py's reading and judging code is not rewritten: it is the source of conformance/opencv/worker.py's functions
(`run` and what it calls) and of conformance/judging/verdict.py's `compare`, copied in when the bundle is written.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from conformance.judging import verdict
from conformance.judging.verdict import Verdict
from conformance.opencv import worker
from model_zoo.case import Tolerance

# the worker's start-up, protocol loop and zygote
WORKER_ONLY = ("distribution_versions", "hello", "main", "protocol_on_stdout", "serve", "zygote", "forked_worker",
               "returncode")
BUNDLE_KEY = ".bundle-key"  # what the folder's bundle was written from (bundle_key)
COPIED_VERDICT = (verdict.Metrics, verdict.Verdict, verdict.output_scale, verdict.measure, verdict.compare)

REPRO_MAIN = r'''
def opencv_side(out_dir):
    """The suite's worker `run` on this cell's request; the version and the stage reached are kept on disk, so
    that a crash can be placed."""
    import cv2

    with open(os.path.join(out_dir, "opencv"), "w") as handle:
        handle.write(cv2.__version__)

    def say(message):
        with open(os.path.join(out_dir, "stage"), "w") as handle:
            handle.write(message["stage"])

    request = {"model": os.path.join(HERE, MODEL), "reader": READER, "engine": ENGINE, "out_dir": out_dir,
               "inputs": [[name, os.path.join(HERE, file)] for name, file in INPUTS], "feed": FEED,
               "output_shapes": [list(numpy.load(os.path.join(HERE, file)).shape) for file in EXPECTED]}
    return run(cv2, numpy, request, say)


def judged(result):
    """The suite's verdict on the worker's result."""
    if result["status"] != "ok":
        return Verdict(result["status"], FAILURE_STAGES[result["status"]], result.get("error", ""))
    outputs = [numpy.load(file) for file in result["outputs"]]
    return compare([numpy.load(os.path.join(HERE, file)) for file in EXPECTED], outputs, TOLERANCE)


def in_child(out_dir):
    """Run OpenCV in a child process, as the suite does: a crash or a hang becomes a verdict too."""
    def limit_memory():
        import resource

        limit = MEMORY_LIMIT_MB * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def written(name, default):
        path = os.path.join(out_dir, name)
        return open(path).read() if os.path.exists(path) else default

    try:
        child = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", out_dir], timeout=TIMEOUT,
                               preexec_fn=limit_memory if MEMORY_LIMIT_MB else None)
    except subprocess.TimeoutExpired:
        found = Verdict("timeout", written("stage", "import"), f"no answer from OpenCV within {TIMEOUT:g} s")
    else:
        if os.path.exists(os.path.join(out_dir, "result.json")):
            with open(os.path.join(out_dir, "result.json")) as handle:
                found = judged(json.load(handle))
        else:
            how = (f"killed by {signal.Signals(-child.returncode).name}" if child.returncode < 0
                   else f"exited with code {child.returncode} without answering")
            found = Verdict("crash", written("stage", "import"), f"OpenCV {how}")
    return found, written("opencv", "?")


def same_as_suite(found):
    """The suite's status, and for a mismatch the same errors (to 4 significant digits)."""
    if found.status != SUITE["status"]:
        return False
    if found.metrics is None or SUITE.get("max_abs") is None:
        return True
    return all(abs(getattr(found.metrics, name) - SUITE[name]) <= 1e-4 * abs(SUITE[name]) + 1e-12
               for name in ("max_abs", "mean_abs"))


def main():
    with tempfile.TemporaryDirectory() as out_dir:
        if sys.argv[1:2] == ["--child"]:
            result = opencv_side(sys.argv[2])  # before result.json exists: a crash leaves none
            with open(os.path.join(sys.argv[2], "result.json"), "w") as handle:
                json.dump(result, handle)
            return 0
        if sys.argv[1:2] == ["--in-process"]:  # under a debugger: a crash ends this process
            found = judged(opencv_side(out_dir))
            with open(os.path.join(out_dir, "opencv")) as handle:
                opencv = handle.read()
        else:
            found, opencv = in_child(out_dir)
    print(f"{CELL} in OpenCV {opencv}: {found.status}" + (f" at stage {found.stage}" if found.stage else ""))
    if found.error:
        print(f"error: {found.error}")
    if found.metrics is not None:
        print(f"max abs {found.metrics.max_abs:.4g}, mean abs {found.metrics.mean_abs:.4g}, "
              f"scale {found.metrics.scale:.4g}; tolerance {TOLERANCE.max_abs:g} (mean {TOLERANCE.mean_abs:g})")
    same = same_as_suite(found)
    suite = ", ".join(f"{name.replace('_', ' ')} {SUITE[name]:.4g}" for name in ("max_abs", "mean_abs")
                      if SUITE.get(name) is not None)
    print(f"the suite said: {SUITE['status']}{f' ({suite})' if suite else ''} -> "
          + ("same verdict" if same else "DIFFERENT verdict"))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
'''


def worker_functions() -> list:
    """The worker's functions that read and run a model (all but its start-up and loop), in file order."""
    found = [function for name, function in inspect.getmembers(worker, inspect.isfunction)
             if function.__module__ == worker.__name__ and name not in WORKER_ONLY]
    return sorted(found, key=lambda function: function.__code__.co_firstlineno)


@functools.cache
def copied_source() -> str:
    """The suite's code that every repro.py carries (read once per run: a run writes thousands of bundles)."""
    return "\n\n".join(inspect.getsource(part).rstrip() for part in (Tolerance, *COPIED_VERDICT, *worker_functions()))


def numbered(stem: str, count: int) -> list[str]:
    """`input.npy` for one array, `input_0.npy`, `input_1.npy`... for several."""
    return [f"{stem}.npy"] if count == 1 else [f"{stem}_{index}.npy" for index in range(count)]


def repro_source(cell: str, model: str, reader: str, engine: str, inputs: Sequence[tuple[str, str]],
                 feed: dict[str, str] | None, expected: Sequence[str], tolerance: Tolerance, suite: Verdict,
                 timeout: float, memory_limit_mb: int, versions: str) -> str:
    """The text of repro.py for one cell."""
    metrics = suite.metrics
    said = {"status": suite.status, "max_abs": metrics and metrics.max_abs, "mean_abs": metrics and metrics.mean_abs}
    header = (f'"""Reproduce the conformance cell {cell}: the suite measured {suite.status}.\n\n'
              f"{versions}\n\n"
              "Needs only numpy and OpenCV (the versions above). Run `python repro.py`: it reads and runs the model\n"
              "in a child process exactly as the suite's worker did and prints the verdict with the suite's own\n"
              "tolerance rule (exit code 0: same verdict as the suite). `python repro.py --in-process` runs OpenCV\n"
              'in this process instead, for a debugger.\n"""\n')
    constants = "\n".join([
        f"CELL = {cell!r}", f"MODEL = {model!r}", f"READER = {reader!r}", f"ENGINE = {engine!r}",
        f"INPUTS = {list(inputs)!r}  # (name as the model calls it, '' for its only input; file)",
        f"FEED = {dict(feed or {})!r}  # how the inputs are turned into what setInput is given (see `fed`)",
        f"EXPECTED = {list(expected)!r}",
        f"TOLERANCE = Tolerance({tolerance.max_abs!r}, mean_ratio={tolerance.mean_ratio!r})",
        f"TIMEOUT = {timeout!r}", f"MEMORY_LIMIT_MB = {memory_limit_mb!r}  # the suite's cap on the worker",
        f"SUITE = {said!r}", "HERE = os.path.dirname(os.path.abspath(__file__))",
    ])
    copied = copied_source()
    return "\n".join([
        header, "from __future__ import annotations\n",
        "import base64\nimport json\nimport os\nimport signal\nimport subprocess\nimport sys\nimport tempfile",
        "import time",
        "from dataclasses import asdict, dataclass\n\nimport numpy\nimport numpy as np\n",
        f"STATUSES = {verdict.STATUSES!r}\nFAILURE_STAGES = {worker.FAILURE_STAGES!r}\n\n",
        "# --- the suite's own code, copied ---\n", copied, "\n",
        "# --- this cell ---", constants, REPRO_MAIN,
    ])


def write_bundle(folder: Path, *, cell: str, model: Path | None, reader: str, engine: str,
                 inputs: Sequence[tuple[str, np.ndarray]], expected: Sequence[np.ndarray], tolerance: Tolerance,
                 suite: Verdict, versions: str, timeout: float, memory_limit_mb: int,
                 feed: dict[str, str] | None = None) -> Path:
    """Write the cell's bundle into `folder` (emptied first): inputs as fed to OpenCV (and `feed`, how the worker
    turns them into what setInput is given), expected outputs in the path's layout; repro.py when there is a model
    to run, else error.txt with what the export said. A folder already holding the same bundle (its BUNDLE_KEY
    file says so: a warm run of the same cell) is left as it is."""
    key = bundle_key(model, inputs, expected, cell, reader, engine, tolerance, suite, versions, timeout,
                     memory_limit_mb, feed)
    with contextlib.suppress(OSError):
        if (folder / BUNDLE_KEY).read_text() == key:
            return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    _write_bundle(folder, cell, model, reader, engine, inputs, expected, tolerance, suite, versions, timeout,
                  memory_limit_mb, feed)
    (folder / BUNDLE_KEY).write_text(key)  # last: a bundle interrupted while written has none
    return folder


def bundle_key(model: Path | None, inputs: Sequence[tuple[str, np.ndarray]], expected: Sequence[np.ndarray],
               *described: Any) -> str:
    """What a bundle is made of, hashed: the model file's path, size and modification time (a re-export writes a
    new file), the input names, the arrays' bytes and the rest of its arguments' reprs."""
    digest = hashlib.sha256(repr((str(model), model and _stamp(model), [name for name, _ in inputs],
                                  described)).encode())
    for array in [*(array for _, array in inputs), *expected]:
        digest.update(repr((array.dtype.str, array.shape)).encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _stamp(model: Path) -> tuple[int, int]:
    status = model.stat()
    return status.st_size, status.st_mtime_ns


def _write_bundle(folder: Path, cell: str, model: Path | None, reader: str, engine: str,
                  inputs: Sequence[tuple[str, np.ndarray]], expected: Sequence[np.ndarray], tolerance: Tolerance,
                  suite: Verdict, versions: str, timeout: float, memory_limit_mb: int,
                  feed: dict[str, str] | None) -> None:
    input_files = numbered("input", len(inputs))
    for file, (_, array) in zip(input_files, inputs, strict=True):
        np.save(folder / file, np.ascontiguousarray(array, dtype=np.float32))
    expected_files = numbered("expected", len(expected)) if expected else []
    for file, array in zip(expected_files, expected, strict=True):
        np.save(folder / file, array)
    (folder / "versions.txt").write_text(versions + "\n")
    if model is None:
        (folder / "error.txt").write_text(f"{suite.error}\n\n{suite.detail}".rstrip() + "\n")
        return
    try:  # a hard link where the cache and the bundle share a file system: a failing cell costs no copy
        os.link(model, folder / model.name)
    except OSError:
        shutil.copy2(model, folder / model.name)
    source = repro_source(cell, model.name, reader, engine, [(name, file) for (name, _), file
                                                              in zip(inputs, input_files, strict=True)],
                          feed, expected_files, tolerance, suite, timeout, memory_limit_mb, versions)
    (folder / "repro.py").write_text(source)


def versions_text(cell: str, suite: Verdict, blame: dict | None, tf_side: dict, opencv_side: dict) -> str:
    """versions.txt: the cell, its verdict and blame, then each side's versions."""
    lines = [f"cell: {cell}", f"verdict: {suite.status}" + (f" at stage {suite.stage}" if suite.stage else "")]
    if suite.error:
        lines.append(f"error: {suite.error}")
    if blame:
        lines.append(f"blame: {blame['blame']} ({blame['evidence']})")
    lines.append("TF side: " + json.dumps(tf_side, sort_keys=True))
    lines.append("OpenCV side: " + json.dumps(opencv_side, sort_keys=True))
    return "\n".join(lines)
