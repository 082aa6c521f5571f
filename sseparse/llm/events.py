"""The events every sseparse LLM accumulator emits: one vocabulary for all.

Each event is an immutable fact about one place in the response: a choice
(``choice_index``) and, for tool calls, the call's ``index``.  Match on the
class or on ``event.type``, whose strings are the ones users of the official
SDKs know (``"content.delta"``, ``"tool_calls.function.arguments.done"``, ...).

Expensive views are lazy properties: a delta's ``snapshot`` (the text so far)
is joined only when read, and ``parsed_arguments`` comes from an incremental
JSON parser fed only when read, so reading them on every delta stays linear.
A view read late (after later deltas of the same field arrived) still shows
the value as of its own event.  A parsed value is the JSON parser's live tree,
which later deltas extend in place (that is what keeps it O(delta)): read it
when its event arrives, and ``copy.deepcopy`` it to keep it as it was.

Typing: each class's ``type`` is a ``ClassVar`` of one ``Literal`` string (a
class constant, so not an ``__init__`` argument), and an accumulator's
``feed()`` returns a list of a union of the classes it emits
(:data:`ChatStreamEvent` for Chat Completions).  A type checker narrows that
union on ``event.type == "content.delta"``, on ``match event.type`` and on
``isinstance``, so ``event.delta`` type-checks in the branch.

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
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

import attrs

if TYPE_CHECKING:
    from sseparse.llm._text import TextSlot
    from sseparse.sse import ServerSentEvent

__all__ = [
    "ChatStreamEvent",
    "ChoiceFinished",
    "ChunkReceived",
    "ContentDelta",
    "ContentDone",
    "LogprobsContentDelta",
    "LogprobsContentDone",
    "LogprobsRefusalDelta",
    "LogprobsRefusalDone",
    "ReasoningDelta",
    "ReasoningDone",
    "RefusalDelta",
    "RefusalDone",
    "StreamDone",
    "StreamEvent",
    "ToolCallArgumentsDelta",
    "ToolCallArgumentsDone",
    "ToolCallStarted",
    "UnknownEvent",
    "UsageUpdated",
]


@attrs.frozen(kw_only=True, unsafe_hash=False)
class StreamEvent:
    """The base of every event; ``type`` names the kind.

    Each subclass narrows ``type`` to its own ``Literal``; annotate with a
    union such as :data:`ChatStreamEvent`, not with this base, to let a type
    checker narrow on it.
    """

    type: ClassVar[str] = "event"


@attrs.frozen(kw_only=True, unsafe_hash=False)
class ChunkReceived(StreamEvent):
    """A chunk arrived (first event of each chunk); ``chunk`` is its payload."""

    type: ClassVar[Literal["chunk"]] = "chunk"
    chunk: dict[str, Any]


@attrs.frozen(kw_only=True, unsafe_hash=False)
class ContentDelta(StreamEvent):
    """Text was added to a choice's message content."""

    type: ClassVar[Literal["content.delta"]] = "content.delta"
    choice_index: int
    delta: str
    _slot: TextSlot = attrs.field(alias="slot", eq=False, repr=False)
    _end: int = attrs.field(alias="end", eq=False, repr=False)
    _json: bool = attrs.field(alias="json", eq=False, repr=False)

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


@attrs.frozen(kw_only=True, unsafe_hash=False)
class ContentDone(StreamEvent):
    """A choice's content is complete."""

    type: ClassVar[Literal["content.done"]] = "content.done"
    choice_index: int
    content: str
    _slot: TextSlot = attrs.field(alias="slot", eq=False, repr=False)
    _json: bool = attrs.field(alias="json", eq=False, repr=False)

    @property
    def parsed(self) -> Any:
        """Exactly ``json.loads(content)`` when JSON was asked for, else ``None``.

        Raises:
            JSONStreamError: the content is not JSON.
        """
        return self._slot.final() if self._json else None


@attrs.frozen(kw_only=True, unsafe_hash=False)
class RefusalDelta(StreamEvent):
    """Text was added to a choice's refusal."""

    type: ClassVar[Literal["refusal.delta"]] = "refusal.delta"
    choice_index: int
    delta: str
    _slot: TextSlot = attrs.field(alias="slot", eq=False, repr=False)
    _end: int = attrs.field(alias="end", eq=False, repr=False)

    @property
    def snapshot(self) -> str:
        """The refusal so far, this delta included."""
        return self._slot.prefix(self._end)


@attrs.frozen(kw_only=True, unsafe_hash=False)
class RefusalDone(StreamEvent):
    """A choice's refusal is complete."""

    type: ClassVar[Literal["refusal.done"]] = "refusal.done"
    choice_index: int
    refusal: str


@attrs.frozen(kw_only=True, unsafe_hash=False)
class ReasoningDelta(StreamEvent):
    """Reasoning text was added (``field`` is its wire key, e.g. ``reasoning``)."""

    type: ClassVar[Literal["reasoning.delta"]] = "reasoning.delta"
    choice_index: int
    field: str
    delta: str
    _slot: TextSlot = attrs.field(alias="slot", eq=False, repr=False)
    _end: int = attrs.field(alias="end", eq=False, repr=False)

    @property
    def snapshot(self) -> str:
        """The reasoning text so far, this delta included."""
        return self._slot.prefix(self._end)


@attrs.frozen(kw_only=True, unsafe_hash=False)
class ReasoningDone(StreamEvent):
    """A choice's reasoning text (one wire field) is complete."""

    type: ClassVar[Literal["reasoning.done"]] = "reasoning.done"
    choice_index: int
    field: str
    reasoning: str


@attrs.frozen(kw_only=True, unsafe_hash=False)
class ToolCallStarted(StreamEvent):
    """The first fragment of a tool call arrived.

    ``index`` is ``None`` for the legacy ``function_call``.  ``id`` and ``name``
    are what that fragment carried (``None`` if it carried none).
    """

    type: ClassVar[Literal["tool_call.started"]] = "tool_call.started"
    choice_index: int
    index: int | None
    id: Any
    name: str | None
    call_type: str


@attrs.frozen(kw_only=True, unsafe_hash=False)
class ToolCallArgumentsDelta(StreamEvent):
    """Text was added to a tool call's arguments."""

    type: ClassVar[Literal["tool_calls.function.arguments.delta"]] = (
        "tool_calls.function.arguments.delta"
    )
    choice_index: int
    index: int | None
    id: Any
    name: str | None
    arguments_delta: str
    _slot: TextSlot = attrs.field(alias="slot", eq=False, repr=False)
    _end: int = attrs.field(alias="end", eq=False, repr=False)

    @property
    def arguments(self) -> str:
        """The arguments text so far, this delta included."""
        return self._slot.prefix(self._end)

    @property
    def parsed_arguments(self) -> Any:
        """The partial JSON value of the arguments so far.

        :data:`~sseparse.jsonstream.MISSING` before any value began.  Reading it
        after every delta costs O(delta): the text is parsed once, incrementally.

        Raises:
            JSONStreamError: the arguments so far are not the start of JSON text.
        """
        return self._slot.partial(self._end)


@attrs.frozen(kw_only=True, unsafe_hash=False)
class ToolCallArgumentsDone(StreamEvent):
    """A tool call is complete (its choice finished).

    ``complete`` is ``False`` when a ``length`` finish cut the arguments before
    they formed a whole JSON text: a preview, not a call to run.
    """

    type: ClassVar[Literal["tool_calls.function.arguments.done"]] = (
        "tool_calls.function.arguments.done"
    )
    choice_index: int
    index: int | None
    id: Any
    name: str | None
    arguments: str
    complete: bool
    _slot: TextSlot = attrs.field(alias="slot", eq=False, repr=False)

    @property
    def parsed_arguments(self) -> Any:
        """Exactly ``json.loads(arguments)``.

        Raises:
            JSONStreamError: the arguments are not JSON (``IncompleteJSON`` when
                they stop early).
        """
        return self._slot.final()


@attrs.frozen(kw_only=True, unsafe_hash=False)
class LogprobsContentDelta(StreamEvent):
    """Log probabilities arrived for content tokens."""

    type: ClassVar[Literal["logprobs.content.delta"]] = "logprobs.content.delta"
    choice_index: int
    content: list[Any]
    _all: list[Any] = attrs.field(alias="all", eq=False, repr=False)
    _end: int = attrs.field(alias="end", eq=False, repr=False)

    @property
    def snapshot(self) -> list[Any]:
        """Every content logprob entry so far (a new list)."""
        return self._all[: self._end]


@attrs.frozen(kw_only=True, unsafe_hash=False)
class LogprobsContentDone(StreamEvent):
    """A choice's content log probabilities are complete."""

    type: ClassVar[Literal["logprobs.content.done"]] = "logprobs.content.done"
    choice_index: int
    content: list[Any]


@attrs.frozen(kw_only=True, unsafe_hash=False)
class LogprobsRefusalDelta(StreamEvent):
    """Log probabilities arrived for refusal tokens."""

    type: ClassVar[Literal["logprobs.refusal.delta"]] = "logprobs.refusal.delta"
    choice_index: int
    refusal: list[Any]
    _all: list[Any] = attrs.field(alias="all", eq=False, repr=False)
    _end: int = attrs.field(alias="end", eq=False, repr=False)

    @property
    def snapshot(self) -> list[Any]:
        """Every refusal logprob entry so far (a new list)."""
        return self._all[: self._end]


@attrs.frozen(kw_only=True, unsafe_hash=False)
class LogprobsRefusalDone(StreamEvent):
    """A choice's refusal log probabilities are complete."""

    type: ClassVar[Literal["logprobs.refusal.done"]] = "logprobs.refusal.done"
    choice_index: int
    refusal: list[Any]


@attrs.frozen(kw_only=True, unsafe_hash=False)
class UsageUpdated(StreamEvent):
    """Token usage arrived; the latest one is the snapshot's ``usage``."""

    type: ClassVar[Literal["usage"]] = "usage"
    usage: dict[str, Any]


@attrs.frozen(kw_only=True, unsafe_hash=False)
class ChoiceFinished(StreamEvent):
    """A choice got its ``finish_reason`` (after its done events)."""

    type: ClassVar[Literal["finish"]] = "finish"
    choice_index: int
    finish_reason: Any


@attrs.frozen(kw_only=True, unsafe_hash=False)
class StreamDone(StreamEvent):
    """The stream's end marker arrived (``data: [DONE]``)."""

    type: ClassVar[Literal["done"]] = "done"


@attrs.frozen(kw_only=True, unsafe_hash=False)
class UnknownEvent(StreamEvent):
    """An event the protocol does not define, passed through untouched.

    ``event`` is the SSE event; ``data`` its data parsed as JSON when it is
    JSON, else the raw text.
    """

    type: ClassVar[Literal["unknown"]] = "unknown"
    event: ServerSentEvent | None
    data: Any


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
