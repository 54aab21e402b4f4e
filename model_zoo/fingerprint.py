"""The definition fingerprint of a case, computed without TensorFlow: the key of its cached reference and exports.

It covers what decides the model, its inputs and TF's outputs: the case's fields; its builder's bytecode with
the constants and the values it closes over, and, recursively, the module-level functions and data it uses;
and the code that builds every case (`model_zoo/build.py`: weights, inputs). Bytecode, not source text, so
that moving a case in its file or editing another case does not change it; the Python version, which bytecode
depends on, is part of the cache's versions key anyway.
"""
from __future__ import annotations

import hashlib
import inspect
import types
from typing import Any

from model_zoo import build
from model_zoo.case import Case


def case_fingerprint(case: Case) -> str:
    fields = (case.id, case.family, case.inputs, case.input_names, case.input_scale, case.seed, case.index_range,
              case.batch, case.export_inputs)
    text = "\n".join([repr(fields), describe(case.build, set()), inspect.getsource(build)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def describe(value: Any, seen: set[int]) -> str:
    """A text that changes whenever `value` would build something else."""
    if isinstance(value, types.FunctionType):
        if id(value) in seen:
            return f"<function {value.__qualname__}>"
        seen.add(id(value))
        closure = [describe(cell.cell_contents, seen) for cell in value.__closure__ or ()]
        used = {name: value.__globals__[name] for name in _names(value.__code__) if name in value.__globals__}
        helpers = [f"{name}={describe(found, seen)}" for name, found in sorted(used.items())
                   if isinstance(found, (types.FunctionType, dict, list, tuple, str, int, float))]
        return (f"<function {_code(value.__code__)} defaults={describe(value.__defaults__, seen)} "
                f"kwdefaults={describe(value.__kwdefaults__, seen)} closure={closure} uses={helpers}>")
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}({', '.join(describe(item, seen) for item in value)})"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda pair: repr(pair[0]))
        return "{" + ", ".join(f"{key!r}: {describe(item, seen)}" for key, item in items) + "}"
    return repr(value)


def _code(code: types.CodeType) -> str:
    constants = [_code(c) if isinstance(c, types.CodeType) else repr(c) for c in code.co_consts]
    return f"{code.co_code.hex()}|{constants}|{code.co_names}|{code.co_varnames}"


def _names(code: types.CodeType) -> set[str]:
    """Global and attribute names used by the code and the functions nested in it."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _names(constant)
    return names
