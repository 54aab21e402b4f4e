"""The conformance cells: one test per case x export path (parametrized by conformance.plugin)."""
import pytest


def test_cell(cell, conformance):
    case, path = cell
    result = conformance.run_cell(case, path)
    if result.judgement.kind == "known":
        pytest.xfail(result.message)
    if not result.judgement.ok:
        pytest.fail(result.message, pytrace=False)
