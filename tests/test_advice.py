"""conformance/advice.py beyond one version's choice: OpenCV 5's transition (routes at risk come last and say so),
the version from which the chosen route works, several TF versions pooled, and one route for a family."""
from hypothesis import given
from hypothesis import strategies as st

from conformance import advice

STATUS = st.sampled_from(["pass", "mismatch", "import-error", "n/a"])
COLUMNS = st.tuples(st.sampled_from([*advice.ROUTE_ORDER, "given-onnx", "given-pb"]),
                    st.sampled_from(advice.ENGINE_ORDER))


def test_a_route_at_risk_is_chosen_only_when_no_other_float_route_passes_and_says_why():
    statuses = {("tf-frozen-grappler", ""): "pass", ("tflite-keras", ""): "pass", ("onnx-keras", ""): "mismatch"}
    assert advice.choose(statuses, "4.12") == advice.Choice("4.12", "tflite-keras")
    quantized = {("tf-frozen-grappler", ""): "pass", ("tflite-int8", ""): "pass"}  # int8 gives other numbers
    assert advice.choose(quantized, "4.12").route == "tf-frozen-grappler"
    frozen = advice.choose({("tf-frozen-grappler", ""): "pass", ("onnx-keras", ""): "mismatch"}, "4.12")
    assert frozen.risks == ("tf-importer",)
    assert frozen.line() == ("OpenCV 4.12: use tf-frozen-grappler (at risk: the TF importer's removal is proposed "
                             "upstream (opencv PR #29474 \"Remove Tensorflow Importer\", open, "
                             "https://github.com/opencv/opencv/pull/29474))")


def test_on_opencv_5_engine_classic_comes_after_every_engine_that_survives():
    statuses = {("onnx-keras", "classic"): "pass", ("onnx-keras", "new"): "mismatch", ("tflite-keras", "new"): "pass"}
    assert advice.choose(statuses, "5.0") == advice.Choice("5.0", "tflite-keras", "new")
    classic = advice.choose({("onnx-keras", "classic"): "pass", ("onnx-keras", "auto"): "mismatch"}, "5.0")
    assert classic.risks == ("engine-classic",) and "opencv PR #29341" in classic.line()
    assert advice.risks(("tf-frozen", "classic")) == ("tf-importer", "engine-classic")


@given(st.dictionaries(COLUMNS, STATUS, max_size=12))
def test_the_choice_is_the_most_preferred_passing_column_and_at_risk_only_when_every_passing_float_one_is(statuses):
    choice = advice.choose(statuses, "5.0")
    passing = [column for column, status in statuses.items() if status == "pass"]
    if not passing:
        assert choice.route is None and choice.risks == ()
        return
    chosen = (choice.route, choice.engine)
    assert statuses[chosen] == "pass"
    assert all(advice.preference(chosen) <= advice.preference(column) for column in passing)
    floats = [column for column in passing if column[0] not in advice.QUANTIZED_ROUTES] or passing
    assert bool(choice.risks) == all(advice.risks(column) for column in floats)


def test_works_since_runs_back_through_unmeasured_versions_and_from_4x_to_an_engine_of_5x():
    line = [("4.7", {("onnx-keras", ""): "mismatch"}), ("4.8", {("onnx-keras", ""): "pass"}), ("4.9", {}),
            ("4.10", {("onnx-keras", ""): "pass"}), ("5.0", {("onnx-keras", "auto"): "pass"})]
    assert advice.works_since(line, ("onnx-keras", "auto")) == "4.8"
    assert advice.works_since(line[:1], ("onnx-keras", "")) == ""
    assert advice.works_since(line, ("onnx-keras", "classic")) == "4.8"  # 5.0 classic not measured: the run goes on


def test_advise_gives_each_version_its_choice_and_since():
    line = [("4.9", {("onnx-keras", ""): "pass", ("tflite-keras", ""): "pass"}),
            ("4.10", {("onnx-keras", ""): "mismatch", ("tflite-keras", ""): "pass"}),
            ("4.11", {("onnx-keras", ""): "mismatch", ("tflite-keras", ""): "mismatch"})]
    assert advice.advise(line) == [advice.Choice("4.9", "onnx-keras", since="4.9"),
                                   advice.Choice("4.10", "tflite-keras", since="4.9"), advice.Choice("4.11", None)]
    assert advice.advise(line)[1].line() == "OpenCV 4.10: use tflite-keras, works from 4.9"


def test_combined_passes_only_when_every_tf_version_passes():
    assert advice.combined(["pass", "pass"]) == "pass"
    assert advice.combined(["pass", "n/a", "mismatch"]) == "n/a"  # a route one TF side does not offer: no advice


def test_common_takes_the_route_passing_for_most_cases_from_when_it_works_for_all_of_them():
    def line(*statuses):
        return [(version, {column: status for column, status in zip(
            [("onnx-keras", ""), ("tf-frozen", "")], pair, strict=True)}) for version, pair in statuses]

    lines = [line(("4.9", ("pass", "pass")), ("4.10", ("pass", "pass"))),
             line(("4.9", ("mismatch", "pass")), ("4.10", ("pass", "pass"))),
             line(("4.10", ("mismatch", "pass")))]
    common = advice.common(lines)
    assert common == advice.Common(advice.Choice("4.10", "tf-frozen", since="4.10"), 3, 3)  # covers 3, at risk or not
    two = advice.common(lines[:2])
    assert two == advice.Common(advice.Choice("4.10", "onnx-keras", since="4.10"), 2, 2)  # a tie: the preferred
    assert advice.common([line(("4.9", ("mismatch", "crash")))]) == advice.Common(advice.Choice("4.9", None), 0, 1)
