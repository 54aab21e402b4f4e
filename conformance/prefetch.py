"""Export in parallel before the cells run: the cases whose reference or exports are missing from the cache are
shared out round-robin among `jobs` processes (python -m model_zoo.warm), each with its own TensorFlow.

The cells then read everything from the cache, so their results are those of a serial run (same store, same
recipes); the OpenCV side, a few milliseconds per cell, stays in the one worker of the run.
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from model_zoo.case import Case
from model_zoo.export import ExportPath
from model_zoo.store import ArtifactStore

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PROGRESS_SECONDS = 10  # how often the export phase says how far it is
FINISHED = re.compile(r"^\S+: (done|not built)")  # model_zoo.warm's line for each case it has finished


def missing(store: ArtifactStore, cells: Iterable[tuple[Case, ExportPath]]) -> dict[str, set[str]]:
    """Case id -> names of the paths to export, for the cells whose reference or export is not cached."""
    needed: dict[str, set[str]] = {}
    for case, path in cells:
        if store.reference(case) is None or store.cached_export(case, path) is None:
            needed.setdefault(case.id, set()).add(path.name)
    return needed


def shares(needed: dict[str, set[str]], jobs: int) -> list[list[str]]:
    """The case ids split round-robin into at most `jobs` non-empty shares, in catalogue order."""
    case_ids = list(needed)
    return [share for share in (case_ids[index::jobs] for index in range(max(1, jobs))) if share]


def export_in_parallel(needed: dict[str, set[str]], jobs: int, cache_dir: Path, log_dir: Path,
                       say: Callable[[str], None]) -> None:
    """Run one warming process per share and wait for all; their output goes to `log_dir`."""
    log_dir.mkdir(parents=True, exist_ok=True)
    processes = []
    for index, share in enumerate(shares(needed, jobs)):
        paths = sorted(set().union(*(needed[case_id] for case_id in share)))
        log = open(log_dir / f"warm-{index}.log", "w")
        command = [sys.executable, "-m", "model_zoo.warm", "--cache-dir", str(cache_dir), "--paths", ",".join(paths),
                   *share]
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)
        processes.append((process, log, share))
    say(f"exporting {len(needed)} cases in {len(processes)} processes (logs: {log_dir})")
    shown, started = "", time.monotonic()
    while any(process.poll() is None for process, _, _ in processes):
        time.sleep(PROGRESS_SECONDS)
        line = progress_line(processes, time.monotonic() - started)
        if line != shown:
            say(line)
            shown = line
    for process, log, share in processes:
        if process.returncode != 0:
            say(f"an export process for {len(share)} cases ended with code {process.returncode}; "
                f"their cells export on their own (see {log.name})")
        log.close()
    say(progress_line(processes, time.monotonic() - started))


def progress_line(processes: list[tuple[subprocess.Popen, Any, list[str]]], seconds: float) -> str:
    """`exported 120/249 cases in 95 s (process 1: 60/125, process 2: 60/124)`, from the processes' logs, where
    `python -m model_zoo.warm` writes a line per case it has finished."""
    done = [cases_finished(Path(log.name)) for _, log, _ in processes]
    parts = ", ".join(f"process {index + 1}: {count}/{len(share)}"
                      for index, (count, (_, _, share)) in enumerate(zip(done, processes, strict=True)))
    total = sum(len(share) for _, _, share in processes)
    return f"exported {sum(done)}/{total} cases in {seconds:.0f} s ({parts})"


def cases_finished(log: Path) -> int:
    try:
        return sum(1 for line in log.read_text(errors="replace").splitlines() if FINISHED.match(line))
    except OSError:
        return 0
