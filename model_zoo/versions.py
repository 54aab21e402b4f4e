"""Exact versions on the TF side (this interpreter), read from package metadata without importing TF."""
from __future__ import annotations

import platform
import re
from importlib import metadata

PACKAGES = ("tensorflow", "tensorflow-cpu", "keras", "tf-keras", "tf2onnx", "onnx", "numpy", "protobuf")


def installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def tf_side() -> dict[str, str]:
    """Installed versions of the packages that shape an export, plus Python and platform."""
    found = {name: version for name in PACKAGES if (version := installed(name))}
    found["python"] = platform.python_version()
    found["platform"] = platform.platform()
    return found


def tensorflow_version(versions: dict[str, str]) -> str:
    version = versions.get("tensorflow") or versions.get("tensorflow-cpu")
    if version is None:
        raise RuntimeError("TensorFlow is not installed here: run the cells in a tox env (tox -e tf215-cv49)")
    return version


def cache_key(versions: dict[str, str], keras: str) -> str:
    """Folder name for artifacts made by these versions: exports are reused across OpenCV versions."""
    parts = [f"tf{tensorflow_version(versions)}", f"keras{keras}", f"tf2onnx{versions.get('tf2onnx', 'none')}",
             f"onnx{versions.get('onnx', 'none')}", f"py{versions['python']}"]
    return re.sub(r"[^A-Za-z0-9.+_-]", "_", "-".join(parts))
