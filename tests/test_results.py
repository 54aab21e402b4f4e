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
    assert len(json.loads(writer.file.read_text())["cells"]) == 2
    assert not list(writer.file.parent.glob("*.tmp"))


def test_complete_document_has_schema_versions_and_summary(writer):
    writer.add(record())
    writer.add(record(path="onnx-keras", status="mismatch"))
    writer.write(complete=True)
    document = results.read(writer.file)
    assert document["schema"] == results.SCHEMA_VERSION and document["complete"] is True
    assert document["env"] == "tf215-cv49"
    assert document["tf_side"]["tensorflow-cpu"] == "2.15.1"
    assert document["opencv_side"]["opencv"] == "4.9.0"
    assert document["summary"]["overall"]["mismatch"] == 1
    assert document["summary"]["per_path"]["tflite"]["pass"] == 1


def test_unknown_schema_is_refused(tmp_path):
    file = tmp_path / "old.json"
    file.write_text(json.dumps({"schema": 0}))
    with pytest.raises(ValueError, match="schema 0"):
        results.read(file)
