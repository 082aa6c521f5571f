"""The hypothesis plugin: ``st.from_type(ServerSentEvent)`` without an import.

sseparse declares ``[project.entry-points.hypothesis]`` in ``pyproject.toml``;
hypothesis calls the hook when it is imported, in any process where sseparse is
installed.  Checked in a fresh interpreter, where nothing imported
``sseparse.testing`` first, and in this one.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

from hypothesis import given
from hypothesis import strategies as st

from sseparse import Comment, ServerSentEvent
from sseparse.testing._hook import _hypothesis_setup_hook
from tests.transport.servers import REPO_ROOT

HOOK = "sseparse.testing._hook:_hypothesis_setup_hook"

FRESH = """
import sys
from hypothesis import strategies as st
loaded = sorted(m for m in sys.modules if m.startswith("sseparse"))
assert "sseparse.llm" not in loaded, loaded
from sseparse import Comment, ServerSentEvent
event = st.from_type(ServerSentEvent).example()
comment = st.from_type(Comment).example()
assert type(event) is ServerSentEvent and type(comment) is Comment
print("ok", repr(event)[:30])
assert "sseparse.llm" not in sys.modules
"""


def test_pyproject_declares_the_hook() -> None:
    text = (REPO_ROOT / "pyproject.toml").read_text("utf-8")
    section = text.split("[project.entry-points.hypothesis]\n", 1)[1]
    assert section.split("\n", 1)[0] == f'sseparse = "{HOOK}"'


def test_the_installed_package_registers_it() -> None:
    """Needs ``pip install -e .`` after the entry point was added."""
    found = {entry.value for entry in entry_points(group="hypothesis")}
    assert HOOK in found


def test_from_type_works_in_a_fresh_interpreter_without_the_llm_layer() -> None:
    result = subprocess.run(
        [sys.executable, "-c", FRESH],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok ServerSentEvent(")


def test_the_hook_may_run_twice() -> None:
    _hypothesis_setup_hook()
    _hypothesis_setup_hook()


@given(st.from_type(ServerSentEvent), st.from_type(Comment))
def test_from_type_draws_sseparse_values(
    event: ServerSentEvent, comment: Comment
) -> None:
    """Values that a conforming decoder could produce (no CR anywhere)."""
    assert "\r" not in event.data
    assert "\r" not in comment.text
    assert "\n" not in comment.text
    assert event.event
