"""Property-based tests of the SSE layer.

1. Chunking independence: whole, bytewise and any chunked feeding agree.
2. Round trips: ``SSEEncoder`` and ``encode`` output decodes to the very values.
3. Robustness: arbitrary bytes raise nothing with default limits; with small limits
   only ``LimitExceeded`` escapes, and the decoder then refuses further use.
4. A reference model: a deliberately plain transcription of the WHATWG "event
   stream interpretation" algorithm, run on the whole input at once, which the
   decoder must match after every chunk.
5. Linear cost: 16 times the input costs about 16 times the work, never 256.
6. Import hygiene: ``import sseparse`` loads neither h11 nor hypothesis.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import Phase, assume, example, given, note, settings
from hypothesis import strategies as st

import sseparse
from sseparse import (
    Comment,
    DecoderState,
    LimitExceeded,
    Limits,
    ServerSentEvent,
    SSEDecoder,
    SSEEncoder,
    UsageError,
    aiter_events,
    encode,
    iter_events,
)
from sseparse.testing import chunkings, comments, event_streams, events, sse_bytes
from tests._work import assert_linear

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterable, Iterator

Item = ServerSentEvent | Comment

_BOM = b"\xef\xbb\xbf"


# -- feeding helpers ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Run:
    """Everything observable after feeding some chunks and closing."""

    items: list[Item]
    error: LimitExceeded | None
    last_event_id: str = ""
    retry: int | None = None
    truncated_before_close: bool = False
    truncated: bool = False
    state: DecoderState = DecoderState.ERROR

    def observable(self) -> tuple[object, ...]:
        return (
            self.items,
            self.last_event_id,
            self.retry,
            self.truncated_before_close,
            self.truncated,
            self.state,
        )


def new_decoder(*, comments: bool = True, limits: Limits | None = None) -> Any:
    if comments:
        return SSEDecoder(limits=limits, comments=True)
    return SSEDecoder(limits=limits)


def decode(
    chunks: Iterable[bytes], *, comments: bool = True, limits: Limits | None = None
) -> Run:
    decoder = new_decoder(comments=comments, limits=limits)
    items: list[Item] = []
    try:
        for chunk in chunks:
            items += decoder.feed(chunk)
        truncated_before_close = decoder.truncated
        items += decoder.close()
    except LimitExceeded as exc:
        assert decoder.state is DecoderState.ERROR
        return Run(items, exc)
    return Run(
        items,
        None,
        decoder.last_event_id,
        decoder.retry,
        truncated_before_close,
        decoder.truncated,
        decoder.state,
    )


def bytewise(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def only_events(items: Iterable[Item]) -> list[ServerSentEvent]:
    return [item for item in items if isinstance(item, ServerSentEvent)]


def is_prefix(short: list[Item], long: list[Item]) -> bool:
    return long[: len(short)] == short


def undecided_bom(fed: bytes) -> bool:
    """Whether *fed* could still be the start of a BOM (the spec is silent)."""
    return 0 < len(fed) <= len(_BOM) and _BOM.startswith(fed)


def streams_with_chunks(
    streams: st.SearchStrategy[bytes],
) -> st.SearchStrategy[tuple[bytes, list[bytes]]]:
    """A stream and one way to cut it."""
    return streams.flatmap(lambda stream: st.tuples(st.just(stream), chunkings(stream)))


def line_reads(stream: bytes) -> list[bytes]:
    """*stream* cut after every CR and LF, as a line-buffered proxy sends it."""
    return re.split(b"(?<=[\r\n])", stream)


# Streams for the spec points a decoder is most likely to get wrong, run before
# the generated ones (each cut after every line end; the tests also feed them
# whole and byte by byte).
SPEC_STREAMS: list[bytes] = [
    b"data: x\n\ndata: y",  # the unterminated final event is discarded
    b"data: x\nid: 9\n",  # so is a block without its blank line
    b"data\n\ndata:\n\ndata:x\n\ndata:  x\n\n",  # no colon, no space, two
    b"data: a\r\ndata: b\r\rdata: c\n\r\n",  # CRLF, CR, LF, mixed
    b"data: a\n\n\ndata: b\n\n",  # an extra blank line dispatches nothing
    b"data: \xe2\x80\xa8x\xc2\x85y\x0bz\x0c\x1c\n\n",  # not SSE line ends
    b"data: \xff\xfe\xed\xa0\x80\xc3\n\n",  # invalid UTF-8
    b"\xef\xbb\xbf\xef\xbb\xbfdata: x\n\n",  # only one BOM is stripped
    b"\xef\xbb\xbfdata: x\n\n\xef\xbb\xbfdata: y\n\n",  # only at the start
    b"\xef\xbbdata: x\n\n",  # a cut BOM is text
    b": comment\n:no space\n:\n:  two\n\n",  # comments
    b"event: \ndata: x\n\nevent\ndata: y\n\n",  # empty type -> "message"
    b"event: a\n\ndata: x\n\n",  # the type is reset at every blank line
    b"event: e\ndata: a\n\ndata: b\n\n",  # ... also after a dispatch
    b"retry: 5\n\ndata: x\n\n",  # an event's retry is its own block's
    b"retry: 5\ndata: x\n\ndata: y\n\n",
    b"id: 5\n\n",  # the last event ID is set at a blank line, without data
    b"id: 1\ndata: a\n\nid\ndata: b\n\nid: 2\n\n",  # bare id resets it
    b"id: 1\x00\ndata: a\n\nid: 2\x00x\n\n",  # an id with NUL is ignored
    b"id: 3\ndata: a\n",  # not set without the blank line
    b"retry: \xd9\xa3\nretry: 1_000\nretry: +5\nretry: 5 \nretry: -1\nretry:\n",
    b"retry: 0012\n",
    b"retry: " + b"9" * 4300 + b"\n\n",  # exact, past float and int64
    b"retry:" + b"0" * 5000 + b"7\n",  # long, but a small number
    b"DATA: x\n\nData: y\n\n data: z\n\ndata : w\n\n",  # unknown fields
    b"data: a\r",  # a final CR ends the line
    b"data: a\r\r",  # and a blank line
]


# Reads that start a block in one chunk and finish it in the next, where a
# decoder's fast path for whole one-line events must not forget the block's
# event type, id or retry.
SPEC_READS: list[list[bytes]] = [
    [b"event: e\n", b"data: a\n\ndata: b\n\n"],
    [b"id: 1\n", b"data: a\n\ndata: b\n\ndata: c\n\n"],
    [b"retry: 7\n", b"data: a\n\ndata: b\n\n"],
    [b"data: x\n", b"data: a\n\ndata: b\n\n"],
    [b"event: e\ndata: a\n\n", b"data: b\n\n"],
    [b"data: a\r", b"\ndata: b\n\n"],
]


def spec_examples(test: Callable[..., None]) -> Callable[..., None]:
    """Run *test* on each of ``SPEC_STREAMS`` and ``SPEC_READS`` first."""
    cases = [(stream, line_reads(stream)) for stream in SPEC_STREAMS]
    cases += [(b"".join(reads), reads) for reads in SPEC_READS]
    for case in reversed(cases):
        test = example(case=case)(test)
    return test


# -- the reference model ---------------------------------------------------------


@dataclasses.dataclass
class Reference:
    items: list[Item]
    last_event_id: str
    retry: int | None
    truncated: bool  # the input ends mid-line or inside an unfinished block
    violations: list[str]  # names of the Limits passed, in stream order
    items_before_violation: int


def parse_decimal(digits: str) -> int:
    """``int(digits)`` for any length (``int`` alone stops at 4300 digits)."""
    value = 0
    for start in range(0, len(digits), 1000):
        piece = digits[start : start + 1000]
        value = value * 10 ** len(piece) + int(piece)
    return value


def reference_decode(stream: bytes, limits: Limits | None = None) -> Reference:
    """WHATWG HTML §9.2.6 "event stream interpretation", on the whole input.

    Written to be obviously right, not fast.  The stream is decoded in one go,
    split into lines in one go, and the lines are processed in order exactly as
    the specification words it.
    """
    limits = Limits() if limits is None else limits
    max_retry_digits = limits.max_retry_digits

    # "Streams must be decoded using the UTF-8 decode algorithm": one leading
    # BOM is dropped, never a second one; invalid bytes become U+FFFD.
    if stream.startswith(_BOM):
        stream = stream[len(_BOM) :]
    text = stream.decode("utf-8", errors="replace")

    # Lines end with CRLF, a lone LF or a lone CR.  The last piece has no line
    # end: it is an unfinished line, which the end of the stream discards.
    *lines, unfinished = re.split("\r\n|\r|\n", text)
    # The same split on the bytes gives each line's size for max_line_bytes
    # (CR and LF never occur inside a multibyte sequence).
    raw_lines = re.split(b"\r\n|\r|\n", stream)
    assert len(raw_lines) == len(lines) + 1

    items: list[Item] = []
    violations: list[str] = []
    items_before_violation = 0

    def violate(limit: str) -> None:
        nonlocal items_before_violation
        if not violations:
            items_before_violation = len(items)
        violations.append(limit)

    data_buffer = ""
    event_type_buffer = ""
    last_event_id_buffer = ""
    last_event_id = ""  # the event source's "last event ID string"
    reconnection_time: int | None = None
    block_retry: int | None = None  # a valid retry seen since the last blank line
    # A field line since the last blank line: the ABNF's `event` is not finished.
    block_open = False

    for line, raw_line in zip(lines, raw_lines, strict=False):
        if len(raw_line) > limits.max_line_bytes:
            violate("max_line_bytes")

        # "If the line is empty (a blank line): Dispatch the event."
        if line == "":
            block_open = False
            # 1. Set the last event ID string of the event source to the value
            #    of the last event ID buffer.
            last_event_id = last_event_id_buffer
            # 2. If the data buffer is an empty string, set the data buffer and
            #    the event type buffer to the empty string and return.
            if data_buffer == "":
                event_type_buffer = ""
                block_retry = None
                continue
            # 3. If the data buffer's last character is a U+000A LINE FEED
            #    (LF) character, then remove the last character.
            if data_buffer.endswith("\n"):
                data_buffer = data_buffer[:-1]
            # 4.-5. The event's type is the event type buffer, or "message".
            items.append(
                ServerSentEvent(
                    event=event_type_buffer if event_type_buffer else "message",
                    data=data_buffer,
                    id=last_event_id,
                    retry=block_retry,
                )
            )
            # 6. Set the data buffer and the event type buffer to "".
            data_buffer = ""
            event_type_buffer = ""
            block_retry = None
            continue

        # "If the line starts with a U+003A COLON character (:)": a comment.
        # (Reported with comments=True; its text loses one leading space.)
        if line.startswith(":"):
            comment = line[1:]
            if comment.startswith(" "):
                comment = comment[1:]
            items.append(Comment(text=comment))
            continue

        # "If the line contains a U+003A COLON character": the field name is
        # before the first colon, the value after it, minus one leading space.
        # "Otherwise": the whole line is the field name, the value is "".
        if ":" in line:
            name, value = line.split(":", 1)
            if value.startswith(" "):
                value = value[1:]
        else:
            name, value = line, ""

        # "Process the field."
        block_open = True
        if name == "event":
            event_type_buffer = value
        elif name == "data":
            data_buffer = data_buffer + value + "\n"
            if len(data_buffer) > limits.max_event_chars:
                violate("max_event_chars")
        elif name == "id":
            if "\0" not in value:
                last_event_id_buffer = value
        # "If the field value consists of only ASCII digits"
        elif name == "retry" and value and all(c in "0123456789" for c in value):
            significant = value.lstrip("0") or "0"
            if len(significant) > max_retry_digits:
                violate("max_retry_digits")
            reconnection_time = block_retry = parse_decimal(value)
        # "Otherwise: The field is ignored."

    if len(raw_lines[-1]) > limits.max_line_bytes:
        violate("max_line_bytes")

    return Reference(
        items=items,
        last_event_id=last_event_id,
        retry=reconnection_time,
        truncated=unfinished != "" or block_open,
        violations=violations,
        items_before_violation=items_before_violation,
    )


def test_reference_model_on_known_streams() -> None:
    """The model itself, on hand-checked examples, so its own bugs show."""
    ref = reference_decode(
        _BOM + b"data: a\r\ndata:b\r\rid: 7\nevent\n: hi\ndata\n\n"
        b"retry: 12\nretry: x\ndata: c"
    )
    assert ref.items == [
        ServerSentEvent(data="a\nb"),
        Comment(text="hi"),
        ServerSentEvent(data="", id="7"),
    ]
    assert (ref.last_event_id, ref.retry, ref.truncated) == ("7", 12, True)
    ref = reference_decode(_BOM + _BOM + b"data\n\nid: 1\x00\nid\nevent: x\n\n")
    assert ref.items == []  # "\ufeffdata" is an unknown field; id 1\0 is ignored
    assert (ref.last_event_id, ref.truncated) == ("", False)
    assert reference_decode(b"data: a\n\nretry: 5\n").truncated is True
    assert reference_decode(b"data: a\n\n: bye\n").truncated is False
    assert reference_decode(b"retry:" + b"9" * 4300 + b"\n").retry == 10**4300 - 1
    ref = reference_decode(b"data:\xff\n\n", Limits(max_line_bytes=6))
    assert ref.items == [ServerSentEvent(data="\ufffd")]
    assert ref.violations == []
    ref = reference_decode(b"data: \n\n", Limits(max_line_bytes=5))
    assert ref.violations == ["max_line_bytes"]


# -- 1. chunking independence ------------------------------------------------------


@spec_examples
@given(case=streams_with_chunks(sse_bytes()))
def test_chunking_does_not_change_the_result(case: tuple[bytes, list[bytes]]) -> None:
    stream, chunks = case
    whole = decode([stream])
    for name, run in (
        ("chunked", decode(chunks)),
        ("bytewise", decode(bytewise(stream))),
    ):
        note(f"{name}: {run}")
        if whole.error is None:
            assert run.error is None, name
            assert run.observable() == whole.observable(), name
        else:
            assert run.error is not None, name
            assert is_prefix(run.items, whole.items) or is_prefix(
                whole.items, run.items
            ), name
    if whole.error is None:
        # comments=False gives the same events and state, without the comments
        without = decode(chunks, comments=False)
        assert without.items == only_events(whole.items)
        assert without.observable()[1:] == whole.observable()[1:]


# -- 2. round trips ----------------------------------------------------------------


@given(event_streams(), st.data())
def test_sse_encoder_round_trip(stream: list[Item], data: st.DataObject) -> None:
    encoder = SSEEncoder()
    body = b"".join(encoder.encode(item) for item in stream)
    chunks = data.draw(chunkings(body), label="chunks")
    run = decode(chunks)
    assert run.error is None
    assert run.items == stream
    assert not run.truncated
    sent = only_events(stream)
    assert run.last_event_id == (sent[-1].id if sent else "")
    retries = [event.retry for event in sent if event.retry is not None]
    assert run.retry == (retries[-1] if retries else None)
    assert decode(chunks, comments=False).items == sent


@given(st.one_of(events(), comments()))
def test_encode_decodes_alone_on_a_fresh_decoder(item: Item) -> None:
    body = encode(item)
    decoder = SSEDecoder(comments=True)
    assert decoder.feed(body) == [item]
    assert decoder.close() == []
    assert not decoder.truncated
    plain = SSEDecoder()
    assert plain.feed(body) == only_events([item])


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


_risky_text = st.text(
    st.one_of(st.characters(), st.sampled_from("\r\n\x00\ud800\udfff ")),
    max_size=8,
)


@given(
    event=st.one_of(st.just("message"), _risky_text),
    data=_risky_text,
    id_=_risky_text,
    retry=st.one_of(st.none(), st.integers(-3, 3)),
    normalize=st.booleans(),
)
def test_encode_refuses_exactly_what_cannot_round_trip(
    event: str, data: str, id_: str, retry: int | None, normalize: bool
) -> None:
    item = ServerSentEvent(event=event, data=data, id=id_, retry=retry)
    representable = (
        event != ""
        and not {"\r", "\n"} & set(event)
        and (normalize or "\r" not in data)
        and not {"\r", "\n", "\0"} & set(id_)
        and (retry is None or retry >= 0)
        and not any(map(_has_surrogate, (event, data, id_)))
    )
    if not representable:
        with pytest.raises(UsageError):
            encode(item, normalize_newlines=normalize)
        return
    body = encode(item, normalize_newlines=normalize)
    if normalize:
        data = data.replace("\r\n", "\n").replace("\r", "\n")
    expected = ServerSentEvent(event=event, data=data, id=id_, retry=retry)
    assert SSEDecoder().feed(body) == [expected]


@given(_risky_text)
def test_encode_comment_refuses_exactly_what_cannot_round_trip(text: str) -> None:
    item = Comment(text=text)
    if {"\r", "\n"} & set(text) or _has_surrogate(text):
        with pytest.raises(UsageError):
            encode(item)
        return
    assert SSEDecoder(comments=True).feed(encode(item)) == [item]


# -- 3. only documented exceptions -------------------------------------------------


@given(st.binary(max_size=4096), st.data())
def test_arbitrary_bytes_raise_nothing_with_default_limits(
    blob: bytes, data: st.DataObject
) -> None:
    chunks = data.draw(chunkings(blob), label="chunks")
    for with_comments in (False, True):
        decoder = new_decoder(comments=with_comments)
        for chunk in chunks:
            decoder.feed(chunk)
        decoder.close()
        assert decoder.state is DecoderState.CLOSED
        with pytest.raises(UsageError):
            decoder.feed(b"")
        with pytest.raises(UsageError):
            decoder.close()


_small_limits = st.builds(
    Limits,
    max_line_bytes=st.integers(1, 24),
    max_event_chars=st.integers(1, 24),
)


@given(st.one_of(st.binary(), sse_bytes()), _small_limits, st.data())
def test_only_limit_exceeded_escapes_and_it_sticks(
    blob: bytes, limits: Limits, data: st.DataObject
) -> None:
    chunks = data.draw(chunkings(blob), label="chunks")
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
    assert error.maximum == getattr(limits, error.limit)
    assert error.observed > error.maximum
    calls: list[Callable[[], object]] = [
        lambda: decoder.feed(b""),
        lambda: decoder.feed(b"data: x\n\n"),
        decoder.close,
    ]
    for call in calls:
        with pytest.raises(UsageError):
            call()
        assert decoder.state is DecoderState.ERROR


# -- 4. the reference model --------------------------------------------------------


def _assert_matches(run: Run, expected: Reference, name: str) -> None:
    if expected.violations:
        assert run.error is not None, name
        assert run.error.limit in expected.violations, name
        assert is_prefix(run.items, expected.items[: expected.items_before_violation])
        return
    assert run.error is None, name
    assert run.items == expected.items, name
    assert run.last_event_id == expected.last_event_id, name
    assert run.retry == expected.retry, name
    assert run.state is DecoderState.CLOSED, name


def _shown(value: object) -> str:
    """``repr``, which a retry int past the interpreter's str limit breaks."""
    try:
        return repr(value)
    except ValueError:
        return f"<unprintable: {type(value).__name__} with a huge int>"


@spec_examples
@given(case=streams_with_chunks(sse_bytes()))
def test_decoder_agrees_with_reference_model(case: tuple[bytes, list[bytes]]) -> None:
    stream, chunks = case
    expected = reference_decode(stream)
    note(f"expected: {_shown(expected)}")
    _assert_matches(decode([stream]), expected, "whole")
    _assert_matches(decode(bytewise(stream)), expected, "bytewise")
    _assert_matches(decode(chunks), expected, "chunked")
    assume(not expected.violations)

    # After every chunk the decoder has handed out exactly what the model gets
    # from the bytes so far: no event is held back once its blank line arrived
    # (a final CR included), none is emitted early.
    decoder = SSEDecoder(comments=True)
    items: list[Item] = []
    fed = b""
    initial = decoder.state
    assert initial is DecoderState.START
    for chunk in chunks if len(chunks) <= 200 else chunks[:200]:
        items += decoder.feed(chunk)
        fed += chunk
        prefix = reference_decode(fed)
        assert items == prefix.items, fed
        assert decoder.last_event_id == prefix.last_event_id, fed
        assert decoder.retry == prefix.retry, fed
        if fed == b"":
            assert decoder.state is DecoderState.START
        elif not undecided_bom(fed):
            assert decoder.state is DecoderState.OPEN


@spec_examples
@given(case=streams_with_chunks(sse_bytes()))
def test_truncated_agrees_with_reference_model(case: tuple[bytes, list[bytes]]) -> None:
    """``truncated``: the input ends mid-line or after an unclosed field line."""
    stream, chunks = case
    expected = reference_decode(stream)
    assume(not expected.violations)
    decoder = SSEDecoder()
    fed = b""
    for chunk in chunks if len(chunks) <= 200 else chunks[:200]:
        decoder.feed(chunk)
        fed += chunk
        if not undecided_bom(fed):
            assert decoder.truncated == reference_decode(fed).truncated, fed
    for chunk in chunks[200:]:
        decoder.feed(chunk)
    decoder.close()
    assert decoder.truncated == expected.truncated


@given(sse_bytes(), _small_limits, st.data())
def test_limits_agree_with_reference_model(
    stream: bytes, limits: Limits, data: st.DataObject
) -> None:
    # Whether a stream that is only a cut BOM is a line the spec does not say.
    assume(not undecided_bom(stream))
    expected = reference_decode(stream, limits)
    chunks = data.draw(chunkings(stream), label="chunks")
    _assert_matches(decode([stream], limits=limits), expected, "whole")
    _assert_matches(decode(chunks, limits=limits), expected, "chunked")


@given(
    value=st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"), max_size=30
    ),
    over=st.booleans(),
    end=st.sampled_from([b"", b"\n", b"\r", b"\r\n", b"\n\n"]),
    data=st.data(),
)
def test_limits_are_exact_at_the_boundary(
    value: str, over: bool, end: bytes, data: st.DataObject
) -> None:
    """A line or event of exactly the limit passes; one byte or char more raises,
    whether or not the line is finished, in any chunking."""
    line = b"data: " + value.encode()
    chunks = data.draw(chunkings(line + end), label="chunks")
    run = decode(chunks, limits=Limits(max_line_bytes=len(line) - over))
    assert (run.error is not None) == over
    chars = len(value) + 1  # the data buffer counts an LF per data line
    assume(chars - over >= 1)
    run = decode(chunks, limits=Limits(max_event_chars=chars - over))
    # an unfinished line is not processed, so its data is not in the buffer yet
    assert (run.error is not None) == (over and end != b"")


@given(case=streams_with_chunks(sse_bytes()))
def test_iter_events_and_aiter_events_agree_with_the_decoder(
    case: tuple[bytes, list[bytes]],
) -> None:
    chunks = case[1]
    run = decode(chunks, comments=False)
    assume(run.error is None)
    assert list(iter_events(chunks)) == run.items

    async def source() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    async def collect() -> list[ServerSentEvent]:
        return [event async for event in aiter_events(source())]

    assert asyncio.run(collect()) == run.items


# -- 5. linear cost ----------------------------------------------------------------


# Roomy enough for the 16 MiB line of the biggest case.
_MIB = 1024 * 1024
_BIG_LIMITS = Limits(max_line_bytes=64 * _MIB, max_event_chars=64 * _MIB)


def _decode(chunks: list[bytes]) -> Iterator[Callable[[], object]]:
    """One step per feed of *chunks* to a fresh decoder, then ``close()``."""
    decoder = SSEDecoder(limits=_BIG_LIMITS)
    for chunk in chunks:
        yield functools.partial(decoder.feed, chunk)
    yield decoder.close


def _chat_stream(size: int) -> bytes:
    """About *size* bytes: a quarter token events, a quarter one event of many
    short data lines, half one long data line (where quadratic buffering shows).
    """
    token = b'data: {"choices":[{"delta":{"content":"tok"}}]}\n\n'
    tokens = token * (size // (4 * len(token)))
    many_lines = b"data: line\n" * (size // (4 * 11)) + b"\n"
    long_line = b"data: " + b"x" * (size // 2) + b"\n\n"
    return tokens + many_lines + long_line


def _one_data_line(size: int) -> bytes:
    return b"data: " + b"x" * size + b"\n\n"


def _reads(data: bytes, size: int, kind: type[bytes] = bytes) -> list[bytes]:
    return [kind(data[i : i + size]) for i in range(0, len(data), size)]


def _crlf_stream(size: int) -> bytes:
    # CR LF ends: each read ending in CR takes the decoder's slow path.
    return _chat_stream(size).replace(b"\n", b"\r\n")


@pytest.mark.parametrize(
    ("make", "size", "read", "kind"),
    [
        pytest.param(_chat_stream, 2048, 1, bytes, id="1-byte-feeds"),
        pytest.param(_chat_stream, 160 * 1024, 4096, bytes, id="4KiB-reads"),
        pytest.param(_one_data_line, 256 * 1024, 1460, bytes, id="one-line-1460B"),
        # bytearray reads skip the hot path: every one goes through _frame
        pytest.param(_crlf_stream, 64 * 1024, 1460, bytearray, id="crlf-bytearray"),
    ],
)
def test_cost_is_linear(
    make: Callable[[int], bytes], size: int, read: int, kind: type[bytes]
) -> None:
    # Counted work, not time: the counts are the same on a busy machine (see
    # tests/_work.py).  Linear work gives about 16 per counter, quadratic 256.
    assert_linear(
        _decode, _reads(make(size), read, kind), _reads(make(16 * size), read, kind)
    )


# Each example decodes up to a megabyte, twice.  No shrinking: the three
# drawn values are read at a glance, and a quadratic decoder would make every
# shrinking step slow.
@settings(max_examples=6, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(
    read=st.integers(1, 4096),
    ending=st.sampled_from([b"\n", b"\r\n", b"\r"]),
    kind=st.sampled_from([bytes, bytearray]),
)
def test_cost_is_linear_for_any_reads(
    read: int, ending: bytes, kind: type[bytes]
) -> None:
    size = 512 * min(read, 64)  # at most 8 * 1024 reads in the big run
    small, big = (_chat_stream(n).replace(b"\n", ending) for n in (size, 16 * size))
    assert_linear(_decode, _reads(small, read, kind), _reads(big, read, kind))


# -- 6. import hygiene ---------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "must_load", "must_not_load"),
    [
        ("sseparse", set(), {"h11", "hypothesis", "pydantic"}),
        # the same check on the module that does load hypothesis: it can fail
        ("sseparse.testing", {"hypothesis"}, {"h11"}),
    ],
)
def test_import_loads_no_optional_dependency(
    module: str, must_load: set[str], must_not_load: set[str]
) -> None:
    code = (
        f"import sys, {module}\n"
        "print(' '.join(sorted({name.partition('.')[0] for name in sys.modules})))"
    )
    root = Path(sseparse.__file__).resolve().parent.parent
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(root), env.get("PYTHONPATH", "")) if p
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    loaded = set(result.stdout.split())
    assert not loaded & must_not_load
    assert must_load <= loaded
