"""The values the SSE decoder produces: ``ServerSentEvent`` and ``Comment``.

``ServerSentEvent`` is built once per event on the hottest path of the library, so
it is a slotted ``tuple`` subclass: the decoder builds it with :func:`make_event`,
one C-level ``tuple.__new__`` call that checks nothing (about 0.13 µs, against
0.56 µs for a frozen attrs class, measured when it was chosen), because the decoder's
fields are strings and ints by construction.  The public constructor checks its
arguments (keywords only, strings, an int or ``None``), for a few more type
tests.  An event is immutable, hashable, and equal only to other
``ServerSentEvent`` values.
"""

from __future__ import annotations

import inspect
import json
import types
from typing import TYPE_CHECKING, Any

import attrs

from sseparse.errors import UsageError, excerpt

__all__ = ["Comment", "ServerSentEvent", "make_event"]

_tuple_new = tuple.__new__
_FIELDS = ("event", "data", "id")


class ServerSentEvent(tuple[str, str, str, "int | None"]):
    """One dispatched event of an event stream.

    It unpacks as ``(event, data, id, retry)``.

    Attributes:
        event: the event type; ``"message"`` when the stream set none.
        data: the data buffer, lines joined with ``"\\n"``.
        id: the stream's last event ID in force when the event was dispatched.
        retry: the reconnection time (ms) set by a valid ``retry`` field in this
            event's own block, else ``None``.
    """

    __slots__ = ()

    if TYPE_CHECKING:

        def __new__(
            cls,
            *,
            event: str = "message",
            data: str = "",
            id: str = "",  # noqa: A002 - the field's name on the wire
            retry: int | None = None,
        ) -> ServerSentEvent: ...

    else:
        # At run time positional arguments are taken only to refuse them with a
        # clear message (type checkers see the keyword-only signature above).
        def __new__(cls, *args, event="message", data="", id="", retry=None):  # noqa: A002
            if args:
                raise _positional(args)
            if (
                type(event) is not str
                or type(data) is not str
                or type(id) is not str
                or (retry is not None and (type(retry) is not int))
            ):
                raise _mistyped(event, data, id, retry)
            return _tuple_new(cls, (event, data, id, retry))

    @property
    def event(self) -> str:
        return self[0]

    @property
    def data(self) -> str:
        return self[1]

    @property
    def id(self) -> str:
        return self[2]

    @property
    def retry(self) -> int | None:
        return self[3]

    def json(self, **kwargs: Any) -> Any:
        """Parse ``data`` with :func:`json.loads` (keyword arguments passed on)."""
        return json.loads(self[1], **kwargs)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ServerSentEvent):
            return tuple.__eq__(self, other)
        # Not NotImplemented: Python would then ask tuple.__eq__ of a plain tuple,
        # which would say a bare 4-tuple equals an event.
        return False

    def __ne__(self, other: object) -> bool:
        if isinstance(other, ServerSentEvent):
            return tuple.__ne__(self, other)
        return True

    __hash__ = tuple.__hash__

    def __repr__(self) -> str:
        return (
            f"ServerSentEvent(event={self[0]!r}, data={self[1]!r}, "
            f"id={self[2]!r}, retry={_int_repr(self[3])})"
        )

    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]:
        return (), {"event": self[0], "data": self[1], "id": self[2], "retry": self[3]}


# help() and inspect show the keyword-only signature, not the run-time *args.
ServerSentEvent.__new__.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [
        inspect.Parameter("cls", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter(
            "event", inspect.Parameter.KEYWORD_ONLY, default="message", annotation="str"
        ),
        inspect.Parameter(
            "data", inspect.Parameter.KEYWORD_ONLY, default="", annotation="str"
        ),
        inspect.Parameter(
            "id", inspect.Parameter.KEYWORD_ONLY, default="", annotation="str"
        ),
        inspect.Parameter(
            "retry",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation="int | None",
        ),
    ],
    return_annotation="ServerSentEvent",
)

if TYPE_CHECKING:

    def make_event(fields: tuple[str, str, str, int | None], /) -> ServerSentEvent:
        """Build an event from ``(event, data, id, retry)``, checking nothing."""

else:
    # tuple.__new__ bound to the class: a C call with no Python frame, as fast
    # as calling tuple.__new__ directly (functools.partial costs 20 % more).
    # Private to sseparse: the decoder's fast path, for fields that are strings
    # and an int (or None) by construction.
    make_event = types.MethodType(_tuple_new, ServerSentEvent)


def _positional(args: tuple[object, ...]) -> UsageError:
    shown = ", ".join(excerpt(a) if isinstance(a, str) else repr(a) for a in args)
    hint = f"data={excerpt(args[0])}" if isinstance(args[0], str) else "data=..."
    return UsageError(
        "ServerSentEvent() takes keyword arguments only (event=, data=, id=, "
        f"retry=), got {len(args)} positional: {shown}; "
        f"write ServerSentEvent({hint}) for the data"
    )


def _mistyped(event: object, data: object, ident: object, retry: object) -> UsageError:
    for name, value in zip(_FIELDS, (event, data, ident), strict=True):
        if type(value) is not str:
            return UsageError(
                f"ServerSentEvent() field {name!r}: expected str, got "
                f"{type(value).__name__} {_shown(value)}"
            )
    return UsageError(
        "ServerSentEvent() field 'retry': expected int or None, got "
        f"{type(retry).__name__} {_shown(retry)}"
    )


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _int_repr(value: int | None) -> str:
    """``repr`` of a retry value, also past ``sys.get_int_max_str_digits()``."""
    try:
        return repr(value)
    except ValueError:  # a huge int: hex has no conversion limit
        return f"{value:#x}"


@attrs.frozen(kw_only=True)
class Comment:
    """A comment line of the stream (``: text``), reported with ``comments=True``.

    Attributes:
        text: the line after its colon, with one leading space removed.
    """

    text: str
