"""The fuzz tests' summary at the end of a run: per test, configurations run and what they gave."""
from conformance import fuzz


def pytest_terminal_summary(terminalreporter, config):
    found = fuzz.tallies(config)
    if not found:
        return
    terminalreporter.section("fuzz summary")
    for test, tally in found.items():
        verdicts = ", ".join(f"{status} {count}" for status, count in sorted(tally.statuses.items()))
        terminalreporter.write_line(f"{test}: {sum(tally.statuses.values())} verdicts ({verdicts or 'none'}); "
                                    f"{tally.refused} configurations refused by Keras")
