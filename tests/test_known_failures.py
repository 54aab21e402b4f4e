"""Known failures: parsing, matching by pattern and version range, and the strict judgement."""
from pathlib import Path

import pytest

from conformance.judging import known_failures as kf

ENTRY = """
[[known]]
case = "upsampling2d-*"
path = "tf-frozen"
tf = ">=2.16"
opencv = "<4.10"
status = "import-error"
reason = "Keras 3 lowers UpSampling2D to Repeat, which the TF importer rejects"
link = "https://github.com/opencv/opencv/issues/0"
"""


@pytest.fixture
def entries():
    return kf.parse(ENTRY)


def cell(case: str, path: str = "tf-frozen", engine: str = "") -> kf.CellKey:
    return case, path, engine


def versions(tf: str = "2.19.1", opencv: str = "4.9.0", keras: str = "3.5.0") -> kf.Versions:
    return tf, keras, opencv


def test_entry_matches_patterns_and_version_ranges(entries):
    assert kf.Index(entries).find(cell("upsampling2d-nearest-2x"), versions()) is entries[0]
    assert kf.Index(entries).find(cell("upsampling2d-nearest-2x"), versions(tf="2.15.1")) is None  # TF out of range
    assert kf.Index(entries).find(cell("upsampling2d-nearest-2x"), versions(opencv="4.12.0")) is None  # OpenCV too
    assert kf.Index(entries).find(cell("upsampling2d-nearest-2x", "tf-frozen-optimized"), versions()) is None
    assert kf.Index(entries).find(cell("conv2d-1x1"), versions()) is None


def test_the_first_covering_entry_counts_and_literal_and_wildcard_cases_keep_file_order():
    literal = ENTRY.replace('"upsampling2d-*"', '"upsampling2d-nearest-2x"')
    found = kf.parse(literal + ENTRY.replace("import-error", "crash")
                     + ENTRY.replace('"upsampling2d-*"', '["upsampling2d-nearest-2x", "other"]'))
    assert kf.Index(found).find(cell("upsampling2d-nearest-2x"), versions()) is found[0]
    assert kf.Index(found[1:]).find(cell("upsampling2d-nearest-2x"), versions()) is found[1]
    assert kf.Index(found[1:]).find(cell("upsampling2d-bilinear"), versions()) is found[1]
    assert kf.Index(found).find(cell("other"), versions()) is found[2]


def test_pattern_lists_match_any_of_their_patterns():
    entry = kf.parse('[[known]]\ncase = ["flatten", "reshape-*"]\npath = ["tf-frozen", "tf-frozen-optimized"]\n'
                     'status = "mismatch"\nreason = "NCHW order"\n')[0]
    assert entry.matches(cell("reshape-4d", "tf-frozen-optimized"), versions())
    assert entry.matches(cell("flatten"), versions())
    assert not entry.matches(cell("flatten-dense"), versions())
    assert not entry.matches(cell("flatten", "onnx-keras"), versions())


def test_empty_ranges_match_any_version_and_engine():
    entry = kf.parse('[[known]]\ncase = "*"\npath = "keras-file"\nstatus = "import-error"\nreason = "no reader"\n')[0]
    assert entry.matches(cell("x", "keras-file"), versions(tf="2.12.0", opencv="5.0.0"))
    assert entry.matches(cell("x", "keras-file", "new"), versions(opencv="5.0.0"))


def test_engine_and_keras_narrow_an_entry():
    entry = kf.parse('[[known]]\ncase = "*"\npath = "onnx-*"\nengine = ["new", "auto"]\nkeras = "<3"\n'
                     'status = "mismatch"\nreason = "new engine"\n')[0]
    assert entry.matches(cell("x", "onnx-keras", "new"), versions(keras="2.16.0"))
    assert not entry.matches(cell("x", "onnx-keras", "classic"), versions(keras="2.16.0"))
    assert not entry.matches(cell("x", "onnx-keras", ""), versions(keras="2.16.0"))  # OpenCV 4: no engine
    assert not entry.matches(cell("x", "onnx-keras", "new"), versions(keras="3.15.1"))


def test_malformed_range_names_the_entry_and_field():
    with pytest.raises(kf.KnownFailuresError, match=r"entry 1\): keras range '3\+' is not a PEP 440 specifier"):
        kf.parse('[[known]]\ncase = "*"\npath = "x"\nkeras = "3+"\nstatus = "crash"\nreason = "r"\n')


def test_same_status_is_known_and_green(entries):
    judgement = kf.judge("import-error", entries[0])
    assert judgement.ok and judgement.kind == "known"
    assert "Repeat" in judgement.message


def test_listed_cell_that_passes_fails_the_run(entries):
    judgement = kf.judge("pass", entries[0])
    assert not judgement.ok and judgement.kind == "now-passes"
    assert "remove the entry" in judgement.message


def test_listed_cell_failing_differently_fails_the_run(entries):
    judgement = kf.judge("crash", entries[0])
    assert not judgement.ok and judgement.kind == "fails-differently"


def test_a_flaky_entry_accepts_a_pass_or_its_status_and_nothing_else():
    flaky = kf.parse(ENTRY.replace('status = "import-error"', 'status = "mismatch"\nflaky = true\npassed = ["4.9"]'))[0]
    assert flaky.flaky and not kf.parse(ENTRY)[0].flaky
    assert kf.judge("mismatch", flaky).ok and "(flaky)" in kf.judge("mismatch", flaky).message
    passed = kf.judge("pass", flaky, "4.9.0")
    assert passed.ok and passed.kind == "known" and "passed this time" in passed.message
    assert kf.judge("crash", flaky).kind == "fails-differently"


def test_an_entry_may_list_statuses_and_only_a_flaky_one_accepts_a_pass():
    text = ENTRY.replace('status = "import-error"', 'status = ["import-error", "forward-error"]')
    listed = kf.parse(text)[0]
    assert kf.judge("forward-error", listed).ok and kf.judge("pass", listed).kind == "now-passes"
    flaky = kf.parse(text.replace("reason =", "flaky = true\npassed = [\"4.9\"]\nreason ="))[0]
    assert flaky.statuses == ("import-error", "forward-error") and flaky.status == "import-error | forward-error"
    assert all(kf.judge(status, flaky, "4.9.0").ok for status in ("import-error", "forward-error", "pass"))
    assert kf.judge("shape-mismatch", flaky).kind == "fails-differently"


def test_unlisted_failure_fails_the_run():
    judgement = kf.judge("mismatch", None)
    assert not judgement.ok and judgement.kind == "unexpected-failure"


def test_unlisted_pass_is_green():
    assert kf.judge("pass", None).ok


@pytest.mark.parametrize("text, complaint", [
    ('[[known]]\ncase = "*"\npath = "*"\nstatus = "broken"\nreason = "r"\n', "not a failure status"),
    ('[[known]]\ncase = "*"\npath = "*"\nstatus = "pass"\nreason = "r"\n', "not a failure status"),
    ('[[known]]\ncase = "*"\npath = "*"\nstatus = "crash"\nreason = " "\n', "reason"),
    ('[[known]]\ncase = "*"\npath = "*"\nstatus = "crash"\n', "missing fields"),
    ('[[known]]\ncase = "*"\npath = "*"\nstatus = "crash"\nreason = "r"\nwhy = "x"\n', "unknown fields"),
    ('[[known]]\ncase = []\npath = "*"\nstatus = "crash"\nreason = "r"\n', "list of patterns"),
    ('[[known]]\ncase = "*"\npath = "*"\nstatus = "crash"\nreason = "r"\nflaky = "yes"\n', "true or false"),
    ('[[known]]\ncase = "*"\npath = "*"\nstatus = ["crash", "ok"]\nflaky = true\nreason = "r"\n', "not a failure"),
    ('[[known]]\ncase = "*"\npath = "*"\nstatus = []\nreason = "r"\n', "a list of them"),
])
def test_malformed_entries_are_refused(text, complaint):
    with pytest.raises(kf.KnownFailuresError, match=complaint):
        kf.parse(text)


def test_errors_name_the_line_of_the_entry_or_of_the_toml_syntax_error():
    good = '[[known]]\ncase = "*"\npath = "*"\nstatus = "crash"\nreason = "r"\n'
    with pytest.raises(kf.KnownFailuresError, match=r"^known\.toml:7 \(entry 2\): status 'crashed'"):
        kf.parse(good + "\n" + good.replace('"crash"', '"crashed"'), "known.toml")
    with pytest.raises(kf.KnownFailuresError, match=r"^known\.toml: not valid TOML: .*line 3"):
        kf.parse('[[known]]\ncase = "*"\npath = \n', "known.toml")


def test_the_committed_file_parses_and_every_entry_has_a_reason():
    entries = kf.load()
    assert entries
    assert all(len(entry.reason) > 20 for entry in entries)


def test_loading_keeps_the_parsed_entries_until_the_file_changes(tmp_path):
    file = tmp_path / "kf-load-test.toml"
    entry = '[[known]]\ncase = "a"\npath = "*"\nstatus = "crash"\nreason = "{}"\n'
    file.write_text(entry.format("first"))
    kept = Path(kf.__file__).with_name("__pycache__")
    try:
        assert [e.reason for e in kf.load(file)] == ["first"]
        assert len(list(kept.glob("kf-load-test.*.pickle"))) == 1
        assert [e.reason for e in kf.load(file)] == ["first"]  # read back from the kept entries
        file.write_text(entry.format("second"))
        assert [e.reason for e in kf.load(file)] == ["second"]
        assert len(list(kept.glob("kf-load-test.*.pickle"))) == 1  # the stale one is gone
    finally:
        for pickled in kept.glob("kf-load-test.*.pickle"):
            pickled.unlink()


def test_a_route_its_tf_side_does_not_offer_is_not_applicable_never_a_failure():
    judgement = kf.judge("n/a", None)
    assert judgement.ok and judgement.kind == "n/a"
    listed = kf.parse('[[known]]\ncase = "*"\npath = "tflite-*"\nstatus = "unsupported"\nreason = "r"\n')[0]
    assert kf.judge("n/a", listed).kind == "n/a"  # an entry for the TF sides that offer the route does not apply
    with pytest.raises(kf.KnownFailuresError, match="not a failure status"):
        kf.parse('[[known]]\ncase = "*"\npath = "x"\nstatus = "n/a"\nreason = "r"\n')


def test_an_entry_id_names_what_it_covers_not_its_wording():
    text = '[[known]]\ncase = "a"\npath = "tflite-int8"\nopencv = ">=4.8"\nstatus = "mismatch"\nreason = "{}"\n'
    first, reworded = kf.parse(text.format("one")), kf.parse(text.format("two"))
    widened = kf.parse(text.format("one").replace(">=4.8", ">=4.7"))
    assert first[0].id == reworded[0].id != widened[0].id and first[0].id.startswith("kf-")
    assert kf.by_id(first)[first[0].id] == first[0]


def test_a_flaky_entry_accepts_a_pass_only_where_one_was_measured():
    entry = kf.parse('[[known]]\ncase = "a"\npath = "tflite-*"\nstatus = ["mismatch", "forward-error"]\nflaky = true\n'
                  'passed = ["4.14"]\nreason = "uninitialised memory"\n')[0]
    assert kf.judge("pass", entry, "4.14.0").ok
    assert kf.judge("forward-error", entry, "4.12.0").ok
    news = kf.judge("pass", entry, "4.12.0")
    assert not news.ok and news.kind == "now-passes" and "4.14" in news.message


def test_passed_is_for_flaky_entries_only():
    with pytest.raises(kf.KnownFailuresError, match="passed is for flaky"):
        kf.parse('[[known]]\ncase = "a"\npath = "p"\nstatus = "mismatch"\npassed = ["4.14"]\nreason = "r"\n')
