"""The export pool: what is missing from the cache, and how it is shared out."""
from test_store import PATH, built

from conformance.suite.warm import missing, shares
from model_zoo.case import Case, apply_layer
from model_zoo.export import Route
from model_zoo.store import ArtifactStore

OTHER = Route("other", "readNetFromONNX", "nhwc", "nhwc", PATH.export, "test path")


def test_shares_are_round_robin_in_order_and_never_empty():
    needed = {name: {"p"} for name in "abcde"}
    assert shares(needed, 2) == [["a", "c", "e"], ["b", "d"]]
    assert shares(needed, 8) == [["a"], ["b"], ["c"], ["d"], ["e"]]
    assert shares(needed, 1) == [list("abcde")]


def test_only_cells_without_reference_or_export_are_missing(tmp_path):
    store = ArtifactStore(tmp_path / "cache", "tf-x")
    cached = built(tmp_path)
    store.save_reference(cached)
    store.export(cached, PATH)
    other_case = Case("case-b", "activation", apply_layer("ReLU"))
    cells = [(cached.case, PATH), (cached.case, OTHER), (other_case, PATH)]
    assert missing(store, cells) == {"case-a": {"other"}, "case-b": {"fake"}}


def test_a_process_killed_by_its_converter_has_that_export_recorded_and_the_rest_goes_on(tmp_path, monkeypatch):
    """The log of a warming process names the export it was in; a restart takes the cases it had not finished."""
    from conformance.suite import warm

    store = ArtifactStore(tmp_path / "cache" / "artifacts", "tf-x")
    log = tmp_path / "warm-0.log"
    log.write_text("case-a: done\ncase-b fake: exporting\nFatal Python error: Aborted\n")
    share = warm.Share(["case-a", "case-b", "case-c"], ["fake"], log, 3)
    started, said = [], []
    monkeypatch.setattr(warm, "by_id", lambda case_id: Case(case_id, "activation", apply_layer("ReLU")))
    monkeypatch.setattr(warm, "by_name", lambda name: PATH)
    monkeypatch.setattr(warm.Share, "start", lambda self, cache_dir: started.append(list(self.cases)))
    warm.restart_after_crash(share, -6, store, said.append)
    recorded = store.cached_export(Case("case-b", "activation", apply_layer("ReLU")), PATH)
    assert recorded.artifact is None and "signal SIGABRT" in recorded.error and "Aborted" in recorded.detail
    assert started == [["case-b", "case-c"]] and "case-b via fake" in said[0]
    assert warm.progress_line([share], 12.0) == "exported 1/3 cases in 12 s (process 1: 1/3)"
