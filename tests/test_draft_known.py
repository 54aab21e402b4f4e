"""Widening known-failure entries over newly measured TF sides: only where every newly judged cell fails alike."""
from conformance.judging import draft_known
from conformance.judging.known_failures import parse

ENTRIES = '''
[[known]]
case = "a-*"
path = "onnx-keras"
tf = ">=2.15,<2.20"
keras = "<3.16"
status = "import-error"
reason = "the reader refuses it"

[[known]]
case = "b"
path = "onnx-keras"
tf = ">=2.15,<2.20"
keras = "<3.16"
status = "mismatch"
reason = "wrong numbers"
'''


def document(tf: str, keras: str, statuses: dict[str, str], opencv: str = "4.9.0") -> dict:
    """One env's results: statuses by case, or by (case, route) for other routes than onnx-keras."""
    return {"tf_side": {"tensorflow-cpu": tf, "keras_in_use": keras}, "opencv_side": {"opencv": opencv},
            "cells": [{"case": key, "path": "onnx-keras", "status": status} if isinstance(key, str)
                      else {"case": key[0], "path": key[1], "status": status} for key, status in statuses.items()]}


def coverage(entries: str, documents: list[dict]) -> draft_known.Coverage:
    return draft_known.Coverage(parse(entries), draft_known.measured_cells(documents))


def test_tf_ranges_stretch_one_measured_side_at_a_time_where_it_fails_alike():
    documents = [document("2.12.1", "2.12.0", {"a-1": "import-error", "a-2": "import-error", "b": "pass"}),
                 document("2.15.1", "2.15.0", {"a-1": "import-error", "a-2": "import-error", "b": "mismatch"}),
                 document("2.19.1", "3.15.1", {"a-1": "import-error", "a-2": "import-error", "b": "mismatch"}),
                 document("2.21.0", "3.15.1", {"a-1": "import-error", "a-2": "import-error", "b": "mismatch"})]
    widened = draft_known.widen_tf(coverage(ENTRIES, documents))
    assert widened[0].tf == ">=2.12,<2.22"  # fails alike on both new sides
    assert widened[1].tf == ">=2.15,<2.22"  # passes on 2.12: that side stays outside the range
    text = draft_known.rewrite(ENTRIES, widened, "tf")
    assert [entry.tf for entry in parse(text)] == [">=2.12,<2.22", ">=2.15,<2.22"]


def test_a_side_that_fails_otherwise_is_left_to_a_new_entry():
    documents = [document("2.15.1", "2.15.0", {"a-1": "import-error", "b": "mismatch"}),
                 document("2.21.0", "3.15.1", {"a-1": "forward-error", "b": "mismatch"})]
    widened = draft_known.widen_tf(coverage(ENTRIES, documents))
    assert list(widened) == [1]


def test_a_flaky_entry_stretches_over_a_side_that_fails_alike_and_passes_where_a_pass_was_measured():
    flaky = ENTRIES.replace('status = "mismatch"', 'status = "mismatch"\nflaky = true\npassed = ["4.8"]')
    documents = [document("2.15.1", "2.15.0", {"b": "mismatch"}, "4.7.0"),
                 document("2.15.1", "2.15.0", {"b": "pass"}, "4.8.1"),
                 document("2.21.0", "3.15.1", {"b": "mismatch"}, "4.7.0"),
                 document("2.21.0", "3.15.1", {"b": "pass"}, "4.8.1")]
    assert draft_known.widen_tf(coverage(flaky, documents))[1].tf == ">=2.15,<2.22"
    documents[2]["cells"][0]["status"] = "pass"  # a pass at 4.7, where none was measured: not alike
    assert 1 not in draft_known.widen_tf(coverage(flaky, documents))


def test_a_new_route_joins_its_siblings_entry_only_over_unjudged_failures_alike():
    flaky = ENTRIES.replace('status = "mismatch"', 'status = "mismatch"\nflaky = true')
    documents = [document("2.19.1", "3.15.1", {"a-1": "import-error", ("a-1", "onnx-opset18"): "import-error",
                                               "b": "mismatch", ("b", "onnx-opset18"): "pass",
                                               ("a-1", "onnx-keras-export"): "n/a"})]
    widened = draft_known.widen_routes(coverage(flaky, documents))
    # a-*: opset 18 fails alike; b's flaky entry would accept opset 18's pass, but a pass needs no entry;
    # onnx-keras-export is n/a here, which no entry judges
    assert {index: entry.path for index, entry in widened.items()} == {0: ("onnx-keras", "onnx-opset18")}


def test_entries_of_nondeterministic_cells_become_flaky_with_every_status_measured():
    measured = document("2.15.1", "2.15.0", {"a-1": "import-error", "a-2": "import-error", "b": "mismatch"})
    measured["cells"][0]["rerun"] = {"status": "forward-error"}
    measured["cells"][2]["rerun"] = {"status": "mismatch"}  # the same status, other numbers
    passing = document("2.15.1", "2.15.0", {"b": "mismatch"}, "4.8.1")
    passing["cells"][0]["rerun"] = {"status": "pass"}  # a pass goes to `passed`, never to the statuses
    changed = draft_known.nondeterministic([measured, passing], parse(ENTRIES))
    assert {i: (e.statuses, e.flaky, e.passed) for i, e in changed.items()} == {
        0: (("import-error", "forward-error"), True, ()), 1: (("mismatch",), True, ("4.8",))}
    entries = parse(draft_known.rewrite(ENTRIES, changed, "status", "flaky", "passed"))
    assert [(e.statuses, e.flaky, e.passed, e.reason) for e in entries] == [
        (("import-error", "forward-error"), True, (), "the reader refuses it"),
        (("mismatch",), True, ("4.8",), "wrong numbers")]
    assert "passed = []" not in draft_known.rewrite(ENTRIES, changed, "status", "flaky", "passed")


def test_failures_are_told_apart_by_their_error_past_opencvs_boilerplate_and_node_names():
    erfc = ("OpenCV(4.12.0) /io/opencv/modules/dnn/src/onnx/onnx_importer.cpp:1058: error: (-2:Unspecified error) in "
            "function 'handleNode' > Node [Erfc@ai.onnx]:(onnx_node!{}) parse error")
    gru = erfc.replace("Erfc", "GRU")
    assert draft_known.error_shape(erfc.format("case/activation/Gelu/Erfc")) == draft_known.error_shape(
        erfc.format("case/lambda/Gelu/Erfc").replace("4.12.0", "4.13.0").replace("1058", "1059"))
    assert draft_known.error_shape(erfc.format("g")) != draft_known.error_shape(gru.format("g"))
    neg = "OpenCV(4.7.0) /io/opencv/modules/dnn/src/net_impl.hpp:108: error: Can't create layer \"{}\" of type \"Neg\""
    assert draft_known.error_shape(neg.format("case/a/Neg")) == draft_known.error_shape(neg.format("case/b/Neg"))
    assert "Neg" in draft_known.error_shape(neg.format("x/y"))
    assert draft_known.error_shape("") == ""
