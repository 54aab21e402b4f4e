"""List the catalogue: each case's id, family and the Keras layer classes / TF ops it exercises, and the counts.

    python -m model_zoo.catalogue            # a table, then the counts
    python -m model_zoo.catalogue --json     # the same as JSON
    python -m model_zoo.catalogue -k resize  # only the cases whose id contains "resize"

Needs TensorFlow: the layer classes are read from each case's built model (wrapped layers included, so
Bidirectional(LSTM) counts both); the TF ops inside Lambda layers or custom layers are the ones each case
declares in its tags. A case that does not build is listed with its error and makes the command fail.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from model_zoo.case import Case

NOT_LAYERS = {"InputLayer", "Functional", "Model"}


@dataclass(frozen=True)
class Entry:
    """One listed case."""

    id: str
    family: str
    layers: tuple[str, ...]  # Keras layer classes and TF ops, sorted
    error: str = ""  # why the case did not build, if it did not


def layer_classes(layers: Iterable[Any]) -> set[str]:
    """Class names of `layers` and of the layers they wrap (`.layer`, `.forward_layer`, `.cell`), input layers
    left out."""
    found: set[str] = set()
    for layer in layers:
        name = type(layer).__name__
        if name not in NOT_LAYERS:
            found.add(name)
        wrapped = [getattr(layer, attribute, None) for attribute in ("layer", "forward_layer")]
        found |= layer_classes(inner for inner in wrapped if inner is not None and inner is not layer)
    return found


def entry(case: Case, built_layers: Callable[[Case], Iterable[Any]]) -> Entry:
    """The listing of `case`, given a function returning its built model's layers."""
    try:
        classes = layer_classes(built_layers(case))
    except Exception as error:  # a case that does not build is reported, not hidden
        return Entry(case.id, case.family, tuple(sorted(case.tags)), f"{type(error).__name__}: {error}")
    return Entry(case.id, case.family, tuple(sorted(classes | set(case.tags))))


def counts(entries: list[Entry]) -> dict[str, Any]:
    """Numbers of cases, families and distinct layer classes / TF ops, and the cases that failed to build."""
    return {
        "cases": len(entries),
        "families": len({e.family for e in entries}),
        "layer_classes_and_ops": len({layer for e in entries for layer in e.layers}),
        "failed_to_build": [e.id for e in entries if e.error],
    }


def table(entries: list[Entry]) -> str:
    """One line per case, the counts at the end."""
    width = max((len(e.id) for e in entries), default=2)
    family_width = max((len(e.family) for e in entries), default=6)
    lines = [f"{'id':<{width}}  {'family':<{family_width}}  layer classes / TF ops"]
    for e in entries:
        described = ", ".join(e.layers) + (f"  BUILD FAILED: {e.error}" if e.error else "")
        lines.append(f"{e.id:<{width}}  {e.family:<{family_width}}  {described}")
    total = counts(entries)
    distinct = sorted({layer for e in entries for layer in e.layers})
    lines += ["", f"{total['cases']} cases in {total['families']} families, "
                  f"{total['layer_classes_and_ops']} distinct layer classes / TF ops:", "  " + ", ".join(distinct)]
    if total["failed_to_build"]:
        lines.append(f"{len(total['failed_to_build'])} cases failed to build: {', '.join(total['failed_to_build'])}")
    return "\n".join(lines)


def built_model_layers(case: Case) -> list[Any]:
    from model_zoo.build import build_case

    return build_case(case).model.layers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("-k", dest="substring", default="", help="only cases whose id contains this")
    args = parser.parse_args(argv)
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        print("the catalogue listing builds every case: run it where TensorFlow is installed, "
              "e.g. .tox/tf215-cv49/bin/python -m model_zoo.catalogue", file=sys.stderr)
        return 2
    from model_zoo.cases import CATALOGUE

    entries = [entry(case, built_model_layers) for case in CATALOGUE if args.substring in case.id]
    if args.json:
        print(json.dumps({"cases": [asdict(e) for e in entries], "counts": counts(entries)}, indent=1))
    else:
        print(table(entries))
    return 1 if any(e.error for e in entries) else 0


if __name__ == "__main__":
    sys.exit(main())
