"""The exception tree: every error pickles with its message and attributes."""

from __future__ import annotations

import pickle
from typing import TypedDict, cast

import attrs
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
    ProtocolError,
    SseparseError,
    StreamError,
    TruncatedBody,
    UnexpectedEvent,
    UsageError,
)
from sseparse.limits import Limits

_HEADERS = (("content-type", "application/json"),)


class _Response(TypedDict):
    """The keyword arguments every HTTP response error takes."""

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    body_truncated: bool


_RESPONSE: _Response = {
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


def test_usage_error_is_also_a_value_error_and_a_type_error() -> None:
    """Misuse is caught by ``except ValueError`` / ``TypeError`` as well."""
    assert issubclass(UsageError, SseparseError)
    assert issubclass(UsageError, ValueError)
    assert issubclass(UsageError, TypeError)
    assert not issubclass(UsageError, ProtocolError)


LIMIT_FIELDS = [field.name for field in attrs.fields(Limits)]


@pytest.mark.parametrize("field", LIMIT_FIELDS)
@pytest.mark.parametrize(
    ("value", "shown"),
    [(-1, "int -1"), (0, "int 0"), (True, "bool True"), (2.0, "float 2.0")],
    ids=repr,
)
def test_a_bad_limit_is_a_usage_error_naming_field_bound_and_value(
    field: str, value: object, shown: str
) -> None:
    """``Limits(max_line_bytes=-1)`` says which field, the bound, what came."""
    with pytest.raises(UsageError) as info:
        Limits(**{field: cast("int", value)})  # not an int, or out of range
    message = str(info.value)
    assert f"Limits.{field}" in message
    assert "at least 1" in message
    assert message.endswith(f"got {shown}")


def test_a_bad_limit_is_still_caught_as_value_error() -> None:
    """Code written when it was a plain ValueError keeps working."""
    with pytest.raises(ValueError, match="max_line_bytes"):
        Limits(max_line_bytes=-1)


def test_a_huge_bad_limit_is_echoed_cut_short() -> None:
    with pytest.raises(UsageError) as info:
        Limits(max_event_chars="x" * 500)  # type: ignore[arg-type]
    assert len(str(info.value)) < 120
    assert "…" in str(info.value)
