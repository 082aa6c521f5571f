"""OpenAI Chat Completions streams: chunks in, events and a ``chat.completion`` out.

Theory of operation
-------------------
The accumulator consumes the SSE events of a ``/chat/completions`` stream (or the
chunk dicts, already parsed) and keeps one live ``chat.completion`` dict, in the
exact shape of the non-streaming response, that it updates in place.

* Choices and tool calls are keyed by their wire ``index`` in dicts, so they may
  first appear in any order, with gaps, several per chunk, the same index twice
  in a chunk.  The live lists (``choices``, ``message.tool_calls``) are kept
  sorted by index.  A tool call without ``index`` (Gemini-compatible servers)
  opens a new call when it brings a new ``id`` (or a ``name`` without one) and
  continues the last call otherwise.
* Merge policy per field: one declarative table,
  :data:`sseparse.llm._merge.OPENAI_CHAT`, which this module reads (and whose
  module docstring says why each rule is what it is).  In short: text fields
  (content, refusal, reasoning, arguments, audio data and transcript) are
  concatenated; ids, names, types and roles are set once (the first non-empty
  value wins); metadata (usage, fingerprints, filter results, finish reasons,
  signatures) is the latest non-null value; numbers are never added; unknown
  keys are kept: objects merge, lists extend, other values are the latest
  non-null.  The table, as ``render(OPENAI_CHAT)`` prints it::

      chunk.id                   SET_ONCE
      chunk.created              SET_ONCE
      chunk.model                SET_ONCE
      chunk.object               SKIP
      chunk.obfuscation          SKIP
      chunk.error                SKIP
      chunk.usage                LATEST_NON_NULL
      chunk.x_groq               LATEST_NON_NULL
      chunk.choices              KEYED (choice)
      chunk.*                    LATEST_NON_NULL
      choice.index               SKIP
      choice.message             SKIP
      choice.delta               OBJECT (delta)
      choice.logprobs            OBJECT (logprobs)
      choice.finish_reason       LATEST_NON_NULL
      choice.*                   LATEST_NON_NULL
      delta.content              CONCAT
      delta.refusal              CONCAT
      delta.reasoning_content    CONCAT
      delta.reasoning            CONCAT
      delta.role                 SET_ONCE
      delta.tool_calls           KEYED (tool_call)
      delta.function_call        OBJECT (function)
      delta.reasoning_details    KEYED (object)
      delta.*                    MERGE
      tool_call.index            SKIP
      tool_call.id               SET_ONCE
      tool_call.type             SET_ONCE
      tool_call.function         OBJECT (function)
      tool_call.*                MERGE
      function.name              SET_ONCE
      function.arguments         CONCAT
      function.*                 MERGE
      logprobs.content           APPEND
      logprobs.refusal           APPEND
      logprobs.*                 MERGE
      object.text                CONCAT
      object.summary             CONCAT
      object.data                CONCAT
      object.transcript          CONCAT
      object.id                  SET_ONCE
      object.type                SET_ONCE
      object.name                SET_ONCE
      object.format              SET_ONCE
      object.signature           LATEST_NON_NULL
      object.*                   MERGE
* Text is a :class:`~sseparse.llm._text.TextSlot`: fragments appended in O(1),
  written into the live dict only when ``snapshot()`` or ``close()`` asks.
  JSON (arguments, structured content) is parsed incrementally and only when an
  event's ``parsed_arguments`` / ``parsed`` is read.
* A choice's fields are done at its ``finish_reason`` (or at ``[DONE]``), never
  because another index appeared.  The stream ends cleanly at ``[DONE]``, or at
  ``close()`` when every choice seen has finished; otherwise ``close()`` raises
  :class:`~sseparse.errors.IncompleteStream`.

States: ``STREAMING`` -> ``DONE`` (``[DONE]`` came) -> ``CLOSED``; any error ->
``ERROR``, which sticks.  In ``DONE`` every event still fed passes through
untouched as an :class:`~sseparse.llm.events.UnknownEvent` (a proxy may add
its own after the end marker; the completion is finished, so they change
nothing); after ``close()`` feeding is a :class:`~sseparse.errors.UsageError`.

Cost: O(size of the chunk) per chunk, plus O(delta) per lazy view read;
memory is bounded by ``Limits.max_text_chars`` and ``Limits.max_stream_items``.
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

from sseparse.errors import (
    IncompleteStream,
    InvalidChunk,
    JSONStreamError,
    LimitExceeded,
    StreamError,
    UsageError,
    excerpt,
)
from sseparse.limits import DEFAULT_LIMITS, Limits
from sseparse.llm import _loads
from sseparse.llm._finish import normalise
from sseparse.llm._machine import (
    AccumulatorBase,
    AccumulatorState,
    Path,
    make_chunk_received,
    make_content_delta,
)
from sseparse.llm._merge import OPENAI_CHAT, Merge, set_once
from sseparse.llm._text import TextSlot
from sseparse.llm.events import (
    ChatStreamEvent,
    ChoiceFinished,
    ChunkReceived,
    ContentDelta,
    ContentDone,
    LogprobsContentDelta,
    LogprobsContentDone,
    LogprobsRefusalDelta,
    LogprobsRefusalDone,
    ReasoningDelta,
    ReasoningDone,
    RefusalDelta,
    RefusalDone,
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

__all__ = ["AccumulatorState", "OpenAIChatAccumulator"]


_STREAMING = AccumulatorState.STREAMING
_DONE = AccumulatorState.DONE
_CLOSED = AccumulatorState.CLOSED
_ERROR = AccumulatorState.ERROR

# The merge table, read per scope: (fields, default) pairs, looked up per key.
_CONCAT = Merge.CONCAT
_SET_ONCE = Merge.SET_ONCE
_LATEST = Merge.LATEST_NON_NULL
_APPEND = Merge.APPEND
_OBJECT = Merge.OBJECT
_KEYED = Merge.KEYED
_SKIP = Merge.SKIP
_CHUNK_FIELDS = OPENAI_CHAT["chunk"].fields
_CHUNK_DEFAULT = OPENAI_CHAT["chunk"].default
_CHOICE_FIELDS = OPENAI_CHAT["choice"].fields
_CHOICE_DEFAULT = OPENAI_CHAT["choice"].default
_DELTA_FIELDS = OPENAI_CHAT["delta"].fields
_DELTA_DEFAULT = OPENAI_CHAT["delta"].default
_TOOL_FIELDS = OPENAI_CHAT["tool_call"].fields
_TOOL_DEFAULT = OPENAI_CHAT["tool_call"].default
_FUNCTION_FIELDS = OPENAI_CHAT["function"].fields
_FUNCTION_DEFAULT = OPENAI_CHAT["function"].default
_LOGPROBS_FIELDS = OPENAI_CHAT["logprobs"].fields
_LOGPROBS_DEFAULT = OPENAI_CHAT["logprobs"].default
_OBJECT_FIELDS = OPENAI_CHAT["object"].fields
_OBJECT_DEFAULT = OPENAI_CHAT["object"].default
# Top-level keys whose every value is ignored from the first chunk on.
_SKIPPED_TOP = frozenset(k for k, p in _CHUNK_FIELDS.items() if p is Merge.SKIP)
_USAGE_KEYS = frozenset({"usage", "x_groq"})  # they make UsageUpdated events
# The fast path's chunk shape: a choice with index, delta and (null)
# finish_reason and logprobs, the delta only "content", when the table says
# that these are what the fast path does.
_PLANNABLE = _CHUNK_FIELDS.get("choices") is Merge.KEYED
_FAST_CONTENT = (
    _CHOICE_FIELDS.get("delta") is Merge.OBJECT
    and _CHOICE_FIELDS.get("index") is Merge.SKIP
    and _CHOICE_FIELDS.get("logprobs") is Merge.OBJECT
    and _CHOICE_FIELDS.get("finish_reason") is Merge.LATEST_NON_NULL
    and _DELTA_FIELDS.get("content") is Merge.CONCAT
)


# The two events made for every chunk are built by one C call each (no Python
# frame, whatever their number of fields; the makers are shared by the three
# accumulators: sseparse/llm/_machine.py).
_make_chunk_received = make_chunk_received
_make_content_delta = make_content_delta


def _new_chunk_received(chunk: dict[str, Any]) -> ChunkReceived:
    """``ChunkReceived(chunk=chunk)``, built as feed() builds it."""
    return _make_chunk_received((chunk, None))  # a chunk concerns every choice


def _new_content_delta(
    choice_index: int, delta: str, slot: TextSlot, end: int, json: bool
) -> ContentDelta:
    """A chat ``ContentDelta`` (no part numbering), built as feed() builds it."""
    return _make_content_delta((choice_index, None, None, delta, slot, end, json))


class _ToolCall:
    """One tool call (or the legacy ``function_call``) of one choice."""

    __slots__ = ("args", "checked", "done", "function", "index", "out", "unset")

    def __init__(
        self,
        index: int | None,
        out: dict[str, Any],
        args: TextSlot,
        unset: set[str],
    ) -> None:
        self.index = index
        self.out = out  # the live dict in message.tool_calls
        self.function: dict[str, Any] = out["function"] if index is not None else out
        self.args = args
        self.done = False
        self.checked = False  # its name was checked against the tools given
        self.unset = unset  # keys of out holding a default, not a value sent

    @property
    def id(self) -> Any:
        return self.out.get("id") if self.index is not None else None

    @property
    def name(self) -> Any:
        return self.function.get("name")


class _Choice:
    """The accumulated state of one choice."""

    __slots__ = (
        "content",
        "finish_reason",
        "finished",
        "function_call",
        "last_call",
        "logprobs",
        "message",
        "next_tool",
        "out",
        "part_slot",
        "parts",
        "reasoning",
        "refusal",
        "tool_calls",
        "tool_list",
        "tools_sorted",
        "unset",
    )

    def __init__(self, index: int, limits: Limits, *, json_content: bool) -> None:
        self.message: dict[str, Any] = {
            "role": "assistant",
            "content": None,
            "refusal": None,
        }
        self.out: dict[str, Any] = {
            "index": index,
            "message": self.message,
            "logprobs": None,
            "finish_reason": None,
        }
        self.unset = {"role"}  # message keys holding a default, not a value sent
        self.content = TextSlot(self.message, "content", limits, parsed=json_content)
        self.refusal = TextSlot(self.message, "refusal", limits, parsed=False)
        self.reasoning: dict[str, TextSlot] = {}
        self.parts: list[dict[str, Any]] | None = None  # content as a list of parts
        self.part_slot: TextSlot | None = None  # the text part being extended
        self.tool_calls: dict[int, _ToolCall] = {}
        self.tool_list: list[dict[str, Any]] | None = None
        self.tools_sorted = True  # tool_list is in index order
        self.next_tool = 0  # 1 + the highest tool index so far
        self.last_call: _ToolCall | None = None
        self.function_call: _ToolCall | None = None
        self.logprobs: dict[str, list[Any]] = {}
        self.finished = False
        self.finish_reason: Any = None


class OpenAIChatAccumulator(AccumulatorBase):
    """Accumulate an OpenAI Chat Completions stream into a ``chat.completion``.

    Args:
        limits: bounds on accumulated text and items (and the JSON parsers').
        response_format: the request's ``response_format`` (or another
            provider's JSON format, a JSON Schema, or a class: see
            :mod:`sseparse.llm._formats`); a JSON one makes content events
            carry the parsed value, and makes a ``length`` /
            ``content_filter`` finish an error at ``close()``.
            A class or a JSON Schema is compiled once (``Target.of``): content
            deltas carry its typed partial view (``partial``), ``content.done``
            the validated object of a class (``parsed``), and content that
            does not fit is listed in :attr:`problems`.
        tools: the request's ``tools`` (any provider's tool dicts, function
            definitions, JSON Schemas or classes); a ``strict`` function tool
            makes a ``length`` / ``content_filter`` finish an error at
            ``close()``, and a tool call naming no tool given is listed in
            :attr:`problems`.
            A tool given as a class or with a JSON Schema gives its calls a
            typed ``partial`` view and, for a class, typed
            ``parsed_arguments``; arguments that do not fit are listed in
            :attr:`problems`.
        strict: raise at the event instead of listing the problem:
            :class:`~sseparse.errors.UnknownTool`, or the
            :class:`~sseparse.errors.ValidationError` (or ``JSONStreamError``)
            of output or arguments that do not fit their class or schema.

    Raises:
        UsageError: an option is none of the accepted forms.

    Example:
        >>> from sseparse import SSEDecoder
        >>> acc = OpenAIChatAccumulator()
        >>> for event in SSEDecoder().feed(stream_bytes):  # doctest: +SKIP
        ...     for item in acc.feed(event):
        ...         if item.type == "content.delta":
        ...             print(item.delta, end="")
        >>> completion = acc.close()  # doctest: +SKIP
    """

    _unit = "chunk"
    _protocol = "chat"

    def __init__(
        self,
        *,
        limits: Limits | None = None,
        response_format: ResponseFormatArg = None,
        tools: ToolsArg = None,
        strict: bool = False,
    ) -> None:
        options = self._take_options("chat", response_format, tools, strict)
        self._limits = DEFAULT_LIMITS if limits is None else limits
        self._loads = _loads.loads_function()  # json.loads, faster with msgspec
        self._parse = _loads.first_parser()  # _loads' first try, inlined in feed
        self._max_text = self._limits.max_text_chars
        self._max_items = self._limits.max_stream_items
        self._json_content = options.response_format.json
        self._state = _STREAMING
        self._error: BaseException | None = None
        self._out: dict[str, Any] = {
            "id": None,
            "object": "chat.completion",
            "created": None,
            "model": None,
            "choices": [],
            "usage": None,
        }
        self._choices: dict[int, _Choice] = {}
        # the content slot of each choice whose content is text, not parts
        self._text_content: dict[int, TextSlot] = {}
        # top-level keys whose values change nothing any more (see _merge_chunk)
        self._settled: set[str] = set(_SKIPPED_TOP)
        # (keys, plain latest keys, null usage keys) of the last chunk whose
        # top level needed nothing else (see _merge_top)
        self._plan: tuple[frozenset[str], tuple[str, ...], tuple[str, ...]] | None = (
            None
        )
        # the plan's keys when feed() may try its fast path (see _merge_top)
        self._fast_keys: list[str] | None = None
        self._fast_latest: tuple[str, ...] = ()  # the plan's, for feed()
        self._fast_latest_one: str | None = None  # its only key, if one
        self._fast_nulls: tuple[str, ...] = ()
        self._choices_sorted = True  # the live "choices" list is in index order
        self._unsorted_tools: list[_Choice] = []
        self._dirty: list[TextSlot] = []
        self._nested: dict[tuple[int, str], TextSlot] = {}
        # entries of index-keyed lists (reasoning_details), by the list's id
        self._indexed: dict[int, dict[int, dict[str, Any]]] = {}
        self._chunks = 0
        self._text_chars = 0
        self._items = 0
        self._incomplete: list[tuple[int, int | None]] = []

    # -- public -------------------------------------------------------------------

    @property
    def incomplete(self) -> tuple[tuple[int, int | None], ...]:
        """``(choice_index, tool_index)`` of calls a ``length`` finish cut short.

        ``tool_index`` is ``None`` for the legacy ``function_call``.
        """
        return tuple(self._incomplete)

    def feed(self, event: ServerSentEvent | Comment) -> list[ChatStreamEvent]:
        """Consume one SSE event of the stream.

        ``data: [DONE]`` ends the stream; ``event: error`` raises; an event of
        another name passes through as :class:`UnknownEvent`; a comment (a
        keep-alive) gives nothing.  After ``[DONE]`` every event passes
        through as :class:`UnknownEvent` (its data parsed as JSON when it is
        JSON, else the text) and changes nothing.

        Raises:
            InvalidChunk: the data is not a JSON object, or a field has the
                wrong type.
            StreamError: the provider sent an error.
            LimitExceeded: the stream outgrew ``limits``.
            UsageError: the accumulator was closed, or failed.
        """
        if self._state is not _STREAMING:
            if self._state is _DONE:
                return self._after_done(event)
            raise self._refusal("feed")
        if type(event) is ServerSentEvent:
            # The tuple's items, not its properties: two Python calls less.
            name = event[0]
            data = event[1]
        else:
            if isinstance(event, Comment):
                return []
            if not isinstance(event, ServerSentEvent):
                raise UsageError(
                    "OpenAIChatAccumulator.feed() expects a ServerSentEvent, got "
                    f"{type(event).__name__} (use feed_chunk() for a parsed dict)"
                )
            name = event.event
            data = event.data
        if name == "message":
            if data == "[DONE]":
                return self._end_marker()
            try:
                parse = self._parse  # an attribute load, not a method lookup
                payload = parse(data)  # self._loads(data), one call less
            except Exception:
                try:
                    payload = self._loads(data)
                except (ValueError, RecursionError) as exc:  # deep: no JSON here
                    return self._fail(
                        InvalidChunk(
                            f"chunk {self._chunks} (event {name!r}): expected "
                            f"JSON data, got {excerpt(data)} ({exc})",
                            chunk_index=self._chunks,
                            field=None,
                            data=data,
                        )
                    )
            # The overwhelmingly common chunk: the plan's keys in its order
            # ("choices" among them, no "error"; see _merge_top), one choice
            # whose content is text and whose delta is only some of it, no
            # finish, no logprobs.  _merge_chunk()'s plan and content fast
            # path, inlined: every check is made before anything changes, and
            # a chunk of any other shape (a failed lookup included) goes the
            # general way below.
            slot: TextSlot | None = None
            try:
                if [*payload] == self._fast_keys:  # TypeError: not iterable
                    (raw,) = payload["choices"]  # ValueError: not one choice
                    # Four keys, two of them finish_reason and logprobs (null):
                    # the other two are index and delta when both are found.
                    if (
                        len(raw) == 4
                        and raw["finish_reason"] is None
                        and raw["logprobs"] is None
                    ):
                        delta = raw["delta"]
                        text = delta["content"]  # only an object has the key
                        index: Any = raw["index"]
                        if (
                            len(delta) == 1
                            and type(text) is str
                            and text
                            and type(index) is int  # True and 0.0 are keys too
                        ):
                            n = len(text)
                            total = self._text_chars + n
                            if total <= self._max_text:
                                slot = self._text_content[index]
                                if self._fast_nulls:  # usage keys null in the plan
                                    for key in self._fast_nulls:
                                        if payload[key] is not None:
                                            slot = None  # usage: the general way
            except (KeyError, TypeError, ValueError):
                pass  # not this shape: the general way
            if slot is not None:
                out = self._out
                only = self._fast_latest_one
                if only is not None:  # the common plan, unrolled: a loop costs more
                    value = payload[only]
                    if value is not None:
                        out[only] = value
                else:
                    for key in self._fast_latest:
                        value = payload[key]
                        if value is not None:
                            out[key] = value
                self._text_chars = total
                slot.parts.append(text)  # slot.append(text), inlined
                json_ = slot.parsed  # a content slot is parsed when JSON is asked
                if json_:
                    slot.pending.append(text)
                slot.length = end = slot.length + n
                if not slot.dirty:
                    slot.dirty = True
                    self._dirty.append(slot)
                self._chunks += 1
                return [
                    _make_chunk_received((payload, None)),
                    _make_content_delta((index, None, None, text, slot, end, json_)),
                ]
            if type(payload) is dict and payload.get("error") is None:
                # _chunk()'s common case, without the call.
                events = self._merge_chunk(payload)
                self._chunks += 1
                return events
            return self._chunk(payload)
        try:
            body: Any = self._loads(data)
        except (ValueError, RecursionError):
            body = data
        if not self._chunks:
            self._check_first(body)  # an Anthropic stream names its events
        if name == "error":
            return self._fail(
                StreamError(
                    f"the provider sent an error event: {excerpt(data, 200)}",
                    body=body,
                    snapshot=self.snapshot(),
                )
            )
        return [UnknownEvent(event=event, data=body)]

    def feed_chunk(self, payload: dict[str, Any]) -> list[ChatStreamEvent]:
        """Consume one chunk that the caller already parsed from JSON.

        After ``[DONE]`` the chunk passes through as
        ``UnknownEvent(event=None, data=payload)`` and changes nothing.

        Raises:
            InvalidChunk, StreamError, LimitExceeded, UsageError: as :meth:`feed`.
        """
        if self._state is not _STREAMING:
            if self._state is _DONE:
                return [UnknownEvent(event=None, data=payload)]
            raise self._refusal("feed_chunk")
        return self._chunk(payload)

    def snapshot(self) -> dict[str, Any]:
        """The ``chat.completion`` so far, in its wire shape.

        The dict is the accumulator's own, updated in place by later feeds
        (which is what makes a snapshot per chunk cheap): ``copy.deepcopy`` it
        to keep it as it is now.
        """
        dirty = self._dirty
        if dirty:
            for slot in dirty:
                slot.refresh()
            dirty.clear()
        if not self._choices_sorted:
            choices = self._choices
            self._out["choices"][:] = [choices[i].out for i in sorted(choices)]
            self._choices_sorted = True
        if self._unsorted_tools:
            for choice in self._unsorted_tools:
                calls = choice.tool_calls
                assert choice.tool_list is not None
                choice.tool_list[:] = [calls[i].out for i in sorted(calls)]
                choice.tools_sorted = True
            self._unsorted_tools.clear()
        return self._out

    def close(self) -> dict[str, Any]:
        """End of input: the final ``chat.completion``.

        Raises:
            IncompleteStream: the stream stopped before ``[DONE]`` and before
                every choice finished.
            LengthFinishReasonError, ContentFilterFinishReasonError: parsing was
                asked for (JSON ``response_format`` or a strict tool) and a
                choice finished with ``length`` / ``content_filter``.
            UsageError: already closed, or failed earlier.
        """
        state = self._state
        if state is _CLOSED or state is _ERROR:
            raise self._refusal("close")
        if state is _STREAMING:
            missing = self._why_incomplete()
            if missing:
                return self._fail(
                    IncompleteStream(
                        f"the stream ended without [DONE] and {missing}",
                        snapshot=self.snapshot(),
                    )
                )
        for index in sorted(self._choices):
            reason = self._choices[index].finish_reason
            error = self._finish_error(
                normalise("chat", reason),
                what=f"choice {index}",
                raw=f"finish_reason {reason!r}",
                snapshot=self.snapshot(),
            )
            if error is not None:
                return self._fail(error)
        final = self.snapshot()
        self._state = _CLOSED
        return final

    def take_events(self) -> list[ChatStreamEvent]:
        """Events no :meth:`feed` returned: always none for this protocol, whose
        ``close()`` makes no events (kept for symmetry with the accumulators
        whose ``close()`` does)."""
        return []

    def _after_done(self, event: ServerSentEvent | Comment) -> list[ChatStreamEvent]:
        """An event fed after ``[DONE]``: passed through, whatever it says."""
        if isinstance(event, Comment):
            return []
        if not isinstance(event, ServerSentEvent):
            raise UsageError(
                "OpenAIChatAccumulator.feed() expects a ServerSentEvent, got "
                f"{type(event).__name__} (use feed_chunk() for a parsed dict)"
            )
        try:
            data: Any = self._loads(event.data)
        except (ValueError, RecursionError):
            data = event.data
        return [UnknownEvent(event=event, data=data)]

    # -- errors -------------------------------------------------------------------

    def _why_incomplete(self) -> str:
        if not self._choices:
            return "before any choice arrived"
        open_ = [i for i in sorted(self._choices) if not self._choices[i].finished]
        if open_:
            return f"choice(s) {open_} without a finish_reason"
        return ""

    # -- bounds -------------------------------------------------------------------

    def _count_text(self, n: int) -> None:
        self._text_chars += n
        if self._text_chars > self._max_text:
            self._fail(
                LimitExceeded(
                    "max_text_chars",
                    maximum=self._max_text,
                    observed=self._text_chars,
                    what="the text accumulated from the stream",
                )
            )

    def _count_items(self, n: int) -> None:
        self._items += n
        if self._items > self._max_items:
            self._fail(
                LimitExceeded(
                    "max_stream_items",
                    maximum=self._max_items,
                    observed=self._items,
                    what="the choices, tool calls, parts and logprobs kept",
                )
            )

    def _append(self, slot: TextSlot, fragment: str) -> int:
        """Add text to a slot; returns the slot's new length."""
        n = len(fragment)
        self._text_chars += n
        if self._text_chars > self._max_text:
            self._text_chars -= n
            self._count_text(n)  # raises
        slot.append(fragment)
        if not slot.dirty and slot.owner is not None:
            slot.dirty = True
            self._dirty.append(slot)
        return slot.length

    # -- chunks -------------------------------------------------------------------

    def _chunk(self, payload: Any) -> list[ChatStreamEvent]:
        if type(payload) is not dict:
            return self._invalid("the chunk", "a JSON object", payload)
        error = payload.get("error")
        if error is not None:
            # Keep what the error chunk carries too (OpenRouter sends its choices
            # with finish_reason "error"), then fail.
            with contextlib.suppress(InvalidChunk, LimitExceeded):
                self._merge_chunk(payload)
            self._fail(
                StreamError(
                    f"the provider sent an error in chunk {self._chunks}: "
                    f"{excerpt(json.dumps(error, default=repr), 200)}",
                    body=error,
                    snapshot=self.snapshot(),
                )
            )
        events = self._merge_chunk(payload)
        self._chunks += 1
        return events

    def _merge_chunk(self, payload: dict[str, Any]) -> list[ChatStreamEvent]:
        if not self._chunks:
            self._check_first(payload)
        events: list[ChatStreamEvent] = [_new_chunk_received(payload)]
        out = self._out
        plan = self._plan
        planned = False
        if plan is not None and payload.keys() == plan[0]:
            # The same keys as the chunk the plan was made from: only the plain
            # latest-non-null keys can change anything, unless a usage key that
            # was null there is not null here.
            for key in plan[2]:
                if payload[key] is not None:
                    break
            else:
                for key in plan[1]:
                    value = payload[key]
                    if value is not None:
                        out[key] = value
                planned = True
        if not planned:
            self._merge_top(payload, out, events)
        choices = payload.get("choices")

        if choices is not None:
            if type(choices) is not list:
                return self._invalid("choices", "a list", choices)
            if len(choices) == 1 and _FAST_CONTENT:
                # The fast path of the overwhelmingly common chunk: one known
                # choice whose delta is only some content text, no finish, no
                # logprobs.  It does what the general path does for that shape
                # (the same table rows), with fewer calls and lookups; any
                # other shape, or a limit about to be passed, goes the general
                # way.
                raw = choices[0]
                # Four keys, two of them finish_reason and logprobs (null): the
                # other two are index and delta when both are found below.
                if (
                    type(raw) is dict
                    and len(raw) == 4
                    and raw.get("finish_reason", 0) is None
                    and raw.get("logprobs", 0) is None
                ):
                    delta = raw.get("delta")
                    index: Any = raw.get("index")
                    if type(delta) is dict and len(delta) == 1 and type(index) is int:
                        text = delta.get("content")
                        slot = self._text_content.get(index)  # a known choice
                        if type(text) is str and text and slot is not None:
                            total = self._text_chars + len(text)
                            if total <= self._max_text:
                                self._text_chars = total
                                slot.parts.append(text)  # slot.append, inlined
                                if slot.parsed:
                                    slot.pending.append(text)
                                slot.length += len(text)
                                if not slot.dirty:
                                    slot.dirty = True
                                    self._dirty.append(slot)
                                events.append(
                                    _new_content_delta(
                                        index,
                                        text,
                                        slot,
                                        slot.length,
                                        self._json_content,
                                    )
                                )
                                return events
            for position, choice in enumerate(choices):
                self._merge_choice(choice, position, events)
        return events

    def _merge_top(
        self,
        payload: dict[str, Any],
        out: dict[str, Any],
        events: list[ChatStreamEvent],
    ) -> None:
        """Merge the chunk's top-level keys by the table; make the next plan.

        The plan (the keys, the plain latest-non-null ones, the null usage
        ones) lets the next chunk with the same keys skip this loop: every
        other key is a no-op by its policy (skipped, or set once and set).
        """
        settled = self._settled
        plannable = _PLANNABLE
        latest: list[str] = []
        nulls: list[str] = []
        for key, value in payload.items():
            if key in settled:  # a no-op by its policy: skipped, or set once
                continue
            policy = _CHUNK_FIELDS.get(key, _CHUNK_DEFAULT)
            if policy is _KEYED:  # "choices", merged after the metadata
                continue
            plain = policy is _LATEST and key not in _USAGE_KEYS
            if value is None:
                if key not in out:
                    out[key] = None
                if plain:
                    latest.append(key)
                elif key in _USAGE_KEYS:
                    nulls.append(key)
                else:
                    plannable = False
            elif plain:
                out[key] = value  # system_fingerprint, on every chunk
                latest.append(key)
            elif key == "usage":
                plannable = False
                if type(value) is not dict:
                    self._invalid("usage", "an object", value)
                self._apply(out, key, value, policy, (key,))
                events.append(UsageUpdated(usage=value))
            else:
                plannable = False
                self._apply(out, key, value, policy, (key,))
                if policy is _SET_ONCE and out.get(key):
                    settled.add(key)  # from now on every value is ignored
                if key == "x_groq" and type(value) is dict:
                    usage = value.get("usage")
                    if type(usage) is dict:
                        self._apply(out, "usage", usage, _CHUNK_FIELDS["usage"], ())
                        events.append(UsageUpdated(usage=usage))
        keys = frozenset(payload)
        self._fast_latest = tuple(latest)
        self._fast_latest_one = latest[0] if len(latest) == 1 else None
        self._fast_nulls = tuple(nulls)
        self._plan = (keys, self._fast_latest, self._fast_nulls) if plannable else None
        self._fast_keys = (
            list(payload)
            if plannable and _FAST_CONTENT and "choices" in keys and "error" not in keys
            else None
        )

    def _choice(self, index: int) -> _Choice:
        choice = self._choices.get(index)
        if choice is None:
            self._count_items(1)
            choice = self._choices[index] = _Choice(
                index, self._limits, json_content=self._json_content
            )
            self._arm_content(choice.content)
            self._text_content[index] = choice.content
            # Appended now, put in index order by snapshot(): inserting in
            # place would cost O(choices) each when they come in reverse.
            listed = self._out["choices"]
            if listed and listed[-1]["index"] > index:
                self._choices_sorted = False
            listed.append(choice.out)
        return choice

    def _merge_choice(
        self, raw: Any, position: int, events: list[ChatStreamEvent]
    ) -> None:
        where: Path = ("choices", position)
        if type(raw) is not dict:
            self._invalid(where, "an object", raw)
        index = raw.get("index")
        if index is None:
            index = 0  # a few servers leave it out when there is one choice
        elif type(index) is not int:
            self._invalid((*where, "index"), "an int", index)
        choice = self._choice(index)
        finish: Any = None
        out = choice.out
        for key, value in raw.items():
            policy = _CHOICE_FIELDS.get(key, _CHOICE_DEFAULT)
            if policy is _SKIP:
                # "message" beside "delta" (a few servers repeat the whole
                # message at the end): the message is built from the deltas.
                continue
            if value is None:
                if key not in out:
                    out[key] = None
            elif policy is _OBJECT and key == "delta":
                if type(value) is not dict:
                    self._invalid((*where, "delta"), "an object", value)
                self._merge_delta(choice, value, where, events)
            elif policy is _OBJECT and key == "logprobs":
                self._merge_logprobs(choice, value, where, events)
            else:
                if key == "finish_reason":
                    if type(value) is not str:
                        self._invalid((*where, "finish_reason"), "a string", value)
                    finish = value
                self._apply(out, key, value, policy, (*where, key))
        if finish is not None:
            choice.finish_reason = finish
            if not choice.finished:
                choice.finished = True
                self._finish_choice(choice, index, finish, events)
                events.append(
                    ChoiceFinished(
                        choice_index=index,
                        finish_reason=finish,
                        reason=normalise("chat", finish),
                    )
                )

    # -- deltas -------------------------------------------------------------------

    def _merge_delta(
        self,
        choice: _Choice,
        delta: dict[str, Any],
        where: Path,
        events: list[ChatStreamEvent],
    ) -> None:
        index: int = choice.out["index"]
        message = choice.message
        for key, value in delta.items():
            if value is None:
                if key not in message:
                    message[key] = None
                continue
            policy = _DELTA_FIELDS.get(key, _DELTA_DEFAULT)
            if policy is _CONCAT:
                if key == "content":
                    if type(value) is str:
                        self._content_text(choice, index, value, events)
                    elif type(value) is list:
                        self._content_parts(
                            choice, index, value, (*where, "delta", "content"), events
                        )
                    else:
                        self._invalid(
                            (*where, "delta", "content"),
                            "a string or a list of parts",
                            value,
                        )
                    continue
                if type(value) is not str:
                    self._invalid((*where, "delta", key), "a string", value)
                if key == "refusal":
                    self._refusal_text(choice, index, value, events)
                else:
                    self._reasoning_text(choice, index, key, value, events)
            elif policy is _KEYED and key == "tool_calls":
                if type(value) is not list:
                    self._invalid((*where, "delta", "tool_calls"), "a list", value)
                for position, entry in enumerate(value):
                    self._merge_tool_call(
                        choice,
                        index,
                        entry,
                        (*where, "delta", "tool_calls", position),
                        events,
                    )
            elif policy is _OBJECT and key == "function_call":
                self._merge_function_call(
                    choice, index, value, (*where, "delta", "function_call"), events
                )
            elif policy is _KEYED and key == "reasoning_details":
                if type(value) is not list:
                    self._invalid(
                        (*where, "delta", "reasoning_details"), "a list", value
                    )
                self._merge_indexed(message, key, value, (*where, "delta", key))
            else:
                if key == "role" and type(value) is not str:
                    self._invalid((*where, "delta", "role"), "a string", value)
                self._apply(
                    message, key, value, policy, (*where, "delta", key), choice.unset
                )

    def _refusal_text(
        self, choice: _Choice, index: int, text: str, events: list[ChatStreamEvent]
    ) -> None:
        if text:
            end = self._append(choice.refusal, text)
            events.append(
                RefusalDelta(
                    choice_index=index, delta=text, slot=choice.refusal, end=end
                )
            )
        elif choice.message["refusal"] is None:
            choice.message["refusal"] = ""

    def _reasoning_text(
        self,
        choice: _Choice,
        index: int,
        key: str,
        text: str,
        events: list[ChatStreamEvent],
    ) -> None:
        slot = choice.reasoning.get(key)
        if slot is None:
            slot = choice.reasoning[key] = TextSlot(
                choice.message, key, self._limits, parsed=False
            )
            choice.message[key] = ""
        if text:
            end = self._append(slot, text)
            events.append(
                ReasoningDelta(
                    choice_index=index, field=key, delta=text, slot=slot, end=end
                )
            )

    def _content_text(
        self, choice: _Choice, index: int, text: str, events: list[ChatStreamEvent]
    ) -> None:
        if not text:
            if choice.message["content"] is None:
                choice.message["content"] = ""
            return
        end = self._append(choice.content, text)
        if choice.parts is not None:
            self._part_text(choice, text)
        events.append(
            ContentDelta(
                choice_index=index,
                delta=text,
                slot=choice.content,
                end=end,
                json=self._json_content,
            )
        )

    def _content_parts(
        self,
        choice: _Choice,
        index: int,
        parts: list[Any],
        where: Path,
        events: list[ChatStreamEvent],
    ) -> None:
        for position, part in enumerate(parts):
            if type(part) is not dict:
                self._invalid((*where, position), "an object", part)
            if part.get("type", "text") == "text" and set(part) <= {"type", "text"}:
                text = part.get("text")
                if text is None:
                    continue
                if type(text) is not str:
                    self._invalid((*where, position, "text"), "a string", text)
                self._content_text(choice, index, text, events)
                continue
            # A part that is not plain text: from now on content is a list.
            if choice.parts is None:
                self._to_parts(choice)
            assert choice.parts is not None
            self._count_items(1)
            choice.parts.append(part)
            choice.part_slot = None

    def _to_parts(self, choice: _Choice) -> None:
        """Turn the message's content into a list of parts (text so far first)."""
        slot = choice.content
        parts: list[dict[str, Any]] = []
        choice.parts = parts
        del self._text_content[choice.out["index"]]  # feed()'s fast path: no more
        slot.owner = None  # the whole text is still kept, for the events
        if slot.dirty:
            slot.dirty = False
            self._dirty.remove(slot)
        choice.message["content"] = parts
        if slot.length:
            self._count_items(1)
            part: dict[str, Any] = {"type": "text", "text": slot.text()}
            parts.append(part)
            choice.part_slot = TextSlot(part, "text", self._limits)
            choice.part_slot.append(slot.text())

    def _part_text(self, choice: _Choice, text: str) -> None:
        assert choice.parts is not None
        part_slot = choice.part_slot
        if part_slot is None:
            self._count_items(1)
            part: dict[str, Any] = {"type": "text", "text": ""}
            choice.parts.append(part)
            part_slot = choice.part_slot = TextSlot(part, "text", self._limits)
        part_slot.append(text)
        if not part_slot.dirty:
            part_slot.dirty = True
            self._dirty.append(part_slot)

    # -- tool calls ---------------------------------------------------------------

    def _merge_tool_call(
        self,
        choice: _Choice,
        index: int,
        entry: Any,
        where: Path,
        events: list[ChatStreamEvent],
    ) -> None:
        if type(entry) is not dict:
            self._invalid(where, "an object", entry)
        tool_index = entry.get("index")
        call_id = entry.get("id")
        function = entry.get("function")
        if function is not None and type(function) is not dict:
            self._invalid((*where, "function"), "an object", function)
        if tool_index is None:
            last = choice.last_call
            name = function.get("name") if function else None
            if (
                last is None
                or (call_id is not None and call_id != last.id)
                or (call_id is None and name is not None)
            ):
                tool_index = choice.next_tool
            else:
                tool_index = last.index
                assert tool_index is not None  # last_call is never function_call
        elif type(tool_index) is not int:
            self._invalid((*where, "index"), "an int", tool_index)
        call = choice.tool_calls.get(tool_index)
        if call is None:
            call = self._new_tool_call(
                choice, index, tool_index, entry, function, events
            )
        choice.last_call = call
        out = call.out
        for key, value in entry.items():
            policy = _TOOL_FIELDS.get(key, _TOOL_DEFAULT)
            if policy is _SKIP or policy is _OBJECT:  # "function": merged below
                continue
            self._apply(out, key, value, policy, (*where, key), call.unset)
        if function:
            self._merge_function(
                choice, index, call, function, (*where, "function"), events
            )

    def _new_tool_call(
        self,
        choice: _Choice,
        index: int,
        tool_index: int,
        entry: dict[str, Any],
        function: dict[str, Any] | None,
        events: list[ChatStreamEvent],
    ) -> _ToolCall:
        self._count_items(1)
        sent_type = entry.get("type")
        out: dict[str, Any] = {
            "id": None,
            "type": sent_type or "function",
            "function": {"name": None, "arguments": ""},
        }
        call = _ToolCall(
            tool_index,
            out,
            TextSlot(out["function"], "arguments", self._limits),
            set() if sent_type else {"type"},
        )
        # The merge loop sets the id (by the table's rule); the event needs it now.
        set_once(out, "id", entry.get("id"))
        choice.tool_calls[tool_index] = call
        if tool_index >= choice.next_tool:
            choice.next_tool = tool_index + 1
        elif choice.tools_sorted:  # out of order: snapshot() sorts the list
            choice.tools_sorted = False
            self._unsorted_tools.append(choice)
        if choice.tool_list is None:
            choice.tool_list = choice.message["tool_calls"] = []
        choice.tool_list.append(out)
        name = function.get("name") if function else None
        events.append(
            ToolCallStarted(
                choice_index=index,
                index=tool_index,
                id=out["id"],
                name=name,
                call_type=out["type"],
            )
        )
        if type(name) is str:  # else checked at its done event
            self._check_name(call, index, name)
        return call

    def _check_name(self, call: _ToolCall, index: int, name: Any) -> None:
        """Check a call's name against the tools given, once."""
        call.checked = True
        self._check_tool(name, choice_index=index, index=call.index, call_id=call.id)
        self._arm_call(call.args, name)

    def _merge_function(
        self,
        choice: _Choice,
        index: int,
        call: _ToolCall,
        function: dict[str, Any],
        where: Path,
        events: list[ChatStreamEvent],
    ) -> None:
        target = call.function
        for key, value in function.items():
            if value is None:
                continue
            policy = _FUNCTION_FIELDS.get(key, _FUNCTION_DEFAULT)
            if key == "arguments" and policy is _CONCAT:
                if type(value) is not str:
                    self._invalid((*where, "arguments"), "a string", value)
                if value:
                    end = self._append(call.args, value)
                    events.append(
                        ToolCallArgumentsDelta(
                            choice_index=index,
                            index=call.index,
                            id=call.id,
                            name=call.name,
                            arguments_delta=value,
                            slot=call.args,
                            end=end,
                        )
                    )
            else:
                self._apply(target, key, value, policy, (*where, key))
                if key == "name" and call.args.target is None:
                    # a name after the start: typed views from here on
                    self._arm_call(call.args, target.get("name"))

    def _merge_function_call(
        self,
        choice: _Choice,
        index: int,
        value: Any,
        where: Path,
        events: list[ChatStreamEvent],
    ) -> None:
        if type(value) is not dict:
            self._invalid(where, "an object", value)
        call = choice.function_call
        if call is None:
            self._count_items(1)
            out: dict[str, Any] = {"name": None, "arguments": ""}
            choice.message["function_call"] = out
            call = choice.function_call = _ToolCall(
                None, out, TextSlot(out, "arguments", self._limits), set()
            )
            name = value.get("name")
            events.append(
                ToolCallStarted(
                    choice_index=index,
                    index=None,
                    id=None,
                    name=name,
                    call_type="function",
                )
            )
            if type(name) is str:
                self._check_name(call, index, name)
        self._merge_function(choice, index, call, value, where, events)

    # -- other fields -------------------------------------------------------------

    def _merge_logprobs(
        self, choice: _Choice, value: Any, where: Path, events: list[ChatStreamEvent]
    ) -> None:
        if type(value) is not dict:
            self._invalid((*where, "logprobs"), "an object", value)
        out = choice.out["logprobs"]
        if out is None:
            out = choice.out["logprobs"] = {"content": None, "refusal": None}
        index: int = choice.out["index"]
        for key, entries in value.items():
            if entries is None:
                if key not in out:
                    out[key] = None
                continue
            policy = _LOGPROBS_FIELDS.get(key, _LOGPROBS_DEFAULT)
            if policy is not _APPEND or (key != "content" and key != "refusal"):
                self._apply(out, key, entries, policy, (*where, "logprobs", key))
                continue
            if type(entries) is not list:
                self._invalid((*where, "logprobs", key), "a list", entries)
            kept = choice.logprobs.get(key)
            if kept is None:
                kept = choice.logprobs[key] = out[key] = []
            if not entries:
                continue
            self._count_items(len(entries))
            kept.extend(entries)
            if key == "content":
                events.append(
                    LogprobsContentDelta(
                        choice_index=index, content=entries, all=kept, end=len(kept)
                    )
                )
            else:
                events.append(
                    LogprobsRefusalDelta(
                        choice_index=index, refusal=entries, all=kept, end=len(kept)
                    )
                )

    def _merge_indexed(
        self, owner: dict[str, Any], key: str, entries: list[Any], where: Path
    ) -> None:
        """Merge a list of ``{"index": ...}`` entries (``reasoning_details``)."""
        kept = owner.get(key)
        if type(kept) is not list:
            kept = owner[key] = []
        by_index = self._indexed.setdefault(id(kept), {})
        for position, entry in enumerate(entries):
            if type(entry) is not dict:
                self._invalid((*where, position), "an object", entry)
            slot_index = entry.get("index")
            target = by_index.get(slot_index) if type(slot_index) is int else None
            if target is None:
                self._count_items(1)
                target = {}
                kept.append(target)
                if type(slot_index) is int:
                    by_index[slot_index] = target
            self._merge_object(target, entry, (*where, position))

    def _merge_object(
        self, target: dict[str, Any], entry: dict[str, Any], where: Path
    ) -> None:
        """``MERGE`` an object into *target*, by the table's ``object`` scope."""
        for key, value in entry.items():
            self._apply(
                target,
                key,
                value,
                _OBJECT_FIELDS.get(key, _OBJECT_DEFAULT),
                (*where, key),
            )

    def _apply(
        self,
        target: dict[str, Any],
        key: str,
        value: Any,
        policy: Merge,
        where: Path,
        unset: set[str] | None = None,
    ) -> None:
        """Merge one field's value into *target* by its *policy*.

        The policies with machinery of their own (the text slots of content,
        refusal, reasoning and arguments; keyed lists; objects with a scope of
        their own) are handled by the callers; here every other one.
        """
        if value is None:
            if key not in target:
                target[key] = None
        elif policy is _LATEST:
            target[key] = value
        elif policy is _SET_ONCE:
            set_once(target, key, value, unset)
        elif policy is _CONCAT and type(value) is str:
            self._concat(target, key, value)
        elif policy is _APPEND and type(value) is list:
            self._count_items(len(value))
            old = target.get(key)
            if type(old) is list:
                old.extend(value)
            else:
                target[key] = list(value)
        elif policy is not _SKIP:
            self._merge_other(target, key, value, where)

    def _merge_other(
        self, target: dict[str, Any], key: str, value: Any, where: Path
    ) -> None:
        """``MERGE``: objects merge key by key, lists extend, any other value is
        the latest non-null (see :mod:`sseparse.llm._merge` for why)."""
        if type(value) is dict:
            old = target.get(key)
            if type(old) is not dict:
                old = target[key] = {}
            self._merge_object(old, value, where)
        elif type(value) is list:
            self._count_items(len(value))
            old = target.get(key)
            if type(old) is list:
                old.extend(value)
            else:
                target[key] = list(value)
        else:
            target[key] = value

    def _concat(self, target: dict[str, Any], key: str, value: str) -> None:
        """Append to a text key of a nested object, in linear time."""
        slot = self._nested.get((id(target), key))
        if slot is None:
            old = target.get(key)
            if not isinstance(old, str):
                self._count_text(len(value))
                target[key] = value
                return
            # Live dicts of the snapshot stay alive, so their ids are stable.
            slot = self._nested[(id(target), key)] = TextSlot(target, key, self._limits)
            slot.append(old)
        self._append(slot, value)

    # -- the end ------------------------------------------------------------------

    def _finish_choice(
        self, choice: _Choice, index: int, reason: Any, events: list[ChatStreamEvent]
    ) -> None:
        """The done events of one choice, each field once."""
        for key, slot in choice.reasoning.items():
            if slot.length:
                events.append(
                    ReasoningDone(choice_index=index, field=key, reasoning=slot.text())
                )
        if choice.content.length:
            self._settle_typed(
                choice.content, choice_index=index, index=None, call=False
            )
            events.append(
                ContentDone(
                    choice_index=index,
                    content=choice.content.text(),
                    slot=choice.content,
                    json=self._json_content,
                )
            )
        if choice.refusal.length:
            events.append(
                RefusalDone(choice_index=index, refusal=choice.refusal.text())
            )
        content_logprobs = choice.logprobs.get("content")
        if content_logprobs is not None:
            events.append(
                LogprobsContentDone(choice_index=index, content=list(content_logprobs))
            )
        refusal_logprobs = choice.logprobs.get("refusal")
        if refusal_logprobs is not None:
            events.append(
                LogprobsRefusalDone(choice_index=index, refusal=list(refusal_logprobs))
            )
        calls = [choice.tool_calls[i] for i in sorted(choice.tool_calls)]
        if choice.function_call is not None:
            calls.append(choice.function_call)
        for call in calls:
            if call.done:
                continue
            call.done = True
            if not call.checked:
                self._check_name(call, index, call.name)
            complete = True
            if reason == "length":
                try:
                    call.args.final()
                except (JSONStreamError, LimitExceeded):
                    complete = False
                    self._incomplete.append((index, call.index))
            if complete:
                self._settle_typed(
                    call.args,
                    choice_index=index,
                    index=call.index,
                    call_id=call.id,
                    call=True,
                    name=call.name,
                )
            events.append(
                ToolCallArgumentsDone(
                    choice_index=index,
                    index=call.index,
                    id=call.id,
                    name=call.name,
                    arguments=call.args.text(),
                    complete=complete,
                    slot=call.args,
                )
            )

    def _end_marker(self) -> list[ChatStreamEvent]:
        events: list[ChatStreamEvent] = []
        for index in sorted(self._choices):
            choice = self._choices[index]
            if not choice.finished:
                choice.finished = True
                self._finish_choice(choice, index, None, events)
        events.append(StreamDone())
        self._state = _DONE
        return events
