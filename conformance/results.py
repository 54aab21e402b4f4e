"""The results file `reports/results/<env>.json`: versions of both sides and one record per cell.

Committed, so compact and the same bytes wherever the checkout lives (`committed`): a cell names its
known-failure entry by id instead of repeating its reason, keeps no timings, tracebacks or local folders (those
stay in the run's full file, `reports/results/local/<env>.json`, git-ignored), leaves out fields at their
default, rounds numbers to 4 significant digits and shows no absolute path nor TF's trace counters
(`run_free`). `started` honours SOURCE_DATE_EPOCH, so two runs of the same code and versions can be compared
byte for byte.

Error lines and blames repeat (a failure's message is the same under three engines and several routes), so a
committed file stores each once, in `shared`, under a key made of its content (`#` and 10 hex digits of its
sha256: the same text has the same key in every file and run, so a rerun's diff shows only what changed), and a
cell's `error` and `blame` are such keys (SHARED_FIELDS); each case's family is stored once too, in `families`.
`read` gives cells with the values back. Measured on the 18 committed envs: 38.5 MB as schema 3, 24.2 MB.

Durable as a run goes: the file is written (atomically) when the first cell is measured, each later cell is
appended to `<env>.json.journal` as one JSON line, and the end of the run writes the whole file again and
removes the journal. A run killed at any moment loses at most the cell in flight: readers (`read`, the
report builder, `--resume`) merge the journal, and such a file reads as `complete: false`.
A run of a selection (`-k`, `-m`) keeps the other cells of a previous complete run with the same versions on
both sides, so debugging one layer does not throw away the env's table.
"""
from __future__ import annotations

import datetime
import functools
import hashlib
import json
import os
import re
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from conformance.evidence.triage import formulaic_evidence
from conformance.judging.verdict import Verdict, summarize
from conformance.schema import READABLE_SCHEMAS, RESULTS_SCHEMA
from model_zoo.store import write_atomically

LOCAL_FIELDS = ("seconds", "export_cached", "detail", "bundle")  # only in the local full file
SIGNIFICANT_DIGITS = 4
TEXT_CHARS = 160  # error and evidence lines as committed; the full text is in the local file
DERIVED_METRICS = ("required_tolerance",)  # max(max_abs, 10 x mean_abs) / scale: recomputed when read


@dataclass
class CellRecord:
    case: str
    path: str
    family: str
    status: str
    outcome: str = "pass"  # pass | known | n/a | unexpected-failure | now-passes | fails-differently
    stage: str = ""
    error: str = ""
    metrics: dict[str, float] | None = None
    tolerance: float = 1e-4
    known: str | None = None  # the id of the known-failure entry that covers the cell (known_failures.toml)
    seconds: dict[str, float] = field(default_factory=dict)
    export_cached: bool = False
    detail: str = ""  # a crashed worker's stderr tail, an export's traceback, OpenCV's full exception text
    engine: str = ""  # OpenCV 5.x reader engine (classic, new, auto); "" before OpenCV 5
    # triage of a non-pass cell (optional: older files lack them); see conformance/evidence/triage.py
    blame: dict[str, Any] | None = None  # blame (converter | opencv | harness-unknown), evidence, runtime numbers
    divergence: dict[str, Any] | None = None  # mismatch cells: the first diverging OpenCV layer
    bundle: str = ""  # the reproducer folder, "" when none was written
    # routes judged against their own runtime (quantized TFLite): OpenCV's error against TF's float output
    float_metrics: dict[str, float] | None = None
    # a nondeterministic cell: what a second run in a fresh worker gave (status, stage, error, metrics)
    rerun: dict[str, Any] | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.case, self.path, self.engine


@dataclass
class ResultsFile:
    """Collects cell records for one env and keeps the file on disk up to date."""

    file: Path
    env: str
    tf_side: dict[str, Any]
    opencv_side: dict[str, Any]
    requested: dict[str, Any]
    selection: str | None = None
    cells: list[CellRecord] = field(default_factory=list)
    carried: list[dict[str, Any]] = field(default_factory=list)  # cells kept from a previous run
    started: str = field(default_factory=lambda: started_now())
    _journal: Any = None  # the open journal of this run, once its first cell is on disk
    _carried_index: tuple[list, dict[tuple[str, str, str], dict[str, Any]]] | None = None  # carried, by key

    def add(self, record: CellRecord) -> None:
        """Put the cell on disk now: the first one with the whole file, the others in the journal. A run that
        carries the cells of the file on disk (a selection, or --resume with no journal left) starts its journal
        on that file as it is: readers merge the journal into it, which is what rewriting it would have said."""
        self.cells.append(record)
        if self._journal is None:
            if not self.carried or journal_of(self.file).exists():
                self.write(complete=False)
            self._journal = open(journal_of(self.file), "w")
        self._journal.write(json.dumps(vars(record)) + "\n")
        self._journal.flush()  # in the kernel's hands: it survives the death of this process

    def carry_previous(self, resume: bool = False) -> None:
        """Keep the cells of the file already on disk if it is a run of this env with the same versions: a complete
        one when only a selection reruns, or any one (an interrupted run's too) when resuming."""
        if self.selection is None and not resume:
            return
        try:
            previous = read(self.file)
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:  # unreadable, or written by another version of this code
            raise ResultsFileError(
                f"cannot keep the cells of {self.file} for this {'--resume' if resume else 'selection'}: {error}; "
                "move the file away (or choose another --results-dir) to start a new table") from None
        same = (previous.get("env") == self.env and (previous.get("complete") or resume)
                and software(previous.get("opencv_side")) == software(self.opencv_side)
                and software(previous.get("tf_side")) == software(self.tf_side))
        if same:
            self.carried = previous["cells"]

    def carried_record(self, key: tuple[str, str, str]) -> CellRecord | None:
        """The cell (case, path, engine) as a previous run recorded it, if it did."""
        if self._carried_index is None or self._carried_index[0] is not self.carried:  # a --resume run asks for
            self._carried_index = (self.carried, {_key(c): c for c in self.carried})  # every cell: indexed once
        found = self._carried_index[1].get(key)
        return None if found is None else CellRecord(**found)

    def merged_cells(self) -> list[dict[str, Any]]:
        """This run's cells, in the place of the carried cell they replace, then the new ones."""
        measured = {c.key: vars(c) for c in self.cells}
        merged = [measured.pop(_key(c), c) for c in self.carried]
        return merged + list(measured.values())

    def document(self, complete: bool) -> dict[str, Any]:
        cells = self.merged_cells()
        return {
            "schema": RESULTS_SCHEMA,
            "env": self.env,
            "started": self.started,
            "complete": complete,
            "selection": self.selection,
            "requested": self.requested,
            "tf_side": self.tf_side,
            "opencv_side": self.opencv_side,
            "not_installable": None,
            "carried_cells": len(cells) - len(self.cells),
            "summary": summarize([(column(c["path"], c.get("engine", "")), c["status"]) for c in cells]),
            "cells": cells,
        }

    def write(self, complete: bool) -> None:
        """Write the full file (local) and the committed one atomically; the journal, whose cells they now hold,
        is removed."""
        document = self.document(complete)
        write_atomically(local_of(self.file), to_text(document))
        write_atomically(self.file, to_text(committed(document)))
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        journal_of(self.file).unlink(missing_ok=True)


def rerun_fields(rerun: Verdict | None) -> dict[str, Any] | None:
    """A nondeterministic cell's second run as its record keeps it."""
    if rerun is None:
        return None
    return {"status": rerun.status, "stage": rerun.stage, "error": rerun.error,
            "metrics": None if rerun.metrics is None else rerun.metrics.as_dict()}


def started_now() -> str:
    """The run's start (UTC, seconds), or SOURCE_DATE_EPOCH's time where that is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch and epoch.isdigit()
              else datetime.datetime.now(datetime.UTC))
    return moment.isoformat(timespec="seconds")


def local_of(file: Path) -> Path:
    """The run's full results file beside the committed one: timings, tracebacks, bundle folders."""
    return file.parent / "local" / file.name


# An absolute path up to a folder whose content is the same on every machine (site-packages, the export cache,
# a tox env, the checkout): shown from that folder on. Then any other absolute path under a temporary folder.
_ROOTED = re.compile(r"(?<![\w-])/(?:[^\s\"'/:]+/)*?(?=(?:site-packages|\.conformance-cache|\.tox)/)")
_TEMPORARY = re.compile(r"(?<![\w.])/(?:tmp|var/tmp|var/folders)/[^\s\"':]+")
# A tox env's own part of a site-packages path: the env that happened to export a shared artifact (any env of the
# TF side may) must not show in the error line, or the same cell reads differently from run to run.
_TOX_ENV_SITE = re.compile(r"\.tox/[^\s\"'/:]+/lib/python[\d.]+/(?=site-packages/)")


@functools.lru_cache(maxsize=4)
def resolved(folder: str) -> str:
    """`folder` with its symbolic links resolved (once: a run location-frees every text of thousands of cells)."""
    return str(Path(folder).resolve())


def location_free(text: str) -> str:
    """`text` without this machine's absolute paths: under the working directory shown relative to it,
    `.../site-packages/x` as `site-packages/x`, temporary files as `<tmp>`."""
    here = resolved(os.getcwd())
    if here != "/":
        text = text.replace(here + "/", "")
    return _TEMPORARY.sub("<tmp>", _TOX_ENV_SITE.sub("", _ROOTED.sub("", text)))


# TF numbers the functions a process traces in the order it traces them (`__inference_call_134107`): the number
# depends on what the export process did before, so the same cell's converter error would differ from run to run
_TRACE_COUNTER = re.compile(r"(__inference_\w*?_)\d+\b")


def run_free(text: str) -> str:
    """`text` without what changes from run to run of the same code and versions: this machine's paths
    (`location_free`) and TF's trace counters (`__inference_call_N`). A text with neither a `/` nor a trace name,
    which neither rewrite can touch, is returned as it is, and the others are remembered: writing a results file
    runs every text of every cell through here (2.2 s of a subset run's 5104 carried cells without either)."""
    if "/" not in text and "__inference_" not in text:
        return text
    return _run_free_in(text, resolved(os.getcwd()))


@functools.lru_cache(maxsize=65536)
def _run_free_in(text: str, here: str) -> str:
    """`run_free` with the working directory it depends on as a key."""
    return _TRACE_COUNTER.sub(r"\1N", location_free(text))


def _rounded(value: Any) -> Any:
    """Numbers to SIGNIFICANT_DIGITS, text location-free and at most TEXT_CHARS long, derived metrics left out."""
    if isinstance(value, float):
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items() if key not in DERIVED_METRICS}
    if isinstance(value, str):
        text = run_free(value)
        return text if len(text) <= TEXT_CHARS else text[:TEXT_CHARS - 1] + "…"
    return value


CELL_DEFAULTS = {f.name: (f.default if f.default is not MISSING else f.default_factory())
                 for f in fields(CellRecord) if f.default is not MISSING or f.default_factory is not MISSING}


CELL_FIELDS = {f.name: index for index, f in enumerate(fields(CellRecord))}


def committed(document: dict[str, Any]) -> dict[str, Any]:
    """The document as committed: cells without local fields and defaults, rounded, location-free, their fields
    in CellRecord's order (so a cell rejudged in place reads as the same cell measured afresh)."""
    def compact(cell: dict[str, Any]) -> dict[str, Any]:
        ordered = sorted(cell.items(), key=lambda item: CELL_FIELDS.get(item[0], len(CELL_FIELDS)))
        kept = {key: _rounded(value) for key, value in ordered
                if key not in LOCAL_FIELDS and not (key in CELL_DEFAULTS and value == CELL_DEFAULTS[key])}
        blame = kept.get("blame")
        formula = formulaic_evidence(blame, kept.get("error", "")) if isinstance(blame, dict) else None
        if formula is not None and blame.get("evidence") == _rounded(formula):
            kept["blame"] = {key: value for key, value in blame.items() if key != "evidence"}  # rebuilt when read
        return kept
    cells, shared = shared_out([compact(cell) for cell in document["cells"]])
    families = dict(sorted({cell["case"]: cell.pop("family") for cell in cells if "family" in cell}.items()))
    return {**{key: value for key, value in document.items() if key != "cells"}, "schema": RESULTS_SCHEMA,
            "families": families, "shared": shared, "cells": cells}


SHARED_FIELDS = ("error", "blame")


def shared_key(value: Any) -> str:
    """The key of a shared value: `#` and 10 hex digits of the sha256 of its JSON."""
    return "#" + hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:10]


def shared_out(cells: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The cells with their SHARED_FIELDS replaced by keys, and the key -> value table (sorted by key)."""
    shared: dict[str, Any] = {}
    out = []
    for cell in cells:
        cell = dict(cell)
        for name in SHARED_FIELDS:
            if name in cell:
                key = shared_key(cell[name])
                if shared.setdefault(key, cell[name]) != cell[name]:
                    raise ValueError(f"two values share the key {key}: {shared[key]!r} and {cell[name]!r}")
                cell[name] = key
        out.append(cell)
    return out, dict(sorted(shared.items()))


def shared_in(document: dict[str, Any]) -> dict[str, Any]:
    """A committed document with its cells' shared keys replaced by their values and their family back (`shared`
    and `families` dropped)."""
    shared, families = document.get("shared") or {}, document.get("families") or {}
    cells = [{**({"family": families[cell["case"]]} if cell.get("case") in families else {}), **cell,
              **{name: shared[cell[name]] for name in SHARED_FIELDS
                 if isinstance(cell.get(name), str) and cell[name] in shared}} if isinstance(cell, dict)
             else cell for cell in document["cells"]]
    return {**{key: value for key, value in document.items() if key not in ("shared", "families")}, "cells": cells}


def expanded(cell: dict[str, Any]) -> dict[str, Any]:
    """A committed cell with the fields it leaves out at their defaults (after its own), derived metrics back."""
    full = {**cell, **{name: value for name, value in CELL_DEFAULTS.items() if name not in cell}}
    blame = full.get("blame")
    if isinstance(blame, dict) and "evidence" not in blame:
        full["blame"] = {**blame, "evidence": formulaic_evidence(blame, full["error"]) or ""}
    for name in ("metrics", "float_metrics"):
        metrics = full.get(name)
        if isinstance(metrics, dict) and {"max_abs", "mean_abs", "scale"} <= set(metrics) - set(DERIVED_METRICS):
            required = max(metrics["max_abs"], 10 * metrics["mean_abs"]) / metrics["scale"]
            full[name] = {"required_tolerance": required, **metrics}
    return full


def to_text(document: dict[str, Any]) -> str:
    """The results file's text: the header indented, then one shared value and one cell per line (a third of the
    indented size, and a rerun's diff shows one line per changed cell)."""
    header = json.dumps({key: value for key, value in document.items()
                         if key not in ("families", "shared", "cells")}, indent=1)
    parts = [header[:-2]]
    for table in ("families", "shared"):
        if table in document:
            entries = ",\n".join(f"  {json.dumps(key)}: {json.dumps(value)}" for key, value in document[table].items())
            parts.append(f' "{table}": {{\n{entries}\n }}' if entries else f' "{table}": {{}}')
    cells = ",\n".join(f"  {json.dumps(cell)}" for cell in document["cells"])
    parts.append(f' "cells": [\n{cells}\n ]' if cells else ' "cells": []')
    return ",\n".join(parts) + "\n}\n"


def column(path: str, engine: str) -> str:
    """How a path measured with an OpenCV 5.x engine is named in summaries and tables: `onnx-keras (new)`."""
    return f"{path} ({engine})" if engine else path


def software(side: dict[str, Any] | None) -> dict[str, Any] | None:
    """A side's versions without `platform`, whose kernel build string changes from machine to machine of one kind:
    cells measured with the same packages on another machine of the kind are kept."""
    return None if side is None else {name: value for name, value in side.items() if name != "platform"}


def journal_of(file: Path) -> Path:
    return file.with_name(file.name + ".journal")


def with_journal(document: dict[str, Any], file: Path) -> dict[str, Any]:
    """The document with the cells of its journal merged in (a run still going, or killed): such a run is not
    complete. A last line torn by a kill mid-write is ignored."""
    try:
        lines = journal_of(file).read_text().splitlines()
    except FileNotFoundError:
        return document
    cells = {_key(cell): cell for cell in document["cells"]}
    for line in lines:
        try:
            cell = json.loads(line)
        except ValueError:
            continue
        if isinstance(cell, dict) and {"case", "path", "status"} <= cell.keys():
            cells[_key(cell)] = cell
    merged = list(cells.values())
    return {**document, "complete": False, "cells": merged,
            "summary": summarize([(column(c["path"], c.get("engine", "")), c["status"]) for c in merged])}


def _key(cell: dict[str, Any]) -> tuple[str, str, str]:
    return cell["case"], cell["path"], cell.get("engine", "")


class ResultsFileError(RuntimeError):
    """A results file that a run should build on cannot be used."""


def read(file: Path) -> dict[str, Any]:
    """Load a results file, refusing schemas this code does not know."""
    try:
        document = json.loads(file.read_text())
    except ValueError as error:
        raise ValueError(f"{file} is not valid JSON ({error})") from None
    schema = document.get("schema") if isinstance(document, dict) else None
    if schema not in READABLE_SCHEMAS:
        raise ValueError(f"{file}: results schema {schema!r}, this code reads {', '.join(map(str, READABLE_SCHEMAS))}")
    if not isinstance(document.get("cells"), list):
        raise ValueError(f"{file}: no list of cells")
    document = with_journal(shared_in(document), file)
    return {**document, "cells": [expanded(cell) for cell in document["cells"]]}
