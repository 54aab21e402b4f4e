"""Report builder, outputs: Markdown, HTML, heatmap, the CLI's handling of bad input, and determinism."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from report_samples import cell, results, table_of, write

from conformance import matrix
from reports.builder import cli
from reports.builder.diff import diff_reports
from reports.builder.document import build_document, to_json
from reports.builder.heatmap import heatmaps
from reports.builder.html import support_html
from reports.builder.markdown import diff_markdown, support_pages

REPO = Path(__file__).resolve().parents[1]
COMMITTED_RESULTS = sorted((REPO / "reports" / "results").glob("*.json"))
TEXT_OUTPUTS = ["DIFF.md", "SUPPORT.md", "support.html", "support.json"]
PAGE_FOLDERS = ("routes", "families")  # SUPPORT.md's pages
MARKDOWN_LIMIT = 256 * 1024  # per file: GitHub renders a page this size whole, and a diff of it stays readable


def _sample_document(baseline=None):
    table = table_of(
        results("tf215-cv49", [
            cell("up-2x", "tflite", "mismatch", family="upsampling", error="max abs error 3.94 | over",
                 metrics={"max_abs": 3.94, "mean_abs": 1.14, "scale": 2.52, "required_tolerance": float("inf")}),
            cell("conv-1x1", "tflite", "pass"),
            cell("conv-1x1", "onnx-keras", "pass"),
        ], started="2026-10-02T08:00:00+00:00"),
        results("tf215-cv410", [cell("up-2x", "tflite", "import-error", family="upsampling",
                                     error="</script><b>not html</b>")], complete=False, opencv="4.10.0"),
        results("tf212-cv412", [], not_installable="TF 2.12 needs numpy < 2; OpenCV 4.12 needs numpy >= 2"),
        expected=("tf216-cv49-keras2",),
    )
    return build_document(table, baseline, "baseline: support.json" if baseline else "no baseline: none given")


# -- Markdown -----------------------------------------------------------------------------------------------------

def test_support_markdown_is_a_summary_linking_one_page_per_route():
    pages = support_pages(_sample_document())
    assert sorted(pages) == ["SUPPORT.md", "families/conv2d.md", "routes/onnx-keras.md", "routes/tflite.md"]
    text = pages["SUPPORT.md"]
    assert "runs started 2026-10-02T08:00:00+00:00 to 2026-11-01T10:00:00+00:00" in text  # from the files
    assert "TensorFlow 2.15.1" in text and "OpenCV 4.9.0, 4.10.0" in text
    assert "[tflite](routes/tflite.md) · [onnx-keras](routes/onnx-keras.md)." in text
    assert "| [onnx-keras](routes/onnx-keras.md) | 1/1 | – |" in text  # nothing measured: never 0/0
    assert "| ✗ | mismatch |" in text and "| C | crash |" in text
    assert "tf212-cv412: TF 2.12 needs numpy < 2; OpenCV 4.12 needs numpy >= 2" in text
    assert "- TF 2.16 k2: OpenCV 4.9" in text
    assert "**Incomplete (" in text and "- tf215-cv410" in text
    assert "`up-2x`" not in text  # the cases are on the route and family pages


def test_support_markdown_opens_with_the_route_advice_per_family_linking_the_family_pages():
    document = build_document(table_of(results("tf215-cv49", [
        cell("up-2x", "tflite-keras", "mismatch", family="upsampling"), cell("up-2x", "tf-frozen", "pass",
                                                                             family="upsampling"),
        cell("conv-1x1", "tflite-keras", "pass"), cell("conv-1x1", "tf-frozen", "pass"),
        cell("conv-3x3", "tflite-keras", "crash")])))
    pages = support_pages(document)
    assert sorted(pages) == ["SUPPORT.md", "families/conv2d.md", "families/upsampling.md", "routes/tf-frozen.md",
                             "routes/tflite-keras.md"]
    sections = re.findall(r"^## (.*)$", pages["SUPPORT.md"], re.M)
    assert sections[0] == "Route advice"
    assert "| [conv2d](families/conv2d.md) | Keras 2 | tflite-keras 1/2 from 4.9 |" in pages["SUPPORT.md"]
    assert "| [upsampling](families/upsampling.md) | Keras 2 | tf-frozen 1/1 from 4.9 † |" in pages["SUPPORT.md"]
    assert "At risk in OpenCV 5's transition" in pages["routes/tf-frozen.md"]
    assert "At risk" not in pages["routes/tflite-keras.md"]
    family = pages["families/conv2d.md"]
    assert "| **conv2d** | Keras 2 | tflite-keras 1/2 from 4.9 |" in family
    assert "| `conv-1x1` | Keras 2 | tflite-keras from 4.9 |" in family
    assert "| `conv-3x3` | Keras 2 | none |" in family
    assert "[opencv PR #29341](https://github.com/opencv/opencv/pull/29341)" in family


def test_route_page_has_the_cases_and_their_first_working_version():
    text = support_pages(_sample_document())["routes/tflite.md"]
    assert text.startswith("# Keras → OpenCV cv2.dnn support: route tflite\n")
    assert "[Summary](../SUPPORT.md)" in text and "✗ mismatch · S shape-mismatch" in text
    assert "| case | 2.15<br>4.9 | 2.15<br>4.10<br>partial |" in text  # 4.10 after 4.9
    assert "| **upsampling** |  |  |" in text
    assert "| `up-2x` | ✗ | I |" in text
    assert "| `conv-1x1` | ✓ | · |" in text
    assert "| **passed** | **1/2** | **0/1** |" in text
    assert "## First working OpenCV version" in text and "| `conv-1x1` | 4.9 |" in text


def test_a_nondeterministic_cell_is_marked_in_the_tables_and_the_legend():
    garbage = cell("dilated", "tflite", "mismatch", error="max abs error 9e31")
    garbage["rerun"] = {"status": "mismatch", "stage": "compare", "error": "max abs error 8e13", "metrics": None}
    document = build_document(table_of(results("tf215-cv412", [garbage, cell("conv-1x1", "tflite", "mismatch")],
                                               opencv="4.12.0")), None, "no baseline")
    text = support_pages(document)["routes/tflite.md"]
    assert "| `dilated` | ✗~ |" in text and "| `conv-1x1` | ✗ |" in text and "~ nondeterministic" in text
    assert "✗~</td>" in support_html(document) and "| ~ | nondeterministic |" in support_pages(document)["SUPPORT.md"]
    assert [c.get("rerun") for c in document["cells"] if c["case"] == "dilated"] == ["mismatch"]


def test_route_page_leaves_out_the_columns_where_the_route_is_not_offered():
    document = build_document(table_of(
        results("tf215-cv49", [cell("conv-1x1", "onnx-keras-export", "n/a"), cell("conv-1x1", "onnx-keras", "pass")]),
        results("tf219-cv49", [cell("conv-1x1", "onnx-keras-export", "pass"), cell("conv-1x1", "onnx-keras", "pass")],
                tf="2.19.1", keras="3.15.1")))
    pages = support_pages(document)
    text = pages["routes/onnx-keras-export.md"]
    assert "| case | 2.19<br>4.9 |" in text and "2.15<br>4.9" not in text
    assert "Not shown, every cell n/a (the TF side does not offer this route): TF 2.15 on OpenCV 4.9." in text
    assert "| case | 2.15<br>4.9 | 2.19<br>4.9 |" in pages["routes/onnx-keras.md"]
    assert all("0/0" not in page for page in pages.values())


def test_diff_markdown_with_and_without_baseline():
    assert "No baseline: none given: nothing to compare against." in diff_markdown(_sample_document())
    before = _sample_document()
    before["cells"][0]["status"] = "pass"  # up-2x via tflite in tf215-cv49 passed before
    text = diff_markdown(_sample_document(baseline=before))
    assert "**1 regression**" in text
    assert "| [tflite](#tflite) | 1 |  |  |  |  |" in text  # the overview links each route's section
    assert "No change: onnx-keras." in text
    assert "## tflite\n\n1 regression. Its table: [routes/tflite.md](routes/tflite.md)." in text
    assert "**Regressions**: Passed before and not now, or failed before and fails otherwise now: 1." in text
    assert "| up-2x | tf215-cv49 | ✓ pass | ✗ mismatch | max abs error 3.94 \\| over |" in text


def _big_diff_document(routes: int, columns: int, cases: int) -> dict:
    """A report whose every cell regressed against a baseline of as many routes, columns and cases: what an
    OpenCV that broke everything would give at the matrix's full size."""
    keys = [f"tf2{index:02d}-cv49" for index in range(columns)]
    paths = [f"route-{index}" for index in range(routes)]

    def report(status: str) -> dict:
        return {"paths": paths, "columns": [{"key": key, "env": key} for key in keys], "envs": [],
                "cells": [{"column": key, "path": path, "case": f"case-with-a-long-name-{case}", "status": status,
                           "error": "x" * 300} for path in paths for case in range(cases) for key in keys]}

    document = _sample_document()
    document["diff"] = diff_reports(report("pass"), report("mismatch"))
    document["paths"] = paths
    return document


def test_diff_markdown_stays_small_however_many_cells_changed():
    document = _big_diff_document(routes=25, columns=55, cases=60)
    text = diff_markdown(document)
    assert len(text.encode()) <= MARKDOWN_LIMIT
    assert "82500 regressions" in text and text.count("\n## route-") == 25
    assert "By status change below, then 25 of them one by one" in text  # the first routes list 25 cells
    assert "then none of them one by one" in text  # the budget of the file is spent: counted only
    assert "| ✓ pass → ✗ mismatch | 3300 |" in text


# -- JSON and HTML ------------------------------------------------------------------------------------------------

def test_support_json_is_strict_json_with_one_cell_per_line():
    text = to_json(_sample_document())
    document = json.loads(text)  # Infinity would be refused by JavaScript: it is a string here
    assert document["schema"] == 1
    assert document["cells"][0]["metrics"]["required_tolerance"] == "inf"
    assert "Infinity" not in text and "NaN" not in text
    assert sum(line.startswith('  {"path": ') and '"column": ' in line for line in text.splitlines()) == len(
        document["cells"])


def test_html_page_is_self_contained_and_its_data_cannot_break_out():
    page = support_html(_sample_document())
    assert page.count("</script>") == 2  # the error text "</script>..." stays inside the JSON
    assert not re.search(r"(src=|<link [^>]*href=)\"(https?:)?//", page)  # nothing fetched; links may lead out
    data = json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page,
                                re.S).group(1))
    assert "</script><b>not html</b>" in data["strings"]
    for name in ("f-family", "f-path", "f-status", "f-tf", "f-opencv"):
        assert f'id="{name}"' in page
    assert "&lt;/script&gt;" not in page.split('id="report-data"')[0]  # errors are not in the markup at all


# -- heatmap ------------------------------------------------------------------------------------------------------

def test_heatmaps_are_deterministic_pngs_without_software_metadata():
    document = _sample_document()
    first, second = heatmaps(document), heatmaps(document)
    assert sorted(first) == ["heatmap-onnx-keras.png", "heatmap-tflite.png", "heatmap.png"]
    assert first == second
    for png in first.values():
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert b"Software" not in png and b"matplotlib" not in png


def test_no_heatmap_when_nothing_was_measured():
    assert heatmaps(build_document(table_of(expected=("tf215-cv49",)))) == {}


# -- CLI: robustness ----------------------------------------------------------------------------------------------

def _build(tmp_path, *arguments):
    return cli.main(["--results-dir", str(tmp_path / "results"), "--out", str(tmp_path / "out"),
                     "--baseline", str(tmp_path / "baseline.json"), *arguments])


def test_cli_builds_everything_and_reports_each_bad_file_on_one_line(tmp_path, capsys):
    write(tmp_path / "results", results("tf215-cv49", [cell("conv-1x1", "tflite", "pass")]))
    write(tmp_path / "results", '{"schema": 2, "env": "tf215-cv4', name="tf215-cv410")
    write(tmp_path / "results", results("tf219-cv412", [], schema=7))
    assert _build(tmp_path, "--expect", "tf215-cv49,tf215-cv410") == 0
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == sorted(
        [*TEXT_OUTPUTS, "heatmap.png", "heatmap-tflite.png", "routes"])  # "tflite": no route advised, no family page
    assert [path.name for path in (tmp_path / "out" / "routes").iterdir()] == ["tflite.md"]
    errors = capsys.readouterr().err.splitlines()
    assert any("tf215-cv410.json: invalid or truncated JSON" in line for line in errors)
    assert any("tf219-cv412.json: results schema 7 is newer than this builder reads" in line for line in errors)
    assert "no baseline: " in errors[-1] and "baseline.json does not exist" in errors[-1]
    assert all(line.startswith("reports.builder: ") for line in errors)
    assert "tf215-cv410 (expected, no results file" not in (tmp_path / "out" / "SUPPORT.md").read_text()
    assert "- TF 2.15: OpenCV 4.10" in (tmp_path / "out" / "SUPPORT.md").read_text()


def test_cli_without_results_builds_the_missing_matrix_or_fails_when_nothing_is_known(tmp_path, capsys):
    assert _build(tmp_path, "--expect", "tf215-cv49") == 0
    errors = capsys.readouterr().err
    assert "no such results folder" in errors and "heatmaps not drawn: no measured cells" in errors
    assert "Missing (expected, no results file; 1 env)" in (tmp_path / "out" / "SUPPORT.md").read_text()
    assert not list((tmp_path / "out").glob("*.png"))
    assert _build(tmp_path, "--no-expect") == 1
    assert "nothing to build" in capsys.readouterr().err


def test_cli_carries_on_without_matplotlib(tmp_path, capsys, monkeypatch):
    write(tmp_path / "results", results("tf215-cv49", [cell("conv-1x1", "tflite", "pass")]))
    monkeypatch.setitem(sys.modules, "matplotlib.style", None)
    assert _build(tmp_path, "--no-expect") == 0
    assert "heatmaps not drawn: matplotlib.style is not installed" in capsys.readouterr().err
    assert (tmp_path / "out" / "support.html").exists() and not list((tmp_path / "out").glob("*.png"))


def test_cli_fails_only_when_nothing_can_be_written(tmp_path, capsys):
    write(tmp_path / "results", results("tf215-cv49", [cell("conv-1x1", "tflite", "pass")]))
    (tmp_path / "out").write_text("a file where the output folder should be")
    assert _build(tmp_path, "--no-expect") == 1
    assert "cannot prepare the output folder" in capsys.readouterr().err


def test_module_entry_point_never_shows_a_traceback(tmp_path):
    write(tmp_path / "results", "\x00\xff not json", name="tf215-cv49")
    write(tmp_path / "results", results("tf215-cv412", [cell("conv-1x1", "tflite", "crash")], opencv="4.12.0"))
    run = subprocess.run([sys.executable, "-m", "reports.builder", "--results-dir", str(tmp_path / "results"),
                          "--out", str(tmp_path / "out"), "--baseline", str(tmp_path / "out" / "support.json"),
                          "--expect-label", "no-such-label"], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "tf215-cv49.json: invalid or truncated JSON" in run.stderr


# -- determinism --------------------------------------------------------------------------------------------------

def test_committed_reports_are_what_tox_e_report_makes_of_the_committed_results(committed_reports, committed_report):
    """The committed SUPPORT.md, DIFF.md and heatmaps match the committed results (and baseline) byte for byte:
    regenerate them with `tox -e report` whenever results change. Both sides are HEAD's (conftest's
    `committed_reports`), so a conformance run beside the tests cannot make them differ; the build runs in that copy's
    folder, so it also shows that two builds in two places agree and that no path of the folder leaks into any
    output. support.json and support.html are built but not committed (git-ignored; the nightly publishes them)."""
    committed = committed_reports
    if not (committed / "SUPPORT.md").exists():
        pytest.skip("no committed report")
    out = committed_report
    built = sorted(_outputs(out))
    assert set(TEXT_OUTPUTS) | {"heatmap.png"} <= set(built)
    for file in built:
        if not file.endswith(".png"):
            assert str(out.parent).encode() not in (out / file).read_bytes(), f"{file} names the build's folder"
    tracked = subprocess.run(["git", "ls-files", "reports"], capture_output=True, text=True, cwd=REPO).stdout.split()
    assert "reports/support.json" not in tracked and "reports/support.html" not in tracked
    kept = [name for name in built if name not in ("support.json", "support.html")]
    assert kept == sorted(name for name in _outputs(committed) if name not in ("support.json", "support.html")), (
        "pages added or gone: run tox -e report")
    stale = [name for name in kept if (out / name).read_bytes() != (committed / name).read_bytes()]
    assert not stale, f"reports/{', reports/'.join(stale)} differ from a fresh build: run tox -e report"


def _outputs(folder: Path) -> list[str]:
    """The builder's files in a reports folder, relative to it: top-level files and the pages' folders."""
    files = [file for file in folder.iterdir() if file.is_file() and file.name != "__init__.py"]
    files += [file for name in PAGE_FOLDERS for file in (folder / name).glob("*") if file.is_file()]
    return [file.relative_to(folder).as_posix() for file in files]


def test_no_committed_markdown_file_exceeds_256_kb():
    """SUPPORT.md was 1.2 MB, too big for GitHub to render; the builder splits it into pages under this size."""
    files = sorted((REPO / "reports").rglob("*.md"))
    assert files, "no Markdown under reports/"
    too_big = [f"{file.relative_to(REPO)} ({file.stat().st_size // 1024} KB)" for file in files
               if file.stat().st_size > MARKDOWN_LIMIT]
    assert not too_big, f"over {MARKDOWN_LIMIT // 1024} KB: {', '.join(too_big)}"


@pytest.mark.skipif(not COMMITTED_RESULTS, reason="no results files in reports/results")
def test_a_report_diffed_against_itself_has_no_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "OUTPUTS", [output for output in cli.OUTPUTS if output[0] != "heatmaps"])
    (tmp_path / "results").mkdir()
    for file in COMMITTED_RESULTS:  # the CI envs' (Keras 2 and 3, both numpy generations, OpenCV 5): the diff is
        if file.stem in matrix.CI:  # per cell, and a build of all 27 measured envs takes minutes
            shutil.copy(file, tmp_path / "results")
    assert _build(tmp_path, "--no-expect") == 0
    shutil.copy(tmp_path / "out" / "support.json", tmp_path / "baseline.json")
    assert _build(tmp_path, "--no-expect") == 0
    diff = (tmp_path / "out" / "DIFF.md").read_text()
    assert "**no changes**" in diff and "Baseline measured" in diff
