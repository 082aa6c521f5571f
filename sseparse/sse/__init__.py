"""Layer 1: Server-Sent Events, bytes to events and back (WHATWG HTML §9.2)."""

from __future__ import annotations

from sseparse.sse._decoder import DecoderState, SSEDecoder
from sseparse.sse._encoder import SSEEncoder, encode, encode_retry
from sseparse.sse._event import Comment, ServerSentEvent
from sseparse.sse._iter import aiter_events, iter_events

__all__ = [
    "Comment",
    "DecoderState",
    "SSEDecoder",
    "SSEEncoder",
    "ServerSentEvent",
    "aiter_events",
    "encode",
    "encode_retry",
    "iter_events",
]
