"""Hypothesis strategies for OpenAI Responses streams.

Theory of operation
-------------------
:func:`openai_responses_streams` first draws the response the model wrote,
then how the wire delivered it, and keeps the two apart:

1. *The response.*  Its metadata (``id``, ``model``, ``created_at``, the
   request's settings echoed back, sometimes a key no SDK knows); one to a few
   output items of the drawn types: messages with ``output_text`` parts (any
   Unicode, with annotations, with or without logprobs) and ``refusal``
   parts; reasoning with summary parts and sometimes ``reasoning_text``
   content (as open-weight servers send it) and ``encrypted_content``;
   function calls (JSON arguments of varied values and spellings); custom
   tool calls (free text input); hosted tool calls (web search, file search,
   code interpreter with its code, image generation with partial images, MCP
   calls with their arguments); items of an unknown type.  The terminal kind
   (``completed``, or ``incomplete`` with its reason) and the usage.  The
   expected final ``response`` is built from these values directly (each
   item as it is finished, with its text, arguments and annotations put in),
   never by accumulating the wire, so that it is an oracle independent of any
   accumulator.
2. *The wire.*  ``response.created`` (``queued`` then ``response.queued`` in
   background mode), ``response.in_progress``; per item, in output order,
   ``response.output_item.added``, its events and ``response.output_item.done``:
   each part opened by ``content_part.added`` (``reasoning_summary_part.added``
   for summaries), its text cut into deltas (empty ones too) with
   ``output_text.annotation.added`` events among them, its ``.done`` event with
   the whole text, ``content_part.done`` with the whole part; arguments, input
   and code cut into deltas at the places incremental parsers break; hosted
   tools' status events (``in_progress``, ``searching``, ``interpreting``,
   ``generating``, ``completed``) around them.  Then ``response.completed`` or
   ``response.incomplete`` with the whole ``output``, the usage, and the
   ``service_tier`` actually used.  Every payload has a ``sequence_number``,
   0 upward by one; delta events sometimes carry ``obfuscation`` padding (one
   stream has it on every delta or on none, as the API sends it).  Events of an
   unknown type go anywhere between the first event and the terminal one.
3. *Disagreements* (``disagreements=True``): a ``.done`` text (and the
   final part or item with it) that is not its deltas joined; the stream
   lists each such field in ``corrections``.
4. *Real servers' quirks* (``quirks=True``): a terminal ``output`` of
   ``null`` or ``[]`` (the output is then rebuilt from the items), a part
   whose ``content_part.added`` never came (its first event opens it), and
   an item whose ``content_index`` does not restart at 0 (its parts are
   numbered on from a drawn number; their places in ``content`` are still
   0, 1, ...).  With
   ``interleave=True`` the items' events are merged in a drawn order (each
   item's own events stay in order), as output keyed by ``output_index``
   allows.

5. *The endings* (``truncation``, ``error_events``): a stream may stop, or
   end in an ``error`` event, where every item added is done; its
   ``expected`` is then the latest lifecycle ``response`` with those items,
   and ``expected_error`` names the conclusion.

The framing is drawn too: named events (``event: response.output_text.delta``)
or data-only ones, as proxies send them; :meth:`ResponsesStream.to_events`
can produce either.  Everything shrinks towards one short message in few
deltas.
"""

from __future__ import annotations

import base64
import json
import string
from typing import TYPE_CHECKING, Any

import attrs
from hypothesis import strategies as st

from sseparse.sse import ServerSentEvent, encode
from sseparse.testing._anthropic import (
    _IDS,
    _NAMES,
    _SHORT,
    _UNKNOWN,
    _input_text,
    _texts,
)
from sseparse.testing._check import check_bool, check_choices, check_int
from sseparse.testing._json import json_deltas, json_values, split_text

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "RESPONSES_ITEM_TYPES",
    "RESPONSES_TERMINALS",
    "ResponsesItem",
    "ResponsesPart",
    "ResponsesStream",
    "openai_responses_streams",
]

#: Every output item type :func:`openai_responses_streams` can draw;
#: ``"unknown"`` stands for an item type no accumulator knows (``x_...``).
RESPONSES_ITEM_TYPES: tuple[str, ...] = (
    "message",
    "reasoning",
    "function_call",
    "custom_tool_call",
    "web_search_call",
    "file_search_call",
    "code_interpreter_call",
    "image_generation_call",
    "mcp_call",
    "unknown",
)
#: The terminal events drawn: ``response.completed`` and
#: ``response.incomplete`` (``max_output_tokens`` or ``content_filter``).
RESPONSES_TERMINALS: tuple[str, ...] = ("completed", "incomplete")

# The item types whose text streams in deltas, and the wire names of them:
# type -> (delta/done event stem, done event's field, item field).
_STREAMED: dict[str, tuple[str, str, str]] = {
    "function_call": ("function_call_arguments", "arguments", "arguments"),
    "custom_tool_call": ("custom_tool_call_input", "input", "input"),
    "mcp_call": ("mcp_call_arguments", "arguments", "arguments"),
    "code_interpreter_call": ("code_interpreter_call_code", "code", "code"),
}
_PREFIXES = {
    "message": "msg_",
    "reasoning": "rs_",
    "function_call": "fc_",
    "custom_tool_call": "ctc_",
    "web_search_call": "ws_",
    "file_search_call": "fs_",
    "code_interpreter_call": "ci_",
    "image_generation_call": "ig_",
    "mcp_call": "mcp_",
    "unknown": "x_",
}
# The statuses each hosted tool reports, in order (around its own deltas).
_STATUSES = {
    "web_search_call": ("in_progress", "searching", "completed"),
    "file_search_call": ("in_progress", "searching", "completed"),
    "code_interpreter_call": ("in_progress", "interpreting", "completed"),
    "image_generation_call": ("in_progress", "generating", "completed"),
    "mcp_call": ("in_progress", "completed"),
}

_MODELS = st.one_of(
    st.sampled_from(["gpt-5", "gpt-4.1-mini-2025-04-14", "o4-mini", "gpt-oss-120b"]),
    st.text(string.ascii_letters + string.digits + "-./:@", min_size=1, max_size=16),
)
_COUNTS = st.integers(0, 10**6)
_TIMES = st.integers(1_700_000_000, 1_900_000_000)
_LOGPROB = st.floats(-30.0, 0.0)
_B64 = st.binary(max_size=12).map(lambda b: base64.b64encode(b).decode("ascii"))
_URLS = _IDS.map("https://example.com/{}".format)


def _token(text: str, logprob: float) -> dict[str, Any]:
    return {"token": text, "bytes": list(text.encode()), "logprob": logprob}


_TOP = st.builds(_token, _SHORT, _LOGPROB)
_LOGPROBS = st.builds(
    lambda token, top: {**token, "top_logprobs": top},
    st.builds(_token, _SHORT, _LOGPROB),
    st.lists(_TOP, max_size=2),
)


def _annotation(kind: str, n: int, title: str, name: str) -> dict[str, Any]:
    if kind == "url_citation":
        return {
            "type": kind,
            "start_index": n,
            "end_index": n + len(title),
            "title": title,
            "url": f"https://example.com/{n}",
        }
    if kind == "file_citation":
        return {"type": kind, "file_id": f"file-{n}", "filename": name, "index": n}
    if kind == "container_file_citation":
        return {
            "type": kind,
            "container_id": f"cntr_{n}",
            "file_id": f"cfile_{n}",
            "filename": name,
            "start_index": n,
            "end_index": n + 1,
        }
    return {"type": "file_path", "file_id": f"cfile_{n}", "index": n}


_ANNOTATIONS = st.builds(
    _annotation,
    st.sampled_from(
        ["url_citation", "file_citation", "container_file_citation", "file_path"]
    ),
    st.integers(0, 50),
    _SHORT,
    _NAMES.map("{}.csv".format),
)


@attrs.frozen(kw_only=True)
class ResponsesPart:
    """One drawn text part of an item: what was sent and what it adds up to.

    Attributes:
        kind: ``"output_text"``, ``"refusal"`` (message content),
            ``"summary_text"`` (a reasoning summary) or ``"reasoning_text"``
            (reasoning content).
        index: its ``content_index`` on the wire (``summary_index`` for a
            summary part).
        position: its place in the item's ``content`` (or ``summary``) list:
            :attr:`index`, unless the quirk of a ``content_index`` that does
            not restart at 0 for each item moved the wire's numbers up.
        text: the whole text: the ``.done`` event's, the final part's.
        accumulated: the deltas joined: :attr:`text`, unless the
            ``disagreements`` option drew a ``.done`` that says otherwise.
        deltas: the delta texts sent, empty ones included.
        final: the part in the final item (and in its ``.done`` events).
        annotations: output text: the ``annotation.added`` annotations sent.
        logprobs: output text: the logprobs sent, over every delta, in order.
        implicit: whether its ``content_part.added`` was left out (a quirk).
    """

    kind: str
    index: int
    position: int
    text: str
    accumulated: str
    deltas: tuple[str, ...]
    final: dict[str, Any]
    annotations: tuple[dict[str, Any], ...] = ()
    logprobs: tuple[dict[str, Any], ...] = ()
    implicit: bool = False


@attrs.frozen(kw_only=True)
class ResponsesItem:
    """One drawn output item: how it started and what it adds up to.

    Attributes:
        index: its ``output_index`` on the wire (its position in ``output``).
        type: the item type as sent (``"x_..."`` for an unknown one).
        id: the item's ``id`` (the ``item_id`` of its events).
        added: the ``item`` of its ``response.output_item.added``, as sent.
        final: the item in the final response (and its ``output_item.done``).
        parts: messages and reasoning: the text parts, in wire order
            (reasoning: the ``reasoning_text`` content, then the summary).
        arguments: function, custom tool and MCP calls and code interpreter
            calls: the whole arguments, input or code (as the ``.done`` event
            and the final item say it); ``None`` otherwise.
        accumulated: the same calls: the deltas joined: :attr:`arguments`,
            unless the ``disagreements`` option drew otherwise.
        fragments: the delta texts, empty ones included.
        statuses: hosted tools: the status event types sent, in order.
        partial_images: image generation: the ``partial_image`` payloads.
    """

    index: int
    type: str
    id: str
    added: dict[str, Any]
    final: dict[str, Any]
    parts: tuple[ResponsesPart, ...] = ()
    arguments: str | None = None
    accumulated: str | None = None
    fragments: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    partial_images: tuple[dict[str, Any], ...] = ()


@attrs.frozen(kw_only=True)
class ResponsesStream:
    """One drawn OpenAI Responses stream and the final response it implies.

    Attributes:
        payloads: the JSON payloads (``response.created`` ... the terminal
            one, unknown events included), in wire order, each with its
            ``sequence_number``.
        expected: the final ``response`` (plain dicts, wire shape) the payloads
            add up to, built from the drawn response, not from the payloads:
            the terminal event's ``response`` with ``output`` the finished
            items (also when the terminal event sent ``null`` or ``[]``).
        expected_snapshot: the ``response`` as it stands just before the
            terminal event: the last lifecycle event's ``response``
            (``created`` / ``queued`` / ``in_progress``) with ``output`` the
            finished items.
        items: the output items, in ``output_index`` order.
        terminal: ``"completed"`` or ``"incomplete"``.
        corrections: where an authoritative value (``.done`` event, part and
            item done, terminal output) disagrees with non-empty accumulated
            deltas (the ``disagreements`` option): ``{"path": ...,
            "accumulated": ..., "authoritative": ...}`` per field, ``path``
            as ``output[1].content[0].text`` / ``output[2].arguments``, in
            item and part order.  Empty otherwise.
        named: whether :meth:`to_events` names each event after its payload's
            ``type`` by default (else data-only, as some proxies send it).
        ensure_ascii: how the payloads are serialised.
        expected_error: ``None`` for a whole stream; ``"IncompleteStream"``
            for a cut one (no terminal event); ``"StreamError"`` for one that
            ends in an ``error`` event.  :attr:`expected` (and
            :attr:`expected_snapshot`) is then the snapshot the error
            carries; :attr:`items` and :attr:`terminal` still describe the
            whole response that was drawn (only its first items were sent,
            and :attr:`corrections` lists theirs only).
        error_body: a failed stream's ``error`` payload, as sent (what
            ``StreamError.body`` carries); else ``None``.
        tail: bytes that :meth:`to_sse` appends after the events: a cut
            stream's next event cut before its blank line, which a conforming
            decoder never dispatches; usually empty.
    """

    payloads: list[dict[str, Any]]
    expected: dict[str, Any]
    expected_snapshot: dict[str, Any]
    items: tuple[ResponsesItem, ...]
    terminal: str
    corrections: tuple[dict[str, Any], ...] = ()
    named: bool = True
    ensure_ascii: bool = False
    expected_error: str | None = None
    error_body: Any = None
    tail: bytes = b""

    def to_events(self, *, named: bool | None = None) -> list[ServerSentEvent]:
        """The stream as server-sent events, one per payload.

        Args:
            named: ``True``: ``event:`` is the payload's ``type``, as OpenAI
                sends it; ``False``: data-only events (``"message"``);
                ``None``: the drawn :attr:`named`.

        Returns:
            :class:`~sseparse.ServerSentEvent` values.
        """
        named = self.named if named is None else named
        dumps = json.JSONEncoder(ensure_ascii=self.ensure_ascii, separators=(",", ":"))
        return [
            ServerSentEvent(
                event=str(payload["type"]) if named else "message",
                data=dumps.encode(payload),
            )
            for payload in self.payloads
        ]

    def to_sse(self, *, named: bool | None = None) -> bytes:
        """The stream as a ``text/event-stream`` body (UTF-8 bytes).

        Args:
            named: as for :meth:`to_events`.

        Returns:
            The encoded :meth:`to_events`, then :attr:`tail`.
        """
        return b"".join(map(encode, self.to_events(named=named))) + self.tail


# -- items -------------------------------------------------------------------------

_Made = tuple[ResponsesItem, list[dict[str, Any]]]


@attrs.define
class _Wire:
    """The drawing context of one stream: options and stream-wide draws."""

    draw: st.DrawFn
    max_text_size: int
    max_input_leaves: int
    quirks: bool
    obfuscate: bool
    disagree: bool

    def delta(self, kind: str, where: dict[str, Any], text: str) -> dict[str, Any]:
        payload = {"type": f"response.{kind}.delta", **where, "delta": text}
        if self.obfuscate:
            payload["obfuscation"] = self.draw(st.text(string.ascii_letters))
        return payload

    def implicit(self) -> bool:
        return self.quirks and self.draw(st.integers(0, 5)) == 0

    def authoritative(self, sent: str, *, json_text: bool = False) -> str:
        """What the done events say of the text *sent* in deltas.

        *sent* itself, or, with the ``disagreements`` option, sometimes
        another text (JSON text for JSON arguments).
        """
        if not self.disagree or self.draw(st.integers(0, 2)):
            return sent
        if json_text:
            return '{"corrected": ' + sent + "}"
        other = _texts(self.max_text_size).filter(lambda text: text != sent)
        return self.draw(other)

    def first_content_index(self) -> int:
        """0, or (a quirk) a number that goes on from an earlier item's."""
        if self.quirks and self.draw(st.integers(0, 5)) == 0:
            return self.draw(st.integers(1, 4))
        return 0


def _text_part(
    wire: _Wire, kind: str, where: dict[str, Any], position: int, index: int
) -> tuple[ResponsesPart, list[dict[str, Any]]]:
    """An ``output_text``, ``refusal`` or ``reasoning_text`` content part."""
    draw = wire.draw
    at = {**where, "content_index": index}
    sent = draw(_texts(wire.max_text_size))
    pieces = draw(split_text(sent))
    text = wire.authoritative(sent)
    field = "refusal" if kind == "refusal" else "text"
    stem = kind
    events = [wire.delta(stem, at, piece) for piece in pieces]
    start: dict[str, Any] = {"type": kind, field: ""}
    final: dict[str, Any] = {"type": kind, field: text}
    annotations: list[dict[str, Any]] = []
    logprobs: list[dict[str, Any]] = []
    done: dict[str, Any] = {"type": f"response.{stem}.done", **at, field: text}
    if kind == "output_text":
        with_logprobs = draw(st.booleans())
        for event in events:
            tokens = draw(st.lists(_LOGPROBS, max_size=2)) if with_logprobs else []
            event["logprobs"] = tokens
            logprobs += tokens
        annotations = draw(st.lists(_ANNOTATIONS, max_size=3))
        places = sorted(
            draw(
                st.lists(
                    st.integers(0, len(events)),
                    min_size=len(annotations),
                    max_size=len(annotations),
                )
            )
        )
        for n, (place, annotation) in enumerate(zip(places, annotations, strict=True)):
            added = {
                "type": "response.output_text.annotation.added",
                **at,
                "annotation_index": n,
                "annotation": annotation,
            }
            events.insert(place + n, added)
        start = {"type": kind, "annotations": [], "logprobs": [], "text": ""}
        final = {"type": kind, "annotations": annotations, "logprobs": logprobs}
        final["text"] = text
        done["logprobs"] = logprobs
    implicit = wire.implicit()
    opened = [] if implicit else [_part_event("content_part.added", at, start)]
    part = ResponsesPart(
        kind=kind,
        index=index,
        position=position,
        text=text,
        accumulated=sent,
        deltas=tuple(pieces),
        final=final,
        annotations=tuple(annotations),
        logprobs=tuple(logprobs),
        implicit=implicit,
    )
    return part, [*opened, *events, done, _part_event("content_part.done", at, final)]


def _part_event(kind: str, at: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    return {"type": f"response.{kind}", **at, "part": part}


def _summary_part(
    wire: _Wire, where: dict[str, Any], index: int
) -> tuple[ResponsesPart, list[dict[str, Any]]]:
    at = {**where, "summary_index": index}
    sent = wire.draw(_texts(wire.max_text_size))
    pieces = wire.draw(split_text(sent))
    text = wire.authoritative(sent)
    final = {"type": "summary_text", "text": text}
    events = [
        _part_event("reasoning_summary_part.added", at, {**final, "text": ""}),
        *(wire.delta("reasoning_summary_text", at, piece) for piece in pieces),
        {"type": "response.reasoning_summary_text.done", **at, "text": text},
        _part_event("reasoning_summary_part.done", at, final),
    ]
    part = ResponsesPart(
        kind="summary_text",
        index=index,
        position=index,
        text=text,
        accumulated=sent,
        deltas=tuple(pieces),
        final=final,
    )
    return part, events


def _message(wire: _Wire, index: int, item_id: str) -> _Made:
    draw = wire.draw
    added: dict[str, Any] = {
        "id": item_id,
        "type": "message",
        "status": "in_progress",
        "content": [],
        "role": "assistant",
    }
    if draw(st.booleans()):
        added["phase"] = draw(st.sampled_from([None, "final_answer", "commentary"]))
    where = {"item_id": item_id, "output_index": index}
    kinds = draw(
        st.lists(
            st.sampled_from(["output_text", "output_text", "refusal"]),
            min_size=1,
            max_size=2,
        )
    )
    parts: list[ResponsesPart] = []
    events: list[dict[str, Any]] = []
    base = wire.first_content_index()
    for position, kind in enumerate(kinds):
        part, sent = _text_part(wire, kind, where, position, base + position)
        parts.append(part)
        events += sent
    final = {**added, "status": "completed", "content": [p.final for p in parts]}
    item = ResponsesItem(
        index=index,
        type="message",
        id=item_id,
        added=added,
        final=final,
        parts=tuple(parts),
    )
    return item, events


def _reasoning(wire: _Wire, index: int, item_id: str) -> _Made:
    draw = wire.draw
    added: dict[str, Any] = {"id": item_id, "type": "reasoning", "summary": []}
    final: dict[str, Any] = dict(added)
    if draw(st.booleans()):
        # Only output_item.done carries the whole encrypted content.
        added["encrypted_content"] = None
        final["encrypted_content"] = draw(_B64.map("gAAAA{}".format))
    where = {"item_id": item_id, "output_index": index}
    parts: list[ResponsesPart] = []
    events: list[dict[str, Any]] = []
    if draw(st.integers(0, 3)) == 0:  # open-weight servers' reasoning text
        base = wire.first_content_index()
        part, sent = _text_part(wire, "reasoning_text", where, 0, base)
        parts.append(part)
        events += sent
        final["content"] = [part.final]
    summaries = []
    for summary_index in range(draw(st.integers(0, 2))):
        part, sent = _summary_part(wire, where, summary_index)
        parts.append(part)
        summaries.append(part.final)
        events += sent
    final["summary"] = summaries
    item = ResponsesItem(
        index=index,
        type="reasoning",
        id=item_id,
        added=added,
        final=final,
        parts=tuple(parts),
    )
    return item, events


def _streamed_text(wire: _Wire, kind: str) -> tuple[str, list[str]]:
    """A call's arguments (JSON text) or free text, and its deltas."""
    if kind in ("function_call", "mcp_call"):
        _, text = wire.draw(_input_text(wire.max_input_leaves, escaped_only=True))
        return text, wire.draw(json_deltas(text))
    text = wire.draw(_texts(wire.max_text_size))
    return text, wire.draw(split_text(text))


def _call(wire: _Wire, index: int, item_id: str, kind: str) -> _Made:
    """A function, custom tool, MCP or code interpreter call, and its deltas."""
    draw = wire.draw
    stem, done_field, field = _STREAMED[kind]
    added: dict[str, Any] = {"id": item_id, "type": kind}
    final: dict[str, Any]
    if kind in ("function_call", "custom_tool_call"):
        added["call_id"] = "call_" + draw(_IDS)
        added["name"] = draw(_NAMES)
        if draw(st.booleans()):
            added["namespace"] = None  # a key a server may send as null
    if kind == "mcp_call":
        added.update(
            server_label=draw(_NAMES),
            name=draw(_NAMES),
            approval_request_id=None,
            error=None,
            output=None,
        )
    if kind == "code_interpreter_call":
        added["container_id"] = "cntr_" + draw(_IDS)
        added["outputs"] = None
    if kind != "custom_tool_call":
        added["status"] = "in_progress"
    added[field] = ""
    sent, fragments = _streamed_text(wire, kind)
    text = wire.authoritative(sent, json_text=kind in ("function_call", "mcp_call"))
    where = {"item_id": item_id, "output_index": index}
    deltas = [wire.delta(stem, where, fragment) for fragment in fragments]
    done = {"type": f"response.{stem}.done", **where, done_field: text}
    final = {**added, field: text}
    statuses = _STATUSES.get(kind, ())
    events = [*deltas, done]
    if kind == "mcp_call":
        final["output"] = draw(_SHORT)
    if kind == "code_interpreter_call":
        logs = draw(
            st.lists(_SHORT.map(lambda t: {"type": "logs", "logs": t}), max_size=2)
        )
        final["outputs"] = logs or draw(st.sampled_from([None, []]))
    if statuses:
        final["status"] = "completed"
        status = [_status(kind, s, where) for s in statuses]
        # in_progress first; the others (interpreting, completed) after the code.
        events = [status[0], *events, *status[1:]]
    elif kind == "function_call":
        final["status"] = "completed"
    item = ResponsesItem(
        index=index,
        type=kind,
        id=item_id,
        added=added,
        final=final,
        arguments=text,
        accumulated=sent,
        fragments=tuple(fragments),
        statuses=tuple(f"response.{kind}.{s}" for s in statuses),
    )
    return item, events


def _status(kind: str, status: str, where: dict[str, Any]) -> dict[str, Any]:
    return {"type": f"response.{kind}.{status}", **where}


def _hosted(wire: _Wire, index: int, item_id: str, kind: str) -> _Made:
    """A web search, file search or image generation call and its statuses."""
    draw = wire.draw
    where = {"item_id": item_id, "output_index": index}
    added: dict[str, Any] = {"id": item_id, "type": kind, "status": "in_progress"}
    final: dict[str, Any]
    images: list[dict[str, Any]] = []
    if kind == "web_search_call":
        action: dict[str, Any] = {"type": "search", "query": draw(_SHORT)}
        if draw(st.booleans()):
            action["sources"] = [
                {"type": "url", "url": url} for url in draw(st.lists(_URLS, max_size=2))
            ]
        added["action"] = {"type": "search"}  # the query comes at the end
        final = {**added, "status": "completed", "action": action}
    elif kind == "file_search_call":
        added.update(queries=[], results=None)
        results = draw(
            st.one_of(
                st.none(),
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "file_id": _IDS.map("file-{}".format),
                            "filename": _NAMES,
                            "score": st.floats(0, 1),
                            "text": _SHORT,
                            "attributes": st.just({}),
                        }
                    ),
                    max_size=2,
                ),
            )
        )
        final = {
            **added,
            "status": "completed",
            "queries": draw(st.lists(_SHORT, min_size=1, max_size=2)),
            "results": results,
        }
    else:  # image_generation_call
        added["result"] = None
        look = {
            "output_format": "png",
            "size": draw(st.sampled_from(["1024x1024", "1536x1024", "auto"])),
            "quality": draw(st.sampled_from(["low", "medium", "high"])),
            "background": draw(st.sampled_from(["opaque", "transparent"])),
        }
        for n, image in enumerate(draw(st.lists(_B64, max_size=2))):
            images.append(
                {
                    "type": "response.image_generation_call.partial_image",
                    **where,
                    "partial_image_index": n,
                    "partial_image_b64": image,
                    **look,
                }
            )
        final = {**added, "status": "completed", "result": draw(_B64), **look}
        final["revised_prompt"] = draw(_SHORT)
    statuses = _STATUSES[kind]
    status = [_status(kind, s, where) for s in statuses]
    events = [*status[:-1], *images, status[-1]]
    item = ResponsesItem(
        index=index,
        type=kind,
        id=item_id,
        added=added,
        final=final,
        statuses=tuple(f"response.{kind}.{s}" for s in statuses),
        partial_images=tuple(images),
    )
    return item, events


def _unknown(wire: _Wire, index: int, item_id: str) -> _Made:
    # Never "..._call": a name the vocabulary reads as a hosted tool call.
    kind = wire.draw(_UNKNOWN.filter(lambda name: not name.endswith("_call")))
    item = {
        "id": item_id,
        "type": kind,
        "value": wire.draw(json_values(max_leaves=4)),
    }
    made = ResponsesItem(
        index=index, type=item["type"], id=item_id, added=item, final=item
    )
    return made, []


# -- the response ------------------------------------------------------------------


@st.composite
def _base(draw: st.DrawFn, background: bool) -> dict[str, Any]:
    """The ``response`` of ``response.created``: settings echoed, no output."""
    response: dict[str, Any] = {
        "id": "resp_" + draw(_IDS),
        "object": "response",
        "created_at": draw(_TIMES),
        "status": "queued" if background else "in_progress",
        "background": background,
        "error": None,
        "incomplete_details": None,
        "instructions": draw(st.one_of(st.none(), _SHORT)),
        "max_output_tokens": draw(st.one_of(st.none(), st.integers(16, 4096))),
        "model": draw(_MODELS),
        "output": [],
        "parallel_tool_calls": draw(st.booleans()),
        "previous_response_id": None,
        "service_tier": "auto",
        "store": draw(st.booleans()),
        "temperature": draw(st.sampled_from([None, 1.0, 0.2])),
        "tool_choice": draw(st.sampled_from(["auto", "none", "required"])),
        "tools": [],
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": None,
        "metadata": {},
    }
    if draw(st.booleans()):
        response["reasoning"] = {"effort": "medium", "summary": "auto"}
        response["text"] = {"format": {"type": "text"}, "verbosity": "medium"}
    if draw(st.integers(0, 3)) == 0:
        # A key no SDK knows yet: kept as sent.
        response[draw(_UNKNOWN)] = draw(_SHORT)
    return response


@st.composite
def _usage(draw: st.DrawFn) -> dict[str, Any]:
    read, written = draw(_COUNTS), draw(_COUNTS)
    inputs, outputs, reasoning = draw(_COUNTS), draw(_COUNTS), draw(_COUNTS)
    return {
        "input_tokens": inputs + read,
        "input_tokens_details": {"cached_tokens": read, "cache_write_tokens": written},
        "output_tokens": outputs + reasoning,
        "output_tokens_details": {"reasoning_tokens": reasoning},
        "total_tokens": inputs + read + outputs + reasoning,
    }


def _merge(draw: st.DrawFn, lists: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The lists merged in a drawn order, each list's own order kept."""
    left = [list(reversed(events)) for events in lists if events]
    merged: list[dict[str, Any]] = []
    while left:
        pick = draw(st.integers(0, len(left) - 1))
        merged.append(left[pick].pop())
        if not left[pick]:
            del left[pick]
    return merged


@st.composite
def _streams(
    draw: st.DrawFn,
    max_items: int,
    max_text_size: int,
    max_input_leaves: int,
    item_types: tuple[str, ...],
    terminals: tuple[str, ...],
    quirks: bool,
    interleave: bool,
    unknown_events: bool,
    disagreements: bool,
    endings: tuple[str, ...],
) -> ResponsesStream:
    obfuscate = draw(st.booleans())
    wire = _Wire(
        draw, max_text_size, max_input_leaves, quirks, obfuscate, disagreements
    )
    background = draw(st.integers(0, 4)) == 0
    created = draw(_base(background))
    lifecycle: list[dict[str, Any]] = [
        {"type": "response.created", "response": created}
    ]
    if background:
        lifecycle.append({"type": "response.queued", "response": created})
    latest = {**created, "status": "in_progress"}
    lifecycle.append({"type": "response.in_progress", "response": latest})

    items: list[ResponsesItem] = []
    per_item: list[list[dict[str, Any]]] = []
    kinds = draw(st.lists(st.sampled_from(item_types), min_size=1, max_size=max_items))
    for index, kind in enumerate(kinds):
        item_id = _PREFIXES[kind] + draw(_IDS)
        made: _Made
        if kind == "message":
            made = _message(wire, index, item_id)
        elif kind == "reasoning":
            made = _reasoning(wire, index, item_id)
        elif kind in _STREAMED:
            made = _call(wire, index, item_id, kind)
        elif kind in _STATUSES:
            made = _hosted(wire, index, item_id, kind)
        else:
            made = _unknown(wire, index, item_id)
        item, events = made
        items.append(item)
        per_item.append(
            [
                {
                    "type": "response.output_item.added",
                    "output_index": index,
                    "item": item.added,
                },
                *events,
                {
                    "type": "response.output_item.done",
                    "output_index": index,
                    "item": item.final,
                },
            ]
        )
    body = (
        _merge(draw, per_item)
        if interleave
        else [event for events in per_item for event in events]
    )

    terminal = draw(st.sampled_from(terminals))
    finals = [item.final for item in items]
    output: list[dict[str, Any]] | None = finals
    if quirks and draw(st.integers(0, 3)) == 0:
        output = draw(st.sampled_from([None, []]))
    ending: dict[str, Any] = {
        **latest,
        "status": terminal,
        "output": output,
        "usage": draw(_usage()),
        "service_tier": draw(st.sampled_from(["auto", "default", "flex"])),
    }
    if terminal == "completed":
        ending["completed_at"] = created["created_at"] + draw(st.integers(0, 600))
    else:
        reason = draw(st.sampled_from(["max_output_tokens", "content_filter"]))
        ending["incomplete_details"] = {"reason": reason}

    payloads = [*lifecycle, *body]
    if unknown_events:
        for place in sorted(
            draw(st.lists(st.integers(1, len(payloads)), max_size=2)), reverse=True
        ):
            name = draw(_UNKNOWN)
            payloads.insert(place, {"type": f"response.{name}", "value": draw(_SHORT)})
    named, ensure_ascii = draw(st.booleans()), draw(st.booleans())
    last = {"type": f"response.{terminal}", "response": ending}
    ending_kind = draw(st.sampled_from(endings))
    cuts = _cut_points(payloads) if ending_kind != "complete" else []
    if not cuts:
        payloads.append(last)
        _number(payloads)
        return ResponsesStream(
            payloads=payloads,
            expected={**ending, "output": finals},
            expected_snapshot={**latest, "output": finals},
            items=tuple(items),
            terminal=terminal,
            corrections=tuple(_corrections(items)),
            named=named,
            ensure_ascii=ensure_ascii,
        )
    cut = draw(st.sampled_from(cuts))
    kept, following = payloads[:cut], [*payloads[cut:], last]
    done = sum(p["type"] == "response.output_item.done" for p in kept)
    lifecycle_now = [p for p in kept if p["type"] in _LIFECYCLE][-1]["response"]
    snapshot = {**lifecycle_now, "output": finals[:done]}
    error: dict[str, Any] | None = None
    if ending_kind == "error":
        error = {
            "type": "error",
            "code": draw(st.sampled_from(["server_error", "rate_limit_exceeded"])),
            "message": draw(_SHORT),
            "param": None,
        }
        kept.append(error)
    _number(kept)
    tail = b""
    if error is None and draw(st.booleans()):
        # The next event, cut before its blank line: never dispatched.
        _number(following, start=len(kept))
        event = encode(
            ResponsesStream(
                payloads=following[:1],
                expected={},
                expected_snapshot={},
                items=(),
                terminal=terminal,
                named=named,
                ensure_ascii=ensure_ascii,
            ).to_events()[0]
        )
        tail = event[: draw(st.integers(1, len(event) - 1))]
    return ResponsesStream(
        payloads=kept,
        expected=snapshot,
        expected_snapshot=snapshot,
        items=tuple(items),
        terminal=terminal,
        corrections=tuple(_corrections(items[:done])),
        named=named,
        ensure_ascii=ensure_ascii,
        expected_error="IncompleteStream" if error is None else "StreamError",
        error_body=error,
        tail=tail,
    )


_LIFECYCLE = ("response.created", "response.queued", "response.in_progress")


def _number(payloads: list[dict[str, Any]], start: int = 0) -> None:
    for number, payload in enumerate(payloads, start):
        payload["sequence_number"] = number


def _cut_points(payloads: list[dict[str, Any]]) -> list[int]:
    """Where a stream may stop short: after ``response.created``, before the
    terminal event, where the items added so far are all done and are the
    first ones (``output_index`` 0, 1, ...): a partial item is the consumer's
    own business."""
    cuts: list[int] = []
    added: set[int] = set()
    done: set[int] = set()
    for position, payload in enumerate(payloads, start=1):
        kind = payload["type"]
        if kind == "response.output_item.added":
            added.add(payload["output_index"])
        elif kind == "response.output_item.done":
            done.add(payload["output_index"])
        if added == done and done == set(range(len(done))):
            cuts.append(position)
    return cuts


def _corrections(items: list[ResponsesItem]) -> list[dict[str, Any]]:
    """The disagreements drawn, where deltas had built some text."""
    found: list[tuple[str, str | None, str | None]] = []
    for item in items:
        at = f"output[{item.index}]"
        for part in item.parts:
            group = "summary" if part.kind == "summary_text" else "content"
            field = "refusal" if part.kind == "refusal" else "text"
            path = f"{at}.{group}[{part.position}].{field}"
            found.append((path, part.accumulated, part.text))
        if item.arguments is not None:
            path = f"{at}.{_STREAMED[item.type][2]}"
            found.append((path, item.accumulated, item.arguments))
    return [
        {"path": path, "accumulated": sent, "authoritative": said}
        for path, sent, said in found
        if sent and sent != said
    ]


def openai_responses_streams(
    *,
    max_items: int = 4,
    max_text_size: int = 40,
    max_input_leaves: int = 6,
    item_types: Sequence[str] = RESPONSES_ITEM_TYPES,
    terminals: Sequence[str] = RESPONSES_TERMINALS,
    quirks: bool = True,
    interleave: bool = False,
    unknown_events: bool = True,
    disagreements: bool = False,
    truncation: bool = False,
    error_events: bool = False,
) -> st.SearchStrategy[ResponsesStream]:
    """OpenAI Responses streams, with the final response they imply.

    Each :class:`ResponsesStream` holds the payloads, from ``response.created``
    to ``response.completed`` or ``response.incomplete``, and ``expected``:
    the ``response`` built from the drawn one (never by accumulating the
    payloads).  Every stream is whole: each item is added and done, each part
    opened (unless a quirk leaves that out) and done, every argument text is
    whole JSON (also under ``incomplete``), and the terminal event ends it.

    ``expected`` is the terminal event's ``response`` as sent (its
    ``status``, ``usage``, ``incomplete_details``, ``completed_at``,
    ``service_tier``, and the creation's other keys) with ``output`` the
    items as their ``output_item.done`` sends them: each the added item with
    its parts' whole texts (``text``, ``refusal``, ``summary``), annotations
    and logprobs, its whole ``arguments`` / ``input`` / ``code``, its status
    ``completed`` and the fields only the end brings (search actions and
    results, image results, MCP output, encrypted reasoning).

    With ``truncation`` or ``error_events``, some streams do not end well, and
    :attr:`ResponsesStream.expected_error` says what a consumer must
    conclude: ``"IncompleteStream"`` (the connection dropped after
    ``response.created`` and before the terminal event, where every item
    added so far is done, sometimes with the start of the next event in
    :attr:`ResponsesStream.tail`) or ``"StreamError"`` (an ``error`` event,
    ``{"type": "error", "code": ..., "message": ..., "param": null}``, at
    such a point).  ``expected`` is then the snapshot there: the latest
    lifecycle event's ``response`` with ``output`` the items done so far.

    Args:
        max_items: the most output items (at least one is drawn).
        max_text_size: the most characters in a text part, custom tool input
            or code.
        max_input_leaves: about the most leaves in a value of function or MCP
            call arguments.
        item_types: the item types to draw, from :data:`RESPONSES_ITEM_TYPES`.
            Leave out ``"unknown"`` for responses that
            ``openai.types.responses.Response.model_validate`` accepts.
        terminals: the terminal events to draw, from
            :data:`RESPONSES_TERMINALS`.
        quirks: also draw real servers' deviations: a terminal ``output`` of
            ``null`` or ``[]``, a content part without its
            ``content_part.added``, and ``content_index`` numbers that do not
            start at 0 in an item.
        interleave: merge the items' events in a drawn order (each item's own
            events stay in order) instead of one item after the other.
        unknown_events: put events of unknown types (``response.x_...``) at
            random places between the first event and the terminal one.
        disagreements: sometimes make a part's or a call's ``.done`` text (and
            so its final part or item) differ from its deltas joined, as a
            server that corrects itself (or a proxy that garbles deltas)
            would; :attr:`ResponsesStream.corrections` lists them.
        truncation: some streams are cut (``expected_error``
            ``"IncompleteStream"``).
        error_events: some streams end in an ``error`` event
            (``expected_error`` ``"StreamError"``).

    Returns:
        A strategy of :class:`ResponsesStream`.

    Raises:
        hypothesis.errors.InvalidArgument: an option of the wrong type or range.
    """
    where = "openai_responses_streams"
    endings = ["complete"]
    if check_bool(where, "truncation", truncation):
        endings.append("cut")
    if check_bool(where, "error_events", error_events):
        endings.append("error")
    return _streams(
        check_int(where, "max_items", max_items, low=1),
        check_int(where, "max_text_size", max_text_size, low=0),
        check_int(where, "max_input_leaves", max_input_leaves, low=1),
        check_choices(where, "item_types", item_types, RESPONSES_ITEM_TYPES),
        check_choices(where, "terminals", terminals, RESPONSES_TERMINALS),
        check_bool(where, "quirks", quirks),
        check_bool(where, "interleave", interleave),
        check_bool(where, "unknown_events", unknown_events),
        check_bool(where, "disagreements", disagreements),
        tuple(endings),
    )
