"""Look after the cache folder (.conformance-cache): how big it is, and pruning what no run will read again.

    python -m model_zoo.cache size                       # per TF side and per OpenCV environment
    python -m model_zoo.cache prune --stale              # entries of cases or recipes that have changed since
    python -m model_zoo.cache prune --unused-days 30     # TF sides (exports, fuzz, blobs) and OpenCV environments
                                                         # unused for 30 days
    (add --dry-run to see what would go)

Needs no TensorFlow: staleness is decided by the case definition fingerprint and the recipe hash.
"""
from __future__ import annotations

import argparse
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from model_zoo.cases import CATALOGUE
from model_zoo.export import all_routes
from model_zoo.fingerprint import case_fingerprint
from model_zoo.store import LAST_USED, MANIFEST, current_manifest, recipe_hash

OPENCV_ENVS = "opencv-envs"
# Folders holding one subfolder per TF side: the catalogue's exports, the fuzz tests' drawn configurations, TF's
# preprocessing of the blobFromImage combinations (conformance/suite/blobs.py)
TF_SIDE_KINDS = ("artifacts", "fuzz", "blobs")
OPENCV_READY = "conformance-ready.json"  # conformance/opencv/install.py's marker, touched when an env is used


def folder_bytes(folder: Path) -> int:
    return sum(file.stat().st_size for file in folder.rglob("*") if file.is_file())


def human(size: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def tf_sides(cache: Path, kind: str = "artifacts") -> list[Path]:
    """The TF side folders of one of TF_SIDE_KINDS."""
    root = cache / kind
    return sorted(folder for folder in root.iterdir() if folder.is_dir()) if root.is_dir() else []


def opencv_envs(cache: Path) -> list[Path]:
    root = cache / OPENCV_ENVS
    return sorted(folder for folder in root.iterdir() if folder.is_dir()) if root.is_dir() else []


def size_lines(cache: Path) -> list[str]:
    """One line per TF side and OpenCV environment, with its size, then the total."""
    lines, total = [], 0
    for folder in (side for kind in TF_SIDE_KINDS for side in tf_sides(cache, kind)):
        size = folder_bytes(folder)
        total += size
        exports = sum(1 for _ in folder.glob(f"*/*/{MANIFEST}"))
        blobs = sum(1 for _ in folder.glob("*.npy"))
        what = f"{blobs} TF preprocessing outputs" if blobs else f"{exports} cached exports and references"
        lines.append(f"{human(size):>10}  {folder.parent.name}/{folder.name} ({what})")
    for folder in opencv_envs(cache):
        size = folder_bytes(folder)
        total += size
        lines.append(f"{human(size):>10}  {OPENCV_ENVS}/{folder.name}")
    lines.append(f"{human(total):>10}  total in {cache}")
    return lines


def stale_entries(cache: Path) -> Iterator[Path]:
    """Export and reference folders that the current catalogue and recipes would not read."""
    case_keys = {case.id: case_fingerprint(case) for case in CATALOGUE}
    recipes = {path.name: recipe_hash(path) for path in all_routes()}
    for side in tf_sides(cache):
        for case_folder in sorted(folder for folder in side.iterdir() if folder.is_dir()):
            if case_folder.name not in case_keys:
                yield case_folder
                continue
            for entry in sorted(folder for folder in case_folder.iterdir() if folder.is_dir()):
                recipe = {} if entry.name == "reference" else {"recipe": recipes.get(entry.name)}
                if current_manifest(entry, {"case": case_keys[case_folder.name], **recipe}) is None:
                    yield entry


def unused_entries(cache: Path, days: float) -> Iterator[Path]:
    """TF sides and OpenCV environments whose last use is older than `days`."""
    limit = time.time() - days * 86400
    for folder, marker in [*((side, LAST_USED) for kind in TF_SIDE_KINDS for side in tf_sides(cache, kind)),
                           *((env, OPENCV_READY) for env in opencv_envs(cache))]:
        used = (folder / marker).stat().st_mtime if (folder / marker).exists() else folder.stat().st_mtime
        if used < limit:
            yield folder


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m model_zoo.cache", description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=Path(".conformance-cache"))
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("size", help="the size of each TF side and OpenCV environment")
    prune = commands.add_parser("prune", help="remove what no run will read again")
    prune.add_argument("--stale", action="store_true", help="entries of changed cases or recipes")
    prune.add_argument("--unused-days", type=float, help="TF sides and OpenCV environments unused for so long")
    prune.add_argument("--dry-run", action="store_true", help="only say what would be removed")
    options = parser.parse_args(argv)
    if options.command == "size":
        print("\n".join(size_lines(options.cache_dir)))
        return
    if not options.stale and options.unused_days is None:
        parser.error("prune needs --stale and/or --unused-days N")
    doomed = [*(stale_entries(options.cache_dir) if options.stale else ()),
              *(unused_entries(options.cache_dir, options.unused_days) if options.unused_days is not None else ())]
    freed = 0
    for folder in dict.fromkeys(doomed):  # each once, in order
        if folder.exists():
            freed += folder_bytes(folder)
            print(f"{'would remove' if options.dry_run else 'removing'} {folder}")
            if not options.dry_run:
                shutil.rmtree(folder)
    print(f"{'would free' if options.dry_run else 'freed'} {human(freed)}")


if __name__ == "__main__":
    main()
