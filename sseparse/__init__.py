"""sseparse: Server-Sent Events and LLM streams, sans-IO, for any chunking.

Bytes go in, events come out.  The layers are pure state machines: ``sse``
(bytes to events) is here now; see the README for the road map.
"""

from __future__ import annotations

from sseparse.errors import (
    BadContentEncoding,
    BadContentType,
    BadResponse,
    BadStatus,
    ContentFilterFinishReasonError,
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
    UsageError,
)
from sseparse.limits import Limits
from sseparse.llm.events import ChatStreamEvent
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

__version__ = "0.1.0"

__all__ = [
    "BadContentEncoding",
    "BadContentType",
    "BadResponse",
    "BadStatus",
    "ChatStreamEvent",
    "Comment",
    "ContentFilterFinishReasonError",
    "DecoderState",
    "IncompleteStream",
    "InvalidChunk",
    "JSONStreamError",
    "LengthFinishReasonError",
    "LimitExceeded",
    "Limits",
    "MalformedResponse",
    "ProtocolError",
    "SSEDecoder",
    "SSEEncoder",
    "ServerSentEvent",
    "SseparseError",
    "StreamError",
    "TruncatedBody",
    "UnexpectedEvent",
    "UsageError",
    "__version__",
    "aiter_events",
    "encode",
    "encode_retry",
    "iter_events",
]
