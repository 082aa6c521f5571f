"""What the three accumulators share of their state machine: the public state
and the way they fail.

Theory of operation.  Each accumulator keeps ``_state`` (an
:class:`AccumulatorState`), ``_error`` (what put it in ``ERROR``) and
``_chunks`` (how many payloads it has taken, for messages).  Every error an
accumulator raises goes through :meth:`AccumulatorBase._fail`, which moves it
to ``ERROR`` first, so a machine in error stays in error: every later
``feed``, ``feed_chunk`` or ``close`` gets the :meth:`_refusal` that names the
first error (and chains it).  Nothing here runs per delta.
"""

from __future__ import annotations

import enum
import json
from typing import Any, ClassVar, NoReturn

from sseparse.errors import InvalidChunk, UsageError, WrongProtocol, excerpt
from sseparse.llm._detect import check_first_payload
from sseparse.llm._eventclass import tuple_maker
from sseparse.llm._formats import ParsingOptions, Protocol
from sseparse.llm.events import ChunkReceived, ContentDelta, ToolCallArgumentsDelta

__all__ = [
    "AccumulatorBase",
    "AccumulatorState",
    "Path",
    "make_arguments_delta",
    "make_chunk_received",
    "make_content_delta",
    "path",
]


class AccumulatorState(enum.Enum):
    """Where an accumulator is in its stream."""

    STREAMING = "streaming"
    DONE = "done"  # the end marker came; later events pass through as unknown
    CLOSED = "closed"
    ERROR = "error"


_ERROR = AccumulatorState.ERROR

# The events of the accumulators' fast paths, built by one C call each (see
# sseparse.llm._eventclass): the tuples list the fields in the classes'
# layout, which tuple_maker checks here, at import.
make_chunk_received = tuple_maker(ChunkReceived, ("chunk", "choice_index"))
make_content_delta = tuple_maker(
    ContentDelta,
    ("choice_index", "index", "content_index", "delta", "_slot", "_end", "_json"),
)
make_arguments_delta = tuple_maker(
    ToolCallArgumentsDelta,
    (
        "choice_index",
        "index",
        "content_index",
        "id",
        "name",
        "call_type",
        "provider_executed",
        "arguments_delta",
        "_slot",
        "_end",
    ),
)

Path = tuple[str | int, ...]  # where a field is, for messages


def path(*steps: str | int) -> str:
    """*steps* as a field path for messages: ``choices[0].delta.content``."""
    out = ""
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


class AccumulatorBase(ParsingOptions):
    """The base of the three accumulators: ``state`` and the error paths."""

    # What one payload is called in messages ("chunk N", "event N").
    _unit: ClassVar[str] = "event"
    _protocol: ClassVar[Protocol]
    _state: AccumulatorState
    _error: BaseException | None
    _chunks: int

    @property
    def state(self) -> AccumulatorState:
        """Where the accumulator is in its stream."""
        return self._state

    def _check_first(self, payload: Any) -> None:
        """Fail with :class:`WrongProtocol` when *payload*, before the stream's
        own start, is surely another protocol's (see :mod:`._detect`)."""
        try:
            check_first_payload(self._protocol, payload)
        except WrongProtocol as exc:
            self._fail(exc)

    def _fail(self, exc: BaseException) -> NoReturn:
        self._state = _ERROR
        self._error = exc
        raise exc

    def _refusal(self, what: str) -> UsageError:
        if self._state is _ERROR:
            err = UsageError(
                f"cannot {what}(): the accumulator failed with {self._error!r}"
            )
            err.__cause__ = self._error
            return err
        return UsageError(f"cannot {what}(): the accumulator is closed")

    def _invalid(self, field: str | Path, expected: str, value: Any) -> NoReturn:
        """Fail with :class:`InvalidChunk`: *value* at *field* is not *expected*."""
        try:
            data = json.dumps(value)
        except (TypeError, ValueError):
            data = repr(value)
        name = field if isinstance(field, str) else (path(*field) if field else None)
        where = name if name is not None else f"the {self._unit}"
        self._fail(
            InvalidChunk(
                f"{self._unit} {self._chunks}: expected {expected} at {where}, "
                f"got {excerpt(data)}",
                chunk_index=self._chunks,
                field=name,
                data=data,
            )
        )
