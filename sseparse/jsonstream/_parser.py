"""An incremental JSON parser: text deltas in, a partial value after each one.

Theory of operation
-------------------
The parser is a push-down automaton with an explicit stack (``_stack`` holds the
open containers, ``_keys`` the slot each one is filling: a key for an object, an
index for an array), so nesting depth costs no interpreter stack and is bounded
by ``Limits.max_json_depth``.  ``_state`` says what may come next; one handler
per state consumes as much of the delta as it can and returns where it stopped.

The states between values (``VALUE`` ... ``COMMA_OR_END``) share one handler,
with or without events, so every transition between them is written once:

* ``_on_structure``: one loop, state and tree in locals, that takes space,
  punctuation, names, plain strings, numbers and literals, and is where values
  enter the tree (``_put``).  A string with an escape or a control character
  goes on in ``_on_string``, a number or literal cut where it cannot tell what
  comes next (after its sign, point or exponent mark), or malformed, in
  ``_on_token``; each hands its finished value to ``_value_done``.  Every error
  message of these states comes from ``_EXPECTED`` and ``_AFTER_MEMBER``.
* ``feed()`` takes a delta wholly inside an open string in place: plain text is
  appended as it is; text with escapes (and an escape cut by the last delta,
  held in ``_carry``, in front of it) is decoded by one ``scanstring`` call.
  What it does not take (the closing quote, bad text, a limit reached) goes to
  ``_on_string``, which raises.

Values are built in place: a container is inserted into its parent the moment it
opens, a string the moment its opening quote arrives (its decoded text kept as a
list of fragments), a number or literal once the character after it (or
``close()``) ends it.  ``snapshot()`` therefore only has to join the fragments of
the one open string; everything else is already in the live tree.  What is shown
is never retracted or re-typed (the one exception: a duplicate key replaces the
earlier value, because ``json.loads`` keeps the last one).

Errors are raised by ``feed()`` at the first character that makes the text
invalid JSON - no continuation could repair it - with its absolute offset, line
and column.  A parser that raised stays failed.  Like ``json.loads``, it refuses
an integer with more digits than ``sys.get_int_max_str_digits()`` allows when
the number ends (a point or exponent could still make it a float), reading the
limit then, and reports it at the character that ended the number.

Cost: each character is looked at by a constant number of C-level scans (regexes
for runs of plain string characters, whitespace and number characters) and the
Python loops run once per token, not per character.  A snapshot costs the length
of the open string plus the depth of the tree.  Total work is linear in the input.
"""

from __future__ import annotations

import enum
import json
import math
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from sseparse.errors import (
    IncompleteJSON,
    JSONStreamError,
    LimitExceeded,
    UsageError,
    excerpt,
)
from sseparse.jsonstream._events import (
    ContainerStarted,
    JSONEvent,
    StringDelta,
    ValueDone,
)
from sseparse.jsonstream._value import MISSING
from sseparse.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from collections.abc import Sequence

# IncompleteJSON is defined with the other errors in sseparse.errors.
__all__ = ["IncompleteJSON", "JSONStreamParser", "ParserState", "parse_partial"]

Path = tuple[str | int, ...]
_Container = dict[str, Any] | list[Any]


class ParserState(enum.Enum):
    """What a :class:`JSONStreamParser` expects next."""

    # Enum's own __hash__ is Python code; the parser looks states up per token.
    __hash__ = object.__hash__

    VALUE = "a value"
    VALUE_OR_END = "a value or ']'"
    KEY_OR_END = "a property name or '}'"
    KEY = "a property name"
    COLON = "':'"
    COMMA_OR_END = "',' or the end of the container"
    STRING = "the rest of a string"
    KEY_STRING = "the rest of a property name"
    TOKEN = "the rest of a number or literal"
    DONE = "the end of input"
    CLOSED = "nothing: the parser is closed"
    ERROR = "nothing: the parser failed"


_VALUE = ParserState.VALUE
_VALUE_OR_END = ParserState.VALUE_OR_END
_KEY_OR_END = ParserState.KEY_OR_END
_KEY = ParserState.KEY
_COLON = ParserState.COLON
_COMMA_OR_END = ParserState.COMMA_OR_END
_STRING = ParserState.STRING
_KEY_STRING = ParserState.KEY_STRING
_TOKEN = ParserState.TOKEN
_DONE = ParserState.DONE
_CLOSED = ParserState.CLOSED
_ERROR = ParserState.ERROR

# Patterns that end in `*` always match; the casts tell mypy so, at no run-time cost.
_Matcher = Callable[..., "re.Match[str]"]
_WS_CHARS = " \t\n\r"
_WS = cast("_Matcher", re.compile(r"[ \t\n\r]*").match)
_TOKEN_CHARS = cast("_Matcher", re.compile(r"[-+.0-9A-Za-z]*").match)
_HEX = cast("_Matcher", re.compile(r"[0-9A-Fa-f]*").match)
# The longest prefix of a token that some continuation turns into a number.
_LITERALS: dict[str, Any] = {
    "true": True,
    "false": False,
    "null": None,
    "NaN": math.nan,
    "Infinity": math.inf,
    "-Infinity": -math.inf,
}
_LITERAL_BY_START = {word[0]: word for word in _LITERALS if word[0] != "-"}
# After an opening quote: plain string text and, if it is there, the closing quote
# (group 2); for a name, also the colon after it (group 3).  They always match.
_STRING_REST = cast("_Matcher", re.compile(r'([^"\\\x00-\x1f]*)(")?').match)
_NAME_REST = cast(
    "_Matcher",
    re.compile(r'([^"\\\x00-\x1f]*)(?:(")[ \t\n\r]*(:[ \t\n\r]*)?)?').match,
)
# A string's text up to its closing quote, a lone final backslash, or a \\u escape
# with fewer than four hex digits (cut by the end of the delta, or invalid).
_SPAN = cast(
    "_Matcher",
    re.compile(
        r'[^"\\\x00-\x1f]*(?:\\(?:[^u]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*', re.DOTALL
    ).match,
)
# What may be held back at the end of a delta: a cut escape.
_CUT_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{0,3})?").fullmatch
_CARRY = re.compile(
    r"(\\u[dD][89abAB][0-9a-fA-F]{2})?(\\(?:u[0-9a-fA-F]{0,3})?)?"
).fullmatch
_HIGH_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}").fullmatch
# The longest valid string text: where it stops is the first bad character.
_VALID_STRING = cast(
    "_Matcher",
    re.compile(r'(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*').match,
)
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_NUMBER_START = frozenset("-0123456789")
_DIGITS = "0123456789"


def _to(state: str, chars: str) -> dict[str, str]:
    return dict.fromkeys(chars, state)


# The JSON number grammar as an automaton: state -> next character -> state.
_NUMBER_DFA: dict[str, dict[str, str]] = {
    "start": {"-": "sign", "0": "zero", **_to("int", "123456789")},
    "sign": {"0": "zero", **_to("int", "123456789")},
    "zero": {".": "dot", **_to("exp", "eE")},
    "int": {**_to("int", _DIGITS), ".": "dot", **_to("exp", "eE")},
    "dot": _to("frac", _DIGITS),
    "frac": {**_to("frac", _DIGITS), **_to("exp", "eE")},
    "exp": {**_to("sign_exp", "+-"), **_to("exp_digits", _DIGITS)},
    "sign_exp": _to("exp_digits", _DIGITS),
    "exp_digits": _to("exp_digits", _DIGITS),
}
# Where a run of digits leads from each state that accepts any number of them.
_DIGIT_RUN = {
    "int": "int",
    "frac": "frac",
    "exp_digits": "exp_digits",
    "dot": "frac",
    "exp": "exp_digits",
    "sign_exp": "exp_digits",
}
_NUMBER_ENDS = frozenset({"zero", "int", "frac", "exp_digits"})
_TOKEN_SET = frozenset(
    "-+.0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
_NUMBER_MATCH = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?").match


# What each state between values expects: the messages of its errors.
_EXPECTED: dict[ParserState, str] = {
    _VALUE: "a value",
    _VALUE_OR_END: "a value or ']'",
    _KEY_OR_END: "'\"' to start a property name, or '}'",
    _KEY: "'\"' to start a property name",
    _COLON: "':' after a property name",
}
# After a member of an open object or array (``_COMMA_OR_END``), by its type.
_CLOSER: dict[type, str] = {dict: "}", list: "]"}
_AFTER_MEMBER: dict[type, str] = {dict: "',' or '}'", list: "',' or ']'"}


def _put(top: _Container, keys: list[Any], key: str, value: Any) -> None:
    """Put *value* in the open slot of *top*: member *key*, or the next element.

    ``keys[-1]`` then names the slot (the path of what is open).
    """
    if type(top) is dict:
        top[key] = value
        keys[-1] = key
    else:
        keys[-1] = len(top)
        top.append(value)  # type: ignore[union-attr]


class JSONStreamParser:
    """Parse JSON text that arrives in pieces, with a partial value at any time.

    Args:
        limits: bounds on depth, string, number and total size (see
            :class:`~sseparse.Limits`).
        events: make :meth:`feed` return :class:`JSONEvent` items (containers
            started, string deltas, values done, with their paths), so a consumer
            can update a view in O(delta) instead of diffing snapshots.

    Example:
        >>> parser = JSONStreamParser()
        >>> parser.feed('{"city": "Par')
        []
        >>> parser.snapshot()
        {'city': 'Par'}
        >>> parser.open_path
        ('city',)
        >>> parser.feed('is", "n": 12}')
        []
        >>> parser.close()
        {'city': 'Paris', 'n': 12}
    """

    def __init__(self, *, limits: Limits | None = None, events: bool = False) -> None:
        self._limits = DEFAULT_LIMITS if limits is None else limits
        self._max_depth = self._limits.max_json_depth
        self._max_string = self._limits.max_json_string_chars
        self._max_number = self._limits.max_json_number_chars
        self._max_total = self._limits.max_json_chars
        self._state = _VALUE
        self._error: BaseException | None = None
        self._root: Any = MISSING
        self._stack: list[_Container] = []
        self._keys: list[Any] = []  # per frame: the key or index being filled
        self._key = ""  # the last property name read, until its value starts
        # position, for error messages
        self._offset = 0  # characters fed before the current delta
        self._line = 1  # line number at the start of the current delta
        self._line_start = 0  # absolute offset where that line starts
        # the open string (value or key)
        self._frags: list[str] = []
        self._str_len = 0
        self._str_start = 0  # absolute offset of its opening quote
        self._carry = ""  # raw string text held back: a cut escape, a high surrogate
        # the open number or literal
        self._tok_parts: list[str] = []
        self._tok_len = 0
        self._tok_start = 0
        self._num_state: str | None = "start"  # None: reading the literal _word
        self._word = ""
        self._events: list[JSONEvent] | None = [] if events else None
        # One handler per state, each consuming as much of the delta as it can
        # and returning where it stopped.
        structure = self._on_structure
        self._handlers: dict[ParserState, Callable[[str, int], int]] = {
            _VALUE: structure,
            _VALUE_OR_END: structure,
            _KEY_OR_END: structure,
            _KEY: structure,
            _COLON: structure,
            _COMMA_OR_END: structure,
            _STRING: self._on_string,
            _KEY_STRING: self._on_string,
            _TOKEN: self._on_token,
            _DONE: self._on_done,
        }

    # -- public -------------------------------------------------------------------

    @property
    def state(self) -> ParserState:
        """What the parser expects next."""
        return self._state

    @property
    def offset(self) -> int:
        """How many characters have been fed."""
        return self._offset

    @property
    def done(self) -> bool:
        """Whether a whole top-level value has been read (only space may follow)."""
        return self._state is _DONE or self._state is _CLOSED

    def feed(self, text: str) -> list[JSONEvent]:
        """Consume the next piece of JSON text.

        Args:
            text: the delta, cut anywhere (inside strings, escapes, numbers).

        Returns:
            With ``events=True``, what this delta added; otherwise ``[]``.

        Raises:
            JSONStreamError: at the first character that makes the text invalid.
            LimitExceeded: the document outgrew a bound of ``limits``.
            UsageError: *text* is not a str, or the parser is closed or failed.
        """
        state = self._state
        if state is _STRING and type(text) is str:
            # The hot path: a delta wholly inside an open string, decoded here in
            # one step.  Whatever it does not take (the closing quote, bad text,
            # a limit reached) goes to the general path below, which raises.
            carry = self._carry
            body: str | None
            if not carry and "\\" not in text:
                # nothing to decode, unless it ends the string or holds a control
                # character (isprintable() is false for those, and for LF)
                body = None if '"' in text or not text.isprintable() else text
            else:
                body = None
                # With escapes, or after an escape cut by the last delta: decode
                # the held text and the delta, all but an escape cut by the end
                # of the delta, which waits in _carry.
                raw = carry + text if carry else text
                limit = len(raw)
                if "\\" in raw[-5:]:
                    cut = raw.rfind("\\")
                    if (
                        cut == limit - 1
                        or (raw[cut + 1] == "u" and _CUT_ESCAPE(raw, cut))
                    ) and _unescaped(raw, cut):
                        limit = cut
                try:
                    decoded, end = _scanstring(raw[:limit] + '"', 0)
                except ValueError:
                    pass  # bad text: the general path says where
                else:
                    if end > limit:  # else the string ends here
                        if (
                            "\ud800" <= decoded[-1:] <= "\udbff"
                            and raw[limit - 1] != decoded[-1]
                        ):
                            # a high surrogate escape: it waits for its low half
                            decoded = decoded[:-1]
                            limit -= 6
                        body = decoded
                        self._carry = raw[limit:]  # put back if a limit is hit
            if body is not None:
                offset = self._offset + len(text)
                str_len = self._str_len + len(body)
                if offset <= self._max_total and str_len <= self._max_string:
                    self._offset = offset
                    if body:
                        self._str_len = str_len
                        self._frags.append(body)
                        if self._events is not None:
                            return [StringDelta(path=self._slot_path(), delta=body)]
                    return []
                self._carry = carry
        if state is _CLOSED or state is _ERROR:
            raise self._refusal("feed")
        if type(text) is not str:
            raise UsageError(
                f"JSONStreamParser.feed() expects str, got {type(text).__name__}"
            )
        n = len(text)
        over = self._offset + n > self._max_total
        if over:
            # The character past the bound is where the limit is exceeded: what
            # comes before it is parsed first, so an error there (met first in
            # the text) wins, however the text was cut.
            n = self._max_total - self._offset
            text = text[:n]
        handlers = self._handlers
        pos = 0
        try:
            while pos < n:
                pos = handlers[self._state](text, pos)
        except (JSONStreamError, LimitExceeded) as exc:
            self._fail(exc)
        if over:
            self._fail(self._too_long())
        if "\n" in text:
            self._line += text.count("\n")
            self._line_start = self._offset + text.rfind("\n") + 1
        self._offset += n
        events = self._events
        if events:
            self._events = []
            return events
        return []

    def _too_long(self) -> LimitExceeded:
        # observed: the count at the character that passes the bound, whatever
        # the cut (the same holds for every limit of this parser).
        return LimitExceeded(
            "max_json_chars",
            maximum=self._max_total,
            observed=self._max_total + 1,
            what="the JSON document",
        )

    def snapshot(self) -> Any:
        """The partial value so far (:data:`MISSING` before any value began).

        Open containers are there with what they hold so far; an open string
        shows its decoded prefix; a number or literal shows once it is ended.

        The value is the parser's own tree, updated in place by later feeds (that
        is what makes a snapshot after every delta cheap): use ``copy.deepcopy``
        to keep one as it is now.
        """
        if self._state is _STRING:
            self._store_open_string()
        return self._root

    def close(self) -> Any:
        """Signal the end of input and return the final value.

        Returns:
            Exactly what ``json.loads`` returns for the whole text.

        Raises:
            IncompleteJSON: the text stopped before the value was complete.
            JSONStreamError: the final number or literal is malformed.
            UsageError: the parser is already closed or failed.
        """
        state = self._state
        if state is _CLOSED or state is _ERROR:
            raise self._refusal("close")
        if state is _TOKEN:
            try:
                self._end_token()
            except (JSONStreamError, LimitExceeded) as exc:
                self._fail(exc)
            state = self._state
        if state is not _DONE:
            self._fail(self._incomplete())
        self._state = _CLOSED
        return self._root

    def take_events(self) -> list[JSONEvent]:
        """The events that no :meth:`feed` returned: those ``close()`` made.

        With ``events=True``, a top-level number or literal is only complete
        when ``close()`` ends it; its ``ValueDone`` waits here.
        """
        events = self._events
        if not events:
            return []
        self._events = []
        return events

    @property
    def open_path(self) -> Path | None:
        """The path of the innermost value still open, ``None`` if none is.

        ``()`` is the top-level value.  While a string or number is being read,
        this is its path (e.g. ``("edits", 3, "note")``); between values, the
        path of the innermost open container.
        """
        state = self._state
        keys = self._keys
        if state is _TOKEN:
            if not self._stack:
                return ()
            top = self._stack[-1]
            slot = self._key if type(top) is dict else len(top)
            return (*keys[:-1], slot)
        if state is _DONE or state is _CLOSED or self._root is MISSING:
            return None
        if state is _STRING:
            return tuple(keys)
        return tuple(keys[:-1])

    def is_complete(self, path: Sequence[str | int] = ()) -> bool:
        """Whether the value at *path* is there and will not change any more.

        Returns ``False`` for a value still open (or holding the open value)
        and for one that has not begun.
        """
        path = tuple(path)
        open_path = self.open_path
        if open_path is not None and open_path[: len(path)] == path:
            return False
        node = self._root
        if node is MISSING:
            return False
        for step in path:
            node = _child(node, step)
            if node is MISSING:
                return False
        return True

    # -- errors -------------------------------------------------------------------

    def _fail(self, exc: BaseException) -> Any:
        self._state = _ERROR
        self._error = exc
        raise exc

    def _refusal(self, what: str) -> UsageError:
        if self._state is _ERROR:
            err = UsageError(
                f"cannot {what}(): the parser failed earlier with {self._error!r}"
            )
            err.__cause__ = self._error
            return err
        return UsageError(f"cannot {what}(): the parser is closed")

    def _error_at(
        self,
        text: str,
        pos: int,
        expected: str,
        cls: type[JSONStreamError] = JSONStreamError,
        got: str | None = None,
    ) -> JSONStreamError:
        """An error for *text[pos]* (absolute offset ``self._offset + pos``).

        *got* says what came instead of *expected*; by default, that character.
        """
        if got is None:
            got = repr(text[pos]) if pos < len(text) else "end of input"
        where = self._offset + pos
        line = self._line + text.count("\n", 0, pos)
        if line == self._line:
            column = where - self._line_start + 1
        else:
            column = pos - text.rfind("\n", 0, pos)
        return cls(
            f"expected {expected}, got {got}",
            doc=excerpt(text[max(0, pos - 20) : pos + 20]),
            pos=where,
            lineno=line,
            colno=column,
        )

    def _incomplete(self) -> IncompleteJSON:
        state = self._state
        if state is _STRING or state is _KEY_STRING:
            what = (
                f"the closing quote of the string that starts at offset "
                f"{self._str_start}"
            )
        elif self._root is MISSING:
            what = "a value"
        else:
            what = state.value
        path = self.open_path
        if path:
            what += f" (open path {path!r})"
        err = self._error_at("", 0, what, IncompleteJSON)
        assert isinstance(err, IncompleteJSON)
        return err

    def _too_deep(self) -> LimitExceeded:
        return LimitExceeded(
            "max_json_depth",
            maximum=self._max_depth,
            observed=len(self._stack) + 1,
            what="the nesting of the JSON document",
        )

    # -- tree building ------------------------------------------------------------

    def _value_done(self, value: Any, placed: bool = False) -> None:
        """A string, number or literal is complete: expect what follows it.

        *placed*: the value is a string, put in its slot when its quote came;
        it replaces what is there.  Containers and values that a delta holds
        whole are placed by :meth:`_on_structure`.
        """
        stack = self._stack
        if placed:
            self._store(value)
        elif stack:
            _put(stack[-1], self._keys, self._key, value)
        else:
            self._root = value
        self._state = _COMMA_OR_END if stack else _DONE
        if self._events is not None:
            self._events.append(ValueDone(path=self._slot_path(), value=value))

    def _slot_path(self) -> Path:
        return tuple(self._keys) if self._stack else ()

    def _emit(self, value: Any, kind: str) -> None:
        """The events of *value*, just put in the open slot by the structure loop.

        *kind* is ``"done"`` for a scalar (a whole string also gets its
        ``StringDelta``), ``"string"`` for a string cut by the end of the delta
        (*value* is its first fragment), ``"open"`` for a container, and
        ``"close"`` for a container just closed.
        """
        events = self._events
        assert events is not None
        path = self._slot_path()
        if kind == "open":
            events.append(
                ContainerStarted(
                    path=path, kind="object" if type(value) is dict else "array"
                )
            )
            return
        if type(value) is str and value:
            events.append(StringDelta(path=path, delta=value))
        if kind != "string":
            events.append(ValueDone(path=path, value=value))

    # -- the states between values ------------------------------------------------

    def _on_structure(self, text: str, pos: int) -> int:
        """Take the tokens between values: the one handler of six states.

        The hot loop of the parser, with the state and the tree in locals: it
        takes space, punctuation, property names, plain strings, and numbers and
        literals ended in this delta, and starts a string, name, number or
        literal cut by the end of the delta.  The rest of a string with an
        escape or a control character, and a number or literal it cannot take
        whole (cut after its sign, point or exponent mark, malformed, past a
        limit), go to the handler of their state (``_on_string``,
        ``_on_token``), which knows every case and every message; so does what
        follows the top-level value (``_on_done``).  With events, it reports
        what it adds through :meth:`_emit`.
        """
        n = len(text)
        stack = self._stack
        keys = self._keys
        key = self._key
        state = self._state
        events = self._events
        value: Any
        while pos < n:
            char = text[pos]
            if char in _WS_CHARS:
                pos += 1
                if pos < n and text[pos] in _WS_CHARS:
                    pos = _WS(text, pos).end()
                if pos == n:
                    break
                char = text[pos]
            if state is _COMMA_OR_END:
                top = stack[-1]
                if char == ",":
                    state = _KEY if type(top) is dict else _VALUE
                    pos += 1
                    continue
                if char != _CLOSER[type(top)]:
                    raise self._error_at(text, pos, _AFTER_MEMBER[type(top)])
            elif state is _VALUE or state is _VALUE_OR_END:
                after: ParserState | None = _COMMA_OR_END  # unless said otherwise
                if char == '"':
                    match = _STRING_REST(text, pos + 1)
                    value = match[1]
                    end = match.end()
                    if match.lastindex != 2 or len(value) > self._max_string:
                        if end < n or len(value) > self._max_string:
                            # an escape or a control character, or a limit:
                            # _on_string decodes the string or raises
                            value = ""
                            end = pos + 1
                        self._string_begins(pos, value)
                        value = ""  # the tree shows the text at snapshot()
                        after = _STRING
                elif char in _NUMBER_START:
                    number = _NUMBER_MATCH(text, pos)
                    if number is None:  # "-" and what follows it says more
                        return self._begin_token(text, pos)
                    end = number.end()
                    if end - pos > self._max_number:
                        return self._begin_token(text, pos)
                    if end == n:  # cut by the end of the delta: more may follow
                        # where the number leaves _NUMBER_DFA
                        if number[2]:
                            num_state = "exp_digits"
                        elif number[1]:
                            num_state = "frac"
                        elif number[0] == "0" or number[0] == "-0":
                            num_state = "zero"
                        else:
                            num_state = "int"
                        self._start_token(pos, number[0], num_state)
                        return n
                    if text[end] in _TOKEN_SET:
                        return self._begin_token(text, pos)
                    if number.lastindex:  # a fraction or an exponent
                        value = float(number[0])
                    else:
                        try:
                            value = int(number[0])
                        except ValueError:  # past sys.get_int_max_str_digits()
                            return self._begin_token(text, pos)  # it says so
                elif char == "{":
                    if len(stack) >= self._max_depth:
                        raise self._too_deep()
                    value = {}
                    after = _KEY_OR_END
                    end = pos + 1
                elif char == "[":
                    if len(stack) >= self._max_depth:
                        raise self._too_deep()
                    value = []
                    after = _VALUE_OR_END
                    end = pos + 1
                elif char in _LITERAL_BY_START:
                    word = _LITERAL_BY_START[char]
                    end = pos + len(word)
                    if end >= n and word.startswith(text[pos:]):
                        if n - pos > self._max_number:
                            return self._begin_token(text, pos)
                        self._start_token(pos, text[pos:], None, word)
                        return n
                    if (
                        not text.startswith(word, pos)
                        or text[end] in _TOKEN_SET
                        or end - pos > self._max_number
                    ):
                        # _on_token says what is wrong, or which limit is hit
                        return self._begin_token(text, pos)
                    value = _LITERALS[word]
                elif char == "]" and state is _VALUE_OR_END:
                    after = None  # the array closes: below
                else:
                    raise self._error_at(text, pos, _EXPECTED[state])
                if after is not None:
                    # Put the value in the open slot, then expect what follows it.
                    if stack:
                        _put(stack[-1], keys, key, value)
                    else:
                        self._root = value
                    if after is _COMMA_OR_END:
                        if events is not None:
                            self._emit(value, "done")
                        if not stack:
                            self._state = _DONE
                            return end
                    elif after is _STRING:
                        if events is not None and self._frags:
                            self._emit(self._frags[0], "string")
                        self._state = _STRING
                        return n if end == n else self._on_string(text, end)
                    else:
                        if events is not None:
                            self._emit(value, "open")
                        stack.append(value)
                        keys.append(None)
                    state = after
                    pos = end
                    continue
            elif state is _KEY or state is _KEY_OR_END:
                if char == '"':
                    match = _NAME_REST(text, pos + 1)
                    name = match[1]
                    index = match.lastindex
                    if len(name) <= self._max_string:
                        if index == 3:  # the name and its colon
                            key = self._key = name
                            state = _VALUE
                            pos = match.end()
                            continue
                        if index == 2:  # the name
                            key = self._key = name
                            state = _COLON
                            pos = match.end()
                            continue
                        if match.end() == n:  # a plain name cut by the delta
                            self._string_begins(pos, name)
                            self._state = _KEY_STRING
                            return n
                    # an escape or a control character, or a limit: _on_string
                    # decodes the name or raises
                    self._string_begins(pos, "")
                    self._state = _KEY_STRING
                    return self._on_string(text, pos + 1)
                if char != "}" or state is _KEY:
                    raise self._error_at(text, pos, _EXPECTED[state])
            elif char == ":":  # _COLON
                state = _VALUE
                pos += 1
                continue
            else:
                raise self._error_at(text, pos, _EXPECTED[state])
            # The innermost container closes (a checked '}' or ']').
            value = stack.pop()
            keys.pop()
            pos += 1
            if events is not None:
                self._emit(value, "close")
            if not stack:
                self._state = _DONE
                return pos
            state = _COMMA_OR_END
        self._state = state
        return pos

    def _string_begins(self, pos: int, first: str) -> None:
        """The quote at *pos* opens a string whose plain text starts with *first*."""
        self._str_start = self._offset + pos
        self._str_len = len(first)
        self._frags = [first] if first else []

    def _begin_token(self, text: str, pos: int) -> int:
        """Read the number or literal at *pos* character by character."""
        self._start_token(pos, "", "start")
        return self._on_token(text, pos)

    def _start_token(
        self, pos: int, piece: str, num_state: str | None, word: str = ""
    ) -> None:
        """Begin the number or literal at *pos*: *piece* of it read so far.

        *num_state* is where *piece* leaves ``_NUMBER_DFA``; ``None`` for a
        literal, which must spell *word*.
        """
        self._state = _TOKEN
        self._tok_parts = [piece] if piece else []
        self._tok_len = len(piece)
        self._tok_start = self._offset + pos
        self._num_state = num_state
        self._word = word

    def _on_done(self, text: str, pos: int) -> int:
        end = _WS(text, pos).end()
        if end < len(text):
            raise self._error_at(text, end, "nothing after the top-level value")
        return end

    # -- strings ------------------------------------------------------------------

    def _on_string(self, text: str, pos: int) -> int:
        """Read string text up to its closing quote or the end of the delta.

        Plain text (no escape) is taken by one regex match; otherwise the span
        up to the quote is decoded by the standard library's C
        ``scanstring``; only a cut escape (``\\``, ``\\u12``) or a high
        surrogate escape whose low half may follow is held back, raw, in
        ``_carry`` and put in front of the next delta.
        """
        n = len(text)
        carry = self._carry
        if not carry:
            # Plain text up to the closing quote or the end of the delta: one
            # regex match.
            match = _STRING_REST(text, pos)
            closed = match.lastindex == 2
            end = match.end()
            if closed or end == n:
                return self._string_piece(match[1], closed, text, end)
            # One call of the C scanner over the rest of the delta (or up to an
            # escape cut by its end, which waits in _carry) and a closing quote
            # of ours.  It decodes escapes and finds the real closing quote, if
            # any; it fails only on bad text, which the careful path below
            # locates.
            limit = n
            cut = text.rfind("\\", pos)
            if cut >= n - 5 and _CUT_ESCAPE(text, cut) and _unescaped(text, cut):
                limit = cut
            try:
                body, end = _scanstring(
                    (text + '"') if limit == n else (text[:limit] + '"'), pos
                )
            except ValueError:
                pass
            else:
                closed = end <= limit
                if not closed:
                    last = body[-1:]
                    if "\ud800" <= last <= "\udbff" and text[limit - 1] != last:
                        # a high surrogate escape ends the text: its low half may
                        # come next, so it waits, raw
                        body = body[:-1]
                        limit -= 6
                    if limit < n:
                        self._carry = text[limit:]
                return self._string_piece(body, closed, text, end)
        else:
            pos, done = self._finish_cut_escape(text, pos, carry)
            if done is None:
                return n  # the escape is still cut
            carry = done
        end = _SPAN(text, pos).end()
        body = carry + text[pos:end] if carry else text[pos:end]
        closed = False
        held = ""
        if end < n:
            char = text[end]
            if char == '"':
                closed = True
            elif char == "\\" and _CUT_ESCAPE(text, end):
                held = text[end:]  # an escape cut by the end of the delta
            else:  # a bad \\u escape or a control character, or one before it
                raise self._bad_string(text, pos - len(carry), carry + text[pos:])
        if not closed and len(body) >= 6 and body[-6] == "\\":
            cut = _high_surrogate_tail(body)
            if cut < len(body):
                held = body[cut:] + held
                body = body[:cut]
        if held or carry:
            self._carry = held
        if body and "\\" in body:
            try:
                body = _scanstring(body + '"', 0)[0]
            except ValueError:
                raise self._bad_string(text, pos - len(carry), body) from None
        return self._string_piece(body, closed, text, end + 1)

    def _string_piece(self, body: str, closed: bool, text: str, end: int) -> int:
        """Add decoded *body* to the open string; *end* is after its quote."""
        if body:
            self._str_len += len(body)
            if self._str_len > self._max_string:
                raise self._string_too_long()
            self._frags.append(body)
            if self._events is not None and self._state is _STRING:
                self._events.append(StringDelta(path=self._slot_path(), delta=body))
        if not closed:
            return len(text)
        # The string is complete (inlined: this runs once per string and key).
        frags = self._frags
        value = frags[0] if len(frags) == 1 else "".join(frags)
        self._frags = []
        if self._state is _KEY_STRING:
            self._key = value
            self._state = _COLON
        else:
            self._value_done(value, placed=True)
        return end

    def _finish_cut_escape(
        self, text: str, pos: int, carry: str
    ) -> tuple[int, str | None]:
        """Complete an escape cut by the last delta, from the start of *text*.

        Returns the position after what it took and the carry to decode, or
        ``None`` for the carry when the escape is still cut (it is kept).
        """
        match = _CARRY(carry)
        assert match is not None, carry
        cut = match[2]
        if cut is None:  # only a high surrogate escape waits
            return pos, carry
        if cut == "\\":
            kind = text[pos]
            carry += kind
            pos += 1
            if kind != "u":  # a one-character escape; scanstring checks it
                return pos, carry
            cut = "\\u"
        need = 6 - len(cut)
        digits = text[pos : pos + need]
        good = _HEX(digits).end()
        if good < len(digits):
            raise self._error_at(text, pos + good, "a hex digit in a \\uXXXX escape")
        carry += digits
        pos += len(digits)
        if len(digits) < need:
            self._carry = carry
            return pos, None
        return pos, carry

    def _bad_string(
        self, text: str, base: int, body: str
    ) -> JSONStreamError | LimitExceeded:
        """Locate the first character that makes *body* (at text[base:]) invalid.

        *body* starts on an escape boundary; the scan keeps to escape units, so
        the second backslash of ``\\\\`` is never taken for an escape.  If the
        valid text before that character already makes the string too long,
        that comes first in the text, so the limit is the error.
        """
        index = _VALID_STRING(body).end()
        valid = body[:index]
        if "\\" in valid:
            # A final high surrogate escape is not counted yet: it waits for
            # its low half when the text comes a character at a time.
            valid = _scanstring(valid[: _high_surrogate_tail(valid)] + '"', 0)[0]
        if self._str_len + len(valid) > self._max_string:
            return self._string_too_long()
        if index < len(body) and body[index] == "\\":
            kind = body[index + 1 : index + 2]
            if kind == "u":
                index = _HEX(body, index + 2).end()
                expected = "a hex digit in a \\uXXXX escape"
            else:
                index += 1
                expected = "an escape (one of \"\\/bfnrtu) after '\\'"
        else:
            expected = "a character, not a raw control character"
        return self._error_at(text, base + index, expected)

    def _string_too_long(self) -> LimitExceeded:
        return LimitExceeded(
            "max_json_string_chars",
            maximum=self._max_string,
            observed=self._max_string + 1,
            what=f"the JSON string that starts at offset {self._str_start}",
        )

    def _store_open_string(self) -> None:
        frags = self._frags
        if len(frags) < 2:
            self._store(frags[0] if frags else "")
            return
        # Drop the tree's and the list's references to the shown prefix first:
        # CPython then grows the string in place (amortised O(delta)) instead of
        # copying the whole prefix for every snapshot.  Other interpreters, or a
        # caller who kept the old string, get a plain copy: same result.
        stack = self._stack
        top = stack[-1] if stack else None
        if top is None:
            self._root = ""
        else:
            key = self._keys[-1]
            top[key] = ""  # self._store(""), inlined
        value = frags[0]
        frags[0] = ""
        # One fragment since the last snapshot is the common case (a snapshot
        # per delta): no slice and no join for it.
        value += frags[1] if len(frags) == 2 else "".join(frags[1:])
        frags.clear()
        frags.append(value)
        if top is None:
            self._root = value
        else:
            top[key] = value

    def _store(self, value: str) -> None:
        """Replace the string in the open slot (placed when its quote came)."""
        stack = self._stack
        if not stack:
            self._root = value
        else:
            top = stack[-1]
            top[self._keys[-1]] = value

    # -- numbers and literals -----------------------------------------------------

    def _on_token(self, text: str, pos: int) -> int:
        """Read a number or literal; each character is checked once, as it comes.

        Numbers walk a small automaton (``_NUMBER_DFA``) over the new characters
        only, and their text is kept as pieces joined once at the end, so a long
        number cut into many deltas costs linear time.
        """
        end = _TOKEN_CHARS(text, pos).end()
        over = self._tok_len + end - pos > self._max_number
        if over:
            # The limit is exceeded at the character that passes it: the ones
            # before it are checked first, so a bad one there wins, as it does
            # when the token comes a character at a time.
            end = pos + self._max_number - self._tok_len
        piece = text[pos:end]
        self._tok_len += end - pos
        parts = self._tok_parts
        state = self._num_state
        piece_chars = piece
        if state is None:
            if self._word.startswith(piece, self._tok_len - len(piece)):
                piece_chars = ""  # the literal goes on as it must (no loop)
        else:
            run = _DIGIT_RUN.get(state)
            if run is not None and piece.isdigit() and piece.isascii():
                state = run  # the common piece: more digits (no loop per digit)
                piece_chars = ""
        for index, char in enumerate(piece_chars):
            if state is None:  # a literal: compare with the word it must be
                word = self._word
                at = self._tok_len - (end - pos) + index
                if at >= len(word) or word[at] != char:
                    raise self._error_at(text, pos + index, f"the literal {word}")
                continue
            following = _NUMBER_DFA[state].get(char)
            if following is None:
                if state == "start" and char in _LITERAL_BY_START:
                    self._word = _LITERAL_BY_START[char]
                elif state == "sign" and char == "I":
                    self._word = "-Infinity"
                else:
                    raise self._error_at(text, pos + index, "a number")
                state = None
                continue
            state = following
        if over:
            raise LimitExceeded(
                "max_json_number_chars",
                maximum=self._max_number,
                observed=self._max_number + 1,
                what=f"the number or literal that starts at offset {self._tok_start}",
            )
        self._num_state = state
        parts.append(piece)
        if end == len(text):
            return end
        self._end_token(text, end)
        return end

    def _end_token(self, text: str = "", pos: int = 0) -> None:
        """*text[pos]* (or, with no *text*, the end of input) ends the token."""
        tok = "".join(self._tok_parts)
        self._tok_parts = []
        state = self._num_state
        if state is None:
            word = self._word
            if tok != word:
                raise self._token_error(text, pos, f"the rest of the literal {word}")
            value = _LITERALS[word]
        elif state not in _NUMBER_ENDS:
            raise self._token_error(text, pos, "a digit")
        elif state == "int" or state == "zero":
            try:
                value = int(tok)
            except ValueError:
                raise self._int_too_long(text, pos, tok) from None
        else:
            value = float(tok)
        self._value_done(value)

    def _int_too_long(self, text: str, pos: int, tok: str) -> JSONStreamError:
        """The integer *tok*, ended at *text[pos]*, has too many digits for ``int``.

        ``json.loads`` raises ``ValueError`` there too: ``int()`` refuses more
        digits than ``sys.get_int_max_str_digits()`` allows, read now, when the
        number ends, as ``json.loads`` reads it when it converts the number (a
        fraction or an exponent would have made it a float, which has no limit).
        """
        limit = sys.get_int_max_str_digits()
        digits = len(tok) - tok.startswith("-")
        return self._error_at(
            text,
            pos,
            f"an integer of at most {limit} digits (sys.get_int_max_str_digits())",
            got=f"{digits} digits in the integer that starts at offset "
            f"{self._tok_start}",
        )

    def _token_error(self, text: str, pos: int, expected: str) -> JSONStreamError:
        if text:
            return self._error_at(text, pos, expected)
        return self._error_at("", 0, expected, IncompleteJSON)


def _unescaped(raw: str, index: int) -> bool:
    """Whether the backslash at *index* starts an escape (even run before it)."""
    run = 0
    while index - run > 0 and raw[index - run - 1] == "\\":
        run += 1
    return run % 2 == 0


def _high_surrogate_tail(body: str) -> int:
    """Where a final ``\\uD800``-``\\uDBFF`` escape starts in *body*, else len."""
    start = len(body) - 6
    if start >= 0 and _HIGH_ESCAPE(body, start) and _unescaped(body, start):
        return start
    return len(body)


def _child(node: Any, step: str | int) -> Any:
    """``node[step]`` for a JSON container, or ``MISSING``."""
    if isinstance(node, dict):
        return node.get(step, MISSING) if isinstance(step, str) else MISSING
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return node[step]
    return MISSING


def parse_partial(text: str, *, limits: Limits | None = None) -> Any:
    """Parse a prefix of a JSON document in one call.

    Returns:
        What :meth:`JSONStreamParser.snapshot` shows after feeding *text*
        (:data:`MISSING` for text that holds no value yet).  A number at the
        very end is not shown, since more digits may follow.

    Raises:
        JSONStreamError: *text* is not a prefix of any JSON document.
    """
    parser = JSONStreamParser(limits=limits)
    parser.feed(text)
    return parser.snapshot()
