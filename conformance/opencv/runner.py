"""Run cells on the OpenCV side in a reusable worker process, surviving its crashes and hangs.

A worker serves cells one after another; when it dies by a signal the cell is a `crash`, when it does not
answer in time it is killed and the cell is a `timeout`. Either way the next cell gets a fresh worker.
A worker's address space is capped, so a runaway allocation fails that cell instead of the machine.
"""
from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from conformance.opencv import worker
from conformance.opencv.worker import FAILURE_STAGES

WORKER_SCRIPT = Path(__file__).with_name("worker.py")
BLOB_WORKER_SCRIPT = Path(__file__).with_name("blob_worker.py")  # blobFromImage calls, one process for all
START_TIMEOUT = 120.0  # importing cv2 the first time after an install can be slow
# A worker with cv2 and numpy loaded maps under 0.5 GiB (VmPeak measured: 0.29 GiB on OpenCV 4.12, 0.46 GiB on
# 5.0) and the catalogue's models are tiny; 4 GiB leaves room for any real model and still stops a runaway one.
DEFAULT_MEMORY_LIMIT_MB = 4096


@dataclass
class WorkerResult:
    """What the OpenCV side did with one cell."""

    status: str  # "ok", or a failure status word: import-error, forward-error, crash, timeout, unsupported
    stage: str = ""  # import | forward | start (worker never came up)
    error: str = ""
    detail: str = ""
    outputs: list[np.ndarray] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    layers: list[tuple[str, np.ndarray]] = field(default_factory=list)  # asked with layers=True: (name, output)
    layers_error: str = ""  # why this OpenCV gave no layer outputs


class WorkerDied(Exception):
    """The worker process ended while a cell was running."""


class WorkerStartError(RuntimeError):
    """The worker could not come up at all: the OpenCV environment is broken, not a cell."""


def worker_command(python: str | os.PathLike) -> list[str]:
    """The command that starts a worker under `python` (isolated mode: no PYTHONPATH, no user site)."""
    return [str(python), "-I", str(WORKER_SCRIPT)]


def signal_name(returncode: int) -> str:
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def request_line(model: Path, reader: str, inputs: list[tuple[str, np.ndarray]], scratch: Path | None, engine: str,
                 layers: bool, output_shapes: tuple[tuple[int, ...], ...], feed: dict[str, str] | None = None
                 ) -> bytes:
    """The worker's request for one cell (see worker.py), its inputs as float32: inline, and the outputs asked
    inline, or, with a `scratch` folder, as `.npy` files in it both ways (`feed`: how the worker turns them into
    what setInput is given, worker.fed)."""
    given = []
    for index, (name, array) in enumerate(inputs):
        array = np.ascontiguousarray(array, dtype=np.float32)
        if scratch is None:
            given.append([name, worker.inline(np, array)])
            continue
        scratch.mkdir(parents=True, exist_ok=True)
        given.append([name, str(scratch / f"input_{index}.npy")])
        np.save(given[-1][1], array)
    return (json.dumps({"model": str(model), "reader": reader, "engine": engine, "inputs": given,
                        "out_dir": None if scratch is None else str(scratch), "layers": layers,
                        "output_shapes": [list(shape) for shape in output_shapes], "feed": feed or {}}) + "\n"
            ).encode()


def address_space_limit(megabytes: int):
    """A function that caps the calling process's address space (run in the child, before the worker starts)."""
    def limit() -> None:
        size = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    return limit


class Zygote:
    """worker.py started with `--zygote`: it imports cv2 once and forks each worker asked of it (see worker.zygote),
    so that a new worker costs a fork instead of 0.3 to 0.5 CPU-s of interpreter start and `import cv2`."""

    def __init__(self, command: list[str], log_dir: Path):
        log_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(log_dir / "zygote.log", "w+b")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with theirs:
            self.process = subprocess.Popen([*command, "--zygote", str(theirs.fileno())], pass_fds=[theirs.fileno()],
                                            stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
                                            start_new_session=True)
        self._control = ours
        self._ask(None, START_TIMEOUT)  # its {"ready": true}, once cv2 is imported

    def spawn(self, log: Any, memory_limit_mb: int) -> ForkedWorker:
        """A new worker, its stderr into `log`, its address space capped at `memory_limit_mb` MiB (0: none)."""
        stdin, to_worker = os.pipe()
        from_worker, stdout = os.pipe()
        try:
            pid = self._ask({"spawn": {"memory_limit_mb": memory_limit_mb}}, 30.0,
                            [stdin, stdout, log.fileno()])["pid"]
        except BaseException:
            os.close(to_worker)
            os.close(from_worker)
            raise
        finally:
            os.close(stdin)
            os.close(stdout)
        return ForkedWorker(self, pid, os.fdopen(to_worker, "wb"), os.fdopen(from_worker, "rb"))

    def returncode(self, pid: int, timeout: float) -> int | None:
        """The exit code of the worker `pid` once it ends within `timeout` seconds (None: still running)."""
        return self._ask({"wait": pid, "timeout": timeout}, timeout + 30.0)["returncode"]

    def _ask(self, request: dict[str, Any] | None, timeout: float, fds: list[int] = ()) -> dict[str, Any]:
        """Send `request` (None: send nothing) and return the zygote's answer."""
        self._control.settimeout(timeout)
        try:
            if request is not None:
                socket.send_fds(self._control, [json.dumps(request).encode()], fds)
            answer = self._control.recv(1 << 16)
        except OSError as error:  # a timeout, or the zygote gone
            answer, reason = b"", str(error) or type(error).__name__
        else:
            reason = "it ended"
        if not answer:
            raise WorkerStartError(f"the OpenCV zygote {' '.join(self.process.args)} did not answer ({reason}):\n"
                                   f"{log_tail(self._log)}")
        return json.loads(answer)

    def close(self) -> None:
        """Stop the zygote (its workers are stopped by their runner)."""
        self._control.close()
        stop(self.process, kill=True)
        self._log.close()


class ForkedWorker:
    """A worker forked by a Zygote, with what OpenCVRunner and `stop` use of a subprocess.Popen."""

    def __init__(self, zygote: Zygote, pid: int, stdin: Any, stdout: Any):
        self.zygote, self.pid, self.stdin, self.stdout = zygote, pid, stdin, stdout
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The exit code once `wait` has seen the worker end, else None, without asking the zygote: the runner polls
        before each cell, and a worker that ended between cells shows when the next request meets a broken pipe."""
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        code = self._returncode(24 * 3600.0 if timeout is None else timeout)
        if code is None:
            raise subprocess.TimeoutExpired(f"OpenCV worker {self.pid}", timeout)
        return code

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def _returncode(self, timeout: float) -> int | None:
        if self.returncode is None:
            self.returncode = self.zygote.returncode(self.pid, timeout)
            if self.returncode is not None:
                self.stdin.close()
                self.stdout.close()
        return self.returncode


@dataclass
class Launched:
    """A worker process started, with the file its stderr goes to."""

    process: subprocess.Popen | ForkedWorker
    log: Any


class OpenCVRunner:
    """Send cells to a worker started with `command`, restarting it after a crash or a timeout; its address
    space is limited to `memory_limit_mb` (0: no limit). With `spare`, the next worker is started while the
    current one serves, so that a crash or a timeout costs no wait for OpenCV's import (0.3 s to 0.5 s a worker,
    12 s of a warm tf215-cv49 run with its crashing cells). With `forked`, `command` is worker.py's, and the
    workers are forked by a Zygote started with it: a new worker then costs a fork, not an `import cv2`."""

    def __init__(self, command: list[str], timeout: float, log_dir: Path,
                 memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB, spare: bool = False, forked: bool = False):
        self.command = command
        self.forked = forked
        self._zygote: Zygote | None = None
        self.timeout = timeout
        self.log_dir = log_dir
        self.memory_limit_mb = memory_limit_mb
        self.spare = spare
        self.environment: dict[str, Any] | None = None  # the worker's hello: versions on the OpenCV side
        self.starts = 0  # workers put into service
        self._launches = 0
        self._spare: Launched | None = None
        self._process: subprocess.Popen | None = None
        self._log = None
        self._cell_log_start = 0  # where this cell's part of the worker's stderr log begins
        self._buffer = b""

    def run(self, model: Path, reader: str, inputs: list[tuple[str, np.ndarray]], scratch: Path | None,
            engine: str = "", layers: bool = False, output_shapes: tuple[tuple[int, ...], ...] = (),
            feed: dict[str, str] | None = None) -> WorkerResult:
        """Run one cell; `inputs` are (name, array) already in the path's layout, '' naming the only input;
        `scratch`, where the arrays go as files (None: inline; `layers` needs one);
        `engine` is the OpenCV 5.x reader engine ("" for the reader's default); `layers` also asks for every
        layer's output, with OpenCV's layer fusion off (triage); `output_shapes`, the model's output shapes in the
        path's layout, let the worker fetch and order the outputs of a model that has several; `feed` says how
        the worker feeds the inputs (worker.fed)."""
        self.start()
        self._log.seek(0, os.SEEK_END)
        self._cell_log_start = self._log.tell()
        request = request_line(model, reader, inputs, scratch, engine, layers, output_shapes, feed)
        try:
            self._send(request)
        except BrokenPipeError:  # the worker went away between cells: this cell has not started yet
            self._retire(kill=True)
            self.start()
            self._send(request)
        stage, deadline = "import", time.monotonic() + self.timeout
        while True:
            try:
                message = self._read_message(deadline)
            except TimeoutError:
                self._retire(kill=True)
                return WorkerResult("timeout", stage, f"no answer from OpenCV within {self.timeout:g} s")
            except WorkerDied as died:
                return WorkerResult("crash", stage, str(died), self._log_tail())
            if "stage" in message:
                stage = message["stage"]
                continue
            return self._outcome(message, stage)

    def _send(self, request: bytes) -> None:
        self._process.stdin.write(request)
        self._process.stdin.flush()

    def _outcome(self, message: dict[str, Any], stage: str) -> WorkerResult:
        status = message["status"]
        if status != "ok":
            return WorkerResult(status, FAILURE_STAGES[status], message.get("error", ""), message.get("detail", ""))
        outputs = [np.array(worker.array_in(np, given)) for given in message["outputs"]]
        layers = [(name, np.load(path)) for name, path in message.get("layers", [])]
        return WorkerResult("ok", "", outputs=outputs, seconds=message.get("seconds", {}), layers=layers,
                          layers_error=message.get("layers_error", ""))

    def start(self) -> dict[str, Any]:
        """Start a worker unless one is alive (the spare, if one is up); return its hello (the OpenCV side's
        versions)."""
        if self._process is not None and self._process.poll() is None:
            return self.environment
        self._retire()
        if self._log is not None:
            self._log.close()
        self.starts += 1
        launched, self._spare = self._spare or self._launch(), None
        self._process, self._log = launched.process, launched.log
        self._cell_log_start = 0
        self._buffer = b""
        try:
            message = self._read_message(time.monotonic() + START_TIMEOUT)
        except (TimeoutError, WorkerDied) as error:
            self._retire(kill=True)
            raise WorkerStartError(
                f"OpenCV worker {' '.join(self.command)} did not start ({error or 'timed out'}):\n{self._log_tail()}"
            ) from None
        if "hello" not in message:
            raise WorkerStartError(f"OpenCV worker said {message!r} instead of hello")
        self.environment = message["hello"]
        if self.spare:
            self._spare = self._launch()
        return self.environment

    def _launch(self) -> Launched:
        """A new worker process, its stderr into worker-<n>.log (n counts the processes launched)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._launches += 1
        log = open(self.log_dir / f"worker-{self._launches}.log", "w+b")
        if self.forked:
            if self._zygote is None or self._zygote.process.poll() is not None:  # none yet, or it was killed
                self._zygote = Zygote(self.command, self.log_dir)
            return Launched(self._zygote.spawn(log, self.memory_limit_mb), log)
        process = subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, start_new_session=True,
            preexec_fn=address_space_limit(self.memory_limit_mb) if self.memory_limit_mb else None,
        )
        return Launched(process, log)

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            waiting = select.poll()  # one system call: an epoll selector took three per message
            waiting.register(self._process.stdout.fileno(), select.POLLIN)
            if not waiting.poll(remaining * 1000):
                raise TimeoutError
            chunk = os.read(self._process.stdout.fileno(), 1 << 16)
            if not chunk:
                raise WorkerDied(self._death())
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            self._retire(kill=True)
            raise WorkerDied(f"OpenCV worker broke the protocol, it wrote {line[:200]!r}")
        return message

    def _death(self) -> str:
        try:
            returncode = self._process.wait(timeout=30)
        except WorkerStartError as gone:  # a forked worker whose zygote was killed: its exit status went with it
            return f"OpenCV worker ended without answering; its exit status is lost: {gone}".splitlines()[0]
        finally:
            self._process = None
        if returncode < 0:
            return f"OpenCV worker killed by {signal_name(returncode)}"
        return f"OpenCV worker exited with code {returncode} without answering"

    def _log_tail(self) -> str:
        """What the worker wrote to stderr during this cell (its last lines)."""
        return "" if self._log is None else log_tail(self._log, self._cell_log_start)

    def close(self, kill: bool = False) -> None:
        """Stop the worker and the spare: let them finish on end of input, or kill their process groups (at once
        with `kill`)."""
        self._retire(kill)
        if self._spare is not None:
            stop(self._spare.process, kill)
            self._spare.log.close()
            self._spare = None
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None

    def _retire(self, kill: bool = False) -> None:
        """Stop the worker in service (see `stop`)."""
        if self._process is not None:
            stop(self._process, kill)
            self._process = None

    def __enter__(self) -> OpenCVRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stop(process: subprocess.Popen | ForkedWorker, kill: bool = False) -> None:
    """Let a worker finish on end of input, or kill its process group (at once with `kill`, else after 5 s)."""
    if process.poll() is not None:
        return
    if not kill:
        process.stdin.close()
    try:
        process.wait(timeout=0 if kill else 5)
        return
    except subprocess.TimeoutExpired:
        pass
    except WorkerStartError:  # a forked worker whose zygote was killed: its end can no longer be awaited
        kill_group(process.pid)
        return
    kill_group(process.pid)
    process.wait()


def log_tail(log: Any, start: int = 0, lines: int = 20) -> str:
    """The last `lines` lines written to the open binary file `log` from offset `start` on."""
    log.flush()
    log.seek(start)
    return b"\n".join(log.read().splitlines()[-lines:]).decode(errors="replace")


def kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it ended in between
        os.killpg(pid, signal.SIGKILL)


def blob_calls(python: str, calls: list[dict[str, Any]], scratch: Path, timeout: float) -> dict[str, WorkerResult]:
    """Run blob_worker.py's `calls` (see its docstring) in one process under `python`: the outcome by call id, the
    blob loaded for an "ok". A crash or a hang is the outcome of each call that had not answered yet."""
    request = scratch / "request.json"
    request.write_text(json.dumps({"calls": calls}))
    try:
        done = subprocess.run([python, "-I", str(BLOB_WORKER_SCRIPT), str(request)], capture_output=True, text=True,
                              timeout=timeout)
        stdout, stderr, returncode = done.stdout, done.stderr, done.returncode
    except subprocess.TimeoutExpired as expired:
        stdout, stderr, returncode = expired.stdout or "", expired.stderr or "", None
    outcomes = {}
    for line in (stdout.decode() if isinstance(stdout, bytes) else stdout).splitlines():
        answer = json.loads(line)
        call = next(call for call in calls if call["id"] == answer["id"])
        outcomes[answer["id"]] = (
            WorkerResult("ok", outputs=[np.load(call["out"])]) if answer["status"] == "ok"
            else WorkerResult(answer["status"], "forward", answer["error"]))
    if returncode is None:
        missing = WorkerResult("timeout", "forward", f"no answer from OpenCV within {timeout:g} s")
    elif returncode < 0:
        missing = WorkerResult("crash", "forward", f"OpenCV process killed by {signal_name(returncode)}",
                               str(stderr)[-2000:])
    else:
        missing = WorkerResult("crash", "forward", f"OpenCV process exited with code {returncode} without answering",
                               str(stderr)[-2000:])
    return {call["id"]: outcomes.get(call["id"], missing) for call in calls}
