"""Cells run ahead in lanes (conformance/opencv/ahead.py): each lane its own side, results by key, errors where the
result is taken, and nothing left running after close."""
import threading

import pytest

from conformance.opencv.ahead import Ahead


class Side:
    """Stands for an OpenCVSide: which lane it serves, and whether it was closed."""

    def __init__(self, lane):
        self.lane = lane
        self.closed = False

    def close(self):
        self.closed = True


def test_lanes_run_side_by_side_each_on_a_side_of_its_own():
    sides = []
    both_running = threading.Barrier(2, timeout=5)  # breaks (and the jobs raise) unless two jobs run at once

    def new_side(lane):
        sides.append(Side(lane))
        return sides[-1]

    def job(side):
        both_running.wait()
        return side

    ahead = Ahead(new_side, lanes=2)
    ahead.submit("a", job)
    ahead.submit("b", job)
    served = {ahead.take("b"), ahead.take("a")}
    ahead.close()
    assert served == set(sides) and sorted(side.lane for side in sides) == [0, 1]
    assert all(side.closed for side in sides)


def test_a_result_is_taken_once_and_an_unknown_key_has_none():
    ahead = Ahead(Side, lanes=1)
    ahead.submit(("conv2d", "onnx-keras", ""), lambda side: ("measured on lane", side.lane))
    assert ahead.take(("conv2d", "onnx-keras", "")) == ("measured on lane", 0)
    assert ahead.take(("conv2d", "onnx-keras", "")) is None
    assert ahead.take(("conv2d", "tf-frozen", "")) is None
    ahead.close()


def test_a_job_that_raises_raises_where_its_result_is_taken():
    ahead = Ahead(Side, lanes=1)

    def broken(side):
        raise RuntimeError("the lane's worker did not start")

    ahead.submit("cell", broken)
    ahead.submit("next", lambda side: "next cell")
    with pytest.raises(RuntimeError, match="did not start"):
        ahead.take("cell")
    assert ahead.take("next") == "next cell"
    ahead.close()


def test_close_drops_the_jobs_not_started_and_closes_the_sides():
    started, release = threading.Event(), threading.Event()
    ran = []
    sides = []

    def new_side(lane):
        sides.append(Side(lane))
        return sides[-1]

    def first(side):
        started.set()
        release.wait(5)
        ran.append("first")

    ahead = Ahead(new_side, lanes=1)
    ahead.submit("first", first)
    for index in range(5):
        ahead.submit(index, lambda side, index=index: ran.append(index))
    started.wait(5)
    threading.Timer(0.2, release.set).start()  # the running job ends after close has dropped the others
    ahead.close()
    assert ran == ["first"]
    assert [side.closed for side in sides] == [True]
    assert ahead.take(0) is None
