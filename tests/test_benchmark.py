"""The benchmark's own logic: comparing two runs' verdicts and printing its result."""
from benchmarks.run import markdown, verdict_differences


def document(*cells):
    return {"cells": [{"case": case, "path": "tflite", "status": status, "metrics": metrics and errors(*metrics),
                       **extra} for case, status, metrics, extra in cells]}


def errors(max_abs, mean_abs):
    return {"max_abs": max_abs, "mean_abs": mean_abs, "scale": 1.0, "required_tolerance": max(max_abs, 10 * mean_abs)}


def test_runs_with_the_same_statuses_and_errors_to_three_digits_do_not_differ():
    serial = document(("a", "pass", (1.23456e-7, 2e-8), {}), ("b", "import-error", None, {}))
    parallel = document(("a", "pass", (1.234561e-7, 2e-8), {}), ("b", "import-error", None, {}))
    assert verdict_differences(serial, parallel) == []


def test_a_changed_status_or_error_is_named_with_both_sides():
    serial = document(("a", "pass", (1e-7, 1e-8), {}), ("b", "mismatch", (2.5, 1.0), {}),
                      ("c", "pass", (2.421e-7, 1e-8), {}))
    warm = document(("a", "mismatch", (1e-7, 1e-8), {}), ("b", "mismatch", (3.5, 1.0), {}),
                    ("c", "pass", (2.431e-7, 1e-8), {}))
    assert verdict_differences(serial, warm) == [
        "a via tflite: pass max_abs=1e-07 mean_abs=1e-08 -> mismatch max_abs=1e-07 mean_abs=1e-08",
        "b via tflite: mismatch max_abs=2.5 mean_abs=1 -> mismatch max_abs=3.5 mean_abs=1",
        "c via tflite: pass max_abs=2.421e-07 mean_abs=1e-08 -> pass max_abs=2.431e-07 mean_abs=1e-08"]


def test_nondeterministic_cells_and_cells_of_one_run_only_are_left_out():
    serial = document(("a", "mismatch", (9e31, 1e30), {"rerun": {"status": "mismatch"}}), ("b", "pass", None, {}))
    subset = document(("a", "mismatch", (8e13, 1e12), {}))
    assert verdict_differences(serial, subset) == []


def test_the_markdown_names_the_commit_the_targets_and_the_agreement():
    result = {"commit": "abc1234", "date": "2026-12-07T13:00:00+00:00",
              "machine": {"cpus": 2, "platform": "Linux", "python": "3.11.7"},
              "setup": {"tf_side": {"tensorflow-cpu": "2.15.1"}, "opencv": "4.9", "second_opencv": "4.12",
                        "cells": 10, "jobs": 2},
              "figures": {"warm run wall (s)": 20.0, "report build (s)": 3.0},
              "targets": {"warm run wall (s)": {"target": 15.0, "measured": 20.0, "met": False}},
              "stages_cold_serial": {"onnx-savedmodel": 5.0}, "stages_warm": {"opencv forward": 1.0},
              "differences_from_serial": {"cold": [], "warm": ["a via tflite: pass -> mismatch"]}}
    text = markdown(result)
    assert "commit abc1234" in text and "| warm run wall (s) | 20.00 | <= 15, **not met** |" in text
    assert "cold identical, warm 1 differ (a via tflite: pass -> mismatch ...)" in text
    assert "| onnx-savedmodel | 5.00 |" in text
