"""Env names (`tf<TF>-cv<OpenCV>[-keras2]`), version order and column labels. Pure, standard library only.

Order is numeric, never lexical: OpenCV 4.10 comes after 4.9, TF 2.16 with Keras 2 after plain TF 2.16.
"""
from __future__ import annotations

from conformance.matrix import ENGINES, version_key

ENGINE_ORDER = ("", *ENGINES)  # "" is OpenCV 4.x's only reader; 5.x measures each engine


def minor_version(version: str) -> str:
    """"4.12.0" -> "4.12"; "" stays ""."""
    return ".".join(str(part) for part in version_key(version)[:2])


def env_sort_key(name: str, tf: str, opencv: str, keras2: bool) -> tuple:
    """TF version, then plain before Keras 2, then OpenCV version; envs of unknown versions last, by name."""
    known = bool(tf and opencv)
    return (not known, version_key(tf), keras2, version_key(opencv), name)


def engine_sort_key(engine: str) -> tuple[int, str]:
    """classic, new, auto after the 4.x reader; engines this code does not know after those, by name."""
    return (ENGINE_ORDER.index(engine), "") if engine in ENGINE_ORDER else (len(ENGINE_ORDER), engine)


def column_key(env: str, engine: str) -> str:
    """The identity of a column: the env name, and the engine on OpenCV 5.x ("tf219-cv50 new")."""
    return f"{env} {engine}" if engine else env


def tf_label(tf: str, keras2: bool) -> str:
    """"2.16" or "2.16 k2" (Keras 2 through tf-keras)."""
    return f"{tf} k2" if keras2 else tf


def column_label_parts(tf: str, opencv: str, keras2: bool, engine: str, name: str) -> list[str]:
    """Short header lines of a column: ["2.16 k2", "4.12"], ["2.19", "5.0", "new"]; the env name if unparsed."""
    parts = [tf_label(tf, keras2), opencv] if tf and opencv else [name]
    return [*parts, engine] if engine else parts
