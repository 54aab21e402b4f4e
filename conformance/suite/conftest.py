"""The fuzz tests' storage and their summary at the end of a run: per test, configurations run and what they gave."""
from pathlib import Path

from conformance.suite import fuzz


def pytest_configure(config):
    """hypothesis's own files (a cache of the code's constants; the example database is off) go under the run's
    cache folder, not into the working tree."""
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(Path(str(config.rootpath)) / config.getoption("--cache-dir") / "hypothesis")


def pytest_terminal_summary(terminalreporter, config):
    found = fuzz.tallies(config)
    if not found:
        return
    terminalreporter.section("fuzz summary")
    for test, tally in found.items():
        verdicts = ", ".join(f"{status} {count}" for status, count in sorted(tally.statuses.items()))
        terminalreporter.write_line(f"{test}: {sum(tally.statuses.values())} verdicts ({verdicts or 'none'}); "
                                    f"{tally.refused} configurations refused by Keras")
