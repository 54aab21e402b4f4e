"""Re-judging measured results against the known failures: only the bookkeeping changes, never a status."""
import json

from conformance.judging import known_failures, rejudge

ENTRIES = known_failures.parse('[[known]]\ncase = "a"\npath = "tflite"\nopencv = "<4.8"\nstatus = "unsupported"\n'
                               'reason = "no TFLite reader before 4.8"\n')


def document(opencv: str, *cells: tuple[str, str]) -> dict:
    return {
        "schema": 3, "env": f"tf215-cv{opencv.replace('.', '')[:2]}", "not_installable": None,
        "tf_side": {"tensorflow-cpu": "2.15.1", "keras_in_use": "2.15.0"}, "opencv_side": {"opencv": opencv},
        "cells": [{"case": case, "path": "tflite", "engine": "", "status": status, "error": "e", "known": None,
                   "outcome": "stale", "metrics": None} for case, status in cells],
    }


def test_listed_cells_become_known_and_unlisted_failures_are_returned():
    measured = document("4.7.0", ("a", "unsupported"), ("b", "unsupported"), ("c", "pass"))
    failing = rejudge.rejudge(measured, ENTRIES)
    assert [cell["case"] for cell in failing] == ["b"]
    assert [cell["outcome"] for cell in measured["cells"]] == ["known", "unexpected-failure", "pass"]
    assert measured["cells"][0]["known"] == ENTRIES[0].id and ENTRIES[0].id.startswith("kf-")
    assert [cell["status"] for cell in measured["cells"]] == ["unsupported", "unsupported", "pass"]


def test_version_ranges_use_the_files_versions():
    measured = document("4.9.0", ("a", "pass"))
    assert rejudge.rejudge(measured, ENTRIES) == [] and measured["cells"][0]["outcome"] == "pass"


def test_write_refreshes_the_file_and_the_exit_code_says_whether_anything_fails(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(known_failures, "load", lambda: ENTRIES)
    file = tmp_path / "tf215-cv47.json"
    file.write_text(json.dumps(document("4.7.0", ("b", "mismatch"))))
    assert rejudge.main(["--write", str(file)]) == 1
    assert json.loads(file.read_text())["cells"][0]["outcome"] == "unexpected-failure"
    assert file.read_text().count('\n  {"case"') == 1  # written as a run writes it: a line per cell
    assert "unexpected-failure: tflite mismatch: e" in capsys.readouterr().out


def test_unreadable_files_are_skipped_with_a_message(tmp_path, capsys):
    file = tmp_path / "broken.json"
    file.write_text("{")
    assert rejudge.main([str(file)]) == 0
    assert "skipped" in capsys.readouterr().err


def test_entries_that_judge_nothing_are_named_shadowed_or_uncovered():
    entries = known_failures.parse(
        '[[known]]\ncase = "a*"\npath = "tflite"\nstatus = "unsupported"\nreason = "first"\n\n'
        '[[known]]\ncase = "ab"\npath = "tflite"\nstatus = "unsupported"\nreason = "shadowed by the first"\n\n'
        '[[known]]\ncase = "z"\npath = "tflite"\nstatus = "unsupported"\nreason = "covers nothing measured"\n\n'
        '[[known]]\ncase = "fuzz-*"\npath = "tflite"\nstatus = "mismatch"\nreason = "judges fuzz tests only"\n')
    measured = document("4.7.0", ("ab", "unsupported"), ("c", "pass"))
    unused = rejudge.unused_entries([measured], entries)
    assert [(entry.reason, shadow and shadow.reason) for entry, shadow in unused] == [
        ("shadowed by the first", "first"), ("covers nothing measured", None)]
    lines = rejudge.unused_lines(unused, entries)
    assert f"{entries[1].id} (entry 2: case ab; path tflite) shadowed by the earlier entry {entries[0].id} (entry 1)" \
        in lines[0]
    assert lines[1].endswith("covers no measured cell")


def test_a_nondeterministic_cell_whose_entry_is_not_flaky_is_named():
    measured = document("4.7.0", ("a", "unsupported"), ("b", "unsupported"))
    for cell in measured["cells"]:
        cell["rerun"] = {"status": "crash", "stage": "forward", "error": "SIGSEGV", "metrics": None}
    flaky = known_failures.parse('[[known]]\ncase = "b"\npath = "tflite"\nstatus = ["unsupported", "crash"]\n'
                                 'flaky = true\nreason = "measured twice, told two things"\n')
    lines = rejudge.unmarked_nondeterminism(measured, ENTRIES + flaky)
    assert len(lines) == 1 and " a via tflite " in lines[0] and ENTRIES[0].id in lines[0]
