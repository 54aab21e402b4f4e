"""A broken case is reported as that case's export-error at stage `build`, never as a pass or a crash of the run."""
import numpy as np
import pytest

from conformance.suite.session import build_or_defect
from model_zoo import build
from model_zoo.case import Case
from model_zoo.cases import CATALOGUE


def test_reference_with_nan_or_inf_is_a_case_defect():
    build.check_reference([np.ones((1, 2), np.float32)])
    with pytest.raises(build.CaseDefect, match=r"reference output 1 has 2 NaN/Inf values of 4"):
        build.check_reference([np.ones(3, np.float32), np.array([1, np.nan, np.inf, 0], np.float32)])


def test_a_builder_that_raises_becomes_the_cells_export_error(monkeypatch):
    def broken(case: Case):
        raise TypeError("Conv2D.__init__() got an unexpected keyword argument 'pading'")

    monkeypatch.setattr(build, "build_case", broken)
    verdict = build_or_defect(CATALOGUE[0])
    assert (verdict.status, verdict.stage) == ("export-error", "build")
    assert verdict.error == ("the case could not be built: TypeError: Conv2D.__init__() got an unexpected keyword "
                             "argument 'pading'")
    assert "Traceback" in verdict.detail


def test_a_non_finite_reference_becomes_the_cells_export_error(monkeypatch):
    def overflowing(case: Case):
        build.check_reference([np.array([np.inf], np.float32)])

    monkeypatch.setattr(build, "build_case", overflowing)
    verdict = build_or_defect(CATALOGUE[0])
    assert verdict.status == "export-error" and "CaseDefect: TF's reference output 0 has 1 NaN/Inf" in verdict.error
