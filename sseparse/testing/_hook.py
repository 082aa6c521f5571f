"""The hypothesis plugin: ``st.from_type`` knows sseparse's SSE values.

``pyproject.toml`` registers :func:`_hypothesis_setup_hook` under the
``hypothesis`` entry-point group, so that hypothesis calls it when it is imported
(in any project where sseparse is installed).  It registers
:func:`~sseparse.testing.events` for :class:`~sseparse.ServerSentEvent` and
:func:`~sseparse.testing.comments` for :class:`~sseparse.Comment`, so
``st.from_type(ServerSentEvent)`` and ``@given(event=...)`` on an annotated test
work without importing :mod:`sseparse.testing`.

It runs on every ``import hypothesis``, so it stays cheap: it imports only
:mod:`sseparse.sse` (for the types), never the LLM layer, and builds no strategy
until a test asks for one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypothesis import strategies as st

    from sseparse.sse import Comment, ServerSentEvent

__all__ = ["_hypothesis_setup_hook"]


def _events(_: type[ServerSentEvent]) -> st.SearchStrategy[ServerSentEvent]:
    from sseparse.testing._sse import events

    return events()


def _comments(_: type[Comment]) -> st.SearchStrategy[Comment]:
    from sseparse.testing._sse import comments

    return comments()


def _hypothesis_setup_hook() -> None:
    """Register the SSE value strategies with ``st.from_type``."""
    from hypothesis import strategies as st

    from sseparse.sse import Comment, ServerSentEvent

    st.register_type_strategy(ServerSentEvent, _events)
    st.register_type_strategy(Comment, _comments)
