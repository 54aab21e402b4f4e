"""The cache: reuse, cached failures, invalidation by the case's definition, references, one export under
parallel runs."""
import multiprocessing
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from model_zoo.case import Case, apply_layer
from model_zoo.export import Artifact, Route
from model_zoo.store import ArtifactStore


def slow_export(built, folder: Path) -> Artifact:
    """Writes the model, and logs each export in the file named by the built case (to count them)."""
    with open(built.log, "a") as log:
        log.write(f"{built.fingerprint}\n")
    time.sleep(0.3)  # long enough for a second process to arrive while the first exports
    (folder / "model.onnx").write_text(built.fingerprint)
    return Artifact("model.onnx", ("input",))


def failing_export(built, folder: Path) -> Artifact:
    raise RuntimeError("converter says no\nsecond line")


PATH = Route("fake", "readNetFromONNX", "nhwc", "nhwc", slow_export, "test path")
FAILING = Route("fake-failing", "readNetFromONNX", "nhwc", "nhwc", failing_export, "test path")


def case(max_value: float = 6.0) -> Case:
    return Case("case-a", "activation", apply_layer("ReLU", max_value=max_value))


def built(tmp_path: Path, fingerprint: str = "f1", max_value: float = 6.0) -> SimpleNamespace:
    """A stand-in for model_zoo.build.BuiltCase; `max_value` changes the case's definition."""
    return SimpleNamespace(case=case(max_value), fingerprint=fingerprint, log=str(tmp_path / "log"),
                           inputs=[np.ones((1, 2, 2, 3), np.float32)],
                           expected=[np.full((1, 2, 2, 3), 2.0, np.float32)])


def exports_done(tmp_path: Path) -> list[str]:
    return (tmp_path / "log").read_text().split()


def test_second_export_comes_from_the_cache(tmp_path):
    store = ArtifactStore(tmp_path / "cache", "tf-x")
    first = store.export(built(tmp_path), PATH)
    second = store.export(built(tmp_path), PATH)
    assert not first.cached and second.cached
    assert second.artifact == Artifact("model.onnx", ("input",))
    assert exports_done(tmp_path) == ["f1"]


def test_a_changed_case_definition_is_exported_again_and_only_that_case(tmp_path):
    store = ArtifactStore(tmp_path / "cache", "tf-x")
    store.export(built(tmp_path, "f1"), PATH)
    assert store.cached_export(case(), PATH) is not None
    assert store.cached_export(case(max_value=4.0), PATH) is None  # the definition changed: nothing cached
    again = store.export(built(tmp_path, "f2", max_value=4.0), PATH)
    assert not again.cached and (again.folder / "model.onnx").read_text() == "f2"
    other = Case("case-b", "activation", apply_layer("ReLU", max_value=6.0))
    assert store.case_key(other) != store.case_key(case()) == store.case_key(case())


def test_the_reference_is_cached_for_the_cases_definition_and_checked(tmp_path):
    store = ArtifactStore(tmp_path / "cache", "tf-x")
    assert store.reference(case()) is None
    saved = store.save_reference(built(tmp_path))
    found = store.reference(case())
    assert found is not None and (found.expected[0] == saved.expected[0]).all() and found.case.id == "case-a"
    assert store.reference(case(max_value=4.0)) is None
    np.save(store.root / "case-a" / "reference" / "expected_0.npy", np.zeros((1, 2, 2, 3), np.float32))
    assert store.reference(case()) is None  # changed since it was written


def test_a_refused_configuration_is_kept_for_its_definition_in_place_of_a_reference(tmp_path):
    store = ArtifactStore(tmp_path / "cache", "tf-x")
    assert not store.refused(case())
    store.save_refused(case())
    assert store.refused(case()) and store.reference(case()) is None
    assert not store.refused(case(max_value=4.0))  # another definition: Keras has not been asked
    store.save_reference(built(tmp_path))
    assert not store.refused(case()) and store.reference(case()) is not None


def test_failed_exports_are_cached_with_their_error(tmp_path):
    store = ArtifactStore(tmp_path / "cache", "tf-x")
    first = store.export(built(tmp_path), FAILING)
    second = store.export(built(tmp_path), FAILING)
    assert first.artifact is None and first.error == "RuntimeError: converter says no"
    assert second.cached and second.error == first.error and "Traceback" in second.detail


def _export_in_another_process(root: str, log_dir: str, results) -> None:
    export = ArtifactStore(Path(root), "tf-x").export(built(Path(log_dir)), PATH)
    results.put((export.cached, (export.folder / "model.onnx").read_text()))


def test_parallel_runs_sharing_a_tf_side_export_once(tmp_path):
    results = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_export_in_another_process,
                                       args=(str(tmp_path / "cache"), str(tmp_path), results)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    outcomes = sorted(results.get(timeout=5) for _ in workers)
    assert exports_done(tmp_path) == ["f1"]  # one process exported, the others waited and read its result
    assert outcomes == [(False, "f1"), (True, "f1"), (True, "f1")]


def test_a_corrupted_truncated_or_emptied_model_file_is_exported_again(tmp_path):
    store = ArtifactStore(tmp_path / "cache", "tf-x")
    first = store.export(built(tmp_path), PATH)
    model = first.folder / "model.onnx"
    for damage in (lambda: model.write_text("f9"), lambda: model.write_text(""), model.unlink):
        damage()
        again = store.export(built(tmp_path), PATH)
        assert not again.cached and model.read_text() == "f1"
    assert store.export(built(tmp_path), PATH).cached
    assert exports_done(tmp_path) == ["f1"] * 4


def delegate(built, folder: Path) -> Artifact:
    return slow_export(built, folder)


def delegating_export(built, folder: Path) -> Artifact:
    return delegate(built, folder)


def test_editing_a_function_a_route_delegates_to_exports_that_route_again(tmp_path, monkeypatch):
    import test_store

    from model_zoo.store import recipe_hash

    route = Route("delegating", "readNetFromONNX", "nhwc", "nhwc", delegating_export, "test path")
    store = ArtifactStore(tmp_path / "cache", "tf-x")
    before = recipe_hash(route)
    store.export(built(tmp_path), route)

    def edited(built, folder: Path) -> Artifact:  # the delegate, changed
        (folder / "extra").write_text("x")
        return slow_export(built, folder)

    monkeypatch.setattr(test_store, "delegate", edited)
    assert recipe_hash(route) != before
    assert ArtifactStore(tmp_path / "cache", "tf-x").cached_export(case(), route) is None
    ArtifactStore(tmp_path / "cache", "tf-x").export(built(tmp_path), route)
    assert exports_done(tmp_path) == ["f1", "f1"]  # exported again


def test_the_real_routes_hash_what_they_delegate_to(monkeypatch):
    """onnx-nchw delegates to onnx_keras.keras_to_onnx: a change there changes onnx-nchw's recipe."""
    from model_zoo.export import by_name, onnx_nchw
    from model_zoo.store import recipe_hash

    before = recipe_hash(by_name("onnx-nchw"))
    monkeypatch.setattr(onnx_nchw, "keras_to_onnx", lambda built, folder, **options: None)
    assert recipe_hash(by_name("onnx-nchw")) != before


def test_a_failed_export_recorded_for_a_crashed_process_is_read_as_an_export_error(tmp_path):
    store = ArtifactStore(tmp_path / "cache", "tf-x")
    store.record_failed_export(case(), PATH, "the converter killed the export process (signal SIGSEGV)", "tail")
    found = ArtifactStore(tmp_path / "cache", "tf-x").cached_export(case(), PATH)
    assert found.artifact is None and "SIGSEGV" in found.error and found.detail == "tail"
