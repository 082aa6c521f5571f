"""Text that grows by fragments, and the JSON inside it, parsed once.

Theory of operation
-------------------
A :class:`TextSlot` is one growing text field of an accumulated object (a
message's ``content``, a tool call's ``arguments``).  ``append`` is O(1): the
fragment joins a list.  ``text()`` joins the pending fragments onto the text
joined so far; the slot keeps the only reference to that text while it grows,
so CPython extends it in place (amortised O(delta), not O(length)).  The slot
knows where it lives in the live snapshot (``owner[key]``) and writes the
joined text there when the accumulator refreshes its dirty slots.

The JSON view (``partial`` / ``final``) feeds a
:class:`~sseparse.jsonstream.JSONStreamParser` with the fragments it has not
seen yet, so reading the partial value after every delta costs O(delta) and the
whole text is parsed exactly once.  Nothing is parsed unless asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sseparse.errors import JSONStreamError, LimitExceeded, UsageError
from sseparse.jsonstream import JSONStreamParser, parse_partial

if TYPE_CHECKING:
    from sseparse.limits import Limits

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
        "_text",
        "dirty",
        "key",
        "length",
        "owner",
        "parsed",
        "parts",
        "pending",
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
            self._text = ""  # ours is now the only reference: += grows in place
            text += "".join(parts)
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
        if self._has_final:
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
