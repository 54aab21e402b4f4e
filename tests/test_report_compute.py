"""Report builder, pure computations on tiny tables: pass rates, first working version, diff, and their wording."""
from __future__ import annotations

import copy

from report_samples import cell, results, table_of

from reports.builder import view
from reports.builder.baseline import trimmed
from reports.builder.diff import diff_reports, unpacked_cells
from reports.builder.document import build_document, to_json
from reports.builder.first_working import first_pass, first_working
from reports.builder.load import read_baseline
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


def _route(diff, path):
    return next(route for route in diff["routes"] if route["path"] == path)


def test_diff_regressions_fixes_new_and_removed_cells_per_route():
    before = _report({"a": "pass", "b": "mismatch", "c": "import-error", "d": "pass", "gone": "pass"})
    now = table_of(results("tf215-cv49", _cells({"a": "mismatch", "b": "pass", "c": "crash", "d": "pass",
                                                 "new": "timeout"})))
    diff = build_document(now, before, "baseline: support.json")["diff"]
    assert diff["note"] == "baseline: support.json"
    route = _route(diff, "tflite")
    # a lost pass and a failure that fails otherwise are both regressions
    assert [(r["case"], r["before"], r["after"]) for r in route["regressions"]] == [
        ("a", "pass", "mismatch"), ("c", "import-error", "crash")]
    assert [(r["case"], r["before"], r["after"]) for r in route["fixes"]] == [("b", "mismatch", "pass")]
    assert route["new_cells"] == [{"column": "tf215-cv49", "whole_column": False, "count": 1, "passed": 0,
                                   "cases": ["new"]}]
    assert route["removed_cells"] == [{"column": "tf215-cv49", "whole_column": False, "count": 1, "passed": 1,
                                       "cases": ["gone"]}]
    assert view.diff_summary(diff) == "2 regressions, 1 fix, 1 new cell, 1 removed cell"


def test_diff_status_change_of_a_nondeterministic_cell_is_neither_regression_nor_fix():
    before = _report({"a": "pass", "b": "mismatch", "c": "pass"})
    before["cells"][1]["rerun"] = "pass"  # b's second run passed in the baseline
    now = build_document(table_of(results("tf215-cv49", _cells({"a": "forward-error", "b": "pass", "c": "pass"}))),
                         before)
    route = _route(now["diff"], "tflite")
    assert [r["case"] for r in route["regressions"]] == ["a"] and route["fixes"] == []
    assert [(r["case"], r.get("rerun_before")) for r in route["nondeterministic"]] == [("b", "pass")]
    now["cells"][0]["rerun"] = "pass"  # and if a's second run had passed, a would be nondeterministic now
    diff = diff_reports(before, now)
    route = _route(diff, "tflite")
    assert route["regressions"] == [] and route["fixes"] == []
    assert [(r["case"], r.get("rerun_after", "")) for r in route["nondeterministic"]] == [("a", "pass"), ("b", "")]
    assert view.diff_summary(diff) == "2 nondeterministic changes"
    blocks = view.diff_route_blocks(diff, route, lambda count: count)
    assert blocks[0].title == "Nondeterministic"
    assert blocks[0].table.rows[0][2:4] == ["✓ pass", "F forward-error ~"]


def test_diff_routes_in_the_reports_order_new_and_removed_routes_marked_unchanged_ones_left_out():
    before = build_document(table_of(results("tf215-cv49", [*_cells({"a": "pass"}, "onnx-keras"),
                                                            *_cells({"a": "pass"}, "old-route"),
                                                            *_cells({"a": "pass"}, "tflite")])))
    now = table_of(results("tf215-cv49", [*_cells({"a": "pass", "b": "pass"}, "new-route"),
                                          *_cells({"a": "pass"}, "onnx-keras"),
                                          *_cells({"a": "mismatch"}, "tflite")]))
    document = build_document(now, before)
    diff = document["diff"]
    assert [(r["path"], r["new_route"], r["removed_route"]) for r in diff["routes"]] == [
        ("new-route", True, False), ("tflite", False, False), ("old-route", False, True)]
    assert view.unchanged_routes(document) == ["onnx-keras"]
    assert view.diff_overview_table(diff).rows == [["new-route (new route)", "", "", "", "2", ""],
                                                   ["tflite", "1", "", "", "", ""],
                                                   ["old-route (removed route)", "", "", "", "", "1"]]


def test_diff_counts_the_cells_of_a_new_column_as_one_row():
    before = _report({"a": "pass", "b": "pass"})
    now = table_of(results("tf215-cv49", _cells({"a": "pass", "b": "pass", "c": "pass"})),
                   results("tf215-cv412", _cells({"a": "pass", "b": "mismatch"}), opencv="4.12.0"))
    diff = build_document(now, before)["diff"]
    groups = _route(diff, "tflite")["new_cells"]
    assert groups == [{"column": "tf215-cv49", "whole_column": False, "count": 1, "passed": 1, "cases": ["c"]},
                      {"column": "tf215-cv412", "whole_column": True, "count": 2, "passed": 1, "cases": []}]
    blocks = view.diff_route_blocks(diff, _route(diff, "tflite"), lambda count: count)
    assert [block.title for block in blocks] == ["New cells"]
    assert blocks[0].table.rows == [["the 1 new columns", "2", "1", "all the route's cases there"],
                                    ["tf215-cv49", "1", "1", "1 case: c"]]


def test_diff_blocks_count_a_long_list_per_status_change_before_its_first_cells():
    before = _report({f"c{index}": "pass" for index in range(5)})
    now = table_of(results("tf215-cv49", _cells({"c0": "mismatch", "c1": "mismatch", "c2": "crash",
                                                 "c3": "mismatch", "c4": "pass"})))
    diff = build_document(now, before)["diff"]
    blocks = view.diff_route_blocks(diff, _route(diff, "tflite"), lambda count: min(count, 2))
    assert [block.title for block in blocks] == ["Regressions", ""]
    assert "4." in blocks[0].note and "then 2 of them one by one" in blocks[0].note
    assert blocks[0].table.rows == [["✓ pass → ✗ mismatch", "3", "tf215-cv49 (3)"],
                                    ["✓ pass → C crash", "1", "tf215-cv49 (1)"]]
    assert [row[0] for row in blocks[1].table.rows] == ["c0", "c1"]


def test_diff_lists_new_and_removed_envs_as_columns_not_cells():
    before = _report({"a": "pass"}, extra_env="tf215-cv412")
    diff = build_document(table_of(results("tf215-cv49", _cells({"a": "pass"})),
                                   results("tf219-cv49", _cells({"a": "pass", "b": "mismatch"}))), before)["diff"]
    assert diff["new_envs"] == ["tf219-cv49"] and diff["removed_envs"] == ["tf215-cv412"]
    assert diff["new_columns"] == [{"column": "tf219-cv49", "passed": 1, "measured": 2}]
    assert diff["removed_columns"] == [{"column": "tf215-cv412", "passed": 1, "measured": 1}]
    route = _route(diff, "tflite")  # the cells of a column only one side has count as that side's, in one group
    assert [(g["column"], g["whole_column"], g["count"]) for g in route["new_cells"]] == [("tf219-cv49", True, 2)]
    assert [(g["column"], g["whole_column"], g["count"]) for g in route["removed_cells"]] == [
        ("tf215-cv412", True, 1)]
    assert route["regressions"] == []


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
    assert [r["case"] for r in _route(diff, "tflite")["regressions"]] == ["a"]
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
    note = view.at_risk_note(lambda text, url: text)
    assert "opencv PR #29474" in note and "Caffe and Darknet are already gone in OpenCV 5.0" in note


def test_a_trimmed_baseline_gives_the_same_diff_as_the_whole_report(tmp_path):
    before = _report({"a": "pass", "b": "mismatch", "gone": "pass"}, extra_env="tf215-cv412")
    before["cells"][1]["rerun"] = "pass"
    now = build_document(table_of(results("tf215-cv49", _cells({"a": "crash", "b": "pass", "new": "pass"}),
                                          opencv="4.9.1")))
    (tmp_path / "support.json").write_text(to_json(trimmed(before)))
    baseline, note = read_baseline(tmp_path / "support.json")
    assert note.startswith("baseline: ") and diff_reports(baseline, now) == diff_reports(before, now)
    packed = trimmed(before)["packed_cells"]
    assert "cells" not in trimmed(before) and packed["rerun"] == [[*packed["rerun"][0][:3], "pass"]]
    assert all(len(codes) == len(packed["columns"]) for _, _, codes in packed["rows"])
    assert sorted(unpacked_cells(packed), key=str) == sorted(
        ({name: cell[name] for name in ("column", "path", "case", "status", "rerun") if name in cell}
         for cell in before["cells"]), key=str)
