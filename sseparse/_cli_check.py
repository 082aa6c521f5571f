"""``sseparse check``: lint a captured event stream.

Theory of operation.  The whole input is read first (a capture is finite;
memory is O(size)), then looked at in three passes, each one layer up:

1. Bytes and lines: a byte order mark, lines ended by a lone CR (reported
   once, counted), invalid UTF-8, with the byte offset (0 is the first byte)
   and line number (1 is the first line) of each.
2. Events: the lines are fed one by one to a real :class:`~sseparse.SSEDecoder`,
   so the events are the decoder's own; each is placed at the line where its
   block began, and numbered from 0.  A final block never ended by a blank
   line, no events at all, and (for an LLM stream) data that is not JSON are
   found here; the JSON is parsed here, once.
3. The LLM protocol: the JSON events go through :func:`sseparse.llm.stream`,
   with the protocol told first from the payloads (or as ``--protocol`` says;
   ``sse`` skips this pass), so that no event is held back and each event of
   the accumulator is placed at the event that gave it.  Errors: an event the
   accumulator cannot take (a delta or stop for a block never started, a
   field of the wrong type: its ``UnexpectedEvent`` or ``InvalidChunk``, at
   that event, with its message less its own event count, which skips the
   events that are not JSON), and a stream that never reached its end
   (``final`` raising ``IncompleteStream``) or failed.  Warnings: unknown
   event types and events after the end marker (passed through); indices out
   of order (a chat tool call's ``index`` first seen below one seen before in
   its choice, an Anthropic ``content_block_start`` index that is not one
   more than the last, a Responses ``output_item.added`` ``output_index`` not
   above the last); Responses ``sequence_number`` gaps (the accumulator's
   :class:`~sseparse.llm.SequenceGap` events) and replays (dropped: its
   ``replayed`` count, read after each event); and a stream that finished
   without any usage (no :class:`~sseparse.llm.UsageUpdated`), reported at
   its end marker.

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
from sseparse.llm import (
    MAX_UNDECIDED,
    OpenAIResponsesAccumulator,
    PartStarted,
    SequenceGap,
    StreamDone,
    ToolCallStarted,
    UnknownEvent,
    UsageUpdated,
    detect_protocol,
    stream,
)
from sseparse.sse import ServerSentEvent, SSEDecoder

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from sseparse.llm import AnyStreamEvent, LLMStream

__all__ = ["check"]

_Protocol = Literal["auto", "chat", "anthropic", "responses"]
_MAX_EACH: Final = 5
_LINE_END: Final = re.compile(rb"\r\n|\r|\n")
# How an accumulator's message begins: its own count of the events it was
# given ("event 3: ...", "chunk 3 (event 'x'): ..."), which skips the events
# that are not JSON; a finding gives the place in the input instead.
_PLACE: Final = re.compile(r"^(?:event|chunk) \d+(?: \(event [^)]*\))?: ")
_NO_USAGE: Final = {
    "chat": "no usage: ask for it with stream_options.include_usage",
    "anthropic": "no usage: neither message_start nor message_delta carried usage",
    "responses": "no usage: the terminal response has none",
}
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
    """An SSE event with its number and the line and byte where it began,
    and its data parsed (once JSON is known to be wanted)."""

    def __init__(self, number: int, line: int, offset: int, event: ServerSentEvent):
        self.number = number
        self.line = line
        self.offset = offset
        self.event = event
        self.payload: Any = None


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
                item.payload = json.loads(data)
            except (ValueError, RecursionError) as exc:
                what = (
                    "JSON nested too deeply to read"
                    if isinstance(exc, RecursionError)
                    else "not JSON"
                )
                found.append(
                    _Finding(
                        "error",
                        "json",
                        f"the data is {what}: {excerpt(data)}",
                        line=item.line,
                        offset=item.offset,
                        event=item.number,
                    )
                )
                continue
        keep.append(item)
    return keep


class _Feed:
    """The events for ``stream()``, remembering which one is being read.

    ``stream()`` takes the next event only once the events of the one before
    have all been yielded, so ``after`` runs when an event is wholly done.
    """

    def __init__(self, items: Iterable[_Placed], after: Callable[[_Placed], None]):
        self._items = items
        self._after = after
        self.current: _Placed | None = None

    def __iter__(self) -> Iterator[ServerSentEvent]:
        for item in self._items:
            self.current = item
            yield item.event
            self._after(item)


def _unknown_type(item: _Placed) -> str:
    event = item.event
    if event.event != "message":
        return event.event
    payload = item.payload
    if type(payload) is dict:
        return str(payload.get("type", payload.get("object", "message")))
    return "message"


def _detect(items: list[_Placed]) -> str:
    """The protocol, told as ``stream()`` tells it, but before feeding it:
    given, the accumulator gets each event when it comes (none is held), so
    that what it raises or emits is placed at its own event.  ``auto`` when
    the events do not say (``stream()`` then names what it saw)."""
    for item in items[: MAX_UNDECIDED + 1]:
        payload = item.payload
        if item.event.data == "[DONE]":
            return "chat"
        detected = detect_protocol(payload)
        if detected is not None:
            return detected
        error = type(payload) is dict and (
            "error" in payload or payload.get("type") == "error"
        )
        if error:  # an error before the protocol: stream() says so
            break
    return "auto"


class _ProtocolPass:
    """Pass 3: the events through ``stream()``, and the findings about them."""

    def __init__(self, found: list[_Finding], end: tuple[int, int]) -> None:
        self._found = found
        self._end = end  # the (line, offset) of the end of the input
        self._ended = False
        self._done_at: _Placed | None = None  # the end marker's event
        self._usage = False
        self._calls: dict[int, int] = {}  # chat: choice -> highest tool index
        self._block = -1  # Anthropic: the last content block started
        self._output = -1  # Responses: the last output_index added
        self._replayed = 0
        self._last_seq: int | None = None
        self._stream: LLMStream | None = None

    def _add(self, severity: str, kind: str, message: str, item: _Placed) -> None:
        self._found.append(
            _Finding(
                severity,
                kind,
                message,
                line=item.line,
                offset=item.offset,
                event=item.number,
            )
        )

    def run(self, items: list[_Placed], protocol: str) -> str | None:
        """Check *items*; return the protocol found."""
        if protocol == "auto":
            protocol = _detect(items)
        feed = _Feed(items, self._after)
        s = self._stream = stream(feed, protocol=cast("_Protocol", protocol))
        try:
            with s:
                for event in s:
                    self._event(event, feed.current)
        except ProtocolError as exc:
            self._failed(exc, feed.current)
            return s.protocol
        try:
            s.final  # noqa: B018 -- reading it raises the stream's end error
        except ProtocolError as exc:
            line, offset = self._end
            self._found.append(
                _Finding(
                    "error",
                    "end",
                    f"the stream did not finish: {exc}",
                    line=line,
                    offset=offset,
                )
            )
            return s.protocol
        if not self._usage:
            self._no_usage(s.protocol)
        return s.protocol

    def _failed(self, exc: ProtocolError, current: _Placed | None) -> None:
        if current is None or isinstance(exc, UnknownProtocol):  # not one event's
            message = str(exc)
            if isinstance(exc, UnknownProtocol):
                message += " (--protocol sse checks a stream of another kind)"
            self._found.append(_Finding("error", "protocol", message))
        else:  # the accumulator's message, less its own count of the events
            self._add("error", "protocol", _PLACE.sub("", str(exc), 1), current)

    def _event(self, event: AnyStreamEvent, current: _Placed | None) -> None:
        assert current is not None  # every event comes from an item fed
        cls = event.__class__
        if cls is StreamDone:
            self._ended = True
            self._done_at = current
        elif cls is UsageUpdated:
            self._usage = True
        elif cls is UnknownEvent:
            self._unknown(current)
        elif cls is SequenceGap:
            gap = cast("SequenceGap", event)
            missing = gap.got - gap.expected
            what = "it" if missing == 1 else "they"
            self._add(
                "warning",
                "gap",
                f"sequence gap: sequence_number {gap.got} came after "
                f"{gap.expected - 1} ({_plural(missing, 'event')} missing; the "
                f"final object may lack what {what} carried)",
                current,
            )
        elif cls is ToolCallStarted and self._protocol == "chat":
            self._tool_call(cast("ToolCallStarted", event), current)
        elif cls is PartStarted:
            self._part(cast("PartStarted", event), current)

    @property
    def _protocol(self) -> str | None:
        s = self._stream
        return s.protocol if s is not None else None

    def _unknown(self, current: _Placed) -> None:
        what = excerpt(_unknown_type(current))
        message = (
            f"an event after the end marker ({what}): ignored"
            if self._ended
            else f"unknown event type {what}: passed through"
        )
        self._add("warning", "unknown", message, current)

    def _tool_call(self, event: ToolCallStarted, current: _Placed) -> None:
        index = event.index
        if type(index) is not int:  # chat's legacy function_call has none
            return
        choice = event.choice_index
        highest = self._calls.get(choice)
        if highest is not None and index < highest:
            self._add(
                "warning",
                "index",
                f"indices out of order: tool call index {index} of choice "
                f"{choice} first came after index {highest}",
                current,
            )
        self._calls[choice] = index if highest is None else max(highest, index)

    def _part(self, event: PartStarted, current: _Placed) -> None:
        protocol = self._protocol
        index = event.index
        if type(index) is not int or event.content_index is not None:
            return
        if protocol == "anthropic":
            if index != self._block + 1:
                self._add(
                    "warning",
                    "index",
                    f"indices out of order: content_block_start at index {index}, "
                    f"expected {self._block + 1} (one more than the last)",
                    current,
                )
            self._block = index
        elif protocol == "responses":
            if index <= self._output:
                self._add(
                    "warning",
                    "index",
                    f"indices out of order: output_item.added at output_index "
                    f"{index} after output_index {self._output}",
                    current,
                )
            self._output = max(self._output, index)

    def _after(self, item: _Placed) -> None:
        """Once *item* is fed: a replay the accumulator dropped."""
        s = self._stream
        acc = s.accumulator if s is not None else None
        if not isinstance(acc, OpenAIResponsesAccumulator):
            return
        payload = item.payload
        seq = payload.get("sequence_number") if type(payload) is dict else None
        if acc.replayed > self._replayed:
            self._replayed = acc.replayed
            self._add(
                "warning",
                "replay",
                f"a replay: sequence_number {seq} is not above the last one "
                f"seen ({self._last_seq}); dropped",
                item,
            )
        elif type(seq) is int:
            self._last_seq = seq

    def _no_usage(self, protocol: str | None) -> None:
        message = _NO_USAGE[protocol or ""]  # known: the stream finished
        at = self._done_at
        if at is None:
            line, offset = self._end
            self._found.append(
                _Finding("warning", "usage", message, line=line, offset=offset)
            )
        else:
            self._add("warning", "usage", message, at)


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
    kept = _json_events(placed, found) if protocol != "sse" else []
    if kept:  # none: the events are not JSON, as said; no protocol to check
        end = (len(_LINE_END.findall(data)) + 1, len(data))
        detected = _ProtocolPass(found, end).run(kept, protocol)
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
