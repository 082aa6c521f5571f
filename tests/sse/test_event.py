"""Building ``ServerSentEvent`` values: the checked public constructor and the
decoder's private, unchecked fast one.

The public constructor takes keywords only (a positional ``"hi"`` could mean the
type or the data, so it is refused with a message that shows how to write it)
and checks each field's type; ``make_event`` builds the same value from a tuple
without checks, for the decoder's hot path.
"""

from __future__ import annotations

import inspect
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sseparse.sse._decoder as decoder_module
from sseparse import ServerSentEvent, SSEDecoder, UsageError
from sseparse.sse._event import make_event

# keyword arguments -> fragments the message must hold (field, expected, got)
BAD_FIELDS: list[tuple[dict[str, Any], tuple[str, ...]]] = [
    ({"data": 1}, ("'data'", "expected str", "got int 1")),
    ({"data": b"x"}, ("'data'", "expected str", "got bytes b'x'")),
    ({"data": None}, ("'data'", "expected str", "got NoneType None")),
    ({"event": 3.5}, ("'event'", "expected str", "got float 3.5")),
    ({"id": 7}, ("'id'", "expected str", "got int 7")),
    ({"retry": "10"}, ("'retry'", "expected int or None", "got str '10'")),
    ({"retry": True}, ("'retry'", "expected int or None", "got bool True")),
    ({"retry": 1.0}, ("'retry'", "expected int or None", "got float 1.0")),
    ({"data": "x" * 100, "id": ["a"]}, ("'id'", "got list ['a']")),
    ({"data": [0] * 100}, ("'data'", "got list", "…")),
]


@pytest.mark.parametrize(("kwargs", "fragments"), BAD_FIELDS, ids=repr)
def test_a_mistyped_field_is_refused(
    kwargs: dict[str, Any], fragments: tuple[str, ...]
) -> None:
    """The message names the field, the expected type and what came."""
    with pytest.raises(UsageError) as info:
        ServerSentEvent(**kwargs)
    for fragment in fragments:
        assert fragment in str(info.value)
    assert len(str(info.value)) < 120  # what came is cut short


def test_a_mistyped_field_is_a_type_error_too() -> None:
    """``except TypeError`` around a constructor still catches it."""
    with pytest.raises(TypeError):
        ServerSentEvent(data=1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("hi",), ("keyword arguments only", "got 1 positional: 'hi'", "data='hi'")),
        (("a", "b"), ("got 2 positional: 'a', 'b'",)),
        ((1,), ("got 1 positional: 1", "data=...")),
        (("x" * 100,), ("…",)),
    ],
    ids=repr,
)
def test_positional_arguments_are_refused_clearly(
    args: tuple[Any, ...], fragments: tuple[str, ...]
) -> None:
    """``ServerSentEvent("hi")`` says keywords only and how to write it."""
    with pytest.raises(UsageError) as info:
        ServerSentEvent(*args)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_the_signature_shown_is_keyword_only() -> None:
    """help() and inspect show the keywords, not the run-time ``*args``."""
    params = inspect.signature(ServerSentEvent).parameters
    assert list(params) == ["event", "data", "id", "retry"]
    assert {p.kind for p in params.values()} == {inspect.Parameter.KEYWORD_ONLY}
    assert [p.default for p in params.values()] == ["message", "", "", None]


def test_large_and_zero_retries_are_ints() -> None:
    """Any int is a retry; the type check does not bound it."""
    assert ServerSentEvent(retry=0).retry == 0
    assert ServerSentEvent(retry=10**100).retry == 10**100


texts = st.text(max_size=20)
retries = st.none() | st.integers(min_value=0)


@given(event=texts, data=texts, ident=texts, retry=retries)
def test_make_event_builds_what_the_constructor_builds(
    event: str, data: str, ident: str, retry: int | None
) -> None:
    """The fast constructor and the checked one give equal, same-typed values."""
    checked = ServerSentEvent(event=event, data=data, id=ident, retry=retry)
    fast = make_event((event, data, ident, retry))
    assert type(fast) is ServerSentEvent
    assert fast == checked
    assert hash(fast) == hash(checked)
    assert (fast.event, fast.data, fast.id, fast.retry) == (event, data, ident, retry)
    assert pickle.loads(pickle.dumps(fast)) == checked


def test_the_decoder_builds_events_with_make_event() -> None:
    """The decoder goes through the event's own constructor, not its layout."""
    source = inspect.getsource(decoder_module)
    assert "tuple.__new__" not in source
    assert "make_event(" in source
    out = SSEDecoder().feed(b"event: e\nid: 1\nretry: 5\ndata: x\n\ndata: y\n\n")
    assert out == [
        ServerSentEvent(event="e", data="x", id="1", retry=5),
        ServerSentEvent(data="y", id="1"),
    ]
    assert all(type(e) is ServerSentEvent for e in out)
