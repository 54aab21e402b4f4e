"""tox plugin (loaded by tox from the project root): the TF x OpenCV envs, generated from conformance/matrix.py.

Each pair gets the `[testenv]` settings of tox.ini plus its own TF-side requirements and labels, so the
matrix is one list of versions and one table of requirements, not a section per env.
"""
from __future__ import annotations

import sys
from pathlib import Path

from tox.config.loader.memory import MemoryLoader
from tox.config.types import EnvList
from tox.plugin import impl

sys.path.insert(0, str(Path(__file__).parent))
from conformance import matrix  # noqa: E402


@impl
def tox_extend_envs():
    return [pair.name for pair in matrix.pairs()]


@impl
def tox_add_core_config(core_conf, state):
    core_conf.loaders.insert(0, MemoryLoader(env_list=EnvList(["tests", "report", *tox_extend_envs()])))
    state.conf.memory_seed_loaders["bench"].append(MemoryLoader(deps="\n".join(matrix.BENCH_REQUIREMENTS)))
    for name, earlier in matrix.CI_RUNS_AFTER.items():
        state.conf.memory_seed_loaders[name].append(MemoryLoader(depends=EnvList(list(earlier))))
    check = matrix.by_name(matrix.CHECK_ENV)
    state.conf.memory_seed_loaders["check"].append(MemoryLoader(
        deps="\n".join(check.requirements()),
        set_env="\n".join(f"{name}={value}" for name, value in check.environment().items()),
        description=f"python -m conformance.check {{posargs}} on the TF side of {check.name} (OpenCV {check.opencv} "
                    "unless --opencv says otherwise)",
    ))
    for pair in matrix.pairs():
        state.conf.memory_seed_loaders[pair.name].append(MemoryLoader(
            deps="\n".join(pair.requirements()),
            set_env="\n".join(f"{name}={value}" for name, value in pair.environment().items()),
            labels=pair.labels(),
            description=f"TF {pair.tf}{' with Keras 2 (tf-keras)' if pair.keras2 else ''} -> OpenCV {pair.opencv}",
        ))
