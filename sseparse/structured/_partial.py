"""Partial views: the typed object as it forms, from a live ``JSONStreamParser``.

Theory of operation
-------------------
The parser keeps one live tree and says which path is still open
(``open_path``); everything off that path is complete and never changes again
(arrays and objects only grow at their end).  The tracker keeps a *cursor* for
each container on the open path: its shape, its raw container, how many members
it has settled (``done``), their typed results, and its :class:`Partial` view.

``update()`` walks the open path from the top, one cursor per level.  At each
level it settles the members added since the last update that are no longer open
(validated once, whole: :func:`validate` on that member) and, for the one open
member, shows it: the prefix of a string (for a ``str`` field), a nested
:class:`Partial` for a container (a new cursor, the next level).  A member that
was open at the last update and is now complete is settled by finishing its
cursor chain bottom-up: each cursor settles its remaining members and builds its
result from the results it holds (``Container.finish``), so no member is ever
validated twice.  Nothing recurses: the walk down the open path and the chain of
finishes are loops.

A union of object shapes follows its tag: the cursor waits (showing no members)
until the tag member is complete, then takes the chosen member's shape and
settles everything from the start.  A union it cannot resolve that way (two
object members and no tag), and a value of the wrong kind, are validated whole
once complete.  ``Any`` containers show the parser's live value.

Cost per update: the depth of the open path plus the members settled since the
last one, each validated once.  Reading the view after every delta therefore
costs O(depth) per delta plus O(size) for the whole stream; ``validations``
counts the node visits so that tests can check it.

Invariants (monotone views): a status only moves forward (absent, streaming,
then final or invalid); a shown value is only replaced by an extension of itself
(a longer prefix of the same string, the same :class:`Partial` with more
members) or, once final, by the typed value.  An invalid member keeps what was
shown and its status says invalid.  The one exception is the parser's own: a
duplicate key replaces an earlier value in the JSON (``json.loads`` keeps the
last), but a member already settled here stays as it was settled; the final
object from ``Target.validate`` follows ``json.loads``.
"""

from __future__ import annotations

import enum
import itertools
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sseparse.errors import UsageError, ValidationError
from sseparse.jsonstream import MISSING
from sseparse.structured._shapes import (
    INVALID,
    AnyShape,
    Container,
    Loc,
    Run,
    ScalarShape,
    Shape,
    UnionShape,
    format_path,
    path_of,
    validate,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from sseparse.jsonstream import JSONStreamParser

__all__ = ["FieldStatus", "Partial", "PartialTracker"]

T = TypeVar("T")


class FieldStatus(enum.Enum):
    """Where a value of a partial view stands."""

    #: Nothing of it has arrived.
    ABSENT = "absent"
    #: It has begun and is still open (a string's prefix, an open container).
    STREAMING = "streaming"
    #: It is complete and valid; its typed value will not change.
    FINAL = "final"
    #: It is complete and does not fit the target (see the tracker's errors).
    INVALID = "invalid"


_ABSENT = FieldStatus.ABSENT
_STREAMING = FieldStatus.STREAMING
_FINAL = FieldStatus.FINAL
_INVALID = FieldStatus.INVALID


class Partial(Generic[T]):
    """A live view of one JSON object or array as it forms, typed once final.

    Members are keyed by JSON property name (objects) or index (arrays);
    iterating gives those that have begun.  A
    member's value is its typed value once final, the prefix of a string still
    streaming (for a ``str`` field), or a nested :class:`Partial` for an open
    object or array; a member that is absent, or streaming but not shown (a
    number, a date-time, an enum), has no value.

    The view is updated in place by :meth:`PartialTracker.update`; it is not a
    copy.
    """

    __slots__ = ("_final", "_path", "_status", "_statuses", "_values")

    def __init__(self, path: tuple[str | int, ...]) -> None:
        self._path = path
        self._status = _ABSENT
        self._final: Any = MISSING
        self._values: dict[str | int, Any] = {}
        self._statuses: dict[str | int, FieldStatus] = {}

    @property
    def path(self) -> tuple[str | int, ...]:
        """Where this value is, from the top-level value."""
        return self._path

    @property
    def status(self) -> FieldStatus:
        """Where this value stands as a whole."""
        return self._status

    @property
    def final(self) -> T:
        """The validated value, once :attr:`status` is ``FINAL``.

        Raises:
            UsageError: the value is absent, still streaming, or invalid.
        """
        if self._status is not _FINAL:
            raise UsageError(
                f"the value at {format_path(self._path)} is {self._status.value}, "
                "not final"
            )
        result: T = self._final
        return result

    def status_of(self, key: str | int) -> FieldStatus:
        """Where member *key* stands."""
        return self._statuses.get(key, _ABSENT)

    def is_final(self, key: str | int | None = None) -> bool:
        """Whether member *key* (or, without one, the whole value) is final."""
        if key is None:
            return self._status is _FINAL
        return self._statuses.get(key) is _FINAL

    def get(self, key: str | int, default: Any = None) -> Any:
        """Member *key*'s value as shown now, or *default* when none is shown."""
        return self._values.get(key, default)

    def __iter__(self) -> Iterator[str | int]:
        """The members that have begun (any status but absent), in order."""
        return iter(self._statuses)

    def __len__(self) -> int:
        return len(self._statuses)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{key!r}: {value!r}"
            for key, value in itertools.islice(self._values.items(), 20)
        )
        more = ", ..." if len(self._values) > 20 else ""
        return f"Partial({self._status.value}, {{{shown}{more}}})"


_NO_KEY: Any = object()


class _Cursor:
    """One open container on the parser's open path."""

    __slots__ = (
        "child",
        "child_key",
        "done",
        "failed",
        "loc",
        "ok",
        "pending",
        "raw",
        "results",
        "shape",
        "text",
        "union",
        "view",
    )

    def __init__(
        self,
        shape: Container | None,
        union: UnionShape | None,
        raw: Any,
        loc: Loc,
        view: Partial[Any],
    ) -> None:
        self.shape = shape
        self.union = union  # while a tagged union waits for its tag
        self.raw = raw
        self.loc = loc
        self.view = view
        self.results: Any = {} if type(raw) is dict else []
        self.ok = True
        self.done = 0  # members settled
        self.child_key: Any = _NO_KEY  # the member open at the last update
        self.child: _Cursor | None = None  # its cursor, when it has one
        self.pending: Any = MISSING  # its result, once its chain is finished
        self.text = False  # whether the open member's string prefix is shown
        self.failed = False  # a waiting union's tag came and fits no member
        view._status = _STREAMING


def _tracked(shape: Shape, raw: Any) -> Container | UnionShape | None:
    """The shape that follows container *raw* member by member, if any.

    A container shape of *raw*'s kind; a tagged union still to resolve; or
    ``None`` when *raw* is to be validated whole once complete.
    """
    while True:
        if isinstance(shape, Container):
            return shape if type(raw) is shape.pytype else None
        if not isinstance(shape, UnionShape):
            return None
        found = shape.candidates(raw)
        if len(found) == 1:
            shape = found[0]
        elif found and type(raw) is dict and shape.tag is not None:
            return shape
        else:
            return None


def _shows_text(shape: Shape) -> bool:
    """Whether a string's prefix may be shown: the field takes any string."""
    shape = shape.core()
    while isinstance(shape, UnionShape):
        found = shape.candidates("")
        if len(found) != 1:
            return False
        shape = found[0].core()
    return isinstance(shape, AnyShape) or (
        isinstance(shape, ScalarShape) and shape.kind == "string"
    )


class PartialTracker(Generic[T]):
    """Follows one ``JSONStreamParser`` and keeps a typed partial view of it.

    Made by ``Target.partial(parser)``.  Feed the parser, then call
    :meth:`update`; :attr:`view` is the top-level value's :class:`Partial`.
    Errors are reported, never raised.

    Example:
        >>> import dataclasses
        >>> from sseparse.jsonstream import JSONStreamParser
        >>> from sseparse.structured import Target
        >>> @dataclasses.dataclass
        ... class City:
        ...     name: str
        ...     people: int
        >>> parser = JSONStreamParser()
        >>> tracker = Target.of(City).partial(parser)
        >>> parser.feed('{"people": 2161000, "name": "Par')
        []
        >>> tracker.update()
        []
        >>> tracker.view.get("name"), tracker.view.status_of("name").value
        ('Par', 'streaming')
        >>> tracker.view.get("people"), tracker.view.is_final("people")
        (2161000, True)
        >>> parser.feed('is"}')
        []
        >>> parser.close()
        {'people': 2161000, 'name': 'Paris'}
        >>> tracker.update()
        []
        >>> tracker.view.final
        City(name='Paris', people=2161000)
    """

    def __init__(self, shape: Shape, parser: JSONStreamParser) -> None:
        self._shape = shape
        self._parser = parser
        self._view: Partial[T] = Partial(())
        self._cursor: _Cursor | None = None
        self._run = Run()
        self._done = False

    @property
    def view(self) -> Partial[T]:
        """The top-level value's view (live: :meth:`update` changes it)."""
        return self._view

    @property
    def errors(self) -> Sequence[ValidationError]:
        """Every validation error found so far, in the order found."""
        return self._run.errors

    @property
    def validations(self) -> int:
        """How many JSON values (and containers finished) were validated so far.

        A measure of work: it grows with the size of the document, not with the
        number of updates.
        """
        return self._run.count

    def update(self) -> list[ValidationError]:
        """Bring the view up to date with the parser.

        Returns:
            The errors of the members that completed since the last update.
        """
        run = self._run
        before = len(run.errors)
        if self._done:
            return []
        raw = self._parser.snapshot()
        if raw is MISSING:
            return []
        open_path = self._parser.open_path
        view = self._view
        if view._status is _ABSENT:
            view._status = _STREAMING
            if open_path is not None and type(raw) in (dict, list):
                self._cursor = self._open(self._shape, raw, None, view)
        cursor = self._cursor
        depth = 0
        while cursor is not None:
            if open_path is not None and len(open_path) > depth:
                cursor = self._advance(cursor, open_path[depth])
            else:
                cursor = self._advance(cursor, _NO_KEY)
            depth += 1
        if open_path is None:
            if self._cursor is None:
                _settle(view, validate(self._shape, raw, None, run))
            else:
                self._finish(self._cursor)
            self._done = True
        return run.errors[before:]

    def _open(
        self, shape: Shape, raw: Any, loc: Loc, view: Partial[Any]
    ) -> _Cursor | None:
        found = _tracked(shape, raw)
        if found is None:
            return None
        if isinstance(found, UnionShape):
            return _Cursor(None, found, raw, loc, view)
        return _Cursor(found, None, raw, loc, view)

    def _resolve(self, cursor: _Cursor, open_key: Any) -> bool:
        """Choose a waiting union's member once its tag is complete."""
        union = cursor.union
        while union is not None:
            tag = union.tag
            if tag is None or tag not in cursor.raw or tag == open_key:
                return False
            value = cursor.raw[tag]
            member = union.by_tag(value)
            if member is None:
                if not cursor.failed:  # report it now, not when the object ends
                    cursor.failed = True
                    self._run.fail((cursor.loc, tag), union.tag_expected(), value)
                return False
            found = _tracked(member, cursor.raw)
            if found is None:
                return False
            if isinstance(found, Container):
                cursor.shape, cursor.union = found, None
                return True
            union = cursor.union = found
        return False

    def _advance(self, cursor: _Cursor, key: Any) -> _Cursor | None:
        """Settle *cursor*'s completed members; return the open member's cursor.

        Args:
            cursor: a container on the open path.
            key: its open member, or ``_NO_KEY``.
        """
        if cursor.shape is None and not self._resolve(cursor, key):
            return None
        child = cursor.child
        if child is not None and cursor.child_key != key:
            cursor.pending = self._finish(child)
            cursor.child = None
        raw = cursor.raw
        new = len(raw) - cursor.done
        if new <= 0:
            return None
        if type(raw) is dict:
            keys: Sequence[Any] = list(itertools.islice(reversed(raw), new))
            keys.reverse()  # type: ignore[attr-defined]
        else:
            keys = range(cursor.done, len(raw))
        for member in keys:
            if member == key:
                return self._stream(cursor, member)
            self._settle_member(cursor, member)
            cursor.done += 1
        return None

    def _stream(self, cursor: _Cursor, key: Any) -> _Cursor | None:
        """Show the open member *key* of *cursor*; return its cursor, if any."""
        assert cursor.shape is not None
        shape = cursor.shape.child(key)
        if shape is None:
            return None
        value = cursor.raw[key]
        view = cursor.view
        if cursor.child_key != key:
            cursor.child_key = key
            cursor.pending = MISSING
            cursor.text = False
            view._statuses[key] = _STREAMING
            if type(value) is dict or type(value) is list:
                loc = (cursor.loc, key)
                child_view: Partial[Any] = Partial(path_of(loc))
                cursor.child = self._open(shape, value, loc, child_view)
                if cursor.child is not None:
                    view._values[key] = child_view
                elif isinstance(shape, AnyShape):
                    view._values[key] = value  # the parser's live value
            else:
                cursor.text = type(value) is str and _shows_text(shape)
        if cursor.text:
            view._values[key] = value
        return cursor.child

    def _settle_member(self, cursor: _Cursor, key: Any) -> None:
        """Validate complete member *key* of *cursor* (once) and record it."""
        assert cursor.shape is not None
        shape = cursor.shape.child(key)
        if cursor.child_key == key:
            result = cursor.pending
            cursor.child_key = _NO_KEY
            cursor.pending = MISSING
            if result is MISSING and shape is not None:
                result = validate(shape, cursor.raw[key], (cursor.loc, key), self._run)
        elif shape is None:
            return
        else:
            result = validate(shape, cursor.raw[key], (cursor.loc, key), self._run)
        view = cursor.view
        if result is INVALID:
            cursor.ok = False
            view._statuses[key] = _INVALID
        else:
            view._statuses[key] = _FINAL
            view._values[key] = result
        if type(cursor.results) is list:
            cursor.results.append(result)
        elif result is not INVALID:
            cursor.results[key] = result

    def _finish(self, top: _Cursor) -> Any:
        """Close *top* and the open chain under it, bottom-up; *top*'s result."""
        chain = []
        cursor: _Cursor | None = top
        while cursor is not None:
            chain.append(cursor)
            cursor = cursor.child
        result: Any = MISSING
        for cursor in reversed(chain):
            if cursor.child is not None:
                cursor.pending = result
                cursor.child = None
            result = self._close(cursor)
        return result

    def _close(self, cursor: _Cursor) -> Any:
        run = self._run
        if cursor.shape is None and not self._resolve(cursor, _NO_KEY):
            assert cursor.union is not None
            if cursor.failed:
                result = INVALID  # its error is reported already
            else:
                result = validate(cursor.union, cursor.raw, cursor.loc, run)
        else:
            assert cursor.shape is not None
            self._advance(cursor, _NO_KEY)
            run.count += 1
            result = cursor.shape.finish(
                cursor.raw, cursor.results, cursor.ok, cursor.loc, run
            )
        _settle(cursor.view, result)
        return result


def _settle(view: Partial[Any], result: Any) -> None:
    if result is INVALID:
        view._status = _INVALID
    else:
        view._status = _FINAL
        view._final = result
