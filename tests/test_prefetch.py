"""The export pool: what is missing from the cache, and how it is shared out."""
from test_store import PATH, built

from conformance.prefetch import missing, shares
from model_zoo.case import Case, apply_layer
from model_zoo.export import ExportPath
from model_zoo.store import ArtifactStore

OTHER = ExportPath("other", "readNetFromONNX", "nhwc", "nhwc", "4.0", PATH.export, "test path")


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
