"""Hypothesis strategies for property-testing SSE and streaming-JSON consumers.

For anyone who writes an SSE or LLM-stream consumer, sseparse's or their own:
every strategy takes keyword-only options, checked when it is called (a bad
one raises ``hypothesis.errors.InvalidArgument`` naming it), and each LLM
stream carries the object a correct consumer must end with, built from the
drawn answer and never by accumulating the wire.

SSE: ``events``, ``comments``, ``event_streams`` (what a decoder hands out),
``sse_bytes`` (small hostile raw streams), ``hostile_streams`` (adversarial
bodies sized to a consumer's limits) and ``chunkings`` (every way a network
may cut bytes).  JSON: ``json_values``, ``json_texts`` (values serialized with
random ``json.dumps`` options), ``json_deltas`` / ``split_text`` (texts cut
into deltas, inside escapes too) and ``same_json`` (type-exact, NaN-aware
equality).  LLM streams: ``openai_chat_streams`` (Chat Completions chunks with
the ``chat.completion`` they imply, as a ``ChatStream``),
``anthropic_message_streams`` (Messages payloads with the ``message`` they
imply, as an ``AnthropicStream``) and ``openai_responses_streams`` (Responses
events with the ``response`` they imply, as a ``ResponsesStream``); each can
also draw cut streams and streams that end in the provider's error, with
``expected_error`` saying what a consumer must conclude.

This module imports ``hypothesis`` (a test dependency); the rest of sseparse
never does.  Installing sseparse also registers a hypothesis plugin, so that
``st.from_type(ServerSentEvent)`` and ``st.from_type(Comment)`` draw
``events()`` and ``comments()`` without importing this module.

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
from sseparse.testing._hostile import HOSTILE_KINDS, hostile_streams
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
    "HOSTILE_KINDS",
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
    "hostile_streams",
    "json_deltas",
    "json_texts",
    "json_values",
    "openai_chat_streams",
    "openai_responses_streams",
    "same_json",
    "split_text",
    "sse_bytes",
]
