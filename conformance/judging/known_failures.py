"""Expected non-pass cells, read from known_failures.toml, and the strict rule that judges a cell against them.

Every entry names cases, paths and OpenCV 5.x reader engines (an fnmatch pattern or a list of them), TF, Keras
and OpenCV version ranges (PEP 440 specifiers, empty for any), the expected status, a reason and an upstream
link where one exists. The status may be a list: a cell covered fails with one of them (an entry for a class of
fuzzed configurations, whose members fail in different ways). An entry marked `flaky` describes a cell measured
to be nondeterministic: it may also pass, at the OpenCV versions where a pass was measured (`passed`).
A listed cell that passes or fails differently fails the run, so an upstream fix or regression shows up;
an unlisted failure fails it too.
"""
from __future__ import annotations

import fnmatch
import functools
import hashlib
import os
import pickle
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from conformance.judging.verdict import NOT_APPLICABLE, STATUSES

KNOWN_FAILURES_FILE = Path(__file__).with_name("known_failures.toml")
FIELDS = {"case", "path", "engine", "tf", "keras", "opencv", "status", "reason", "link", "flaky", "passed"}
PATTERN_FIELDS = ("case", "path", "engine")
RANGE_FIELDS = ("tf", "keras", "opencv")


CellKey = tuple[str, str, str]  # case id, path name, engine ("" before OpenCV 5)
Versions = tuple[str, str, str]  # TF, Keras in use, OpenCV


@dataclass(frozen=True)
class KnownFailure:
    case: tuple[str, ...]  # fnmatch patterns; a cell matches if its case id matches any
    path: tuple[str, ...]
    status: str  # the status word; several, shown joined by " | ", for a flaky cell or a class of fuzzed configurations
    reason: str
    engine: tuple[str, ...] = ("*",)  # "" is the cell of an OpenCV without engines, which "*" matches too
    tf: str = ""
    keras: str = ""
    opencv: str = ""
    link: str = ""
    flaky: bool = False  # measured nondeterministic: from run to run the cell passes or fails with one of `statuses`
    passed: tuple[str, ...] = ()  # flaky: the OpenCV minors ("4.14") where a pass was measured; elsewhere: news

    @property
    def id(self) -> str:
        """A stable name for the entry, from what it covers (not its place in the file nor its reason's wording):
        results files refer to it instead of repeating the reason."""
        covered = repr((self.case, self.path, self.engine, self.tf, self.keras, self.opencv, self.status))
        return "kf-" + hashlib.sha256(covered.encode()).hexdigest()[:8]

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(self.status.split(" | "))

    def matches(self, cell: CellKey, versions: Versions) -> bool:
        return all(
            any(fnmatch.fnmatchcase(value, pattern) for pattern in getattr(self, field))
            for field, value in zip(PATTERN_FIELDS, cell, strict=True)
        ) and all(
            _version(version) in _specifier(getattr(self, field))
            for field, version in zip(RANGE_FIELDS, versions, strict=True)
        )


@functools.cache
def _specifier(text: str) -> SpecifierSet:
    return SpecifierSet(text)


@functools.cache
def _version(text: str) -> Version:
    return Version(text)


@dataclass(frozen=True)
class Judgement:
    """How a cell's status stands against the known failures: `ok` says whether the run may stay green."""

    ok: bool
    kind: str  # pass | known | n/a | unexpected-failure | now-passes | fails-differently
    message: str
    entry: KnownFailure | None = None  # the entry covering the cell, whatever the status

    @property
    def known(self) -> str | None:
        """The covering entry's id, as results files record it."""
        return None if self.entry is None else self.entry.id


class KnownFailuresError(ValueError):
    """The known-failures file is malformed; the message names the file, the line and the problem."""


def parse(text: str, source: str = "known_failures.toml") -> list[KnownFailure]:
    """Entries of a known-failures document, checked field by field."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:  # its message ends with "(at line N, column M)"
        raise KnownFailuresError(f"{source}: not valid TOML: {error}") from None
    header_lines = [number for number, line in enumerate(text.splitlines(), start=1)
                    if line.strip().startswith("[[known]]")]
    entries = []
    for index, raw in enumerate(document.get("known", []), start=1):
        line = header_lines[index - 1] if index <= len(header_lines) else "?"
        entries.append(_entry(raw, f"{source}:{line} (entry {index})"))
    return entries


def _entry(raw: dict, where: str) -> KnownFailure:
    unknown = set(raw) - FIELDS
    missing = {"case", "path", "status", "reason"} - set(raw)
    if unknown or missing:
        raise KnownFailuresError(f"{where}: unknown fields {sorted(unknown)}, missing fields {sorted(missing)}")
    if not isinstance(raw.get("flaky", False), bool):
        raise KnownFailuresError(f"{where}: flaky must be true or false")
    passed = raw.get("passed", [])
    if not (isinstance(passed, list) and all(isinstance(v, str) and _MINOR.fullmatch(v) for v in passed)):
        raise KnownFailuresError(f"{where}: passed must list OpenCV minor versions such as \"4.14\"")
    if passed and not raw.get("flaky"):
        raise KnownFailuresError(f"{where}: passed is for flaky entries (the versions where they passed)")
    raw["passed"] = tuple(passed)
    statuses = raw["status"] if isinstance(raw["status"], list) else [raw["status"]]
    for status in statuses:
        if status not in STATUSES or status in ("pass", NOT_APPLICABLE):
            raise KnownFailuresError(f"{where}: status {status!r} is not a failure status word")
    if not statuses:
        raise KnownFailuresError(f"{where}: status must be a status word or a list of them")
    raw["status"] = " | ".join(statuses)
    if not isinstance(raw["reason"], str) or not raw["reason"].strip():
        raise KnownFailuresError(f"{where}: the reason must say what fails")
    for field in RANGE_FIELDS:
        try:
            SpecifierSet(raw.get(field, ""))
        except InvalidSpecifier as error:
            raise KnownFailuresError(f"{where}: {field} range {raw[field]!r} is not a PEP 440 specifier: "
                                     f"{error}") from None
    for field in (f for f in PATTERN_FIELDS if f in raw):
        patterns = raw[field] if isinstance(raw[field], list) else [raw[field]]
        if not patterns or not all(isinstance(p, str) and p for p in patterns):
            raise KnownFailuresError(f"{where}: {field} must be a pattern or a list of patterns")
        raw[field] = tuple(patterns)
    return KnownFailure(**raw)


def load(path: Path = KNOWN_FAILURES_FILE) -> list[KnownFailure]:
    """The file's entries. Parsing ~2000 entries with the pure-Python tomllib costs every run 0.35 s; like a .pyc,
    the parsed entries are kept in `__pycache__` beside this module, keyed by the file's text and the code that
    checks it, and read back in 0.02 s. Where that folder cannot be written, every load parses."""
    text = path.read_text()
    code = b"".join(Path(__file__).with_name(name).read_bytes() for name in ("known_failures.py", "verdict.py"))
    key = hashlib.sha256(text.encode() + code).hexdigest()[:16]
    kept = Path(__file__).with_name("__pycache__") / f"{path.stem}.{key}.pickle"
    try:
        return pickle.loads(kept.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError):
        entries = parse(text, path.name)
    try:
        kept.parent.mkdir(exist_ok=True)
        for stale in kept.parent.glob(f"{path.stem}.*.pickle"):
            stale.unlink(missing_ok=True)
        partial = kept.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(entries))
        partial.replace(kept)
    except OSError:
        pass
    return entries


def by_id(entries: list[KnownFailure]) -> dict[str, KnownFailure]:
    return {entry.id: entry for entry in entries}


class Index:
    """Entries indexed for lookup: per route, those naming a case literally (all but a few dozen) and those whose
    case patterns have wildcards, built when a route is first asked. A run judges thousands of cells against a
    thousand entries; the entries must not change while indexed."""

    _WILDCARDS = frozenset("*?[")

    def __init__(self, entries: list[KnownFailure]):
        self.entries = entries
        self._by_path: dict[str, tuple[dict[str, list[int]], list[int]]] = {}

    def find(self, cell: CellKey, versions: Versions) -> KnownFailure | None:
        """The first entry covering the cell (case, path, engine) at these (TF, Keras, OpenCV) versions, or None."""
        return next((e for e in self._candidates(cell[0], cell[1]) if e.matches(cell, versions)), None)

    def _candidates(self, case: str, path: str) -> list[KnownFailure]:
        """The entries that may cover `case` through `path`, in file order."""
        if path not in self._by_path:
            literal: dict[str, list[int]] = {}
            wild: list[int] = []
            for index, entry in enumerate(self.entries):
                if not any(fnmatch.fnmatchcase(path, pattern) for pattern in entry.path):
                    continue
                if any(self._WILDCARDS & set(pattern) for pattern in entry.case):
                    wild.append(index)
                else:
                    for pattern in dict.fromkeys(entry.case):
                        literal.setdefault(pattern, []).append(index)
            self._by_path[path] = (literal, wild)
        literal, wild = self._by_path[path]
        return [self.entries[index] for index in sorted({*literal.get(case, ()), *wild})]


_MINOR = re.compile(r"\d+\.\d+")


def judge(status: str, entry: KnownFailure | None, opencv: str = "") -> Judgement:
    """Strict comparison of a measured status with the cell's known-failure entry (None if unlisted), at OpenCV
    version `opencv` (a flaky entry accepts a pass only at the versions where a pass was measured)."""
    if status == NOT_APPLICABLE:  # whatever an entry over the route says of the TF sides that offer it
        return Judgement(True, NOT_APPLICABLE, "not applicable: this TF side does not offer the route", entry)
    if entry is None:
        if status == "pass":
            return Judgement(True, "pass", "pass")
        return Judgement(False, "unexpected-failure", f"{status}, and no known-failure entry covers this cell")
    if status in entry.statuses:
        return Judgement(True, "known", f"known {status}{' (flaky)' if entry.flaky else ''}: {entry.reason}", entry)
    if status == "pass" and entry.flaky and _MINOR.match(opencv) and _MINOR.match(opencv)[0] in entry.passed:
        return Judgement(True, "known", f"passed this time, known to be flaky ({entry.status} on other runs): "
                                        f"{entry.reason}", entry)
    if status == "pass" and entry.flaky:
        return Judgement(False, "now-passes",
                         f"passes, where the flaky entry measured only {entry.status} (passes measured at OpenCV "
                         f"{', '.join(entry.passed) or 'no version'}): if it is flaky here too, add this version to "
                         f"its `passed`; if it is fixed, narrow the entry ({entry.reason})", entry)
    if status == "pass":
        return Judgement(False, "now-passes",
                         f"now passes, but is listed as known {entry.status} ({entry.reason}): remove the entry", entry)
    return Judgement(False, "fails-differently",
                     f"{status}, but is listed as known {entry.status} ({entry.reason}): update the entry", entry)
