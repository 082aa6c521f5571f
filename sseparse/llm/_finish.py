"""Finish reasons: each protocol's own value to one normalised set.

Every protocol says why a response ended in its own words (chat's
``finish_reason``, Anthropic's ``stop_reason``, the status and incomplete
reason of a Responses ``response``).  :class:`~sseparse.llm.events.ChoiceFinished`
carries that value as sent and, as ``reason``, one of the few normalised
:data:`~sseparse.llm.events.FinishReason` values, so a UI loop written once can
tell a cut answer from a finished one whatever the provider.  The tables are
plain dicts, one per protocol, that the docs quote; a value not in its table
is ``"other"`` (never an error: providers add reasons).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from sseparse.llm.events import FinishReason

__all__ = ["ANTHROPIC", "CHAT", "RESPONSES", "TABLES", "Protocol", "normalise"]

Protocol = Literal["chat", "anthropic", "responses"]

CHAT: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",  # the legacy single call
    "content_filter": "content_filter",
}
"""Chat Completions ``finish_reason``."""

ANTHROPIC: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "refusal",
    "pause_turn": "pause",
}
"""Anthropic Messages ``stop_reason``."""

RESPONSES: dict[str, FinishReason] = {
    "completed": "stop",
    "max_output_tokens": "length",
    "content_filter": "content_filter",
    "failed": "error",
}
"""Responses: the ``response``'s ``status``, or its incomplete reason."""

TABLES: dict[Protocol, dict[str, FinishReason]] = {
    "chat": CHAT,
    "anthropic": ANTHROPIC,
    "responses": RESPONSES,
}


def normalise(protocol: Protocol, raw: Any) -> FinishReason:
    """The normalised reason for a protocol's own finish value.

    Args:
        protocol: whose value *raw* is: ``"chat"``, ``"anthropic"`` or
            ``"responses"``.
        raw: the value as sent (usually a string; anything else is ``"other"``).

    Returns:
        The table's entry for *raw*, ``"other"`` when it has none.

    Raises:
        ValueError: *protocol* is not one of the three.
    """
    table = TABLES.get(protocol)
    if table is None:
        raise ValueError(
            f"expected a protocol among {sorted(TABLES)}, got {protocol!r}"
        )
    if type(raw) is str:
        return table.get(raw, "other")
    return "other"
