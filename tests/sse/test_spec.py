"""Conformance of the SSE layer with WHATWG HTML "Interpreting an event stream".

Every table row is raw stream bytes -> the exact items the decoder must produce,
plus the decoder's ``last_event_id``, ``retry`` and ``truncated`` after
``close()``. Each row is checked fed whole, byte by byte (with and without empty
feeds between the bytes), in fixed chunkings and split in two at every offset;
all must agree with the expected value.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from sseparse import (
    Comment,
    DecoderState,
    LimitExceeded,
    Limits,
    ProtocolError,
    ServerSentEvent,
    SSEDecoder,
    SSEEncoder,
    SseparseError,
    UsageError,
    aiter_events,
    encode,
    encode_retry,
    iter_events,
)
from tests.helpers import FEED_WAYS, DecoderFactory, collect

if TYPE_CHECKING:
    from collections.abc import (
        AsyncGenerator,
        AsyncIterator,
        Callable,
        Iterator,
        Sequence,
    )

Item = ServerSentEvent | Comment
BOM = b"\xef\xbb\xbf"


def new_decoder(comments: bool) -> SSEDecoder[Any]:
    """An SSEDecoder with or without comments (the overloads want a literal)."""
    if comments:
        return SSEDecoder(comments=True)
    return SSEDecoder()


def ev(
    data: str, event: str = "message", id: str = "", retry: int | None = None
) -> Item:
    """A dispatched event; the defaults are those of a fresh decoder."""
    return ServerSentEvent(event=event, data=data, id=id, retry=retry)


def cm(text: str) -> Item:
    return Comment(text=text)


@dataclass(frozen=True)
class Case:
    """Stream bytes and everything the decoder must report after close()."""

    data: bytes
    items: list[Item]
    last_event_id: str = ""
    retry: int | None = None
    truncated: bool = False
    comments: bool = False
    # When set, the stream is also fed exactly in these chunks (``data`` is
    # then their concatenation).
    chunks: tuple[bytes, ...] | None = field(default=None)


def row(
    row_id: str,
    data: bytes | Sequence[bytes],
    items: list[Item],
    **kw: Any,
) -> Any:
    if isinstance(data, bytes):
        case = Case(data, items, **kw)
    else:
        chunks = tuple(data)
        case = Case(b"".join(chunks), items, chunks=chunks, **kw)
    return pytest.param(case, id=row_id)


def _replace(value: bytes) -> str:
    """What the spec's UTF-8 decode (Python's errors="replace") gives."""
    text = value.decode("utf-8", "replace")
    assert "\ufffd" in text  # the row really exercises invalid UTF-8
    return text


# --------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------

BOM_ROWS = [
    row("bom/one-stripped", BOM + b"data: x\n\n", [ev("x")]),
    row("bom/only-bom", BOM, []),
    row("bom/then-blank-line", BOM + b"\n", []),
    row("bom/then-comment", BOM + b": hi\n", [cm("hi")], comments=True),
    row("bom/then-id-block", BOM + b"id: 1\n\n", [], last_event_id="1"),
    row(
        "bom/second-not-stripped",
        BOM + BOM + b"data: 1\n\ndata: 2\n\n",
        [ev("2")],
    ),
    row("bom/second-field-no-colon", BOM + BOM + b"data\n\n", []),
    row(
        "bom/second-makes-comment-a-field",
        BOM + BOM + b": c\n: d\n",
        [cm("d")],
        comments=True,
        truncated=True,  # "\ufeff: c" is a field line no blank line closed
    ),
    row(
        "bom/mid-stream-not-stripped",
        b"data: 1\n\n" + BOM + b"data: 2\n\ndata: 3\n\n",
        [ev("1"), ev("3")],
    ),
    row("bom/after-first-line-not-stripped", b"\n" + BOM + b"data: 2\n\n", []),
    row("bom/inside-value-kept", b"data: " + BOM + b"x\n\n", [ev("\ufeffx")]),
    row("bom/partial-two-bytes-not-stripped", b"\xef\xbbdata: x\n\n", []),
    row("bom/partial-one-byte-not-stripped", b"\xefdata: x\n\n", []),
    row("bom/lone-partial-at-eof", b"\xef", [], truncated=True),
    row("bom/split-1-2", [b"\xef", b"\xbb\xbfdata: x\n\n"], [ev("x")]),
    row("bom/split-2-1", [b"\xef\xbb", b"\xbfdata: x\n\n"], [ev("x")]),
    row("bom/after-empty-feeds", [b"", b"", BOM + b"data: x\n\n"], [ev("x")]),
    row(
        "bom/split-with-empty-feeds",
        [b"", b"\xef", b"", b"\xbb", b"", b"\xbf", b"", b"data: x\n\n"],
        [ev("x")],
    ),
    row("bom/alone-then-rest", [BOM, b"", b"data: x\n\n"], [ev("x")]),
    row("bom/second-in-next-feed", [BOM, BOM + b"data: x\n\n"], []),
    row(
        "bom/second-split-in-next-feeds",
        [BOM, b"\xef", b"\xbb\xbfdata: x\n\ndata: y\n\n"],
        [ev("y")],
    ),
]

INVALID_UTF8_VALUES = [
    ("truncated-3-byte-before-lf", b"a\xe2\x82"),
    ("truncated-4-byte-before-lf", b"\xf0\x9f\x98"),
    ("truncated-then-ascii", b"a\xe2\x82b"),
    ("truncated-then-valid", b"\xe2\x82\xe2\x82\xac"),
    ("overlong-2", b"\xc0\xaf"),
    ("overlong-3", b"\xe0\x80\xaf"),
    ("lone-continuations", b"\x80\xbf"),
    ("encoded-surrogate", b"\xed\xa0\x80"),
    ("above-u10ffff", b"\xf4\x90\x80\x80"),
    ("ff-fe", b"\xff\xfe"),
]

UTF8_ROWS = [
    *(
        row(f"utf8/data-{name}", b"data: " + raw + b"\n\n", [ev(_replace(raw))])
        for name, raw in INVALID_UTF8_VALUES
    ),
    row(
        "utf8/truncated-before-cr",
        b"data: \xe2\x82\rdata: x\r\r",
        [ev(_replace(b"\xe2\x82") + "\nx")],
    ),
    row(
        "utf8/truncated-before-crlf",
        b"data: \xf0\x9f\r\n\r\n",
        [ev(_replace(b"\xf0\x9f"))],
    ),
    row("utf8/invalid-in-field-name", b"da\xffta: x\n\n", []),
    row("utf8/invalid-after-field-name", b"data\xff: x\n\ndata: y\n\n", [ev("y")]),
    row(
        "utf8/invalid-in-id",
        b"id: \xff\ndata: x\n\n",
        [ev("x", id="\ufffd")],
        last_event_id="\ufffd",
    ),
    row("utf8/invalid-in-event", b"event: \xc3\ndata: x\n\n", [ev("x", "\ufffd")]),
    row("utf8/invalid-in-comment", b":\xff\n", [cm("\ufffd")], comments=True),
    row(
        "utf8/non-ascii-everywhere",
        b"event: caf\xc3\xa9\ndata: \xe2\x9c\x94 \xf0\x9f\x98\x80\n"
        b"id: \xe6\x97\xa5\n\n",
        [ev("\u2714 \U0001f600", "caf\u00e9", "\u65e5")],
        last_event_id="\u65e5",
    ),
    row(
        "utf8/unicode-separators-are-not-line-ends",
        b"data: a\xe2\x80\xa8b\xe2\x80\xa9c\xc2\x85d\x0be\x0cf\x1cg\n\n",
        [ev("a\u2028b\u2029c\x85d\x0be\x0cf\x1cg")],
    ),
]

LINE_END_ROWS = [
    row("eol/lf", b"data: a\ndata: b\n\n", [ev("a\nb")]),
    row("eol/cr", b"data: a\rdata: b\r\r", [ev("a\nb")]),
    row("eol/crlf", b"data: a\r\ndata: b\r\n\r\n", [ev("a\nb")]),
    row("eol/mixed", b"data: a\rdata: b\ndata: c\r\n\r\n", [ev("a\nb\nc")]),
    row(
        "eol/mixed-blank-lines",
        b"data: a\r\n\rdata: b\n\r\ndata: c\r\r",
        [ev("a"), ev("b"), ev("c")],
    ),
    row("eol/lf-cr-is-two-line-ends", b"data: a\n\r", [ev("a")]),
    row("eol/cr-crlf", b"data: a\r\r\ndata: b\n\n", [ev("a"), ev("b")]),
    row("eol/crlf-counted-once", b"data: a\r\ndata: b\r\n\r\n", [ev("a\nb")]),
    row("eol/only-blank-lines", b"\n\n\r\n\r\r\n", []),
    row("eol/leading-blank-lines", b"\r\n\n\rdata: x\n\n\n\n", [ev("x")]),
    row("eol/cr-at-eof-ends-line", b"data: x\r", [], truncated=True),
    row("eol/cr-at-eof-retry-applied", b"retry: 5\r", [], retry=5, truncated=True),
    row("eol/crcr-at-eof-id-applied", b"id: 5\r\r", [], last_event_id="5"),
    row(
        "eol/cr-lf-split-across-feeds",
        [b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"],
        [ev("a\nb")],
    ),
    row(
        "eol/cr-lf-split-with-empty-feeds",
        [b"data: a\r", b"", b"", b"\ndata: b\r", b"", b"\n", b"\r", b"", b"\n"],
        [ev("a\nb")],
    ),
    row(
        "eol/crlf-split-in-multi-feed-event",
        [b"data: A\r\n", b"data: B\r", b"\n", b"data: C\r\n", b"\n"],
        [ev("A\nB\nC")],
    ),
    row("eol/cr-cr-lf-split", [b"data: one\r", b"\r", b"\n"], [ev("one")]),
    row("eol/cr-then-non-lf-feed", [b"data: a\r", b"data: b\r", b"\r"], [ev("a\nb")]),
    row(
        "eol/comment-crlf-split",
        [b"data: one\n:", b"ignored\r", b"\ndata: two\n\n"],
        [ev("one\ntwo")],
    ),
    row(
        "eol/comment-cr-then-line",
        [b"data: one\n:ignored\r", b"data: two\n\n"],
        [ev("one\ntwo")],
    ),
    row(
        "eol/bare-data-cr-split",
        [b"data: one\ndata\r", b"\ndata: two\n\n"],
        [ev("one\n\ntwo")],
    ),
    row(
        "eol/crlf-comment-is-one-line",
        b"data: 1\n:\r\ndata: 2\n\n",
        [ev("1\n2")],
    ),
]

COMMENT_ROWS = [
    row("comment/ignored", b": hello\ndata: x\n\n", [ev("x")]),
    row("comment/item", b": hello\ndata: x\n\n", [cm("hello"), ev("x")], comments=True),
    row("comment/empty", b":\n", [cm("")], comments=True),
    row("comment/no-space", b":x\n", [cm("x")], comments=True),
    row("comment/one-space-removed", b":  two\n", [cm(" two")], comments=True),
    row("comment/tab-kept", b":\tx\n", [cm("\tx")], comments=True),
    row("comment/colons-kept", b": a: b\n", [cm("a: b")], comments=True),
    row("comment/nul-kept", b":\x00\n", [cm("\x00")], comments=True),
    row("comment/non-ascii", b": \xc3\xa9\n", [cm("\u00e9")], comments=True),
    row("comment/trailing-space-kept", b": x \n", [cm("x ")], comments=True),
    row(
        "comment/stream-order",
        b"data: a\n: c1\n\n: c2\ndata: b\n: c3\n\n",
        [cm("c1"), ev("a"), cm("c2"), cm("c3"), ev("b")],
        comments=True,
    ),
    row(
        "comment/stream-order-off",
        b"data: a\n: c1\n\n: c2\ndata: b\n: c3\n\n",
        [ev("a"), ev("b")],
    ),
    row("comment/does-not-split-block", b"data: a\n:\ndata: b\n\n", [ev("a\nb")]),
    row("comment/only-block", b": c\n\n", [cm("c")], comments=True),
    row(
        "comment/crlf", b": a\r\n: b\r: c\n", [cm("a"), cm("b"), cm("c")], comments=True
    ),
    row("comment/partial-at-eof", b"data: a\n\n: partial", [ev("a")], truncated=True),
    row(
        "comment/partial-at-eof-not-emitted",
        b"data: a\n\n: partial",
        [ev("a")],
        truncated=True,
        comments=True,
    ),
    row("comment/complete-at-eof", b": done\n", [], truncated=False),
]

FIELD_ROWS = [
    row("field/data-no-colon", b"data\n\n", [ev("")]),
    row("field/two-data-no-colon", b"data\ndata\n\n", [ev("\n")]),
    row("field/event-no-colon", b"event\ndata: x\n\n", [ev("x")]),
    row("field/event-no-colon-overrides", b"event: a\nevent\ndata: x\n\n", [ev("x")]),
    row("field/event-empty", b"event:\ndata: x\n\n", [ev("x")]),
    row("field/event-space-only", b"event: \ndata: x\n\n", [ev("x")]),
    row("field/retry-no-colon", b"retry\ndata: x\n\n", [ev("x")]),
    row("field/unknown-no-colon", b"foo\ndata: x\n\n", [ev("x")]),
    row("field/one-space-removed", b"data:  x\n\n", [ev(" x")]),
    row("field/no-space", b"data:x\n\n", [ev("x")]),
    row("field/space-only", b"data: \n\n", [ev("")]),
    row("field/spaces-only", b"data:   \n\n", [ev("  ")]),
    row("field/tab-kept", b"data:\tx\n\n", [ev("\tx")]),
    row("field/trailing-space-kept", b"data: x \n\n", [ev("x ")]),
    row("field/colons-in-value", b"data: a:b: c\n\n", [ev("a:b: c")]),
    row("field/colon-value", b"data::\n\n", [ev(":")]),
    row("field/event-leading-space", b"event:  e\ndata: x\n\n", [ev("x", " e")]),
    row(
        "field/id-leading-space",
        b"id:  1\ndata: x\n\n",
        [ev("x", id=" 1")],
        last_event_id=" 1",
    ),
    row(
        "field/unknown-names",
        b"Data: a\nDATA: b\ndata : c\n data: d\nfoo: e\nd\xc3\xa0ta: f\n"
        b"data\x00: g\ndata-x: h\ndata_x: i\ndatax: j\nxdata: k\n\n",
        [],
    ),
    row("field/unknown-between-data", b"data: 1\nfoo: bar\ndata: 2\n\n", [ev("1\n2")]),
    row(
        "field/other-cases-ignored",
        b"ID: 5\nEvent: x\nRetry: 5\ndata: y\n\n",
        [ev("y")],
    ),
]

ID_ROWS = [
    row(
        "id/persists",
        b"id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\ndata: d\n\n",
        [ev("a", id="1"), ev("b", id="1"), ev("c", id="2"), ev("d", id="2")],
        last_event_id="2",
    ),
    row("id/after-data", b"data: a\nid: 5\n\n", [ev("a", id="5")], last_event_id="5"),
    row(
        "id/last-wins",
        b"id: 1\nid: 2\ndata: a\n\n",
        [ev("a", id="2")],
        last_event_id="2",
    ),
    row(
        "id/nul-ignored-keeps-previous",
        b"id: 1\n\nid: a\x00b\ndata: x\n\n",
        [ev("x", id="1")],
        last_event_id="1",
    ),
    row("id/nul-only", b"id: \x00\ndata: x\n\n", [ev("x")]),
    row(
        "id/nul-after-valid-in-block",
        b"id: 1\nid: \x00\ndata: x\n\n",
        [ev("x", id="1")],
        last_event_id="1",
    ),
    row(
        "id/valid-after-nul-in-block",
        b"id: \x00\nid: 2\ndata: x\n\n",
        [ev("x", id="2")],
        last_event_id="2",
    ),
    row(
        "id/empty-resets",
        b"id: 1\ndata: a\n\nid:\ndata: b\n\n",
        [ev("a", id="1"), ev("b")],
    ),
    row(
        "id/space-resets",
        b"id: 1\ndata: a\n\nid: \ndata: b\n\n",
        [ev("a", id="1"), ev("b")],
    ),
    row(
        "id/bare-resets",
        b"id: 1\ndata: a\n\nid\ndata: b\n\n",
        [ev("a", id="1"), ev("b")],
    ),
    row("id/only-block-updates", b"id: 7\n\n", [], last_event_id="7"),
    row(
        "id/only-block-then-event",
        b"id: 7\n\ndata: x\n\n",
        [ev("x", id="7")],
        last_event_id="7",
    ),
    row("id/with-event-no-data", b"id: 7\nevent: e\n\n", [], last_event_id="7"),
    row(
        "id/only-block-resets",
        b"id: 7\ndata: a\n\nid\n\ndata: b\n\n",
        [ev("a", id="7"), ev("b")],
    ),
    row(
        "id/cut-final-block-not-applied",
        b"data: a\n\nid: 9\ndata: b\n",
        [ev("a")],
        truncated=True,
    ),
    row("id/cut-final-id-only-block", b"id: 9\n", [], truncated=True),
    row("id/cut-final-partial-line", b"id: 9", [], truncated=True),
    row(
        "id/cut-final-keeps-previous",
        b"id: 1\n\nid: 2\n",
        [],
        last_event_id="1",
        truncated=True,
    ),
    row(
        "id/non-ascii",
        b"id: \xe6\x97\xa5\xe6\x9c\xac\ndata: x\n\n",
        [ev("x", id="\u65e5\u672c")],
        last_event_id="\u65e5\u672c",
    ),
    row(
        "id/colons-and-spaces",
        b"id: a:b c \ndata: x\n\n",
        [ev("x", id="a:b c ")],
        last_event_id="a:b c ",
    ),
]

INVALID_RETRY_VALUES = [
    ("letter-suffix", b"1a"),
    ("negative", b"-1"),
    ("decimal", b"1.5"),
    ("empty", b""),
    ("leading-space", b" 5"),
    ("trailing-space", b"5 "),
    ("plus", b"+5"),
    ("hex", b"0x10"),
    ("underscore", b"1_000"),
    ("exponent", b"1e3"),
    ("tab", b"\t5"),
    ("nul", b"5\x00"),
    ("arabic-indic-digit", "\u0663".encode()),
    ("fullwidth-digit", "\uff15".encode()),
    ("superscript-digit", "\u00b2".encode()),
]

RETRY_ROWS = [
    row("retry/basic", b"retry: 10\n\n", [], retry=10),
    row("retry/zero", b"retry: 0\n\n", [], retry=0),
    row("retry/leading-zeros", b"retry: 007\n\n", [], retry=7),
    row("retry/no-space", b"retry:15\n\n", [], retry=15),
    row("retry/big-exact", b"retry: 1" + b"0" * 40 + b"\n\n", [], retry=10**40),
    row("retry/huge-exact", b"retry: " + b"9" * 120 + b"\n\n", [], retry=10**120 - 1),
    *(
        row(
            f"retry/invalid-{name}-keeps-previous",
            b"retry: 5\nretry:" + b" " + v + b"\n\n",
            [],
            retry=5,
        )
        for name, v in INVALID_RETRY_VALUES
    ),
    *(
        row(f"retry/invalid-{name}", b"retry: " + v + b"\ndata: x\n\n", [ev("x")])
        for name, v in INVALID_RETRY_VALUES
    ),
    row(
        "retry/many-leading-zeros",
        b"retry: " + b"0" * 5000 + b"5\n\n",
        [],
        retry=5,
    ),
    row(
        "retry/4300-digits-exact",
        b"retry: " + b"9" * 4300 + b"\n\n",
        [],
        retry=10**4300 - 1,
    ),
    row("retry/two-spaces", b"retry:  5\n\n", []),
    row("retry/leading-space-in-name", b" retry: 5\n\n", []),
    row("retry/bare", b"retry\n\n", []),
    row("retry/undispatched-block", b"retry: 5\nevent: x\n\n", [], retry=5),
    row(
        "retry/cut-final-block-still-applied",
        b"data: a\n\nretry: 5\ndata: b\n",
        [ev("a")],
        retry=5,
        truncated=True,
    ),
    row("retry/partial-line-not-applied", b"retry: 5", [], truncated=True),
    row(
        "retry/event-not-from-earlier-block",
        b"retry: 5\n\ndata: a\n\n",
        [ev("a")],
        retry=5,
    ),
    row(
        "retry/event-own-block-only",
        b"retry: 5\ndata: a\n\ndata: b\n\n",
        [ev("a", retry=5), ev("b")],
        retry=5,
    ),
    row("retry/after-data", b"data: a\nretry: 5\n\n", [ev("a", retry=5)], retry=5),
    row(
        "retry/last-wins",
        b"retry: 5\nretry: 6\ndata: a\n\n",
        [ev("a", retry=6)],
        retry=6,
    ),
    row(
        "retry/invalid-does-not-clear-own",
        b"retry: 5\nretry: x\ndata: a\n\n",
        [ev("a", retry=5)],
        retry=5,
    ),
    row(
        "retry/invalid-in-own-block-is-none",
        b"retry: 5\n\nretry: x\ndata: a\n\n",
        [ev("a")],
        retry=5,
    ),
    row(
        "retry/undispatched-block-not-carried",
        b"retry: 5\nevent: e\n\ndata: a\n\n",
        [ev("a")],
        retry=5,
    ),
    row(
        "retry/big-on-event",
        b"retry: 1" + b"0" * 40 + b"\ndata: a\n\n",
        [ev("a", retry=10**40)],
        retry=10**40,
    ),
]

DISPATCH_ROWS = [
    row("dispatch/empty-stream", b"", []),
    row("dispatch/basic", b"data: x\n\n", [ev("x")]),
    row("dispatch/two", b"data: 1\n\ndata: 2\n\n", [ev("1"), ev("2")]),
    row(
        "dispatch/none-without-data",
        b"event: x\nid: 1\nretry: 5\n\n",
        [],
        last_event_id="1",
        retry=5,
    ),
    row("dispatch/event-reset-without-dispatch", b"event: x\n\ndata: y\n\n", [ev("y")]),
    row(
        "dispatch/event-reset-after-dispatch",
        b"event: a\ndata: 1\n\ndata: 2\n\n",
        [ev("1", "a"), ev("2")],
    ),
    row("dispatch/event-last-wins", b"event: a\nevent: b\ndata: x\n\n", [ev("x", "b")]),
    row("dispatch/event-after-data", b"data: x\nevent: a\n\n", [ev("x", "a")]),
    row("dispatch/event-is-message", b"event: message\ndata: x\n\n", [ev("x")]),
    row("dispatch/data-empty-value", b"data:\n\n", [ev("")]),
    row("dispatch/final-lf-removed-once", b"data: a\ndata:\n\n", [ev("a\n")]),
    row("dispatch/two-empty-lines", b"data:\ndata:\n\n", [ev("\n")]),
    row(
        "dispatch/multi-line-joined", b"data: a\ndata: b\ndata: c\n\n", [ev("a\nb\nc")]
    ),
    row("dispatch/data-reset", b"data: a\n\ndata: b\n\n", [ev("a"), ev("b")]),
    row("dispatch/nul-in-data", b"data: a\x00b\n\n", [ev("a\x00b")]),
    row("dispatch/nul-only-data", b"data:\x00\n\n", [ev("\x00")]),
    row("dispatch/nul-in-event", b"event: \x00\ndata: x\n\n", [ev("x", "\x00")]),
    row("dispatch/json-data", b'data: {"a": [1, 2]}\n\n', [ev('{"a": [1, 2]}')]),
]

END_ROWS = [
    row("end/clean", b"data: x\n\n", [ev("x")], truncated=False),
    row("end/unterminated-event", b"data: x\n", [], truncated=True),
    row("end/unterminated-line", b"data: x", [], truncated=True),
    row("end/after-event", b"data: a\n\ndata: b", [ev("a")], truncated=True),
    row("end/empty-data-line-pending", b"data:\n", [], truncated=True),
    # A block of field lines that no blank line closes is a cut stream (the
    # ABNF's `event` ends with a blank line), whatever fields it holds.
    row("end/event-field-only", b"event: x\n", [], truncated=True),
    row("end/partial-field-name", b"da", [], truncated=True),
    row("end/partial-unknown-field", b"data: a\n\nfoo", [ev("a")], truncated=True),
    row("end/complete-unknown-field", b"foo\n", [], truncated=True),
    row("end/comment-after-event", b"data: a\n\n: bye\n", [ev("a")]),
    row(
        "end/partial-data-field-after-event",
        b"data: a\n\ndata",
        [ev("a")],
        truncated=True,
    ),
    row("end/partial-crlf-blank-line", b"data: a\n\r", [ev("a")]),
]

SPEC_EXAMPLE_ROWS = [
    row(
        "spec-example/test-stream",
        b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\n"
        b"data:  third event\n\n",
        [ev("first event", id="1"), ev("second event"), ev(" third event")],
    ),
    row(
        "spec-example/test-stream-end-of-stream-not-enough",
        b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\n"
        b"data:  third event\n",
        [ev("first event", id="1"), ev("second event")],
        truncated=True,
    ),
    row(
        "spec-example/empty-and-newline",
        b"data\n\ndata\ndata\n\ndata:",
        [ev(""), ev("\n")],
        truncated=True,
    ),
    row(
        "spec-example/space-optional", b"data:test\n\ndata: test\n\n", [ev("test")] * 2
    ),
    row(
        "spec-example/stock",
        b"data: YHOO\ndata: +2\ndata: 10\n\n",
        [ev("YHOO\n+2\n10")],
    ),
    row(
        "spec-example/typed-events",
        b"event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\n"
        b"event: add\ndata: 113411\n\n",
        [ev("73857293", "add"), ev("2153", "remove"), ev("113411", "add")],
    ),
]

ALL_ROWS = [
    *BOM_ROWS,
    *UTF8_ROWS,
    *LINE_END_ROWS,
    *COMMENT_ROWS,
    *FIELD_ROWS,
    *ID_ROWS,
    *RETRY_ROWS,
    *DISPATCH_ROWS,
    *END_ROWS,
    *SPEC_EXAMPLE_ROWS,
]


# --------------------------------------------------------------------------
# The ways of feeding a row (see tests.helpers.FEED_WAYS)
# --------------------------------------------------------------------------


WAYS = FEED_WAYS


def _factory(case: Case, made: list[SSEDecoder[Any]]) -> DecoderFactory:
    def factory() -> SSEDecoder[Any]:
        decoder = new_decoder(case.comments)
        made.append(decoder)
        return decoder

    return factory


def _assert_outcome(case: Case, items: list[Any], decoder: SSEDecoder[Any]) -> None:
    assert items == case.items
    for item in items:
        assert type(item) in (ServerSentEvent, Comment)
        if isinstance(item, ServerSentEvent) and item.retry is not None:
            assert type(item.retry) is int
    assert decoder.state is DecoderState.CLOSED
    assert decoder.last_event_id == case.last_event_id
    assert decoder.retry == case.retry
    if case.retry is not None:
        assert type(decoder.retry) is int
    assert decoder.truncated is case.truncated


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize("case", ALL_ROWS)
def test_row(case: Case, way: str) -> None:
    made: list[SSEDecoder[Any]] = []
    items = WAYS[way](_factory(case, made), case.data)
    assert len(made) == 1
    _assert_outcome(case, items, made[0])


CHUNKED_ROWS = [p for p in ALL_ROWS if p.values[0].chunks is not None]


@pytest.mark.parametrize("case", CHUNKED_ROWS)
def test_row_in_its_own_chunks(case: Case) -> None:
    assert case.chunks is not None
    decoder = new_decoder(case.comments)
    items = collect(decoder, case.chunks)
    _assert_outcome(case, items, decoder)


@pytest.mark.parametrize("case", ALL_ROWS)
def test_row_split_in_two_everywhere(case: Case) -> None:
    step = max(1, len(case.data) // 300)
    for cut in range(0, len(case.data) + 1, step):
        decoder = new_decoder(case.comments)
        items = collect(decoder, [case.data[:cut], case.data[cut:]])
        _assert_outcome(case, items, decoder)


def test_table_row_ids_are_unique() -> None:
    ids = [p.id for p in ALL_ROWS]
    assert len(ids) == len(set(ids))


# --------------------------------------------------------------------------
# Timing of results: what each feed() returns, and the live properties
# --------------------------------------------------------------------------


def test_feed_returns_each_event_as_soon_as_its_blank_line_arrives() -> None:
    d = SSEDecoder()
    assert d.feed(b"data: a\n") == []
    assert d.feed(b"\n") == [ev("a")]
    assert d.feed(b"data: b\n\ndata: c\n\ndata: d") == [ev("b"), ev("c")]
    assert d.feed(b"\n") == []
    assert d.feed(b"\n") == [ev("d")]
    assert d.close() == []


def test_cr_blank_line_dispatches_without_waiting_for_next_feed() -> None:
    d = SSEDecoder()
    assert d.feed(b"data: a\r\r") == [ev("a")]
    # The LF that may follow is the second half of the CRLF, not a new line.
    assert d.feed(b"\ndata: b\r") == []
    assert d.feed(b"\r") == [ev("b")]
    assert d.close() == []
    assert d.truncated is False


def test_comment_ending_in_cr_is_emitted_at_once() -> None:
    d = SSEDecoder(comments=True)
    assert d.feed(b": c\r") == [cm("c")]
    assert d.feed(b"\n: d\n") == [cm("d")]


def test_retry_is_updated_as_soon_as_the_line_is_read() -> None:
    d = SSEDecoder()
    chunks = (b"retry: 5", b"\n", b"retry: x\n", b"retry: 7\r", b"\n\n")
    seen: list[tuple[list[Any], int | None]] = [([], d.retry)]
    seen.extend((d.feed(chunk), d.retry) for chunk in chunks)
    assert seen == [([], None), ([], None), ([], 5), ([], 5), ([], 7), ([], 7)]


def test_retry_is_exact_up_to_its_limit() -> None:
    d = SSEDecoder()
    assert d.feed(b"retry: " + b"9" * 4300 + b"\n\ndata: x\n\n") == [ev("x")]
    assert d.retry == 10**4300 - 1
    # leading zeros are not significant digits
    d.feed(b"retry: " + b"0" * 10_000 + b"7\n\n")
    assert d.retry == 7


def test_retry_past_the_interpreters_int_limit_when_allowed() -> None:
    # Limits.max_retry_digits may be raised past sys.get_int_max_str_digits().
    d = SSEDecoder(limits=Limits(max_retry_digits=6000))
    d.feed(b"retry: " + b"9" * 5000 + b"\n\n")
    assert d.retry == 10**5000 - 1


def test_retry_longer_than_its_limit_raises() -> None:
    # int(str) is quadratic in CPython: a hostile retry line must not hang.
    d = SSEDecoder()
    with pytest.raises(LimitExceeded) as info:
        d.feed(b"retry: " + b"9" * 4301 + b"\n")
    assert (info.value.limit, info.value.maximum, info.value.observed) == (
        "max_retry_digits",
        4300,
        4301,
    )
    assert d.state is DecoderState.ERROR


def test_last_event_id_changes_only_at_the_blank_line() -> None:
    d = SSEDecoder()
    d.feed(b"id: 1\n")
    assert d.last_event_id == ""
    d.feed(b"data: x\n")
    assert d.last_event_id == ""
    assert d.feed(b"\n") == [ev("x", id="1")]
    assert d.last_event_id == "1"
    d.feed(b"id\n")
    assert d.last_event_id == "1"
    d.feed(b"\n")
    assert d.last_event_id == ""
    d.feed(b"id: 2\n")
    d.close()
    assert d.last_event_id == ""


@pytest.mark.parametrize(
    ("chunks", "truncated_after_each"),
    [
        ([b"data: x", b"\n", b"\n"], [True, True, False]),
        ([b": c", b"\n"], [True, False]),
        ([b"event: e\n", b"id: 1\n", b"data:\n", b"\n"], [True, True, True, False]),
        ([b"data: x\r", b"\r"], [True, False]),
        (
            [b"", b"\xef", b"\xbb\xbf", b"d", b"ata\n", b"\n"],
            [False, True, False, True, True, False],
        ),
        ([b"foo", b": bar\n"], [True, True]),
        ([b"data: x\n\n", b": keep-alive\n"], [False, False]),
    ],
)
def test_truncated_is_valid_at_any_time(
    chunks: list[bytes], truncated_after_each: list[bool]
) -> None:
    d = SSEDecoder()
    assert d.truncated is False
    for chunk, expected in zip(chunks, truncated_after_each, strict=True):
        d.feed(chunk)
        assert d.truncated is expected, chunk
    d.close()
    assert d.truncated is truncated_after_each[-1]


# --------------------------------------------------------------------------
# State machine and misuse
# --------------------------------------------------------------------------


def test_state_start_open_closed() -> None:
    d = SSEDecoder()
    states = [d.state]
    # b"x" shows the held bytes are not a BOM after all: the decision is made.
    for chunk in (b"", b"\xef", b"\xbb", b"x", b"\n"):
        d.feed(chunk)
        states.append(d.state)
    assert d.close() == []
    states.append(d.state)
    start, open_, closed = DecoderState.START, DecoderState.OPEN, DecoderState.CLOSED
    assert states == [start, start, start, start, open_, open_, closed]


def test_state_open_after_first_non_bom_byte() -> None:
    d = SSEDecoder()
    d.feed(b"d")
    assert d.state is DecoderState.OPEN


def test_state_closed_from_start() -> None:
    d = SSEDecoder()
    assert d.close() == []
    assert d.state is DecoderState.CLOSED
    assert d.truncated is False


def test_feed_after_close_raises() -> None:
    d = SSEDecoder()
    d.feed(b"data: x\n\n")
    d.close()
    with pytest.raises(UsageError):
        d.feed(b"data: y\n\n")
    with pytest.raises(UsageError):
        d.feed(b"")
    assert d.state is DecoderState.CLOSED


def test_close_twice_raises() -> None:
    d = SSEDecoder()
    d.close()
    with pytest.raises(UsageError):
        d.close()


def test_properties_readable_after_close() -> None:
    d = SSEDecoder()
    d.feed(b"id: 3\nretry: 9\ndata: x\n\ndata: y\n")
    d.close()
    assert (d.last_event_id, d.retry, d.truncated) == ("3", 9, True)


@pytest.mark.parametrize("bad", ["data: x\n\n", "", 5, None, [100, 97], 1.5], ids=repr)
def test_feed_non_bytes_raises(bad: Any) -> None:
    d = SSEDecoder()
    with pytest.raises(UsageError):
        d.feed(bad)


@pytest.mark.parametrize(
    "data",
    [
        bytearray(b"data: x\n\n"),
        memoryview(b"data: x\n\n"),
        memoryview(b"__data: x\n\n__")[2:-2],
    ],
    ids=["bytearray", "memoryview", "memoryview-slice"],
)
def test_feed_accepts_bytes_like(data: bytearray | memoryview) -> None:
    d = SSEDecoder()
    assert d.feed(data) == [ev("x")]


def test_feed_does_not_keep_a_view_of_a_reused_buffer() -> None:
    d = SSEDecoder()
    buf = bytearray(b"data: ab")
    assert d.feed(buf) == []
    buf[:] = b"XXXXXXXX"
    assert d.feed(b"\n\n") == [ev("ab")]


def test_feed_returns_a_list() -> None:
    d = SSEDecoder()
    assert type(d.feed(b"data: x\n")) is list
    assert type(d.feed(b"\n")) is list
    assert type(d.close()) is list


def test_error_hierarchy() -> None:
    assert issubclass(UsageError, SseparseError)
    assert issubclass(ProtocolError, SseparseError)
    assert issubclass(LimitExceeded, ProtocolError)
    assert not issubclass(LimitExceeded, UsageError)
    assert not issubclass(UsageError, ProtocolError)


# --------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------


def test_limits_defaults_and_frozen() -> None:
    limits = Limits()
    assert limits.max_line_bytes == 16 * 1024 * 1024
    assert limits.max_event_chars == 64 * 1024 * 1024
    with pytest.raises(AttributeError):
        limits.max_line_bytes = 1  # type: ignore[misc]


def _line_limited(n: int = 16) -> SSEDecoder[Any]:
    return SSEDecoder(limits=Limits(max_line_bytes=n))


def test_line_limit_raises_during_feed_of_partial_line_bytewise() -> None:
    d = _line_limited()
    for _ in range(16):
        assert d.feed(b"x") == []
    with pytest.raises(LimitExceeded) as info:
        d.feed(b"x")
    err = info.value
    assert err.limit == "max_line_bytes"
    assert err.maximum == 16
    assert err.observed == 17
    assert d.state is DecoderState.ERROR


def test_line_limit_raises_for_limit_plus_one_bytes_without_newline() -> None:
    d = _line_limited()
    with pytest.raises(LimitExceeded) as info:
        d.feed(b"x" * 17)
    assert info.value.limit == "max_line_bytes"
    assert info.value.maximum == 16
    assert info.value.observed == 17


def test_line_limit_raises_for_a_big_partial_chunk() -> None:
    d = _line_limited()
    with pytest.raises(LimitExceeded) as info:
        d.feed(b"data: " + b"y" * 10_000)
    assert info.value.maximum == 16
    assert info.value.observed > 16


def test_line_limit_raises_for_a_complete_long_line() -> None:
    d = _line_limited()
    with pytest.raises(LimitExceeded):
        d.feed(b"x" * 17 + b"\n")


def test_line_limit_accumulates_across_feeds() -> None:
    d = _line_limited()
    assert d.feed(b"data: 1234") == []
    with pytest.raises(LimitExceeded):
        d.feed(b"567890x")


@pytest.mark.parametrize("eol", [b"\n", b"\r", b"\r\n"], ids=["lf", "cr", "crlf"])
@pytest.mark.parametrize("feeder", ["whole", "bytewise"])
def test_line_at_exact_limit_is_accepted(eol: bytes, feeder: str) -> None:
    data = b"data: " + b"y" * 10 + eol + eol  # the line is 16 bytes
    made: list[SSEDecoder[Any]] = []

    def factory() -> SSEDecoder[Any]:
        made.append(_line_limited())
        return made[-1]

    assert WAYS[feeder](factory, data) == [ev("y" * 10)]


def test_line_limit_counts_bytes_not_characters() -> None:
    ok = _line_limited()
    assert ok.feed("\u00e9".encode() * 8 + b"\n") == []  # 16 bytes, 8 characters
    d = _line_limited()
    with pytest.raises(LimitExceeded) as info:
        d.feed("\u00e9".encode() * 9)  # 18 bytes, 9 characters
    assert info.value.observed > 16


def test_line_limit_applies_to_comment_lines() -> None:
    d = _line_limited()
    with pytest.raises(LimitExceeded):
        d.feed(b":" + b"c" * 16)


def test_line_limit_is_per_line() -> None:
    d = _line_limited()
    assert d.feed(b"data: 0123456789\n" * 20 + b"\n") == [
        ev("\n".join(["0123456789"] * 20))
    ]


def _event_limited(n: int = 10) -> SSEDecoder[Any]:
    return SSEDecoder(limits=Limits(max_event_chars=n))


def test_event_limit_at_exact_limit_is_accepted() -> None:
    d = _event_limited()
    assert d.feed(b"data: abcd\ndata: abcd\n\n") == [ev("abcd\nabcd")]


def test_event_limit_raises_when_data_buffer_passes_it() -> None:
    d = _event_limited()
    assert d.feed(b"data: abcd\ndata: abcd\n") == []
    assert d.feed(b"data: abcd") == []  # the line is not read yet
    with pytest.raises(LimitExceeded) as info:
        d.feed(b"\n")
    err = info.value
    assert err.limit == "max_event_chars"
    assert err.maximum == 10
    assert err.observed == 15
    assert d.state is DecoderState.ERROR


def test_event_limit_raises_in_a_single_feed() -> None:
    d = _event_limited()
    with pytest.raises(LimitExceeded) as info:
        d.feed(b"data: abc\n" * 3)
    assert info.value.observed == 12


def test_event_limit_counts_characters_not_bytes() -> None:
    d = _event_limited()
    line = b"data: " + "\u00e9".encode() * 4 + b"\n"  # 4 characters, 8 bytes
    assert d.feed(line * 2 + b"\n") == [ev("\u00e9\u00e9\u00e9\u00e9\n" + "\u00e9" * 4)]


def test_event_limit_counts_one_per_empty_data_line() -> None:
    ok = _event_limited()
    assert ok.feed(b"data\n" * 10 + b"\n") == [ev("\n" * 9)]
    d = _event_limited()
    with pytest.raises(LimitExceeded) as info:
        d.feed(b"data\n" * 11)
    assert info.value.observed == 11


def test_event_limit_is_per_event() -> None:
    d = _event_limited()
    assert d.feed(b"data: 123456789\n\n" * 5) == [ev("123456789")] * 5


def test_event_limit_ignores_other_fields() -> None:
    d = _event_limited()
    stream = b"event: " + b"e" * 50 + b"\nid: " + b"i" * 50 + b"\n: " + b"c" * 50
    assert d.feed(stream + b"\ndata: x\n\n") == [ev("x", "e" * 50, "i" * 50)]


@pytest.mark.parametrize(
    ("limits", "stream"),
    [
        (Limits(max_line_bytes=16), b"x" * 17),
        (Limits(max_event_chars=10), b"data: abc\n" * 3),
    ],
    ids=["line", "event"],
)
def test_error_state_is_sticky(limits: Limits, stream: bytes) -> None:
    d = SSEDecoder(limits=limits)
    with pytest.raises(LimitExceeded):
        d.feed(stream)
    assert d.state is DecoderState.ERROR
    for data in (b"", b"\n", b"data: ok\n\n"):
        with pytest.raises(UsageError):
            d.feed(data)
    with pytest.raises(UsageError):
        d.close()
    with pytest.raises(UsageError):
        d.close()
    assert d.state is DecoderState.ERROR


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------


def test_server_sent_event_value_semantics() -> None:
    e = ServerSentEvent()
    assert (e.event, e.data, e.id, e.retry) == ("message", "", "", None)
    full = ServerSentEvent(event="e", data="d", id="i", retry=3)
    event, data, id, retry = full
    assert (event, data, id, retry) == ("e", "d", "i", 3)
    assert full == ServerSentEvent(event="e", data="d", id="i", retry=3)
    assert hash(full) == hash(ServerSentEvent(event="e", data="d", id="i", retry=3))
    assert full != ServerSentEvent(event="e", data="d", id="i", retry=None)
    assert full != ServerSentEvent(event="e", data="d", id="j", retry=3)
    assert e != ("message", "", "", None)
    assert not (e == ("message", "", "", None))  # noqa: SIM201
    assert e != Comment(text="")
    with pytest.raises(AttributeError):
        full.data = "x"  # type: ignore[misc]


def test_server_sent_event_json() -> None:
    assert ServerSentEvent(data='{"a": [1, 2.5, null]}').json() == {"a": [1, 2.5, None]}


def test_comment_value_semantics() -> None:
    assert Comment(text="x") == Comment(text="x")
    assert Comment(text="x") != Comment(text="y")
    assert hash(Comment(text="x")) == hash(Comment(text="x"))
    with pytest.raises(AttributeError):
        Comment(text="x").text = "y"  # type: ignore[misc]


# --------------------------------------------------------------------------
# Encoding
# --------------------------------------------------------------------------

S = ServerSentEvent

ENCODE_ROWS = [
    pytest.param(S(data="x"), b"data: x\n\n", id="data"),
    pytest.param(S(data="a\nb"), b"data: a\ndata: b\n\n", id="two-lines"),
    pytest.param(S(event="e", data="x"), b"event: e\ndata: x\n\n", id="event"),
    pytest.param(
        S(event="message", data="x"), b"data: x\n\n", id="message-not-written"
    ),
    pytest.param(S(data="x", id="1"), b"id: 1\ndata: x\n\n", id="id"),
    pytest.param(S(data="x", retry=5), b"retry: 5\ndata: x\n\n", id="retry"),
    pytest.param(S(data="x", retry=0), b"retry: 0\ndata: x\n\n", id="retry-zero"),
    pytest.param(
        S(event="e", data="x", id="7", retry=0),
        b"id: 7\nevent: e\nretry: 0\ndata: x\n\n",
        id="all-fields-in-order",
    ),
    pytest.param(S(data=" lead"), b"data:  lead\n\n", id="leading-space"),
    pytest.param(
        S(event=" sp", data="x"), b"event:  sp\ndata: x\n\n", id="event-space"
    ),
    pytest.param(S(id=" 1", data="x"), b"id:  1\ndata: x\n\n", id="id-space"),
    pytest.param(S(data="a:b"), b"data: a:b\n\n", id="colon"),
    pytest.param(S(data="a\x00b"), b"data: a\x00b\n\n", id="nul-data"),
    pytest.param(
        S(event="a\x00b", data="x"), b"event: a\x00b\ndata: x\n\n", id="nul-event"
    ),
    pytest.param(
        S(data="\u00e9 \u2714", id="\u65e5"),
        b"id: \xe6\x97\xa5\ndata: \xc3\xa9 \xe2\x9c\x94\n\n",
        id="non-ascii",
    ),
    pytest.param(S(data="\ufeffx"), b"data: \xef\xbb\xbfx\n\n", id="bom-in-data"),
    pytest.param(
        S(data="x", retry=10**40),
        b"retry: 1" + b"0" * 40 + b"\ndata: x\n\n",
        id="retry-big",
    ),
    pytest.param(
        S(data="a\u2028b\x85c"),
        b"data: a\xe2\x80\xa8b\xc2\x85c\n\n",
        id="unicode-separators",
    ),
    # The API does not pin how an empty data line is spelt: round trip only.
    pytest.param(S(data=""), None, id="empty-data"),
    pytest.param(S(data="\n"), None, id="newline-data"),
    pytest.param(S(data="a\n"), None, id="trailing-newline"),
    pytest.param(S(data="\n\na\n\n"), None, id="many-empty-lines"),
    pytest.param(S(data="   "), None, id="spaces-only"),
    pytest.param(S(data=":x"), None, id="data-starts-with-colon"),
    pytest.param(
        S(event="e", data="", id="i", retry=1), None, id="empty-data-all-fields"
    ),
]


@pytest.mark.parametrize(("event", "expected"), ENCODE_ROWS)
def test_encode_event(event: ServerSentEvent, expected: bytes | None) -> None:
    wire = encode(event)
    assert type(wire) is bytes
    if expected is not None:
        assert wire == expected
    assert wire.endswith(b"\n\n")
    assert SSEDecoder().feed(wire) == [event]
    assert SSEDecoder().feed(encode(event, normalize_newlines=True)) == [event]
    for way in ("bytewise", "chunks-3"):
        made: list[SSEDecoder[Any]] = []
        assert WAYS[way](_factory(Case(wire, []), made), wire) == [event]
        assert made[0].truncated is False


COMMENT_TEXTS = ["hi", "", " lead", "  two", "a: b", "\x00", "\u00e9", "\ufeff", "x "]


@pytest.mark.parametrize("text", COMMENT_TEXTS, ids=repr)
def test_encode_comment_round_trip(text: str) -> None:
    wire = encode(Comment(text=text))
    assert wire.startswith(b":")
    d = SSEDecoder(comments=True)
    assert d.feed(wire) == [cm(text)]
    assert SSEDecoder().feed(wire) == []
    d.close()
    assert d.truncated is False


def test_encode_comment_does_not_disturb_a_following_event() -> None:
    wire = encode(Comment(text="c")) + encode(S(data="x"))
    assert SSEDecoder(comments=True).feed(wire) == [cm("c"), ev("x")]


def test_encode_is_stateless_about_ids() -> None:
    first = encode(S(data="a", id="1"))
    assert encode(S(data="a", id="1")) == first
    assert encode(S(data="b")) == b"data: b\n\n"


NORMALIZE_ROWS = [
    pytest.param(
        S(data="a\r\nb\rc\nd"),
        b"data: a\ndata: b\ndata: c\ndata: d\n\n",
        S(data="a\nb\nc\nd"),
        id="cr-crlf-lf",
    ),
    pytest.param(S(data="a\r\n"), None, S(data="a\n"), id="trailing-crlf"),
    pytest.param(S(data="\r\r\n"), None, S(data="\n\n"), id="cr-then-crlf"),
    pytest.param(S(data="\r\n\r\n"), None, S(data="\n\n"), id="two-crlf"),
    pytest.param(S(data="x"), b"data: x\n\n", S(data="x"), id="no-cr"),
    pytest.param(
        S(event="e", data="1\r2", id="i", retry=3),
        b"id: i\nevent: e\nretry: 3\ndata: 1\ndata: 2\n\n",
        S(event="e", data="1\n2", id="i", retry=3),
        id="other-fields-kept",
    ),
]


@pytest.mark.parametrize(("event", "expected", "decoded"), NORMALIZE_ROWS)
def test_encode_normalize_newlines(
    event: ServerSentEvent, expected: bytes | None, decoded: ServerSentEvent
) -> None:
    for wire in (
        encode(event, normalize_newlines=True),
        SSEEncoder(normalize_newlines=True).encode(event),
    ):
        if expected is not None:
            assert wire == expected
        assert b"\r" not in wire
        assert SSEDecoder().feed(wire) == [decoded]


REJECTED = [
    pytest.param(lambda: S(data="a\rb"), id="cr-in-data"),
    pytest.param(lambda: S(data="a\r\nb"), id="crlf-in-data"),
    pytest.param(lambda: S(data="\r"), id="lone-cr-data"),
    pytest.param(lambda: Comment(text="a\rb"), id="cr-in-comment"),
    pytest.param(lambda: Comment(text="a\nb"), id="lf-in-comment"),
    pytest.param(lambda: S(event="a\nb", data="x"), id="lf-in-event"),
    pytest.param(lambda: S(event="a\rb", data="x"), id="cr-in-event"),
    pytest.param(lambda: S(id="a\nb", data="x"), id="lf-in-id"),
    pytest.param(lambda: S(id="a\rb", data="x"), id="cr-in-id"),
    pytest.param(lambda: S(id="a\x00b", data="x"), id="nul-in-id"),
    pytest.param(lambda: S(id="\x00", data="x"), id="nul-only-id"),
    pytest.param(lambda: S(event="", data="x"), id="empty-event"),
    pytest.param(lambda: S(data="x", retry=-1), id="negative-retry"),
    pytest.param(lambda: S(data="\ud800"), id="surrogate-data"),
    pytest.param(lambda: S(event="\udfff", data="x"), id="surrogate-event"),
    pytest.param(lambda: S(id="a\ud83d", data="x"), id="surrogate-id"),
    pytest.param(lambda: Comment(text="\ud800"), id="surrogate-comment"),
]

# Still rejected when newline normalisation is on: it only maps CR in data.
REJECTED_EVEN_NORMALIZED = [
    pytest.param(lambda: S(event="a\rb", data="x"), id="cr-in-event"),
    pytest.param(lambda: S(event="a\nb", data="x"), id="lf-in-event"),
    pytest.param(lambda: S(id="a\rb", data="x"), id="cr-in-id"),
    pytest.param(lambda: S(id="a\x00", data="x"), id="nul-in-id"),
    pytest.param(lambda: S(event="", data="x"), id="empty-event"),
    pytest.param(lambda: S(data="x", retry=-5), id="negative-retry"),
    pytest.param(lambda: S(data="a\r\ud800"), id="surrogate-data"),
]


@pytest.mark.parametrize("make", REJECTED)
def test_encode_rejects(make: Callable[[], Item]) -> None:
    with pytest.raises(UsageError):
        encode(make())
    with pytest.raises(UsageError):
        SSEEncoder().encode(make())


@pytest.mark.parametrize("make", REJECTED_EVEN_NORMALIZED)
def test_encode_rejects_even_with_normalize_newlines(make: Callable[[], Item]) -> None:
    with pytest.raises(UsageError):
        encode(make(), normalize_newlines=True)
    with pytest.raises(UsageError):
        SSEEncoder(normalize_newlines=True).encode(make())


@pytest.mark.parametrize("ms", [0, 5, 3000, 10**40])
def test_encode_retry(ms: int) -> None:
    wire = encode_retry(ms)
    assert wire == b"retry: " + str(ms).encode() + b"\n\n"
    d = SSEDecoder()
    assert d.feed(wire) == []
    assert d.retry == ms
    assert d.feed(b"data: x\n\n") == [ev("x")]


def test_encode_retry_rejects_negative() -> None:
    with pytest.raises(UsageError):
        encode_retry(-1)


STREAM_ROWS = [
    pytest.param(
        [
            S(data="a", id="1"),
            S(data="b", id="1"),
            S(data="c"),
            S(event="x", data="d", id="2"),
        ],
        b"id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 2\nevent: x\ndata: d\n\n",
        id="id-changes",
    ),
    pytest.param([S(data="a")], b"data: a\n\n", id="no-id-at-start"),
    pytest.param(
        [S(data="a", retry=5), S(data="b")],
        b"retry: 5\ndata: a\n\ndata: b\n\n",
        id="retry-per-event",
    ),
    pytest.param(
        [S(data="a", id="1"), S(data="b"), S(data="c")],
        b"id: 1\ndata: a\n\nid\ndata: b\n\ndata: c\n\n",
        id="reset-once",
    ),
    pytest.param(
        [
            Comment(text="c"),
            S(data="a", id="5"),
            Comment(text="d"),
            S(data="b", id="5"),
        ],
        None,
        id="with-comments",
    ),
    pytest.param(
        [S(data="", id="1"), S(data="\n"), S(data=" x", id=" "), S(event="e", data="")],
        None,
        id="awkward-values",
    ),
    pytest.param([], b"", id="empty"),
]


@pytest.mark.parametrize(("items", "expected"), STREAM_ROWS)
def test_sse_encoder_stream_round_trip(
    items: list[Item], expected: bytes | None
) -> None:
    encoder = SSEEncoder()
    wire = b"".join(encoder.encode(item) for item in items)
    if expected is not None:
        assert wire == expected
    for way in WAYS.values():
        made: list[SSEDecoder[Any]] = []
        assert way(_factory(Case(wire, [], comments=True), made), wire) == items
        assert made[0].truncated is False


def test_sse_encoder_instances_are_independent() -> None:
    one, two = SSEEncoder(), SSEEncoder()
    assert one.encode(S(data="a", id="1")) == b"id: 1\ndata: a\n\n"
    assert two.encode(S(data="a", id="1")) == b"id: 1\ndata: a\n\n"
    assert one.encode(S(data="b", id="1")) == b"data: b\n\n"


# --------------------------------------------------------------------------
# iter_events / aiter_events
# --------------------------------------------------------------------------

ITER_ROWS = [
    pytest.param([b"data: a\n", b"\ndata: b", b"\n\n"], [ev("a"), ev("b")], id="split"),
    pytest.param([b"data: a\n\ndata: b"], [ev("a")], id="cut-final-event"),
    pytest.param([], [], id="no-chunks"),
    pytest.param([b"", b"", b""], [], id="empty-chunks"),
    pytest.param([BOM[:1], BOM[1:], b"data: a\r", b"\n\r\n"], [ev("a")], id="bom-crlf"),
]


@pytest.mark.parametrize(("chunks", "expected"), ITER_ROWS)
def test_iter_events(chunks: list[bytes], expected: list[Item]) -> None:
    assert list(iter_events(chunks)) == expected
    assert list(iter_events(iter(chunks))) == expected


def test_iter_events_is_lazy() -> None:
    pulled: list[int] = []

    def source() -> Iterator[bytes]:
        for i, chunk in enumerate([b"data: a\n\n", b"data: b\n\n", b"data: c\n\n"]):
            pulled.append(i)
            yield chunk

    it = iter_events(source())
    assert next(it) == ev("a")
    assert pulled == [0]
    assert list(it) == [ev("b"), ev("c")]


def test_iter_events_with_decoder_closes_it() -> None:
    d = SSEDecoder(comments=True)
    assert list(iter_events([b": c\ndata: a\n\ndata: b"], decoder=d)) == [
        cm("c"),
        ev("a"),
    ]
    assert d.state is DecoderState.CLOSED
    assert d.truncated is True
    with pytest.raises(UsageError):
        d.feed(b"")


def test_iter_events_with_limits() -> None:
    it = iter_events([b"data: ok\n\n", b"x" * 20], limits=Limits(max_line_bytes=8))
    assert next(it) == ev("ok")
    with pytest.raises(LimitExceeded):
        next(it)


# what is passed -> fragments of the message, for iter_events and aiter_events
WRONG_SOURCES: list[Any] = [
    pytest.param(
        b"data: x\n\n",
        "takes {kind} of bytes chunks, got a bytes object; wrap it: "
        "iter_events([data])",
        id="bytes",
    ),
    pytest.param(bytearray(b"data: x\n\n"), "got a bytearray object", id="bytearray"),
    pytest.param(
        memoryview(b"data: x\n\n"), "got a memoryview object", id="memoryview"
    ),
    pytest.param(
        "data: x\n\n",
        "got a str object; encode and wrap it: iter_events([text.encode()])",
        id="str",
    ),
    pytest.param(None, "takes {kind} of bytes chunks, got NoneType", id="none"),
    pytest.param(42, "got int", id="int"),
]


@pytest.mark.parametrize(("source", "fragment"), WRONG_SOURCES)
def test_iter_events_refuses_a_non_iterable_of_chunks_at_the_call(
    source: Any, fragment: str
) -> None:
    """Passing the bytes themselves says so, not "expects bytes, got int"."""
    with pytest.raises(UsageError) as info:
        iter_events(source)  # raised at the call, before any iteration
    assert str(info.value).startswith("iter_events() ")
    assert fragment.format(kind="an iterable") in str(info.value)
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize(("source", "fragment"), WRONG_SOURCES)
def test_aiter_events_refuses_a_non_iterable_of_chunks_at_the_call(
    source: Any, fragment: str
) -> None:
    with pytest.raises(UsageError) as info:
        aiter_events(source)
    assert str(info.value).startswith("aiter_events() ")
    assert fragment.format(kind="an async iterable") in str(info.value)


def test_iter_and_aiter_events_point_at_each_other() -> None:
    """A sync source given to aiter_events (or the reverse) names the other."""
    with pytest.raises(UsageError, match=r"got list; use iter_events\(\) for it"):
        aiter_events([b"data: x\n\n"])  # type: ignore[call-overload]
    source = _agen([b"data: x\n\n"])
    with pytest.raises(
        UsageError, match=r"got async_generator; use aiter_events\(\) for it"
    ):
        iter_events(source)  # type: ignore[call-overload]
    asyncio.run(source.aclose())


def test_iter_events_refuses_a_str_chunk_with_the_decoder_message() -> None:
    """An iterable of the wrong items is still caught, at that item."""
    it = iter_events([b"data: a\n\n", "data: b\n\n"])  # type: ignore[list-item]
    assert next(it) == ev("a")
    with pytest.raises(UsageError, match="expects bytes, got str"):
        next(it)


async def _agen(
    chunks: list[bytes], pulled: list[int] | None = None
) -> AsyncGenerator[bytes, None]:
    for i, chunk in enumerate(chunks):
        if pulled is not None:
            pulled.append(i)
        await asyncio.sleep(0)
        yield chunk


async def _drain(it: AsyncIterator[Item]) -> list[Item]:
    return [item async for item in it]


@pytest.mark.parametrize(("chunks", "expected"), ITER_ROWS)
def test_aiter_events(chunks: list[bytes], expected: list[Item]) -> None:
    assert asyncio.run(_drain(aiter_events(_agen(chunks)))) == expected


def test_aiter_events_is_lazy() -> None:
    pulled: list[int] = []

    async def main() -> tuple[Item, list[int], list[Item]]:
        it = aiter_events(_agen([b"data: a\n\n", b"data: b\n\n"], pulled))
        first = await it.__anext__()
        seen = list(pulled)
        return first, seen, await _drain(it)

    first, seen, rest = asyncio.run(main())
    assert (first, seen, rest) == (ev("a"), [0], [ev("b")])


def test_aiter_events_with_decoder_closes_it() -> None:
    d = SSEDecoder(comments=True)
    items = asyncio.run(
        _drain(aiter_events(_agen([b": c\n", b"data: a\n\n"]), decoder=d))
    )
    assert items == [cm("c"), ev("a")]
    assert d.state is DecoderState.CLOSED
    assert d.truncated is False


def test_aiter_events_with_limits() -> None:
    chunks = [b"data: ok\n\n", b"x" * 20]
    with pytest.raises(LimitExceeded):
        asyncio.run(
            _drain(aiter_events(_agen(chunks), limits=Limits(max_line_bytes=8)))
        )


def test_repr_of_an_event_with_a_huge_retry() -> None:
    # int -> str is capped at 4300 digits by default; repr must not raise.
    d = SSEDecoder(limits=Limits(max_retry_digits=6000))
    (event,) = d.feed(b"retry: " + b"7" * 5000 + b"\ndata: x\n\n")
    assert event.retry == int("7" * 2500) * 10**2500 + int("7" * 2500)
    text = repr(event)
    assert text.startswith("ServerSentEvent(event='message', data='x', id='', ")
    assert f"retry={event.retry:#x})" in text


# -- a seeded last event ID (a reconnecting client's) ------------------------------


@pytest.mark.parametrize(
    ("stream", "expected_ids", "last_event_id"),
    [
        # Events without an id keep the seed, as browsers keep it across reconnects.
        (b"data: a\n\ndata: b\n\n", ["7", "7"], "7"),
        # A new id replaces it; an empty id resets it.
        (b"data: a\n\nid: 8\ndata: b\n\nid\ndata: c\n\n", ["7", "8", ""], ""),
        # An id with U+0000 is ignored: the seed stays.
        (b"id: 9\x00\ndata: a\n\n", ["7"], "7"),
        # A blank line alone changes nothing.
        (b"\n\n", [], "7"),
    ],
)
def test_seeded_last_event_id(
    stream: bytes, expected_ids: list[str], last_event_id: str
) -> None:
    """``last_event_id=`` starts the stream from a known ID for every chunking."""
    for size in (1, 2, len(stream)):
        decoder = SSEDecoder(last_event_id="7")
        assert decoder.last_event_id == "7"
        events = [
            e
            for i in range(0, len(stream), size)
            for e in decoder.feed(stream[i : i + size])
        ]
        events += decoder.close()
        assert [e.id for e in events] == expected_ids
        assert decoder.last_event_id == last_event_id


def test_seeded_last_event_id_rejects_nul() -> None:
    """A seed holding U+0000 could never have come from a stream: refused."""
    with pytest.raises(UsageError, match="U\\+0000"):
        SSEDecoder(last_event_id="a\x00b")


# -- nothing lost on a limit error --------------------------------------------------

_SMALL = Limits(max_line_bytes=24, max_event_chars=12)


@pytest.mark.parametrize(
    ("stream", "limit", "before"),
    [
        # An event too big, after two good ones.
        (b"data: a\n\ndata: b\n\ndata: 0123456789abcdef\n\n", "max_event_chars", "ab"),
        # A complete line too long, after good events.
        (
            b"data: a\n\ndata: b\n\n" + b"x" * 40 + b"\ndata: c\n\n",
            "max_line_bytes",
            "ab",
        ),
        # An unterminated line too long, after a good event.
        (b"data: a\n\n" + b"y" * 40, "max_line_bytes", "a"),
        # Event data grown over several lines.
        (b"data: a\n\ndata: 12345\ndata: 67890\ndata: x\n\n", "max_event_chars", "a"),
    ],
)
@pytest.mark.parametrize("size", [1, 2, 5, 1000])
def test_limit_error_carries_the_events_before_it(
    stream: bytes, limit: str, before: str, size: int
) -> None:
    """Events completed before the bad bytes come out, by feed() or on the error."""
    decoder = SSEDecoder(limits=_SMALL)
    got: list[str] = []
    with pytest.raises(LimitExceeded) as info:  # noqa: PT012 - feeds until it raises
        for i in range(0, len(stream), size):
            got += [e.data for e in decoder.feed(stream[i : i + size])]
    assert info.value.limit == limit
    got += [e.data for e in info.value.items]
    assert "".join(got) == before
    assert decoder.state is DecoderState.ERROR
