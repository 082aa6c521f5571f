"""``sseparse check``: lint a captured event stream.

Theory of operation.  The whole input is read first (a capture is finite;
memory is O(size)), then looked at in three passes, each one layer up:

1. Bytes and lines: a byte order mark, lines ended by a lone CR (reported
   once, counted), invalid UTF-8, with the byte offset (0 is the first byte)
   and line number (1 is the first line) of each.
2. Events: the lines are fed one by one to a real :class:`~sseparse.SSEDecoder`,
   so the events are the decoder's own; each is placed at the line where its
   block began, and numbered from 0, as the accumulators' messages number
   them.  A final block never ended by a blank line, no events at all, and
   (for an LLM stream) data that is not JSON are found here.
3. The LLM protocol: the JSON events go through :func:`sseparse.llm.stream`
   (detected, or as ``--protocol`` says; ``sse`` skips this pass): an
   event it cannot take (at that event), unknown event types and events after
   the end marker (passed through, so warnings), and a stream that never
   reached its end (``final`` raising ``IncompleteStream``) or failed.

Each kind of finding is reported at most :data:`_MAX_EACH` times, then
counted.  Errors make the exit status 1; warnings alone leave it 0.  The cost
is linear in the input: one scan of the bytes and one feed per line.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any, Final, Literal, TextIO, cast

from sseparse.errors import ProtocolError, UnknownProtocol, excerpt
from sseparse.llm import StreamDone, UnknownEvent, stream
from sseparse.sse import ServerSentEvent, SSEDecoder

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = ["check"]

_Protocol = Literal["auto", "chat", "anthropic", "responses"]
_MAX_EACH: Final = 5
_LINE_END: Final = re.compile(rb"\r\n|\r|\n")
_NAMES: Final = {
    "chat": "OpenAI Chat Completions",
    "anthropic": "Anthropic Messages",
    "responses": "OpenAI Responses",
}


class _Finding:
    """One finding, and where it is (``None`` where not known)."""

    def __init__(
        self,
        severity: str,
        kind: str,
        message: str,
        *,
        line: int | None = None,
        offset: int | None = None,
        event: int | None = None,
    ) -> None:
        self.severity = severity
        self.kind = kind
        self.message = message
        self.line = line
        self.offset = offset
        self.event = event

    def render(self, name: str) -> str:
        where = [f"byte {self.offset}"] if self.offset is not None else []
        if self.event is not None:
            where.append(f"event {self.event}")
        place = f"{name}:{self.line}" if self.line is not None else name
        tail = f" ({', '.join(where)})" if where else ""
        return f"{place}: {self.severity}: {self.message}{tail}"


class _Placed:
    """An SSE event with its number and the line and byte where it began."""

    def __init__(self, number: int, line: int, offset: int, event: ServerSentEvent):
        self.number = number
        self.line = line
        self.offset = offset
        self.event = event


def _lines(data: bytes) -> Iterator[tuple[int, int, bytes, bytes]]:
    """(line number, offset, content, line end) of every line; the end is
    empty for a last line without one."""
    number, start = 1, 0
    for match in _LINE_END.finditer(data):
        yield number, start, data[start : match.start()], match.group()
        number, start = number + 1, match.end()
    if start < len(data):
        yield number, start, data[start:], b""


def _scan(data: bytes, found: list[_Finding]) -> list[_Placed]:
    """Passes 1 and 2: bytes, lines and events."""
    if data.startswith(b"\xef\xbb\xbf"):
        found.append(
            _Finding(
                "warning",
                "bom",
                "the stream begins with a byte order mark (decoders drop it; "
                "servers rarely send one)",
                line=1,
                offset=0,
            )
        )
    decoder = SSEDecoder()
    placed: list[_Placed] = []
    block: tuple[int, int] | None = None  # where the open block began
    last = (1, 0)
    crs = 0
    first_cr: tuple[int, int] | None = None
    for number, offset, content, end in _lines(data):
        last = (number, offset)
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as exc:
            found.append(
                _Finding(
                    "error",
                    "utf-8",
                    f"invalid UTF-8 (byte {content[exc.start]:02X}): decoders "
                    "turn it into U+FFFD",
                    line=number,
                    offset=offset + exc.start,
                )
            )
        if end == b"\r":
            crs += 1
            if first_cr is None:
                first_cr = (number, offset + len(content))
        if content and block is None:
            block = (number, offset)
        for event in decoder.feed(content + end):
            line, start = block or last
            placed.append(_Placed(len(placed), line, start, event))
        if not content:
            block = None
    decoder.close()
    if first_cr is not None:
        found.append(
            _Finding(
                "warning",
                "cr",
                f"{crs} of {last[0]} lines end with a lone CR, this one first "
                "(legal in SSE, but a client that splits lines on LF sees one "
                "long line)",
                line=first_cr[0],
                offset=first_cr[1],
            )
        )
    if decoder.truncated:
        line, offset = block or last
        found.append(
            _Finding(
                "error",
                "cut",
                "the last event was not ended by a blank line: an event ends "
                "with a blank line (decoders drop this one)",
                line=line,
                offset=offset,
            )
        )
    if not placed:
        found.append(
            _Finding("error", "empty", "no events found: is this an event stream?")
        )
    return placed


def _json_events(placed: list[_Placed], found: list[_Finding]) -> list[_Placed]:
    """The events whose data is JSON (or chat's ``[DONE]``); the others found."""
    keep = []
    for item in placed:
        data = item.event.data
        if data != "[DONE]":
            try:
                json.loads(data)
            except ValueError:
                found.append(
                    _Finding(
                        "error",
                        "json",
                        f"the data is not JSON: {excerpt(data)}",
                        line=item.line,
                        offset=item.offset,
                        event=item.number,
                    )
                )
                continue
        keep.append(item)
    return keep


class _Feed:
    """The events for ``stream()``, remembering which one is being read."""

    def __init__(self, items: Iterable[_Placed]) -> None:
        self._items = items
        self.current: _Placed | None = None

    def __iter__(self) -> Iterator[ServerSentEvent]:
        for item in self._items:
            self.current = item
            yield item.event


def _unknown_type(event: ServerSentEvent) -> str:
    if event.event != "message":
        return event.event
    try:
        payload: Any = json.loads(event.data)
    except ValueError:
        return "message"
    if type(payload) is dict:
        return str(payload.get("type", payload.get("object", "message")))
    return "message"


def _protocol(
    items: list[_Placed], protocol: str, found: list[_Finding], end: tuple[int, int]
) -> str | None:
    """Pass 3: the LLM protocol.  Returns the protocol found; *end* is the
    (line, offset) of the end of the input."""
    where = {id(item.event): item for item in items}
    feed = _Feed(items)
    s = stream(feed, protocol=cast("_Protocol", protocol))
    ended = False
    try:
        with s:
            for event in s:
                if isinstance(event, StreamDone):
                    ended = True
                elif isinstance(event, UnknownEvent) and event.event is not None:
                    item = where[id(event.event)]
                    what = _unknown_type(event.event)
                    message = (
                        f"an event after the end marker ({excerpt(what)}): ignored"
                        if ended
                        else f"unknown event type {excerpt(what)}: passed through"
                    )
                    found.append(
                        _Finding(
                            "warning",
                            "unknown",
                            message,
                            line=item.line,
                            offset=item.offset,
                            event=item.number,
                        )
                    )
    except ProtocolError as exc:
        current = feed.current
        if current is None or isinstance(exc, UnknownProtocol):  # not one event's
            message = str(exc)
            if isinstance(exc, UnknownProtocol):
                message += " (--protocol sse checks a stream of another kind)"
            found.append(_Finding("error", "protocol", message))
        else:
            found.append(
                _Finding(
                    "error",
                    "protocol",
                    str(exc),
                    line=current.line,
                    offset=current.offset,
                    event=current.number,
                )
            )
        return s.protocol
    try:
        s.final  # noqa: B018 -- reading it raises the stream's end error
    except ProtocolError as exc:
        found.append(
            _Finding(
                "error",
                "end",
                f"the stream did not finish: {exc}",
                line=end[0],
                offset=end[1],
            )
        )
    return s.protocol


def _report(found: list[_Finding], name: str, out: TextIO) -> None:
    shown: Counter[str] = Counter()
    for finding in found:
        shown[finding.kind] += 1
        if shown[finding.kind] <= _MAX_EACH:
            out.write(finding.render(name) + "\n")
    for kind, count in shown.items():
        if count > _MAX_EACH:
            out.write(
                f"{name}: ... and {count - _MAX_EACH} more like the {kind} ones\n"
            )


def check(chunks: Iterable[bytes], name: str, protocol: str, out: TextIO) -> int:
    """Lint the stream of *chunks*, report to *out*; return the exit status.

    Args:
        chunks: the stream's bytes.
        name: what to call the input in the report.
        protocol: ``auto``, ``chat``, ``anthropic``, ``responses``, or ``sse``
            for the event-stream checks alone.
        out: where the report goes.

    Returns:
        1 if an error was found, else 0.
    """
    data = b"".join(chunks)
    found: list[_Finding] = []
    placed = _scan(data, found)
    detected = None
    if protocol != "sse" and placed:
        end = (len(_LINE_END.findall(data)) + 1, len(data))
        detected = _protocol(_json_events(placed, found), protocol, found, end)
    found.sort(key=lambda f: (f.offset is None, f.offset or 0))
    _report(found, name, out)
    errors = sum(f.severity == "error" for f in found)
    warnings = len(found) - errors
    what = f"{_NAMES[detected]}, " if detected else ""
    events = _plural(len(placed), "event")
    if not found:
        out.write(f"{name}: ok ({what}{events}, complete)\n")
    else:
        counts = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
        out.write(f"{name}: {counts} ({what}{events})\n")
    return 1 if errors else 0


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
