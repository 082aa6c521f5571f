"""Hypothesis strategies for Anthropic Messages streams.

Theory of operation
-------------------
:func:`anthropic_message_streams` first draws the message the model wrote, then
how the wire delivered it, and keeps the two apart:

1. *The message.*  Start metadata (``id``, ``model``, usage or none, sometimes
   ``stop_details``/``container`` keys set to ``null``); one to a few content
   blocks of the drawn kinds: text (any Unicode, with citations or not),
   thinking with zero to two signatures, redacted thinking, client tool use,
   server and MCP tool use (inputs are JSON objects of varied values and
   spellings), whole tool results (web search, code execution, MCP), container
   uploads and blocks of an unknown type; a stop reason with its
   ``stop_sequence``/``stop_details``, cumulative usage and sometimes a
   container.  The expected final ``message`` is built from these values
   directly (each block as started, with its text, input, signature and
   citations put in), never by accumulating the wire, so that it is an oracle
   independent of any accumulator.
2. *The wire.*  ``message_start``; per block, in index order,
   ``content_block_start``, its deltas and ``content_block_stop``: text cut into
   ``text_delta`` pieces (empty ones too, the first piece sometimes already in
   the start block) with ``citations_delta`` between them; thinking cut into
   ``thinking_delta`` pieces, then its ``signature_delta`` events (the last one
   wins); tool input cut into ``input_json_delta`` fragments at the places
   incremental parsers break (:func:`json_deltas`), with an empty first
   fragment sometimes, or given whole in the start block with no or only empty
   fragments; unknown deltas in unknown blocks.  Then zero or one earlier
   ``message_delta`` without a stop reason, the ``message_delta`` that brings
   it, ``message_stop``.  ``ping`` events go anywhere before ``message_stop``
   and events of an unknown type anywhere between the start and the stop.
3. *The merge traps.*  Usage in ``message_delta`` is cumulative: it repeats or
   raises the counts sent before, may carry ``input_tokens`` and cache counts
   again, and may send ``null`` for a count already known (latest non-null
   wins, so the known count stays).  Signatures replace, they are not
   concatenated.

4. *The endings* (``truncation``, ``error_events``): a stream may stop, or
   end in an ``error`` event, between blocks or inside a text or thinking
   block; its ``expected`` is then the snapshot there (built from the
   payloads sent and the drawn blocks), and ``expected_error`` names the
   conclusion.

The framing is drawn too: named events (``event: content_block_delta``) or
data-only ones, as proxies send them; :meth:`AnthropicStream.to_events` can
produce either, so that a test can check that the two give the same result.
Everything shrinks towards one short text block in few deltas.
"""

from __future__ import annotations

import json
import string
from typing import TYPE_CHECKING, Any

import attrs
from hypothesis import strategies as st

from sseparse.sse import ServerSentEvent, encode
from sseparse.testing._check import check_bool, check_choices, check_int
from sseparse.testing._json import _respell, json_deltas, json_values, split_text
from sseparse.testing._openai_chat import _TRICKY_CHARS

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "ANTHROPIC_BLOCK_TYPES",
    "ANTHROPIC_STOP_REASONS",
    "AnthropicBlock",
    "AnthropicStream",
    "anthropic_message_streams",
]

#: Every block kind :func:`anthropic_message_streams` can draw; ``"unknown"``
#: stands for a block type no accumulator knows (``x_...``).
ANTHROPIC_BLOCK_TYPES: tuple[str, ...] = (
    "text",
    "thinking",
    "redacted_thinking",
    "tool_use",
    "server_tool_use",
    "web_search_tool_result",
    "code_execution_tool_result",
    "mcp_tool_use",
    "mcp_tool_result",
    "container_upload",
    "unknown",
)
#: Every stop reason the Messages API documents.
ANTHROPIC_STOP_REASONS: tuple[str, ...] = (
    "end_turn",
    "max_tokens",
    "stop_sequence",
    "tool_use",
    "pause_turn",
    "refusal",
    "model_context_window_exceeded",
)

_TOOL_USE_TYPES = ("tool_use", "server_tool_use", "mcp_tool_use")
_ERROR_TYPES = ("overloaded_error", "api_error", "rate_limit_error")
# The names anthropic's ServerToolUseBlock accepts.
_SERVER_TOOLS = ("web_search", "web_fetch", "code_execution", "bash_code_execution")

_CHARS = st.one_of(
    st.sampled_from(_TRICKY_CHARS),
    st.characters(exclude_categories=["Cs"]),
    st.sampled_from(string.ascii_letters + " .,"),
)


def _texts(max_size: int) -> st.SearchStrategy[str]:
    return st.lists(_CHARS, max_size=max_size).map("".join)


_ALNUM = string.ascii_letters + string.digits
_IDS = st.text(_ALNUM, min_size=1, max_size=10)
_SHORT = _texts(12)
_COUNTS = st.integers(0, 10**6)
_NAMES = st.one_of(
    st.sampled_from(["get_weather", "search", "f", "run_sql"]),
    st.text(_ALNUM + "_-", min_size=1, max_size=12),
)
_MODELS = st.one_of(
    st.sampled_from(["claude-sonnet-4-5", "claude-opus-4-1", "claude-3-5-haiku"]),
    st.text(_ALNUM + "-./:@", min_size=1, max_size=16),
)
# Unknown names: never ending in "tool_use" or "_tool_result", which the
# vocabulary maps to provider-executed tool calls and their results.
_UNKNOWN = st.text(string.ascii_lowercase + "_", min_size=1, max_size=10).map(
    "x_{}".format
)


def _citation(kind: str, cited: str, n: int, title: str | None) -> dict[str, Any]:
    if kind == "char_location":
        return {
            "type": kind,
            "cited_text": cited,
            "document_index": n,
            "document_title": title,
            "start_char_index": n,
            "end_char_index": n + len(cited),
        }
    if kind == "page_location":
        return {
            "type": kind,
            "cited_text": cited,
            "document_index": n,
            "document_title": title,
            "start_page_number": n + 1,
            "end_page_number": n + 2,
        }
    if kind == "content_block_location":
        return {
            "type": kind,
            "cited_text": cited,
            "document_index": n,
            "document_title": title,
            "start_block_index": n,
            "end_block_index": n + 1,
        }
    if kind == "search_result_location":
        return {
            "type": kind,
            "cited_text": cited,
            "search_result_index": n,
            "source": "https://example.com/" + str(n),
            "title": title,
            "start_block_index": n,
            "end_block_index": n + 1,
        }
    return {
        "type": "web_search_result_location",
        "cited_text": cited,
        "encrypted_index": "Eo" + str(n),
        "title": title,
        "url": f"https://example.com/{n}",
    }


_CITATIONS = st.builds(
    _citation,
    st.sampled_from(
        [
            "char_location",
            "page_location",
            "content_block_location",
            "search_result_location",
            "web_search_result_location",
        ]
    ),
    _SHORT,
    st.integers(0, 50),
    st.one_of(st.none(), _SHORT),
)


@attrs.frozen(kw_only=True)
class AnthropicBlock:
    """One drawn content block: how it started and what it adds up to.

    Attributes:
        index: the block's ``index`` on the wire (its position in ``content``).
        type: the block type as sent (``"x_..."`` for an unknown one).
        start: the ``content_block`` of its ``content_block_start``, as sent.
        final: the block in the final message.
        text: text and thinking blocks: the whole text (``text`` or
            ``thinking``), start block's part included; ``None`` otherwise.
        arguments: tool-use blocks (``tool_use``, ``server_tool_use``,
            ``mcp_tool_use``): the input's JSON text as the arguments events
            show it: the non-empty ``input_json_delta`` fragments joined, or
            ``json.dumps`` of the start block's ``input`` when no fragment
            (or only empty ones) came; ``None`` otherwise.
        fragments: the ``partial_json`` fragments sent, empty ones included.
        signatures: thinking blocks: the ``signature_delta`` values sent.
        citations: text blocks: the ``citations_delta`` citations sent.
    """

    index: int
    type: str
    start: dict[str, Any]
    final: dict[str, Any]
    text: str | None = None
    arguments: str | None = None
    fragments: tuple[str, ...] = ()
    signatures: tuple[str, ...] = ()
    citations: tuple[dict[str, Any], ...] = ()


@attrs.frozen(kw_only=True)
class AnthropicStream:
    """One drawn Anthropic Messages stream and the final message it implies.

    Attributes:
        payloads: the JSON payloads (``message_start`` ... ``message_stop``,
            pings and unknown events included), in wire order.
        expected: the final ``message`` (plain dicts, wire shape) the payloads
            add up to, built from the drawn message, not from the payloads:
            what ``close()`` returns, or, when :attr:`expected_error` is set,
            the snapshot the error carries.
        blocks: the content blocks, in index order.
        usages: the cumulative usage after each payload that carries usage
            (``message_start`` with usage, each ``message_delta``): what the
            usage events report, in order; the last one is ``expected``'s.
        named: whether :meth:`to_events` names each event after its payload's
            ``type`` by default (else data-only, as some proxies send it).
        ensure_ascii: how the payloads are serialised.
        expected_error: ``None`` for a whole stream; ``"IncompleteStream"``
            for a cut one (it stops before ``message_stop``);
            ``"StreamError"`` for one that ends in an ``error`` event.
            :attr:`expected` is then the snapshot the error carries, and
            :attr:`blocks` and :attr:`usages` still describe the whole
            message that was drawn (only a prefix of it was sent).
        error_body: a failed stream's ``error`` payload, as sent (what
            ``StreamError.body`` carries); else ``None``.
        tail: bytes that :meth:`to_sse` appends after the events: a cut
            stream's next event cut before its blank line, which a conforming
            decoder never dispatches; usually empty.
    """

    payloads: list[dict[str, Any]]
    expected: dict[str, Any]
    blocks: tuple[AnthropicBlock, ...]
    usages: tuple[dict[str, Any], ...]
    named: bool = True
    ensure_ascii: bool = False
    expected_error: str | None = None
    error_body: Any = None
    tail: bytes = b""

    def to_events(self, *, named: bool | None = None) -> list[ServerSentEvent]:
        """The stream as server-sent events, one per payload.

        Args:
            named: ``True``: ``event:`` is the payload's ``type``, as Anthropic
                sends it; ``False``: data-only events (``"message"``);
                ``None``: the drawn :attr:`named`.

        Returns:
            :class:`~sseparse.ServerSentEvent` values.
        """
        if named is None:
            named = self.named
        return [
            ServerSentEvent(
                event=str(payload["type"]) if named else "message",
                data=json.dumps(
                    payload, ensure_ascii=self.ensure_ascii, separators=(",", ":")
                ),
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
        body = b"".join(encode(event) for event in self.to_events(named=named))
        return body + self.tail


# -- blocks ------------------------------------------------------------------------


@st.composite
def _input_text(
    draw: st.DrawFn, max_leaves: int, escaped_only: bool
) -> tuple[dict[str, Any], str]:
    """A tool input object and a JSON text of it, spelt in any of many ways.

    With *escaped_only*, strings may hold lone surrogates when the text escapes
    them (``ensure_ascii``): the value then lives only inside that text, which
    encodes to UTF-8; a value sent as a JSON object never holds one.
    """
    ensure_ascii = draw(st.booleans())
    value = draw(
        st.dictionaries(
            _SHORT,
            json_values(
                max_leaves=max_leaves, lone_surrogates=escaped_only and ensure_ascii
            ),
            max_size=4,
        )
    )
    text = json.dumps(
        value,
        indent=draw(st.sampled_from([None, None, 0, 2, "\t"])),
        separators=draw(st.sampled_from([None, (",", ":"), (", ", ": ")])),
        ensure_ascii=ensure_ascii,
        sort_keys=draw(st.booleans()),
    )
    if draw(st.booleans()):
        text = draw(_respell(text))
    return value, text


@st.composite
def _text_block(
    draw: st.DrawFn, index: int, kind: str, max_text_size: int
) -> tuple[AnthropicBlock, list[dict[str, Any]]]:
    """A text or thinking block and its deltas."""
    text = draw(_texts(max_text_size))
    pieces = draw(split_text(text))
    field = "text" if kind == "text" else "thinking"
    head = ""
    if pieces and draw(st.integers(0, 3)) == 0:
        # A proxy may put the first piece in the start block already.
        head = pieces.pop(0)
    start: dict[str, Any] = {"type": kind, field: head}
    final: dict[str, Any]
    deltas: list[dict[str, Any]] = [
        {"type": f"{field}_delta", field: piece} for piece in pieces
    ]
    if kind == "text":
        cite = draw(st.sampled_from(["absent", "null", "list"]))
        if cite != "absent":
            start["citations"] = None if cite == "null" else []
        citations = draw(st.lists(_CITATIONS, max_size=3)) if cite != "absent" else []
        # Among the text deltas, in the order drawn.
        places = sorted(
            draw(
                st.lists(
                    st.integers(0, len(deltas)),
                    min_size=len(citations),
                    max_size=len(citations),
                )
            )
        )
        for n, (at, citation) in enumerate(zip(places, citations, strict=True)):
            deltas.insert(at + n, {"type": "citations_delta", "citation": citation})
        final = {**start, "text": text}
        if citations:
            final["citations"] = [*(start.get("citations") or []), *citations]
        block = AnthropicBlock(
            index=index,
            type=kind,
            start=start,
            final=final,
            text=text,
            citations=tuple(citations),
        )
        return block, deltas
    start["signature"] = ""
    signatures = draw(st.lists(_IDS.map("Eq{}==".format), max_size=2))
    deltas += [{"type": "signature_delta", "signature": s} for s in signatures]
    final = {**start, "thinking": text}
    if signatures:
        final["signature"] = signatures[-1]
    block = AnthropicBlock(
        index=index,
        type=kind,
        start=start,
        final=final,
        text=text,
        signatures=tuple(signatures),
    )
    return block, deltas


@st.composite
def _tool_block(
    draw: st.DrawFn, index: int, kind: str, max_input_leaves: int, tool_ids: list[str]
) -> tuple[AnthropicBlock, list[dict[str, Any]]]:
    """A tool-use block (client, server or MCP) and its input fragments."""
    prefix = {"tool_use": "toolu_", "server_tool_use": "srvtoolu_"}.get(
        kind, "mcptoolu_"
    )
    tool_id = f"{prefix}{index}_{draw(_IDS)}"
    tool_ids.append(tool_id)
    start: dict[str, Any] = {"type": kind, "id": tool_id}
    if kind == "server_tool_use":
        start["name"] = draw(st.sampled_from(_SERVER_TOOLS))
    else:
        start["name"] = draw(_NAMES)
    if kind == "mcp_tool_use":
        start["server_name"] = draw(_NAMES)
    if kind == "tool_use" and draw(st.booleans()):
        # A field this strategy's readers do not know: kept as sent.
        start["caller"] = {"type": "direct"}
    way = draw(st.sampled_from(["deltas", "deltas", "whole", "none"]))
    value, text = draw(_input_text(max_input_leaves, escaped_only=way == "deltas"))
    fragments: list[str] = []
    if way == "deltas":
        start["input"] = {}
        fragments = draw(json_deltas(text))
        if draw(st.booleans()):
            fragments.insert(0, "")  # what the API sends first, often
        # The value as a parser reads the text (its key order, not value's).
        value, arguments = json.loads(text), text
    elif way == "whole":
        # The input in the start block; no fragment, or only empty ones.
        start["input"] = value
        fragments = [""] * draw(st.integers(0, 2))
        arguments = json.dumps(value)
    else:
        start["input"] = {}
        value, arguments = {}, json.dumps({})
    deltas = [{"type": "input_json_delta", "partial_json": f} for f in fragments]
    block = AnthropicBlock(
        index=index,
        type=kind,
        start=start,
        final={**start, "input": value},
        arguments=arguments,
        fragments=tuple(fragments),
    )
    return block, deltas


@st.composite
def _whole_block(
    draw: st.DrawFn, index: int, kind: str, tool_ids: list[str]
) -> tuple[AnthropicBlock, list[dict[str, Any]]]:
    """A block that arrives whole in its start event (unknown ones: + deltas)."""
    deltas: list[dict[str, Any]] = []
    use_id = tool_ids[-1] if tool_ids else f"srvtoolu_{draw(_IDS)}"
    start: dict[str, Any]
    if kind == "redacted_thinking":
        start = {"type": kind, "data": draw(_IDS.map("EmwK{}".format))}
    elif kind == "web_search_tool_result":
        content: Any
        if draw(st.booleans()):
            content = [
                {
                    "type": "web_search_result",
                    "title": title,
                    "url": f"https://example.com/{n}",
                    "encrypted_content": "Ep" + str(n),
                    "page_age": draw(st.one_of(st.none(), st.just("2 days ago"))),
                }
                for n, title in enumerate(draw(st.lists(_SHORT, max_size=3)))
            ]
        else:
            content = {
                "type": "web_search_tool_result_error",
                "error_code": draw(
                    st.sampled_from(["unavailable", "max_uses_exceeded"])
                ),
            }
        start = {"type": kind, "tool_use_id": use_id, "content": content}
    elif kind == "code_execution_tool_result":
        start = {
            "type": kind,
            "tool_use_id": use_id,
            "content": {
                "type": "code_execution_result",
                "stdout": draw(_SHORT),
                "stderr": draw(_SHORT),
                "return_code": draw(st.integers(0, 255)),
                "content": [],
            },
        }
    elif kind == "mcp_tool_result":
        result: Any = draw(
            st.one_of(
                _SHORT,
                st.lists(_SHORT.map(lambda t: {"type": "text", "text": t}), max_size=2),
            )
        )
        start = {
            "type": kind,
            "tool_use_id": use_id,
            "is_error": draw(st.booleans()),
            "content": result,
        }
    elif kind == "container_upload":
        start = {"type": kind, "file_id": "file_" + draw(_IDS)}
    else:  # an unknown block type, maybe with deltas of an unknown type
        start = {"type": draw(_UNKNOWN), "value": draw(json_values(max_leaves=4))}
        deltas = [
            {"type": name + "_delta", "value": value}
            for name, value in draw(
                st.lists(st.tuples(_UNKNOWN, json_values(max_leaves=2)), max_size=2)
            )
        ]
    block = AnthropicBlock(index=index, type=start["type"], start=start, final=start)
    return block, deltas


# -- usage and stop ----------------------------------------------------------------


@st.composite
def _start_usage(draw: st.DrawFn) -> dict[str, Any]:
    usage: dict[str, Any] = {"input_tokens": draw(_COUNTS)}
    if draw(st.booleans()):
        write, read = draw(_COUNTS), draw(_COUNTS)
        usage["cache_creation_input_tokens"] = write
        usage["cache_read_input_tokens"] = read
        usage["cache_creation"] = {
            "ephemeral_5m_input_tokens": write,
            "ephemeral_1h_input_tokens": 0,
        }
    usage["output_tokens"] = draw(st.integers(0, 5))
    if draw(st.booleans()):
        usage["service_tier"] = "standard"
    return usage


@st.composite
def _delta_usage(
    draw: st.DrawFn, merged: dict[str, Any], need_input: bool
) -> dict[str, Any]:
    """A cumulative ``message_delta`` usage over *merged* (the usage so far)."""
    usage: dict[str, Any] = {}
    if need_input or draw(st.booleans()):
        usage["input_tokens"] = merged.get("input_tokens", draw(_COUNTS))
    for key in ("cache_creation_input_tokens", "cache_read_input_tokens"):
        if key in merged and merged[key] is not None and draw(st.booleans()):
            # null for a count already known: latest non-null wins.
            usage[key] = draw(st.sampled_from([None, merged[key]]))
    usage["output_tokens"] = merged.get("output_tokens", 0) + draw(_COUNTS)
    if draw(st.booleans()):
        usage["server_tool_use"] = {
            "web_search_requests": draw(st.integers(0, 9)),
            "web_fetch_requests": draw(st.integers(0, 9)),
        }
    return usage


def _merge_usage(merged: dict[str, Any], usage: dict[str, Any]) -> dict[str, Any]:
    """The usage after *usage*: fields sent overwrite, nulls never do."""
    out = dict(merged)
    for key, value in usage.items():
        if value is not None or key not in out:
            out[key] = value
    return out


@st.composite
def _stop_delta(draw: st.DrawFn, stop_reason: str) -> dict[str, Any]:
    delta: dict[str, Any] = {
        "stop_reason": stop_reason,
        "stop_sequence": draw(_SHORT) if stop_reason == "stop_sequence" else None,
    }
    if stop_reason == "refusal":
        delta["stop_details"] = {
            "type": "refusal",
            "category": draw(st.sampled_from([None, "cyber", "bio"])),
            "explanation": draw(st.one_of(st.none(), _SHORT)),
        }
    elif draw(st.booleans()):
        delta["stop_details"] = None
    if draw(st.integers(0, 3)) == 0:
        delta["container"] = {
            "id": "container_" + draw(_IDS),
            "expires_at": "2026-12-04T19:00:00Z",
        }
    return delta


# -- the stream --------------------------------------------------------------------


@st.composite
def _streams(
    draw: st.DrawFn,
    max_blocks: int,
    max_text_size: int,
    max_input_leaves: int,
    block_types: tuple[str, ...],
    stop_reasons: tuple[str, ...],
    pings: bool,
    unknown_events: bool,
    endings: tuple[str, ...],
) -> AnthropicStream:
    message: dict[str, Any] = {
        "id": "msg_" + draw(_IDS),
        "type": "message",
        "role": "assistant",
        "model": draw(_MODELS),
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
    }
    if draw(st.booleans()):
        message["stop_details"] = None
    if draw(st.booleans()):
        message["container"] = None
    start_usage = draw(_start_usage()) if draw(st.integers(0, 3)) else None
    if start_usage is not None:
        message["usage"] = start_usage

    # The core: message_start, blocks, message_delta(s), message_stop.
    core: list[dict[str, Any]] = [{"type": "message_start", "message": message}]
    blocks: list[AnthropicBlock] = []
    tool_ids: list[str] = []
    kinds = draw(st.lists(st.sampled_from(block_types), max_size=max_blocks))
    for index, kind in enumerate(kinds):
        made: tuple[AnthropicBlock, list[dict[str, Any]]]
        if kind in ("text", "thinking"):
            made = draw(_text_block(index, kind, max_text_size))
        elif kind in _TOOL_USE_TYPES:
            made = draw(_tool_block(index, kind, max_input_leaves, tool_ids))
        else:
            made = draw(_whole_block(index, kind, tool_ids))
        block, deltas = made
        blocks.append(block)
        core.append(
            {
                "type": "content_block_start",
                "index": index,
                "content_block": block.start,
            }
        )
        core += [
            {"type": "content_block_delta", "index": index, "delta": delta}
            for delta in deltas
        ]
        core.append({"type": "content_block_stop", "index": index})

    usages: list[dict[str, Any]] = []
    merged: dict[str, Any] = {}
    if start_usage is not None:
        merged = dict(start_usage)
        usages.append(merged)
    stop_reason = draw(st.sampled_from(stop_reasons))
    final_delta = draw(_stop_delta(stop_reason))
    earlier = draw(st.integers(0, 1))
    for n in range(earlier + 1):
        usage = draw(_delta_usage(merged, need_input=start_usage is None))
        merged = _merge_usage(merged, usage)
        usages.append(merged)
        delta = (
            final_delta
            if n == earlier
            else {"stop_reason": None, "stop_sequence": None}
        )
        core.append({"type": "message_delta", "delta": delta, "usage": usage})
    core.append({"type": "message_stop"})

    # Pings anywhere before message_stop; unknown events inside the message.
    payloads: list[dict[str, Any]] = []
    for position, payload in enumerate(core):
        if position and unknown_events and draw(st.integers(0, 7)) == 0:
            payloads.append({"type": draw(_UNKNOWN), "value": draw(_SHORT)})
        if pings and draw(st.integers(0, 5)) == 0:
            payloads.append({"type": "ping"})
        payloads.append(payload)

    expected = {**message, "content": [block.final for block in blocks]}
    expected.update(final_delta)
    expected["usage"] = merged
    named, ensure_ascii = draw(st.booleans()), draw(st.booleans())
    ending = draw(st.sampled_from(endings))
    cuts = _cut_points(payloads, blocks) if ending != "complete" else []
    if not cuts:
        return AnthropicStream(
            payloads=payloads,
            expected=expected,
            blocks=tuple(blocks),
            usages=tuple(usages),
            named=named,
            ensure_ascii=ensure_ascii,
        )
    cut = draw(st.sampled_from(cuts))
    kept = payloads[:cut]
    snapshot = _snapshot(message, kept, blocks, usages)
    if ending == "error":
        error = {
            "type": "error",
            "error": {
                "type": draw(st.sampled_from(_ERROR_TYPES)),
                "message": draw(_SHORT),
            },
        }
        return AnthropicStream(
            payloads=[*kept, error],
            expected=snapshot,
            blocks=tuple(blocks),
            usages=tuple(usages),
            named=named,
            ensure_ascii=ensure_ascii,
            expected_error="StreamError",
            error_body=error,
        )
    tail = b""
    if draw(st.booleans()):
        # The next event, cut before its blank line: never dispatched.
        following = AnthropicStream(
            payloads=[payloads[cut]],
            expected={},
            blocks=(),
            usages=(),
            named=named,
            ensure_ascii=ensure_ascii,
        ).to_sse()
        tail = following[: draw(st.integers(1, len(following) - 1))]
    return AnthropicStream(
        payloads=kept,
        expected=snapshot,
        blocks=tuple(blocks),
        usages=tuple(usages),
        named=named,
        ensure_ascii=ensure_ascii,
        expected_error="IncompleteStream",
        tail=tail,
    )


def _cut_points(
    payloads: list[dict[str, Any]], blocks: list[AnthropicBlock]
) -> list[int]:
    """Where a stream may stop short: after ``message_start``, before
    ``message_stop``, with no block open or a text or thinking block open (the
    partial input of an open tool block is the consumer's own business)."""
    cuts: list[int] = []
    started = False
    open_type: str | None = None
    for position, payload in enumerate(payloads):
        kind = payload["type"]
        if kind == "message_stop":
            break
        if kind == "message_start":
            started = True
        elif kind == "content_block_start":
            open_type = blocks[payload["index"]].type
        elif kind == "content_block_stop":
            open_type = None
        if started and open_type in (None, "text", "thinking"):
            cuts.append(position + 1)
    return cuts


def _snapshot(
    message: dict[str, Any],
    kept: list[dict[str, Any]],
    blocks: list[AnthropicBlock],
    usages: list[dict[str, Any]],
) -> dict[str, Any]:
    """The ``message`` that the payloads *kept* add up to: the blocks stopped
    so far as they end, an open text or thinking block with the text, the
    citations and the signature sent so far, the stop fields and the usage of
    the ``message_delta`` events so far."""
    snapshot: dict[str, Any] = {**message}
    content: list[dict[str, Any]] = []
    partial: dict[str, Any] | None = None
    steps = 1 if "usage" in message else 0
    for payload in kept:
        kind = payload["type"]
        if kind == "content_block_start":
            partial = dict(blocks[payload["index"]].start)
        elif kind == "content_block_delta" and partial is not None:
            delta = payload["delta"]
            if delta["type"] in ("text_delta", "thinking_delta"):
                field = delta["type"][: -len("_delta")]
                partial[field] += delta[field]
            elif delta["type"] == "citations_delta":
                partial["citations"] = [
                    *(partial.get("citations") or []),
                    delta["citation"],
                ]
            elif delta["type"] == "signature_delta":
                partial["signature"] = delta["signature"]
        elif kind == "content_block_stop":
            content.append(blocks[payload["index"]].final)
            partial = None
        elif kind == "message_delta":
            snapshot.update(payload["delta"])
            steps += 1
            snapshot["usage"] = usages[steps - 1]
    if partial is not None:
        content.append(partial)
    snapshot["content"] = content
    return snapshot


def anthropic_message_streams(
    *,
    max_blocks: int = 4,
    max_text_size: int = 40,
    max_input_leaves: int = 6,
    block_types: Sequence[str] = ANTHROPIC_BLOCK_TYPES,
    stop_reasons: Sequence[str] = ANTHROPIC_STOP_REASONS,
    pings: bool = True,
    unknown_events: bool = True,
    truncation: bool = False,
    error_events: bool = False,
) -> st.SearchStrategy[AnthropicStream]:
    """Anthropic Messages streams, with the final message they imply.

    Each :class:`AnthropicStream` holds the payloads, from ``message_start``
    to ``message_stop``, and ``expected``: the ``message`` built from the drawn
    one (never by accumulating the payloads).  Every stream is complete: each
    block stops, one ``message_delta`` brings the stop reason, ``message_stop``
    ends it, and every tool input is whole JSON (also under ``max_tokens``).

    ``expected`` is the ``message_start`` message as sent, with ``content``
    the blocks in index order, each the start block as sent with ``text`` /
    ``thinking`` the whole text, ``input`` the parsed input (the start block's
    when no fragment came), ``signature`` the last one sent (the start's
    ``""`` when none came), ``citations`` the start's list (``[]`` when it was
    ``null``) plus those sent, when any were sent (else the key as sent);
    then the keys of the stopping ``message_delta``'s ``delta``
    (``stop_reason``, ``stop_sequence``, ``stop_details``, ``container``) set
    as sent, and ``usage`` the merge of every usage sent: a field sent
    overwrites, except with ``null`` (latest non-null wins).

    With ``truncation`` or ``error_events``, some streams do not end well, and
    :attr:`AnthropicStream.expected_error` says what a consumer must
    conclude: ``"IncompleteStream"`` (the connection dropped after
    ``message_start`` and before ``message_stop``, between blocks or inside a
    text or thinking block, sometimes with the start of the next event in
    :attr:`AnthropicStream.tail`) or ``"StreamError"`` (an ``error`` event,
    ``{"type": "error", "error": {"type": "overloaded_error", ...}}``, at such
    a point).  ``expected`` is then the snapshot there: the start message
    with the blocks stopped so far as above, an open text or thinking block
    with the text, citations and signature sent so far, and the stop fields
    and usage of the ``message_delta`` events sent so far.

    Args:
        max_blocks: the most content blocks (0 may be drawn).
        max_text_size: the most characters in a text or thinking block.
        max_input_leaves: about the most leaves in a value of a tool input.
        block_types: the kinds of block to draw, from
            :data:`ANTHROPIC_BLOCK_TYPES`.  Leave out ``"unknown"``,
            ``"mcp_tool_use"`` and ``"mcp_tool_result"`` for messages that
            ``anthropic.types.Message.model_validate`` accepts.
        stop_reasons: the stop reasons to draw from.
        pings: put ``ping`` events at random places.
        unknown_events: put events of unknown types at random places.
        truncation: some streams are cut (``expected_error``
            ``"IncompleteStream"``).
        error_events: some streams end in an ``error`` event
            (``expected_error`` ``"StreamError"``).

    Returns:
        A strategy of :class:`AnthropicStream`.

    Raises:
        hypothesis.errors.InvalidArgument: an option of the wrong type or range.
    """
    where = "anthropic_message_streams"
    endings = ["complete"]
    if check_bool(where, "truncation", truncation):
        endings.append("cut")
    if check_bool(where, "error_events", error_events):
        endings.append("error")
    return _streams(
        check_int(where, "max_blocks", max_blocks, low=0),
        check_int(where, "max_text_size", max_text_size, low=0),
        check_int(where, "max_input_leaves", max_input_leaves, low=1),
        check_choices(where, "block_types", block_types, ANTHROPIC_BLOCK_TYPES),
        check_choices(where, "stop_reasons", stop_reasons),
        check_bool(where, "pings", pings),
        check_bool(where, "unknown_events", unknown_events),
        tuple(endings),
    )
