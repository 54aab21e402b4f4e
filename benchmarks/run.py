"""The performance benchmark of one TF side (`tox -e bench`): cold and warm runs, a subset, a second OpenCV
version, a new tox env; with the time of each stage, printed as a table and written to JSON.

Every run is a real `pytest conformance` in a fresh process, on an export cache of its own (the OpenCV
environments are shared: they are not what is measured). Stage times come from the cells' own timings in the
results file; the rest of the wall time is the harness's overhead.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from conformance.judging.verdict import Metrics, Verdict, same_outcome
from model_zoo.store import MANIFEST

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {  # issue 16's
    "cold run, parallel exports (s)": 240.0,
    "warm run wall (s)": 15.0,
    "harness overhead per cell, warm (ms)": 3.0,
    "second OpenCV / cold run": 0.20,
    "-k upsampling, warm, fresh process (s)": 4.0,
    "new tox env from a warm package cache (s)": 20.0,
}


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    """Wall seconds of a command that must succeed (known failures are fine, unexpected ones are not)."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"benchmark step failed ({done.returncode}): {' '.join(command)}\n{done.stdout[-3000:]}"
                         f"\n{done.stderr[-3000:]}")
    return seconds


def conformance_run(work: Path, name: str, opencv: str, *args: str) -> tuple[float, dict[str, Any]]:
    """One `pytest conformance` run on the cache in `work`; its wall time and its results document."""
    results = work / "results" / name
    command = [sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider", "--opencv", opencv,
               "--env-name", "bench", "--results-dir", str(results), "--cache-dir", str(work / "cache"), *args]
    environment = {**os.environ, "CONFORMANCE_DETERMINISM": "", "TF_CPP_MIN_LOG_LEVEL": "2"}
    seconds = timed(command, environment)
    return seconds, json.loads((results / "local" / "bench.json").read_text())  # the full file: with timings


def stage_seconds(document: dict[str, Any], artifacts: Path | None = None) -> dict[str, float]:
    """Seconds per stage: each route's exports, from the manifests of the export cache `artifacts` where the run
    exported (the exports run in their own processes before the cells); then, from the cells' own timings, OpenCV
    import and forward, the reruns of failing cells and the verdict."""
    totals: dict[str, float] = defaultdict(float)
    for manifest in sorted(artifacts.glob(f"*/*/*/{MANIFEST}")) if artifacts else ():
        route = manifest.parent.name
        if route != "reference":
            totals[f"export {route}"] += float(json.loads(manifest.read_text()).get("seconds") or 0.0)
    for cell in document["cells"]:
        timings = cell["seconds"]
        totals["opencv import"] += timings.get("import", 0.0)
        totals["opencv forward"] += timings.get("forward", 0.0)
        totals["opencv rerun of failing cells"] += timings.get("rerun", 0.0)
        totals["verdict"] += timings.get("verdict", 0.0)
    return dict(totals)


def verdict_differences(reference: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """The cells of both runs whose verdicts differ by the rule that tells a rerun from its first run
    (`verdict.same_outcome`: the status, and the errors to RERUN_DIGITS significant digits), each as
    `case via path [engine]: status metrics -> status metrics`. Cells either run found nondeterministic (a `rerun`
    record) are left out: their numbers change from run to run by nature."""
    def verdicts(document: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
        return {(cell["case"], cell["path"], cell.get("engine", "")): cell for cell in document["cells"]}

    def verdict(cell: dict[str, Any]) -> Verdict:
        return Verdict(cell["status"], metrics=None if cell.get("metrics") is None else Metrics(**cell["metrics"]))

    def shown(cell: dict[str, Any]) -> str:
        metrics = cell.get("metrics") or {}
        return " ".join([cell["status"], *(f"{name}={metrics[name]:.4g}" for name in ("max_abs", "mean_abs")
                                           if name in metrics)])

    theirs = verdicts(other)
    differences = []
    for key, cell in verdicts(reference).items():
        twin = theirs.get(key)
        if twin is None or cell.get("rerun") or twin.get("rerun"):
            continue
        if not same_outcome(verdict(cell), verdict(twin)):
            case, path, engine = key
            differences.append(f"{case} via {path}{f' [{engine}]' if engine else ''}: {shown(cell)} -> {shown(twin)}")
    return differences


def tf_import_seconds() -> float:
    code = "import time; t = time.perf_counter(); import tensorflow; print(time.perf_counter() - t)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    return float(done.stdout.split()[-1])


def report_seconds(results: Path, out: Path) -> float:
    return timed([sys.executable, "-m", "reports.builder", "--results-dir", str(results), "--out", str(out),
                  "--no-expect"])


def measure(opencv: str, second_opencv: str, tox_env: str, jobs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        work = Path(folder)
        (work / "cache").mkdir()
        (work / "cache" / "opencv-envs").symlink_to(ROOT / ".conformance-cache" / "opencv-envs")
        serial_cold, serial_document = conformance_run(work, "cold-serial", opencv, "--jobs", "1")
        stages_cold = stage_seconds(serial_document, work / "cache" / "artifacts")
        shutil.rmtree(work / "cache" / "artifacts")  # the exports go again; the OpenCV envs stay
        cold, cold_document = conformance_run(work, "cold", opencv, "--jobs", str(jobs))
        warm, warm_document = conformance_run(work, "warm", opencv)
        subset, subset_document = conformance_run(work, "subset", opencv, "-k", "upsampling")
        second, _ = conformance_run(work, "second", second_opencv)
        report = report_seconds(work / "results" / "warm", work / "report")
        new_env = timed(["tox", "-e", tox_env, "--notest", "--recreate", "--workdir", str(work / "tox")])
    stages_warm = stage_seconds(warm_document)
    bare_warm = sum(stages_warm.values())
    figures = {
        "TF import alone, fresh process (s; part of the first build)": tf_import_seconds(),
        "cold run, serial exports (s)": serial_cold,
        "cold run, parallel exports (s)": cold,
        "warm run wall (s)": warm,
        "warm run bare work: OpenCV import + forward + verdict (s)": bare_warm,
        "warm run wall / bare work": warm / bare_warm if bare_warm else float("inf"),
        "harness overhead per cell, warm (ms)": 1000 * (warm - bare_warm) / len(warm_document["cells"]),
        "-k upsampling, warm, fresh process (s)": subset,
        f"second OpenCV ({second_opencv}) on the same exports (s)": second,
        "second OpenCV / cold run": second / cold,
        "new tox env from a warm package cache (s)": new_env,
        "report build (s)": report,
    }
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                 text=True).stdout.strip(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "setup": {"opencv": opencv, "second_opencv": second_opencv, "tox_env": tox_env, "jobs": jobs,
                  "cells": len(warm_document["cells"]), "tf_side": warm_document["tf_side"]},
        "figures": figures,
        "stages_cold_serial": {"harness and pytest (rest of the wall time)": serial_cold - sum(stages_cold.values()),
                               **stages_cold},
        "stages_warm": {"harness and pytest (rest of the wall time)": warm - bare_warm, **stages_warm},
        "targets": {name: {"target": limit, "measured": figures[name], "met": figures[name] <= limit}
                    for name, limit in TARGETS.items()},
        "differences_from_serial": {name: verdict_differences(serial_document, document) for name, document in
                                    (("cold", cold_document), ("warm", warm_document), ("subset", subset_document))},
    }


def table(result: dict[str, Any]) -> str:
    lines = [f"benchmark {result['date']} on {result['machine']['cpus']} CPUs, {result['setup']['cells']} cells, "
             f"TF {result['setup']['tf_side'].get('tensorflow-cpu')}, OpenCV {result['setup']['opencv']}"]
    lines += [f"  {name:<62} {value:8.2f}" for name, value in result["figures"].items()]
    for title in ("stages_cold_serial", "stages_warm"):
        lines.append(f"{title.replace('_', ' ')} (s):")
        lines += [f"  {name:<62} {value:8.2f}" for name, value in result[title].items()]
    lines += [agreement(result)]
    lines.append("targets:")
    lines += [f"  {name:<62} {entry['measured']:8.2f}  <= {entry['target']:g}  {'met' if entry['met'] else 'NOT MET'}"
              for name, entry in result["targets"].items()]
    return "\n".join(lines)


def agreement(result: dict[str, Any]) -> str:
    """One line: whether the cold, warm and subset runs gave the serial run's statuses and metrics."""
    runs = result.get("differences_from_serial")
    if runs is None:
        return "statuses and metrics against the serial run: not compared by this benchmark"
    said = [f"{name} {'identical' if not found else f'{len(found)} differ ({found[0]} ...)'}"
            for name, found in runs.items()]
    return "statuses and metrics against the serial run: " + ", ".join(said)


def markdown(result: dict[str, Any]) -> str:
    """The result as the Markdown tables docs/performance.md shows (`python -m benchmarks.run --markdown`)."""
    setup = result["setup"]
    machine = result["machine"]
    lines = [f"`tox -e bench` at commit {result.get('commit', 'unknown')}, {result['date']}, {machine['cpus']} CPUs "
             f"({machine['platform']}, Python {machine['python']}): TF "
             f"{setup['tf_side'].get('tensorflow-cpu')}, OpenCV {setup['opencv']} (second: {setup['second_opencv']}), "
             f"{setup['cells']} cells, {setup['jobs']} export processes.", "",
             agreement(result) + ".", "", "| figure | measured | target |", "| --- | --- | --- |"]
    targets = result["targets"]
    for name, value in result["figures"].items():
        goal = targets.get(name)
        verdict = "" if goal is None else f"<= {goal['target']:g}, {'met' if goal['met'] else '**not met**'}"
        lines.append(f"| {name} | {value:.2f} | {verdict} |")
    for title in ("stages_cold_serial", "stages_warm"):
        lines += ["", f"| {title.replace('_', ' ')} | seconds |", "| --- | --- |"]
        lines += [f"| {name} | {value:.2f} |" for name, value in
                  sorted(result[title].items(), key=lambda item: -item[1])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--opencv", default="4.9")
    parser.add_argument("--second-opencv", default="4.12")
    parser.add_argument("--tox-env", default="tf215-cv412", help="the env whose creation is timed")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.json")
    parser.add_argument("--markdown", action="store_true",
                        help="print the result already in --out as Markdown tables (docs/performance.md) and stop")
    options = parser.parse_args(argv)
    if options.markdown:
        print(markdown(json.loads(options.out.read_text())))
        return
    result = measure(options.opencv, options.second_opencv, options.tox_env, options.jobs)
    print(table(result))
    options.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"written to {options.out}")


if __name__ == "__main__":
    main()
