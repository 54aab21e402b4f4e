"""Cells run in OpenCV ahead of the tests that record them, in a few threads ("lanes"), each lane with OpenCV
workers of its own.

A warm run's time went a third to waiting for its one worker: a cell's round trip, and after a crash the next
worker's import of cv2, while the test process idled. Lanes keep those waits off the test's path: the tests still
judge, triage and record each cell in their own order (the results file grows cell by cell as before), but the
OpenCV run of the cell is usually finished by then. A lane is a thread that waits on its worker's pipe, so the
workers use the CPUs the test process leaves idle.
"""
from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from conformance.opencv.side import OpenCVSide


class Ahead:
    """Jobs `job(side)` run in `lanes` threads, each thread on the OpenCVSide `new_side(lane number)` made for it
    at its first job; `take(key)` waits for a job's result."""

    def __init__(self, new_side: Callable[[int], OpenCVSide], lanes: int):
        self._new_side = new_side
        self._local = threading.local()
        self._sides: list[OpenCVSide] = []
        self._numbers = itertools.count()  # thread-safe: each lane a number of its own
        self._pool = ThreadPoolExecutor(max(1, lanes), thread_name_prefix="opencv-lane")
        self._futures: dict[Hashable, Future] = {}

    def submit(self, key: Hashable, job: Callable[[OpenCVSide], Any]) -> None:
        """Queue `job` (jobs start in the order they are submitted)."""
        self._futures[key] = self._pool.submit(lambda: job(self._side()))

    def take(self, key: Hashable) -> Any | None:
        """The result of the job submitted under `key` (waiting for it; its exception if it raised), or None if
        none was, or it was already taken."""
        future = self._futures.pop(key, None)
        return None if future is None else future.result()

    def _side(self) -> OpenCVSide:
        side = getattr(self._local, "side", None)
        if side is None:
            side = self._local.side = self._new_side(next(self._numbers))
            self._sides.append(side)
        return side

    def close(self) -> None:
        """Drop the jobs not started, wait for the running ones (each ends within the cell timeout), and stop
        the lanes' workers."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._futures.clear()
        for side in self._sides:
            side.close()
