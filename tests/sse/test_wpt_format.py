"""The web-platform-tests ``eventsource/format-*`` behaviours, as decoder tables.

Each WPT test drives a browser EventSource against a server script; here every
row is the exact body that script sends -> the events the page must observe
(plus the last event ID / reconnection time where the test checks them). Only
the behaviours of the stream parser are kept; the MIME and HTTP tests
(``format-mime-*``, request headers, status codes) are not parser behaviours.

How the server scripts build bodies (``eventsource/resources``):
- ``message.py``/``message.php``: ``message + newline + "\\n"``, where ``newline``
  is ``"\\n\\n"`` by default and ``""`` with ``newline=none``.
- ``last-event-id.py``: first response ``"id: " + idvalue + "\\nretry: 200\\n"
  "data: hello\\n\\n"`` (``idvalue`` defaults to U+2026), and on reconnection
  ``"data: " + Last-Event-ID + "\\n\\n"``.
- ``last-event-id2.py``: three fixed bodies (persists / changes / resets).
- ``message2.py`` (used by ``event-data``): one fixed block, repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from sseparse import Comment, DecoderState, ServerSentEvent, SSEDecoder
from tests.helpers import FEED_WAYS, DecoderFactory

Item = ServerSentEvent | Comment
BOM = b"\xef\xbb\xbf"
ELLIPSIS = "\u2026"  # the default id of last-event-id.py


def new_decoder(comments: bool) -> SSEDecoder[Any]:
    """An SSEDecoder with or without comments (the overloads want a literal)."""
    if comments:
        return SSEDecoder(comments=True)
    return SSEDecoder()


def ev(
    data: str, event: str = "message", id: str = "", retry: int | None = None
) -> Item:
    return ServerSentEvent(event=event, data=data, id=id, retry=retry)


def message(body: bytes, *, newline_none: bool = False) -> bytes:
    """The body ``resources/message.py`` sends for ``?message=body``."""
    return body + (b"" if newline_none else b"\n\n") + b"\n"


def last_event_id_body(idvalue: bytes = ELLIPSIS.encode()) -> bytes:
    """The first body ``resources/last-event-id.py`` sends."""
    return b"id: " + idvalue + b"\nretry: 200\ndata: hello\n\n"


@dataclass(frozen=True)
class Case:
    data: bytes
    items: list[Item]
    last_event_id: str = ""
    retry: int | None = None
    truncated: bool = False
    comments: bool = False


def row(wpt_test: str, data: bytes, items: list[Item], **kw: Any) -> Any:
    return pytest.param(Case(data, items, **kw), id=wpt_test)


LONG = b"x" * 2048  # format-comments: "cannot make the string too long"
COMMENT_FEST = (
    b"data:1\r:\x00\n:\r\ndata:2\n:"
    + LONG
    + b"\rdata:3\n:data:fail\r:"
    + LONG
    + b"\ndata:4\n"
)
FIELD_PARSING = (
    b"data:\x00\ndata:  2\rData:1\ndata\x00:2\ndata:1\r\x00data:4\nda-ta:3\rdata_5\n"
    b"data:3\rdata:\r\n data:32\ndata:4\n"
)
MESSAGE2 = (
    b"data:msg\ndata: msg\n\n:\nfalsefield:msg\n\nfalsefield:msg\nData:data\n\n"
    b"data\n\ndata:end\n\n"
)

WPT_ROWS = [
    row(
        "format-bom",
        message(BOM + b"data:1\n\n" + BOM + b"data:2\n\ndata:3"),
        [ev("1"), ev("3")],
    ),
    row(
        "format-bom-2",
        message(BOM + BOM + b"data:1\n\ndata:2\n\ndata:3"),
        [ev("2"), ev("3")],
    ),
    row(
        "format-comments",
        message(COMMENT_FEST, newline_none=True),
        [ev("1\n2\n3\n4")],
    ),
    row(
        "format-comments[comments=True]",
        message(COMMENT_FEST, newline_none=True),
        [
            Comment(text="\x00"),
            Comment(text=""),
            Comment(text=LONG.decode()),
            Comment(text="data:fail"),
            Comment(text=LONG.decode()),
            ev("1\n2\n3\n4"),
        ],
        comments=True,
    ),
    row(
        "format-data-before-final-empty-line",
        message(b"retry:1000\ndata:test1\n\nid:test\ndata:test2", newline_none=True),
        [ev("test1", retry=1000)],
        last_event_id="",  # the cut block's id:test never takes effect
        retry=1000,
        truncated=True,
    ),
    row(
        "format-field-data",
        message(b"data:\n\ndata\ndata\n\ndata:test"),
        [ev(""), ev("\n"), ev("test")],
    ),
    row(
        "format-field-event",
        message(b"event:test\ndata:x\n\ndata:x"),
        [ev("x", "test"), ev("x")],
    ),
    row(
        "format-field-event-empty",
        message(b"event: \ndata:data"),
        [ev("data")],
    ),
    row(
        "format-field-id",
        last_event_id_body(),
        [ev("hello", id=ELLIPSIS, retry=200)],
        last_event_id=ELLIPSIS,
        retry=200,
    ),
    row(
        # The reconnection's body, on the same last-event-ID state.
        "format-field-id-2",
        last_event_id_body() + b"data: " + ELLIPSIS.encode() + b"\n\n",
        [ev("hello", id=ELLIPSIS, retry=200), ev(ELLIPSIS, id=ELLIPSIS)],
        last_event_id=ELLIPSIS,
        retry=200,
    ),
    row(
        "format-field-id-3[persists]",
        b"id: 1\ndata: 1\n\ndata:2\n\n",
        [ev("1", id="1"), ev("2", id="1")],
        last_event_id="1",
    ),
    row(
        "format-field-id-3[changes-and-persists]",
        b"id: 1\ndata: 1\n\nid: 2\ndata:2\n\ndata:3\n\n",
        [ev("1", id="1"), ev("2", id="2"), ev("3", id="2")],
        last_event_id="2",
    ),
    row(
        "format-field-id-3[resets]",
        b"id: 1\ndata: 1\n\nid:\ndata:2\n\ndata:3\n\n",
        [ev("1", id="1"), ev("2"), ev("3")],
    ),
    *(
        # Current spec: an id containing U+0000 is ignored (lastEventId "").
        row(
            f"format-field-id-null[{name}]",
            last_event_id_body(idvalue),
            [ev("hello", retry=200)],
            retry=200,
        )
        for name, idvalue in [
            ("nul-nul", b"\x00\x00"),
            ("nul-prefix", b"\x00x"),
            ("nul-suffix", b"x\x00"),
            ("nul-surrounded", b"x\x00x"),
            ("space-nul", b" \x00"),
        ]
    ),
    row(
        "format-field-parsing",
        message(FIELD_PARSING, newline_none=True),
        [ev("\x00\n 2\n1\n3\n\n4")],
    ),
    row(
        "format-field-retry",
        message(b"retry:02000\ndata:x"),  # "02000" is 2000, not octal
        [ev("x", retry=2000)],
        retry=2000,
    ),
    row(
        "format-field-retry-bogus",
        message(b"retry:2000\nretry:1000x\ndata:x"),
        [ev("x", retry=2000)],
        retry=2000,
    ),
    row(
        "format-field-retry-empty",
        message(b"retry\ndata:test"),
        [ev("test")],
    ),
    row(
        "format-field-unknown",
        message(
            b"data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\n"
            b"data:test"
        ),
        [ev("test\n\ntest")],
    ),
    row(
        "format-leading-space",
        message(b"data:\ttest\rdata: \ndata:test"),
        [ev("\ttest\n\ntest")],
    ),
    row(
        "format-newlines",
        message(b"data:test\r\ndata\ndata:test\r\n\r", newline_none=True),
        [ev("test\n\ntest")],
    ),
    row(
        "format-null-character",
        message(b"data:\x00\n\n"),
        [ev("\x00")],
    ),
    row(
        "format-utf-8",
        # Sent with charset=windows-1252: the stream is UTF-8 regardless.
        message(b"data:ok\xe2\x80\xa6"),
        [ev("ok" + ELLIPSIS)],
    ),
    row("event-data", MESSAGE2, [ev("msg\nmsg"), ev(""), ev("end")]),
    row("event-data[repeated]", MESSAGE2 * 2, [ev("msg\nmsg"), ev(""), ev("end")] * 2),
]


def _run(case: Case, way: str) -> tuple[list[Any], SSEDecoder[Any]]:
    made: list[SSEDecoder[Any]] = []

    def factory() -> SSEDecoder[Any]:
        made.append(new_decoder(case.comments))
        return made[-1]

    feeder: DecoderFactory = factory
    items = FEED_WAYS[way](feeder, case.data)
    assert len(made) == 1
    return items, made[0]


@pytest.mark.parametrize("way", list(FEED_WAYS))
@pytest.mark.parametrize("case", WPT_ROWS)
def test_wpt_format(case: Case, way: str) -> None:
    items, decoder = _run(case, way)
    assert items == case.items
    assert decoder.state is DecoderState.CLOSED
    assert decoder.last_event_id == case.last_event_id
    assert decoder.retry == case.retry
    assert decoder.truncated is case.truncated


@pytest.mark.parametrize("case", WPT_ROWS)
def test_wpt_format_split_in_two_everywhere(case: Case) -> None:
    step = max(1, len(case.data) // 200)
    for cut in range(0, len(case.data) + 1, step):
        decoder = new_decoder(case.comments)
        items = decoder.feed(case.data[:cut]) + decoder.feed(case.data[cut:])
        items += decoder.close()
        assert items == case.items, cut
        assert decoder.last_event_id == case.last_event_id
        assert decoder.retry == case.retry
        assert decoder.truncated is case.truncated


def test_format_field_id_null_keeps_a_previous_id() -> None:
    # Ignoring the field is not resetting it: a previous id survives.
    d = SSEDecoder()
    stream = b"id: 1\n\n" + last_event_id_body(b"x\x00x")
    assert d.feed(stream) == [ev("hello", id="1", retry=200)]
    assert d.last_event_id == "1"


def test_format_field_retry_bogus_needs_the_valid_value_first() -> None:
    # Without the valid line the bogus one leaves the reconnection time unset.
    d = SSEDecoder()
    assert d.feed(message(b"retry:1000x\ndata:x")) == [ev("x")]
    assert d.retry is None
