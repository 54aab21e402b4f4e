"""Report builder, first stages: env names and order, status styles, loading results files, merging a table."""
from __future__ import annotations

import colorsys
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_samples import cell, results, table_of, write

from conformance.judging.verdict import STATUSES
from conformance.matrix import Pair
from reports.builder.envs import env_sort_key, version_key
from reports.builder.load import read_baseline, read_results_dir, upgrade
from reports.builder.merge import ExpectedEnv, merge
from reports.builder.rates import pass_rates
from reports.builder.statuses import NEUTRAL, NOT_MEASURED, SAFE_SYMBOLS, STYLES, UNKNOWN, legend, style

# -- env names and order ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "parsed"), [
    ("tf215-cv49", Pair("2.15", "4.9", False)),
    ("tf212-cv410", Pair("2.12", "4.10", False)),
    ("tf219-cv50", Pair("2.19", "5.0", False)),
    ("tf216-cv412-keras2", Pair("2.16", "4.12", True)),
])
def test_env_names_parse(name, parsed):
    assert Pair.parse(name) == parsed


@pytest.mark.parametrize("name", ["tests", "report", "tf215", "tf215-cv49-keras3", "cv49-tf215"])
def test_other_names_do_not_parse(name):
    assert Pair.parse(name) is None


def _ordered(names):
    parsed = {name: Pair.parse(name) for name in names}
    return sorted(names, key=lambda name: env_sort_key(name, parsed[name].tf, parsed[name].opencv,
                                                       parsed[name].keras2))


def test_opencv_410_comes_after_49_and_keras2_after_plain():
    assert _ordered(["tf216-cv412-keras2", "tf215-cv410", "tf216-cv49", "tf215-cv49", "tf215-cv412",
                     "tf216-cv49-keras2", "tf212-cv50"]) == [
        "tf212-cv50", "tf215-cv49", "tf215-cv410", "tf215-cv412", "tf216-cv49", "tf216-cv49-keras2",
        "tf216-cv412-keras2"]


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=2, max_size=8))
def test_version_order_is_numeric(pairs):
    versions = [f"{major}.{minor}" for major, minor in pairs]
    assert [version_key(v) for v in sorted(versions, key=version_key)] == sorted(pairs)


def test_unparsed_env_names_sort_after_the_matrix():
    assert env_sort_key("zzz", "", "", False) > env_sort_key("tf221-cv50", "2.21", "5.0", False)


# -- statuses -----------------------------------------------------------------------------------------------------

def test_every_status_word_has_its_own_symbol_and_color():
    assert set(STYLES) == set(STATUSES)
    looks = [style(status) for status in STATUSES] + [UNKNOWN, NOT_MEASURED]
    assert len({look.symbol for look in looks}) == len(looks)
    assert len({look.color for look in looks}) == len(looks)


def _hue_saturation(color):
    hue, _, saturation = colorsys.rgb_to_hls(*(int(color[index:index + 2], 16) / 255 for index in (1, 3, 5)))
    return 360 * hue, saturation


def test_failures_are_warm_pass_is_green_and_the_rest_grey():
    """Failures read as failure (reds, oranges, magenta, purples; no blue, no green), pass green, n/a and not
    measured grey."""
    for entry in legend():
        hue, saturation = _hue_saturation(entry["color"])
        if entry["status"] == "pass":
            assert 90 <= hue <= 160 and saturation > 0.4, entry
        elif entry["status"] in NEUTRAL:
            assert saturation < 0.05, entry
        else:
            assert (hue >= 270 or hue <= 45) and saturation > 0.25, entry


def test_symbols_are_letters_or_characters_every_common_font_has():
    """No emoji: without a colour-emoji font they were empty boxes and the cells differed by tint alone."""
    for look in [*STYLES.values(), UNKNOWN, NOT_MEASURED]:
        assert len(look.symbol) == 1 and (look.symbol.isascii() or look.symbol in SAFE_SYMBOLS), look


def test_unknown_and_missing_statuses_still_have_a_look():
    assert style("melted") is UNKNOWN
    assert style(None) is NOT_MEASURED
    assert [row["status"] for row in legend()] == [*STATUSES, "not measured"]


# -- loading ------------------------------------------------------------------------------------------------------

def test_schema_1_cells_read_as_engine_empty_and_installable():
    document = results("tf215-cv49", [cell("conv2d-1x1", "tf-frozen", "pass", engine=None)], schema=1)
    del document["cells"][0]["family"]  # older records may lack optional fields too
    upgraded = upgrade(document, "tf215-cv49.json")
    assert upgraded["schema"] == 4
    assert upgraded["not_installable"] is None
    assert upgraded["cells"][0]["engine"] == ""
    assert "engine" not in document["cells"][0]  # the input is not changed


def test_bad_files_give_one_line_each_and_the_good_ones_are_read(tmp_path):
    good = write(tmp_path, results("tf215-cv49", [cell("conv2d-1x1", "tf-frozen", "pass")]))
    write(tmp_path, json.dumps(results("tf215-cv410", []))[:50], name="tf215-cv410")  # truncated mid-write
    write(tmp_path, results("tf215-cv412", [], schema=5))
    write(tmp_path, results("tf219-cv412", [], schema=0))
    write(tmp_path, "[1, 2]", name="list")
    write(tmp_path, results("tf219-cv49", [cell("a", "tflite", "pass"), {"case": "b"}, "junk"]))
    (tmp_path / "tf215-cv47.json.tmp").write_text("{")  # results.py's temporary file is not a results file
    documents, problems = read_results_dir(tmp_path)
    assert [document["env"] for document in documents] == ["tf215-cv49", "tf219-cv49"]
    assert documents[0]["source"] == good.name
    assert [len(document["cells"]) for document in documents] == [1, 1]
    assert len(problems) == 5
    assert all("\n" not in problem for problem in problems)
    by_file = {problem.split(":")[0].rsplit("/", 1)[-1]: problem for problem in problems}
    assert "truncated JSON" in by_file["tf215-cv410.json"]
    assert "schema 5 is newer than this builder reads" in by_file["tf215-cv412.json"]
    assert "unknown results schema 0" in by_file["tf219-cv412.json"]
    assert "not a results file" in by_file["list.json"]
    assert "2 cell record(s) without case, path or status" in by_file["tf219-cv49.json"]


def test_missing_or_empty_results_folder_is_a_message(tmp_path):
    assert read_results_dir(tmp_path / "nowhere") == ([], [f"{tmp_path / 'nowhere'}: no such results folder; "
                                                           "no results to merge"])
    documents, problems = read_results_dir(tmp_path)
    assert documents == [] and "no results files" in problems[0]


def test_baseline_problems_are_notes_without_absolute_paths(tmp_path):
    assert read_baseline(None) == (None, "no baseline: none given")
    baseline, note = read_baseline(tmp_path / "support.json")
    assert baseline is None and note == "no baseline: support.json does not exist"
    (tmp_path / "support.json").write_text('{"schema": 1, "cel')
    baseline, note = read_baseline(tmp_path / "support.json")
    assert baseline is None and "invalid or truncated JSON" in note and str(tmp_path) not in note
    (tmp_path / "support.json").write_text('{"schema": 99, "cells": [], "columns": []}')
    assert "report schema 1 (schema 99)" in read_baseline(tmp_path / "support.json")[1]
    packed = {"columns": ["tf215-cv49"], "statuses": ["pass"], "rows": [["onnx-keras", "dense", "0"]], "rerun": []}
    (tmp_path / "support.json").write_text(json.dumps({"schema": 1, "columns": [], "packed_cells": packed}))
    baseline, note = read_baseline(tmp_path / "support.json")
    assert baseline["cells"] == [{"column": "tf215-cv49", "path": "onnx-keras", "case": "dense", "status": "pass"}]
    (tmp_path / "support.json").write_text(json.dumps({"schema": 1, "columns": [], "packed_cells": {"rows": []}}))
    assert "malformed packed cells (KeyError" in read_baseline(tmp_path / "support.json")[1]


# -- merging ------------------------------------------------------------------------------------------------------

def test_envs_are_ordered_and_expected_ones_without_results_are_missing():
    table = table_of(
        results("tf215-cv410", [cell("conv2d-1x1", "tf-frozen", "pass")]),
        results("tf215-cv49", [cell("conv2d-1x1", "tf-frozen", "pass")], complete=False),
        expected=("tf215-cv49", "tf215-cv410", "tf216-cv49-keras2", "tf216-cv49"),
    )
    assert [(env.name, env.state) for env in table.envs] == [
        ("tf215-cv49", "incomplete"), ("tf215-cv410", "complete"), ("tf216-cv49", "missing"),
        ("tf216-cv49-keras2", "missing")]
    assert [column.key for column in table.columns()] == ["tf215-cv49", "tf215-cv410"]


def test_not_installable_env_has_its_reason_and_no_column():
    table = table_of(results("tf212-cv412", [], not_installable="TF 2.12 needs numpy < 2, OpenCV 4.12 numpy >= 2"))
    (env,) = table.envs
    assert env.state == "not installable" and "numpy" in env.not_installable
    assert table.columns() == []


def test_expected_not_installable_reason_comes_from_the_matrix():
    table, _ = merge([], [ExpectedEnv("tf212-cv412", "cannot pair numpy"), ExpectedEnv("tf212-cv49")])
    assert [(env.name, env.state) for env in table.envs] == [("tf212-cv49", "missing"),
                                                              ("tf212-cv412", "not installable")]


def test_engines_of_opencv_5_are_columns_in_engine_order():
    cells = [cell("conv2d-1x1", "onnx-keras", "pass", engine=engine) for engine in ("auto", "new", "classic")]
    table = table_of(results("tf219-cv50", cells, opencv="5.0.0"))
    assert [column.key for column in table.columns()] == ["tf219-cv50 classic", "tf219-cv50 new", "tf219-cv50 auto"]
    assert [column.label_parts for column in table.columns()][0] == ["2.19", "5.0", "classic"]


def test_cells_without_an_engine_are_shown_under_every_engine_of_opencv_5():
    """blobFromImage uses no reader: on 5.x its cell holds for each engine, so no column holds only some families."""
    cells = [cell("conv2d-1x1", "onnx-keras", "pass", engine=engine) for engine in ("classic", "new")]
    cells.append(cell("preprocess-mean", "blob-from-image", "mismatch", family="preprocessing"))
    table = table_of(results("tf219-cv50", cells, opencv="5.0.0"))
    assert [column.key for column in table.columns()] == ["tf219-cv50 classic", "tf219-cv50 new"]
    blobs = [c for c in table.cells if c.path == "blob-from-image"]
    assert [(c.engine, c.column) for c in blobs] == [("", "tf219-cv50 classic"), ("", "tf219-cv50 new")]
    rates = pass_rates(table)["per_column"]
    assert rates["tf219-cv50 new"] == {"passed": 1, "measured": 2, "rate": 0.5}


def test_cases_grouped_by_family_in_order_of_appearance():
    table = table_of(results("tf215-cv49", [
        cell("up-1", "tf-frozen", "pass", family="upsampling"), cell("conv-1", "tf-frozen", "pass"),
        cell("up-2", "tf-frozen", "pass", family="upsampling"), cell("up-1", "tflite", "pass", family="upsampling"),
    ]))
    assert table.families == (("upsampling", ("up-1", "up-2")), ("conv2d", ("conv-1",)))
    assert table.paths == ("tf-frozen", "tflite")


def test_duplicate_env_and_duplicate_cells_are_reported_not_fatal():
    first = upgrade(results("tf215-cv49", [cell("a", "tflite", "mismatch"), cell("a", "tflite", "pass")]), "one.json")
    second = upgrade(results("tf215-cv49", []), "two.json")
    table, problems = merge([first, second])
    assert [c.status for c in table.cells] == ["pass"]
    assert problems == ["one.json: 1 duplicate cell(s); the last one kept",
                        "two.json: env tf215-cv49 already read from one.json; skipped"]


def test_a_run_still_going_or_killed_is_read_with_its_journal_and_marked_incomplete(tmp_path):
    file = write(tmp_path, results("tf215-cv49", [cell("a", "tflite", "pass")], complete=False))
    (tmp_path / "tf215-cv49.json.journal").write_text(
        json.dumps(cell("b", "tflite", "crash")) + "\n" + '{"case": "c", "pa')  # torn by the kill
    documents, problems = read_results_dir(tmp_path)
    assert problems == [] and file.exists()
    assert [(c["case"], c["status"]) for c in documents[0]["cells"]] == [("a", "pass"), ("b", "crash")]
    assert documents[0]["complete"] is False
