"""OpenAI Responses streams: events in, vocabulary events and a ``response`` out.

Theory of operation
-------------------
The accumulator consumes the SSE events of a ``/v1/responses`` stream (or their
JSON payloads, already parsed) and keeps one live ``response`` dict, in the
exact shape of the non-streaming response, that it updates in place.

* Dispatch is on the payload's own ``type``, never on the SSE ``event:`` line:
  a data-only stream gives the same events and the same final as a named one.
* ``sequence_number`` is tracked when present: an event whose number is not
  above the last one seen is a replay (a resumed stream re-sending what was
  already had) and is dropped whole (``feed`` returns ``[]``; counted in
  :attr:`OpenAIResponsesAccumulator.replayed`); a jump past the next number
  is reported (:class:`~sseparse.llm.events.SequenceGap`, and
  :attr:`~OpenAIResponsesAccumulator.gaps`) and the stream goes on.  Events
  without a number are taken as they come.
* The allowed order is one table, :data:`TRANSITIONS`: ``(phase, payload type)
  -> (handler, next phase)``.  A known type in a phase that does not allow it
  raises :class:`~sseparse.errors.UnexpectedEvent`; an unknown type passes
  through as :class:`~sseparse.llm.events.UnknownEvent` once the response has
  started.  The top-level ``error`` event raises
  :class:`~sseparse.errors.StreamError` in any phase.
* Output items are keyed by their ``output_index`` in a dict: any order of
  first appearance, gaps allowed; the live ``output`` list is put in index
  order by ``snapshot()``.  Each item has a kind (:class:`ItemKind`, from its
  ``type``) and a sub-state (:class:`ItemState`); which item events each kind
  takes is the second table, :data:`ITEM_EVENTS`.  An item event for an index
  never added, for an item already done, or a known event on an item of the
  wrong kind raises ``UnexpectedEvent`` naming the index, the item type and
  the event type; any event of an unknown item kind passes through.  Content
  parts (and reasoning summary parts, shell commands and outputs) are keyed
  by their own index within the item, in dicts too: an index that does not
  restart at 0 for each item is fine.
* Merge policy per field: one table, :data:`OPENAI_RESPONSES`, which the
  handlers read.  In short: text (output text, refusals, reasoning summary
  and reasoning text, function arguments, custom tool input, MCP arguments,
  code interpreter code, shell commands and their stdout/stderr, audio and
  its transcript) is concatenated; annotations and logprobs are appended; the
  lifecycle ``response`` objects' fields are the latest non-null value (their
  ``output`` is skipped: the output is built from the items); a partial
  image replaces the last one as the item's ``result``; ``obfuscation``
  padding is skipped; numbers are never added.
* Authoritative values win: a ``*.done`` event's whole text, a
  ``content_part.done`` part, an ``output_item.done`` item and the terminal
  response's ``output`` replace what the deltas built.  Where one disagrees
  with accumulated text (text that deltas did build: an authoritative value
  that only fills an empty field is no disagreement), a
  :class:`~sseparse.llm.events.ValueCorrected` event says so, and it is kept
  in :attr:`~OpenAIResponsesAccumulator.corrections`; each disagreement is
  reported once, at the first authoritative value that shows it.
* Tolerances for real servers: a terminal response with ``output: null`` or
  ``[]`` gets the output built from the items; ``item: null`` in
  ``output_item.added`` reserves its index (its item is built from the events
  that follow, the kind told by their type) and in ``output_item.done`` ends
  the item as accumulated; a content delta without its
  ``content_part.added`` opens the part; ``obfuscation`` is ignored; unknown
  keys are kept.
* Text is a :class:`~sseparse.llm._text.TextSlot`: fragments appended in O(1),
  written into the live dict only when ``snapshot()`` or ``close()`` asks.
  Function and MCP arguments are parsed incrementally through layer 2, only
  when an event's ``parsed_arguments`` is read; free-text input (custom tool
  input, code, shell commands) has ``parsed_arguments`` ``None``.
* Terminal states: ``response.completed`` and ``response.incomplete`` end the
  stream (state ``DONE``); ``close()`` returns the final, whose ``status``
  says which (and ``incomplete_details.reason`` why).  ``response.failed``
  ends it too, and ``close()`` raises :class:`~sseparse.errors.StreamError`
  with the response's ``error`` as its body.  An ``error`` event raises
  ``StreamError`` from ``feed`` and again from ``close()``.  ``close()``
  without a terminal event raises :class:`~sseparse.errors.IncompleteStream`
  carrying the snapshot.  Each keeps the snapshot, and
  :attr:`~OpenAIResponsesAccumulator.status` names it.  Items still open at
  the terminal event are finished there, in index order, as cut (with the
  terminal output's item at their position, when it has one, as their done
  item): a tool call's ``ToolCallArgumentsDone`` has ``complete=False`` and
  its index is in :attr:`~OpenAIResponsesAccumulator.incomplete`, as is a
  call whose item ended with status ``incomplete`` or whose JSON arguments
  are not whole.  A completed response that holds a call the client runs
  (``function_call``, ``custom_tool_call``, ``computer_call``,
  ``local_shell_call``, ``apply_patch_call``) or an ``mcp_approval_request``
  finishes with reason ``tool_calls``.
  Every event after the terminal one passes through as ``UnknownEvent``.
* Resume: :meth:`OpenAIResponsesAccumulator.resume` builds an accumulator from
  an earlier snapshot and the last ``sequence_number`` seen; the events after
  it continue the stream, without ``response.created``.  An item whose
  snapshot status says it ended is ``RESUMED``: only its ``output_item.done``
  may still come.

Phases (:class:`ResponseState`): ``AWAITING_START`` -> ``IN_RESPONSE`` (after
``response.created``, or a first ``queued`` / ``in_progress``) -> ``FINISHED``
(after a terminal event).  The public :class:`AccumulatorState` is
``STREAMING`` until ``FINISHED``, then ``DONE``, then ``CLOSED``; any error
makes it ``ERROR``, which sticks.  Cost: O(size of the payload) per event,
plus O(delta) per lazy view read, plus O(items) for a snapshot after items
were reordered or replaced; memory is bounded by ``Limits.max_text_chars``
and ``Limits.max_stream_items``.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterator, Mapping
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
from sseparse.limits import DEFAULT_LIMITS, Limits
from sseparse.llm import _loads
from sseparse.llm._finish import normalise
from sseparse.llm._machine import (
    AccumulatorBase,
    AccumulatorState,
    Path,
    make_arguments_delta,
    make_chunk_received,
    make_content_delta,
)
from sseparse.llm._machine import path as path_of
from sseparse.llm._merge import Merge, Table
from sseparse.llm._text import TextSlot
from sseparse.llm.events import (
    AudioDelta,
    AudioDone,
    ChoiceFinished,
    CitationAdded,
    ContentDone,
    ImagePartial,
    LogprobsContentDelta,
    LogprobsContentDone,
    MessageStarted,
    PartDone,
    PartStarted,
    ReasoningDelta,
    ReasoningDone,
    RefusalDelta,
    RefusalDone,
    ResponsesStreamEvent,
    ResponseUpdated,
    SequenceGap,
    ServerToolCallStarted,
    ServerToolOutputDelta,
    ServerToolOutputDone,
    ServerToolResult,
    ServerToolStatus,
    StreamDone,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
    ToolCallStarted,
    UnknownEvent,
    UsageUpdated,
    ValueCorrected,
)
from sseparse.sse import Comment, ServerSentEvent

if TYPE_CHECKING:
    from sseparse.llm._formats import ResponseFormatArg, ToolsArg

__all__ = [
    "ITEM_EVENTS",
    "OPENAI_RESPONSES",
    "TRANSITIONS",
    "ItemKind",
    "ItemState",
    "OpenAIResponsesAccumulator",
    "ResponseState",
]

_STREAMING = AccumulatorState.STREAMING
_DONE = AccumulatorState.DONE
_CLOSED = AccumulatorState.CLOSED
_ERROR = AccumulatorState.ERROR

Events = list[ResponsesStreamEvent]

# The events of the hottest handlers, built by one C call each (the makers are
# shared by the three accumulators: sseparse/llm/_machine.py).
_make_chunk_received = make_chunk_received
_make_content_delta = make_content_delta
_make_arguments_delta = make_arguments_delta


class ResponseState(enum.Enum):
    """Where the response is in its stream (the phases of :data:`TRANSITIONS`)."""

    AWAITING_START = "awaiting start"  # nothing yet
    IN_RESPONSE = "in response"  # the response started; items may come
    FINISHED = "finished"  # a terminal event came


class ItemState(enum.Enum):
    """Where one output item (or one part of it) is."""

    OPEN = "open"  # added, its events may come
    DONE = "done"  # its done event (or the response's end) came
    # Resumed from a snapshot whose status said it ended: only its
    # output_item.done may still come (a status event can end a hosted tool
    # before the item's done).
    RESUMED = "resumed"


class ItemKind(enum.Enum):
    """What an output item's ``type`` makes of it (see :func:`item_kind`)."""

    MESSAGE = "message"
    REASONING = "reasoning"
    FUNCTION_CALL = "function_call"  # run by the client
    CUSTOM_TOOL_CALL = "custom_tool_call"  # run by the client, free-text input
    MCP_CALL = "mcp_call"
    MCP_LIST_TOOLS = "mcp_list_tools"
    CODE_INTERPRETER = "code_interpreter_call"
    WEB_SEARCH = "web_search_call"
    FILE_SEARCH = "file_search_call"
    IMAGE_GENERATION = "image_generation_call"
    SHELL_CALL = "shell_call"
    SHELL_OUTPUT = "shell_call_output"
    COMPACTION = "compaction"
    CLIENT_CALL = "client_call"  # computer_call, local_shell_call, apply_patch_call
    HOSTED = "hosted"  # any other *_call: the provider runs it
    RESULT = "result"  # any *_output item: arrives whole
    UNKNOWN = "unknown"  # kept whole; its events pass through


_AWAITING = ResponseState.AWAITING_START
_IN = ResponseState.IN_RESPONSE
_FINISHED = ResponseState.FINISHED
_OPEN = ItemState.OPEN
_ITEM_DONE = ItemState.DONE
_RESUMED = ItemState.RESUMED

_MESSAGE = ItemKind.MESSAGE
_REASONING = ItemKind.REASONING
_FUNCTION = ItemKind.FUNCTION_CALL
_CUSTOM = ItemKind.CUSTOM_TOOL_CALL
_MCP = ItemKind.MCP_CALL
_MCP_LIST = ItemKind.MCP_LIST_TOOLS
_CODE = ItemKind.CODE_INTERPRETER
_WEB = ItemKind.WEB_SEARCH
_FILE = ItemKind.FILE_SEARCH
_IMAGE = ItemKind.IMAGE_GENERATION
_SHELL = ItemKind.SHELL_CALL
_SHELL_OUT = ItemKind.SHELL_OUTPUT
_COMPACTION = ItemKind.COMPACTION
_HOSTED = ItemKind.HOSTED
_RESULT = ItemKind.RESULT
_UNKNOWN = ItemKind.UNKNOWN

_CLIENT_CALL = ItemKind.CLIENT_CALL
_KINDS = {
    kind.value: kind
    for kind in ItemKind
    if kind not in (_HOSTED, _RESULT, _UNKNOWN, _CLIENT_CALL)
}
# Calls that arrive whole and that the client runs and answers (the guides:
# "your code executes the action", "your application applies each operation").
_KINDS.update(
    computer_call=_CLIENT_CALL,
    local_shell_call=_CLIENT_CALL,
    apply_patch_call=_CLIENT_CALL,
)
# Items the provider runs (their start is ServerToolCallStarted, their done a
# ServerToolResult); client calls start with ToolCallStarted.
_SERVER_KINDS = frozenset(
    {_MCP, _MCP_LIST, _CODE, _WEB, _FILE, _IMAGE, _SHELL, _HOSTED}
)
_CLIENT_KINDS = frozenset({_FUNCTION, _CUSTOM, _CLIENT_CALL})
# Items whose done is a ServerToolResult.
_RESULT_KINDS = _SERVER_KINDS | {_RESULT, _SHELL_OUT}
# Where each kind keeps its streamed input text, and whether it is JSON.
_INPUT_KEYS: Mapping[ItemKind, tuple[str, bool]] = {
    _FUNCTION: ("arguments", True),
    _CUSTOM: ("input", False),
    _MCP: ("arguments", True),
    _CODE: ("code", False),
}
# Statuses that say an item is over (for items resumed from a snapshot).
_ENDED = frozenset({"completed", "incomplete", "failed", "cancelled"})


def item_kind(item_type: str) -> ItemKind:
    """The kind of an output item type.

    The known types have their own kinds (``computer_call``,
    ``local_shell_call`` and ``apply_patch_call`` are calls the client runs,
    arriving whole); any other type ending in ``_call`` (or starting with
    ``mcp_``) is a tool call the provider handles, any type ending in
    ``_output`` a result that arrives whole, anything else unknown.
    """
    kind = _KINDS.get(item_type)
    if kind is not None:
        return kind
    if item_type.endswith("_call") or item_type.startswith("mcp_"):
        return _HOSTED
    if item_type.endswith("_output"):
        return _RESULT
    return _UNKNOWN


# The merge table, as render(OPENAI_RESPONSES) prints it (abridged): the
# lifecycle response's fields are LATEST_NON_NULL but its output (SKIP); each
# delta event brings one CONCAT field (annotations and logprobs APPEND), and
# every other key of an event (its place, sequence_number, obfuscation) is
# SKIP; a partial image is LATEST_NON_NULL as the item's result.
OPENAI_RESPONSES: Mapping[str, Table] = {
    # response.created / .queued / .in_progress / terminal: the response object.
    "response": Table(
        {
            "output": Merge.SKIP,  # built from the items (or the terminal's)
            "usage": Merge.LATEST_NON_NULL,
            "status": Merge.LATEST_NON_NULL,
        },
        Merge.LATEST_NON_NULL,
    ),
    "response.output_text.delta": Table(
        {"delta": Merge.CONCAT, "logprobs": Merge.APPEND, "obfuscation": Merge.SKIP},
        Merge.SKIP,
    ),
    "response.output_text.annotation.added": Table(
        {"annotation": Merge.APPEND}, Merge.SKIP
    ),
    "response.refusal.delta": Table({"delta": Merge.CONCAT}, Merge.SKIP),
    "response.reasoning_summary_text.delta": Table({"delta": Merge.CONCAT}, Merge.SKIP),
    "response.reasoning_text.delta": Table({"delta": Merge.CONCAT}, Merge.SKIP),
    "response.function_call_arguments.delta": Table(
        {"delta": Merge.CONCAT}, Merge.SKIP
    ),
    "response.custom_tool_call_input.delta": Table({"delta": Merge.CONCAT}, Merge.SKIP),
    "response.mcp_call_arguments.delta": Table({"delta": Merge.CONCAT}, Merge.SKIP),
    "response.code_interpreter_call_code.delta": Table(
        {"delta": Merge.CONCAT}, Merge.SKIP
    ),
    "response.shell_call_command.delta": Table({"delta": Merge.CONCAT}, Merge.SKIP),
    "response.shell_call_output_content.delta": Table(
        {"delta": Merge.OBJECT}, Merge.SKIP, {"delta": "shell_output"}
    ),
    "shell_output": Table({"stdout": Merge.CONCAT, "stderr": Merge.CONCAT}, Merge.SKIP),
    "response.image_generation_call.partial_image": Table(
        {"partial_image_b64": Merge.LATEST_NON_NULL}, Merge.SKIP
    ),
    "response.audio.delta": Table({"delta": Merge.CONCAT}, Merge.SKIP),
    "response.audio.transcript.delta": Table({"delta": Merge.CONCAT}, Merge.SKIP),
}
"""How the fields of a Responses stream add up (see :mod:`sseparse.llm._merge`)."""

_RESPONSE_FIELDS = OPENAI_RESPONSES["response"].fields
_RESPONSE_DEFAULT = OPENAI_RESPONSES["response"].default


def _policy(scope: str, key: str) -> Merge:
    table = OPENAI_RESPONSES[scope]
    return table.fields.get(key, table.default)


# The delta handlers each add one field by one rule; check at import that the
# table says what they do, so that the table cannot drift from the code.
for _scope, _key, _rule in (
    ("response.output_text.delta", "delta", Merge.CONCAT),
    ("response.output_text.delta", "logprobs", Merge.APPEND),
    ("response.output_text.annotation.added", "annotation", Merge.APPEND),
    ("response.refusal.delta", "delta", Merge.CONCAT),
    ("response.reasoning_summary_text.delta", "delta", Merge.CONCAT),
    ("response.reasoning_text.delta", "delta", Merge.CONCAT),
    ("response.function_call_arguments.delta", "delta", Merge.CONCAT),
    ("response.custom_tool_call_input.delta", "delta", Merge.CONCAT),
    ("response.mcp_call_arguments.delta", "delta", Merge.CONCAT),
    ("response.code_interpreter_call_code.delta", "delta", Merge.CONCAT),
    ("response.shell_call_command.delta", "delta", Merge.CONCAT),
    ("shell_output", "stdout", Merge.CONCAT),
    ("shell_output", "stderr", Merge.CONCAT),
    (
        "response.image_generation_call.partial_image",
        "partial_image_b64",
        Merge.LATEST_NON_NULL,
    ),
    ("response.audio.delta", "delta", Merge.CONCAT),
    ("response.audio.transcript.delta", "delta", Merge.CONCAT),
    ("response", "output", Merge.SKIP),
):
    if _policy(_scope, _key) is not _rule:  # pragma: no cover - an edit's mistake
        raise ImportError(f"{_scope}.{_key} must be {_rule.name} for its handler")


def _copy(value: Any) -> Any:
    """A copy of plain JSON containers (for the small objects kept)."""
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy(v) for v in value]
    return value


_MISSING: Any = object()


def _lookup(value: Any, path: Path) -> Any:
    """The value at *path* in plain JSON containers, or ``_MISSING``."""
    for step in path:
        if type(step) is int:
            if type(value) is not list or step >= len(value):
                return _MISSING
        elif type(value) is not dict or step not in value:
            return _MISSING
        value = value[step]
    return value


class _Field:
    """One growing text of an item: its slot, and where the final shows it."""

    __slots__ = ("done", "key", "slot")

    def __init__(self, slot: TextSlot, key: str) -> None:
        self.slot = slot
        self.key = key  # the key in its owner dict ("text", "arguments", ...)
        self.done = False  # its own *.done event came


class _Part:
    """One part of an item: a content part, a summary part, a shell command or
    one command's output entry, keyed by its index within the item."""

    __slots__ = (
        "annotations",
        "fields",
        "group",
        "index",
        "logprobs",
        "out",
        "state",
        "type",
    )

    def __init__(self, group: str, index: int, out: dict[str, Any]) -> None:
        self.group = group  # "content", "summary", "commands", "output"
        self.index = index  # content_index, summary_index, command_index
        self.out = out  # its live dict (a command's: {"command": text})
        self.type = out.get("type")
        self.state = _OPEN
        self.fields: dict[str, _Field] = {}
        self.annotations: list[Any] | None = None
        self.logprobs: list[Any] | None = None


class _Item:
    """One output item: its live dict in ``response.output`` and its state."""

    __slots__ = (
        "args",
        "call_type",
        "checked",
        "id",
        "index",
        "kind",
        "name",
        "out",
        "parts",
        "state",
        "status",
        "type",
        "unsorted",
    )

    def __init__(
        self, index: int, item_type: str, kind: ItemKind, out: dict[str, Any]
    ) -> None:
        self.index = index
        self.type = item_type
        self.kind = kind
        self.out = out  # the live dict in response.output
        self.state = _OPEN
        self.args: _Field | None = None  # the streamed input, for tool calls
        # parts by (group, index): content, summary, commands, output
        self.parts: dict[str, dict[int, _Part]] = {}
        self.unsorted: set[str] = set()  # groups whose list needs sorting
        self.call_type = item_type
        self.status: str | None = None  # the last hosted-tool status event
        # A client call's id is its call_id; a hosted tool's its item id.
        key = "call_id" if kind in _CLIENT_KINDS else "id"
        self.id: Any = out.get(key)
        self.name: Any = out.get("name")
        if kind is _MCP_LIST:
            self.name = None
        # whether its name was checked against the tools given (only client
        # calls that name a tool are: function and custom tool calls)
        self.checked = kind is not _FUNCTION and kind is not _CUSTOM


Handler = Callable[["OpenAIResponsesAccumulator", dict[str, Any], Events], None]
# What the fast path keeps of the last delta: its type, output_index,
# content_index (None for tool input), slot and item.
_Hot = tuple[str, int, "int | None", TextSlot, "_Item"]
ItemHandler = Callable[
    ["OpenAIResponsesAccumulator", _Item, dict[str, Any], Events], None
]


class OpenAIResponsesAccumulator(AccumulatorBase):
    """Accumulate an OpenAI Responses stream into a ``response``.

    Args:
        limits: bounds on accumulated text and items (and the JSON parsers').
        tools: the request's ``tools`` (any provider's tool dicts, function
            definitions, JSON Schemas or classes: see
            :mod:`sseparse.llm._formats`); a strict function tool (the
            Responses default) makes an ``incomplete`` end for
            ``max_output_tokens`` or ``content_filter`` an error at
            ``close()``, and a function or custom tool call naming no tool
            given is listed in :attr:`problems`.
            A tool given as a class or with a JSON Schema gives its calls a
            typed ``partial`` view and, for a class, typed
            ``parsed_arguments``; arguments that do not fit are listed in
            :attr:`problems`.
        response_format: the request's ``text.format``, or its whole ``text``
            config (or another provider's JSON format, a JSON Schema, or a
            class); a JSON one makes output-text events carry the parsed
            value, and makes such an ``incomplete`` end an error at
            ``close()``.
            A class or a JSON Schema is compiled once (``Target.of``): content
            deltas carry its typed partial view (``partial``), ``content.done``
            the validated object of a class (``parsed``), and content that
            does not fit is listed in :attr:`problems`.  Only a message
            without a ``phase`` or in phase ``final_answer`` is parsed (a
            ``commentary`` preamble is not the result, as in openai).
        text_format: openai's name for ``response_format``, an alias (give
            one or the other).
        strict: raise at the event instead of listing the problem:
            :class:`~sseparse.errors.UnknownTool`, or the
            :class:`~sseparse.errors.ValidationError` (or ``JSONStreamError``)
            of output or arguments that do not fit their class or schema.

    Raises:
        UsageError: an option is none of the accepted forms, or both
            ``response_format`` and ``text_format`` were given.

    Example:
        >>> from sseparse import SSEDecoder
        >>> acc = OpenAIResponsesAccumulator()
        >>> for event in SSEDecoder().feed(stream_bytes):  # doctest: +SKIP
        ...     for item in acc.feed(event):
        ...         if item.type == "content.delta":
        ...             print(item.delta, end="")
        >>> response = acc.close()  # doctest: +SKIP
    """

    _protocol = "responses"

    def __init__(
        self,
        *,
        limits: Limits | None = None,
        tools: ToolsArg = None,
        response_format: ResponseFormatArg = None,
        text_format: ResponseFormatArg = None,
        strict: bool = False,
    ) -> None:
        if response_format is not None and text_format is not None:
            raise UsageError(
                "OpenAIResponsesAccumulator: expected response_format or its "
                "alias text_format, got both"
            )
        options = self._take_options(
            "responses",
            text_format if response_format is None else response_format,
            tools,
            strict,
        )
        self._resuming = False  # resume() is adopting a snapshot's items
        self._limits = DEFAULT_LIMITS if limits is None else limits
        self._loads = _loads.loads_function()  # json.loads, faster with msgspec
        self._parse = _loads.first_parser()  # _loads' first try, inlined in feed
        self._max_text = self._limits.max_text_chars
        self._max_items = self._limits.max_stream_items
        self._json = options.response_format.json
        self._state = _STREAMING
        self._phase = _AWAITING
        self._rows = _PHASE_ROWS[_AWAITING]  # TRANSITIONS' rows of this phase
        # (type, output_index, content_index, slot, item) of the last text or
        # input delta, until another kind of event comes: the next one's
        # fast path (see _hot_delta).
        self._hot: _Hot | None = None
        self._error: BaseException | None = None
        self._status: str | None = None
        self._output: list[dict[str, Any]] = []
        self._out: dict[str, Any] = {"object": "response", "output": self._output}
        self._items: dict[int, _Item] = {}
        self._reserved: set[int] = set()  # indexes added with item: null
        self._last_index = -1
        self._sorted = True  # the output list is in index order and current
        self._dirty: list[TextSlot] = []
        self._dirty_items: dict[int, _Item] = {}  # items with a list to sort
        self._incomplete: list[int] = []
        self._corrections: list[ValueCorrected] = []
        self._gaps: list[tuple[int, int]] = []
        self._replayed = 0
        self._last_seq: int | None = None
        self._audio: dict[str, TextSlot] = {}
        self._sse: ServerSentEvent | None = None  # the event being handled
        self._chunks = 0
        self._text_chars = 0
        self._items_kept = 0

    # -- public -------------------------------------------------------------------

    @classmethod
    def resume(
        cls,
        snapshot: dict[str, Any],
        *,
        sequence_number: int,
        limits: Limits | None = None,
        tools: ToolsArg = None,
        response_format: ResponseFormatArg = None,
        text_format: ResponseFormatArg = None,
        strict: bool = False,
    ) -> OpenAIResponsesAccumulator:
        """Continue a stream from an earlier snapshot.

        Feed the events that follow *sequence_number* (a server-side
        ``starting_after`` resume); events at or before it are dropped as
        replays.  No ``response.created`` is needed.

        The snapshot's output items take their positions as their
        ``output_index`` (as on OpenAI's wire, where indexes have no gaps), and
        an item is still open unless its ``status`` says it ended (an item
        without a status is open only when it is the last one); in an open
        item only the last part of each kind (content, summary, command,
        output) is still open, as parts stream in order.

        Args:
            snapshot: a ``response`` dict, as :meth:`snapshot` returned it (it
                is copied, not kept).
            sequence_number: the last ``sequence_number`` the snapshot saw.
            limits, tools, response_format, text_format, strict: as for the
                constructor.

        Raises:
            UsageError: *snapshot* is not a response dict, or
                *sequence_number* is not an int.
        """
        if type(snapshot) is not dict or type(snapshot.get("output", [])) is not list:
            raise UsageError(
                "resume() expects a response dict (as snapshot() returned it), "
                f"got {excerpt(repr(snapshot))}"
            )
        if type(sequence_number) is not int:
            raise UsageError(
                "resume() expects the last sequence_number as an int, got "
                f"{sequence_number!r}"
            )
        acc = cls(
            limits=limits,
            tools=tools,
            response_format=response_format,
            text_format=text_format,
            strict=strict,
        )
        acc._last_seq = sequence_number
        response = _copy(snapshot)
        items = response.get("output") or []
        acc._start(response)
        last = len(items) - 1
        acc._resuming = True
        for index, item in enumerate(items):
            if type(item) is not dict or type(item.get("type")) is not str:
                raise UsageError(
                    f"resume(): output[{index}] is not an output item: "
                    f"{excerpt(repr(item))}"
                )
            adopted = acc._adopt(index, item, [])
            status = item.get("status")
            ended = status in _ENDED or (status is None and index != last)
            if ended:
                adopted.state = _RESUMED
            if adopted.args is not None:
                adopted.args.done = ended
            for parts in adopted.parts.values():
                # Parts stream in order: only an open item's last part of each
                # kind may still be open.
                for number in sorted(parts)[: None if ended else -1]:
                    parts[number].state = _ITEM_DONE
                    for field in parts[number].fields.values():
                        field.done = True
        acc._resuming = False
        acc._phase = _IN
        acc._rows = _PHASE_ROWS[_IN]
        return acc

    @property
    def status(self) -> str | None:
        """How the stream ended: ``None`` while it streams, else
        ``"completed"``, ``"incomplete"``, ``"failed"``, ``"error"`` (an
        ``error`` event) or ``"cut"`` (``close()`` without a terminal event)."""
        return self._status

    @property
    def incomplete(self) -> tuple[int, ...]:
        """Output indexes of the tool calls whose input was cut, in order.

        Their ``ToolCallArgumentsDone`` has ``complete=False``: a preview, not
        a call to run.
        """
        return tuple(self._incomplete)

    @property
    def corrections(self) -> tuple[ValueCorrected, ...]:
        """Every disagreement of an authoritative value with the deltas."""
        return tuple(self._corrections)

    @property
    def gaps(self) -> tuple[tuple[int, int], ...]:
        """``(expected, got)`` for each jump in ``sequence_number``."""
        return tuple(self._gaps)

    @property
    def replayed(self) -> int:
        """How many events were dropped as replays (not above the last number)."""
        return self._replayed

    @property
    def audio(self) -> dict[str, str] | None:
        """The audio output so far (``data``, base64, and ``transcript``), or
        ``None`` when none came: the ``response`` has no place for it."""
        if not self._audio:
            return None
        return {key: slot.text() for key, slot in self._audio.items()}

    def feed(self, event: ServerSentEvent | Comment) -> list[ResponsesStreamEvent]:
        """Consume one SSE event of the stream.

        The payload's own ``type`` decides what it is, never the SSE ``event:``
        line.  A comment (a keep-alive) gives nothing, and so does a replayed
        event.  After the terminal event every event comes back as
        :class:`UnknownEvent`.

        Raises:
            InvalidChunk: the data is not a JSON object with a string ``type``,
                or a field has the wrong type.
            UnexpectedEvent: the event is out of order (see :data:`TRANSITIONS`
                and :data:`ITEM_EVENTS`).
            StreamError: the provider sent an ``error`` event.
            LimitExceeded: the stream outgrew ``limits``.
            UsageError: the accumulator is closed, or failed earlier.
        """
        state = self._state
        if state is not _STREAMING and state is not _DONE:
            raise self._refusal("feed")
        if type(event) is not ServerSentEvent and not isinstance(
            event, ServerSentEvent
        ):
            if isinstance(event, Comment):
                return []
            raise UsageError(
                "OpenAIResponsesAccumulator.feed() expects a ServerSentEvent, "
                f"got {type(event).__name__} (use feed_chunk() for a parsed dict)"
            )
        data = event.data
        try:
            payload = self._parse(data)
        except Exception:  # the fast parser refused: json.loads decides
            payload = _MISSING
        if payload is _MISSING:
            try:
                payload = self._loads(data)
            except (ValueError, RecursionError) as exc:  # deep: no JSON here
                return self._not_json(event, state, exc)
        if state is _DONE:
            return [UnknownEvent(event=event, data=payload, choice_index=0)]
        self._sse = event
        return self._dispatch(payload)

    def _not_json(
        self, event: ServerSentEvent, state: AccumulatorState, exc: Exception
    ) -> list[ResponsesStreamEvent]:
        """An event whose data is not JSON: passed through after the end, a
        provider error when named ``error``, else an invalid chunk."""
        data = event.data
        if state is _DONE:
            return [UnknownEvent(event=event, data=data, choice_index=0)]
        if event.event == "error":  # a non-JSON error body: still an error
            self._status = "error"
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

    def feed_chunk(self, payload: dict[str, Any]) -> list[ResponsesStreamEvent]:
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
        return self._dispatch(payload)

    def snapshot(self) -> dict[str, Any]:
        """The ``response`` so far, in its wire shape.

        Before the response starts it holds only ``object`` and ``output``.
        The dict is the accumulator's own, updated in place by later feeds
        (which is what makes a snapshot per event cheap): ``copy.deepcopy`` it
        to keep it.
        """
        dirty = self._dirty
        if dirty:
            for slot in dirty:
                slot.refresh()
            dirty.clear()
        if self._dirty_items:
            for item in self._dirty_items.values():
                self._sort_parts(item)
            self._dirty_items.clear()
        if not self._sorted:
            items = self._items
            self._output[:] = [items[i].out for i in sorted(items)]
            self._sorted = True
        return self._out

    def close(self) -> dict[str, Any]:
        """End of input: the final ``response``.

        Returns:
            The final ``response`` of a ``completed`` or ``incomplete`` stream
            (its ``status`` says which).

        Raises:
            StreamError: the response failed (``response.failed``; the body is
                its ``error``), or the provider sent an ``error`` event (the
                same error ``feed`` raised).
            IncompleteStream: the stream stopped before a terminal event.
            LengthFinishReasonError, ContentFilterFinishReasonError: parsing
                was asked for (a JSON ``text_format`` or a strict tool) and
                the response is incomplete for ``max_output_tokens`` /
                ``content_filter``.
            UsageError: already closed, or failed earlier.
        """
        state = self._state
        if state is _ERROR and isinstance(self._error, StreamError):
            raise self._error  # an error event: close() says it again
        if state is _CLOSED or state is _ERROR:
            raise self._refusal("close")
        if state is _STREAMING:
            self._status = "cut"
            self._fail(
                IncompleteStream(
                    f"the stream ended without a terminal event ({self._why_cut()})",
                    snapshot=self.snapshot(),
                )
            )
        final = self.snapshot()
        if self._status == "failed":
            error = final.get("error")
            what = (
                f"{error.get('code')!r}: {excerpt(str(error.get('message')), 200)}"
                if type(error) is dict
                else excerpt(json.dumps(error), 200)
            )
            self._fail(
                StreamError(f"the response failed: {what}", body=error, snapshot=final)
            )
        if self._status == "incomplete":
            reason = _lookup(final, ("incomplete_details", "reason"))
            error = self._finish_error(
                normalise("responses", reason),
                what="the response",
                raw=f"incomplete_details.reason {reason!r}",
                snapshot=final,
            )
            if error is not None:
                self._fail(error)
        self._state = _CLOSED
        return final

    def take_events(self) -> list[ResponsesStreamEvent]:
        """Events no :meth:`feed` returned: always none for this protocol, whose
        ``close()`` makes no events (kept for symmetry with the other
        accumulators)."""
        return []

    # -- dispatch -----------------------------------------------------------------

    def _dispatch(self, payload: Any) -> Events:
        if type(payload) is not dict:
            self._invalid((), "a JSON object", payload)
        if self._phase is _AWAITING:
            self._check_first(payload)
        kind = payload.get("type")
        seq = payload.get("sequence_number")
        gap: SequenceGap | None = None
        if seq is not None:
            if type(seq) is not int:
                self._invalid(("sequence_number",), "an int", seq)
            last = self._last_seq
            if last is not None:
                if seq <= last:
                    self._replayed += 1
                    return []
                if seq != last + 1:
                    self._count_items(1)
                    self._gaps.append((last + 1, seq))
                    gap = SequenceGap(expected=last + 1, got=seq, choice_index=0)
            self._last_seq = seq
        hot = self._hot
        if hot is not None:
            if kind == hot[0] and gap is None:
                fast = self._hot_delta(hot, payload)
                if fast is not None:
                    self._chunks += 1
                    return fast
            self._hot = None  # any other event may change what it points at
        if kind == "error" or (kind is None and payload.get("error") is not None):
            self._provider_error(payload)
        if type(kind) is not str:
            self._invalid(("type",), "the event type as a string", kind)
        events: Events = [_make_chunk_received((payload, 0))]
        if gap is not None:
            events.append(gap)
        row = self._rows.get(kind)
        if row is None:
            if kind in _KNOWN_TYPES or self._phase is _AWAITING:
                self._out_of_order(kind)
            events.append(UnknownEvent(event=self._sse, data=payload, choice_index=0))
        else:
            handler, phase = row
            handler(self, payload, events)
            if phase is not self._phase:
                self._phase = phase
                self._rows = _PHASE_ROWS[phase]
                if phase is _FINISHED:
                    self._state = _DONE
        self._chunks += 1
        return events

    def _hot_delta(self, hot: _Hot, payload: dict[str, Any]) -> Events | None:
        """A delta for the part or input the last delta (of the same type)
        went to: the events the slow path would give, in fewer steps.
        ``None`` sends it down the slow path (which also raises, if need be):
        another place, logprobs, a wrong type, the text limit."""
        _, index, number, slot, item = hot
        position = payload.get("output_index")
        if type(position) is not int or position != index:
            return None
        delta = payload.get("delta")
        if type(delta) is not str:
            return None
        if number is not None:  # output text
            position = payload.get("content_index")
            if type(position) is not int or position != number:
                return None
            if payload.get("logprobs"):
                return None
        if not delta:
            return [_make_chunk_received((payload, 0))]
        size = len(delta)
        total = self._text_chars + size
        if total > self._max_text:
            return None
        self._text_chars = total
        # TextSlot.append's three updates, inline (see TextSlot.parts).
        slot.parts.append(delta)
        if slot.parsed:
            slot.pending.append(delta)
        end = slot.length = slot.length + size
        if not slot.dirty:  # its owner writes it at the next snapshot
            slot.dirty = True
            self._dirty.append(slot)
        if number is not None:
            return [
                _make_chunk_received((payload, 0)),
                _make_content_delta((0, index, number, delta, slot, end, slot.parsed)),
            ]
        return [
            _make_chunk_received((payload, 0)),
            _make_arguments_delta(
                (
                    0,
                    index,
                    None,
                    item.id,
                    item.name,
                    item.type,
                    item.kind not in _CLIENT_KINDS,
                    delta,
                    slot,
                    end,
                )
            ),
        ]

    def _out_of_order(self, kind: str) -> NoReturn:
        allowed = sorted(k for (phase, k) in TRANSITIONS if phase is self._phase)
        if len(allowed) > 6:
            shown = "any event but " + ", ".join(
                sorted(k for k in _KNOWN_TYPES if k not in allowed)
            )
        else:
            shown = "one of " + ", ".join(allowed)
        after = {
            _AWAITING: "before the response started",
            _IN: "after the response started",
        }[self._phase]
        self._fail(
            UnexpectedEvent(
                f"event {self._chunks}: expected {shown} {after}, got {kind!r}"
            )
        )

    # -- the response -------------------------------------------------------------

    def _response(self, payload: dict[str, Any]) -> dict[str, Any]:
        response = payload.get("response")
        if type(response) is not dict:
            self._invalid(("response",), "an object", response)
        rid = response.get("id")
        have = self._out.get("id")
        if rid and have and rid != have:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: {payload['type']} for response "
                    f"{excerpt(str(rid))}, but this stream is response "
                    f"{excerpt(str(have))}"
                )
            )
        output = response.get("output")
        if output is not None and type(output) is not list:
            self._invalid(("response", "output"), "a list", output)
        usage = response.get("usage")
        if usage is not None and type(usage) is not dict:
            self._invalid(("response", "usage"), "an object", usage)
        return response

    def _created(self, payload: dict[str, Any], events: Events) -> None:
        self._begin(self._response(payload), events)

    def _begin(self, response: dict[str, Any], events: Events) -> None:
        """The response started: its object, and the items it already holds."""
        self._start(response)
        events.append(MessageStarted(message=response, choice_index=0))
        for index, item in enumerate(response.get("output") or ()):
            if type(item) is not dict:
                self._invalid(("response", "output", index), "an object", item)
            self._adopt(index, item, events)

    def _start(self, response: dict[str, Any]) -> None:
        """Take the first response object: its keys, in its order."""
        out = self._out
        out.clear()
        for key, value in response.items():
            out[key] = self._output if key == "output" else value
        out.setdefault("object", "response")
        out.setdefault("output", self._output)

    def _updated(self, payload: dict[str, Any], events: Events) -> None:
        response = self._response(payload)
        if self._phase is _AWAITING:
            self._begin(response, events)  # no response.created came
        else:
            self._merge_response(response)
        events.append(
            ResponseUpdated(
                message=response, status=response.get("status"), choice_index=0
            )
        )
        usage = response.get("usage")
        if usage is not None:
            events.append(UsageUpdated(usage=usage, choice_index=0))

    def _merge_response(self, response: dict[str, Any]) -> None:
        out = self._out
        for key, value in response.items():
            policy = _RESPONSE_FIELDS.get(key, _RESPONSE_DEFAULT)
            if policy is Merge.LATEST_NON_NULL:
                if value is not None:
                    out[key] = value
                elif key not in out:
                    out[key] = None  # a field is kept, never dropped

    def _terminal(self, payload: dict[str, Any], events: Events) -> None:
        response = self._response(payload)
        kind = payload["type"]
        status = kind.rpartition(".")[2]  # completed, incomplete, failed
        self._status = status
        if self._phase is _AWAITING:
            self._start(response)  # the terminal event alone
        output = response.get("output")
        # Items still open are finished here, as cut; where the terminal
        # output holds them (at their position), that item is their done item.
        for position, index in enumerate(sorted(self._items)):
            item = self._items[index]
            if item.state is _OPEN:
                sent = output[position] if output and position < len(output) else None
                if type(sent) is not dict or sent.get("type") != item.type:
                    sent = None
                self._end_item(item, sent, events, cut=True)
        self._merge_response(response)
        if output:  # authoritative; null or [] keep the items' output
            self._settle_output(output, events)
        usage = response.get("usage")
        if usage is not None:
            events.append(UsageUpdated(usage=usage, choice_index=0))
        final = self.snapshot()
        if status == "incomplete":
            raw = _lookup(final, ("incomplete_details", "reason"))
            finish = raw if raw is not _MISSING and raw is not None else "incomplete"
            reason = normalise("responses", finish)
        elif status == "failed":
            finish = "failed"
            reason = normalise("responses", finish)
        else:
            finish = final.get("status") or status
            reason = normalise("responses", finish)
            if reason == "stop" and any(
                type(item) is dict
                and type(item.get("type")) is str
                and (
                    item_kind(item["type"]) in _CLIENT_KINDS
                    or item["type"] == "mcp_approval_request"
                )
                for item in final["output"]
            ):
                # The client has calls to run (or a call to approve).
                reason = "tool_calls"
        events.append(
            ChoiceFinished(choice_index=0, finish_reason=finish, reason=reason)
        )
        events.append(StreamDone(choice_index=0))

    def _settle_output(self, output: list[Any], events: Events) -> None:
        """The terminal response's output replaces the items' (authoritative)."""
        self.snapshot()
        ours = list(self._output)
        for position, sent in enumerate(output):
            if type(sent) is not dict:
                self._invalid(("response", "output", position), "an object", sent)
            if position < len(ours):
                mine = ours[position]
                index = sorted(self._items)[position]
                kind = self._items[index].kind
                for path, value in _texts(kind, mine):
                    self._compare(
                        ("output", position, *path),
                        value,
                        _lookup(sent, path),
                        index,
                        _content_index(path),
                        events,
                    )
        # The final's output: nothing changes it any more (the stream ended).
        self._output[:] = output
        self._dirty.clear()
        self._dirty_items.clear()
        self._sorted = True

    # -- items --------------------------------------------------------------------

    def _index(self, payload: dict[str, Any]) -> int:
        index = payload.get("output_index")
        if type(index) is not int:
            self._invalid(("output_index",), "the output index as an int", index)
        return index

    def _item_added(self, payload: dict[str, Any], events: Events) -> None:
        index = self._index(payload)
        item = payload.get("item")
        old = self._items.get(index)
        if old is not None:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: output_item.added at output_index "
                    f"{index}, but item {index} ({old.type!r}) was already added"
                )
            )
        if item is None:
            self._reserved.add(index)  # its events will tell what it is
            return
        if type(item) is not dict:
            self._invalid(("item",), "an object or null", item)
        self._reserved.discard(index)
        self._adopt(index, item, events)

    def _adopt(self, index: int, sent: dict[str, Any], events: Events) -> _Item:
        """Make an item of an item dict as sent: its parts, its text slots, and
        its started events."""
        item_type = sent.get("type")
        if type(item_type) is not str:
            self._invalid(("item", "type"), "a string", item_type)
        self._count_items(1)
        out = dict(sent)  # nested values are shared; the ones that grow are new
        kind = item_kind(item_type)
        item = _Item(index, item_type, kind, out)
        self._items[index] = item
        self._output.append(out)
        if index < self._last_index:
            self._sorted = False
        else:
            self._last_index = index
        events.append(PartStarted(choice_index=0, index=index, part=sent))
        if kind is _MESSAGE:
            self._adopt_parts(item, "content", out)
        elif kind is _REASONING:
            self._adopt_parts(item, "summary", out)
            if out.get("content") is not None:
                self._adopt_parts(item, "content", out)
        elif kind is _SHELL:
            action = out.get("action")
            action = out["action"] = dict(action) if type(action) is dict else {}
            commands = action.get("commands")
            action["commands"] = []
            for number, command in enumerate(
                commands if type(commands) is list else ()
            ):
                self._command(item, number, command if type(command) is str else "")
        elif kind is _SHELL_OUT:
            entries = out.get("output")
            out["output"] = []
            for number, entry in enumerate(entries if type(entries) is list else ()):
                self._output_entry(item, number, entry if type(entry) is dict else {})
        spec = _INPUT_KEYS.get(kind)
        if spec is not None:
            key, parsed = spec
            text = out.get(key)
            if text is None:
                text = out[key] = ""
            elif type(text) is not str:
                self._invalid(("item", key), "a string", text)
            slot = TextSlot(out, key, self._limits, parsed=parsed)
            if text:
                self._append(slot, text)
            item.args = _Field(slot, key)
        if kind in _CLIENT_KINDS:
            events.append(
                ToolCallStarted(
                    choice_index=0,
                    index=index,
                    id=item.id,
                    name=item.name,
                    call_type=item_type,
                )
            )
            if self._resuming:
                item.checked = True  # the stream's earlier part was checked
            elif not item.checked and type(item.name) is str:
                self._check_name(item)  # else at its arguments' done event
        elif kind in _SERVER_KINDS:
            events.append(
                ServerToolCallStarted(
                    choice_index=0,
                    index=index,
                    id=item.id,
                    name=item.name,
                    call_type=item_type,
                    block=sent,
                )
            )
        return item

    def _adopt_parts(self, item: _Item, group: str, out: dict[str, Any]) -> None:
        sent = out.get(group)
        if sent is not None and type(sent) is not list:
            self._invalid(("item", group), "a list", sent)
        out[group] = []
        for number, part in enumerate(sent or ()):
            if type(part) is not dict:
                self._invalid(("item", group, number), "an object", part)
            self._open_part(item, group, number, part)

    def _open_part(
        self, item: _Item, group: str, number: int, sent: dict[str, Any]
    ) -> _Part:
        """A content or summary part: its live dict and its text slot."""
        self._count_items(1)
        out = dict(sent)
        part = _Part(group, number, out)
        parts = item.parts.setdefault(group, {})
        if parts and number < max(parts):
            self._unsort(item, group)
        parts[number] = part
        item.out[group].append(out)
        part_type = part.type
        if part_type == "refusal":
            self._part_field(part, "refusal", parsed=False)
        elif part_type in ("output_text", "reasoning_text", "summary_text", "text"):
            # As openai's parse_text: a message with an explicit phase other
            # than "final_answer" (a "commentary" preamble) is no result.
            parsed = (
                self._json
                and part_type == "output_text"
                and item.out.get("phase", "final_answer") in (None, "final_answer")
            )
            field = self._part_field(part, "text", parsed=parsed)
            if parsed:
                self._arm_content(field.slot)
            if part_type == "output_text":
                annotations = out.get("annotations")
                out["annotations"] = part.annotations = (
                    list(annotations) if type(annotations) is list else []
                )
                self._count_items(len(part.annotations))
                logprobs = out.get("logprobs")
                if type(logprobs) is list:
                    out["logprobs"] = part.logprobs = list(logprobs)
                    self._count_items(len(logprobs))
        return part

    def _part_field(self, part: _Part, key: str, *, parsed: bool) -> _Field:
        text = part.out.get(key)
        if text is None:
            text = part.out[key] = ""
        elif type(text) is not str:
            self._invalid((part.group, part.index, key), "a string", text)
        slot = TextSlot(part.out, key, self._limits, parsed=parsed)
        if text:
            self._append(slot, text)
        field = part.fields[key] = _Field(slot, key)
        return field

    def _command(self, item: _Item, number: int, text: str) -> _Part:
        """One shell command: a part whose text is kept in a dict of its own
        and written into ``action.commands`` when the item's lists are sorted."""
        self._count_items(1)
        part = _Part("commands", number, {"command": ""})
        parts = item.parts.setdefault("commands", {})
        parts[number] = part
        slot = TextSlot(part.out, "command", self._limits, parsed=False)
        if text:
            self._append(slot, text)
        part.fields["command"] = _Field(slot, "command")
        self._unsort(item, "commands")
        return part

    def _output_entry(self, item: _Item, number: int, sent: dict[str, Any]) -> _Part:
        """One shell command's output entry: stdout and stderr grow."""
        self._count_items(1)
        out = dict(sent)
        part = _Part("output", number, out)
        parts = item.parts.setdefault("output", {})
        if parts and number < max(parts):
            self._unsort(item, "output")
        parts[number] = part
        item.out["output"].append(out)
        for key in ("stdout", "stderr"):
            self._part_field(part, key, parsed=False)
        return part

    def _unsort(self, item: _Item, group: str) -> None:
        item.unsorted.add(group)
        self._dirty_items[item.index] = item

    def _sort_parts(self, item: _Item) -> None:
        for group in item.unsorted:
            parts = item.parts[group]
            if group == "commands":
                action = item.out.get("action")
                if type(action) is dict:
                    action["commands"] = [
                        parts[i].fields["command"].slot.text() for i in sorted(parts)
                    ]
            else:
                target = item.out.get(group)
                if type(target) is list:
                    target[:] = [parts[i].out for i in sorted(parts)]
        item.unsorted.clear()

    def _item_done(self, payload: dict[str, Any], events: Events) -> None:
        index = self._index(payload)
        sent = payload.get("item")
        if sent is not None and type(sent) is not dict:
            self._invalid(("item",), "an object or null", sent)
        item = self._items.get(index)
        if item is None:
            if sent is None:
                self._reserved.discard(index)  # nothing came, nothing to keep
                return
            self._reserved.discard(index)
            item = self._adopt(index, sent, events)  # whole, in one event
        elif item.state is _ITEM_DONE:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: output_item.done for item {index} of "
                    f"type {item.type!r}, which is already done"
                )
            )
        elif sent is not None and sent.get("type") != item.type:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: output_item.done of type "
                    f"{sent.get('type')!r} for item {index}, which was added as "
                    f"{item.type!r}"
                )
            )
        self._end_item(item, sent, events, cut=False)

    def _end_item(
        self,
        item: _Item,
        sent: dict[str, Any] | None,
        events: Events,
        *,
        cut: bool,
    ) -> None:
        """Finish an item: the authoritative item wins (reported where it
        differs), open parts and input get their done events, then the
        item's own."""
        item.state = _ITEM_DONE
        args = item.args
        if sent is not None:
            # Open texts take the authoritative values (reported where they
            # differ); then what was done already is compared as it stands.
            self._settle_open(item, sent, events)
            if args is not None and not args.done:
                self._settle_args(item, args, sent.get(args.key), events)
            self._refresh_item(item)
            for path, value in _texts(item.kind, item.out):
                self._compare(
                    ("output", item.index, *path),
                    value,
                    _lookup(sent, path),
                    item.index,
                    _content_index(path),
                    events,
                )
        for group in ("summary", "content", "commands", "output"):
            parts = item.parts.get(group)
            if parts:
                for number in sorted(parts):
                    part = parts[number]
                    if part.state is _OPEN:
                        self._end_part(item, part, events)
        status = (sent if sent is not None else item.out).get("status")
        if args is not None and not args.done:
            self._end_args(item, events, cut=cut or status == "incomplete")
        if sent is not None:
            self._replace_item(item, sent)
        if item.kind in _RESULT_KINDS:
            tool_use_id = (
                item.out.get("call_id")
                if item.kind is _RESULT or item.kind is _SHELL_OUT
                else item.out.get("id")
            )
            events.append(
                ServerToolResult(
                    choice_index=0,
                    index=item.index,
                    tool_use_id=tool_use_id,
                    result_type=item.type,
                    block=item.out,
                )
            )
        events.append(PartDone(choice_index=0, index=item.index, part=item.out))

    def _settle_open(self, item: _Item, sent: dict[str, Any], events: Events) -> None:
        """The open texts of an item take the done item's values."""
        for group, parts in item.parts.items():
            for position, number in enumerate(sorted(parts)):
                part = parts[number]
                if part.state is not _OPEN:
                    continue
                for key, field in part.fields.items():
                    if field.done:
                        continue
                    where: Path = (
                        ("action", "commands", position)
                        if group == "commands"
                        else (group, position, key)
                    )
                    value = _lookup(sent, where)
                    if type(value) is str:
                        self._settle(item, part, field, value, where, events)

    def _settle_args(
        self, item: _Item, field: _Field, value: Any, events: Events
    ) -> None:
        """Authoritative input text: it wins, reported if it differs."""
        slot = field.slot
        if type(value) is str and value != slot.text():
            self._compare(
                ("output", item.index, field.key),
                slot.text(),
                value,
                item.index,
                None,
                events,
            )
            field.slot = self._new_slot(slot, value)

    def _refresh_item(self, item: _Item) -> None:
        """Write the item's pending text into its dict (for a comparison)."""
        for groups in item.parts.values():
            for part in groups.values():
                for field in part.fields.values():
                    if field.slot.dirty:
                        field.slot.refresh()
        if item.args is not None and item.args.slot.dirty:
            item.args.slot.refresh()
        if item.unsorted:
            self._sort_parts(item)
            self._dirty_items.pop(item.index, None)

    def _replace_item(self, item: _Item, sent: dict[str, Any]) -> None:
        """The authoritative item becomes the item in the output."""
        out = dict(sent)
        item.out = out
        self._sorted = False  # snapshot() puts the new dict in the list
        item.unsorted.clear()
        self._dirty_items.pop(item.index, None)
        if item.kind in _CLIENT_KINDS:
            item.id = out.get("call_id", item.id)
        else:
            item.id = out.get("id", item.id)
        if item.kind is not _MCP_LIST:
            item.name = out.get("name", item.name)

    def _end_part(self, item: _Item, part: _Part, events: Events) -> None:
        """A part the stream did not finish itself: its done events."""
        for field in part.fields.values():
            if not field.done:
                self._field_done(item, part, field, events)
        part.state = _ITEM_DONE
        if part.group in ("content", "summary"):
            events.append(
                PartDone(
                    choice_index=0,
                    index=item.index,
                    content_index=part.index,
                    part=part.out,
                )
            )

    def _field_done(
        self, item: _Item, part: _Part, field: _Field, events: Events
    ) -> None:
        """The done event of one part's text (the part's own, or at its end)."""
        field.done = True
        slot = field.slot
        slot.refresh()
        text = slot.text()
        index = item.index
        number = part.index
        if part.group == "summary" or part.type == "reasoning_text":
            events.append(
                ReasoningDone(
                    choice_index=0,
                    index=index,
                    content_index=number,
                    field="summary_text"
                    if part.group == "summary"
                    else "reasoning_text",
                    reasoning=text,
                )
            )
        elif field.key == "refusal":
            events.append(
                RefusalDone(
                    choice_index=0, index=index, content_index=number, refusal=text
                )
            )
        elif part.group == "commands":
            events.append(
                ToolCallArgumentsDone(
                    choice_index=0,
                    index=index,
                    content_index=number,
                    id=item.id,
                    name=item.name,
                    call_type=item.type,
                    provider_executed=True,
                    arguments=text,
                    complete=True,
                    slot=slot,
                )
            )
        elif part.group == "output":
            pass  # a shell output's done is per entry (ServerToolOutputDone)
        else:
            self._settle_typed(slot, choice_index=0, index=index, call=False)
            events.append(
                ContentDone(
                    choice_index=0,
                    index=index,
                    content_index=number,
                    content=text,
                    slot=slot,
                    json=slot.parsed,
                )
            )
            if part.logprobs:
                events.append(
                    LogprobsContentDone(
                        choice_index=0,
                        index=index,
                        content_index=number,
                        content=list(part.logprobs),
                    )
                )

    def _check_name(self, item: _Item) -> None:
        """Check a call's name against the tools given, once."""
        item.checked = True
        self._check_tool(item.name, choice_index=0, index=item.index, call_id=item.id)
        if item.args is not None:
            self._arm_call(item.args.slot, item.name)

    def _end_args(self, item: _Item, events: Events, *, cut: bool) -> None:
        """The input's done event; whether it is whole decides ``complete``."""
        if not item.checked:
            self._check_name(item)
        field = item.args
        assert field is not None
        field.done = True
        slot = field.slot
        slot.refresh()
        complete = not cut
        if complete and slot.parsed:
            try:
                slot.final()
            except (JSONStreamError, LimitExceeded):
                complete = False
        if not complete:
            self._incomplete.append(item.index)
        elif item.kind in _CLIENT_KINDS:
            self._settle_typed(
                slot,
                choice_index=0,
                index=item.index,
                call_id=item.id,
                call=True,
                name=item.name,
            )
        events.append(
            ToolCallArgumentsDone(
                choice_index=0,
                index=item.index,
                id=item.id,
                name=item.name,
                call_type=item.type,
                provider_executed=item.kind not in _CLIENT_KINDS,
                arguments=slot.text(),
                complete=complete,
                slot=slot,
            )
        )

    # -- item events --------------------------------------------------------------

    def _on_item(self, payload: dict[str, Any], events: Events) -> None:
        """An event of one output item: found by its output_index, then handled
        by the item kind's row of :data:`ITEM_EVENTS`."""
        index = self._index(payload)
        kind = payload["type"]
        item = self._items.get(index)
        if item is None:
            implied = _IMPLIED.get(kind)
            if index not in self._reserved or implied is None:
                self._fail(
                    UnexpectedEvent(
                        f"event {self._chunks}: {kind} for output_index {index}, "
                        "which was never added (no response.output_item.added "
                        "with that output_index)"
                    )
                )
            # item: null reserved the index: the first event tells the kind
            # (a content part, by its own type: reasoning text is reasoning's).
            part = payload.get("part")
            if type(part) is dict and part.get("type") == "reasoning_text":
                implied = "reasoning"
            self._reserved.discard(index)
            sent = _implied_item(implied, payload)
            item = self._adopt(index, sent, events)
        elif item.state is not _OPEN:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: {kind} for item {index} of type "
                    f"{item.type!r}, which is already done"
                )
            )
        handler = _KIND_ROWS[item.kind].get(kind)
        if handler is None:
            if item.kind is not _UNKNOWN:
                allowed = sorted(t for (k, t) in ITEM_EVENTS if k is item.kind)
                self._fail(
                    UnexpectedEvent(
                        f"event {self._chunks}: {kind} for item {index} of type "
                        f"{item.type!r}: expected "
                        + (
                            " or ".join(allowed)
                            if allowed
                            else "no event (the item arrives whole)"
                        )
                    )
                )
            events.append(UnknownEvent(event=self._sse, data=payload, choice_index=0))
            return
        handler(self, item, payload, events)

    def _number(self, payload: dict[str, Any], key: str) -> int:
        number = payload.get(key)
        if type(number) is not int:
            self._invalid((key,), f"the {key} as an int", number)
        return number

    def _text(self, payload: dict[str, Any], key: str) -> str:
        text = payload.get(key)
        if type(text) is not str:
            self._invalid((key,), "a string", text)
        return text

    def _part(
        self,
        item: _Item,
        payload: dict[str, Any],
        group: str,
        part_type: str,
        events: Events,
    ) -> _Part:
        """The part an event is about; opened by it when no part event came."""
        key = "summary_index" if group == "summary" else "content_index"
        number = self._number(payload, key)
        parts = item.parts.get(group)
        part = parts.get(number) if parts else None
        if part is None:
            if group not in item.out or type(item.out[group]) is not list:
                item.out[group] = []
            sent = _new_part(part_type)
            part = self._open_part(item, group, number, sent)
            events.append(
                PartStarted(
                    choice_index=0, index=item.index, content_index=number, part=sent
                )
            )
        elif part.state is _ITEM_DONE:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: {payload['type']} for {group} part "
                    f"{number} of item {item.index}, which is already done"
                )
            )
        return part

    def _field(self, part: _Part, key: str, payload: dict[str, Any]) -> _Field:
        field = part.fields.get(key)
        if field is None:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: {payload['type']} for a part of type "
                    f"{part.type!r} (index {part.index}), which has no {key!r}"
                )
            )
        if field.done:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: {payload['type']} for part "
                    f"{part.index}, whose {key!r} is already done"
                )
            )
        return field

    def _part_added(self, item: _Item, payload: dict[str, Any], events: Events) -> None:
        group = "summary" if "summary" in payload["type"] else "content"
        key = "summary_index" if group == "summary" else "content_index"
        number = self._number(payload, key)
        sent = payload.get("part")
        if type(sent) is not dict:
            self._invalid(("part",), "an object", sent)
        parts = item.parts.get(group)
        if parts and number in parts:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: {payload['type']} at {key} {number} "
                    f"of item {item.index}, but that part was already added"
                )
            )
        if type(item.out.get(group)) is not list:
            item.out[group] = []
        self._open_part(item, group, number, sent)
        events.append(
            PartStarted(
                choice_index=0, index=item.index, content_index=number, part=sent
            )
        )

    def _part_done(self, item: _Item, payload: dict[str, Any], events: Events) -> None:
        group = "summary" if "summary" in payload["type"] else "content"
        sent = payload.get("part")
        if type(sent) is not dict:
            self._invalid(("part",), "an object", sent)
        part = self._part(item, payload, group, str(sent.get("type")), events)
        position = sorted(item.parts[group]).index(part.index)
        for key, field in part.fields.items():
            value = sent.get(key)
            if type(value) is str:
                self._settle(item, part, field, value, (group, position, key), events)
        if part.annotations is not None:
            value = sent.get("annotations")
            if type(value) is list:
                self._compare(
                    ("output", item.index, group, position, "annotations"),
                    part.annotations,
                    value,
                    item.index,
                    part.index,
                    events,
                )
        for field in part.fields.values():
            if not field.done:
                self._field_done(item, part, field, events)
        part.state = _ITEM_DONE
        # The part as sent, with the (settled) text of its fields.
        out = part.out
        for key, value in sent.items():
            if key not in part.fields and value is not None:
                out[key] = value
        if part.annotations is not None and type(sent.get("annotations")) is list:
            out["annotations"] = part.annotations = list(sent["annotations"])
        events.append(
            PartDone(
                choice_index=0, index=item.index, content_index=part.index, part=out
            )
        )

    def _settle(
        self,
        item: _Item,
        part: _Part,
        field: _Field,
        value: str,
        where: Path,
        events: Events,
    ) -> None:
        """An authoritative text for a field: it wins, reported if it differs."""
        slot = field.slot
        accumulated = slot.text()
        if value != accumulated:
            self._compare(
                ("output", item.index, *where),
                accumulated,
                value,
                item.index,
                part.index,
                events,
            )
            field.slot = self._new_slot(slot, value)
            if part.group == "commands":
                self._unsort(item, "commands")

    def _new_slot(self, old: TextSlot, text: str) -> TextSlot:
        """A slot holding *text* in place of *old* (earlier events keep old)."""
        self._text_chars -= old.length
        if old in self._dirty:
            self._dirty.remove(old)
        old.dirty = False
        slot = TextSlot(old.owner, old.key, self._limits, parsed=old.parsed)
        slot.arm(old.target, typed=old.typed)
        self._append(slot, text)
        slot.refresh()
        return slot

    def _compare(
        self,
        path: Path,
        accumulated: Any,
        authoritative: Any,
        index: int | None,
        content_index: int | None,
        events: Events,
    ) -> None:
        """Report an authoritative value that differs from accumulated text.

        Text no delta built (empty) is filled, not corrected.
        """
        if not accumulated or accumulated == authoritative:
            return
        if authoritative is _MISSING:
            authoritative = None
        self._count_items(1)
        event = ValueCorrected(
            choice_index=0,
            index=index,
            content_index=content_index,
            path=path_of(*path),
            accumulated=accumulated,
            authoritative=authoritative,
        )
        self._corrections.append(event)
        events.append(event)

    def _output_text_delta(
        self, item: _Item, payload: dict[str, Any], events: Events
    ) -> None:
        part = self._part(item, payload, "content", "output_text", events)
        field = self._field(part, "text", payload)
        delta = self._text(payload, "delta")
        if delta:
            slot = field.slot
            events.append(
                _make_content_delta(
                    (
                        0,
                        item.index,
                        part.index,
                        delta,
                        slot,
                        self._append(slot, delta),
                        slot.parsed,
                    )
                )
            )
        logprobs = payload.get("logprobs")
        if not logprobs:
            # The next delta for this part may take the fast path.
            self._hot = (payload["type"], item.index, part.index, field.slot, item)
            return
        if type(logprobs) is not list:
            self._invalid(("logprobs",), "a list", logprobs)
        kept = part.logprobs
        if kept is None:
            kept = part.logprobs = part.out["logprobs"] = []
        self._count_items(len(logprobs))
        kept.extend(logprobs)
        events.append(
            LogprobsContentDelta(
                choice_index=0,
                index=item.index,
                content_index=part.index,
                content=logprobs,
                all=kept,
                end=len(kept),
            )
        )

    def _text_done(self, item: _Item, payload: dict[str, Any], events: Events) -> None:
        """A part text's ``*.done``: its whole text wins (see :data:`_PART_TEXTS`)."""
        group, part_type, key = _PART_TEXTS[payload["type"].rpartition(".")[0]]
        part = self._part(item, payload, group, part_type, events)
        field = self._field(part, key, payload)
        value = self._text(payload, key)
        if part_type == "output_text":
            logprobs = payload.get("logprobs")
            if logprobs and not part.logprobs and type(logprobs) is list:
                self._count_items(len(logprobs))
                part.logprobs = part.out["logprobs"] = list(logprobs)
        position = sorted(item.parts[group]).index(part.index)
        self._settle(item, part, field, value, (group, position, key), events)
        self._field_done(item, part, field, events)

    def _annotation(self, item: _Item, payload: dict[str, Any], events: Events) -> None:
        part = self._part(item, payload, "content", "output_text", events)
        annotation = payload.get("annotation")
        if annotation is None:
            return  # a null annotation (allowed by the schema) adds nothing
        if type(annotation) is not dict:
            self._invalid(("annotation",), "an object", annotation)
        kept = part.annotations
        if kept is None:
            kept = part.annotations = part.out["annotations"] = []
        position = payload.get("annotation_index")
        if type(position) is int and 0 <= position < len(kept):
            kept[position] = annotation  # re-sent: the latest wins
        else:
            self._count_items(1)
            kept.append(annotation)
        events.append(
            CitationAdded(
                choice_index=0,
                index=item.index,
                content_index=part.index,
                citation=annotation,
            )
        )

    def _text_delta(self, item: _Item, payload: dict[str, Any], events: Events) -> None:
        """A refusal or reasoning delta (output text has its own, faster one)."""
        group, part_type, key = _PART_TEXTS[payload["type"].rpartition(".")[0]]
        part = self._part(item, payload, group, part_type, events)
        field = self._field(part, key, payload)
        delta = self._text(payload, "delta")
        if delta:
            slot = field.slot
            end = self._append(slot, delta)
            index = item.index
            if part_type == "refusal":
                events.append(
                    RefusalDelta(
                        choice_index=0,
                        index=index,
                        content_index=part.index,
                        delta=delta,
                        slot=slot,
                        end=end,
                    )
                )
            else:
                events.append(
                    ReasoningDelta(
                        choice_index=0,
                        index=index,
                        content_index=part.index,
                        field=part_type,
                        delta=delta,
                        slot=slot,
                        end=end,
                    )
                )

    def _args_delta(self, item: _Item, payload: dict[str, Any], events: Events) -> None:
        field = item.args
        assert field is not None
        if field.done:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: {payload['type']} for item "
                    f"{item.index}, whose {field.key!r} is already done"
                )
            )
        delta = self._text(payload, "delta")
        slot = field.slot
        # The next delta of this input may take the fast path.
        self._hot = (payload["type"], item.index, None, slot, item)
        if delta:
            events.append(
                _make_arguments_delta(
                    (
                        0,
                        item.index,
                        None,
                        item.id,
                        item.name,
                        item.type,
                        item.kind not in _CLIENT_KINDS,
                        delta,
                        slot,
                        self._append(slot, delta),
                    )
                )
            )

    def _args_done(self, item: _Item, payload: dict[str, Any], events: Events) -> None:
        field = item.args
        assert field is not None
        if field.done:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: {payload['type']} for item "
                    f"{item.index}, whose {field.key!r} is already done"
                )
            )
        value = self._text(payload, _DONE_KEYS[payload["type"]])
        self._settle_args(item, field, value, events)
        self._end_args(item, events, cut=False)

    def _status_event(
        self, item: _Item, payload: dict[str, Any], events: Events
    ) -> None:
        status = payload["type"].rpartition(".")[2]
        item.status = status
        if "status" in item.out:  # the item's own status follows its events
            item.out["status"] = status
        events.append(
            ServerToolStatus(
                choice_index=0,
                index=item.index,
                id=item.id,
                call_type=item.type,
                status=status,
            )
        )

    def _partial_image(
        self, item: _Item, payload: dict[str, Any], events: Events
    ) -> None:
        image = self._text(payload, "partial_image_b64")
        # The latest preview stands as the result until the item's done.
        item.out["result"] = image
        events.append(
            ImagePartial(
                choice_index=0,
                index=item.index,
                id=item.id,
                partial_image_b64=image,
                partial_image_index=payload.get("partial_image_index"),
            )
        )

    def _command_added(
        self, item: _Item, payload: dict[str, Any], events: Events
    ) -> None:
        number = self._number(payload, "command_index")
        command = payload.get("command", "")
        if type(command) is not str:
            self._invalid(("command",), "a string", command)
        parts = item.parts.get("commands")
        if parts and number in parts:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: shell_call_command.added at "
                    f"command_index {number} of item {item.index}, but that "
                    "command was already added"
                )
            )
        part = self._command(item, number, command)
        if command:
            slot = part.fields["command"].slot
            events.append(self._command_event(item, part.index, command, slot))

    def _command_event(
        self, item: _Item, number: int, delta: str, slot: TextSlot
    ) -> ToolCallArgumentsDelta:
        return ToolCallArgumentsDelta(
            choice_index=0,
            index=item.index,
            content_index=number,
            id=item.id,
            name=item.name,
            call_type=item.type,
            provider_executed=True,
            arguments_delta=delta,
            slot=slot,
            end=slot.length,
        )

    def _command_part(self, item: _Item, payload: dict[str, Any], group: str) -> _Part:
        """A shell command (group ``commands``) or a command's output entry
        (group ``output``) by its ``command_index``; opened by its first
        event when no ``.added`` came."""
        number = self._number(payload, "command_index")
        parts = item.parts.get(group)
        part = parts.get(number) if parts else None
        if part is None:
            if group == "commands":
                return self._command(item, number, "")
            if type(item.out.get("output")) is not list:
                item.out["output"] = []
            return self._output_entry(item, number, {})
        if part.state is _ITEM_DONE:
            self._fail(
                UnexpectedEvent(
                    f"event {self._chunks}: {payload['type']} for {group} "
                    f"{number} of item {item.index}, which is already done"
                )
            )
        return part

    def _command_delta(
        self, item: _Item, payload: dict[str, Any], events: Events
    ) -> None:
        part = self._command_part(item, payload, "commands")
        delta = self._text(payload, "delta")
        if delta:
            slot = part.fields["command"].slot
            self._append(slot, delta)
            self._unsort(item, "commands")
            events.append(self._command_event(item, part.index, delta, slot))

    def _command_done(
        self, item: _Item, payload: dict[str, Any], events: Events
    ) -> None:
        part = self._command_part(item, payload, "commands")
        field = part.fields["command"]
        value = self._text(payload, "command")
        position = sorted(item.parts["commands"]).index(part.index)
        self._settle(item, part, field, value, ("action", "commands", position), events)
        self._unsort(item, "commands")
        self._field_done(item, part, field, events)
        part.state = _ITEM_DONE

    def _shell_output_delta(
        self, item: _Item, payload: dict[str, Any], events: Events
    ) -> None:
        part = self._command_part(item, payload, "output")
        delta = payload.get("delta")
        if type(delta) is not dict:
            self._invalid(("delta",), "an object", delta)
        for key, text in delta.items():
            if _policy("shell_output", key) is not Merge.CONCAT or text is None:
                continue
            if type(text) is not str:
                self._invalid(("delta", key), "a string", text)
            if text:
                slot = part.fields[key].slot
                events.append(
                    ServerToolOutputDelta(
                        choice_index=0,
                        index=item.index,
                        content_index=part.index,
                        id=item.id,
                        call_type=item.type,
                        field=key,
                        delta=text,
                        slot=slot,
                        end=self._append(slot, text),
                    )
                )

    def _shell_output_done(
        self, item: _Item, payload: dict[str, Any], events: Events
    ) -> None:
        part = self._command_part(item, payload, "output")
        output = payload.get("output")
        if type(output) is not list:
            self._invalid(("output",), "a list", output)
        # The done lists the command's output entries; the first one is the
        # entry this command_index streamed into.
        sent = output[0] if output and type(output[0]) is dict else {}
        position = sorted(item.parts["output"]).index(part.index)
        for key, field in part.fields.items():
            value = sent.get(key)
            if type(value) is str:
                self._settle(
                    item, part, field, value, ("output", position, key), events
                )
            field.done = True
            field.slot.refresh()
        for key, value in sent.items():
            if key not in part.fields:
                part.out[key] = value
        part.state = _ITEM_DONE
        events.append(
            ServerToolOutputDone(
                choice_index=0,
                index=item.index,
                content_index=part.index,
                id=item.id,
                call_type=item.type,
                output=output,
            )
        )

    # -- audio --------------------------------------------------------------------

    def _audio_delta(self, payload: dict[str, Any], events: Events) -> None:
        key = "transcript" if "transcript" in payload["type"] else "data"
        delta = self._text(payload, "delta")
        slot = self._audio.get(key)
        if slot is None:
            slot = self._audio[key] = TextSlot(None, key, self._limits, parsed=False)
        if delta:
            events.append(
                AudioDelta(
                    choice_index=0,
                    field=key,
                    delta=delta,
                    slot=slot,
                    end=self._append(slot, delta),
                )
            )

    def _audio_done(self, payload: dict[str, Any], events: Events) -> None:
        key = "transcript" if "transcript" in payload["type"] else "data"
        slot = self._audio.get(key)
        if slot is None:
            slot = self._audio[key] = TextSlot(None, key, self._limits, parsed=False)
        events.append(AudioDone(choice_index=0, field=key, value=slot.text()))

    # -- errors -------------------------------------------------------------------

    def _provider_error(self, payload: dict[str, Any]) -> NoReturn:
        error = payload.get("error")
        body = error if type(error) is dict else payload
        code = body.get("code")
        message = body.get("message")
        what = (
            f"{code!r}: {excerpt(str(message), 200)}"
            if message is not None
            else excerpt(json.dumps(payload), 200)
        )
        self._status = "error"
        self._fail(
            StreamError(
                f"the provider sent an error (event {self._chunks}): {what}",
                body=payload,
                snapshot=self.snapshot(),
            )
        )

    def _why_cut(self) -> str:
        if self._phase is _AWAITING:
            return "before response.created"
        open_ = sorted(i for i, item in self._items.items() if item.state is _OPEN)
        if open_:
            return f"output item(s) {open_} still open"
        return "after the last output item"

    # -- bounds -------------------------------------------------------------------

    def _count_items(self, n: int) -> None:
        self._items_kept += n
        if self._items_kept > self._max_items:
            self._fail(
                LimitExceeded(
                    "max_stream_items",
                    maximum=self._max_items,
                    observed=self._items_kept,
                    what="the output items, parts, annotations, logprobs, "
                    "corrections and gaps kept",
                )
            )

    def _append(self, slot: TextSlot, fragment: str) -> int:
        """Add text to a slot; returns the slot's new length."""
        total = self._text_chars + len(fragment)
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


def _texts(kind: ItemKind, item: dict[str, Any]) -> Iterator[tuple[Path, Any]]:
    """The accumulated fields of an item dict, by their path in the item."""
    if kind is _MESSAGE or kind is _REASONING:
        for group in ("summary", "content"):
            parts = item.get(group)
            if type(parts) is list:
                for position, part in enumerate(parts):
                    if type(part) is dict:
                        for key in ("text", "refusal", "annotations"):
                            if key in part:
                                yield (group, position, key), part[key]
    elif kind in _INPUT_KEYS:
        key = _INPUT_KEYS[kind][0]
        yield (key,), item.get(key)
    elif kind is _SHELL:
        commands = _lookup(item, ("action", "commands"))
        if type(commands) is list:
            for position, command in enumerate(commands):
                yield ("action", "commands", position), command
    elif kind is _SHELL_OUT:
        entries = item.get("output")
        if type(entries) is list:
            for position, entry in enumerate(entries):
                if type(entry) is dict:
                    for key in ("stdout", "stderr"):
                        yield ("output", position, key), entry.get(key)


def _content_index(path: Path) -> int | None:
    """The part position in an item path, if the path is inside a part."""
    for step in path[1:]:
        if type(step) is int:
            return step
    return None


def _new_part(part_type: str) -> dict[str, Any]:
    """The part a delta opens when its ``content_part.added`` never came."""
    if part_type == "refusal":
        return {"type": "refusal", "refusal": ""}
    if part_type == "output_text":
        return {"type": "output_text", "text": "", "annotations": []}
    return {"type": part_type, "text": ""}


def _implied_item(item_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """An item for an index reserved by ``item: null``, from its first event."""
    item: dict[str, Any] = {"id": payload.get("item_id"), "type": item_type}
    if item_type == "message":
        item.update(role="assistant", status="in_progress", content=[])
    elif item_type == "reasoning":
        item.update(summary=[])
    elif item_type == "shell_call_output":
        item.update(output=[])
    else:
        item.update(status="in_progress")
    return item


# The part text each text event is about: (group, part type, key); the key is
# also the field of the *.done event that carries the whole text.
_PART_TEXTS: Mapping[str, tuple[str, str, str]] = {
    "response.output_text": ("content", "output_text", "text"),
    "response.refusal": ("content", "refusal", "refusal"),
    "response.reasoning_summary_text": ("summary", "summary_text", "text"),
    "response.reasoning_text": ("content", "reasoning_text", "text"),
}

_DONE_KEYS = {
    "response.function_call_arguments.done": "arguments",
    "response.custom_tool_call_input.done": "input",
    "response.mcp_call_arguments.done": "arguments",
    "response.code_interpreter_call_code.done": "code",
}

A = OpenAIResponsesAccumulator

_LIFECYCLE: Mapping[str, Handler] = {
    "response.queued": A._updated,
    "response.in_progress": A._updated,
}
_TERMINAL = ("response.completed", "response.incomplete", "response.failed")

ITEM_EVENTS: Mapping[tuple[ItemKind, str], ItemHandler] = {
    (_MESSAGE, "response.content_part.added"): A._part_added,
    (_MESSAGE, "response.content_part.done"): A._part_done,
    (_MESSAGE, "response.output_text.delta"): A._output_text_delta,
    (_MESSAGE, "response.output_text.done"): A._text_done,
    (_MESSAGE, "response.output_text.annotation.added"): A._annotation,
    (_MESSAGE, "response.refusal.delta"): A._text_delta,
    (_MESSAGE, "response.refusal.done"): A._text_done,
    (_REASONING, "response.content_part.added"): A._part_added,
    (_REASONING, "response.content_part.done"): A._part_done,
    (_REASONING, "response.reasoning_summary_part.added"): A._part_added,
    (_REASONING, "response.reasoning_summary_part.done"): A._part_done,
    (_REASONING, "response.reasoning_summary_text.delta"): A._text_delta,
    (_REASONING, "response.reasoning_summary_text.done"): A._text_done,
    (_REASONING, "response.reasoning_text.delta"): A._text_delta,
    (_REASONING, "response.reasoning_text.done"): A._text_done,
    (_FUNCTION, "response.function_call_arguments.delta"): A._args_delta,
    (_FUNCTION, "response.function_call_arguments.done"): A._args_done,
    (_CUSTOM, "response.custom_tool_call_input.delta"): A._args_delta,
    (_CUSTOM, "response.custom_tool_call_input.done"): A._args_done,
    (_MCP, "response.mcp_call_arguments.delta"): A._args_delta,
    (_MCP, "response.mcp_call_arguments.done"): A._args_done,
    (_MCP, "response.mcp_call.in_progress"): A._status_event,
    (_MCP, "response.mcp_call.completed"): A._status_event,
    (_MCP, "response.mcp_call.failed"): A._status_event,
    (_MCP_LIST, "response.mcp_list_tools.in_progress"): A._status_event,
    (_MCP_LIST, "response.mcp_list_tools.completed"): A._status_event,
    (_MCP_LIST, "response.mcp_list_tools.failed"): A._status_event,
    (_CODE, "response.code_interpreter_call_code.delta"): A._args_delta,
    (_CODE, "response.code_interpreter_call_code.done"): A._args_done,
    (_CODE, "response.code_interpreter_call.in_progress"): A._status_event,
    (_CODE, "response.code_interpreter_call.interpreting"): A._status_event,
    (_CODE, "response.code_interpreter_call.completed"): A._status_event,
    (_WEB, "response.web_search_call.in_progress"): A._status_event,
    (_WEB, "response.web_search_call.searching"): A._status_event,
    (_WEB, "response.web_search_call.completed"): A._status_event,
    (_FILE, "response.file_search_call.in_progress"): A._status_event,
    (_FILE, "response.file_search_call.searching"): A._status_event,
    (_FILE, "response.file_search_call.completed"): A._status_event,
    (_IMAGE, "response.image_generation_call.in_progress"): A._status_event,
    (_IMAGE, "response.image_generation_call.generating"): A._status_event,
    (_IMAGE, "response.image_generation_call.completed"): A._status_event,
    (_IMAGE, "response.image_generation_call.partial_image"): A._partial_image,
    (_SHELL, "response.shell_call_command.added"): A._command_added,
    (_SHELL, "response.shell_call_command.delta"): A._command_delta,
    (_SHELL, "response.shell_call_command.done"): A._command_done,
    (_SHELL_OUT, "response.shell_call_output_content.delta"): A._shell_output_delta,
    (_SHELL_OUT, "response.shell_call_output_content.done"): A._shell_output_done,
    (_COMPACTION, "response.compaction.compacting"): A._status_event,
}
"""``(item kind, event type) -> handler``: the events each kind of item takes.

A known event type for an item of another kind (output text for a function
call, arguments for a message) raises ``UnexpectedEvent``; any event of an
unknown item kind passes through as ``UnknownEvent`` and changes nothing.
"""

_ITEM_TYPES = frozenset(kind for (_, kind) in ITEM_EVENTS)
# ITEM_EVENTS by item kind, for a lookup that hashes no enum per event.
_KIND_ROWS: dict[ItemKind, dict[str, ItemHandler]] = {
    item: {kind: handler for (at, kind), handler in ITEM_EVENTS.items() if at is item}
    for item in ItemKind
}
# The item type an item event implies, for an index that item: null reserved.
_IMPLIED: Mapping[str, str] = {
    event: (
        "reasoning"
        if kind is _REASONING and "reasoning" in event
        else "message"
        if kind is _MESSAGE
        else kind.value
    )
    for (kind, event) in ITEM_EVENTS
    if not (kind is _REASONING and "content_part" in event)
}

TRANSITIONS: Mapping[tuple[ResponseState, str], tuple[Handler, ResponseState]] = {
    (_AWAITING, "response.created"): (A._created, _IN),
    **{(_AWAITING, kind): (handler, _IN) for kind, handler in _LIFECYCLE.items()},
    **{(_AWAITING, kind): (A._terminal, _FINISHED) for kind in _TERMINAL},
    **{(_IN, kind): (handler, _IN) for kind, handler in _LIFECYCLE.items()},
    (_IN, "response.output_item.added"): (A._item_added, _IN),
    (_IN, "response.output_item.done"): (A._item_done, _IN),
    **{(_IN, kind): (A._on_item, _IN) for kind in sorted(_ITEM_TYPES)},
    (_IN, "response.audio.delta"): (A._audio_delta, _IN),
    (_IN, "response.audio.done"): (A._audio_done, _IN),
    (_IN, "response.audio.transcript.delta"): (A._audio_delta, _IN),
    (_IN, "response.audio.transcript.done"): (A._audio_done, _IN),
    **{(_IN, kind): (A._terminal, _FINISHED) for kind in _TERMINAL},
}
"""``(phase, payload type) -> (handler, next phase)``: every allowed step.

``error`` is not in it: it raises :class:`~sseparse.errors.StreamError` in any
phase.  A pair not here raises :class:`~sseparse.errors.UnexpectedEvent` when
its type is one of these (a second ``response.created``, an item event before
the response started); a type not here at all passes through as
``UnknownEvent`` after the response started.  A stream may start with
``response.queued`` / ``.in_progress`` (no ``created``) or consist of its
terminal event alone.  In ``FINISHED`` nothing is looked up: every event
passes through.
"""

_KNOWN_TYPES = frozenset(kind for (_, kind) in TRANSITIONS)
# TRANSITIONS by phase, for a lookup that hashes no enum per event.
_PHASE_ROWS: dict[ResponseState, dict[str, tuple[Handler, ResponseState]]] = {
    phase: {kind: row for (at, kind), row in TRANSITIONS.items() if at is phase}
    for phase in ResponseState
}
del A
