"""The worker process and its runner: every outcome, and survival of crashes and hangs."""
import sys
import time

import numpy as np
import pytest

from conformance.opencv.runner import OpenCVRunner, WorkerStartError

BLOB = np.arange(6, dtype=np.float32).reshape(1, 2, 3)


def run(runner, model_file, tmp_path, behaviour, reader="readNetFromONNX"):
    return runner.run(model_file(behaviour), reader, [("", BLOB)], tmp_path / behaviour)


def test_ok_returns_outputs_and_timings(fake_runner, model_file, tmp_path):
    outcome = run(fake_runner, model_file, tmp_path, "ok")
    assert outcome.status == "ok"
    np.testing.assert_array_equal(outcome.outputs[0], BLOB * 2)
    assert set(outcome.seconds) == {"import", "forward"}


def test_hello_reports_the_opencv_side(fake_runner):
    hello = fake_runner.start()
    assert hello["opencv"] == "0.0.0-fake"
    assert hello["numpy"] == np.__version__
    assert hello["python"] == ".".join(map(str, sys.version_info[:3]))


@pytest.mark.parametrize("behaviour, stage", [("import-error", "import"), ("forward-error", "forward")])
def test_opencv_exceptions_keep_stage_and_whole_message_on_one_line(fake_runner, model_file, tmp_path, behaviour,
                                                                     stage):
    outcome = run(fake_runner, model_file, tmp_path, behaviour)
    assert (outcome.status, outcome.stage) == (behaviour, stage)
    assert outcome.error.startswith("OpenCV(fake)") and "\n" not in outcome.error
    if behaviour == "forward-error":
        assert outcome.error.endswith("in function 'forward' more")  # the check's details, kept


def test_layer_outputs_come_in_opencv_order_with_fusion_off(fake_runner, model_file, tmp_path):
    outcome = fake_runner.run(model_file("ok"), "readNetFromONNX", [("", BLOB)], tmp_path / "layers", layers=True)
    assert outcome.status == "ok" and outcome.layers_error == ""
    assert [name for name, _ in outcome.layers] == ["double", "unfused"]  # the fake hides "unfused" when fusing
    np.testing.assert_array_equal(outcome.layers[0][1], BLOB * 2)
    plain = fake_runner.run(model_file("ok"), "readNetFromONNX", [("", BLOB)], tmp_path / "plain")
    assert plain.layers == [] and plain.status == "ok"


def test_an_opencv_that_cannot_name_its_layers_still_gives_the_cell(fake_runner, model_file, tmp_path):
    outcome = fake_runner.run(model_file("no-layers"), "readNetFromONNX", [("", BLOB)], tmp_path / "c", layers=True)
    assert outcome.status == "ok" and outcome.layers == []
    assert "fake getLayerNames" in outcome.layers_error


def test_missing_reader_is_unsupported(fake_runner, model_file, tmp_path):
    outcome = run(fake_runner, model_file, tmp_path, "ok", reader="readNetFromTFLite")
    assert outcome.status == "unsupported"
    assert "readNetFromTFLite does not exist" in outcome.error


@pytest.mark.parametrize("behaviour, signal_name", [("segfault", "SIGSEGV"), ("abort", "SIGABRT"),
                                                   ("sigkill", "SIGKILL"), ("exit", "exited with code 0")])
def test_worker_killed_by_signal_is_a_crash_and_the_run_goes_on(fake_runner, model_file, tmp_path, behaviour,
                                                                 signal_name):
    first = run(fake_runner, model_file, tmp_path, "ok")
    crashed = run(fake_runner, model_file, tmp_path, behaviour)
    assert (crashed.status, crashed.stage) == ("crash", "forward")
    assert signal_name in crashed.error
    after = run(fake_runner, model_file, tmp_path, "ok")
    assert after.status == "ok" and first.status == "ok"
    assert fake_runner.starts == 2  # one fresh worker after the crash, none per cell otherwise


def test_hang_is_a_timeout_and_the_worker_is_replaced(fake_worker_command, model_file, tmp_path, forked):
    with OpenCVRunner(fake_worker_command, timeout=1.0, log_dir=tmp_path / "logs", forked=forked) as runner:
        started = time.monotonic()
        outcome = run(runner, model_file, tmp_path, "hang")
        assert time.monotonic() - started < 10
        assert (outcome.status, outcome.stage) == ("timeout", "forward")
        assert run(runner, model_file, tmp_path, "ok").status == "ok"


def test_worker_is_reused_between_cells(fake_runner, model_file, tmp_path):
    for index in range(5):
        assert fake_runner.run(model_file("ok"), "readNet", [("", BLOB)], tmp_path / str(index)).status == "ok"
    assert fake_runner.starts == 1


def test_a_worker_that_cannot_start_is_an_environment_error(tmp_path):
    broken = [sys.executable, "-I", "-c", "import no_such_cv2_module"]
    with OpenCVRunner(broken, timeout=5.0, log_dir=tmp_path) as runner, \
            pytest.raises(WorkerStartError, match="no_such_cv2_module"):
        runner.start()


def scripted_worker(after_hello: str) -> list[str]:
    """A worker that says hello, reads one request, then runs `after_hello` (to break the protocol)."""
    script = ("import json, sys; print(json.dumps({'hello': {'opencv': 'scripted'}}), flush=True); "
              f"sys.stdin.readline(); {after_hello}")
    return [sys.executable, "-I", "-c", script]


@pytest.mark.parametrize("after_hello, complaint", [
    ("print('garbage', flush=True); sys.stdin.readline()", "broke the protocol"),
    ("print('[1, 2]', flush=True); sys.stdin.readline()", "broke the protocol"),
    ("sys.exit(0)", "exited with code 0 without answering"),
])
def test_a_worker_breaking_the_protocol_is_a_crash_of_that_cell_only(tmp_path, model_file, after_hello, complaint):
    with OpenCVRunner(scripted_worker(after_hello), timeout=5.0, log_dir=tmp_path / "logs") as runner:
        for attempt in range(2):  # the worker is replaced and the next cell gets the same treatment afresh
            outcome = runner.run(model_file("ok"), "readNet", [("", BLOB)], tmp_path / str(attempt))
            assert outcome.status == "crash" and complaint in outcome.error
        assert runner.starts == 2


def test_a_worker_gone_between_cells_is_replaced_before_the_next_cell(fake_runner, model_file, tmp_path):
    assert run(fake_runner, model_file, tmp_path, "ok").status == "ok"
    fake_runner._process.kill()
    fake_runner._process.wait()
    assert run(fake_runner, model_file, tmp_path, "ok").status == "ok"


def test_a_runaway_allocation_fails_that_cell_under_the_memory_cap(fake_worker_command, model_file, tmp_path,
                                                                   forked):
    with OpenCVRunner(fake_worker_command, timeout=20.0, log_dir=tmp_path / "logs", memory_limit_mb=1024,
                      forked=forked) as runner:
        outcome = run(runner, model_file, tmp_path, "allocate")
        assert (outcome.status, outcome.stage) == ("forward-error", "forward")
        assert "MemoryError" in outcome.detail
        assert run(runner, model_file, tmp_path, "ok").status == "ok"


def test_a_crash_keeps_the_stderr_of_its_own_cell_only(fake_runner, model_file, tmp_path):
    run(fake_runner, model_file, tmp_path, "ok")
    crashed = run(fake_runner, model_file, tmp_path, "segfault")
    assert "forward of a 'segfault' model" in crashed.detail
    assert "'ok'" not in crashed.detail


def test_faults_touch_only_their_own_cell(fake_worker_command, model_file, tmp_path, forked):
    """A run mixing every fault with good cells: each fault is its cell's status, and every good cell gives
    exactly what it gives in a run without faults."""
    faults = {"segfault": "crash", "abort": "crash", "sigkill": "crash", "exit": "crash", "hang": "timeout",
              "forward-error": "forward-error", "import-error": "import-error", "allocate": "forward-error"}
    with OpenCVRunner(fake_worker_command, timeout=2.0, log_dir=tmp_path / "clean", memory_limit_mb=1024) as clean:
        expected = run(clean, model_file, tmp_path, "ok").outputs
    with OpenCVRunner(fake_worker_command, timeout=2.0, log_dir=tmp_path / "mixed", memory_limit_mb=1024,
                      forked=forked) as mixed:
        for behaviour, status in faults.items():
            assert run(mixed, model_file, tmp_path, behaviour).status == status, behaviour
            good = run(mixed, model_file, tmp_path, "ok")
            assert good.status == "ok" and all((a == b).all() for a, b in zip(good.outputs, expected, strict=True))
        assert mixed.starts == 1 + 5  # a fresh worker after each of the 4 crashes and the timeout, none otherwise


def test_a_spare_worker_takes_over_after_a_crash_and_close_stops_both(fake_worker_command, model_file, tmp_path,
                                                                      forked):
    with OpenCVRunner(fake_worker_command, timeout=5.0, log_dir=tmp_path / "logs", spare=True, forked=forked) as runner:
        assert run(runner, model_file, tmp_path, "ok").status == "ok"
        spare = runner._spare.process
        assert run(runner, model_file, tmp_path, "segfault").status == "crash"
        assert run(runner, model_file, tmp_path, "ok").status == "ok"
        assert runner._process is spare and runner.starts == 2 and runner._spare is not None
        serving, next_spare = runner._process, runner._spare.process
    assert serving.poll() is not None and next_spare.poll() is not None and runner._spare is None


def test_forked_workers_import_cv2_once_for_all(fake_worker_command, model_file, tmp_path, monkeypatch):
    """After crashes, new workers come from the zygote's fork: cv2 was imported once, by the zygote."""
    imports = tmp_path / "imports.txt"
    monkeypatch.setenv("FAKE_CV2_IMPORTS", str(imports))
    with OpenCVRunner(fake_worker_command, timeout=5.0, log_dir=tmp_path / "logs", forked=True) as runner:
        for behaviour in ("ok", "segfault", "ok", "abort", "ok"):
            run(runner, model_file, tmp_path, behaviour)
        assert runner.starts == 3
        worker = str(runner._process.pid)
    assert len(imports.read_text().split()) == 1
    assert worker not in imports.read_text().split()


def test_a_zygote_that_cannot_import_cv2_is_an_environment_error(tmp_path):
    broken = [sys.executable, "-I", "-c", "import no_such_cv2_module"]
    with OpenCVRunner(broken, timeout=5.0, log_dir=tmp_path, forked=True) as runner, \
            pytest.raises(WorkerStartError, match="no_such_cv2_module"):
        runner.start()


def test_a_killed_zygote_is_replaced_at_the_next_worker(fake_worker_command, model_file, tmp_path):
    with OpenCVRunner(fake_worker_command, timeout=5.0, log_dir=tmp_path / "logs", forked=True) as runner:
        assert run(runner, model_file, tmp_path, "ok").status == "ok"
        runner._zygote.process.kill()
        runner._zygote.process.wait()
        assert run(runner, model_file, tmp_path, "segfault").status == "crash"
        assert run(runner, model_file, tmp_path, "ok").status == "ok"
