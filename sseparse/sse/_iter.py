"""The two convenience loops: any (async) iterable of bytes to events."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, overload

from sseparse.errors import UsageError
from sseparse.sse._decoder import SSEDecoder
from sseparse.sse._event import Comment, ServerSentEvent

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

    from sseparse.limits import Limits

__all__ = ["aiter_events", "iter_events"]

_T = TypeVar("_T", ServerSentEvent, "ServerSentEvent | Comment")


@overload
def iter_events(
    chunks: Iterable[bytes], *, limits: Limits | None = None, decoder: None = None
) -> Iterator[ServerSentEvent]: ...


@overload
def iter_events(
    chunks: Iterable[bytes], *, limits: None = None, decoder: SSEDecoder[_T]
) -> Iterator[_T]: ...


def iter_events(
    chunks: Iterable[bytes],
    *,
    limits: Limits | None = None,
    decoder: SSEDecoder[_T] | SSEDecoder[ServerSentEvent] | None = None,
) -> Iterator[_T] | Iterator[ServerSentEvent]:
    """Yield the events of a stream given as an iterable of byte chunks.

    The decoder is closed when the chunks run out.  Pass your own *decoder* to
    read ``last_event_id``, ``retry`` or ``truncated`` afterwards, or to get
    comments.

    Args:
        chunks: the stream's bytes, in any split (e.g. ``response.iter_bytes()``).
        limits: bounds for a new decoder (not with *decoder*).
        decoder: the decoder to use instead of a new one.

    Raises:
        LimitExceeded: from the decoder.
        UsageError: both *limits* and *decoder* were given, or *chunks* is not
            an iterable of chunks (a ``bytes`` or ``str`` object, say; checked
            at the call).
    """
    _check_chunks("iter_events", chunks, asynchronous=False)
    dec = _pick(limits, decoder)
    return _iterate(chunks, dec)


def _check_chunks(name: str, chunks: object, *, asynchronous: bool) -> None:
    """Refuse, at the call, a source that is not an (async) iterable of chunks.

    Iterating bytes gives ints and iterating a str gives characters: without this
    check the decoder would refuse the first item with a message about an int.
    """
    kind = "an async iterable" if asynchronous else "an iterable"
    what = f"{name}() takes {kind} of bytes chunks, got"
    got = type(chunks).__name__
    # Bytes already in memory need no async loop: both hints name iter_events.
    if isinstance(chunks, (bytes, bytearray, memoryview)):
        raise UsageError(f"{what} a {got} object; wrap it: iter_events([data])")
    if isinstance(chunks, str):
        raise UsageError(
            f"{what} a str object; encode and wrap it: iter_events([text.encode()])"
        )
    if asynchronous and not hasattr(chunks, "__aiter__"):
        hint = "; use iter_events() for it" if hasattr(chunks, "__iter__") else ""
        raise UsageError(f"{what} {got}{hint}")
    if not asynchronous and not hasattr(chunks, "__iter__"):
        hint = "; use aiter_events() for it" if hasattr(chunks, "__aiter__") else ""
        raise UsageError(f"{what} {got}{hint}")


def _pick(
    limits: Limits | None, decoder: SSEDecoder[_T] | SSEDecoder[ServerSentEvent] | None
) -> SSEDecoder[_T] | SSEDecoder[ServerSentEvent]:
    if decoder is None:
        return SSEDecoder(limits=limits)
    if limits is not None:
        raise UsageError("pass limits= or decoder=, not both")
    return decoder


def _iterate(
    chunks: Iterable[bytes], decoder: SSEDecoder[_T] | SSEDecoder[ServerSentEvent]
) -> Iterator[_T] | Iterator[ServerSentEvent]:
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.close()


@overload
def aiter_events(
    chunks: AsyncIterable[bytes], *, limits: Limits | None = None, decoder: None = None
) -> AsyncIterator[ServerSentEvent]: ...


@overload
def aiter_events(
    chunks: AsyncIterable[bytes], *, limits: None = None, decoder: SSEDecoder[_T]
) -> AsyncIterator[_T]: ...


def aiter_events(
    chunks: AsyncIterable[bytes],
    *,
    limits: Limits | None = None,
    decoder: SSEDecoder[_T] | SSEDecoder[ServerSentEvent] | None = None,
) -> AsyncIterator[_T] | AsyncIterator[ServerSentEvent]:
    """Async twin of :func:`iter_events` (e.g. over ``response.aiter_bytes()``).

    Raises:
        LimitExceeded: from the decoder.
        UsageError: both *limits* and *decoder* were given, or *chunks* is not
            an async iterable of chunks (checked at the call).
    """
    _check_chunks("aiter_events", chunks, asynchronous=True)
    dec = _pick(limits, decoder)
    return _aiterate(chunks, dec)


async def _aiterate(
    chunks: AsyncIterable[bytes], decoder: SSEDecoder[_T] | SSEDecoder[ServerSentEvent]
) -> AsyncIterator[_T | ServerSentEvent]:
    async for chunk in chunks:
        for item in decoder.feed(chunk):
            yield item
    for item in decoder.close():
        yield item
