"""The catalogue: every case of every family module, in a stable order."""
from __future__ import annotations

from model_zoo.case import Case, unique_by_id
from model_zoo.cases import (
    activations,
    applications,
    blocks,
    convolution,
    convolution_nd,
    custom,
    dense_reshape,
    deployment,
    merge,
    normalization,
    padding,
    pooling,
    recurrent,
    reductions,
    resizing,
    tensor_ops,
    upsampling,
)

FAMILY_MODULES = (
    upsampling,
    resizing,
    convolution,
    convolution_nd,
    pooling,
    dense_reshape,
    normalization,
    activations,
    merge,
    padding,
    tensor_ops,
    reductions,
    recurrent,
    custom,
    blocks,
    applications,
    deployment,
)

CATALOGUE: list[Case] = unique_by_id([case for module in FAMILY_MODULES for case in module.CASES])
FAMILIES: tuple[str, ...] = tuple(sorted({case.family for case in CATALOGUE}))


def by_id(case_id: str) -> Case:
    """Look a case up by id, with the known ids in the error."""
    for case in CATALOGUE:
        if case.id == case_id:
            return case
    raise KeyError(f"no case {case_id!r}; known: {', '.join(c.id for c in CATALOGUE)}")
