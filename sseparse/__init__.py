"""sseparse: Server-Sent Events and LLM streams, sans-IO, for any chunking.

Bytes go in; events, partial values and finished objects come out.  Each layer
is a pure state machine (``feed()`` then ``close()``; no I/O, clocks or
threads) that gives the same result for any split of its input, in linear time
and bounded memory (see :class:`Limits`).

Start here:

* :class:`SSEDecoder`, :func:`iter_events`, :func:`aiter_events`: bytes to
  :class:`ServerSentEvent` values (WHATWG HTML 9.2); :func:`encode` goes back.
* ``sseparse.jsonstream``: ``JSONStreamParser`` turns JSON text deltas into the
  partial value after each delta and exactly ``json.loads`` at the end.
* ``sseparse.llm``: ``stream()`` / ``astream()``, one call from an HTTP body
  (or SSE events, or payload dicts) of any protocol to events, live views and
  the final object; ``OpenAIChatAccumulator``, ``AnthropicMessagesAccumulator``
  and ``OpenAIResponsesAccumulator`` turn a provider's events into typed
  stream events (``sseparse.llm.events``, one vocabulary for every protocol;
  ``AnyStreamEvent`` is their union, ``ChatStreamEvent``,
  ``AnthropicStreamEvent`` and ``ResponsesStreamEvent`` what each emits) and
  the final object, in the provider's wire shape.
* ``sseparse.transport``: a sans-IO HTTP/1.1 client on h11
  (``EventStreamConnection``), the EventSource reconnection rules as a machine
  (``Reconnector``), and small socket loops (``fetch_events``).
* ``sseparse.testing``: hypothesis strategies (streams, chunkings, JSON deltas,
  LLM streams with their final objects) for testing stream consumers.
* The command line, ``sseparse`` or ``python -m sseparse``: ``replay`` shows an
  LLM stream of any protocol live (text, reasoning, tool calls) and its final
  object, ``events`` prints its events as JSON lines, ``check`` lints a
  capture, ``record`` keeps arrival times, ``demo`` replays an embedded one.

Errors form one tree, defined in ``sseparse.errors`` and re-exported here:
``SseparseError`` is the root; ``UsageError`` is the caller's misuse (also a
``ValueError`` and a ``TypeError``); ``ProtocolError`` is the peer's fault, with
``LimitExceeded``, ``JSONStreamError`` (and ``IncompleteJSON``),
``BadResponse``, ``IncompleteStream``, ``StreamError`` and more beneath it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sseparse.errors import (
    BadContentEncoding,
    BadContentType,
    BadResponse,
    BadStatus,
    ContentFilterFinishReasonError,
    IncompleteJSON,
    IncompleteStream,
    InvalidChunk,
    JSONStreamError,
    LengthFinishReasonError,
    LimitExceeded,
    MalformedResponse,
    ProtocolError,
    SseparseError,
    StreamError,
    TruncatedBody,
    UnexpectedEvent,
    UnknownProtocol,
    UnknownTool,
    UsageError,
    ValidationError,
    WrongProtocol,
)
from sseparse.limits import Limits
from sseparse.sse import (
    Comment,
    DecoderState,
    ServerSentEvent,
    SSEDecoder,
    SSEEncoder,
    aiter_events,
    encode,
    encode_retry,
    iter_events,
)

if TYPE_CHECKING:
    from sseparse.llm.events import (
        AnthropicStreamEvent,
        AnyStreamEvent,
        ChatStreamEvent,
        ResponsesStreamEvent,
    )

__version__ = "0.1.0"


# Exported lazily, from sseparse.llm.events.
_LAZY = frozenset(
    {
        "AnthropicStreamEvent",
        "AnyStreamEvent",
        "ChatStreamEvent",
        "ResponsesStreamEvent",
    }
)


def __getattr__(name: str) -> Any:
    # The LLM layer (and the JSON parser under it) loads only when asked for, so
    # that ``import sseparse`` for SSE decoding alone stays cheap.
    if name in _LAZY:
        from sseparse.llm import events

        return getattr(events, name)
    raise AttributeError(f"module 'sseparse' has no attribute {name!r}")


def __dir__() -> list[str]:
    # List the lazy export too, as dir() of a module normally lists __all__.
    return sorted({*globals(), *__all__})


# Grouped by role, entry points first (the order Sphinx's "bysource" follows).
# help() sorts classes by name whatever this order, so the docstring leads it.
__all__ = [  # noqa: RUF022
    # bytes to events, and back
    "SSEDecoder",
    "iter_events",
    "aiter_events",
    "ServerSentEvent",
    "Comment",
    "DecoderState",
    "SSEEncoder",
    "encode",
    "encode_retry",
    # what sseparse.llm accumulators emit
    "AnyStreamEvent",
    "ChatStreamEvent",
    "AnthropicStreamEvent",
    "ResponsesStreamEvent",
    # bounds
    "Limits",
    # errors: the root, the caller's misuse, then the peer's faults
    "SseparseError",
    "UsageError",
    "ProtocolError",
    "LimitExceeded",
    "JSONStreamError",
    "IncompleteJSON",
    "InvalidChunk",
    "UnexpectedEvent",
    "WrongProtocol",
    "UnknownProtocol",
    "IncompleteStream",
    "StreamError",
    "LengthFinishReasonError",
    "ContentFilterFinishReasonError",
    "UnknownTool",
    "BadResponse",
    "BadStatus",
    "BadContentType",
    "BadContentEncoding",
    "MalformedResponse",
    "TruncatedBody",
    "ValidationError",
    "__version__",
]
