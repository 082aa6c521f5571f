"""LLM protocol accumulators: stream events in, typed events and final objects out.

Layer 4 of sseparse.  :func:`stream` / :func:`astream` do it in one call, from
an HTTP body of any of the three protocols (detected from its first payloads)
to events, live views (``text``, ``tool_calls``, ``usage``...) and ``final``.
Each accumulator consumes the :class:`~sseparse.ServerSentEvent`
items of one provider's stream (or the chunk dicts, already parsed), emits the
shared event vocabulary of :mod:`sseparse.llm.events`, and builds the provider's
non-streaming response object, as plain dicts, in its exact wire shape.

Each takes ``response_format=`` and ``tools=`` in any provider's form (or
classes), checked at construction and kept as a :class:`ParseOptions`
(``acc.options``).  Their events then carry the typed views: ``partial`` on
content and argument deltas, ``parsed`` / ``parsed_arguments`` on the done
events.  A tool call that names no tool given, arguments that do not fit their
tool and content that does not fit the format are :class:`ToolProblem` values,
on the event (``problem``) and in ``acc.problems``; with ``strict=True`` they
raise at their event instead.
"""

from __future__ import annotations

from sseparse.llm import events
from sseparse.llm._anthropic import AnthropicMessagesAccumulator
from sseparse.llm._detect import detect_protocol
from sseparse.llm._encode import (
    DeltaSize,
    encode_anthropic_message,
    encode_chat_completion,
    encode_response,
    encode_sse,
)
from sseparse.llm._formats import ParseOptions, ResponseFormat, ToolProblem, ToolSpec
from sseparse.llm._openai_chat import AccumulatorState, OpenAIChatAccumulator
from sseparse.llm._responses import OpenAIResponsesAccumulator
from sseparse.llm._stream import (
    MAX_UNDECIDED,
    AsyncLLMStream,
    LLMStream,
    ToolCall,
    astream,
    stream,
)
from sseparse.llm.events import (
    AnthropicStreamEvent,
    AnyStreamEvent,
    AudioDelta,
    AudioDone,
    ChatStreamEvent,
    ChoiceFinished,
    ChunkReceived,
    CitationAdded,
    ContentDelta,
    ContentDone,
    FinishReason,
    ImagePartial,
    LogprobsContentDelta,
    LogprobsContentDone,
    LogprobsRefusalDelta,
    LogprobsRefusalDone,
    MessageStarted,
    PartDone,
    PartStarted,
    ReasoningDelta,
    ReasoningDone,
    ReasoningRedacted,
    ReasoningSignature,
    RefusalDelta,
    RefusalDone,
    ResponsesStreamEvent,
    ResponseUpdated,
    SequenceGap,
    ServerToolCallStarted,
    ServerToolOutputDelta,
    ServerToolOutputDone,
    ServerToolResult,
    ServerToolStatus,
    StreamDone,
    StreamEvent,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
    ToolCallStarted,
    UnknownEvent,
    UsageUpdated,
    ValueCorrected,
)

__all__ = [
    "MAX_UNDECIDED",
    "AccumulatorState",
    "AnthropicMessagesAccumulator",
    "AnthropicStreamEvent",
    "AnyStreamEvent",
    "AsyncLLMStream",
    "AudioDelta",
    "AudioDone",
    "ChatStreamEvent",
    "ChoiceFinished",
    "ChunkReceived",
    "CitationAdded",
    "ContentDelta",
    "ContentDone",
    "DeltaSize",
    "FinishReason",
    "ImagePartial",
    "LLMStream",
    "LogprobsContentDelta",
    "LogprobsContentDone",
    "LogprobsRefusalDelta",
    "LogprobsRefusalDone",
    "MessageStarted",
    "OpenAIChatAccumulator",
    "OpenAIResponsesAccumulator",
    "ParseOptions",
    "PartDone",
    "PartStarted",
    "ReasoningDelta",
    "ReasoningDone",
    "ReasoningRedacted",
    "ReasoningSignature",
    "RefusalDelta",
    "RefusalDone",
    "ResponseFormat",
    "ResponseUpdated",
    "ResponsesStreamEvent",
    "SequenceGap",
    "ServerToolCallStarted",
    "ServerToolOutputDelta",
    "ServerToolOutputDone",
    "ServerToolResult",
    "ServerToolStatus",
    "StreamDone",
    "StreamEvent",
    "ToolCall",
    "ToolCallArgumentsDelta",
    "ToolCallArgumentsDone",
    "ToolCallStarted",
    "ToolProblem",
    "ToolSpec",
    "UnknownEvent",
    "UsageUpdated",
    "ValueCorrected",
    "astream",
    "detect_protocol",
    "encode_anthropic_message",
    "encode_chat_completion",
    "encode_response",
    "encode_sse",
    "events",
    "stream",
]
