"""The exception tree: every error pickles with its message and attributes."""

from __future__ import annotations

import pickle

import pytest

from sseparse.errors import (
    BadContentEncoding,
    BadContentType,
    BadStatus,
    ContentFilterFinishReasonError,
    IncompleteStream,
    InvalidChunk,
    JSONStreamError,
    LengthFinishReasonError,
    LimitExceeded,
    MalformedResponse,
    SseparseError,
    StreamError,
    TruncatedBody,
    UnexpectedEvent,
    UsageError,
)

_HEADERS = (("content-type", "application/json"),)
_RESPONSE = {
    "status": 404,
    "reason": "Not Found",
    "headers": _HEADERS,
    "body": b'{"error": 1}',
    "body_truncated": False,
}

ERRORS: list[SseparseError] = [
    UsageError("feed() after close()"),
    UnexpectedEvent("no"),
    LimitExceeded("max_line_bytes", maximum=4, observed=5, what="a line"),
    JSONStreamError("Expecting value", doc="[x", pos=1, lineno=1, colno=2),
    InvalidChunk("bad", chunk_index=3, field="choices[0]", data="{}"),
    IncompleteStream("cut", snapshot={"id": "x"}),
    StreamError("boom", body={"error": 1}, snapshot={"id": "x"}),
    LengthFinishReasonError("length", snapshot={"a": 1}),
    ContentFilterFinishReasonError("filter", snapshot={"a": 1}),
    BadStatus("404", **_RESPONSE),
    BadContentType("plain", **_RESPONSE),
    BadContentEncoding("br", **_RESPONSE),
    MalformedResponse("garbage", offset=7, detail="illegal chunk header"),
    TruncatedBody("cut", received=3, expected=10, detail="short"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_every_error_pickles_with_its_attributes(error: SseparseError) -> None:
    """A pickled error comes back with its type, message and every attribute."""
    error.items = ("an event",)  # type: ignore[attr-defined]
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    assert again.args == error.args
    assert vars(again) == vars(error)
    assert "items" in vars(again)  # attributes set after raising survive too
