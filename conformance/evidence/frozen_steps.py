"""Which step of a frozen-graph recipe decides what OpenCV does: every case where the usual recipe
(tf-frozen-grappler) and the suite's (tf-frozen-ours) differ, rebuilt with the steps one by one and run in OpenCV.

    .tox/tf215-cv49/bin/python -m conformance.evidence.frozen_steps --opencv 4.8,4.9,4.12,5.0 CASE [CASE ...] > table.md

Variants, each from the plain freeze: the plain freeze (versions kept), the plain freeze without `versions`, the
usual recipe (optimize_for_inference + constant folding: no `versions`), the usual recipe with `versions` put
back, the usual recipe with constants stored in full (the suite's recipe), and that with `versions` put back.
Each runs in the suite's own OpenCV worker, judged by the suite's verdict, fed as the frozen routes feed (NCHW).
Prints a Markdown table: case x OpenCV, one status per variant.
"""
from __future__ import annotations

import argparse
import copy
import tempfile
from pathlib import Path

from conformance.judging.verdict import compare
from conformance.opencv import install
from conformance.opencv.side import OpenCVSide
from model_zoo.build import build_case
from model_zoo.cases import by_id
from model_zoo.export.common import frozen_graph
from model_zoo.export.tf_frozen_grappler import optimized
from model_zoo.export.tf_frozen_ours import with_full_constants
from model_zoo.layout import to_layout

VARIANTS = ("plain", "plain, no versions", "usual", "usual + versions", "usual + full constants (ours)",
            "ours + versions")


def variants(built) -> dict[str, object]:
    plain, inputs, outputs = frozen_graph(built)
    versions = copy.deepcopy(plain.versions)
    without = copy.deepcopy(plain)
    without.ClearField("versions")
    usual = optimized(copy.deepcopy(plain), inputs, outputs)
    usual.ClearField("versions")
    ours = with_full_constants(copy.deepcopy(usual))
    made = {"plain": plain, "plain, no versions": without, "usual": usual,
            "usual + full constants (ours)": ours}
    for name, base in (("usual + versions", usual), ("ours + versions", ours)):
        graph = copy.deepcopy(base)
        graph.versions.CopyFrom(versions)
        made[name] = graph
    return {name: made[name] for name in VARIANTS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opencv", default="4.8,4.9,4.12,5.0")
    parser.add_argument("--cache-dir", type=Path, default=Path(".conformance-cache"))
    parser.add_argument("cases", nargs="+")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="frozen-steps-"))
    files, references = {}, {}
    for case_id in options.cases:
        built = build_case(by_id(case_id))
        references[case_id] = built
        for index, (name, graph) in enumerate(variants(built).items()):
            file = folder / f"{case_id}-{index}.pb"
            file.write_bytes(graph.SerializeToString())
            files[(case_id, name)] = file
    print("| case | OpenCV | " + " | ".join(VARIANTS) + " |")
    print("| --- | --- |" + " --- |" * len(VARIANTS))
    for version in options.opencv.split(","):
        side = OpenCVSide(version, install.DEFAULT_WHEEL, options.cache_dir, 60, folder / "logs")
        engine = "classic" if version.startswith("5") else ""
        for case_id, built in references.items():
            feeds = [("" if len(built.inputs) == 1 else name, to_layout(array, "nchw"))
                     for name, array in zip(built.case.input_names, built.inputs, strict=True)]
            expected = [to_layout(array, "nchw") for array in built.expected]
            shown = []
            for name in VARIANTS:
                outcome = side.run(files[(case_id, name)], "readNetFromTensorflow", feeds,
                                     Path(tempfile.mkdtemp(dir=folder)), engine,
                                     output_shapes=tuple(a.shape for a in expected))
                if outcome.status != "ok":
                    shown.append(outcome.status)
                    continue
                verdict = compare(expected, outcome.outputs, built.case.tolerance)
                shown.append(verdict.status + (f" ({verdict.metrics.max_abs:.2g})" if verdict.status == "mismatch"
                                               else ""))
            print(f"| {case_id} | {side.version}{' ' + engine if engine else ''} | " + " | ".join(shown) + " |")
        side.close()


if __name__ == "__main__":
    main()
