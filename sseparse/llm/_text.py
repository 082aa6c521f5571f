"""Text that grows by fragments, and the JSON inside it, parsed once.

Theory of operation
-------------------
A :class:`TextSlot` is one growing text field of an accumulated object (a
message's ``content``, a tool call's ``arguments``).  ``append`` is O(1): the
fragment joins a list.  ``text()`` joins the pending fragments onto the text
joined so far, and costs O(pending fragments), not O(length), however often it
is called.  The slot knows where it lives in the live snapshot
(``owner[key]``) and writes the joined text there when the accumulator
refreshes its dirty slots.

This rests on one CPython behaviour: ``text += more``, where ``text`` is a
local variable and the string object has no other reference (and is not
interned, and ``more`` needs no wider character kind), resizes the string in
place (``unicode_concatenate`` in ``ceval.c``, then ``PyUnicode_Append``):
the cost is the characters added, amortised by the allocator's ``realloc``.
Any other reference makes it a copy of the whole text.  So while it joins,
``text()`` holds the only references the slot controls: its own (``_text``,
emptied first) and the live snapshot's (``owner[key]``, set to ``None`` when
it holds this very text, and given the longer text back right after: the
snapshot then shows more text than at its last refresh, as it would at the
next one).  A reference the caller kept (a ``ContentDone.content``, a
snapshot string a consumer stored) still costs one copy, once: the copy has
no other reference.  So does each widening of the character kind (ASCII,
Latin-1, UCS-2, UCS-4: at most three).  Other interpreters copy on every
``+=``; results are the same, only the cost per ``text()`` is O(length).
``tests/llm/test_text_slot.py`` counts the bytes allocated per ``text()``
(``tracemalloc`` counts a ``realloc`` as its size change) to keep it linear.

The JSON view (``partial`` / ``final``) feeds a
:class:`~sseparse.jsonstream.JSONStreamParser` with the fragments it has not
seen yet, so reading the partial value after every delta costs O(delta) and the
whole text is parsed exactly once.  Nothing is parsed unless asked for.

The typed view (``view`` / ``settle``) exists when the accumulator armed the
slot with a :class:`~sseparse.structured.Target` (a typed or JSON-schema
``response_format``, a tool given as a type or schema).  ``view`` feeds the
same parser as ``partial`` and updates one
:class:`~sseparse.structured.PartialTracker` per slot, so it too costs O(delta)
per read.  ``settle`` validates the whole value once, at the done event, and
keeps the typed object or the error.  A slot that was never armed does no
typed work at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sseparse.errors import (
    IncompleteJSON,
    JSONStreamError,
    LimitExceeded,
    UsageError,
    ValidationError,
)
from sseparse.jsonstream import JSONStreamParser, parse_partial

if TYPE_CHECKING:
    from sseparse.limits import Limits
    from sseparse.llm._formats import ToolProblem
    from sseparse.structured import Partial, PartialTracker, Target

__all__ = ["TextSlot"]


class TextSlot:
    """One growing text field: fragments in, the joined text on demand."""

    __slots__ = (
        "_error",
        "_final",
        "_has_final",
        "_limits",
        "_parsed_len",
        "_parser",
        "_settled",
        "_text",
        "_tracker",
        "_withdrawn",
        "dirty",
        "error",
        "key",
        "length",
        "owner",
        "parsed",
        "parts",
        "pending",
        "problem",
        "target",
        "typed",
        "typed_value",
    )

    def __init__(
        self,
        owner: dict[str, Any] | None,
        key: str,
        limits: Limits,
        *,
        parsed: bool = True,
    ) -> None:
        self.owner = owner
        # Whether this text may be read as JSON.  A text nobody will parse
        # (content without a JSON response_format, refusals, reasoning) keeps
        # no queue of fragments for a parser that never runs.
        self.parsed = parsed
        self.key = key
        self.length = 0
        self.dirty = False
        # Fragments not joined into the text yet, and not fed to the JSON
        # parser yet: public so that the accumulator's fast path can append
        # without a call (keep the three updates of append() together).
        self.parts: list[str] = []
        self._text = ""
        self._limits = limits
        self._parser: JSONStreamParser | None = None
        self.pending: list[str] = []  # fragments the parser has not seen
        self._parsed_len = 0  # characters the parser has seen
        self._error: BaseException | None = None
        self._final: Any = None
        self._has_final = False
        self._withdrawn = False
        # The typed view: armed by the accumulator (see arm()), else all None.
        self.target: Target[Any] | None = None
        self.typed = False
        self._tracker: PartialTracker[Any] | None = None
        self._settled = False
        self.typed_value: Any = None
        self.error: BaseException | None = None
        self.problem: ToolProblem | None = None

    def append(self, fragment: str) -> None:
        self.parts.append(fragment)
        if self.parsed:
            self.pending.append(fragment)
        self.length += len(fragment)

    def text(self) -> str:
        """The whole text so far."""
        parts = self.parts
        if parts:
            text = self._text
            self._text = ""
            owner = self.owner
            if owner is not None and owner.get(self.key) is text:
                # The snapshot's reference would make += copy: dropped while
                # the local is the only one, then given the longer text.
                key = self.key
                owner[key] = None
                text += "".join(parts)
                owner[key] = text
            else:
                text += "".join(parts)  # the only reference: grows in place
            parts.clear()
            self._text = text
        return self._text

    def prefix(self, length: int) -> str:
        """The text as it was when it was *length* characters long."""
        text = self.text()
        return text if length >= len(text) else text[:length]

    def refresh(self) -> None:
        """Write the joined text into the live snapshot."""
        owner = self.owner
        if owner is not None:
            owner[self.key] = None  # drop the snapshot's reference first
            owner[self.key] = self.text()
        self.dirty = False

    # -- the JSON view ---------------------------------------------------------------

    def partial(self, length: int) -> Any:
        """The partial JSON value of the text's first *length* characters.

        Raises:
            JSONStreamError: those characters are not the start of a JSON text.
        """
        pending = self.pending
        parser = self._parser
        if (
            len(pending) == 1
            and parser is not None  # so the text is parsed, and was read before
            and length == self._parsed_len + len(pending[0])
            and self._error is None
            and not self._has_final
        ):
            # The common read: the one fragment that came since the last read,
            # fed as _feed_pending() would feed it, without its loop and call.
            fragment = pending.pop()
            self._parsed_len = length
            try:
                parser.feed(fragment)
            except (JSONStreamError, LimitExceeded) as exc:
                self._error = exc
                raise
            return parser.snapshot()
        if self._has_final:
            if self._withdrawn:
                return None
            final = self._final
            if length >= self.length and type(final) in (dict, list, str):
                return final
            # a top-level number or literal is not shown until the end of input
            return self._late(length)
        if length < self._parsed_len:
            return self._late(length)  # read after later deltas were parsed
        parser = self._feed_pending(length)
        return parser.snapshot()

    def final(self) -> Any:
        """Exactly ``json.loads`` of the whole text.

        Raises:
            JSONStreamError: the text is not JSON (``IncompleteJSON`` when cut).
        """
        if not self._has_final:
            parser = self._feed_pending(self.length)
            try:
                self._final = parser.close()
            except (JSONStreamError, LimitExceeded) as exc:
                self._error = exc
                raise
            self._has_final = True
        return self._final

    def withdraw(self) -> None:
        """The text turned out not to be the JSON asked for (an Anthropic
        refusal): from now on both JSON views read ``None``, never an error."""
        self._withdrawn = True
        self._has_final = True
        self._final = None
        self.pending.clear()

    # -- the typed view ---------------------------------------------------------------

    def arm(self, target: Target[Any] | None, *, typed: bool) -> None:
        """Read this text as *target* (``typed``: the final value is the typed
        object, else the JSON value checked against the target)."""
        self.target = target
        self.typed = typed and target is not None

    def view(self, length: int) -> Partial[Any] | None:
        """The typed partial view of the text's first *length* characters.

        ``None`` when the slot is not armed or was withdrawn.  One tracker per
        slot follows the slot's parser: O(delta) per read at the event's time;
        a late read builds a tracker of its own over the prefix (O(length)).

        Raises:
            JSONStreamError: those characters are not the start of a JSON text.
        """
        target = self.target
        if target is None or self._withdrawn:
            return None
        if length < self._parsed_len or (self._has_final and length < self.length):
            parser = JSONStreamParser(limits=self._limits)
            parser.feed(self.prefix(length))
            late = target.partial(parser)
            late.update()
            return late.view
        parser = self._feed_pending(length)
        tracker = self._tracker
        if tracker is None:
            tracker = self._tracker = target.partial(parser)
        tracker.update()
        return tracker.view

    def settle(self) -> BaseException | None:
        """Validate the whole text against the target, once; the error if any.

        A text cut short (``IncompleteJSON``) is no error here: the finish
        reason or ``complete=False`` reports it; its value is ``None``.
        """
        target = self.target
        if self._settled or target is None or self._withdrawn:
            return self.error
        self._settled = True
        try:
            value = self.final()
        except IncompleteJSON:
            return None
        except (JSONStreamError, LimitExceeded) as exc:
            self.error = exc
            return exc
        try:
            typed = target.validate(value)
        except ValidationError as exc:
            self.error = exc
            typed = None
        self.typed_value = typed
        return self.error

    def done_value(self) -> Any:
        """The done event's value: for a slot armed with a class, the typed
        object (``None`` when the text is not JSON, is cut short or does not
        validate; never raises); else ``final()``, the JSON value.
        """
        if not self.typed:
            return self.final()
        self.settle()
        return self.typed_value

    def _feed_pending(self, length: int) -> JSONStreamParser:
        """Feed the parser the fragments that end at or before *length*."""
        if not self.parsed:
            raise UsageError(f"the {self.key!r} text is not parsed as JSON")
        if self._error is not None:
            raise self._error
        parser = self._parser
        if parser is None:
            parser = self._parser = JSONStreamParser(limits=self._limits)
        pending = self.pending
        if pending and length > self._parsed_len:
            # Fragments end where events end: take whole ones up to *length*.
            taken = 0
            size = self._parsed_len
            for fragment in pending:
                if size + len(fragment) > length:
                    break
                size += len(fragment)
                taken += 1
            chunk = pending[0] if taken == 1 else "".join(pending[:taken])
            del pending[:taken]
            self._parsed_len = size
            try:
                parser.feed(chunk)
            except (JSONStreamError, LimitExceeded) as exc:
                self._error = exc
                raise
        return parser

    def _late(self, length: int) -> Any:
        return parse_partial(self.prefix(length), limits=self._limits)
