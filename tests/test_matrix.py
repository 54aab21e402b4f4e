"""The TF x OpenCV matrix: env names, requirements per pair, labels, and the tox envs generated from it."""
import json
import shutil
import subprocess

import pytest

from conformance import matrix
from conformance.schema import RESULTS_SCHEMA


def test_every_tf_and_opencv_minor_is_paired_and_names_are_unique():
    names = [pair.name for pair in matrix.pairs()]
    assert len(names) == len(set(names))
    plain = [p for p in matrix.pairs() if not p.keras2]
    assert len(plain) == len(matrix.TF_VERSIONS) * len(matrix.OPENCV_VERSIONS) >= 60
    assert {"tf212-cv47", "tf215-cv49", "tf221-cv50", "tf219-cv412-keras2"} <= set(names)
    assert not any(p.keras2 and matrix.version_key(p.tf) < (2, 16) for p in matrix.pairs())


def test_requirements_come_from_one_table_by_tf_range():
    tf215 = matrix.by_name("tf215-cv412").requirements()
    assert {"tensorflow-cpu==2.15.*", "tf2onnx==1.17.0", "numpy<2", "onnx<1.18"} <= set(tf215)
    tf219 = matrix.by_name("tf219-cv49").requirements()
    assert "tf2onnx==1.17.0" in tf219 and not {"numpy<2", "onnx<1.18"} & set(tf219) and "tf-keras==2.19.*" not in tf219
    keras2 = matrix.by_name("tf219-cv49-keras2")
    assert "tf-keras==2.19.*" in keras2.requirements()
    assert keras2.environment()["TF_USE_LEGACY_KERAS"] == "1"
    assert "TF_USE_LEGACY_KERAS" not in matrix.by_name("tf219-cv49").environment()


def test_engines_are_columns_from_opencv_5_on():
    assert matrix.by_name("tf215-cv50").engines == ("classic", "new", "auto")
    assert matrix.by_name("tf215-cv414").engines == ("",)
    assert matrix.engines_for("4.10.0.84") == ("",)


def test_labels_select_subsets():
    measured = [p.name for p in matrix.pairs() if "measured" in p.labels()]
    minors = ("47", "48", "49", "410", "411", "412", "413", "414", "50")
    expected = [f"tf{tf}-cv{cv}" for tf in ("212", "215", "219", "221") for cv in minors]
    assert sorted(measured) == sorted(expected + [f"tf221-cv{cv}-keras2" for cv in minors])
    assert set(matrix.CI) <= set(measured)  # the ci envs' results are committed and checked by CI
    assert {p.name for p in matrix.pairs() if "core" in p.labels()} == set(matrix.CORE)
    assert all("tf215" in p.labels() for p in matrix.pairs() if p.tf == "2.15")


def test_a_tf_keras_side_is_measured_only_where_listed(monkeypatch):
    assert "measured" in matrix.by_name("tf221-cv49-keras2").labels()
    assert "measured" not in matrix.by_name("tf219-cv49-keras2").labels()
    monkeypatch.setattr(matrix, "MEASURED_KERAS2_TF", ())
    assert "measured" not in matrix.by_name("tf221-cv49-keras2").labels()
    assert "measured" in matrix.by_name("tf221-cv49").labels()


def test_unknown_env_name_says_what_names_exist():
    with pytest.raises(KeyError, match="not an env of the matrix.*-keras2 only for TF >= 2.16"):
        matrix.by_name("tf215-cv49-keras2")


@pytest.mark.skipif(shutil.which("tox") is None, reason="tox is not installed here")
def test_tox_lists_every_pair_with_its_labels():
    listed = subprocess.run(["tox", "-l"], capture_output=True, text=True, check=True).stdout.split()
    assert [name for name in listed if name.startswith("tf")] == [p.name for p in matrix.pairs()]
    core = subprocess.run(["tox", "-l", "-m", "core"], capture_output=True, text=True, check=True).stdout.split()
    assert core == list(matrix.CORE)


@pytest.mark.skipif(shutil.which("tox") is None, reason="tox is not installed here")
def test_ci_envs_run_after_those_they_follow_and_the_longest_is_not_held_back():
    ci = subprocess.run(["tox", "-l", "-m", "ci"], capture_output=True, text=True, check=True).stdout.split()
    followed = {earlier for after in matrix.CI_RUNS_AFTER.values() for earlier in after}
    assert set(matrix.CI_RUNS_AFTER) <= set(ci) and followed <= set(ci)
    assert "tf219-cv50" not in matrix.CI_RUNS_AFTER  # it starts with the first envs
    shown = subprocess.run(["tox", "config", "-e", ",".join(matrix.CI_RUNS_AFTER), "-k", "depends"],
                           capture_output=True, text=True, check=True).stdout
    for name, after in matrix.CI_RUNS_AFTER.items():
        assert f"[testenv:{name}]\ndepends = {', '.join(after)}" in shown


def test_an_env_that_does_not_install_gets_a_results_file_with_the_reason(tmp_path):
    log = tmp_path / "tox.log"
    log.write_text("tf212-cv47: install_deps> uv pip install ...\n  x No solution found when resolving dependencies:\n"
                   "  Because tensorflow-cpu==2.12.* has no wheels with a matching Python ABI tag, we can conclude"
                   " that your requirements are unsatisfiable.\ntf212-cv47: FAIL code 1\n")
    matrix.main(["not-installable", "tf212-cv47", "--log", str(log), "--results-dir", str(tmp_path)])
    written = json.loads((tmp_path / "tf212-cv47.json").read_text())
    reason = written["not_installable"]
    assert reason.startswith("x No solution found") and "unsatisfiable" in reason
    assert written["cells"] == [] and written["complete"] and written["schema"] == RESULTS_SCHEMA
    assert matrix.install_failure("") == "the env could not be installed (no output)"
