"""`python -m reports.builder.baseline`: the diff baseline from the results committed at a git revision.

"The previous committed table" is the report of the results files as committed at a revision (default HEAD, so
run it before committing new results; `--rev HEAD~1` after): this builds that report in memory and writes the part
of its support.json the diff reads (envs, columns, pass rates per column, and each cell's status and `rerun`,
packed: diff.packed_cells) to reports/baseline/support.json, which `tox -e report` diffs against. The nightly does
not use it: it takes the previous night's published support.json.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from reports.builder import cli, load
from reports.builder.diff import packed_cells
from reports.builder.document import build_document, to_json
from reports.builder.merge import merge

RESULTS = "reports/results"


def trimmed(document: dict[str, Any]) -> dict[str, Any]:
    """The part of a support document that diff.diff_reports reads, its cells packed. Pure."""
    return {
        **{key: document[key] for key in ("schema", "title", "data", "envs", "columns", "paths")},
        "pass_rates": {"per_column": document["pass_rates"]["per_column"]},
        "packed_cells": packed_cells(document["cells"]),
    }


def committed_results(revision: str, folder: Path, repository: Path) -> int:
    """Write the results files committed at `revision` into `folder`; how many."""
    listed = subprocess.run(["git", "ls-tree", "-z", "--name-only", f"{revision}:{RESULTS}"], cwd=repository,
                            capture_output=True, check=True).stdout.decode().split("\0")
    names = [name for name in listed if name.endswith(".json")]
    for name in names:
        content = subprocess.run(["git", "show", f"{revision}:{RESULTS}/{name}"], cwd=repository,
                                 capture_output=True, check=True).stdout
        (folder / name).write_bytes(content)
    return len(names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reports.builder.baseline", description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="HEAD", help="the git revision whose committed results to use (HEAD)")
    parser.add_argument("--out", type=Path, default=Path("reports/baseline/support.json"),
                        help="where to write it (default: reports/baseline/support.json)")
    parser.add_argument("--expect-label", default="measured",
                        help="the tox label of the envs expected (default: measured, as tox -e report)")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        try:
            count = committed_results(options.rev, Path(folder), Path.cwd())
        except subprocess.CalledProcessError as error:
            cli.warn(f"no results committed at {options.rev}: {error.stderr.decode().strip()}")
            return 1
        documents, problems = load.read_results_dir(Path(folder))
    expected, note = cli.expected_envs(None, options.expect_label, False)
    table, merge_problems = merge(documents, expected)
    for problem in [note, *problems, *merge_problems]:
        if problem:
            cli.warn(problem)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(to_json(trimmed(build_document(table))), encoding="utf-8", newline="\n")
    print(f"reports.builder.baseline: {options.out} from the {count} results files committed at {options.rev}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
