"""The OpenCV side of a run, behind one narrow interface: the interpreter of its environment, a worker that runs
cells (conformance/opencv/runner.py), the versions it reports, and the reader engines measured on the OpenCV it really
has. The pytest session, fuzz, preprocessing and the check command all take one of these."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from conformance import matrix
from conformance.opencv import install
from conformance.opencv.runner import DEFAULT_MEMORY_LIMIT_MB, OpenCVRunner, WorkerResult, worker_command


class OpenCVSide:
    """OpenCV `opencv` (4.9, or exact 4.9.0.80) of `wheel`, from the cached environment under `cache_dir` (created
    on first use) or from `python`, an interpreter that already has it; its worker is started at once."""

    def __init__(self, opencv: str, wheel: str, cache_dir: Path, timeout: float, log_dir: Path,
                 memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB, python: str | None = None, files: bool = False):
        self.python = str(python or install.environment_python(cache_dir / "opencv-envs", opencv, wheel))
        self.timeout = timeout
        self.memory_limit_mb = memory_limit_mb
        self.files = files  # every cell's arrays as .npy files in its scratch folder (else inline, for speed)
        self._log_dir = log_dir
        self._runner = OpenCVRunner(worker_command(self.python), timeout, log_dir, memory_limit_mb, spare=True,
                                    forked=True)
        self._fresh: OpenCVRunner | None = None  # the second worker, for reruns: started when first needed
        self.versions: dict[str, Any] = self._runner.start()  # the worker's hello: OpenCV, wheel, numpy

    @property
    def version(self) -> str:
        return self.versions["opencv"]

    @property
    def engines(self) -> tuple[str, ...]:
        """The reader engines of the installed OpenCV ("" alone before OpenCV 5)."""
        return matrix.engines_for(self.version)

    @property
    def line(self) -> str:
        return f"OpenCV {self.version} ({self.versions['wheel']}, numpy {self.versions['numpy']})"

    def run(self, model: Path, reader: str, inputs: list[tuple[str, np.ndarray]], scratch: Path, engine: str = "",
            layers: bool = False, output_shapes: tuple[tuple[int, ...], ...] = (),
            feed: dict[str, str] | None = None, fresh: bool = False) -> WorkerResult:
        """One cell in the worker (see OpenCVRunner.run), its arrays as files in `scratch` only for `layers` or
        when the side keeps `files`; with `fresh`, in a second worker, which has not run the cell: another
        process, whose memory holds other leftovers."""
        runner = self._runner
        if fresh:
            if self._fresh is None:
                # with a spare: reruns of crashes crash again
                self._fresh = OpenCVRunner(worker_command(self.python), self.timeout, self._log_dir / "fresh",
                                           self.memory_limit_mb, spare=True, forked=True)
                self._fresh.start()
            runner = self._fresh
        return runner.run(model, reader, inputs, scratch if layers or self.files else None, engine, layers,
                          output_shapes, feed)

    def close(self) -> None:
        """Kill the workers: once their last cell has answered they hold nothing, and waiting for each interpreter
        to tear OpenCV down cost every run a quarter of a second."""
        self._runner.close(kill=True)
        if self._fresh is not None:
            self._fresh.close(kill=True)
