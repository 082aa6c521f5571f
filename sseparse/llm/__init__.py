"""LLM protocol accumulators: stream events in, typed events and final objects out.

Layer 4 of sseparse.  Each accumulator consumes the :class:`~sseparse.ServerSentEvent`
items of one provider's stream (or the chunk dicts, already parsed), emits the
shared event vocabulary of :mod:`sseparse.llm.events`, and builds the provider's
non-streaming response object, as plain dicts, in its exact wire shape.
"""

from __future__ import annotations

from sseparse.llm import events
from sseparse.llm._openai_chat import AccumulatorState, OpenAIChatAccumulator
from sseparse.llm.events import (
    ChatStreamEvent,
    ChoiceFinished,
    ChunkReceived,
    ContentDelta,
    ContentDone,
    LogprobsContentDelta,
    LogprobsContentDone,
    LogprobsRefusalDelta,
    LogprobsRefusalDone,
    ReasoningDelta,
    ReasoningDone,
    RefusalDelta,
    RefusalDone,
    StreamDone,
    StreamEvent,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
    ToolCallStarted,
    UnknownEvent,
    UsageUpdated,
)

__all__ = [
    "AccumulatorState",
    "ChatStreamEvent",
    "ChoiceFinished",
    "ChunkReceived",
    "ContentDelta",
    "ContentDone",
    "LogprobsContentDelta",
    "LogprobsContentDone",
    "LogprobsRefusalDelta",
    "LogprobsRefusalDone",
    "OpenAIChatAccumulator",
    "ReasoningDelta",
    "ReasoningDone",
    "RefusalDelta",
    "RefusalDone",
    "StreamDone",
    "StreamEvent",
    "ToolCallArgumentsDelta",
    "ToolCallArgumentsDone",
    "ToolCallStarted",
    "UnknownEvent",
    "UsageUpdated",
    "events",
]
