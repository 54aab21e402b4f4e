"""The TF x OpenCV matrix: every version pair, what each one installs, and the labels that select subsets.

The single source of the matrix: `toxfile.py` turns it into tox envs, the nightly workflow reads `tox -l`,
and the report builder lists the envs it expects. Env names are `tf<TF>-cv<OpenCV>` (tf215-cv49) and, for
Keras 2 through tf-keras on a TF that ships Keras 3, `tf<TF>-cv<OpenCV>-keras2`.

Imports only the standard library, since tox loads it to build its configuration.
"""
from __future__ import annotations

import argparse
import datetime
import json
import re
from dataclasses import dataclass
from pathlib import Path

from conformance.schema import RESULTS_SCHEMA

LAST_KERAS2_TF = "2.15"  # TF >= 2.16 ships Keras 3
TF_VERSIONS = ("2.12", "2.13", "2.14", "2.15", "2.16", "2.17", "2.18", "2.19", "2.20", "2.21")
OPENCV_VERSIONS = ("4.7", "4.8", "4.9", "4.10", "4.11", "4.12", "4.13", "4.14", "5.0")
KERAS3_FROM = "2.16"  # TF versions from this one ship Keras 3; on them a -keras2 variant uses tf-keras
ENGINES = ("classic", "new", "auto")  # OpenCV 5.x readers take an engine; each one is its own column

# Everything the TF side of an env installs: (TF range as (lowest, highest) minor, or None for all, requirement).
# The TF side also runs onnxruntime and the TFLite interpreter to blame converters; the OpenCV side installs
# only OpenCV and numpy in its own environment (conformance/opencv/install.py).
TF_SIDE_REQUIREMENTS = (
    (None, "pytest>=8"),
    (None, "hypothesis==6.170.17"),  # the fuzz tests; pinned: the seeded draws change with its version
    (None, "packaging"),
    (None, "uv"),
    (None, "onnx"),
    (None, "onnxruntime"),
    (None, "onnxslim==0.1.98"),  # onnx-simplified; pure Python, installs on every TF side
    (None, "tensorflow-cpu=={tf}.*"),
    # What `pip install tf2onnx` gives every TF side in 2026; the first that converts Keras 3 models. It lifts 1.16.1's
    # protobuf~=3.20 pin, which on Python 3.11 (no C++ wheel of 3.20) left TF <= 2.15 on pure-Python protobuf: the
    # TF 2.15 exports took twice as long (22 cases, all routes: 40.0 s with 1.16.1, 20.6 s with 1.17.0 and upb).
    (None, "tf2onnx==1.17.0"),
    (("2.12", "2.17"), "numpy<2"),  # TF <= 2.17 is built against numpy 1.x
    (("2.12", "2.17"), "onnx<1.18"),  # onnx 1.18 needs ml_dtypes' float4_e2m1fn, which TF <= 2.17's pin lacks
)
KERAS2_REQUIREMENTS = ("tf-keras=={tf}.*",)

CORE = ("tf215-cv49", "tf219-cv412")  # Keras 2 and Keras 3, each on an OpenCV of its numpy generation
# What CI runs end to end: Keras 2 (the main job), the numpy-split pair (TF 2.15 needs numpy < 2, OpenCV 4.12
# numpy >= 2; it reuses the main job's exports) and Keras 3 on OpenCV 5's three engines. tf219-cv412 (Keras 3 on
# 4.12) ran no code tf219-cv50 does not, for 3600 more cells (983 s beside tf219-cv50 in the CI run of 2be1d81).
# The README's test command runs them with CONFORMANCE_APPLICATIONS=none: the applications took a fifth of CI's
# exports (docs/performance.md) and run no code the other cases do not.
CI = ("tf215-cv49", "tf215-cv412", "tf219-cv50")
# `tox -m ci -p 2` runs two envs at a time, in the label's order, each after the envs it runs after (tox's
# `depends`, an order only: it pulls nothing in). The two that export a cold TF side start together, tf219-cv50 (the
# longest: OpenCV 5's three engines) not last; `tests` and tf215-cv412 (on tf215-cv49's exports) follow tf215-cv49.
CI_RUNS_AFTER = {"tests": ("tf215-cv49",), "tf215-cv412": ("tf215-cv49",)}
# The ci envs that also check determinism (build and export from scratch, two checkouts): one per Keras
# generation, beside the main job (tf215-cv49), whose warm run then never imports TensorFlow.
DETERMINISM = ("tf215-cv412", "tf219-cv50")
# The ci envs that also run `python -m conformance.check` end to end on saved models (same reason: not the main job).
CHECK_COMMAND = ("tf215-cv412", "tf219-cv50")


def version_key(version: str) -> tuple[int, ...]:
    """Numeric order of a version: 4.9 < 4.10 < 4.10.0.84; non-numeric parts are ignored."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


# The pairs whose results are committed (reports/results): every OpenCV minor with these TF sides. The whole matrix
# (144 envs, 59-case catalogue, 2026-11-21) showed few statuses depending on the TF version within a Keras
# generation, while every OpenCV minor changed something; the nightly measures the whole matrix. Committed results
# are rerun whenever the catalogue changes. MEASURED_KERAS2_TF: the TF sides also measured with tf-keras (Keras 2).
MEASURED_TF = ("2.12", "2.15", "2.19", "2.21")
MEASURED_KERAS2_TF = ("2.21",)
MEASURED_OPENCV = OPENCV_VERSIONS


def digits(version: str) -> str:
    return "".join(version.split(".")[:2])


def engines_for(opencv: str) -> tuple[str, ...]:
    """The reader engines measured as separate columns on this OpenCV version: none ("") before OpenCV 5."""
    return ENGINES if version_key(opencv) >= (5,) else ("",)


ENV_NAME = re.compile(r"^tf(?P<tf>\d\d+)-cv(?P<opencv>\d\d+)(?P<keras2>-keras2)?$")


@dataclass(frozen=True)
class Pair:
    """One env of the matrix: a TF minor version (with Keras 2 or its own Keras) and an OpenCV minor version."""

    tf: str
    opencv: str
    keras2: bool = False

    @property
    def name(self) -> str:
        return f"tf{digits(self.tf)}-cv{digits(self.opencv)}" + ("-keras2" if self.keras2 else "")

    @classmethod
    def parse(cls, name: str) -> Pair | None:
        """`tf215-cv410-keras2` -> Pair("2.15", "4.10", True); None for a name outside the scheme."""
        match = ENV_NAME.match(name)
        if match is None:
            return None
        return cls(*(f"{digits[0]}.{digits[1:]}" for digits in (match["tf"], match["opencv"])),
                   keras2=match["keras2"] is not None)

    @property
    def engines(self) -> tuple[str, ...]:
        return engines_for(self.opencv)

    @property
    def uses_keras2(self) -> bool:
        """Keras 2: TF's own up to TF 2.15, tf-keras on a later TF."""
        return self.keras2 or version_key(self.tf) <= version_key(LAST_KERAS2_TF)

    def requirements(self) -> list[str]:
        """What tox installs for the TF side of this pair."""
        wanted = [requirement for span, requirement in TF_SIDE_REQUIREMENTS if _in_span(self.tf, span)]
        if self.keras2:
            wanted += KERAS2_REQUIREMENTS
        return [requirement.format(tf=self.tf) for requirement in wanted]

    def environment(self) -> dict[str, str]:
        """Variables the env's commands run with."""
        legacy = {"TF_USE_LEGACY_KERAS": "1"} if self.keras2 else {}
        determinism = {"CONFORMANCE_DETERMINISM": "1"} if self.name in DETERMINISM else {}
        check = {"CONFORMANCE_CHECK_COMMAND": "1"} if self.name in CHECK_COMMAND else {}
        return {"CONFORMANCE_ENV": self.name, "TF_CPP_MIN_LOG_LEVEL": "2", **legacy, **determinism, **check}

    def labels(self) -> list[str]:
        """tox labels: `matrix` (all pairs), `tf<TF>` (pairs sharing one TF side), `measured`, `core`, `ci`."""
        labels = ["matrix", f"tf{digits(self.tf)}"]
        if self.opencv in MEASURED_OPENCV and self.tf in (MEASURED_KERAS2_TF if self.keras2 else MEASURED_TF):
            labels.append("measured")
        if self.name in CORE:
            labels += ["core", "smoke"]
        if self.name in CI:
            labels.append("ci")
        return labels



def _in_span(tf: str, span: tuple[str | None, str | None] | None) -> bool:
    if span is None:
        return True
    lowest, highest = span
    return (lowest is None or version_key(tf) >= version_key(lowest)) and (
        highest is None or version_key(tf) <= version_key(highest))


def pairs() -> list[Pair]:
    """Every env of the matrix, in TF, Keras, OpenCV order."""
    return [
        Pair(tf, opencv, keras2)
        for tf in TF_VERSIONS
        for keras2 in ((False, True) if version_key(tf) >= version_key(KERAS3_FROM) else (False,))
        for opencv in OPENCV_VERSIONS
    ]


def by_name(name: str) -> Pair:
    """The pair an env name stands for; a clear error for a name outside the matrix."""
    for pair in pairs():
        if pair.name == name:
            return pair
    raise KeyError(
        f"{name!r} is not an env of the matrix: names are tf<TF>-cv<OpenCV>[-keras2] with TF in "
        f"{', '.join(TF_VERSIONS)}, OpenCV in {', '.join(OPENCV_VERSIONS)}, and -keras2 only for TF >= {KERAS3_FROM}"
    )


def install_failure(log: str, limit: int = 600) -> str:
    """The reason an env could not be installed, from the end of tox's output: the resolver's or installer's
    error lines, else the last lines."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    errors = [line for line in lines if re.search(r"error|because|unsatisfiable|no solution|not found", line, re.I)]
    reason = " ".join((errors or lines)[-4:]) or "the env could not be installed (no output)"
    return reason if len(reason) <= limit else reason[: limit - 3] + "..."


def not_installable_document(name: str, reason: str) -> dict:
    """A results file (schema 3, no cells) for an env whose TF side could not be installed: the support table
    shows the reason in its place instead of a hole."""
    pair = by_name(name)
    return {
        "schema": RESULTS_SCHEMA, "env": name,
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "complete": True, "selection": None, "requested": {"opencv": pair.opencv}, "not_installable": reason,
        "tf_side": {"tensorflow-cpu": f"{pair.tf}.*", "keras2": pair.keras2}, "opencv_side": {"opencv": pair.opencv},
        "carried_cells": 0, "summary": {}, "cells": [],
    }


# `tox -e bench` (benchmarks/run.py): the TF side of tf215-cv49, plus tox to time a new env and the report builder
# `tox -e check -- MODEL ...` runs the check command on the TF side of the newest Keras 3 core env, whose OpenCV is
# its default; any conformance env runs it too (`.tox/tf215-cv49/bin/python -m conformance.check`, for Keras 2).
CHECK_ENV = CORE[-1]
BENCH_REQUIREMENTS = (*Pair("2.15", "4.9").requirements(), "tox>=4.29", "tox-uv>=1.11", "matplotlib==3.11.2")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m conformance.matrix", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="print the env names")
    listing.add_argument("--label", help="only the envs with this tox label")
    listing.add_argument("--json", action="store_true", help="a JSON list of envs with their versions")
    failed = commands.add_parser("not-installable", help="write the results file of an env that did not install")
    failed.add_argument("env")
    failed.add_argument("--log", type=Path, required=True, help="tox's output, whose error lines give the reason")
    failed.add_argument("--results-dir", type=Path, default=Path("reports/results"))
    options = parser.parse_args(argv)
    if options.command == "not-installable":
        reason = install_failure(options.log.read_text(errors="replace") if options.log.exists() else "")
        options.results_dir.mkdir(parents=True, exist_ok=True)
        document = not_installable_document(options.env, reason)
        (options.results_dir / f"{options.env}.json").write_text(json.dumps(document, indent=1) + "\n")
        print(f"{options.env}: not installable: {reason}")
        return
    chosen = [pair for pair in pairs() if options.label is None or options.label in pair.labels()]
    if options.json:
        print(json.dumps([{"env": p.name, "tf": p.tf, "opencv": p.opencv, "keras2": p.keras2} for p in chosen]))
    else:
        print("\n".join(pair.name for pair in chosen))


if __name__ == "__main__":
    main()
