"""`python -m reports.builder`: the support table from the results files.

Results files in; SUPPORT.md and its pages (routes/, families/), DIFF.md, support.json, support.html and heatmaps
out. Every problem (a missing folder, a bad or newer file, no baseline, no matplotlib) is one line on stderr and the
build goes on with what it has; the exit code is non-zero only when nothing at all could be built.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conformance.matrix import Pair
from reports.builder import load
from reports.builder.document import build_document, to_json
from reports.builder.heatmap import heatmaps
from reports.builder.html import support_html
from reports.builder.markdown import diff_markdown, support_pages
from reports.builder.merge import ExpectedEnv, merge
from reports.builder.view import diff_summary

Renderer = Callable[[dict[str, Any]], dict[str, "str | bytes"]]


def _one_file(name: str, render: Callable[[dict[str, Any]], str]) -> tuple[str, Renderer]:
    return name, lambda document: {name: render(document)}


OUTPUTS: tuple[tuple[str, Renderer], ...] = (  # (what it is called in messages, document -> {file name: content})
    _one_file("support.json", to_json),
    ("SUPPORT.md and its pages", support_pages),
    _one_file("DIFF.md", diff_markdown),
    _one_file("support.html", support_html),
    ("heatmaps", heatmaps),
)
STALE_PATTERNS = ("heatmap*.png", "routes/*.md", "families/*.md")  # named after the data: old ones removed first


def main(argv: list[str] | None = None) -> int:
    """Build the reports; 0 when at least one output was written."""
    options = _parser().parse_args(argv)
    expected, note = expected_envs(options.expect, options.expect_label, options.no_expect)
    if note:
        warn(note)
    for name in (wanted.name for wanted in expected if Pair.parse(wanted.name) is None):
        warn(f"expected env {name!r} is not named tf<TF>-cv<OpenCV>[-keras2]; listed after the others")
    documents, problems = load.read_results_dir(options.results_dir)
    table, merge_problems = merge(documents, expected)
    for problem in problems + merge_problems:
        warn(problem)
    if not table.envs:
        warn("nothing to build: no usable results file and no expected env")
        return 1
    baseline, baseline_note = load.read_baseline(options.baseline)
    if baseline is None:
        warn(baseline_note)
    document = build_document(table, baseline, baseline_note)
    written = write_outputs(document, options.out)
    if not written:
        return 1
    diff = document["diff"]
    print(f"reports.builder: wrote {len(written)} files into {options.out} ({len(document['columns'])} columns, "
          f"{len(document['cells'])} cells; "
          f"{diff_summary(diff) if diff['baseline'] is not None else diff['note']})")
    return 0


def expected_envs(names: list[str] | None, label: str | None, none: bool) -> tuple[list[ExpectedEnv], str]:
    """The envs the report should show even without results: given names, else conformance.matrix's pairs
    (those with the tox `label` if given); and a note when the matrix cannot be read."""
    if none:
        return [], ""
    if names:
        return [ExpectedEnv(name) for group in names for name in re.split(r"[,\s]+", group) if name], ""
    try:
        from conformance import matrix
    except ImportError as error:
        return [], f"conformance.matrix not importable ({error}): only envs with a results file are shown"
    try:
        pairs = [pair for pair in matrix.pairs() if label is None or label in pair.labels()]
        expected = [ExpectedEnv(pair.name) for pair in pairs]
    except Exception as error:  # the matrix is another module's, being written: never a traceback here
        return [], f"conformance.matrix.pairs() failed ({type(error).__name__}: {error}): expected envs unknown"
    if label is not None and not expected:
        return [], f"no pair of conformance.matrix has the label {label!r}: expected envs unknown"
    return expected, ""


def write_outputs(document: dict[str, Any], out: Path) -> list[Path]:
    """Render and write every output into `out`; the files written. A failing renderer costs only its files."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        for pattern in STALE_PATTERNS:
            for stale in sorted(out.glob(pattern)):
                stale.unlink()
    except OSError as error:
        warn(f"{out}: cannot prepare the output folder ({error.strerror or error}); nothing written")
        return []
    written = []
    for name, render in OUTPUTS:
        try:
            files = render(document)
        except ImportError as error:
            warn(f"{name} not drawn: {error.name or error} is not installed (pip install matplotlib)")
            continue
        except Exception as error:  # a renderer's bug must cost its files, not the other reports
            warn(f"{name} not written: {type(error).__name__}: {error}")
            continue
        if not files:
            warn(f"{name} not drawn: no measured cells")
        for file_name, content in files.items():
            file = out / file_name
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(content, bytes):
                    file.write_bytes(content)
                else:
                    file.write_text(content, encoding="utf-8", newline="\n")
            except OSError as error:
                warn(f"{file}: cannot be written ({error.strerror or error})")
                continue
            written.append(file)
    return written


def warn(message: str) -> None:
    """One line on stderr."""
    print(f"reports.builder: {' '.join(message.split())}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m reports.builder", description=__doc__.splitlines()[0])
    parser.add_argument("--results-dir", type=Path, default=Path("reports/results"),
                        help="folder of <env>.json results files (default: reports/results)")
    parser.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports)")
    parser.add_argument("--baseline", type=Path, default=Path("reports/baseline/support.json"),
                        help="a previous support.json to diff against (default: reports/baseline/support.json)")
    expect = parser.add_mutually_exclusive_group()
    expect.add_argument("--expect", action="append", metavar="ENV[,ENV...]",
                        help="envs expected to have results (default: every pair of conformance.matrix)")
    expect.add_argument("--expect-label", metavar="LABEL",
                        help="expect only the pairs of conformance.matrix with this tox label (e.g. measured, ci)")
    expect.add_argument("--no-expect", action="store_true", help="show only the envs that have a results file")
    return parser
