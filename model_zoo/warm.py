"""Fill the cache for some cases: build each one (TensorFlow), keep its reference, export it through some paths.

    python -m model_zoo.warm --cache-dir .conformance-cache --paths tf-frozen,onnx-keras CASE_ID [CASE_ID ...]

Run by the conformance run's pool (conformance/suite/warm.py): several processes go through one list of cases,
each taking the next case no other has claimed (`--claims DIR`: a case is claimed by creating DIR/<case id>), so
that cold exports use every core until the last case. Prints a line before each export and one per case done,
so that a converter that kills the process (TF 2.15's int8 quantizer can) is named by the last line: the pool
records that export as failed and goes on with the rest. A case whose builder fails is skipped here: the run
reports it as that case's export-error.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from model_zoo.cases import by_id
from model_zoo.export import by_name
from model_zoo.store import ArtifactStore
from model_zoo.versions import cache_key, tf_side

EXPORTING = "exporting"


def claim(claims: Path | None, case_id: str) -> bool:
    """Whether this process takes the case: always without a claims folder, else if no other process has."""
    if claims is None:
        return True
    try:
        os.close(os.open(claims / case_id, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def warm(store: ArtifactStore, case_ids: list[str], path_names: list[str], claims: Path | None = None) -> None:
    from model_zoo.build import build_case

    for case_id in case_ids:
        if not claim(claims, case_id):
            continue
        case = by_id(case_id)
        try:
            built = build_case(case)
        except Exception as error:  # a defect of the case: the cell reports it, with the traceback
            print(f"{case_id}: not built ({type(error).__name__})", flush=True)
            continue
        store.save_reference(built)
        for name in path_names:
            print(f"{case_id} {name}: {EXPORTING}", flush=True)  # the last such line names what a crash killed
            store.export(built, by_name(name))
        print(f"{case_id}: done", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m model_zoo.warm", description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, required=True)
    parser.add_argument("--paths", required=True, help="export path names, comma-separated")
    parser.add_argument("--claims", type=Path, help="folder of the cases taken by this process or another")
    parser.add_argument("cases", nargs="+")
    options = parser.parse_args(argv)
    store = ArtifactStore(options.cache_dir / "artifacts", cache_key(tf_side()))
    warm(store, options.cases, options.paths.split(","), options.claims)


if __name__ == "__main__":
    sys.exit(main())
