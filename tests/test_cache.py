"""The cache commands: size, and pruning what changed definitions or long disuse left behind."""
import json
import os
import time

from test_store import built

from model_zoo import cache
from model_zoo.cases import CATALOGUE
from model_zoo.export import by_name
from model_zoo.store import ArtifactStore, recipe_hash


def fill(tmp_path):
    """A cache with a current reference and export of a catalogue case, and stale and orphaned entries."""
    store = ArtifactStore(tmp_path / "cache" / "artifacts", "tf-x")
    current = built(tmp_path)
    current.case = CATALOGUE[0]
    store.save_reference(current)
    case_folder = store.root / CATALOGUE[0].id
    routes = (("onnx-keras", store.case_key(CATALOGUE[0])), ("tflite-concrete-batch1", "an older definition"))
    for path, case_key in routes:
        (case_folder / path).mkdir()
        manifest = {"case": case_key, "recipe": recipe_hash(by_name(path)), "artifact": None, "error": "e"}
        (case_folder / path / "manifest.json").write_text(json.dumps(manifest))
    (store.root / "a-removed-case" / "reference").mkdir(parents=True)
    return store


def test_size_lists_each_tf_side_and_the_total(tmp_path):
    fill(tmp_path)
    lines = cache.size_lines(tmp_path / "cache")
    assert lines[0].endswith("artifacts/tf-x (3 cached exports and references)")
    assert lines[-1].endswith(f"total in {tmp_path / 'cache'}")


def test_prune_stale_removes_changed_and_orphaned_entries_only(tmp_path, capsys):
    store = fill(tmp_path)
    case_folder = store.root / CATALOGUE[0].id
    cache.main(["--cache-dir", str(tmp_path / "cache"), "prune", "--stale", "--dry-run"])
    assert (case_folder / "tflite-concrete-batch1").exists() and "would remove" in capsys.readouterr().out
    cache.main(["--cache-dir", str(tmp_path / "cache"), "prune", "--stale"])
    assert not (case_folder / "tflite-concrete-batch1").exists() and not (store.root / "a-removed-case").exists()
    assert store.reference(CATALOGUE[0]) is not None  # the current entries stay
    assert (case_folder / "onnx-keras" / "manifest.json").exists()


def test_prune_unused_removes_tf_sides_not_opened_for_so_long(tmp_path):
    store = fill(tmp_path)
    cache.main(["--cache-dir", str(tmp_path / "cache"), "prune", "--unused-days", "30"])
    assert store.root.exists()
    month_ago = time.time() - 31 * 86400
    os.utime(store.root / "last-used", (month_ago, month_ago))
    cache.main(["--cache-dir", str(tmp_path / "cache"), "prune", "--unused-days", "30"])
    assert not store.root.exists()
