"""Exact versions on the TF side (this interpreter), read from package metadata without importing TF."""
from __future__ import annotations

import os
import platform
import re
from importlib import metadata

from packaging.version import Version

PACKAGES = ("tensorflow", "tensorflow-cpu", "keras", "tf-keras", "tf2onnx", "onnx", "onnxslim", "numpy", "protobuf")


def installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def tf_side() -> dict[str, str]:
    """Installed versions of the packages that shape an export, the Keras that TF will use, Python and platform."""
    found = {name: version for name in PACKAGES if (version := installed(name))}
    found["python"] = platform.python_version()
    found["platform"] = platform.platform()
    if "tensorflow" in found or "tensorflow-cpu" in found:
        found["keras_in_use"] = keras_in_use(found, os.environ.get("TF_USE_LEGACY_KERAS", ""))
    return found


def keras_in_use(versions: dict[str, str], legacy_flag: str) -> str:
    """The Keras behind `tf.keras`, from package metadata (no TF import): TF <= 2.15 ships its own Keras 2;
    later TF uses Keras 3, or tf-keras when TF_USE_LEGACY_KERAS is set as TF reads it ("1", "true", "True")."""
    if Version(tensorflow_version(versions)).release >= (2, 16) and legacy_flag in ("1", "true", "True"):
        if "tf-keras" not in versions:
            raise RuntimeError("TF_USE_LEGACY_KERAS is set but tf-keras is not installed")
        return versions["tf-keras"]
    return versions.get("keras", "none")


def tensorflow_version(versions: dict[str, str]) -> str:
    version = versions.get("tensorflow") or versions.get("tensorflow-cpu")
    if version is None:
        raise RuntimeError("TensorFlow is not installed here: run the cells in a tox env (tox -e tf215-cv49)")
    return version


def cache_key(versions: dict[str, str]) -> str:
    """Folder name for artifacts made by these versions: exports are reused across OpenCV versions."""
    parts = [f"tf{tensorflow_version(versions)}", f"keras{versions['keras_in_use']}",
             f"tf2onnx{versions.get('tf2onnx', 'none')}", f"onnx{versions.get('onnx', 'none')}",
             f"onnxslim{versions.get('onnxslim', 'none')}",
             f"py{versions['python']}"]
    return re.sub(r"[^A-Za-z0-9.+_-]", "_", "-".join(parts))
