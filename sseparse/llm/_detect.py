"""Which LLM protocol a payload belongs to, from the payload alone.

Theory of operation.  One pure function, :func:`detect_protocol`, reads the
keys that only one protocol sends, in this order:

1. ``object == "chat.completion.chunk"``, or a ``choices`` list and no string
   ``type``: OpenAI Chat Completions (and the servers that copy it).
2. A ``type`` among Anthropic's message events (``message_start``,
   ``content_block_start`` / ``_delta`` / ``_stop``, ``message_delta``,
   ``message_stop``): Anthropic Messages.
3. A ``type`` that starts with ``response.``: OpenAI Responses.

Anything else is undecided (``None``): ``ping`` and ``error`` (both Anthropic
and Responses send a top-level ``error``), a proxy's own event, or a chat
error body (``{"error": {...}}``).  The chat ``[DONE]`` sentinel is decided by
the caller, who sees the raw data.  Each call looks at a few keys: O(1).
:func:`check_first_payload` is what an accumulator calls on its first payload
to say at once that it was fed another protocol's stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from sseparse.errors import WrongProtocol

if TYPE_CHECKING:
    from sseparse.llm._formats import Protocol

__all__ = ["PROTOCOL_NAMES", "check_first_payload", "detect_protocol"]

PROTOCOL_NAMES: Final[dict[Protocol, str]] = {
    "chat": "an OpenAI Chat Completions stream",
    "anthropic": "an Anthropic Messages stream",
    "responses": "an OpenAI Responses stream",
}

_ANTHROPIC: Final = frozenset(
    {
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    }
)


def detect_protocol(payload: Any) -> Protocol | None:
    """The protocol whose stream *payload* (one event's parsed JSON) is from.

    Args:
        payload: one event's data, parsed from JSON (anything is accepted).

    Returns:
        ``"chat"``, ``"anthropic"`` or ``"responses"``; ``None`` when the
        payload does not say (``ping``, ``error``, unknown types, non-dicts).

    >>> detect_protocol({"type": "message_start", "message": {}})
    'anthropic'
    >>> detect_protocol({"type": "response.created", "response": {}})
    'responses'
    >>> detect_protocol({"object": "chat.completion.chunk", "choices": []})
    'chat'
    >>> detect_protocol({"type": "ping"}) is None
    True
    """
    if type(payload) is not dict:
        return None
    if payload.get("object") == "chat.completion.chunk":
        return "chat"
    kind = payload.get("type")
    if type(kind) is str:
        if kind in _ANTHROPIC:
            return "anthropic"
        if kind.startswith("response."):
            return "responses"
        return None
    if type(payload.get("choices")) is list:
        return "chat"
    return None


def check_first_payload(expected: Protocol, payload: Any) -> None:
    """Raise :class:`WrongProtocol` if *payload* is surely another protocol's.

    Raises:
        WrongProtocol: the payload belongs to a protocol other than *expected*.
    """
    detected = detect_protocol(payload)
    if detected is None or detected == expected:
        return
    what = payload.get("type") or payload.get("object") or "a chunk with choices"
    raise WrongProtocol(
        f"expected {PROTOCOL_NAMES[expected]}, got {what!r} before its start, "
        f"which looks like {PROTOCOL_NAMES[detected]}: use that protocol's "
        "accumulator, or stream(..., protocol='auto')",
        expected=expected,
        detected=detected,
    )
