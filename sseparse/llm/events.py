"""The events every sseparse LLM accumulator emits: one vocabulary for all.

Chat Completions, Anthropic Messages and OpenAI Responses streams all come out
as these classes, so one UI loop renders any of them.  Match on the class or on
``event.type``, whose strings are the ones users of the official SDKs know
(``"content.delta"``, ``"tool_calls.function.arguments.done"``, ...); the other
protocols reuse them where the meaning is the same (Anthropic text is
``content.*``, thinking is ``reasoning.*``, tool input is
``tool_calls.function.arguments.*``) and new kinds are named in the same style.

Where an event belongs:

* Part-level events (content, refusal, reasoning, citations, tool calls and
  their results, parts, logprobs, the finish) carry ``choice_index`` (0 where
  the protocol has one candidate); ``index``, the part's position in the
  provider's own numbering (chat tool-call index, Anthropic content-block
  index, Responses ``output_index``; ``None`` where the protocol has none, as
  for chat content); and ``content_index`` (Responses' ``content_index``;
  ``None`` elsewhere).  Tool-call events carry the call's ``id`` and ``name``
  once known.
* Stream-level events (:class:`ChunkReceived`, :class:`MessageStarted`,
  :class:`UsageUpdated`, :class:`StreamDone`, :class:`UnknownEvent`) carry
  ``choice_index`` too: ``None`` in chat, where a chunk, its usage and
  ``[DONE]`` concern the whole completion (which may hold several choices),
  and 0 in the protocols with one candidate.

The finish (:class:`ChoiceFinished`) carries the protocol's own reason
(``finish_reason``) and a normalised one (``reason``, a :data:`FinishReason`:
stop, length, tool_calls, content_filter, refusal, pause, error, other).
Events fed after the stream's terminal one (chat's ``[DONE]``, Anthropic's
``message_stop``, Responses' ``response.completed`` / ``.incomplete`` /
``.failed``) come back as :class:`UnknownEvent`.

Expensive views are lazy properties: a delta's ``snapshot`` (the text so far)
is joined only when read, and ``parsed_arguments`` comes from an incremental
JSON parser fed only when read, so reading them on every delta stays linear.
So does ``partial``, the typed view (:class:`~sseparse.structured.Partial`)
of content and tool arguments given a class or JSON Schema: one tracker per
text follows that parser.
A view read late (after later deltas of the same field arrived) still shows
the value as of its own event.  A parsed value is the JSON parser's live tree,
which later deltas extend in place (that is what keeps it O(delta)): read it
when its event arrives, and ``copy.deepcopy`` it to keep it as it was.

Typing: each class's ``type`` is a ``ClassVar`` of one ``Literal`` string (a
class constant, so not an ``__init__`` argument), and an accumulator's
``feed()`` returns a list of a union of the classes it emits
(:data:`ChatStreamEvent` for Chat Completions, :data:`AnthropicStreamEvent`
for Anthropic Messages, :data:`ResponsesStreamEvent` for OpenAI Responses;
:data:`AnyStreamEvent` is every class).  A type
checker narrows that union on ``event.type == "content.delta"``, on ``match
event.type`` and on ``isinstance``, so ``event.delta`` type-checks in the
branch.

Equality and hashing: events compare by value and are unhashable, all alike.

* ``==`` holds between two events of the same class whose public fields are
  equal (``dict``, ``list`` and ``Any`` fields by their own ``==``).  What backs
  the lazy views (the accumulator's text slot and the position in it) takes no
  part: an event is the fact it states, so two runs of one stream give equal
  event lists, and two deltas of the same text to the same choice are equal
  wherever they came in the stream (compare ``snapshot`` to tell them apart).
* ``hash(event)`` raises ``TypeError: unhashable type: 'ContentDelta'``, and
  ``isinstance(event, collections.abc.Hashable)`` is ``False``, as for ``list``
  and ``dict``.  ``frozen`` means the attributes cannot be rebound, not that
  the values are immutable: many events hold the wire's own dicts and lists
  (``chunk``, ``usage``, logprobs, unknown data, ids of any JSON type) and views
  over state the accumulator keeps extending.  A value hash would work for some
  events and raise for others depending on what the provider sent (a
  ``ContentDelta`` but not a ``ChunkReceived``), or change while the event sits
  in a set; an identity hash would break ``a == b`` implies
  ``hash(a) == hash(b)``.  To key by event, use ``id(event)`` or the fields you
  need, e.g. ``(event.type, event.choice_index)``.

Representation: every class is made by one small machinery
(``sseparse/llm/_eventclass.py``), not by attrs: an immutable, slotted value
backed by a tuple, which an accumulator builds with one C call whatever its
number of fields (two or more events per chunk are built on the hottest path
of the library; a frozen attrs class cost about 0.05 µs per field more).  An
event is no sequence (no ``len``, iteration or indexing, and always true),
copies and pickles by value, refuses attribute assignment with
``attrs.exceptions.FrozenInstanceError``, and still answers ``attrs.fields``,
``attrs.asdict`` and ``attrs.evolve`` as the attrs classes it replaces did.
Type checkers see frozen classes with keyword-only constructors
(``typing.dataclass_transform``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

from sseparse.llm import _eventclass

if TYPE_CHECKING:
    from sseparse.llm._formats import ToolProblem
    from sseparse.llm._text import TextSlot
    from sseparse.sse import ServerSentEvent
    from sseparse.structured import Partial

__all__ = [
    "AnthropicStreamEvent",
    "AnyStreamEvent",
    "AudioDelta",
    "AudioDone",
    "ChatStreamEvent",
    "ChoiceFinished",
    "ChunkReceived",
    "CitationAdded",
    "ContentDelta",
    "ContentDone",
    "FinishReason",
    "ImagePartial",
    "LogprobsContentDelta",
    "LogprobsContentDone",
    "LogprobsRefusalDelta",
    "LogprobsRefusalDone",
    "MessageStarted",
    "PartDone",
    "PartStarted",
    "ReasoningDelta",
    "ReasoningDone",
    "ReasoningRedacted",
    "ReasoningSignature",
    "RefusalDelta",
    "RefusalDone",
    "ResponseUpdated",
    "ResponsesStreamEvent",
    "SequenceGap",
    "ServerToolCallStarted",
    "ServerToolOutputDelta",
    "ServerToolOutputDone",
    "ServerToolResult",
    "ServerToolStatus",
    "StreamDone",
    "StreamEvent",
    "ToolCallArgumentsDelta",
    "ToolCallArgumentsDone",
    "ToolCallStarted",
    "UnknownEvent",
    "UsageUpdated",
    "ValueCorrected",
]

FinishReason: TypeAlias = Literal[
    "stop",
    "length",
    "tool_calls",
    "content_filter",
    "refusal",
    "pause",
    "error",
    "other",
]
"""The normalised finish reasons, one set for every protocol.

``stop``: the model ended its turn (or hit a stop sequence); ``length``: a
token or context limit cut it; ``tool_calls``: it asks for tools to be run;
``content_filter``: a filter stopped it; ``refusal``: it declined (Anthropic's
``refusal``); ``pause``: the provider paused a long turn, to be continued
(Anthropic's ``pause_turn``); ``error``: the provider failed; ``other``: any
reason not in these tables (the protocol's own value is always kept beside it).
"""


class StreamEvent(_eventclass.Event):
    """The base of every event; ``type`` names the kind.

    Each subclass narrows ``type`` to its own ``Literal``; annotate with a
    union such as :data:`ChatStreamEvent`, not with this base, to let a type
    checker narrow on it.
    """

    type: ClassVar[str] = "event"


# -- the stream ----------------------------------------------------------------


class ChunkReceived(StreamEvent):
    """A payload arrived (first event of each); ``chunk`` is the payload."""

    type: ClassVar[Literal["chunk"]] = "chunk"
    chunk: dict[str, Any]
    choice_index: int | None = None


class MessageStarted(StreamEvent):
    """The message began; ``message`` is the provider's start metadata as sent.

    Anthropic's ``message_start.message``; Responses' ``response.created``
    response (or the first ``queued`` / ``in_progress`` one).  Chat
    Completions emits none.
    """

    type: ClassVar[Literal["message.started"]] = "message.started"
    message: dict[str, Any]
    choice_index: int | None = 0


class UsageUpdated(StreamEvent):
    """Token usage arrived; ``usage`` is the snapshot's ``usage`` now.

    In chat, the latest usage sent; in Anthropic, the cumulative usage merged
    so far; in Responses, the usage of a response object that carried one
    (the terminal one, in practice).
    """

    type: ClassVar[Literal["usage"]] = "usage"
    usage: dict[str, Any]
    choice_index: int | None = None


class StreamDone(StreamEvent):
    """The stream's end marker arrived.

    Chat's ``[DONE]``, Anthropic's ``message_stop``, Responses' terminal
    ``response.completed`` / ``.incomplete`` / ``.failed``.
    """

    type: ClassVar[Literal["done"]] = "done"
    choice_index: int | None = None


class UnknownEvent(StreamEvent):
    """An event the protocol does not define, passed through untouched.

    Also every event fed after the stream's terminal one.  ``event`` is the
    SSE event (``None`` for a payload given to ``feed_chunk``); ``data`` its
    data parsed as JSON when it is JSON, else the raw text.
    """

    type: ClassVar[Literal["unknown"]] = "unknown"
    event: ServerSentEvent | None
    data: Any
    choice_index: int | None = None


class ResponseUpdated(StreamEvent):
    """The response's metadata changed while it streams.

    Responses' ``response.queued`` and ``response.in_progress``: ``message`` is
    the ``response`` object as sent, ``status`` its ``status``.  The snapshot
    takes its fields, the latest non-null value winning (its ``output`` is
    built from the output items, not from these).
    """

    type: ClassVar[Literal["message.updated"]] = "message.updated"
    message: dict[str, Any]
    status: Any = None
    choice_index: int | None = 0


class SequenceGap(StreamEvent):
    """Events are missing: a ``sequence_number`` jumped past the next one.

    ``expected`` is the number that should have come (the last one seen plus
    one), ``got`` the one that came.  The stream goes on; what the missing
    events carried is missing from the snapshot unless a later authoritative
    value (a ``*.done`` event, ``output_item.done``, the terminal response)
    brings it, and then a :class:`ValueCorrected` may follow.
    """

    type: ClassVar[Literal["sequence.gap"]] = "sequence.gap"
    expected: int
    got: int
    choice_index: int | None = 0


# -- parts ---------------------------------------------------------------------


class PartStarted(StreamEvent):
    """A part began; ``part`` is it as sent.

    An Anthropic content block; a Responses output item (``content_index``
    ``None``) or a part of one (a content part, a reasoning summary part:
    ``content_index`` is its index).

    Emitted for every kind of part, known or not, before its own events.
    """

    type: ClassVar[Literal["part.started"]] = "part.started"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    part: dict[str, Any]


class PartDone(StreamEvent):
    """A part is complete; ``part`` is it as in the final object.

    Emitted after the part's own done events.
    """

    type: ClassVar[Literal["part.done"]] = "part.done"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    part: dict[str, Any]


# -- text ----------------------------------------------------------------------


class ContentDelta(StreamEvent):
    """Text was added to the content (chat content, an Anthropic text block)."""

    type: ClassVar[Literal["content.delta"]] = "content.delta"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    delta: str
    _slot: TextSlot = _eventclass.field(alias="slot", eq=False, repr=False)
    _end: int = _eventclass.field(alias="end", eq=False, repr=False)
    _json: bool = _eventclass.field(alias="json", eq=False, repr=False)

    @property
    def snapshot(self) -> str:
        """The content so far, this delta included."""
        return self._slot.prefix(self._end)

    @property
    def parsed(self) -> Any:
        """The partial JSON value of the content so far, when JSON was asked for.

        ``None`` unless the accumulator was given a JSON ``response_format``;
        :data:`~sseparse.jsonstream.MISSING` before any value began.

        Raises:
            JSONStreamError: the content so far is not the start of JSON text.
        """
        return self._slot.partial(self._end) if self._json else None

    @property
    def partial(self) -> Partial[Any] | None:
        """The typed partial view of the content so far (see
        :class:`~sseparse.structured.Partial`), when the ``response_format``
        is a class or a JSON Schema; else ``None``.

        Read at the event's time: the view is live, later deltas extend it in
        place.  Reading it after every delta costs O(delta).

        Raises:
            JSONStreamError: the content so far is not the start of JSON text.
        """
        return self._slot.view(self._end)


class ContentDone(StreamEvent):
    """The content (of a choice, of an Anthropic text block) is complete."""

    type: ClassVar[Literal["content.done"]] = "content.done"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    content: str
    _slot: TextSlot = _eventclass.field(alias="slot", eq=False, repr=False)
    _json: bool = _eventclass.field(alias="json", eq=False, repr=False)

    @property
    def parsed(self) -> Any:
        """The final content, parsed, when JSON was asked for; else ``None``.

        With a class as ``response_format``, the validated object of that
        class, as openai's ``.parsed`` is a model instance; ``None`` when the
        content is not JSON, is cut short, or does not fit the class (see
        :attr:`problem`): it never raises then.  Otherwise (a JSON Schema,
        ``json_object``) exactly ``json.loads(content)``, also when it does not
        fit the schema (see :attr:`problem`).

        Raises:
            JSONStreamError: the content is not JSON (not for a class).
        """
        return self._slot.done_value() if self._json else None

    @property
    def problem(self) -> ToolProblem | None:
        """Why the content does not fit the ``response_format``'s class or
        schema (kind ``"invalid_output"``, its ``error`` the
        ``ValidationError`` or ``JSONStreamError``); ``None`` when it fits or
        nothing typed was asked for.  Also in the accumulator's ``problems``.
        Set by the accumulator when it validates the content: at this event,
        or for Anthropic at the stop (a refusal is known only then)."""
        return self._slot.problem


class CitationAdded(StreamEvent):
    """A citation was added to a text part.

    Anthropic's ``citations_delta``; Responses' ``output_text.annotation.added``.
    """

    type: ClassVar[Literal["citation.added"]] = "citation.added"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    citation: dict[str, Any]


class RefusalDelta(StreamEvent):
    """Text was added to a choice's refusal."""

    type: ClassVar[Literal["refusal.delta"]] = "refusal.delta"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    delta: str
    _slot: TextSlot = _eventclass.field(alias="slot", eq=False, repr=False)
    _end: int = _eventclass.field(alias="end", eq=False, repr=False)

    @property
    def snapshot(self) -> str:
        """The refusal so far, this delta included."""
        return self._slot.prefix(self._end)


class RefusalDone(StreamEvent):
    """A choice's refusal is complete."""

    type: ClassVar[Literal["refusal.done"]] = "refusal.done"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    refusal: str


# -- reasoning -----------------------------------------------------------------


class ReasoningDelta(StreamEvent):
    """Reasoning text was added (``field`` is its wire key, e.g. ``reasoning``).

    Anthropic thinking comes with ``field="thinking"``; Responses reasoning
    summaries with ``field="summary_text"`` (``content_index`` is the
    summary index) and reasoning text with ``field="reasoning_text"``.
    """

    type: ClassVar[Literal["reasoning.delta"]] = "reasoning.delta"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    field: str
    delta: str
    _slot: TextSlot = _eventclass.field(alias="slot", eq=False, repr=False)
    _end: int = _eventclass.field(alias="end", eq=False, repr=False)

    @property
    def snapshot(self) -> str:
        """The reasoning text so far, this delta included."""
        return self._slot.prefix(self._end)


class ReasoningDone(StreamEvent):
    """Reasoning text (one wire field of a choice, or a thinking part) is complete.

    ``signature`` is Anthropic's final thinking signature (``None`` elsewhere).
    """

    type: ClassVar[Literal["reasoning.done"]] = "reasoning.done"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    field: str
    reasoning: str
    signature: str | None = None


class ReasoningSignature(StreamEvent):
    """A thinking signature arrived (Anthropic's ``signature_delta``).

    The latest one replaces the ones before it.
    """

    type: ClassVar[Literal["reasoning.signature"]] = "reasoning.signature"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    signature: str


class ReasoningRedacted(StreamEvent):
    """Redacted reasoning arrived whole (an Anthropic ``redacted_thinking`` block)."""

    type: ClassVar[Literal["reasoning.redacted"]] = "reasoning.redacted"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    data: str


# -- tool calls ----------------------------------------------------------------


class ToolCallStarted(StreamEvent):
    """The first fragment of a tool call to run on the client arrived.

    ``index`` is ``None`` for chat's legacy ``function_call``.  ``id`` and
    ``name`` are what that fragment carried (``None`` if it carried none).
    ``call_type`` is the wire's: ``"function"`` in chat, ``"tool_use"`` in
    Anthropic, the output item's type in Responses (``"function_call"``,
    ``"custom_tool_call"``, and the calls the client runs that arrive whole:
    ``"computer_call"``, ``"local_shell_call"``, ``"apply_patch_call"``;
    ``id`` is the ``call_id``).  Tools the provider runs itself start with
    :class:`ServerToolCallStarted` instead.
    """

    type: ClassVar[Literal["tool_call.started"]] = "tool_call.started"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    id: Any
    name: str | None
    call_type: str


class ServerToolCallStarted(StreamEvent):
    """A tool call that the provider runs itself began.

    ``call_type`` is the block type (``"server_tool_use"``, ``"mcp_tool_use"``,
    ...) or the Responses output item's type (``"web_search_call"``,
    ``"mcp_call"``, ...; ``id`` is the item's ``id``); ``block`` is the start
    block or item as sent.  Its input comes as
    :class:`ToolCallArgumentsDelta` events with ``provider_executed=True``.
    """

    type: ClassVar[Literal["server_tool_call.started"]] = "server_tool_call.started"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    id: Any
    name: str | None
    call_type: str
    block: dict[str, Any]


class ToolCallArgumentsDelta(StreamEvent):
    """Text was added to a tool call's arguments (Anthropic: its input JSON).

    ``delta`` / ``snapshot`` are the vocabulary's names, ``arguments_delta`` /
    ``arguments`` the openai SDK's: the same values.  ``provider_executed`` is
    ``True`` for the input of a tool the provider runs itself.
    """

    type: ClassVar[Literal["tool_calls.function.arguments.delta"]] = (
        "tool_calls.function.arguments.delta"
    )
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    id: Any
    name: str | None
    call_type: str = "function"
    provider_executed: bool = False
    arguments_delta: str
    _slot: TextSlot = _eventclass.field(alias="slot", eq=False, repr=False)
    _end: int = _eventclass.field(alias="end", eq=False, repr=False)

    @property
    def delta(self) -> str:
        """The text this event added (``arguments_delta``)."""
        return self.arguments_delta

    @property
    def arguments(self) -> str:
        """The arguments text so far, this delta included."""
        return self._slot.prefix(self._end)

    @property
    def snapshot(self) -> str:
        """The arguments text so far, this delta included (``arguments``)."""
        return self._slot.prefix(self._end)

    @property
    def parsed_arguments(self) -> Any:
        """The partial JSON value of the arguments so far.

        :data:`~sseparse.jsonstream.MISSING` before any value began; ``None``
        for input that is free text, not JSON (Responses' custom tool input,
        code interpreter code, shell commands).  Reading it after every delta
        costs O(delta): the text is parsed once, incrementally.

        Raises:
            JSONStreamError: the arguments so far are not the start of JSON text.
        """
        slot = self._slot
        return slot.partial(self._end) if slot.parsed else None

    @property
    def partial(self) -> Partial[Any] | None:
        """The typed partial view of the arguments so far, for a call naming a
        tool given as a class or with a JSON Schema; ``None`` while the name
        is unknown (or names no such tool) and for free-text input.

        Read at the event's time, as :attr:`parsed_arguments`; O(delta).

        Raises:
            JSONStreamError: the arguments so far are not the start of JSON text.
        """
        return self._slot.view(self._end)


class ToolCallArgumentsDone(StreamEvent):
    """A tool call's arguments are complete (its choice or block finished).

    ``complete`` is ``False`` when a stop cut the arguments before they formed
    a whole JSON text (chat's ``length`` finish, a stop inside an Anthropic
    block): a preview, not a call to run.
    """

    type: ClassVar[Literal["tool_calls.function.arguments.done"]] = (
        "tool_calls.function.arguments.done"
    )
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    id: Any
    name: str | None
    call_type: str = "function"
    provider_executed: bool = False
    arguments: str
    complete: bool
    _slot: TextSlot = _eventclass.field(alias="slot", eq=False, repr=False)

    @property
    def parsed_arguments(self) -> Any:
        """The arguments, parsed; ``None`` for free-text input.

        For a call naming a tool given as a class, the validated object of
        that class (as openai's ``pydantic_function_tool`` gives); ``None``
        when the arguments are not JSON, stop early or do not fit it (see
        :attr:`problem`, :attr:`complete`): it never raises then.  Otherwise
        exactly ``json.loads(arguments)``, also when they do not fit the
        tool's schema (see :attr:`problem`).

        Raises:
            JSONStreamError: the arguments are not JSON (``IncompleteJSON`` when
                they stop early); not for a tool given as a class.
        """
        slot = self._slot
        return slot.done_value() if slot.parsed else None

    @property
    def problem(self) -> ToolProblem | None:
        """Why the arguments do not fit the named tool's class or schema
        (kind ``"invalid_arguments"``), or ``None``; also in ``problems``.
        An unknown tool name is listed in ``problems`` only."""
        return self._slot.problem


class ServerToolResult(StreamEvent):
    """The result of a tool the provider ran arrived whole.

    ``result_type`` is the block type (e.g. ``"web_search_tool_result"``),
    ``tool_use_id`` the call it answers, ``block`` the whole block as sent.
    In Responses, a provider-run item's ``output_item.done`` (``result_type``
    its type, ``tool_use_id`` its ``id``, ``block`` the item as in the final)
    and a ``*_output`` item's (``tool_use_id`` its ``call_id``).
    """

    type: ClassVar[Literal["server_tool.result"]] = "server_tool.result"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    tool_use_id: Any
    result_type: str
    block: dict[str, Any]


class ServerToolStatus(StreamEvent):
    """A tool the provider runs reported its progress.

    Responses' hosted-tool status events (``response.web_search_call.searching``,
    ``response.code_interpreter_call.interpreting``,
    ``response.image_generation_call.generating``, ``response.mcp_call.failed``,
    ...): ``status`` is the last word of the event type (``in_progress``,
    ``searching``, ``interpreting``, ``generating``, ``completed``,
    ``failed``, ...), ``call_type`` the output item's type, ``id`` its id.
    """

    type: ClassVar[Literal["server_tool_call.status"]] = "server_tool_call.status"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    id: Any
    call_type: str
    status: str


class ServerToolOutputDelta(StreamEvent):
    """Output text of a tool run by the provider grew (a shell's stdout/stderr).

    Responses' ``response.shell_call_output_content.delta``: ``field`` is
    ``"stdout"`` or ``"stderr"``, ``content_index`` the command's index.
    """

    type: ClassVar[Literal["server_tool.output.delta"]] = "server_tool.output.delta"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    id: Any
    call_type: str
    field: str
    delta: str
    _slot: TextSlot = _eventclass.field(alias="slot", eq=False, repr=False)
    _end: int = _eventclass.field(alias="end", eq=False, repr=False)

    @property
    def snapshot(self) -> str:
        """The field's text so far, this delta included."""
        return self._slot.prefix(self._end)


class ServerToolOutputDone(StreamEvent):
    """A tool run by the provider finished one command's output.

    Responses' ``response.shell_call_output_content.done``: ``output`` is the
    command's output entries as in the final item (``stdout``, ``stderr``,
    ``outcome``).
    """

    type: ClassVar[Literal["server_tool.output.done"]] = "server_tool.output.done"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    id: Any
    call_type: str
    output: list[Any]


class ImagePartial(StreamEvent):
    """A preview of an image being generated arrived (base64, whole).

    Responses' ``response.image_generation_call.partial_image``; the final
    image is the item's ``result`` at its ``PartDone``.
    """

    type: ClassVar[Literal["image.partial"]] = "image.partial"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    id: Any
    partial_image_b64: str
    partial_image_index: Any


# -- audio ---------------------------------------------------------------------


class AudioDelta(StreamEvent):
    """Audio output grew: ``field`` is ``"data"`` (base64) or ``"transcript"``.

    Responses' ``response.audio.delta`` / ``response.audio.transcript.delta``.
    """

    type: ClassVar[Literal["audio.delta"]] = "audio.delta"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    field: str
    delta: str
    _slot: TextSlot = _eventclass.field(alias="slot", eq=False, repr=False)
    _end: int = _eventclass.field(alias="end", eq=False, repr=False)

    @property
    def snapshot(self) -> str:
        """The field's text so far, this delta included."""
        return self._slot.prefix(self._end)


class AudioDone(StreamEvent):
    """Audio output (its ``field``: ``"data"`` or ``"transcript"``) is complete.

    ``value`` is the whole text accumulated from the deltas.
    """

    type: ClassVar[Literal["audio.done"]] = "audio.done"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    field: str
    value: str


# -- corrections ---------------------------------------------------------------


class ValueCorrected(StreamEvent):
    """An authoritative value disagreed with what the deltas built.

    Responses' ``*.done`` events, ``output_item.done`` and the terminal
    ``response`` carry whole values; where one differs from the text the
    deltas accumulated, the authoritative value goes into the snapshot and
    this event says so (also kept in the accumulator's ``corrections``).
    ``path`` is where, in the ``response`` (``"output[0].content[1].text"``).
    """

    type: ClassVar[Literal["correction"]] = "correction"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    path: str
    accumulated: Any
    authoritative: Any


# -- logprobs ------------------------------------------------------------------


class LogprobsContentDelta(StreamEvent):
    """Log probabilities arrived for content tokens."""

    type: ClassVar[Literal["logprobs.content.delta"]] = "logprobs.content.delta"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    content: list[Any]
    _all: list[Any] = _eventclass.field(alias="all", eq=False, repr=False)
    _end: int = _eventclass.field(alias="end", eq=False, repr=False)

    @property
    def delta(self) -> list[Any]:
        """The entries this event added (``content``), as every delta event has."""
        return self.content

    @property
    def snapshot(self) -> list[Any]:
        """Every content logprob entry so far (a new list)."""
        return self._all[: self._end]


class LogprobsContentDone(StreamEvent):
    """A choice's content log probabilities are complete."""

    type: ClassVar[Literal["logprobs.content.done"]] = "logprobs.content.done"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    content: list[Any]


class LogprobsRefusalDelta(StreamEvent):
    """Log probabilities arrived for refusal tokens."""

    type: ClassVar[Literal["logprobs.refusal.delta"]] = "logprobs.refusal.delta"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    refusal: list[Any]
    _all: list[Any] = _eventclass.field(alias="all", eq=False, repr=False)
    _end: int = _eventclass.field(alias="end", eq=False, repr=False)

    @property
    def delta(self) -> list[Any]:
        """The entries this event added (``refusal``), as every delta event has."""
        return self.refusal

    @property
    def snapshot(self) -> list[Any]:
        """Every refusal logprob entry so far (a new list)."""
        return self._all[: self._end]


class LogprobsRefusalDone(StreamEvent):
    """A choice's refusal log probabilities are complete."""

    type: ClassVar[Literal["logprobs.refusal.done"]] = "logprobs.refusal.done"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    refusal: list[Any]


# -- the finish ----------------------------------------------------------------


class ChoiceFinished(StreamEvent):
    """A choice got its finish reason (after its done events).

    ``finish_reason`` is the protocol's own value (chat ``finish_reason``,
    Anthropic ``stop_reason``, the Responses ``status``, or for an incomplete
    response its ``incomplete_details.reason``); ``reason`` the normalised
    one, a :data:`FinishReason`.
    """

    type: ClassVar[Literal["finish"]] = "finish"
    choice_index: int
    index: int | None = None
    content_index: int | None = None
    finish_reason: Any
    reason: FinishReason


ChatStreamEvent: TypeAlias = (
    ChunkReceived
    | ContentDelta
    | ContentDone
    | RefusalDelta
    | RefusalDone
    | ReasoningDelta
    | ReasoningDone
    | ToolCallStarted
    | ToolCallArgumentsDelta
    | ToolCallArgumentsDone
    | LogprobsContentDelta
    | LogprobsContentDone
    | LogprobsRefusalDelta
    | LogprobsRefusalDone
    | UsageUpdated
    | ChoiceFinished
    | StreamDone
    | UnknownEvent
)
"""Every event :class:`~sseparse.llm.OpenAIChatAccumulator` emits.

Narrow it on ``event.type`` or with ``isinstance``; at run time it is a real
union, so ``isinstance(x, ChatStreamEvent)`` works too.
"""

AnthropicStreamEvent: TypeAlias = (
    ChunkReceived
    | MessageStarted
    | UsageUpdated
    | PartStarted
    | PartDone
    | ContentDelta
    | ContentDone
    | CitationAdded
    | ReasoningDelta
    | ReasoningDone
    | ReasoningSignature
    | ReasoningRedacted
    | ToolCallStarted
    | ServerToolCallStarted
    | ToolCallArgumentsDelta
    | ToolCallArgumentsDone
    | ServerToolResult
    | ChoiceFinished
    | StreamDone
    | UnknownEvent
)
"""Every event the Anthropic Messages accumulator emits.

Narrow it on ``event.type`` or with ``isinstance``, as :data:`ChatStreamEvent`.
"""

ResponsesStreamEvent: TypeAlias = (
    ChunkReceived
    | MessageStarted
    | ResponseUpdated
    | UsageUpdated
    | SequenceGap
    | PartStarted
    | PartDone
    | ContentDelta
    | ContentDone
    | CitationAdded
    | RefusalDelta
    | RefusalDone
    | ReasoningDelta
    | ReasoningDone
    | ToolCallStarted
    | ServerToolCallStarted
    | ServerToolStatus
    | ToolCallArgumentsDelta
    | ToolCallArgumentsDone
    | ServerToolOutputDelta
    | ServerToolOutputDone
    | ServerToolResult
    | ImagePartial
    | AudioDelta
    | AudioDone
    | LogprobsContentDelta
    | LogprobsContentDone
    | ValueCorrected
    | ChoiceFinished
    | StreamDone
    | UnknownEvent
)
"""Every event :class:`~sseparse.llm.OpenAIResponsesAccumulator` emits.

Narrow it on ``event.type`` or with ``isinstance``, as :data:`ChatStreamEvent`.
"""

AnyStreamEvent: TypeAlias = (
    ChunkReceived
    | MessageStarted
    | ResponseUpdated
    | UsageUpdated
    | SequenceGap
    | StreamDone
    | UnknownEvent
    | PartStarted
    | PartDone
    | ContentDelta
    | ContentDone
    | CitationAdded
    | RefusalDelta
    | RefusalDone
    | ReasoningDelta
    | ReasoningDone
    | ReasoningSignature
    | ReasoningRedacted
    | ToolCallStarted
    | ServerToolCallStarted
    | ToolCallArgumentsDelta
    | ToolCallArgumentsDone
    | ServerToolStatus
    | ServerToolOutputDelta
    | ServerToolOutputDone
    | ServerToolResult
    | ImagePartial
    | AudioDelta
    | AudioDone
    | LogprobsContentDelta
    | LogprobsContentDone
    | LogprobsRefusalDelta
    | LogprobsRefusalDone
    | ValueCorrected
    | ChoiceFinished
)
"""Every event class of the vocabulary: what a loop over any protocol sees.

Narrow it on ``event.type`` or with ``isinstance``, as :data:`ChatStreamEvent`.
"""
