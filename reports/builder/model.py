"""The merged table: envs (measured, partial, missing, not installable), columns (env x engine) and cells. Pure."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reports.builder.envs import column_key, column_label_parts, tf_label


@dataclass(frozen=True)
class Env:
    """One env of the matrix, measured or not. `tf`/`opencv` are minor versions; exact ones are in the sides."""

    name: str
    tf: str = ""
    opencv: str = ""
    keras2: bool = False
    engines: tuple[str, ...] = ()  # its columns' engines, in column order ("" on 4.x); () when it has no cells
    complete: bool = False
    missing: bool = False  # expected, but no results file
    not_installable: str | None = None  # why its pair could not be installed
    started: str = ""
    selection: str | None = None
    source: str = ""  # the results file's name
    tf_side: dict[str, Any] = field(default_factory=dict)
    opencv_side: dict[str, Any] = field(default_factory=dict)

    @property
    def state(self) -> str:
        """complete | incomplete | missing | not installable."""
        if self.not_installable is not None:
            return "not installable"
        if self.missing:
            return "missing"
        return "complete" if self.complete else "incomplete"

    @property
    def has_data(self) -> bool:
        return bool(self.engines)

    @property
    def tf_series(self) -> str:
        """"2.16" or "2.16 k2": the TF side a user picks."""
        return tf_label(self.tf, self.keras2)

    @property
    def tf_version(self) -> str:
        return str(self.tf_side.get("tensorflow-cpu") or self.tf_side.get("tensorflow") or "")

    @property
    def keras_version(self) -> str:
        return str(self.tf_side.get("keras_in_use") or self.tf_side.get("keras") or "")

    @property
    def opencv_version(self) -> str:
        return str(self.opencv_side.get("opencv") or "")

    @property
    def keras_generation(self) -> str:
        """"Keras 2" (TF <= 2.15, or tf-keras) or "Keras 3": the Keras a user of this TF side writes for."""
        return "Keras 2" if self.keras2 or self.keras_version.startswith("2") else "Keras 3"


@dataclass(frozen=True)
class Column:
    """One column of the tables: an env, and on OpenCV 5.x one of its reader engines."""

    env: Env
    engine: str

    @property
    def key(self) -> str:
        return column_key(self.env.name, self.engine)

    @property
    def label_parts(self) -> list[str]:
        env = self.env
        return column_label_parts(env.tf, env.opencv, env.keras2, self.engine, env.name)


@dataclass(frozen=True)
class Cell:
    """One measurement: a case through a path in one column."""

    case: str
    family: str
    path: str
    env: str
    engine: str
    status: str
    stage: str = ""
    error: str = ""
    metrics: dict[str, Any] | None = None
    tolerance: float | None = None
    outcome: str = ""
    known_reason: str = ""
    known_link: str = ""  # the known-failure entry's upstream issue or pull request
    blame: str = ""  # non-pass cells measured with triage: converter | opencv | harness-unknown
    blame_evidence: str = ""
    shown_under: str = ""  # a cell without an engine in an env with engines: the engine column it is shown in
    rerun: str = ""  # a nondeterministic cell: the status of its second run in a fresh worker

    @property
    def column(self) -> str:
        return column_key(self.env, self.engine or self.shown_under)


@dataclass(frozen=True)
class Table:
    """Envs in matrix order, cases grouped by family, paths, and the cells."""

    envs: tuple[Env, ...]
    families: tuple[tuple[str, tuple[str, ...]], ...]  # (family, its cases) in display order
    paths: tuple[str, ...]
    cells: tuple[Cell, ...]

    def columns(self) -> list[Column]:
        """The columns that hold cells, in env order, then engine order."""
        return [Column(env, engine) for env in self.envs for engine in env.engines]

    def cases(self) -> list[tuple[str, str]]:
        """(family, case) in display order."""
        return [(family, case) for family, cases in self.families for case in cases]

    def status_index(self) -> dict[tuple[str, str, str], str]:
        """(path, case, column key) -> status."""
        return {(cell.path, cell.case, cell.column): cell.status for cell in self.cells}
