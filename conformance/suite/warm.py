"""Export in parallel before the cells run: the cases whose reference or exports are missing from the cache are
shared out round-robin among `jobs` processes (python -m model_zoo.warm), each with its own TensorFlow.

The cells then read everything from the cache, so their results are those of a serial run (same store, same
recipes); the OpenCV side, a few milliseconds per cell, stays in the one worker of the run.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from model_zoo.case import Case
from model_zoo.cases import by_id
from model_zoo.export import Route, by_name
from model_zoo.store import ArtifactStore
from model_zoo.warm import EXPORTING

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PROGRESS_SECONDS = 10  # how often the export phase says how far it is
POLL_SECONDS = 0.2  # how often it looks at its processes
FINISHED = re.compile(r"^(\S+): (done|not built)")  # model_zoo.warm's line for each case it has finished
STARTED = re.compile(rf"^(\S+) (\S+): {EXPORTING}$")  # and before each export


def missing(store: ArtifactStore, cells: Iterable[tuple[Case, Route]]) -> dict[str, set[str]]:
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


@dataclass
class Share:
    """The cases one export process works through; restarted on what is left if a converter kills it."""

    cases: list[str]
    paths: list[str]
    log: Path
    total: int
    process: subprocess.Popen | None = None

    def start(self, cache_dir: Path) -> None:
        command = [sys.executable, "-m", "model_zoo.warm", "--cache-dir", str(cache_dir),
                   "--paths", ",".join(self.paths), *self.cases]
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)

    def finished(self) -> int:
        return len(finished_cases(self.log))


def export_in_parallel(needed: dict[str, set[str]], jobs: int, store: ArtifactStore, log_dir: Path,
                       say: Callable[[str], None]) -> None:
    """Run one warming process per share and wait for all, saying how far they are every PROGRESS_SECONDS; their
    output goes to `log_dir`. A process killed by its converter gets the export it was in recorded as an
    export-error, and a new process takes the rest of its share."""
    log_dir.mkdir(parents=True, exist_ok=True)
    pool = []
    for index, cases in enumerate(shares(needed, jobs)):
        log = log_dir / f"warm-{os.getpid()}-{index}.log"  # several runs of one TF side may export at once
        log.write_text("")
        pool.append(Share(cases, sorted(set().union(*(needed[case_id] for case_id in cases))), log, len(cases)))
        pool[-1].start(store_cache_dir(store))
    say(f"exporting {len(needed)} cases in {len(pool)} processes (logs: {log_dir})")
    started = last_said = time.monotonic()
    while any(share.process is not None for share in pool):
        time.sleep(POLL_SECONDS)
        for share in pool:
            if share.process is not None and share.process.poll() is not None:
                code, share.process = share.process.returncode, None
                if code != 0:
                    restart_after_crash(share, code, store, say)
        if time.monotonic() - last_said >= PROGRESS_SECONDS:
            say(progress_line(pool, time.monotonic() - started))
            last_said = time.monotonic()
    say(progress_line(pool, time.monotonic() - started))


def restart_after_crash(share: Share, code: int, store: ArtifactStore, say: Callable[[str], None]) -> None:
    """Record the export the dead process was in as failed and start a process on the cases it had not finished."""
    done = set(finished_cases(share.log))
    left = [case_id for case_id in share.cases if case_id not in done]
    current = last_export(share.log)
    if current is None or current[0] not in left:
        say(f"an export process ended with code {code} outside an export; its {len(left)} unfinished cases "
            f"export in their cells (see {share.log.name})")
        return
    case_id, path_name = current
    how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
    error = f"the converter killed the export process ({how}) while exporting this route"
    store.record_failed_export(by_id(case_id), by_name(path_name), error, tail(share.log))
    say(f"{case_id} via {path_name}: {error}; recorded as its export-error, the other exports go on")
    share.cases = left
    share.start(store_cache_dir(store))


def store_cache_dir(store: ArtifactStore) -> Path:
    """The --cache-dir a warming process is given for this store (<cache>/artifacts/<TF side>)."""
    return store.root.parent.parent


def finished_cases(log: Path) -> list[str]:
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [found.group(1) for line in lines if (found := FINISHED.match(line))]


def last_export(log: Path) -> tuple[str, str] | None:
    """(case, path) of the last export a warming process started, from its log."""
    found = None
    for line in log.read_text(errors="replace").splitlines():
        if (started := STARTED.match(line)) is not None:
            found = (started.group(1), started.group(2))
    return found


def tail(log: Path, lines: int = 12) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def progress_line(pool: list[Share], seconds: float) -> str:
    """`exported 120/249 cases in 95 s (process 1: 60/125, process 2: 60/124)`."""
    done = [share.finished() for share in pool]
    parts = ", ".join(f"process {index + 1}: {count}/{share.total}"
                      for index, (count, share) in enumerate(zip(done, pool, strict=True)))
    return f"exported {sum(done)}/{sum(share.total for share in pool)} cases in {seconds:.0f} s ({parts})"
