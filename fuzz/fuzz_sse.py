"""Fuzz target for the SSE decoder and encoder.

For any input bytes:

* fed whole, in a chunking derived from the input (empty chunks and one-byte runs
  included) and byte by byte, the decoder gives the same items, last event ID,
  retry and ``truncated`` flag, and with default limits raises nothing at all;
* the decoded events and comments, re-encoded with ``SSEEncoder`` (which must
  accept every one of them), decode to the same items, in any chunking;
* with small limits, only ``LimitExceeded`` escapes, after which the decoder is
  in ``ERROR`` and refuses further use with ``UsageError``.

Run with atheris (``python fuzz/fuzz_sse.py -atheris_runs=100000``) or under pytest
(``pytest fuzz/fuzz_sse.py``, a hypothesis test); see ``fuzz/README.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from _support import run_atheris, seeded_chunks
from hypothesis import given, settings
from hypothesis import strategies as st

from sseparse import (
    Comment,
    DecoderState,
    LimitExceeded,
    Limits,
    ServerSentEvent,
    SSEDecoder,
    SSEEncoder,
    UsageError,
)
from sseparse.testing import sse_bytes

if TYPE_CHECKING:
    from collections.abc import Callable

Item = ServerSentEvent | Comment


Outcome = tuple[list[Item], str, int | None, bool, str]


def _decode(chunks: list[bytes], *, comments: bool = True) -> Outcome:
    """Feed *chunks* and close, with default limits.

    Returns:
        The items, ``last_event_id``, ``retry``, ``truncated`` and ``""``; or, when
        a limit was passed, nothing but that limit's name (the items handed out
        before the error depend on the chunking).
    """
    decoder: Any = SSEDecoder(comments=True) if comments else SSEDecoder()
    items: list[Item] = []
    limit = ""
    try:
        for chunk in chunks:
            items += decoder.feed(chunk)
        items += decoder.close()
    except LimitExceeded as exc:
        limit = exc.limit
    if limit:
        # Of the default limits, only a retry value of more than 4300
        # significant digits is within reach of a fuzzer's input.
        assert limit == "max_retry_digits", limit
        return [], "", None, False, limit
    assert decoder.state is DecoderState.CLOSED
    return items, decoder.last_event_id, decoder.retry, decoder.truncated, ""


def _refuses(call: Callable[[], object]) -> bool:
    try:
        call()
    except UsageError:
        return True
    return False


def _check_small_limits(limits: Limits, chunks: list[bytes]) -> None:
    decoder = SSEDecoder(limits=limits, comments=True)
    error: LimitExceeded | None = None
    try:
        for chunk in chunks:
            decoder.feed(chunk)
        decoder.close()
    except LimitExceeded as exc:
        error = exc
    if error is None:
        assert decoder.state is DecoderState.CLOSED
        return
    assert decoder.state is DecoderState.ERROR
    assert error.observed > error.maximum == getattr(limits, error.limit)
    assert _refuses(lambda: decoder.feed(b"\n\n"))
    assert _refuses(decoder.close)
    assert decoder.state is DecoderState.ERROR


def fuzz_one_input(data: bytes) -> None:
    """Check the SSE invariants on one input; raise on any violation.

    Args:
        data: the fuzzer's input: the first byte picks small limits, the first
            eight seed the chunking; all of it is the stream.
    """
    chunks = seeded_chunks(data, data[:8])
    whole = _decode([data])
    assert _decode(chunks) == whole
    if len(data) <= 4096:
        assert _decode([data[i : i + 1] for i in range(len(data))]) == whole
    items = whole[0]
    events_only = [item for item in items if isinstance(item, ServerSentEvent)]
    assert _decode(chunks, comments=False)[0] == events_only

    # Round trip: everything the decoder produced can be re-encoded, and the
    # re-encoded stream decodes to the same items.
    encoder = SSEEncoder()
    body = b"".join(encoder.encode(item) for item in items)
    again = _decode([body])
    assert again[0] == items
    assert not again[3]
    assert _decode(seeded_chunks(body, data[-8:]))[0] == items

    # Small limits: only LimitExceeded, and it sticks.
    first = data[0] if data else 0
    limits = Limits(max_line_bytes=1 + first % 32, max_event_chars=1 + first // 8)
    _check_small_limits(limits, chunks)


# No deadline: these run under the default profile when fuzz/ runs alone.
@settings(deadline=None)
@given(st.binary())
def test_fuzz_sse(data: bytes) -> None:
    fuzz_one_input(data)


@settings(deadline=None)
@given(sse_bytes())
def test_fuzz_sse_streams(data: bytes) -> None:
    """The same target on event-stream-shaped input, which random bytes rarely are."""
    fuzz_one_input(data)


def main() -> None:
    """Run the target under atheris, with sseparse instrumented for coverage."""
    run_atheris(fuzz_one_input)


if __name__ == "__main__":
    main()
