"""The conformance cells: one test per case x export path (x engine on OpenCV 5), parametrized by the plugin."""
import pytest


def test_cell(cell, conformance):
    result = conformance.run_cell(*cell)
    if result.judgement.kind == "n/a":
        pytest.skip(result.message)
    if result.judgement.kind == "known":
        pytest.xfail(result.message)
    if not result.judgement.ok:
        pytest.fail(result.message, pytrace=False)
