"""One call from a source to events, live views and the final object.

Theory of operation.  :class:`_Driver` is a pure machine: :meth:`_Driver.push`
takes one item of the source and returns the vocabulary events it gives;
:meth:`_Driver.end` is the source's end.  :class:`LLMStream` (sync) and
:class:`AsyncLLMStream` (async) only pull items from the source, hand them to
the driver and yield its events; neither does any I/O of its own beyond
iterating the source and closing it.

* The first item decides what the source holds: byte chunks (decoded with
  :class:`~sseparse.SSEDecoder`), :class:`~sseparse.ServerSentEvent` /
  :class:`~sseparse.Comment` items, or payload dicts (for framings that are not
  SSE: NDJSON lines, re-framed gateway streams).  A later item of another kind
  is a :class:`~sseparse.errors.UsageError`.
* With ``protocol="auto"`` the payloads are held (at most
  :data:`MAX_UNDECIDED`) until one tells the protocol
  (:func:`~sseparse.llm.detect_protocol`, or chat's ``[DONE]``); then the
  accumulator is built and fed the held ones first, in order.  An ``error``
  payload before that raises :class:`~sseparse.errors.StreamError`; a source
  that ends or exceeds the cap undecided raises
  :class:`~sseparse.errors.UnknownProtocol` naming what it saw.
* The live views are kept from the events as they pass, in O(1) per event:
  the latest tool-argument event per call, the latest finish and content
  done of the first choice.  ``text``, ``usage`` and ``snapshot`` read the
  accumulator's snapshot when asked (``text`` joins the text so far: O(text)
  per read; print ``event.delta`` to follow it live).
* The end has one verdict, kept: the accumulator's ``close()`` result, or the
  error it (or an earlier feed) raised.  :attr:`LLMStream.final` returns the
  one or raises the other, every time it is read (an error of the source
  itself propagates, and the verdict is a cut stream caused by it);
  ``incomplete`` is true
  unless the stream reached its clean end.  Leaving early closes the source
  (its ``close()`` / ``aclose()``, which is how a caller cancels a
  generation) and raises nothing.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, cast

import attrs

from sseparse.errors import (
    IncompleteStream,
    ProtocolError,
    SseparseError,
    StreamError,
    UnknownProtocol,
    UsageError,
    excerpt,
)
from sseparse.jsonstream import MISSING, parse_partial
from sseparse.llm._anthropic import AnthropicMessagesAccumulator
from sseparse.llm._detect import detect_protocol
from sseparse.llm._openai_chat import OpenAIChatAccumulator
from sseparse.llm._responses import OpenAIResponsesAccumulator
from sseparse.llm.events import (
    AnyStreamEvent,
    ChoiceFinished,
    ContentDone,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
    ToolCallStarted,
)
from sseparse.sse import Comment, ServerSentEvent, SSEDecoder

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    from types import TracebackType

    from typing_extensions import Self

    from sseparse.limits import Limits
    from sseparse.llm._formats import Protocol, ResponseFormatArg, ToolsArg

__all__ = [
    "MAX_UNDECIDED",
    "AsyncLLMStream",
    "LLMStream",
    "ToolCall",
    "astream",
    "stream",
]

#: How many payloads ``protocol="auto"`` holds before it gives up.
MAX_UNDECIDED: Final = 64

ProtocolArg = Literal["auto", "chat", "anthropic", "responses"]
Accumulator = (
    OpenAIChatAccumulator | AnthropicMessagesAccumulator | OpenAIResponsesAccumulator
)
_ACCUMULATORS: Final[dict[str, type[Accumulator]]] = {
    "chat": OpenAIChatAccumulator,
    "anthropic": AnthropicMessagesAccumulator,
    "responses": OpenAIResponsesAccumulator,
}
_BYTES: Final = (bytes, bytearray, memoryview)


@attrs.frozen
class ToolCall:
    """One tool call as it stands: its arguments so far, parsed.

    Attributes:
        choice_index: its choice (0 where a protocol has one candidate).
        index: its position in the provider's numbering (``None`` for chat's
            legacy ``function_call``).
        id: its id, once known.
        name: its name, once known.
        arguments: the arguments text so far.
        parsed_arguments: the arguments parsed: the partial JSON value while
            they stream, then the final value (the tool's type when ``tools=``
            gave one; for arguments a stop cut short, the value parsed so
            far); ``None`` for free-text input, for arguments that are not
            JSON or do not fit the tool's type, and before any value began.
        done: whether its arguments' done event came.
        complete: ``False`` when a stop cut the arguments short (a preview,
            not a call to run); ``True`` once done whole; ``None`` while
            streaming.
        provider_executed: whether the provider runs the tool itself.
    """

    choice_index: int
    index: int | None
    id: Any
    name: str | None
    arguments: str
    parsed_arguments: Any
    done: bool
    complete: bool | None
    provider_executed: bool


_CallEvent = ToolCallStarted | ToolCallArgumentsDelta | ToolCallArgumentsDone
_WATCHED: Final = frozenset(
    {
        ToolCallStarted,
        ToolCallArgumentsDelta,
        ToolCallArgumentsDone,
        ChoiceFinished,
        ContentDone,
    }
)


def _tool_call(event: _CallEvent) -> ToolCall:
    parsed: Any = None
    arguments = ""
    done = complete = None
    executed = False
    if isinstance(event, ToolCallArgumentsDone):
        arguments, done, complete = event.arguments, True, event.complete
        executed = event.provider_executed
        try:
            parsed = event.parsed_arguments
        except SseparseError:
            # Cut by a stop: the preview parsed so far, as the final holds it
            # (``complete`` says it is one); else not JSON: the problems say so.
            parsed = _preview(arguments) if complete is False else None
    elif isinstance(event, ToolCallArgumentsDelta):
        arguments, executed = event.arguments, event.provider_executed
        try:
            parsed = event.parsed_arguments
        except SseparseError:
            parsed = None
    if parsed is MISSING:
        parsed = None
    return ToolCall(
        choice_index=event.choice_index,
        index=event.index,
        id=event.id,
        name=event.name,
        arguments=arguments,
        parsed_arguments=parsed,
        done=bool(done),
        complete=complete,
        provider_executed=executed,
    )


def _preview(arguments: str) -> Any:
    try:
        return parse_partial(arguments)
    except SseparseError:
        return None


def _describe(payload: Any) -> str:
    if type(payload) is dict:
        kind = payload.get("type", payload.get("object"))
        if kind is not None:
            return f"payload type {excerpt(str(kind))}"
        return f"a JSON object with keys {excerpt(', '.join(map(str, payload)))}"
    if isinstance(payload, str):
        return f"non-JSON data {excerpt(payload)}"
    return f"JSON {excerpt(json.dumps(payload))}"


class _Driver:
    """The pure part of :func:`stream`: items in, events and views out."""

    def __init__(
        self,
        protocol: ProtocolArg,
        response_format: ResponseFormatArg,
        tools: ToolsArg,
        strict: bool,
        limits: Limits | None,
    ) -> None:
        if protocol != "auto" and protocol not in _ACCUMULATORS:
            raise UsageError(
                "stream(): expected protocol 'auto', 'chat', 'anthropic' or "
                f"'responses', got {protocol!r}"
            )
        self._options: dict[str, Any] = {
            "response_format": response_format,
            "tools": tools,
            "strict": strict,
            "limits": limits,
        }
        self.limits = limits
        self.acc: Accumulator | None = None
        self.protocol: Protocol | None = None
        # Check the options now, also for "auto": a build that fails later,
        # at the first payload, would report a caller's mistake too late.
        for name in ("chat", "anthropic", "responses") if protocol == "auto" else ():
            _ACCUMULATORS[name](**self._options)
        if protocol != "auto":
            self._start(protocol)
        self._kind: str | None = None  # "bytes", "events" or "payloads"
        self._decoder: SSEDecoder[ServerSentEvent] | None = None
        self._held: list[tuple[ServerSentEvent | Comment | None, Any]] = []
        self._seen: list[str] = []
        self.calls: dict[tuple[int, int | None], _CallEvent] = {}
        self.finished: ChoiceFinished | None = None
        self.content_done: ContentDone | None = None
        self.verdict: tuple[bool, Any] | None = None  # (ok, final or error)
        self.clean = False
        self.pending: SseparseError | None = None  # raise after the events out
        self._out: list[AnyStreamEvent] = []

    # -- the source ----------------------------------------------------------------

    def push(self, item: Any) -> list[AnyStreamEvent]:
        """The events *item* gives.  If it also raises, the events before the
        error are returned and the error is kept in :attr:`pending`, to be
        raised after them: no event is lost to an error later in a chunk."""
        out = self._out = []
        try:
            self._push(item)
        except SseparseError as exc:
            self.fail(exc)
            self.pending = exc
        return out

    def end(self) -> list[AnyStreamEvent]:
        """The source ran out: the decoder's last event, then the verdict
        (errors kept in :attr:`pending`, as for :meth:`push`)."""
        out = self._out = []
        try:
            if self._decoder is not None:
                self._decoded(self._decoder.close)
            if self.acc is None:
                self._undecided_end()
        except SseparseError as exc:
            self.fail(exc)
            self.pending = exc
            return out
        self._close()
        return out

    def _push(self, item: Any) -> None:
        kind = self._kind
        if kind is None:
            kind = self._kind = self._kind_of(item)
        if kind == "bytes":
            if not isinstance(item, _BYTES):
                self._mixed(item)
            decoder = self._decoder
            if decoder is None:
                decoder = self._decoder = SSEDecoder(limits=self.limits)
            data = bytes(item)
            self._decoded(lambda: decoder.feed(data))
        elif kind == "events":
            if not isinstance(item, (ServerSentEvent, Comment)):
                self._mixed(item)
            self._event(item)
        else:
            if not isinstance(item, Mapping):
                self._mixed(item)
            self._payload(None, dict(item))

    def fail(self, exc: BaseException) -> None:
        if self.verdict is None:
            self.verdict = (False, exc)

    def source_failed(self, exc: Exception) -> None:
        """The source raised (a network error, say): the verdict is a cut
        stream whose cause is that error."""
        if self.verdict is None:
            snapshot = self.acc.snapshot() if self.acc is not None else None
            cut = IncompleteStream(
                f"the source failed before the stream's end: {type(exc).__name__}: "
                f"{excerpt(str(exc), 200)}",
                snapshot=snapshot,
            )
            cut.__cause__ = exc
            self.verdict = (False, cut)

    def cut(self) -> None:
        """The caller left early: the verdict is a cut stream."""
        if self.verdict is None:
            snapshot = self.acc.snapshot() if self.acc is not None else None
            self.verdict = (
                False,
                IncompleteStream(
                    "the stream was left before its end (closed early)",
                    snapshot=snapshot,
                ),
            )

    def _decoded(self, step: Callable[[], list[ServerSentEvent]]) -> None:
        """Take the events of one decoder call; when it raises, first those it
        completed before the error (``ProtocolError.items``), as if it had
        returned them, so that no chunking loses an event to a limit."""
        try:
            events = step()
        except ProtocolError as exc:
            for event in exc.items:
                self._event(event)
            raise
        for event in events:
            self._event(event)

    def _kind_of(self, item: Any) -> str:
        if isinstance(item, _BYTES):
            return "bytes"
        if isinstance(item, (ServerSentEvent, Comment)):
            return "events"
        if isinstance(item, Mapping):
            return "payloads"
        raise UsageError(
            "stream(): expected an iterable of byte chunks, of ServerSentEvent "
            f"items or of payload dicts, got a {type(item).__name__} item"
            + (" (encode text to bytes first)" if isinstance(item, str) else "")
        )

    def _mixed(self, item: Any) -> None:
        raise UsageError(
            f"stream(): the source began with {self._kind} and then gave a "
            f"{type(item).__name__} item"
        )

    # -- protocol detection --------------------------------------------------------

    def _event(self, event: ServerSentEvent | Comment) -> None:
        acc = self.acc
        if acc is not None:
            self._observe(acc.feed(event))
            return
        if isinstance(event, Comment):
            self._held.append((event, None))
            return
        data = event.data
        if data == "[DONE]":
            self._start("chat")
            self._replay()
            self._observe(self._fed().feed(event))
            return
        try:
            payload: Any = json.loads(data)
        except (ValueError, RecursionError):  # nested past the C stack: not JSON
            payload = data
        self._payload(event, payload)

    def _payload(self, event: ServerSentEvent | None, payload: Any) -> None:
        acc = self.acc
        if acc is None:
            detected = detect_protocol(payload)
            if detected is None:
                self._hold(event, payload)
                return
            self._start(detected)
            self._replay()
            acc = self._fed()
        self._observe(acc.feed(event) if event is not None else acc.feed_chunk(payload))

    def _hold(self, event: ServerSentEvent | None, payload: Any) -> None:
        if type(payload) is dict and (
            payload.get("type") == "error" or "error" in payload
        ):
            raise StreamError(
                "the provider sent an error before its stream said which "
                f"protocol it speaks: {excerpt(json.dumps(payload), 200)}",
                body=payload,
            )
        self._seen.append(_describe(payload))
        self._held.append((event, payload))
        if len(self._held) > MAX_UNDECIDED:
            self._unknown(f"after {MAX_UNDECIDED} events")

    def _undecided_end(self) -> None:
        if not self._seen:
            raise UnknownProtocol(
                "no events found: is this an event stream? (an event is "
                "'data: ...' lines ended by a blank line)",
                seen=(),
            )
        self._unknown("at the end of the stream")

    def _unknown(self, when: str) -> None:
        seen = tuple(self._seen[:8])
        raise UnknownProtocol(
            f"could not tell the protocol {when}: saw {'; '.join(seen)}. "
            "Expected a chat.completion.chunk, Anthropic's message_start or "
            "a response.* event; pass protocol= to choose one.",
            seen=seen,
        )

    def _start(self, protocol: Protocol) -> None:
        self.protocol = protocol
        self.acc = _ACCUMULATORS[protocol](**self._options)

    def _fed(self) -> Accumulator:
        acc = self.acc
        assert acc is not None  # set by _start
        return acc

    def _replay(self) -> None:
        acc = self._fed()
        held, self._held = self._held, []
        for event, payload in held:
            self._observe(
                acc.feed(event) if event is not None else acc.feed_chunk(payload)
            )

    # -- views ---------------------------------------------------------------------

    def _observe(self, events: Sequence[AnyStreamEvent]) -> None:
        self._out += events
        for event in events:
            if event.__class__ in _WATCHED:  # most are content deltas: one test
                self._watch(event)

    def _watch(self, event: AnyStreamEvent) -> None:
        cls = event.__class__
        if cls is ChoiceFinished:
            finished = cast("ChoiceFinished", event)
            if not finished.choice_index:
                self.finished = finished
        elif cls is ContentDone:
            done = cast("ContentDone", event)
            if not done.choice_index:
                self.content_done = done
        else:
            call = cast("_CallEvent", event)
            self.calls[(call.choice_index, call.index)] = call

    def _close(self) -> None:
        acc = self.acc
        if acc is None or self.verdict is not None:
            return
        try:
            final = acc.close()
        except SseparseError as exc:
            self.verdict = (False, exc)
            # A finish error (length, content filter) still ended the stream.
            self.clean = not isinstance(exc, (IncompleteStream, StreamError))
        else:
            self.verdict = (True, final)
            self.clean = True


class _Views:
    """What :class:`LLMStream` and :class:`AsyncLLMStream` both show."""

    _driver: _Driver

    @property
    def protocol(self) -> Protocol | None:
        """``"chat"``, ``"anthropic"`` or ``"responses"``; ``None`` until known."""
        return self._driver.protocol

    @property
    def accumulator(self) -> Accumulator | None:
        """The accumulator at work (``None`` until the protocol is known)."""
        return self._driver.acc

    @property
    def snapshot(self) -> dict[str, Any] | None:
        """The object so far, in its wire shape (the accumulator's own dict:
        ``copy.deepcopy`` it to keep it); ``None`` until the protocol is known."""
        acc = self._driver.acc
        return acc.snapshot() if acc is not None else None

    @property
    def text(self) -> str:
        """The text so far: the first choice's content (chat), the text
        blocks (Anthropic), the messages' output text (Responses), joined.
        O(text) per read: follow ``content.delta`` events to print it live."""
        snap = self.snapshot
        if snap is None:
            return ""
        protocol = self._driver.protocol
        if protocol == "chat":
            for choice in snap.get("choices") or ():
                if choice.get("index") == 0:
                    return choice["message"].get("content") or ""
            return ""
        if protocol == "anthropic":
            return "".join(
                block.get("text") or ""
                for block in snap.get("content") or ()
                if block.get("type") == "text"
            )
        return "".join(
            part.get("text") or ""
            for item in snap.get("output") or ()
            if item.get("type") == "message"
            for part in item.get("content") or ()
            if part.get("type") == "output_text"
        )

    @property
    def tool_calls(self) -> list[ToolCall]:
        """Every tool call so far (all choices), in the order they began, with
        its arguments parsed (partial while they stream)."""
        return [_tool_call(event) for event in self._driver.calls.values()]

    @property
    def usage(self) -> dict[str, Any] | None:
        """The token usage so far, as the provider sent it (``None`` if none)."""
        snap = self.snapshot
        usage = snap.get("usage") if snap is not None else None
        return usage if type(usage) is dict else None

    @property
    def finish_reason(self) -> str | None:
        """The first choice's finish reason as the protocol sent it
        (``stop``, ``end_turn``, ``max_output_tokens``...), once it came."""
        finished = self._driver.finished
        return finished.finish_reason if finished is not None else None

    @property
    def reason(self) -> str | None:
        """The same, normalised (:data:`~sseparse.llm.events.FinishReason`)."""
        finished = self._driver.finished
        return finished.reason if finished is not None else None

    @property
    def parsed(self) -> Any:
        """The first choice's content parsed with ``response_format`` (the
        class's object, or the JSON value), once its content is done;
        ``None`` before, without a ``response_format``, or for a refusal."""
        done = self._driver.content_done
        return done.parsed if done is not None else None

    @property
    def incomplete(self) -> bool:
        """Whether the stream stopped short of its clean end: cut, failed,
        left early, or not yet over."""
        return not self._driver.clean

    @property
    def final(self) -> dict[str, Any]:
        """The final object in its wire shape (``close()``'s result).

        Raises:
            UsageError: the stream is not over yet (iterate it to the end).
            IncompleteStream, StreamError, LengthFinishReasonError, ...: the
                error that ended the stream (a cut or failed stream is never
                reported as finished), every time it is read.
        """
        verdict = self._driver.verdict
        if verdict is None:
            raise UsageError(
                "stream.final: the stream is not over yet; iterate it to its "
                "end first (or leave the block, which makes it a cut stream)"
            )
        ok, value = verdict
        if ok:
            return cast("dict[str, Any]", value)
        raise value


def _close_source(source: Any) -> None:
    close = getattr(source, "close", None)
    if callable(close):
        close()


class LLMStream(_Views):
    """A stream of vocabulary events over a source, with live views.

    Made by :func:`stream`; see there.  Iterate it (once), or use it as a
    context manager, which closes the source when the block is left.
    """

    def __init__(self, source: Iterable[Any], driver: _Driver) -> None:
        self._source = source
        self._driver = driver
        self._iterating = False
        self._closed = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __iter__(self) -> Iterator[AnyStreamEvent]:
        if self._iterating or self._closed:
            raise UsageError("stream(): a stream can be iterated once")
        self._iterating = True
        return self._events()

    def _events(self) -> Iterator[AnyStreamEvent]:
        driver = self._driver
        try:
            for item in self._source:
                yield from driver.push(item)
                if driver.pending is not None:
                    raise driver.pending
            yield from driver.end()
            if driver.pending is not None:
                raise driver.pending
        except SseparseError:
            raise
        except Exception as exc:  # the source's own error: a cut stream
            driver.source_failed(exc)
            raise
        finally:
            self.close()

    def close(self) -> None:
        """Close the source (cancelling the generation if it is an HTTP
        response); a stream not over by then is a cut one (``incomplete``,
        and ``final`` raises ``IncompleteStream``).  Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._driver.cut()
        _close_source(self._source)


class AsyncLLMStream(_Views):
    """:class:`LLMStream` over an async source: ``async for`` and
    ``async with``.  Made by :func:`astream`."""

    def __init__(self, source: AsyncIterable[Any], driver: _Driver) -> None:
        self._source = source
        self._driver = driver
        self._iterating = False
        self._closed = False

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> AsyncIterator[AnyStreamEvent]:
        if self._iterating or self._closed:
            raise UsageError("astream(): a stream can be iterated once")
        self._iterating = True
        return self._events()

    async def _events(self) -> AsyncIterator[AnyStreamEvent]:
        driver = self._driver
        try:
            async for item in self._source:
                for event in driver.push(item):
                    yield event
                if driver.pending is not None:
                    raise driver.pending
            for event in driver.end():
                yield event
            if driver.pending is not None:
                raise driver.pending
        except SseparseError:
            raise
        except Exception as exc:  # the source's own error: a cut stream
            driver.source_failed(exc)
            raise
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        """As :meth:`LLMStream.close`: ``aclose()`` (or ``close()``) the
        source.  Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._driver.cut()
        aclose = getattr(self._source, "aclose", None)
        if callable(aclose):
            await aclose()
        else:
            _close_source(self._source)


def stream(
    source: Iterable[Any],
    *,
    protocol: ProtocolArg = "auto",
    response_format: ResponseFormatArg = None,
    tools: ToolsArg = None,
    strict: bool = False,
    limits: Limits | None = None,
) -> LLMStream:
    """Events, live views and the final object of one LLM stream, in one call.

    ::

        with stream(response.iter_bytes()) as s:
            for event in s:
                if event.type == "content.delta":
                    print(event.delta, end="")
        s.final  # the wire dict; raises if the stream was cut or failed

    Args:
        source: an iterable of byte chunks (an HTTP body), of
            :class:`~sseparse.ServerSentEvent` items, or of payload dicts
            (framings that are not SSE); the first item decides which.
        protocol: ``"auto"`` (detected from the first payloads that say),
            ``"chat"``, ``"anthropic"`` or ``"responses"``.
        response_format, tools, strict, limits: as for the accumulators.

    Returns:
        An :class:`LLMStream`: iterate it for the vocabulary events; read
        ``snapshot``, ``text``, ``tool_calls``, ``usage``, ``finish_reason``,
        ``parsed`` and ``incomplete`` at any point, ``final`` at the end.

    Raises:
        UsageError: an option is wrong (at once), or the source holds
            something else (while iterating).
        UnknownProtocol: ``"auto"`` could not tell the protocol (iterating).
        ProtocolError: what the decoder or accumulator raises (iterating).
    """
    if not isinstance(source, Iterable) or isinstance(source, (*_BYTES, str)):
        hint = (
            "; for an async one, use astream()"
            if isinstance(source, AsyncIterable)
            else " (a list of one body is [body])"
            if isinstance(source, _BYTES)
            else ""
        )
        raise UsageError(
            "stream(): expected an iterable of byte chunks, ServerSentEvent items "
            f"or payload dicts, got {type(source).__name__}{hint}"
        )
    return LLMStream(source, _Driver(protocol, response_format, tools, strict, limits))


def astream(
    source: AsyncIterable[Any],
    *,
    protocol: ProtocolArg = "auto",
    response_format: ResponseFormatArg = None,
    tools: ToolsArg = None,
    strict: bool = False,
    limits: Limits | None = None,
) -> AsyncLLMStream:
    """:func:`stream` for an async iterable (``async with`` / ``async for``)."""
    given: object = source  # checked at run time: callers need not type-check
    if not isinstance(given, AsyncIterable):
        hint = "; for a sync one, use stream()" if isinstance(given, Iterable) else ""
        raise UsageError(
            f"astream(): expected an async iterable, got {type(source).__name__}{hint}"
        )
    return AsyncLLMStream(
        source, _Driver(protocol, response_format, tools, strict, limits)
    )
