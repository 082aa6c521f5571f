"""The ``openai`` package's own Responses stream accumulation as an oracle (issue 12).

``openai`` is pinned exactly in the ``test`` extra.  It is run here the way
``client.responses.stream()`` runs it: a ``Stream[ResponseStreamEvent]`` over an
``httpx2.Response`` whose body is the stream's bytes (its own SSE decoder, its
``sse.json()`` and ``construct_type`` of every event), wrapped in a
``ResponseStream``, whose ``ResponseStreamState.handle_event`` folds each event
into its snapshot and yields its events; then ``get_final_response()``.

1. Agreement, asserted.  On the recorded streams of ``tests/data/openai_responses``
   that openai handles right (``RECORDED_AGREES``), on generated streams
   (``sseparse.testing.openai_responses_streams``: every item type its
   ``Response`` knows, named or data-only, items one after the other or
   interleaved) that end in ``response.completed``, and on a completion whose
   ``output`` is ``null`` (which it rebuilds from the finished items, as we
   do): our final, read through openai's own ``Response`` model, equals its
   final response; and what it folds on the way agrees with our events: the
   ``snapshot`` of each of its output-text and function-arguments delta events
   (the text or arguments so far) equals our ``ContentDelta.snapshot`` /
   ``ToolCallArgumentsDelta.arguments`` at the same delta.
2. Where it is wrong (``OPENAI_WRONG``, shown by hand-written streams and by the
   recorded streams of ``RECORDED_WRONG``), information only: per stream, what
   it does and whether each documented bug still shows, printed at the end of
   the run; a bug that no longer shows (after a deliberate bump of the pin) is an
   ``OracleChanged`` warning, never a failure.  What we do on those same
   streams is asserted (``test_we_are_right_where_openai_is_not*``).  The bugs:
   no resume (it needs ``response.created``); ``get_final_response()`` raises
   on ``response.incomplete`` and ``response.failed`` (PR #3538), on an
   ``error`` event and on a cut stream, with nothing of what came; ``output:
   []`` at completion loses the output; a missing ``content_part.added``, a
   ``content_index`` that does not restart at 0 and ``item: null`` crash it;
   replayed events and events after the end are folded in; reasoning summary,
   refusal and custom tool input deltas are not folded at all; the text so
   far is copied on every delta.

How finals are compared: ours is validated into
``openai.types.responses.Response`` and both are dumped the same way
(``model_dump(mode="json", by_alias=True, exclude_unset=True)``), so that the
model's own coercions (``created_at`` is a float there) apply to both sides;
the keys ``parsed`` / ``parsed_arguments`` that ``get_final_response()`` adds
(``None`` without a ``text_format`` or tools) are left out.  That the final is
the exact wire shape is tested elsewhere (``test_responses_recorded.py``).
"""

from __future__ import annotations

import copy
import functools
import importlib.metadata
import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import httpx2
import openai
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from openai._streaming import Stream
from openai.lib.streaming.responses import ResponseStream
from openai.types.responses import Response, ResponseStreamEvent

from sseparse import IncompleteStream, SSEDecoder, StreamError
from sseparse.llm import (
    ContentDelta,
    OpenAIResponsesAccumulator,
    ReasoningDelta,
    RefusalDelta,
    ToolCallArgumentsDelta,
)
from sseparse.testing import (
    RESPONSES_ITEM_TYPES,
    ResponsesStream,
    openai_responses_streams,
)

if TYPE_CHECKING:
    from collections.abc import Callable

URL = "https://api.openai.com/v1/responses"
DATA = Path(__file__).resolve().parent.parent / "data" / "openai_responses"
MANIFEST: dict[str, Any] = {
    name: row
    for name, row in json.loads((DATA / "manifest.json").read_text("utf-8")).items()
    if not name.startswith("_")
}


# --------------------------------------------------------------------------- #
# running each side
# --------------------------------------------------------------------------- #


@functools.cache
def _client() -> openai.OpenAI:
    return openai.OpenAI(api_key="sk-test", max_retries=0)


@dataclass
class OpenAIRun:
    """What openai's ``ResponseStream`` did with one stream."""

    events: list[Any]  # the events it yielded before it ended or raised
    final: Any  # get_final_response()'s ParsedResponse, or what it raised
    snapshot: Any  # ResponseStreamState's own snapshot at the end (private)


def openai_run(body: bytes) -> OpenAIRun:
    """Run openai's streaming path over the stream *body*."""
    response = httpx2.Response(
        200,
        content=body,
        headers={"content-type": "text/event-stream"},
        request=httpx2.Request("POST", URL),
    )
    raw: Any = Stream(
        # what responses.create(stream=True) gives its Stream (a union)
        cast_to=cast("Any", ResponseStreamEvent),
        response=response,
        client=_client(),
    )
    stream = ResponseStream(
        raw_stream=raw,
        text_format=openai.omit,
        input_tools=openai.omit,
        starting_after=None,
    )
    events: list[Any] = []
    final: Any
    try:
        events.extend(stream)
        final = stream.get_final_response()
    except Exception as exc:  # openai's failure is the observation
        final = exc
    # No public accessor: the state's name-mangled attribute.
    snapshot = getattr(stream._state, "_ResponseStreamState__current_snapshot", None)
    return OpenAIRun(events, final, snapshot)


@dataclass
class OurRun:
    events: list[Any]
    final: Any  # close()'s response, or what feed() / close() raised
    acc: OpenAIResponsesAccumulator


def our_run(body: bytes, resume: dict[str, Any] | None = None) -> OurRun:
    """Our final for *body* (decoded and fed event by event), or the exception
    ``feed()`` / ``close()`` raised; *resume*: the ``snapshot`` and
    ``sequence_number`` to resume from."""
    decoder = SSEDecoder()
    acc = (
        OpenAIResponsesAccumulator()
        if resume is None
        else OpenAIResponsesAccumulator.resume(
            copy.deepcopy(resume["snapshot"]),
            sequence_number=resume["sequence_number"],
        )
    )
    events: list[Any] = []
    final: Any
    try:
        for event in [*decoder.feed(body), *decoder.close()]:
            events += acc.feed(event)
        final = acc.close()
    except (StreamError, IncompleteStream) as exc:
        final = exc
    return OurRun(events, final, acc)


_ADDED_BY_PARSE = ("parsed", "parsed_arguments")


def _dump(model: Any) -> Any:
    with warnings.catch_warnings():
        # pydantic warns about extras of unexpected types while dumping a
        # model built without validation; its warning, not ours
        warnings.simplefilter("ignore", UserWarning)
        return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _without_parse_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_parse_keys(v)
            for k, v in value.items()
            if not (k in _ADDED_BY_PARSE and v is None)
        }
    if isinstance(value, list):
        return [_without_parse_keys(v) for v in value]
    return value


def theirs_dumped(final: Any) -> Any:
    """openai's final response, dumped (see the module docstring)."""
    return _without_parse_keys(_dump(final))


def ours_dumped(final: dict[str, Any]) -> Any:
    """Our final through openai's ``Response`` model, dumped the same way."""
    return _dump(Response.model_validate(final))


def _our_previews(events: list[Any]) -> list[tuple[Any, ...]]:
    """(what, where, text so far) at each non-empty output-text or function
    arguments delta of ours."""
    found: list[tuple[Any, ...]] = []
    for ev in events:
        if isinstance(ev, ContentDelta) and ev.delta:
            found.append(("text", ev.index, ev.content_index, ev.snapshot))
        elif (
            isinstance(ev, ToolCallArgumentsDelta)
            and ev.call_type == "function_call"
            and ev.arguments_delta
        ):
            found.append(("arguments", ev.index, None, ev.arguments))
    return found


_THEIR_DELTAS = {
    "response.output_text.delta": "text",
    "response.function_call_arguments.delta": "arguments",
}


def _their_previews(events: list[Any]) -> list[tuple[Any, ...]]:
    """The same of openai's: the ``snapshot`` its delta events carry."""
    return [
        (
            _THEIR_DELTAS[ev.type],
            ev.output_index,
            getattr(ev, "content_index", None),  # arguments deltas have none
            ev.snapshot,
        )
        for ev in events
        if ev.type in _THEIR_DELTAS and ev.delta
    ]


# --------------------------------------------------------------------------- #
# 1. agreement, asserted
# --------------------------------------------------------------------------- #

# Item types openai's Response knows ("unknown" is an x_... type it does not).
KNOWN_ITEMS = [kind for kind in RESPONSES_ITEM_TYPES if kind != "unknown"]


@given(
    openai_responses_streams(
        item_types=KNOWN_ITEMS,
        terminals=["completed"],
        quirks=False,
        interleave=False,
    )
    | openai_responses_streams(
        item_types=KNOWN_ITEMS,
        terminals=["completed"],
        quirks=False,
        interleave=True,
    ),
    st.booleans(),
)
def test_openai_agrees_generated(stream: ResponsesStream, named: bool) -> None:
    """Completed streams: the same final, and the same text and arguments so
    far at every delta."""
    # Items with one id (or call_id) twice: openai refuses those ("conflicting
    # output identities"); the API gives every item its own.
    for key in ("id", "call_id"):
        ids = [item.final[key] for item in stream.items if key in item.final]
        assume(len(set(ids)) == len(ids))
    body = stream.to_sse(named=named)
    theirs = openai_run(body)
    assert not isinstance(theirs.final, BaseException), repr(theirs.final)
    ours = our_run(body)
    assert isinstance(ours.final, dict), repr(ours.final)
    assert ours_dumped(ours.final) == theirs_dumped(theirs.final)
    assert _our_previews(ours.events) == _their_previews(theirs.events)


# --------------------------------------------------------------------------- #
# hand-written streams
# --------------------------------------------------------------------------- #

_RESPONSE: dict[str, Any] = {
    "id": "resp_68a1",
    "object": "response",
    "created_at": 1796000000,
    "status": "in_progress",
    "background": False,
    "error": None,
    "incomplete_details": None,
    "instructions": None,
    "max_output_tokens": None,
    "model": "gpt-4.1-2025-04-14",
    "output": [],
    "parallel_tool_calls": True,
    "previous_response_id": None,
    "store": True,
    "temperature": 1.0,
    "text": {"format": {"type": "text"}},
    "tool_choice": "auto",
    "tools": [],
    "top_p": 1.0,
    "truncation": "disabled",
    "usage": None,
    "user": None,
    "metadata": {},
}
_USAGE = {
    "input_tokens": 12,
    "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
    "output_tokens": 9,
    "output_tokens_details": {"reasoning_tokens": 0},
    "total_tokens": 21,
}
_MSG_ID = "msg_68a1"
_AT = {"item_id": _MSG_ID, "output_index": 0, "content_index": 0}


def _sse(payloads: list[dict[str, Any]], *, first: int = 0) -> bytes:
    """Named events, numbered from *first* (the ``sequence_number``)."""
    out = []
    for number, payload in enumerate(payloads, first):
        numbered = {"type": payload["type"], "sequence_number": number, **payload}
        data = json.dumps(numbered, separators=(",", ":"))
        out.append(f"event: {payload['type']}\ndata: {data}\n\n")
    return "".join(out).encode()


def _message(deltas: list[str], *, part_added: bool = True) -> list[dict[str, Any]]:
    """The events of one message item whose output text comes in *deltas*."""
    text = "".join(deltas)
    part = {"type": "output_text", "annotations": [], "logprobs": [], "text": text}
    item = {
        "id": _MSG_ID,
        "type": "message",
        "status": "in_progress",
        "role": "assistant",
        "content": [],
    }
    events: list[dict[str, Any]] = [
        {"type": "response.output_item.added", "output_index": 0, "item": item}
    ]
    if part_added:
        blank = {**part, "text": ""}
        events.append({"type": "response.content_part.added", **_AT, "part": blank})
    events += [
        {"type": "response.output_text.delta", **_AT, "delta": d, "logprobs": []}
        for d in deltas
    ]
    done = {**item, "status": "completed", "content": [part]}
    return [
        *events,
        {"type": "response.output_text.done", **_AT, "text": text, "logprobs": []},
        {"type": "response.content_part.done", **_AT, "part": part},
        {"type": "response.output_item.done", "output_index": 0, "item": done},
    ]


def _begin() -> list[dict[str, Any]]:
    return [
        {"type": "response.created", "response": _RESPONSE},
        {"type": "response.in_progress", "response": _RESPONSE},
    ]


def _end(
    kind: str, output: list[dict[str, Any]] | None, **changes: Any
) -> dict[str, Any]:
    response = {**_RESPONSE, "status": kind, "output": output, "usage": _USAGE}
    return {"type": f"response.{kind}", "response": {**response, **changes}}


def _final_items(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p["item"] for p in payloads if p["type"] == "response.output_item.done"]


def _completed(items: list[dict[str, Any]], **changes: Any) -> bytes:
    return _sse([*_begin(), *items, _end("completed", _final_items(items), **changes)])


HELLO = ["Hel", "lo, ", "wor", "ld", "!"]


def test_openai_agrees_on_output_null() -> None:
    """``response.completed`` with ``output: null``: both rebuild the output
    from the finished items."""
    items = _message(HELLO)
    body = _sse([*_begin(), *items, _end("completed", None)])
    theirs = openai_run(body)
    ours = our_run(body)
    assert isinstance(ours.final, dict), repr(ours.final)
    assert ours.final["output"] == _final_items(items)
    assert ours_dumped(ours.final) == theirs_dumped(theirs.final)


def test_hand_written_streams_agree() -> None:
    """The plain stream the records below start from: both agree on it."""
    body = _completed(_message(HELLO))
    theirs = openai_run(body)
    ours = our_run(body)
    assert isinstance(ours.final, dict), repr(ours.final)
    assert ours.final["output"][0]["content"][0]["text"] == "Hello, world!"
    assert ours_dumped(ours.final) == theirs_dumped(theirs.final)
    assert _our_previews(ours.events) == _their_previews(theirs.events)


def _recorded(name: str) -> bytes:
    return (DATA / f"{name}.sse").read_bytes()


# The recorded streams openai handles right.
RECORDED_AGREES = [
    "text_annotations",
    "reasoning_summary",
    "reasoning_text",
    "data_only",
    "parallel_function_calls",
    "interleaved_function_calls",
    "custom_tool",
    "web_search",
    "code_interpreter",
    "image_generation",
    "mcp",
    "mcp_approval_request",
    "mcp_call_failed",
    "computer_call",
    "apply_patch_call",
    "shell_call",
    "refusal",
    "text_logprobs",
    "output_null",
    "queued_background",
    "sequence_gap",
    "no_sequence_numbers",
]


@pytest.mark.parametrize("name", RECORDED_AGREES)
def test_openai_agrees_recorded(name: str) -> None:
    body = _recorded(name)
    theirs = openai_run(body)
    assert not isinstance(theirs.final, BaseException), repr(theirs.final)
    ours = our_run(body)
    assert isinstance(ours.final, dict), repr(ours.final)
    assert ours_dumped(ours.final) == theirs_dumped(theirs.final)
    assert _our_previews(ours.events) == _their_previews(theirs.events)


# --------------------------------------------------------------------------- #
# 2. where openai is wrong: information, never a failure
# --------------------------------------------------------------------------- #


def _resumed_payloads() -> tuple[list[dict[str, Any]], int]:
    """The stream of ``test_hand_written_streams_agree`` and the last
    sequence number a client saw before its connection dropped (after the
    second text delta)."""
    payloads = [
        *_begin(),
        *_message(HELLO),
    ]
    payloads.append(_end("completed", _final_items(payloads)))
    deltas = [
        n for n, p in enumerate(payloads) if p["type"] == "response.output_text.delta"
    ]
    return payloads, deltas[1]


def _resumed() -> bytes:
    # What GET /v1/responses/{id}?stream=true&starting_after=N sends, the
    # events after N without response.created, here behind a proxy that
    # replays the last two events the client had (N - 1 and N) first.
    payloads, last = _resumed_payloads()
    return _sse(payloads[last - 1 :], first=last - 1)


def _replayed_delta() -> bytes:
    # After the second delta, the first two again with their own sequence
    # numbers (one older than the last seen, one equal to it), as a proxy that
    # reconnects and replays from an earlier point sends them.
    body = _completed(_message(HELLO))
    events = body.split(b"\n\n")
    first = next(n for n, e in enumerate(events) if b"output_text.delta" in e)
    return b"\n\n".join(
        [*events[: first + 2], *events[first : first + 2], *events[first + 2 :]]
    )


def _error_event() -> bytes:
    head = [*_begin(), *_message(HELLO)[:4]]  # added, part added, two deltas
    error = {
        "type": "error",
        "code": "server_error",
        "message": "The server had an error while processing your request.",
        "param": None,
    }
    return _sse([*head, error])


_FAILED_ERROR = {"code": "server_error", "message": "The model failed to respond."}
_INCOMPLETE = {"reason": "max_output_tokens"}


def _unfolded() -> bytes:
    """A cut stream with a reasoning summary, a refusal and a custom tool
    input, each streamed in deltas (no done events, no terminal)."""
    summary_at = {"item_id": "rs_68a1", "output_index": 0, "summary_index": 0}
    refusal_at = {"item_id": _MSG_ID, "output_index": 1, "content_index": 0}
    tool_at = {"item_id": "ctc_68a1", "output_index": 2}
    payloads: list[dict[str, Any]] = [
        *_begin(),
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {"id": "rs_68a1", "type": "reasoning", "summary": []},
        },
        {
            "type": "response.reasoning_summary_part.added",
            **summary_at,
            "part": {"type": "summary_text", "text": ""},
        },
        *(
            {"type": "response.reasoning_summary_text.delta", **summary_at, "delta": d}
            for d in ["**Checking** ", "the request"]
        ),
        {
            "type": "response.output_item.added",
            "output_index": 1,
            "item": {
                "id": _MSG_ID,
                "type": "message",
                "status": "in_progress",
                "role": "assistant",
                "content": [],
            },
        },
        {
            "type": "response.content_part.added",
            **refusal_at,
            "part": {"type": "refusal", "refusal": ""},
        },
        *(
            {"type": "response.refusal.delta", **refusal_at, "delta": d}
            for d in ["I can't ", "help with that."]
        ),
        {
            "type": "response.output_item.added",
            "output_index": 2,
            "item": {
                "id": "ctc_68a1",
                "type": "custom_tool_call",
                "status": "in_progress",
                "call_id": "call_68a1",
                "name": "run_sql",
                "input": "",
            },
        },
        *(
            {"type": "response.custom_tool_call_input.delta", **tool_at, "delta": d}
            for d in ["SELECT 1 ", "FROM t"]
        ),
    ]
    return _sse(payloads)


UNFOLDED = {
    "summary": "**Checking** the request",
    "refusal": "I can't help with that.",
    "input": "SELECT 1 FROM t",
}
COPIED_TEXT = "".join(f"{n:>9} " for n in range(400))  # 4,000 characters
COPIED_DELTAS = [COPIED_TEXT[i : i + 10] for i in range(0, len(COPIED_TEXT), 10)]


@dataclass(frozen=True)
class KnownBug:
    """One documented openai bug, seen on one stream."""

    what: str
    shows: Callable[[OpenAIRun], bool]


def _raises(kind: type[BaseException], match: str = "") -> Callable[[OpenAIRun], bool]:
    def shows(run: OpenAIRun) -> bool:
        return isinstance(run.final, kind) and match in str(run.final)

    return shows


def _drops_items(run: OpenAIRun) -> bool:
    return not isinstance(run.final, BaseException) and run.final.output == []


def _folds_twice(run: OpenAIRun) -> bool:
    texts = [e.snapshot for e in run.events if e.type == "response.output_text.delta"]
    return any(not "".join(HELLO).startswith(text) for text in texts)


def _folds_after_the_end(run: OpenAIRun) -> bool:
    types = [e.type for e in run.events]
    end = types.index("response.completed")
    return "response.output_text.delta" in types[end + 1 :]


def _leaves_unfolded(run: OpenAIRun) -> bool:
    # Its snapshot after the cut: the three items as their added events
    # brought them; the deltas went nowhere.
    output = run.snapshot.output
    return bool(
        isinstance(run.final, RuntimeError)
        and output[0].summary == []
        and output[1].content[0].refusal == ""
        and output[2].input == ""
    )


def _copies_text(run: OpenAIRun) -> bool:
    # Every delta event holds its own copy of the whole text so far: all the
    # copies are alive at once while the caller keeps the events.
    snapshots = {
        id(e.snapshot): len(e.snapshot)
        for e in run.events
        if e.type == "response.output_text.delta"
    }
    return sum(snapshots.values()) >= len(COPIED_TEXT) * len(COPIED_DELTAS) // 4


OPENAI_WRONG: dict[str, KnownBug] = {
    "resumed": KnownBug(
        "a stream resumed with starting_after has no response.created: "
        "ResponseStreamState cannot start, RuntimeError at the first event",
        _raises(RuntimeError, "Expected to have received `response.created`"),
    ),
    "incomplete": KnownBug(
        "PR #3538: get_final_response() raises on response.incomplete "
        "(max_output_tokens, content_filter): the response and its text are "
        "lost",
        _raises(RuntimeError, "response.completed"),
    ),
    "failed": KnownBug(
        "PR #3538: get_final_response() raises RuntimeError on response.failed, "
        "without the response's error",
        _raises(RuntimeError, "response.completed"),
    ),
    "error_event": KnownBug(
        "an error event (no 'error' key: code and message at the top) raises "
        "nothing from the stream; get_final_response() then raises RuntimeError "
        "without the error",
        _raises(RuntimeError, "response.completed"),
    ),
    "output_empty": KnownBug(
        "response.completed with output [] (open servers send it): the final "
        "response has no output, though every item was streamed and done",
        _drops_items,
    ),
    "missing_content_part_added": KnownBug(
        "a text delta whose content_part.added never came: IndexError from "
        "content[content_index]",
        _raises(IndexError),
    ),
    "item_null": KnownBug(
        "output_item.added with item null: the item is skipped, and its first "
        "content event raises RuntimeError",
        _raises(RuntimeError, "before receiving its output item"),
    ),
    "replayed_delta": KnownBug(
        "a replayed event (a sequence_number already seen) is folded again: the "
        "text-so-far snapshots of its delta events repeat text",
        _folds_twice,
    ),
    "unfolded_deltas": KnownBug(
        "only output text and function arguments are folded into its snapshot: "
        "reasoning summary, refusal and custom tool input deltas are dropped "
        "(and a cut stream gives no response at all: RuntimeError)",
        _leaves_unfolded,
    ),
    "cut_stream": KnownBug(
        "a stream that stops without a terminal event: get_final_response() "
        "raises RuntimeError, with nothing of what came",
        _raises(RuntimeError, "response.completed"),
    ),
    "content_index_not_restarting": KnownBug(
        "content_index that does not restart at 0 for each item: IndexError, "
        "content parts are looked up by position in a list",
        _raises(IndexError),
    ),
    "event_after_completion": KnownBug(
        "an event after response.completed is still folded in: a stray text "
        "delta comes out as a text delta event whose snapshot extends the "
        "finished text",
        _folds_after_the_end,
    ),
    "text_copies": KnownBug(
        "the text so far is copied on every delta (`text += delta` on the "
        "model, then handed to the event): 4,000 characters in 400 deltas "
        "leave about 800,000 characters of copies in the events",
        _copies_text,
    ),
}
STREAMS: dict[str, bytes] = {
    "resumed": _resumed(),
    "incomplete": _sse(
        [
            *_begin(),
            *_message(HELLO),
            _end(
                "incomplete",
                _final_items(_message(HELLO)),
                incomplete_details=_INCOMPLETE,
            ),
        ]
    ),
    "failed": _sse(
        [*_begin(), *_message(HELLO)[:4], _end("failed", [], error=_FAILED_ERROR)]
    ),
    "error_event": _error_event(),
    "output_empty": _sse([*_begin(), *_message(HELLO), _end("completed", [])]),
    "missing_content_part_added": _completed(_message(HELLO, part_added=False)),
    "item_null": _completed(
        [{**_message(HELLO)[0], "item": None}, *_message(HELLO)[1:]]
    ),
    "replayed_delta": _replayed_delta(),
    "unfolded_deltas": _unfolded(),
    "text_copies": _completed(_message(COPIED_DELTAS)),
}
# The recorded streams openai gets wrong, and the bug each shows.
RECORDED_WRONG: dict[str, str] = {
    "incomplete_max_output_tokens": "incomplete",
    "incomplete_content_filter": "incomplete",
    "function_call_cut": "incomplete",
    "failed": "failed",
    "failed_with_output": "failed",
    "error_event": "error_event",
    "cut_stream": "cut_stream",
    "missing_content_part_added": "missing_content_part_added",
    "content_index_not_restarting": "content_index_not_restarting",
    "item_null": "item_null",
    "resumed_with_replay": "resumed",
    "resumed_mid_arguments": "resumed",
    "event_after_completion": "event_after_completion",
}


def test_every_stream_is_looked_at() -> None:
    """Each recorded stream is asserted to agree or documented as wrong, and
    each documented bug is shown by at least one stream."""
    assert set(MANIFEST) == set(RECORDED_AGREES) | set(RECORDED_WRONG)
    assert not set(RECORDED_AGREES) & set(RECORDED_WRONG)
    assert set(STREAMS) | set(RECORDED_WRONG.values()) == set(OPENAI_WRONG)
    assert set(STREAMS) <= set(OPENAI_WRONG)


@pytest.mark.parametrize("name", sorted(RECORDED_WRONG))
def test_we_are_right_where_openai_is_not_recorded(name: str) -> None:
    """On each recorded stream openai gets wrong, we end as the manifest says
    (the goldens themselves are compared in test_responses_recorded.py)."""
    resume = DATA / f"{name}.resume.json"
    ours = our_run(
        _recorded(name),
        json.loads(resume.read_text("utf-8")) if resume.exists() else None,
    )
    row = MANIFEST[name]
    if row["close"] == "final":
        golden = json.loads((DATA / f"{name}.final.json").read_text("utf-8"))
        assert ours.final == golden
    else:
        assert type(ours.final).__name__ == row["close"], repr(ours.final)
    assert ours.acc.status == row["status"]


def _assert_hello(final: Any, status: str = "completed") -> None:
    assert isinstance(final, dict), repr(final)
    assert final["status"] == status
    assert [item["type"] for item in final["output"]] == ["message"]
    assert final["output"][0]["content"][0]["text"] == "".join(HELLO)
    Response.model_validate(final)


def test_we_are_right_where_openai_is_not_resumed() -> None:
    """From the snapshot at the drop and the last sequence number, the events
    after it give the same final as the whole stream (the replayed ones
    dropped)."""
    payloads, last = _resumed_payloads()
    whole = our_run(_sse(payloads))
    first = OpenAIResponsesAccumulator()
    for item in SSEDecoder().feed(_sse(payloads[: last + 1])):
        first.feed(item)
    acc = OpenAIResponsesAccumulator.resume(
        copy.deepcopy(first.snapshot()), sequence_number=last
    )
    decoder = SSEDecoder()
    for item in [*decoder.feed(STREAMS["resumed"]), *decoder.close()]:
        acc.feed(item)
    final = acc.close()
    assert final == whole.final
    _assert_hello(final)
    assert acc.gaps == ()
    assert acc.replayed == 2


def test_we_are_right_where_openai_is_not() -> None:
    """On each stream openai gets wrong (but the resumed one, above), we do
    what the contract says."""
    ours = {name: our_run(body) for name, body in STREAMS.items() if name != "resumed"}
    incomplete = ours["incomplete"]
    _assert_hello(incomplete.final, "incomplete")
    assert incomplete.final["incomplete_details"] == _INCOMPLETE
    assert incomplete.acc.status == "incomplete"

    failed = ours["failed"].final
    assert isinstance(failed, StreamError), repr(failed)
    assert failed.body == _FAILED_ERROR
    assert ours["failed"].acc.status == "failed"

    error = ours["error_event"].final
    assert isinstance(error, StreamError), repr(error)
    assert "The server had an error" in json.dumps(error.body)
    assert error.snapshot["output"][0]["content"][0]["text"] == "Hello, "
    assert ours["error_event"].acc.status == "error"

    for name in ("output_empty", "missing_content_part_added", "item_null"):
        _assert_hello(ours[name].final)

    replayed = ours["replayed_delta"]
    _assert_hello(replayed.final)
    assert replayed.acc.replayed == 2
    assert _our_previews(replayed.events) == [
        ("text", 0, 0, "".join(HELLO[:n])) for n in range(1, len(HELLO) + 1)
    ]

    cut = ours["unfolded_deltas"].final
    assert isinstance(cut, IncompleteStream), repr(cut)
    reasoning, message, tool = cut.snapshot["output"]
    assert reasoning["summary"][0]["text"] == UNFOLDED["summary"]
    assert message["content"][0]["refusal"] == UNFOLDED["refusal"]
    assert tool["input"] == UNFOLDED["input"]
    kinds = {type(e) for e in ours["unfolded_deltas"].events}
    assert {ReasoningDelta, RefusalDelta, ToolCallArgumentsDelta} <= kinds

    copied = ours["text_copies"]
    assert isinstance(copied.final, dict), repr(copied.final)
    assert copied.final["output"][0]["content"][0]["text"] == COPIED_TEXT
    # Each delta's text so far is there when asked for (lazily, not copied
    # on every delta: the Responses cases of benchmarks/llm.py measure the cost).
    previews = _our_previews(copied.events)
    assert [p[3] for p in previews] == [
        COPIED_TEXT[: n + 10] for n in range(0, len(COPIED_TEXT), 10)
    ]


@dataclass(frozen=True)
class Observation:
    """What openai did on one stream: one report line."""

    name: str
    verdict: str
    bug: KnownBug
    shows_bug: bool

    def line(self) -> str:
        state = "still shows" if self.shows_bug else "NO LONGER SHOWS"
        return (
            f"{self.name:<40} {self.verdict}\n"
            f"{'':<40} {state} the documented bug: {self.bug.what}"
        )


def _shows(bug: KnownBug, run: OpenAIRun) -> bool:
    """Whether *run* still shows *bug*; False when its shape changed."""
    try:
        return bug.shows(run)
    except (KeyError, IndexError, TypeError, AttributeError):
        return False  # openai's result no longer has the shape the bug left


def _verdict(run: OpenAIRun) -> str:
    if isinstance(run.final, BaseException):
        return f"raises {type(run.final).__name__}: {str(run.final)[:50]!r}"
    output = [item.type for item in run.final.output]
    return f"returns a response (status {run.final.status!r}, output {output})"


def oracle_report() -> list[Observation]:
    """One row per stream that shows a documented bug, hand-written or
    recorded (``recorded/NAME``)."""
    cases = [(name, body, name) for name, body in STREAMS.items()] + [
        (f"recorded/{name}", _recorded(name), bug)
        for name, bug in RECORDED_WRONG.items()
    ]
    rows = []
    for name, body, key in cases:
        run = openai_run(body)
        bug = OPENAI_WRONG[key]
        rows.append(Observation(name, _verdict(run), bug, _shows(bug, run)))
    return rows


class OracleChanged(UserWarning):
    """The pinned oracle no longer shows a bug this file documents."""


def test_openai_oracle_report(info_report: Callable[[str, str], None]) -> None:
    """Where openai's ``ResponseStream`` is known to be wrong.

    Only information: the report is printed at the end of the run, and a
    documented bug that no longer shows (after a deliberate bump of the pin)
    raises an ``OracleChanged`` warning naming the entry to update.  Asserted is
    only that every documented bug was looked at.
    """
    rows = oracle_report()
    assert {row.bug for row in rows} == set(OPENAI_WRONG.values())
    version = importlib.metadata.version("openai")
    info_report(
        f"openai {version} ResponseStream on the streams it gets wrong",
        "\n".join(row.line() for row in rows),
    )
    for row in rows:
        if not row.shows_bug:
            warnings.warn(
                OracleChanged(
                    f"openai {version} no longer shows the bug documented for "
                    f"{row.name} ({row.bug.what}); it now {row.verdict}. Update "
                    "OPENAI_WRONG in tests/llm/test_responses_oracle.py (and "
                    "assert the agreement if it now agrees)."
                ),
                stacklevel=1,
            )
