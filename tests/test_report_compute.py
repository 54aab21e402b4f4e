"""Report builder, pure computations on tiny tables: pass rates, first working version, diff, and their wording."""
from __future__ import annotations

import copy

from report_samples import cell, results, table_of

from reports.builder import view
from reports.builder.document import build_document
from reports.builder.first_working import first_pass, first_working
from reports.builder.rates import opencv_rates, pass_rates
from reports.builder.route_advice import route_advice


def _cells(statuses: dict[str, str], path: str = "tflite", **fields):
    return [cell(case, path, status, **fields) for case, status in statuses.items()]


# -- pass rates ---------------------------------------------------------------------------------------------------

def test_pass_rates_per_column_and_per_path():
    table = table_of(results("tf215-cv49", [*_cells({"a": "pass", "b": "mismatch"}, "tflite"),
                                            *_cells({"a": "pass", "b": "pass"}, "onnx-keras")]))
    rates = pass_rates(table)
    assert rates["per_column"] == {"tf215-cv49": {"passed": 3, "measured": 4, "rate": 0.75}}
    assert rates["per_path"]["tflite"]["tf215-cv49"] == {"passed": 1, "measured": 2, "rate": 0.5}
    assert view.percent(rates["per_column"]["tf215-cv49"]) == "75%"
    assert view.fraction(rates["per_path"]["onnx-keras"]["tf215-cv49"]) == "2/2"
    assert view.fraction({"passed": 0, "measured": 0, "rate": None}) == "–"  # never "0/0"


def test_opencv_rates_pool_tf_versions_and_split_keras_generations():
    table = table_of(
        results("tf215-cv410", _cells({"a": "pass", "b": "mismatch"}), opencv="4.10.0"),
        results("tf219-cv410", _cells({"a": "mismatch", "b": "mismatch"}), tf="2.19.1", keras="3.15.1",
                opencv="4.10.0"),
        results("tf219-cv49-keras2", _cells({"a": "pass", "b": "pass"}), tf="2.19.1", keras="2.19.0"),
        results("tf219-cv50", _cells({"a": "pass"}, engine="new"), tf="2.19.1", keras="3.15.1", opencv="5.0.0"),
    )
    rates = opencv_rates(table)
    assert rates["columns"] == ["4.9", "4.10", "5.0 new"]  # numeric order, engines after the version
    at_410 = rates["per_path"]["tflite"]["4.10"]
    assert (at_410["all"]["passed"], at_410["all"]["measured"]) == (1, 4)
    assert at_410["Keras 2"]["rate"] == 0.5 and at_410["Keras 3"]["rate"] == 0.0
    assert rates["per_path"]["tflite"]["4.9"]["Keras 2"]["rate"] == 1.0  # tf-keras on TF 2.19 is Keras 2
    text = view.opencv_rates_table(build_document(table), " ").rows[0]
    assert text == ["tflite", "100% (K2 100%)", "25% (K2 50%, K3 0%)", "100% (K3 100%)"]


# -- first working version ----------------------------------------------------------------------------------------

def test_first_pass_notes_a_later_failure_as_a_regression():
    assert first_pass([("4.7", "unsupported"), ("4.9", "pass"), ("4.10", "pass"), ("4.12", "mismatch")]) == {
        "first_pass": "4.9", "fails_again": ["4.12"], "unmeasured_below": []}


def test_first_pass_lists_unmeasured_versions_below_it():
    assert first_pass([("4.7", "import-error"), ("4.8", None), ("4.9", "pass"), ("4.10", None)]) == {
        "first_pass": "4.9", "fails_again": [], "unmeasured_below": ["4.8"]}


def test_first_pass_when_nothing_passes():
    assert first_pass([("4.9", "crash"), ("4.10", None)]) == {
        "first_pass": None, "fails_again": [], "unmeasured_below": ["4.10"]}


def _matrix_table():
    """TF 2.15 on OpenCV 4.9, 4.10 (missing), 4.12 and 5.0 (two engines); TF 2.16 with Keras 2 on 4.12."""
    return table_of(
        results("tf215-cv49", _cells({"up": "import-error", "conv": "pass"})),
        results("tf215-cv412", _cells({"up": "pass", "conv": "pass"}), opencv="4.12.0"),
        results("tf215-cv50", [*_cells({"up": "pass", "conv": "pass"}, engine="classic"),
                               *_cells({"up": "mismatch", "conv": "pass"}, engine="new")], opencv="5.0.0"),
        results("tf216-cv412-keras2", _cells({"up": "pass"}), tf="2.16.2", opencv="4.12.0"),
        expected=("tf215-cv410",),
    )


def test_first_working_per_tf_series_and_engine_line():
    entries = {(e["case"], e["tf"], e["keras2"], e["engine"]): e for e in first_working(_matrix_table())}
    up_classic = entries[("up", "2.15", False, "classic")]
    assert (up_classic["first_pass"], up_classic["fails_again"], up_classic["unmeasured_below"]) == (
        "4.12", [], ["4.10"])
    up_new = entries[("up", "2.15", False, "new")]
    assert (up_new["first_pass"], up_new["fails_again"]) == ("4.12", ["5.0"])
    assert entries[("conv", "2.15", False, "new")]["first_pass"] == "4.9"
    assert entries[("up", "2.16", True, "")]["first_pass"] == "4.12"
    assert ("conv", "2.16", True, "") not in entries  # never measured on that TF: no entry


def test_first_working_wording():
    document = build_document(_matrix_table())
    series, rows = view.first_working_grid(document, "tflite")
    assert series == ["2.15", "2.16 k2"]
    texts = {case: cells for _, case, cells in rows if case}
    assert texts["up"] == ["classic ≤4.12 · new ≤4.12 ↘5.0", "4.12"]
    assert texts["conv"] == ["4.9", ""]


# -- diff ---------------------------------------------------------------------------------------------------------

def _report(statuses: dict[str, str], env: str = "tf215-cv49", extra_env: str | None = None, **fields):
    documents = [results(env, _cells(statuses), **fields)]
    if extra_env:
        documents.append(results(extra_env, _cells({"a": "pass"}), opencv="4.12.0"))
    return build_document(table_of(*documents))


def test_diff_regressions_fixes_changes_new_and_removed_cells():
    before = _report({"a": "pass", "b": "mismatch", "c": "import-error", "d": "pass", "gone": "pass"})
    now = table_of(results("tf215-cv49", _cells({"a": "mismatch", "b": "pass", "c": "crash", "d": "pass",
                                                 "new": "timeout"})))
    diff = build_document(now, before, "baseline: support.json")["diff"]
    assert diff["note"] == "baseline: support.json"
    assert [(r["case"], r["before"], r["after"]) for r in diff["regressions"]] == [("a", "pass", "mismatch")]
    assert [(r["case"], r["before"], r["after"]) for r in diff["fixes"]] == [("b", "mismatch", "pass")]
    assert [(r["case"], r["before"], r["after"]) for r in diff["changes"]] == [("c", "import-error", "crash")]
    assert [r["case"] for r in diff["new_cells"]] == ["new"]
    assert [r["case"] for r in diff["removed_cells"]] == ["gone"]
    assert view.diff_summary(diff) == "1 regression, 1 fix, 1 other status change, 1 new cell, 1 removed cell"


def test_diff_lists_new_and_removed_envs_as_columns_not_cells():
    before = _report({"a": "pass"}, extra_env="tf215-cv412")
    diff = build_document(table_of(results("tf215-cv49", _cells({"a": "pass"})),
                                   results("tf219-cv49", _cells({"a": "pass", "b": "mismatch"}))), before)["diff"]
    assert diff["new_envs"] == ["tf219-cv49"] and diff["removed_envs"] == ["tf215-cv412"]
    assert diff["new_columns"] == [{"column": "tf219-cv49", "passed": 1, "measured": 2}]
    assert diff["removed_columns"] == [{"column": "tf215-cv412", "passed": 1, "measured": 1}]
    assert diff["new_cells"] == [] and diff["regressions"] == []


def test_diff_names_version_and_state_changes_of_an_env():
    before = _report({"a": "pass"}, opencv="4.9.0")
    now = build_document(table_of(results("tf215-cv49", _cells({"a": "pass"}), opencv="4.9.1", complete=False)),
                         before)
    changes = {(c["field"], c["before"], c["after"]) for c in now["diff"]["env_changes"]}
    assert ("state", "complete", "incomplete") in changes
    assert ("opencv_side.opencv", "4.9.0", "4.9.1") in changes


def test_no_baseline_is_a_note_and_a_malformed_one_does_not_break_the_diff():
    assert _report({"a": "pass"})["diff"] == {"baseline": None, "note": "no baseline given"}
    baseline = copy.deepcopy(_report({"a": "pass"}))
    baseline.update(data="junk", envs=[1, {"name": 2}], pass_rates=None)
    baseline["cells"].append({"column": 1})
    diff = build_document(table_of(results("tf215-cv49", _cells({"a": "mismatch"}))), baseline)["diff"]
    assert [r["case"] for r in diff["regressions"]] == ["a"]
    assert diff["baseline"] == {"date": "", "files": []}


# -- view wording -------------------------------------------------------------------------------------------------

def test_matrix_shows_rates_states_and_engines():
    document = build_document(table_of(
        results("tf215-cv49", _cells({"a": "pass", "b": "mismatch"}), complete=False),
        results("tf215-cv50", [*_cells({"a": "pass"}, engine="classic"), *_cells({"a": "crash"}, engine="new")],
                opencv="5.0.0"),
        results("tf212-cv49", [], not_installable="no numpy fits both"),
        expected=("tf215-cv410",)))
    table = view.matrix_table(document, " / ")
    assert table.header == ["TF \\ OpenCV", "4.9", "4.10", "5.0"]
    assert table.rows == [["2.12", "n/i", "", ""], ["2.15", "50% (partial)", "—", "classic 100% / new 0%"]]
    groups = dict(view.unmeasured_envs(document))
    assert groups["Not installable"] == ["tf212-cv49: no numpy fits both"]
    assert any(heading.startswith("Missing") for heading in groups)


# -- route advice -------------------------------------------------------------------------------------------------

def _advice_table():
    """Keras 2 on TF 2.15 and 2.16 k2 (pooled), Keras 3 on TF 2.19; OpenCV 4.9, 4.12, 5.0 (engines)."""
    def routes(onnx, frozen, case="a", **fields):
        return [cell(case, "onnx-keras", onnx, **fields), cell(case, "tf-frozen", frozen, **fields)]

    return table_of(
        results("tf215-cv49", [*routes("mismatch", "pass"), *routes("pass", "pass", "b"),
                               cell("blob", "blob-from-image", "pass", family="preprocessing")]),
        results("tf215-cv412", [*routes("pass", "pass"), *routes("pass", "pass", "b")], opencv="4.12.0"),
        results("tf216-cv412-keras2", [*routes("mismatch", "pass"), *routes("pass", "pass", "b")], tf="2.16.2",
                opencv="4.12.0"),
        results("tf215-cv50", [*routes("pass", "pass", engine="auto"), *routes("mismatch", "pass", engine="classic"),
                               *routes("mismatch", "mismatch", "b", engine="auto"),
                               *routes("mismatch", "mismatch", "b", engine="classic")], opencv="5.0.0"),
        results("tf219-cv49", routes("pass", "mismatch"), tf="2.19.1", keras="3.15.1"),
    )


def test_route_advice_per_case_pools_a_keras_generation_and_traces_the_engine_line():
    entries = {(e["case"], e["keras"], e["opencv"]): e for e in route_advice(_advice_table())["cases"]}
    assert ("blob", "Keras 2", "4.9") not in entries  # blobFromImage is no route
    assert entries[("a", "Keras 2", "4.9")] == {
        "family": "conv2d", "case": "a", "keras": "Keras 2", "opencv": "4.9", "route": "tf-frozen", "engine": "",
        "since": "4.9", "at_risk": ["tf-importer"]}
    assert entries[("a", "Keras 2", "4.12")]["route"] == "tf-frozen"  # onnx-keras fails on TF 2.16 with Keras 2
    five = entries[("a", "Keras 2", "5.0")]
    assert (five["route"], five["engine"], five["since"], five["at_risk"]) == ("onnx-keras", "auto", "5.0", [])
    assert entries[("b", "Keras 2", "5.0")]["route"] is None
    assert entries[("a", "Keras 3", "4.9")]["route"] == "onnx-keras"


def test_route_advice_per_family_and_its_wording():
    document = build_document(_advice_table())
    families = {(e["keras"], e["opencv"]): e for e in document["advice"]["families"]}
    at_49 = families[("Keras 2", "4.9")]
    assert (at_49["route"], at_49["covered"], at_49["measured"]) == ("tf-frozen", 2, 2)
    assert view.advice_text(at_49) == "tf-frozen 2/2 from 4.9 †"
    assert view.advice_text(families[("Keras 2", "5.0")]) == "onnx-keras [auto] 1/2 from 5.0"
    table = view.advice_table(document, "families")
    assert table.header == ["family", "Keras", "4.9", "4.12", "5.0"]
    assert table.rows == [["conv2d", "Keras 2", "tf-frozen 2/2 from 4.9 †", "tf-frozen 2/2 from 4.9 †",
                           "onnx-keras [auto] 1/2 from 5.0"], ["conv2d", "Keras 3", "onnx-keras 1/1 from 4.9", "", ""]]
    assert "opencv PR #29474" in view.at_risk_note(lambda text, url: text)
