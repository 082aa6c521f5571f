"""Anthropic Messages streams: events in, vocabulary events and a ``message`` out.

Theory of operation
-------------------
The accumulator consumes the SSE events of a ``/v1/messages`` stream (or their
JSON payloads, already parsed) and keeps one live ``message`` dict, in the
exact shape of the non-streaming response, that it updates in place.

* Dispatch is on the payload's own ``type``, never on the SSE ``event:`` line:
  a data-only stream (proxies, re-framing gateways) gives the same events and
  the same final as a named one.
* The allowed order is one table, :data:`TRANSITIONS`: ``(phase, payload type)
  -> (handler, next phase)``.  A known type in a phase that does not allow it
  raises :class:`~sseparse.errors.UnexpectedEvent`; an unknown type passes
  through as :class:`~sseparse.llm.events.UnknownEvent` in any phase (a
  proxy's own event may come before ``message_start``).
  ``error`` raises :class:`~sseparse.errors.StreamError` in any phase.
* Content blocks are keyed by their wire ``index`` in a dict: any order of
  first appearance, gaps allowed; the live ``content`` list is put in index
  order by ``snapshot()``.  Each block has a kind (:class:`BlockKind`, from its
  ``type``) and a sub-state (:class:`BlockState`); which delta types each kind
  takes is the second table, :data:`DELTAS`.  A delta or stop for a block that
  was never started, or that already stopped, a second start of an index, or
  a known delta type on a block of the wrong kind raises ``UnexpectedEvent``
  naming the index, the block type and the delta type.  An unknown delta type
  (or any delta of an unknown block kind) passes through as ``UnknownEvent``;
  the block stays in the final as it started.
* Merge policy per field: one table, :data:`ANTHROPIC_MESSAGES` (the
  :class:`~sseparse.llm._merge.Merge` policies), which the handlers read.  In
  short: text (``text``, ``thinking``, the tool input's ``partial_json``) is
  concatenated; a signature and a compaction's fields are replaced by each new
  value; citations are appended (the list is created at the first one); the
  ``message_delta`` fields (``stop_reason``, ``stop_sequence``,
  ``stop_details``, ``container``, any other) are the latest non-null value;
  usage is cumulative: each field sent overwrites, the others stay, nested
  objects (``server_tool_use``) merge the same way; numbers are never added.
* Text is a :class:`~sseparse.llm._text.TextSlot`: fragments appended in O(1),
  written into the live dict only when ``snapshot()`` or ``close()`` asks.  Tool
  input is parsed incrementally through layer 2, exactly once: the snapshot
  shows the partial value, the block's stop the exact ``json.loads`` value.  A
  tool block whose input came whole in its start (no ``input_json_delta``, or
  only empty ones) keeps that input, and its arguments text is
  ``json.dumps`` of it (``"{}"`` when none came).
* Terminal states: ``message_stop`` is the clean end (state ``DONE``;
  ``close()`` returns the final).  ``close()`` without it raises
  :class:`~sseparse.errors.IncompleteStream` carrying the snapshot.  A block
  still open when ``message_delta`` or ``message_stop`` arrives is finished
  there (in index order), and a tool block whose input is not one whole JSON
  text at its end (cut by ``max_tokens``, or by any stop inside it) is
  reported: its ``ToolCallArgumentsDone`` has ``complete=False`` and its
  index is in :attr:`AnthropicMessagesAccumulator.incomplete`.  Its final
  ``input`` is the partial value parsed so far (``{}`` when none), never
  passed off as whole.  A block left open counts as cut even when its input
  happens to be whole JSON.
  Every event after ``message_stop`` passes through as ``UnknownEvent``.

Phases (:class:`MessageState`): ``AWAITING_START`` -> ``IN_MESSAGE`` (after
``message_start``) -> ``FINISHING`` (after ``message_delta``) -> ``STOPPED``
(after ``message_stop``).  The public :class:`AccumulatorState` is
``STREAMING`` until ``STOPPED``, then ``DONE``, then ``CLOSED``; any error
makes it ``ERROR``, which sticks.  Cost: O(size of the payload) per event,
plus O(delta) per lazy view read; memory is bounded by
``Limits.max_text_chars`` and ``Limits.max_stream_items``.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from sseparse.errors import (
    IncompleteStream,
    InvalidChunk,
    JSONStreamError,
    LimitExceeded,
    StreamError,
    UnexpectedEvent,
    UsageError,
    excerpt,
)
from sseparse.jsonstream import MISSING, parse_partial
from sseparse.limits import DEFAULT_LIMITS, Limits
from sseparse.llm import _loads
from sseparse.llm._finish import normalise
from sseparse.llm._machine import (
    AccumulatorBase,
    AccumulatorState,
    make_arguments_delta,
    make_chunk_received,
    make_content_delta,
)
from sseparse.llm._merge import Merge, Table
from sseparse.llm._text import TextSlot
from sseparse.llm.events import (
    AnthropicStreamEvent,
    ChoiceFinished,
    ChunkReceived,
    CitationAdded,
    ContentDelta,
    ContentDone,
    MessageStarted,
    PartDone,
    PartStarted,
    ReasoningDelta,
    ReasoningDone,
    ReasoningRedacted,
    ReasoningSignature,
    ServerToolCallStarted,
    ServerToolResult,
    StreamDone,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
    ToolCallStarted,
    UnknownEvent,
    UsageUpdated,
)
from sseparse.sse import Comment, ServerSentEvent

if TYPE_CHECKING:
    from sseparse.llm._formats import ResponseFormatArg, ToolsArg

__all__ = [
    "ANTHROPIC_MESSAGES",
    "DELTAS",
    "TRANSITIONS",
    "AnthropicMessagesAccumulator",
    "BlockKind",
    "BlockState",
    "MessageState",
]

_STREAMING = AccumulatorState.STREAMING
_DONE = AccumulatorState.DONE
_CLOSED = AccumulatorState.CLOSED
_ERROR = AccumulatorState.ERROR

Events = list[AnthropicStreamEvent]

# The events of feed()'s fast path, built by one C call each (the makers are
# shared by the three accumulators: sseparse/llm/_machine.py).
_make_chunk_received = make_chunk_received
_make_content_delta = make_content_delta
_make_arguments_delta = make_arguments_delta


class MessageState(enum.Enum):
    """Where the message is in its stream (the phases of :data:`TRANSITIONS`)."""

    AWAITING_START = "awaiting start"  # nothing but pings yet
    IN_MESSAGE = "in message"  # message_start came; blocks may come
    FINISHING = "finishing"  # message_delta came; only message_stop is left
    STOPPED = "stopped"  # message_stop came


class BlockState(enum.Enum):
    """Where one content block is."""

    OPEN = "open"  # started, deltas may come
    STOPPED = "stopped"  # its content_block_stop (or the message's end) came


class BlockKind(enum.Enum):
    """What a content block's ``type`` makes of it (see :func:`block_kind`)."""

    TEXT = "text"
    THINKING = "thinking"
    REDACTED_THINKING = "redacted_thinking"
    TOOL_USE = "tool_use"  # run by the client
    SERVER_TOOL_USE = "server_tool_use"  # server_tool_use, mcp_tool_use, *tool_use
    TOOL_RESULT = "tool_result"  # *_tool_result: arrives whole
    CONTAINER_UPLOAD = "container_upload"
    COMPACTION = "compaction"
    UNKNOWN = "unknown"  # kept as it started; its deltas pass through


_AWAITING = MessageState.AWAITING_START
_IN = MessageState.IN_MESSAGE
_FINISHING = MessageState.FINISHING
_STOPPED = MessageState.STOPPED
_OPEN = BlockState.OPEN
_BLOCK_STOPPED = BlockState.STOPPED
_TEXT = BlockKind.TEXT
_THINKING = BlockKind.THINKING
_TOOL = BlockKind.TOOL_USE
_SERVER_TOOL = BlockKind.SERVER_TOOL_USE
_UNKNOWN = BlockKind.UNKNOWN

_KINDS = {
    "text": _TEXT,
    "thinking": _THINKING,
    "redacted_thinking": BlockKind.REDACTED_THINKING,
    "tool_use": _TOOL,
    "container_upload": BlockKind.CONTAINER_UPLOAD,
    "compaction": BlockKind.COMPACTION,
}


def block_kind(block_type: str) -> BlockKind:
    """The kind of a content block type.

    ``tool_use`` is a client tool; any other type ending in ``tool_use``
    (``server_tool_use``, ``mcp_tool_use``, ...) a tool the provider runs, with
    input streamed the same way; any type ending in ``_tool_result`` a result
    that arrives whole.
    """
    kind = _KINDS.get(block_type)
    if kind is not None:
        return kind
    if block_type.endswith("tool_use"):
        return _SERVER_TOOL
    if block_type.endswith("_tool_result"):
        return BlockKind.TOOL_RESULT
    return _UNKNOWN


# The merge table, as render(ANTHROPIC_MESSAGES) prints it:
#
#     message_delta.type         SKIP
#     message_delta.delta        OBJECT (delta)
#     message_delta.usage        OBJECT (usage)
#     message_delta.content      SKIP
#     message_delta.*            LATEST_NON_NULL
#     delta.stop_reason          LATEST_NON_NULL
#     delta.stop_sequence        LATEST_NON_NULL
#     delta.stop_details         LATEST_NON_NULL
#     delta.container            LATEST_NON_NULL
#     delta.type                 SKIP
#     delta.content              SKIP
#     delta.usage                OBJECT (usage)
#     delta.*                    LATEST_NON_NULL
#     usage.*                    MERGE
#     text_delta.text            CONCAT
#     text_delta.*               SKIP
#     thinking_delta.thinking    CONCAT
#     thinking_delta.*           SKIP
#     signature_delta.signature  LATEST_NON_NULL
#     signature_delta.*          SKIP
#     citations_delta.citation   APPEND
#     citations_delta.*          SKIP
#     input_json_delta.partial_json CONCAT
#     input_json_delta.*         SKIP
#     compaction_delta.type      SKIP
#     compaction_delta.*         LATEST_NON_NULL
ANTHROPIC_MESSAGES: Mapping[str, Table] = {
    # The top level of a message_delta event: its other keys go onto the message.
    "message_delta": Table(
        {
            "type": Merge.SKIP,
            "delta": Merge.OBJECT,
            "usage": Merge.OBJECT,
            "content": Merge.SKIP,  # the message's content is its blocks
        },
        Merge.LATEST_NON_NULL,  # context_management, ... (future keys)
        {"delta": "delta", "usage": "usage"},
    ),
    "delta": Table(
        {
            "stop_reason": Merge.LATEST_NON_NULL,
            "stop_sequence": Merge.LATEST_NON_NULL,
            "stop_details": Merge.LATEST_NON_NULL,
            "container": Merge.LATEST_NON_NULL,
            "type": Merge.SKIP,  # the message's type is "message"
            "content": Merge.SKIP,  # the message's content is its blocks
            "usage": Merge.OBJECT,  # cumulative, wherever it is sent
        },
        Merge.LATEST_NON_NULL,
        {"usage": "usage"},
    ),
    # Cumulative counts: a field sent overwrites, the others stay; objects
    # (server_tool_use, cache_creation) merge key by key the same way.
    "usage": Table({}, Merge.MERGE),
    # Block deltas: the field each delta type brings, and how it adds up.
    "text_delta": Table({"text": Merge.CONCAT}, Merge.SKIP),
    "thinking_delta": Table({"thinking": Merge.CONCAT}, Merge.SKIP),
    "signature_delta": Table({"signature": Merge.LATEST_NON_NULL}, Merge.SKIP),
    "citations_delta": Table({"citation": Merge.APPEND}, Merge.SKIP),
    "input_json_delta": Table({"partial_json": Merge.CONCAT}, Merge.SKIP),
    "compaction_delta": Table({"type": Merge.SKIP}, Merge.LATEST_NON_NULL),
}
"""How the fields of an Anthropic stream add up (see :mod:`sseparse.llm._merge`)."""

_TOP_FIELDS = ANTHROPIC_MESSAGES["message_delta"].fields
_TOP_DEFAULT = ANTHROPIC_MESSAGES["message_delta"].default
_DELTA_FIELDS = ANTHROPIC_MESSAGES["delta"].fields
_DELTA_DEFAULT = ANTHROPIC_MESSAGES["delta"].default


def _policy(scope: str, key: str) -> Merge:
    table = ANTHROPIC_MESSAGES[scope]
    return table.fields.get(key, table.default)


# The block-delta handlers each add one field by one rule; check at import that
# the table says what they do, so that the table cannot drift from the code.
for _scope, _key, _rule in (
    ("text_delta", "text", Merge.CONCAT),
    ("thinking_delta", "thinking", Merge.CONCAT),
    ("signature_delta", "signature", Merge.LATEST_NON_NULL),
    ("citations_delta", "citation", Merge.APPEND),
    ("input_json_delta", "partial_json", Merge.CONCAT),
):
    if _policy(_scope, _key) is not _rule:  # pragma: no cover - an edit's mistake
        raise ImportError(f"{_scope}.{_key} must be {_rule.name} for its handler")


def _copy(value: Any) -> Any:
    """A copy of plain JSON containers (usage is small: the cost is bounded)."""
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy(v) for v in value]
    return value


class _Block:
    """One content block: its live dict in ``message.content`` and its state."""

    __slots__ = (
        "call_type",
        "citations",
        "index",
        "kind",
        "out",
        "provider",
        "slot",
        "start_input",
        "state",
        "type",
    )

    def __init__(
        self, index: int, block_type: str, kind: BlockKind, out: dict[str, Any]
    ) -> None:
        self.index = index
        self.type = block_type
        self.kind = kind
        self.out = out  # the live dict in message.content
        self.state = _OPEN
        self.slot: TextSlot | None = None  # text, thinking, or the input text
        self.citations: list[Any] | None = None
        self.start_input: Any = None  # the input the start carried, as sent
        self.call_type = block_type
        self.provider = kind is _SERVER_TOOL

    @property
    def id(self) -> Any:
        return self.out.get("id")

    @property
    def name(self) -> Any:
        return self.out.get("name")


Handler = Callable[["AnthropicMessagesAccumulator", dict[str, Any], Events], None]
DeltaHandler = Callable[
    ["AnthropicMessagesAccumulator", _Block, dict[str, Any], Events], None
]


class AnthropicMessagesAccumulator(AccumulatorBase):
    """Accumulate an Anthropic Messages stream into a ``message``.

    Args:
        limits: bounds on accumulated text and items (and the JSON parsers').
        response_format: the request's ``output_format`` (or another
            provider's JSON format, a JSON Schema, or a class: see
            :mod:`sseparse.llm._formats`); a JSON one makes each text
            block's ``content.delta`` / ``content.done`` carry the parsed
            value, and makes a ``max_tokens`` stop an error at ``close()``.
            A class or a JSON Schema is compiled once (``Target.of``): content
            deltas carry its typed partial view (``partial``), ``content.done``
            the validated object of a class (``parsed``), and content that
            does not fit is listed in :attr:`problems` (text is validated at
            the stop, once it is known to be no refusal).
        tools: the request's ``tools`` (any provider's tool dicts, function
            definitions, JSON Schemas or classes); a function tool (strict
            unless it says ``"strict": false``) makes a ``max_tokens`` stop an
            error at ``close()``, and a ``tool_use`` block naming no tool given
            is listed in :attr:`problems`.
            A tool given as a class or with a JSON Schema gives its calls a
            typed ``partial`` view and, for a class, typed
            ``parsed_arguments``; arguments that do not fit are listed in
            :attr:`problems`.
        strict: raise at the event instead of listing the problem:
            :class:`~sseparse.errors.UnknownTool`, or the
            :class:`~sseparse.errors.ValidationError` (or ``JSONStreamError``)
            of output or arguments that do not fit their class or schema.

    Stop reasons, when parsing was asked for: ``max_tokens`` and
    ``model_context_window_exceeded`` raise
    :class:`~sseparse.errors.LengthFinishReasonError` from ``close()``.
    Anthropic has no content-filter stop: its ``refusal`` (the streaming
    safety classifiers stopped the output) is reported as a refusal, as chat
    and Responses report theirs: the finish event's ``reason`` is
    ``"refusal"``, ``close()`` returns the final, and the text blocks' JSON
    views (``parsed`` of their content events, read after the stop) are
    ``None``, never a parse error.  So
    :class:`~sseparse.errors.ContentFilterFinishReasonError` is never raised
    here.

    Raises:
        UsageError: an option is none of the accepted forms.

    Example:
        >>> from sseparse import SSEDecoder
        >>> acc = AnthropicMessagesAccumulator()
        >>> for event in SSEDecoder().feed(stream_bytes):  # doctest: +SKIP
        ...     for item in acc.feed(event):
        ...         if item.type == "content.delta":
        ...             print(item.delta, end="")
        >>> message = acc.close()  # doctest: +SKIP
    """

    _protocol = "anthropic"

    def __init__(
        self,
        *,
        limits: Limits | None = None,
        response_format: ResponseFormatArg = None,
        tools: ToolsArg = None,
        strict: bool = False,
    ) -> None:
        options = self._take_options("anthropic", response_format, tools, strict)
        self._json_text = options.response_format.json
        self._limits = DEFAULT_LIMITS if limits is None else limits
        self._loads = _loads.loads_function()  # json.loads, faster with msgspec
        # What the loader tries first, called directly by feed(); on any
        # exception the loader decides (and raises json.loads's own error).
        self._parse = _loads.first_parser()
        self._max_text = self._limits.max_text_chars
        self._max_items = self._limits.max_stream_items
        self._state = _STREAMING
        self._phase = _AWAITING
        self._error: BaseException | None = None
        self._content: list[dict[str, Any]] = []
        # The message, updated in place; until message_start, the keys whose
        # values are known before anything came.
        self._out: dict[str, Any] = {}
        self._fill_defaults()
        self._prefix: list[Any] = []  # blocks the start itself carried, if any
        self._blocks: dict[int, _Block] = {}
        self._last_index = -1  # the highest block index so far
        self._sorted = True  # the content list is in index order
        self._dirty: list[TextSlot] = []
        # Tool blocks whose snapshot input is behind their text, and the blocks
        # still open: dicts by index, so that a block leaves either in O(1).
        self._dirty_inputs: dict[int, _Block] = {}
        self._open: dict[int, _Block] = {}
        self._incomplete: list[int] = []
        self._sse: ServerSentEvent | None = None  # the event being handled
        self._chunks = 0
        self._text_chars = 0
        self._items = 0

    # -- public -------------------------------------------------------------------

    @property
    def incomplete(self) -> tuple[int, ...]:
        """Indexes of the tool blocks whose input a stop cut short, in order.

        Their ``ToolCallArgumentsDone`` has ``complete=False`` and their final
        ``input`` is the partial value parsed so far: a preview, not a call to
        run.
        """
        return tuple(self._incomplete)

    def feed(self, event: ServerSentEvent | Comment) -> list[AnthropicStreamEvent]:
        """Consume one SSE event of the stream.

        The payload's own ``type`` decides what it is, never the SSE ``event:``
        line.  A comment (a keep-alive) gives nothing.  After ``message_stop``
        every event comes back as :class:`UnknownEvent`.

        Raises:
            InvalidChunk: the data is not a JSON object with a string ``type``,
                or a field has the wrong type.
            UnexpectedEvent: the event is out of order (see :data:`TRANSITIONS`
                and :data:`DELTAS`).
            StreamError: the provider sent an error.
            LimitExceeded: the stream outgrew ``limits``.
            UsageError: the accumulator is closed, or failed earlier.
        """
        state = self._state
        if state is _STREAMING and type(event) is ServerSentEvent:
            # The tuple's items, not its properties: a Python call less.
            _, data, _, _ = event
            try:
                parse = self._parse  # an attribute load, not a method lookup
                payload = parse(data)
            except Exception:  # the general path below parses it again, and decides
                pass
            else:
                self._sse = event
                if (
                    type(payload) is dict
                    and payload.get("type") == "content_block_delta"
                ):
                    events = self._fast_delta(payload)
                    if events is not None:
                        return events
                return self._dispatch(payload)
        if state is not _STREAMING and state is not _DONE:
            raise self._refusal("feed")
        if isinstance(event, Comment):
            return []
        if not isinstance(event, ServerSentEvent):
            raise UsageError(
                "AnthropicMessagesAccumulator.feed() expects a ServerSentEvent, "
                f"got {type(event).__name__} (use feed_chunk() for a parsed dict)"
            )
        data = event.data
        try:
            payload = self._loads(data)
        except (ValueError, RecursionError) as exc:  # deep: no JSON here
            if state is _DONE:
                return [UnknownEvent(event=event, data=data, choice_index=0)]
            if event.event == "error":  # a non-JSON error body: still an error
                self._fail(
                    StreamError(
                        f"the provider sent an error event: {excerpt(data, 200)}",
                        body=data,
                        snapshot=self.snapshot(),
                    )
                )
            self._fail(
                InvalidChunk(
                    f"event {self._chunks}: expected JSON data, got "
                    f"{excerpt(data)} ({exc})",
                    chunk_index=self._chunks,
                    field=None,
                    data=data,
                )
            )
        if state is _DONE:
            return [UnknownEvent(event=event, data=payload, choice_index=0)]
        self._sse = event
        return self._dispatch(payload)

    def feed_chunk(self, payload: dict[str, Any]) -> list[AnthropicStreamEvent]:
        """Consume one event payload that the caller already parsed from JSON.

        Raises:
            InvalidChunk, UnexpectedEvent, StreamError, LimitExceeded,
            UsageError: as :meth:`feed`.
        """
        state = self._state
        if state is _DONE:
            return [UnknownEvent(event=None, data=payload, choice_index=0)]
        if state is not _STREAMING:
            raise self._refusal("feed_chunk")
        self._sse = None
        if type(payload) is dict and payload.get("type") == "content_block_delta":
            events = self._fast_delta(payload)
            if events is not None:
                return events
        return self._dispatch(payload)

    def snapshot(self) -> dict[str, Any]:
        """The ``message`` so far, in its wire shape.

        Before ``message_start`` it holds only the keys whose values are known
        without it: ``type``, ``role``, ``content``, ``stop_reason`` and
        ``stop_sequence``.

        An open tool block shows the partial input parsed so far.  The dict is
        the accumulator's own, updated in place by later feeds (which is what
        makes a snapshot per event cheap): ``copy.deepcopy`` it to keep it.
        """
        dirty = self._dirty
        if dirty:
            for slot in dirty:
                slot.refresh()
            dirty.clear()
        if self._dirty_inputs:
            for block in self._dirty_inputs.values():
                self._show_partial_input(block)
            self._dirty_inputs.clear()
        if not self._sorted:
            blocks = self._blocks
            self._content[:] = [
                *self._prefix,
                *(blocks[i].out for i in sorted(blocks)),
            ]
            self._sorted = True
        return self._out

    def close(self) -> dict[str, Any]:
        """End of input: the final ``message``.

        Raises:
            IncompleteStream: the stream stopped before ``message_stop``.
            LengthFinishReasonError: parsing was asked for (a JSON
                ``response_format`` or a strict tool) and the message stopped
                for ``max_tokens`` (or ``model_context_window_exceeded``).
            UsageError: already closed, or failed earlier.
        """
        state = self._state
        if state is _CLOSED or state is _ERROR:
            raise self._refusal("close")
        if state is _STREAMING:
            self._fail(
                IncompleteStream(
                    f"the stream ended without message_stop ({self._why_cut()})",
                    snapshot=self.snapshot(),
                )
            )
        final = self.snapshot()
        reason = final.get("stop_reason")
        error = self._finish_error(
            normalise("anthropic", reason),
            what="the message",
            raw=f"stop_reason {reason!r}",
            snapshot=final,
        )
        if error is not None:
            self._fail(error)
        self._state = _CLOSED
        return final

    def take_events(self) -> list[AnthropicStreamEvent]:
        """Events no :meth:`feed` returned: always none for this protocol, whose
        ``close()`` makes no events (kept for symmetry with the other
        accumulators)."""
        return []

    # -- dispatch -----------------------------------------------------------------

    def _fast_delta(self, payload: dict[str, Any]) -> Events | None:
        """The common ``content_block_delta``, in one step; ``None``: not one.

        A ``text_delta`` with text, or an ``input_json_delta``, for an open
        block of its kind, within ``max_text_chars``: what ``_dispatch`` ->
        ``_block_delta`` -> ``_text_delta`` / ``_input_json`` -> ``_append``
        would do and return, every check made before anything changes and
        without the Python calls or the enum-keyed table lookups.  Anything
        else (an error, a limit, another delta type, an empty text) returns
        ``None`` having changed nothing, and goes the general way.  The caller
        checked the type.  An open block means the phase is ``IN_MESSAGE``:
        ``message_delta`` and ``message_stop`` end every block still open.
        """
        index = payload.get("index")
        delta = payload.get("delta")
        if type(index) is not int or type(delta) is not dict:
            return None
        block = self._open.get(index)  # started and not stopped
        if block is None:
            return None
        delta_type = delta.get("type")
        kind = block.kind
        if delta_type == "text_delta":
            if kind is not _TEXT:
                return None
            fragment = delta.get("text")
        elif delta_type == "input_json_delta":
            if kind is not _TOOL and kind is not _SERVER_TOOL:
                return None
            fragment = delta.get("partial_json")
            if type(fragment) is str and not fragment:
                # the first fragment is often "": no event for it
                self._chunks += 1
                return [_make_chunk_received((payload, 0))]
        else:
            return None
        if type(fragment) is not str or not fragment:
            return None
        n = len(fragment)
        total = self._text_chars + n
        if total > self._max_text:
            return None
        self._text_chars = total
        slot = block.slot
        assert slot is not None
        slot.parts.append(fragment)  # slot.append, inlined: keep the three
        json_ = slot.parsed  # a text slot is parsed when JSON was asked for
        if json_:
            slot.pending.append(fragment)
        slot.length = end = slot.length + n
        self._chunks += 1
        if kind is _TEXT:
            if not slot.dirty:  # a text slot always has its owner
                slot.dirty = True
                self._dirty.append(slot)
            return [
                _make_chunk_received((payload, 0)),
                _make_content_delta((0, index, None, fragment, slot, end, json_)),
            ]
        if not slot.dirty:  # the snapshot's input is behind (see _input_json)
            slot.dirty = True
            self._dirty_inputs[index] = block
        out = block.out
        return [
            _make_chunk_received((payload, 0)),
            _make_arguments_delta(
                (
                    0,
                    index,
                    None,
                    out.get("id"),
                    out.get("name"),
                    block.type,
                    block.provider,
                    fragment,
                    slot,
                    end,
                )
            ),
        ]

    def _dispatch(self, payload: Any) -> Events:
        if type(payload) is not dict:
            self._invalid((), "a JSON object", payload)
        if self._phase is _AWAITING:
            self._check_first(payload)
        kind = payload.get("type")
        if kind == "error" or (kind is None and payload.get("error") is not None):
            self._provider_error(payload)
        if type(kind) is not str:
            self._invalid(("type",), "the event type as a string", kind)
        events: Events = [ChunkReceived(chunk=payload, choice_index=0)]
        row = TRANSITIONS.get((self._phase, kind))
        if row is None:
            if kind in _KNOWN_TYPES:
                self._out_of_order(kind)
            events.append(UnknownEvent(event=self._sse, data=payload, choice_index=0))
        else:
            handler, phase = row
            handler(self, payload, events)
            self._phase = phase
            if phase is _STOPPED:
                self._state = _DONE
        self._chunks += 1
        return events

    def _out_of_order(self, kind: str) -> NoReturn:
        allowed = sorted(k for (phase, k) in TRANSITIONS if phase is self._phase)
        after = {
            _AWAITING: "before message_start",
            _IN: "after message_start",
            _FINISHING: "after message_delta",
        }[self._phase]
        self._fail(
            UnexpectedEvent(
                f"event {self._chunks}: expected one of {', '.join(allowed)} "
                f"{after}, got {kind!r}"
            )
        )

    # -- message-level handlers -----------------------------------------------------

    def _message_start(self, payload: dict[str, Any], events: Events) -> None:
        message = payload.get("message")
        if type(message) is not dict:
            self._invalid(("message",), "an object", message)
        usage = message.get("usage")
        if usage is not None and type(usage) is not dict:
            self._invalid(("message", "usage"), "an object", usage)
        start_content = message.get("content")
        if start_content is not None and type(start_content) is not list:
            self._invalid(("message", "content"), "a list", start_content)
        out = self._out
        out.clear()  # the start's own key order, then the defaults it left out
        for key, value in message.items():
            if key == "content":
                # Blocks the start carried (none, on today's wire) stay first.
                self._prefix = list(start_content or ())
                self._count_items(len(self._prefix))
                self._content[:] = self._prefix
                out[key] = self._content
            else:
                out[key] = _copy(value) if key == "usage" else value
        self._fill_defaults()
        events.append(MessageStarted(message=message, choice_index=0))
        if usage is not None:
            events.append(UsageUpdated(usage=_copy(out["usage"]), choice_index=0))

    def _fill_defaults(self) -> None:
        """The keys of the non-streaming shape that have a value before the
        provider sends one (``id``, ``model`` and ``usage`` have none)."""
        out = self._out
        for key, default in (
            ("type", "message"),
            ("role", "assistant"),
            ("content", self._content),
            ("stop_reason", None),
            ("stop_sequence", None),
        ):
            if key not in out:
                out[key] = default

    def _message_delta(self, payload: dict[str, Any], events: Events) -> None:
        delta = payload.get("delta")
        if delta is not None and type(delta) is not dict:
            self._invalid(("delta",), "an object", delta)
        usages: list[dict[str, Any]] = []
        for where, scope in (((), payload), (("delta",), delta or {})):
            usage = scope.get("usage")
            if usage is not None:
                if type(usage) is not dict:
                    self._invalid((*where, "usage"), "an object", usage)
                usages.append(usage)
        stop_reason = delta.get("stop_reason") if delta else None
        if stop_reason is not None and type(stop_reason) is not str:
            self._invalid(("delta", "stop_reason"), "a string", stop_reason)
        self._end_open_blocks(events)
        out = self._out
        for key, value in payload.items():
            policy = _TOP_FIELDS.get(key, _TOP_DEFAULT)
            if policy is Merge.LATEST_NON_NULL:
                self._latest(out, key, value)
        if delta:
            for key, value in delta.items():
                if _DELTA_FIELDS.get(key, _DELTA_DEFAULT) is Merge.LATEST_NON_NULL:
                    self._latest(out, key, value)
        if usages:
            kept = out.get("usage")
            if type(kept) is not dict:
                kept = out["usage"] = {}
            for usage in usages:
                _merge_usage(kept, usage)
            events.append(UsageUpdated(usage=_copy(kept), choice_index=0))
        if stop_reason == "refusal" and self._json_text:
            # A refusal is not the JSON asked for: never parsed (see the class
            # docstring).
            for block in self._blocks.values():
                if block.kind is _TEXT and block.slot is not None:
                    block.slot.withdraw()
        elif (
            stop_reason is not None and self._options.response_format.target is not None
        ):
            # Typed text is validated once the stop says it is no refusal.
            for block in self._blocks.values():
                if block.kind is _TEXT and block.slot is not None:
                    self._settle_typed(
                        block.slot, choice_index=0, index=block.index, call=False
                    )
        if stop_reason is not None:
            events.append(
                ChoiceFinished(
                    choice_index=0,
                    finish_reason=stop_reason,
                    reason=normalise("anthropic", stop_reason),
                )
            )

    def _message_stop(self, payload: dict[str, Any], events: Events) -> None:
        self._end_open_blocks(events)
        events.append(StreamDone(choice_index=0))

    def _ping(self, payload: dict[str, Any], events: Events) -> None:
        """A keep-alive: nothing but its ChunkReceived."""

    @staticmethod
    def _latest(target: dict[str, Any], key: str, value: Any) -> None:
        if value is not None:
            target[key] = value
        elif key not in target:
            target[key] = None  # a field is kept, never dropped

    # -- blocks -------------------------------------------------------------------

    def _index(self, payload: dict[str, Any]) -> int:
        index = payload.get("index")
        if type(index) is not int:
            self._invalid(("index",), "the block index as an int", index)
        return index

    def _block_start(self, payload: dict[str, Any], events: Events) -> None:
        index = self._index(payload)
        sent = payload.get("content_block")
        if type(sent) is not dict:
            self._invalid(("content_block",), "an object", sent)
        block_type = sent.get("type")
        if type(block_type) is not str:
            self._invalid(("content_block", "type"), "a string", block_type)
        old = self._blocks.get(index)
        if old is not None:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: content_block_start of a {block_type!r} "
                    f"block at index {index}, but block {index} ({old.type!r}) "
                    "was already started"
                )
            )
        self._count_items(1)
        out = dict(sent)  # nested values are shared; the ones that grow are new
        kind = block_kind(block_type)
        block = _Block(index, block_type, kind, out)
        self._blocks[index] = block
        self._open[index] = block
        self._content.append(out)
        if index < self._last_index:
            self._sorted = False  # snapshot() puts content in index order
        else:
            self._last_index = index
        events.append(PartStarted(choice_index=0, index=index, part=sent))
        _STARTS[kind](self, block, sent, events)

    def _start_text(self, block: _Block, sent: dict[str, Any], events: Events) -> None:
        block.slot = self._start_slot(block, sent, "text", parsed=self._json_text)
        self._arm_content(block.slot)
        citations = sent.get("citations")
        if citations is not None and type(citations) is not list:
            self._invalid(("content_block", "citations"), "a list", citations)
        if citations is not None:
            self._count_items(len(citations))
        if block.slot.length:
            slot = block.slot
            events.append(
                ContentDelta(
                    choice_index=0,
                    index=block.index,
                    delta=slot.text(),
                    slot=slot,
                    end=slot.length,
                    json=slot.parsed,
                )
            )

    def _start_thinking(
        self, block: _Block, sent: dict[str, Any], events: Events
    ) -> None:
        block.slot = self._start_slot(block, sent, "thinking")
        if block.slot.length:
            slot = block.slot
            events.append(
                ReasoningDelta(
                    choice_index=0,
                    index=block.index,
                    field="thinking",
                    delta=slot.text(),
                    slot=slot,
                    end=slot.length,
                )
            )

    def _start_slot(
        self, block: _Block, sent: dict[str, Any], key: str, *, parsed: bool = False
    ) -> TextSlot:
        """A text slot over ``out[key]``, holding the text the start carried
        (read as JSON when *parsed*)."""
        text = sent.get(key)
        if text is None:
            text = block.out[key] = ""
        elif type(text) is not str:
            self._invalid(("content_block", key), "a string", text)
        slot = TextSlot(block.out, key, self._limits, parsed=parsed)
        if text:
            self._append(slot, text)
        return slot

    def _start_redacted(
        self, block: _Block, sent: dict[str, Any], events: Events
    ) -> None:
        data = sent.get("data")
        if type(data) is not str:
            self._invalid(("content_block", "data"), "a string", data)
        events.append(ReasoningRedacted(choice_index=0, index=block.index, data=data))

    def _start_tool(self, block: _Block, sent: dict[str, Any], events: Events) -> None:
        # Parsed: the input text goes through one incremental JSON parser.
        block.slot = TextSlot(None, "input", self._limits)
        block.start_input = sent.get("input")
        if block.start_input is None:
            block.out["input"] = {}  # {} when no input comes
        if block.kind is _TOOL:
            events.append(
                ToolCallStarted(
                    choice_index=0,
                    index=block.index,
                    id=block.id,
                    name=block.name,
                    call_type=block.type,
                )
            )
            self._check_tool(
                block.name, choice_index=0, index=block.index, call_id=block.id
            )
            self._arm_call(block.slot, block.name)
        else:
            events.append(
                ServerToolCallStarted(
                    choice_index=0,
                    index=block.index,
                    id=block.id,
                    name=block.name,
                    call_type=block.type,
                    block=sent,
                )
            )

    def _start_result(
        self, block: _Block, sent: dict[str, Any], events: Events
    ) -> None:
        events.append(
            ServerToolResult(
                choice_index=0,
                index=block.index,
                tool_use_id=sent.get("tool_use_id"),
                result_type=block.type,
                block=sent,
            )
        )

    def _start_whole(self, block: _Block, sent: dict[str, Any], events: Events) -> None:
        """Blocks with no events of their own (container_upload, compaction,
        unknown kinds): their PartStarted / PartDone say it all."""

    def _block_delta(self, payload: dict[str, Any], events: Events) -> None:
        index = self._index(payload)
        delta = payload.get("delta")
        if type(delta) is not dict:
            self._invalid(("delta",), "an object", delta)
        delta_type = delta.get("type")
        if type(delta_type) is not str:
            self._invalid(("delta", "type"), "a string", delta_type)
        block = self._started(index, f"content_block_delta ({delta_type})")
        handler = DELTAS.get((block.kind, delta_type))
        if handler is None:
            if delta_type in _KNOWN_DELTAS and block.kind is not _UNKNOWN:
                allowed = sorted(d for (k, d) in DELTAS if k is block.kind)
                self._fail(
                    UnexpectedEvent(
                        f"event {self._chunks}: content_block_delta of type "
                        f"{delta_type!r} for block {index} of type {block.type!r}: "
                        "expected "
                        + (
                            " or ".join(repr(d) for d in allowed)
                            if allowed
                            else "no delta (the block arrives whole)"
                        )
                    )
                )
            # Unknown: kept as it came, in the event; the block stays as started.
            events.append(UnknownEvent(event=self._sse, data=payload, choice_index=0))
            return
        handler(self, block, delta, events)

    def _started(self, index: int, what: str) -> _Block:
        block = self._blocks.get(index)
        if block is None:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: {what} for block {index}, which was "
                    "never started (no content_block_start with that index)"
                )
            )
        if block.state is _BLOCK_STOPPED:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: {what} for block {index} of type "
                    f"{block.type!r}, which already stopped"
                )
            )
        return block

    def _text_delta(self, block: _Block, delta: dict[str, Any], events: Events) -> None:
        text = delta.get("text")
        if type(text) is not str:
            self._invalid(("delta", "text"), "a string", text)
        if text:
            slot = block.slot
            assert slot is not None
            events.append(
                ContentDelta(
                    choice_index=0,
                    index=block.index,
                    delta=text,
                    slot=slot,
                    end=self._append(slot, text),
                    json=slot.parsed,
                )
            )

    def _citation(self, block: _Block, delta: dict[str, Any], events: Events) -> None:
        citation = delta.get("citation")
        if type(citation) is not dict:
            self._invalid(("delta", "citation"), "an object", citation)
        citations = block.citations
        if citations is None:
            # Created at the first citation: a copy of the start's, if any.
            kept = block.out.get("citations")
            citations = block.citations = block.out["citations"] = (
                list(kept) if type(kept) is list else []
            )
        self._count_items(1)
        citations.append(citation)
        events.append(
            CitationAdded(choice_index=0, index=block.index, citation=citation)
        )

    def _thinking_delta(
        self, block: _Block, delta: dict[str, Any], events: Events
    ) -> None:
        text = delta.get("thinking")
        if type(text) is not str:
            self._invalid(("delta", "thinking"), "a string", text)
        if text:
            slot = block.slot
            assert slot is not None
            events.append(
                ReasoningDelta(
                    choice_index=0,
                    index=block.index,
                    field="thinking",
                    delta=text,
                    slot=slot,
                    end=self._append(slot, text),
                )
            )

    def _signature(self, block: _Block, delta: dict[str, Any], events: Events) -> None:
        signature = delta.get("signature")
        if type(signature) is not str:
            self._invalid(("delta", "signature"), "a string", signature)
        block.out["signature"] = signature  # each one replaces the last
        events.append(
            ReasoningSignature(choice_index=0, index=block.index, signature=signature)
        )

    def _input_json(self, block: _Block, delta: dict[str, Any], events: Events) -> None:
        fragment = delta.get("partial_json")
        if type(fragment) is not str:
            self._invalid(("delta", "partial_json"), "a string", fragment)
        if not fragment:  # the first fragment is often "": no event for it
            return
        slot = block.slot
        assert slot is not None
        if not slot.dirty:
            # A tool slot has no text key in the snapshot: its "dirty" flag means
            # that the snapshot's input is behind the text (see snapshot()).
            slot.dirty = True
            self._dirty_inputs[block.index] = block
        events.append(
            ToolCallArgumentsDelta(
                choice_index=0,
                index=block.index,
                id=block.id,
                name=block.name,
                call_type=block.type,
                provider_executed=block.provider,
                arguments_delta=fragment,
                slot=slot,
                end=self._append(slot, fragment),
            )
        )

    def _compaction(self, block: _Block, delta: dict[str, Any], events: Events) -> None:
        out = block.out
        for key, value in delta.items():
            if _policy("compaction_delta", key) is Merge.LATEST_NON_NULL:
                self._latest(out, key, value)  # each one replaces the last

    def _block_stop(self, payload: dict[str, Any], events: Events) -> None:
        index = self._index(payload)
        block = self._started(index, "content_block_stop")
        self._end_block(block, events, cut=False)

    def _end_open_blocks(self, events: Events) -> None:
        """A stop with blocks still open: each is finished, as cut."""
        if self._open:
            for index in sorted(self._open):
                self._end_block(self._open[index], events, cut=True)

    def _end_block(self, block: _Block, events: Events, *, cut: bool) -> None:
        """The done events of one block, then its PartDone."""
        block.state = _BLOCK_STOPPED
        del self._open[block.index]
        kind = block.kind
        slot = block.slot
        if kind is _TEXT:
            assert slot is not None
            slot.refresh()
            events.append(
                ContentDone(
                    choice_index=0,
                    index=block.index,
                    content=slot.text(),
                    slot=slot,
                    json=slot.parsed,
                )
            )
        elif kind is _THINKING:
            assert slot is not None
            slot.refresh()
            signature = block.out.get("signature")
            events.append(
                ReasoningDone(
                    choice_index=0,
                    index=block.index,
                    field="thinking",
                    reasoning=slot.text(),
                    signature=signature if type(signature) is str else None,
                )
            )
        elif kind is _TOOL or kind is _SERVER_TOOL:
            assert slot is not None
            complete = self._end_input(block, slot) and not cut
            if not complete:
                self._incomplete.append(block.index)
            elif kind is _TOOL:
                self._settle_typed(
                    slot,
                    choice_index=0,
                    index=block.index,
                    call_id=block.id,
                    call=True,
                    name=block.name,
                )
            events.append(
                ToolCallArgumentsDone(
                    choice_index=0,
                    index=block.index,
                    id=block.id,
                    name=block.name,
                    call_type=block.type,
                    provider_executed=block.provider,
                    arguments=slot.text(),
                    complete=complete,
                    slot=slot,
                )
            )
        events.append(PartDone(choice_index=0, index=block.index, part=block.out))

    def _end_input(self, block: _Block, slot: TextSlot) -> bool:
        """Set the block's final ``input``; whether it is one whole JSON text."""
        if slot.dirty:
            slot.dirty = False
            del self._dirty_inputs[block.index]
        if not slot.length:
            # No input_json_delta: the start's input is the input, and its
            # text is what the arguments text shows.
            start = block.start_input
            value = {} if start is None else start
            self._append(slot, json.dumps(value))
            block.out["input"] = value
            return True
        try:
            block.out["input"] = slot.final()
        except (JSONStreamError, LimitExceeded) as exc:
            # Not whole: the final shows what was parsed, reported as incomplete.
            block.out["input"] = self._salvage(slot, exc)
            return False
        return True

    def _salvage(self, slot: TextSlot, exc: Exception) -> Any:
        """The partial value of the longest valid prefix of the input text."""
        text = slot.text()
        end = exc.pos if isinstance(exc, JSONStreamError) else 0
        try:
            value = parse_partial(text[:end], limits=self._limits)
        except (JSONStreamError, LimitExceeded):
            value = MISSING
        return {} if value is MISSING else value

    def _show_partial_input(self, block: _Block) -> None:
        slot = block.slot
        assert slot is not None
        slot.dirty = False
        try:
            value = slot.partial(slot.length)
        except (JSONStreamError, LimitExceeded):
            return  # the stop reports it; the snapshot keeps what it showed
        if value is not MISSING:
            block.out["input"] = value

    # -- errors -------------------------------------------------------------------

    def _provider_error(self, payload: dict[str, Any]) -> NoReturn:
        error = payload.get("error")
        if type(error) is dict:
            what = f"{error.get('type')!r}: {excerpt(str(error.get('message')), 200)}"
        else:
            what = excerpt(json.dumps(payload), 200)
        self._fail(
            StreamError(
                f"the provider sent an error (event {self._chunks}): {what}",
                body=payload,
                snapshot=self.snapshot(),
            )
        )

    def _why_cut(self) -> str:
        if self._phase is _AWAITING:
            return "before message_start"
        open_ = sorted(self._open)
        if open_:
            return f"block(s) {open_} still open"
        if self._phase is _FINISHING:
            return "after message_delta"
        return "before message_delta"

    # -- bounds -------------------------------------------------------------------

    def _count_items(self, n: int) -> None:
        self._items += n
        if self._items > self._max_items:
            self._fail(
                LimitExceeded(
                    "max_stream_items",
                    maximum=self._max_items,
                    observed=self._items,
                    what="the content blocks and citations kept",
                )
            )

    def _append(self, slot: TextSlot, fragment: str) -> int:
        """Add text to a slot; returns the slot's new length."""
        n = len(fragment)
        total = self._text_chars + n
        if total > self._max_text:
            self._fail(
                LimitExceeded(
                    "max_text_chars",
                    maximum=self._max_text,
                    observed=total,
                    what="the text accumulated from the stream",
                )
            )
        self._text_chars = total
        slot.append(fragment)
        if not slot.dirty and slot.owner is not None:
            slot.dirty = True
            self._dirty.append(slot)
        return slot.length


def _merge_usage(kept: dict[str, Any], usage: dict[str, Any]) -> None:
    """Cumulative usage: each field sent overwrites, the rest stay.

    ``null`` never overwrites (it adds a key not seen yet); objects merge key
    by key the same way; lists and scalars replace.  Numbers are never added.
    """
    for key, value in usage.items():
        if value is None:
            if key not in kept:
                kept[key] = None
        elif type(value) is dict:
            old = kept.get(key)
            if type(old) is not dict:
                old = kept[key] = {}
            _merge_usage(old, value)
        else:
            kept[key] = _copy(value)


A = AnthropicMessagesAccumulator

TRANSITIONS: Mapping[tuple[MessageState, str], tuple[Handler, MessageState]] = {
    (_AWAITING, "ping"): (A._ping, _AWAITING),
    (_AWAITING, "message_start"): (A._message_start, _IN),
    (_IN, "ping"): (A._ping, _IN),
    (_IN, "content_block_start"): (A._block_start, _IN),
    (_IN, "content_block_delta"): (A._block_delta, _IN),
    (_IN, "content_block_stop"): (A._block_stop, _IN),
    (_IN, "message_delta"): (A._message_delta, _FINISHING),
    (_IN, "message_stop"): (A._message_stop, _STOPPED),
    (_FINISHING, "ping"): (A._ping, _FINISHING),
    (_FINISHING, "message_delta"): (A._message_delta, _FINISHING),
    (_FINISHING, "message_stop"): (A._message_stop, _STOPPED),
}
"""``(phase, payload type) -> (handler, next phase)``: every allowed step.

``error`` is not in it: it raises :class:`~sseparse.errors.StreamError` in any
phase.  A pair not here raises :class:`~sseparse.errors.UnexpectedEvent` when
its type is one of these (a second ``message_start``, a block after
``message_delta``, a known type other than ``ping`` before
``message_start``); a type not here at all passes through as ``UnknownEvent``.
In ``STOPPED`` nothing is looked up: every event passes through.
"""

DELTAS: Mapping[tuple[BlockKind, str], DeltaHandler] = {
    (_TEXT, "text_delta"): A._text_delta,
    (_TEXT, "citations_delta"): A._citation,
    (_THINKING, "thinking_delta"): A._thinking_delta,
    (_THINKING, "signature_delta"): A._signature,
    (_TOOL, "input_json_delta"): A._input_json,
    (_SERVER_TOOL, "input_json_delta"): A._input_json,
    (BlockKind.COMPACTION, "compaction_delta"): A._compaction,
}
"""``(block kind, delta type) -> handler``: the deltas each kind of block takes.

A known delta type on a block of another kind (a ``text_delta`` for a thinking
block, any delta for a block that arrives whole) raises ``UnexpectedEvent``;
an unknown delta type, or any delta of an unknown block kind, passes through
as ``UnknownEvent`` and changes nothing.
"""

_STARTS: Mapping[
    BlockKind,
    Callable[[AnthropicMessagesAccumulator, _Block, dict[str, Any], Events], None],
] = {
    _TEXT: A._start_text,
    _THINKING: A._start_thinking,
    BlockKind.REDACTED_THINKING: A._start_redacted,
    _TOOL: A._start_tool,
    _SERVER_TOOL: A._start_tool,
    BlockKind.TOOL_RESULT: A._start_result,
    BlockKind.CONTAINER_UPLOAD: A._start_whole,
    BlockKind.COMPACTION: A._start_whole,
    _UNKNOWN: A._start_whole,
}

_KNOWN_TYPES = frozenset(kind for (_, kind) in TRANSITIONS)
_KNOWN_DELTAS = frozenset(delta for (_, delta) in DELTAS)
del A
