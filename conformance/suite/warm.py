"""Export in parallel before the cells run: the cases whose reference or exports are missing from the cache go,
the longest expected first, to `jobs` processes (python -m model_zoo.warm), each with its own TensorFlow, each
taking the next case no other has taken, so that no process idles while another still has a queue.

The cells then read everything from the cache, so their results are those of a serial run (same store, same
recipes); the OpenCV side then runs them ahead of the tests in as many lanes (conformance/opencv/ahead.py).
"""
from __future__ import annotations

import os
import re
import shutil
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
# Seconds of all routes' exports of a case this TF side has never exported, by family (cold tf215-cv49 run of
# 2026-12-06, tf2onnx 1.16.1: applications 26 to 725 s, recurrent 4 to 56 s, every other case under 5 s): they only
# order the cases, so that the few long ones start first instead of finishing last on one process.
FAMILY_SECONDS = {"applications": 100.0, "recurrent": 10.0}
OTHER_SECONDS = 2.0


def missing(store: ArtifactStore, cells: Iterable[tuple[Case, Route]]) -> dict[str, set[str]]:
    """Case id -> names of the paths to export, for the cells whose reference or export is not cached."""
    needed: dict[str, set[str]] = {}
    for case, path in cells:
        if store.reference(case) is None or store.cached_export(case, path) is None:
            needed.setdefault(case.id, set()).add(path.name)
    return needed


def expected_seconds(store: ArtifactStore, case_id: str, path_names: Iterable[str]) -> float:
    """What exporting the case through these paths should take: the sum of their last exports on this TF side
    (of any earlier definition or recipe), or its family's prior where it was never exported."""
    last = [store.last_seconds(case_id, name) for name in path_names]
    if any(seconds is not None for seconds in last):
        return sum(seconds or 0.0 for seconds in last)
    return FAMILY_SECONDS.get(by_id(case_id).family, OTHER_SECONDS)


def longest_first(needed: dict[str, set[str]], store: ArtifactStore) -> list[str]:
    """The case ids by expected export time, longest first; ties in catalogue order."""
    return sorted(needed, key=lambda case_id: -expected_seconds(store, case_id, needed[case_id]))


@dataclass
class Share:
    """One export process going through the common queue; restarted if a converter kills it."""

    cases: list[str]
    paths: list[str]
    claims: Path
    log: Path
    process: subprocess.Popen | None = None

    @property
    def scratch(self) -> Path:
        """The process's TMPDIR, beside its log, removed once the process ends: TF's autograph modules and the
        SavedModel folder of a process that its converter killed used to stay in /tmp."""
        return self.log.with_suffix(".tmp")

    def start(self, cache_dir: Path) -> None:
        command = [sys.executable, "-m", "model_zoo.warm", "--cache-dir", str(cache_dir), "--claims", str(self.claims),
                   "--paths", ",".join(self.paths), *self.cases]
        self.scratch.mkdir(exist_ok=True)
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT,
                                            env={**os.environ, "TMPDIR": str(self.scratch)})

    def clear_scratch(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)

    def finished(self) -> int:
        return len(finished_cases(self.log))


def export_in_parallel(needed: dict[str, set[str]], jobs: int, store: ArtifactStore, log_dir: Path,
                       say: Callable[[str], None]) -> None:
    """Run `jobs` warming processes on the cases, longest first, and wait for all, saying how far they are every
    PROGRESS_SECONDS; their output goes to `log_dir`. A process killed by its converter gets the export it was in
    recorded as an export-error, and a new process takes its place in the queue. An export killed by SIGKILL
    (the kernel's out-of-memory killer, most likely: tf2onnx took 13.7 GB for InceptionResNetV2 on TF 2.21 beside
    another export) is done again alone once the others are, and recorded only if it is killed again."""
    killed = run_pool(needed, jobs, store, log_dir, say)
    if killed and jobs > 1:
        say(f"exporting again, alone, what SIGKILL ended: {', '.join(f'{c} via {p}' for c, p in killed)}")
        for case_id, path_name in killed:
            store.discard_export(by_id(case_id), by_name(path_name))
        run_pool({case_id: {path_name for c, path_name in killed if c == case_id} for case_id, _ in killed}, 1,
                 store, log_dir, say)


def run_pool(needed: dict[str, set[str]], jobs: int, store: ArtifactStore, log_dir: Path,
             say: Callable[[str], None]) -> list[tuple[str, str]]:
    """One pass of `jobs` processes over the cases (see export_in_parallel); the (case, path) exports that
    SIGKILL ended, each recorded as failed, in case `jobs` was one."""
    log_dir.mkdir(parents=True, exist_ok=True)
    run = f"{os.getpid()}"  # several runs of one TF side may export at once
    claims = log_dir / f"claims-{run}"
    shutil.rmtree(claims, ignore_errors=True)
    claims.mkdir()
    queue = longest_first(needed, store)
    paths = sorted(set().union(*needed.values()))
    pool = []
    for index in range(min(max(1, jobs), len(queue))):
        log = log_dir / f"warm-{run}-{index}.log"
        log.write_text("")
        pool.append(Share(queue, paths, claims, log))
        pool[-1].start(store_cache_dir(store))
    say(f"exporting {len(queue)} cases in {len(pool)} processes, the longest expected first (logs: {log_dir})")
    started = last_said = time.monotonic()
    killed = []
    try:
        while any(share.process is not None for share in pool):
            time.sleep(POLL_SECONDS)
            for share in pool:
                if share.process is not None and share.process.poll() is not None:
                    code, share.process = share.process.returncode, None
                    share.clear_scratch()
                    if code != 0 and (ended := restart_after_crash(share, code, store, say, alone=len(pool) == 1)):
                        killed += [ended] if code == -signal.SIGKILL else []
            if time.monotonic() - last_said >= PROGRESS_SECONDS:
                say(progress_line(pool, len(queue), time.monotonic() - started))
                last_said = time.monotonic()
    finally:
        shutil.rmtree(claims, ignore_errors=True)
        for share in pool:
            share.clear_scratch()
    say(progress_line(pool, len(queue), time.monotonic() - started))
    return killed


def restart_after_crash(share: Share, code: int, store: ArtifactStore, say: Callable[[str], None],
                        alone: bool = True) -> tuple[str, str] | None:
    """Record the export the dead process was in as failed and start a process in its place: it takes that case
    again (its other exports) and then the queue. Returns that (case, path), None if it was between exports."""
    current = last_export(share.log)
    if current is None or current[0] in finished_cases(share.log):
        say(f"an export process ended with code {code} outside an export; the case it had taken exports in its "
            f"cells, the other processes go on with the queue (see {share.log.name})")
        return None
    case_id, path_name = current
    if code == -signal.SIGKILL:
        error = ("the export process was killed (signal SIGKILL: the kernel's out-of-memory killer, most likely) "
                 f"while exporting this route{', in the only export process' if alone else ''}")
    else:
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        error = f"the converter killed the export process ({how}) while exporting this route"
    store.record_failed_export(by_id(case_id), by_name(path_name), error, tail(share.log))
    say(f"{case_id} via {path_name}: {error}; recorded as its export-error, the other exports go on")
    (share.claims / case_id).unlink(missing_ok=True)
    share.start(store_cache_dir(store))
    return case_id, path_name


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


def progress_line(pool: list[Share], total: int, seconds: float) -> str:
    """`exported 120/249 cases in 95 s (process 1: 58, process 2: 62)`."""
    done = [share.finished() for share in pool]
    parts = ", ".join(f"process {index + 1}: {count}" for index, count in enumerate(done))
    return f"exported {sum(done)}/{total} cases in {seconds:.0f} s ({parts})"
