"""Hypothesis strategies for property-testing SSE and streaming-JSON consumers.

SSE: ``events``, ``comments``, ``event_streams``, ``sse_bytes`` (hostile raw
streams) and ``chunkings`` (every way a network may cut bytes).  JSON:
``json_values``, ``json_texts`` (values serialized with random ``json.dumps``
options), ``json_deltas`` / ``split_text`` (texts cut into deltas, inside
escapes too) and ``same_json`` (type-exact, NaN-aware equality).  LLM streams:
``openai_chat_streams`` (Chat Completions chunks with the ``chat.completion``
they imply, as a ``ChatStream``) and ``anthropic_message_streams`` (Messages
payloads with the ``message`` they imply, as an ``AnthropicStream``) and
``openai_responses_streams`` (Responses events with the ``response`` they
imply, as a ``ResponsesStream``).

This module imports ``hypothesis`` (a test dependency); the rest of sseparse
never does.

Example:
    >>> from hypothesis import given, strategies as st
    >>> from sseparse import SSEDecoder, SSEEncoder
    >>> from sseparse.testing import chunkings, event_streams
    >>> @given(event_streams(), st.data())
    ... def test_round_trip(stream, data):
    ...     encoder = SSEEncoder()
    ...     body = b"".join(encoder.encode(item) for item in stream)
    ...     decoder = SSEDecoder(comments=True)
    ...     items = []
    ...     for chunk in data.draw(chunkings(body)):
    ...         items += decoder.feed(chunk)
    ...     assert items == stream
"""

from __future__ import annotations

from sseparse.testing._anthropic import (
    ANTHROPIC_BLOCK_TYPES,
    ANTHROPIC_STOP_REASONS,
    AnthropicBlock,
    AnthropicStream,
    anthropic_message_streams,
)
from sseparse.testing._json import (
    json_deltas,
    json_texts,
    json_values,
    same_json,
    split_text,
)
from sseparse.testing._openai_chat import ChatStream, openai_chat_streams
from sseparse.testing._responses import (
    RESPONSES_ITEM_TYPES,
    RESPONSES_TERMINALS,
    ResponsesItem,
    ResponsesPart,
    ResponsesStream,
    openai_responses_streams,
)
from sseparse.testing._sse import (
    chunkings,
    comments,
    event_streams,
    events,
    sse_bytes,
)

__all__ = [
    "ANTHROPIC_BLOCK_TYPES",
    "ANTHROPIC_STOP_REASONS",
    "RESPONSES_ITEM_TYPES",
    "RESPONSES_TERMINALS",
    "AnthropicBlock",
    "AnthropicStream",
    "ChatStream",
    "ResponsesItem",
    "ResponsesPart",
    "ResponsesStream",
    "anthropic_message_streams",
    "chunkings",
    "comments",
    "event_streams",
    "events",
    "json_deltas",
    "json_texts",
    "json_values",
    "openai_chat_streams",
    "openai_responses_streams",
    "same_json",
    "split_text",
    "sse_bytes",
]
