"""Suite-wide settings: hypothesis profiles, no skips under CI, information reports.

Hypothesis profiles: ``dev`` (quick) and ``ci`` (thorough).  Choose one with the
environment variable ``HYPOTHESIS_PROFILE``; without it, ``ci`` is used when ``CI``
is set (as ``.ci/run`` does) and ``dev`` otherwise.

A skip under CI is a failure: the ``test`` extra installs every optional library
the suite uses, so a test that skips there is a test that silently stopped
running.  The hooks below turn every skip (in a test, a fixture or at collection)
into a failure that says why when ``CI`` is set.  Expected failures
(``xfail``, strict in ``pyproject.toml``) are not skips and stay as they are.

Information reports: a test can record a section of text with the ``info_report``
fixture (e.g. where a pinned third-party oracle still disagrees with us); the
sections are printed after the run's summary.  They never change the result.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from collections.abc import Callable, Generator

    from _pytest.terminal import TerminalReporter

# No deadline in either profile: bytewise feeding of a multi-kilobyte stream and
# the first draw of a text strategy take longer than hypothesis' default 200 ms on a
# loaded machine, and a flaky DeadlineExceeded tells nothing about the code.
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=300, deadline=None, print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
)


def under_ci() -> bool:
    """Whether this run is CI's (``CI`` set and not empty), where nothing may skip."""
    return bool(os.environ.get("CI"))


def _skip_as_failure(report: pytest.TestReport | pytest.CollectReport) -> None:
    """Turn a skipped *report* into a failed one that names the reason."""
    reason = report.longrepr
    if isinstance(reason, tuple) and len(reason) == 3:
        path, line, message = reason
        where = f" ({path}:{line})"
    else:
        message, where = str(reason), ""
    report.outcome = "failed"
    report.longrepr = (
        f"skipped under CI{where}: {message}\n"
        "A skip under CI is a failure (tests/conftest.py): CI installs the `test` "
        "extra, which has every optional library; make the test run, or fail it "
        "with what is missing."
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if under_ci() and report.skipped and not hasattr(report, "wasxfail"):
        _skip_as_failure(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    report = yield
    if under_ci() and report.skipped:
        _skip_as_failure(report)
    return report


_INFO = pytest.StashKey[list[tuple[str, str]]]()


@pytest.fixture
def info_report(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """A function ``(title, text)`` that adds a section to the end-of-run report."""
    sections = request.config.stash.setdefault(_INFO, [])

    def add(title: str, text: str) -> None:
        sections.append((title, text))

    return add


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    for title, text in terminalreporter.config.stash.get(_INFO, []):
        terminalreporter.write_sep("-", f"information: {title}")
        terminalreporter.write_line(text)
