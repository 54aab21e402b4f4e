"""The results file: schema, incremental atomic writes, versions of both sides."""
import json

import pytest

from conformance import results
from conformance.results import CellRecord, ResultsFile


def record(case="conv2d-1x1", path="tflite", status="pass"):
    return CellRecord(case=case, path=path, family="conv2d", status=status, stage="", error="",
                      metrics={"max_abs": 0.0, "mean_abs": 0.0, "scale": 1.0, "required_tolerance": 0.0},
                      tolerance=1e-4, known=None, outcome="pass", seconds={"cell": 0.1})


@pytest.fixture
def writer(tmp_path):
    return ResultsFile(tmp_path / "out" / "tf215-cv49.json", "tf215-cv49", {"tensorflow-cpu": "2.15.1"},
                       {"opencv": "4.9.0", "wheel": "opencv-python-headless==4.9.0.80"}, {"opencv": "4.9"})


def test_every_cell_is_on_disk_as_soon_as_it_is_measured(writer):
    writer.add(record())
    on_disk = json.loads(writer.file.read_text())
    assert on_disk["complete"] is False
    assert [c["case"] for c in on_disk["cells"]] == ["conv2d-1x1"]
    writer.add(record("conv2d-3x3-same", status="crash"))
    read_back = results.read(writer.file)  # the file plus the journal of the run going on
    assert [c["status"] for c in read_back["cells"]] == ["pass", "crash"] and read_back["complete"] is False
    assert read_back["summary"]["overall"]["crash"] == 1
    assert not list(writer.file.parent.glob("*.tmp"))
    writer.write(complete=True)
    assert not results.journal_of(writer.file).exists() and results.read(writer.file)["complete"] is True


def test_a_run_killed_mid_line_loses_only_that_cell(writer):
    for case in ("a", "b", "c"):
        writer.add(record(case=case))
    with open(results.journal_of(writer.file), "a") as journal:
        journal.write('{"case": "d", "path": "tfl')  # SIGKILL while writing cell d
    assert [c["case"] for c in results.read(writer.file)["cells"]] == ["a", "b", "c"]


def test_a_new_run_does_not_inherit_a_stale_journal(tmp_path):
    file = tmp_path / "tf215-cv49.json"
    killed = writer_for(file, None)
    killed.add(record(case="a"))
    killed.add(record(case="stale"))  # in the journal only, then the run is killed
    fresh = writer_for(file, None)
    fresh.add(record(case="b"))
    assert [c["case"] for c in results.read(file)["cells"]] == ["b"]


def test_complete_document_has_schema_versions_and_summary(writer):
    writer.add(record())
    writer.add(record(path="onnx-keras", status="mismatch"))
    writer.write(complete=True)
    document = results.read(writer.file)
    assert document["schema"] == results.RESULTS_SCHEMA and document["complete"] is True
    assert document["env"] == "tf215-cv49"
    assert document["tf_side"]["tensorflow-cpu"] == "2.15.1"
    assert document["opencv_side"]["opencv"] == "4.9.0"
    assert document["summary"]["overall"]["mismatch"] == 1
    assert document["summary"]["per_path"]["tflite"]["pass"] == 1
    cell_lines = [line for line in writer.file.read_text().splitlines() if line.startswith('  {"case"')]
    assert [json.loads(line.rstrip(","))["path"] for line in cell_lines] == ["tflite", "onnx-keras"]  # a line each


def test_a_file_without_cells_is_valid_json(writer):
    writer.write(complete=True)
    assert results.read(writer.file)["cells"] == []


def test_unknown_schema_is_refused(tmp_path):
    file = tmp_path / "old.json"
    file.write_text(json.dumps({"schema": 0}))
    with pytest.raises(ValueError, match="schema 0"):
        results.read(file)


def writer_for(file, selection, opencv="4.9.0", platform="Linux-6.18.44-fc-v1045-x86_64-with-glibc2.36"):
    return ResultsFile(file, "tf215-cv49", {"tensorflow-cpu": "2.15.1", "platform": platform},
                       {"opencv": opencv, "platform": platform}, {"opencv": "4.9"}, selection)


def test_a_selected_run_keeps_the_other_cells_of_a_complete_run(tmp_path):
    file = tmp_path / "tf215-cv49.json"
    full = writer_for(file, None)
    for case in ("a", "b", "c"):
        full.add(record(case=case))
    full.write(complete=True)
    selected = writer_for(file, "-k 'b'")
    selected.carry_previous()
    selected.add(record(case="b", status="crash"))
    selected.write(complete=True)
    document = results.read(file)
    assert [(c["case"], c["status"]) for c in document["cells"]] == [("a", "pass"), ("b", "crash"), ("c", "pass")]
    assert document["carried_cells"] == 2 and document["selection"] == "-k 'b'"
    assert document["summary"]["overall"]["crash"] == 1 and document["summary"]["overall"]["pass"] == 2


def test_a_selected_run_killed_after_its_first_cell_reads_as_the_carried_cells_and_that_cell(tmp_path):
    file = tmp_path / "tf215-cv49.json"
    full = writer_for(file, None)
    for case in ("a", "b"):
        full.add(record(case=case))
    full.write(complete=True)
    selected = writer_for(file, "-k 'b'")
    selected.carry_previous()
    selected.add(record(case="b", status="crash"))  # then SIGKILL: the file on disk is as it was, the journal holds b
    document = results.read(file)
    assert [(c["case"], c["status"]) for c in document["cells"]] == [("a", "pass"), ("b", "crash")]
    assert document["complete"] is False


@pytest.mark.parametrize("differs, carried", [
    ({"opencv": "4.9.1"}, []),  # other versions: another table
    ({"platform": "Linux-6.18.44-fc-v1272-x86_64-with-glibc2.36"}, ["a"]),  # same packages, another kernel build
])
def test_a_selection_keeps_the_cells_measured_with_the_same_packages_only(tmp_path, differs, carried):
    file = tmp_path / "tf215-cv49.json"
    full = writer_for(file, None)
    full.add(record(case="a"))
    full.write(complete=True)
    selected = writer_for(file, "-k 'b'", **differs)
    selected.carry_previous()
    assert [c["case"] for c in selected.carried] == carried
    full.write(complete=False)
    again = writer_for(file, "-k 'b'", **differs)
    again.carry_previous()
    assert again.carried == []  # an incomplete run is carried by --resume only


def test_resume_carries_an_interrupted_run_and_gives_back_its_records(tmp_path):
    file = tmp_path / "tf215-cv49.json"
    interrupted = writer_for(file, None)
    interrupted.add(record(case="a", status="mismatch"))  # then SIGKILL: complete stays false on disk
    resumed = writer_for(file, None)
    resumed.carry_previous(resume=True)
    assert resumed.carried_record(("a", "tflite", "")).status == "mismatch"
    assert resumed.carried_record(("b", "tflite", "")) is None
    not_resumed = writer_for(file, None)
    not_resumed.carry_previous()
    assert not_resumed.carried == []


@pytest.mark.parametrize("content, complaint", [("{", "not valid JSON"), ('{"schema": 5}', "results schema 5")])
def test_a_file_that_cannot_be_built_on_stops_a_resume_or_a_selection_clearly(tmp_path, content, complaint):
    file = tmp_path / "tf215-cv49.json"
    file.write_text(content)
    for resume, selection, how in ((True, None, "--resume"), (False, "-k 'b'", "selection")):
        with pytest.raises(results.ResultsFileError, match=f"for this {how}: .*{complaint}.*move the file away"):
            writer_for(file, selection).carry_previous(resume=resume)
    writer_for(file, None).carry_previous()  # a full run starts a new table and never reads it
    writer_for(tmp_path / "absent.json", None).carry_previous(resume=True)  # nothing to resume: a fresh run


def test_committed_cells_are_compact_rounded_and_free_of_this_machines_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cell = vars(record(status="import-error")) | {
        "error": f"ConverterError: bad./x/y/.tox/tf215/lib/python3.11/site-packages/keras/a.py:1: op; {tmp_path}/m.pb",
        "metrics": {"max_abs": 0.123456789}, "seconds": {"cell": 0.5}, "detail": "traceback", "bundle": "b",
        "known": "kf-12345678"}
    document = results.committed({"cells": [cell]})
    (compact,) = document["cells"]
    assert document["shared"][compact["error"]] == "ConverterError: bad.site-packages/keras/a.py:1: op; m.pb"
    assert compact["metrics"] == {"max_abs": 0.1235}
    assert not {"seconds", "detail", "bundle", "export_cached", "engine", "stage"} & set(compact)
    assert results.expanded(compact)["engine"] == "" and results.expanded(compact)["case"] == compact["case"]


def test_location_free_elides_roots_and_temporary_files():
    assert results.location_free("/opt/venv/lib/python3.11/site-packages/tf/x.py:3") == "site-packages/tf/x.py:3"
    cached = "load /home/u/p/.conformance-cache/a/model.onnx"
    assert results.location_free(cached) == "load .conformance-cache/a/model.onnx"
    assert results.location_free("see /tmp/conformance-x1/logs/a.txt now") == "see <tmp> now"
    assert results.location_free("max abs 1/2 and a/b") == "max abs 1/2 and a/b"
    exported_by = "FlatBuffer./home/u/suite/.tox/{}/lib/python3.11/site-packages/tensorflow/x.py:7"
    assert results.location_free(exported_by.format("tf219-cv412")) == results.location_free(
        exported_by.format("tf219-cv50")) == "FlatBuffer.site-packages/tensorflow/x.py:7"  # whichever env exported


def test_trace_counters_are_not_committed():
    first = "loc(fused[\"Squeeze:\", \"case/dot/Squeeze@__inference_call_112066\"] at __inference_conv2d_1_fn_7)"
    again = "loc(fused[\"Squeeze:\", \"case/dot/Squeeze@__inference_call_134107\"] at __inference_conv2d_1_fn_9)"
    assert results.run_free(first) == results.run_free(again) == (
        "loc(fused[\"Squeeze:\", \"case/dot/Squeeze@__inference_call_N\"] at __inference_conv2d_1_fn_N)")


def test_errors_and_blames_are_stored_once_per_file_and_read_back(tmp_path):
    blame = {"blame": "opencv", "runtime": "onnxruntime", "runtime_max_abs": 0.0, "runtime_mean_abs": 0.0,
             "evidence": "measured otherwise"}
    cells = [vars(record(case=case, status="import-error")) | {"engine": engine, "error": "Node [Reshape] failed",
                                                                 "blame": blame}
             for case in ("a", "b") for engine in ("new", "auto")]
    document = results.committed({"schema": results.RESULTS_SCHEMA, "env": "e", "cells": cells})
    assert len(document["shared"]) == 2 and {c["error"] for c in document["cells"]} == {
        results.shared_key("Node [Reshape] failed")}
    file = tmp_path / "e.json"
    file.write_text(results.to_text(document))
    again = results.read(file)["cells"]
    assert [(c["error"], c["blame"]["evidence"], c["family"]) for c in again] == [
        ("Node [Reshape] failed", "measured otherwise", "conv2d")] * 4
    assert results.to_text(results.committed(results.read(file))) == file.read_text()  # rewritten alike
    older = {**document, "schema": 3}  # a schema 3 file rewritten (rejudge --write) says what it now is
    assert results.committed(results.shared_in(older))["schema"] == results.RESULTS_SCHEMA == 4


def test_started_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert results.started_now() == "2027-01-15T08:00:00+00:00"
