"""``stream()`` / ``astream()``: one call from a source to events, views and final.

Every recorded stream of the three protocols (``tests/data/``, with their
hand-written goldens), fed as bytes (whole, in small chunks, byte by byte), as
decoded SSE events and as payload dicts, sync and async, with the protocol
detected and given: the same events as the accumulator alone, and ``final`` the
golden or the golden's error.  Then early exits, error streams, detection
(what decides, what is held, what fails and how it says so), the accumulators'
``WrongProtocol`` at their first event, option checks, the live views, several
async streams at once, and hypothesis properties over the three strategies.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse import ServerSentEvent, SSEDecoder
from sseparse.errors import (
    IncompleteStream,
    InvalidChunk,
    StreamError,
    UnknownProtocol,
    UsageError,
    WrongProtocol,
)
from sseparse.llm import (
    MAX_UNDECIDED,
    AnthropicMessagesAccumulator,
    AsyncLLMStream,
    LLMStream,
    OpenAIChatAccumulator,
    OpenAIResponsesAccumulator,
    ToolCall,
    UnknownEvent,
    astream,
    detect_protocol,
    stream,
)
from sseparse.testing import (
    anthropic_message_streams,
    chunkings,
    openai_chat_streams,
    openai_responses_streams,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable, Iterator

DATA = Path(__file__).parent.parent / "data"
DIRS = {
    "chat": "openai_chat",
    "anthropic": "anthropic_messages",
    "responses": "openai_responses",
}
ACCUMULATORS: dict[str, Any] = {
    "chat": OpenAIChatAccumulator,
    "anthropic": AnthropicMessagesAccumulator,
    "responses": OpenAIResponsesAccumulator,
}


def _recorded() -> list[tuple[str, Path]]:
    # resumed_*: OpenAIResponsesAccumulator.resume()'s, not stream()'s.
    return [
        (protocol, path)
        for protocol, folder in DIRS.items()
        for path in sorted((DATA / folder).glob("*.sse"))
        if not path.name.startswith("resumed_")
    ]


RECORDED = _recorded()


def _events(body: bytes) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    return [*decoder.feed(body), *decoder.close()]


def _alone(protocol: str, body: bytes) -> tuple[list[Any], Any]:
    """The accumulator alone, fed the decoded events: its events and verdict."""
    acc = ACCUMULATORS[protocol]()
    out: list[Any] = []
    try:
        for event in _events(body):
            out += acc.feed(event)
        return out, acc.close()
    except (IncompleteStream, StreamError) as exc:
        return out, type(exc)


def _verdict(s: LLMStream | AsyncLLMStream) -> Any:
    try:
        return s.final
    except (IncompleteStream, StreamError) as exc:
        return type(exc)


def _run(source: Iterable[Any], **options: Any) -> tuple[list[Any], Any, LLMStream]:
    s = stream(source, **options)
    out: list[Any] = []
    with contextlib.suppress(StreamError):
        out.extend(s)  # as far as it goes: the events before an error stay
    return out, _verdict(s), s


class Closable:
    """A source that records whether it was closed (as an HTTP response is)."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = list(items)
        self.closed = False
        self.taken = 0

    def __iter__(self) -> Iterator[Any]:
        for item in self.items:
            self.taken += 1
            yield item

    def close(self) -> None:
        self.closed = True


class AsyncClosable:
    def __init__(self, items: Iterable[Any]) -> None:
        self.items = list(items)
        self.closed = False

    async def _gen(self) -> AsyncIterator[Any]:
        for item in self.items:
            await asyncio.sleep(0)
            yield item

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._gen()

    async def aclose(self) -> None:
        self.closed = True


def _ways(body: bytes) -> dict[str, list[Any]]:
    events = _events(body)
    return {
        "bytes whole": [body],
        "bytes in 7s": [body[i : i + 7] for i in range(0, len(body), 7)],
        "bytes one by one": [body[i : i + 1] for i in range(len(body))],
        "sse events": events,
    }


# -- recorded streams: every way in, the same as the accumulator alone -------------


@pytest.mark.parametrize(
    ("protocol", "path"), RECORDED, ids=lambda v: getattr(v, "name", v)
)
def test_recorded_streams_give_the_accumulators_events_and_final(
    protocol: str, path: Path
) -> None:
    body = path.read_bytes()
    want_events, want = _alone(protocol, body)
    golden = path.with_suffix(".final.json")
    if golden.exists():
        assert want == json.loads(golden.read_text())
    for name, source in _ways(body).items():
        for given_protocol in ("auto", protocol):
            events, verdict, s = _run(source, protocol=given_protocol)
            assert events == want_events, (name, given_protocol)
            assert verdict == want, (name, given_protocol)
            assert s.protocol == protocol
            assert s.incomplete is not isinstance(want, dict)


@pytest.mark.parametrize(
    ("protocol", "path"), RECORDED, ids=lambda v: getattr(v, "name", v)
)
def test_payload_dicts_give_the_same_final(protocol: str, path: Path) -> None:
    """A framing that is not SSE: the payloads as dicts ([DONE] has none)."""
    body = path.read_bytes()
    events = _events(body)
    payloads = [json.loads(e.data) for e in events if e.data != "[DONE]"]
    _, want = _alone(protocol, body)
    _, verdict, s = _run(payloads)
    if isinstance(want, dict):
        assert verdict == want
    else:
        assert verdict in (IncompleteStream, StreamError)
    assert s.protocol == protocol


@pytest.mark.parametrize(
    ("protocol", "path"), RECORDED, ids=lambda v: getattr(v, "name", v)
)
def test_astream_gives_what_stream_gives(protocol: str, path: Path) -> None:
    body = path.read_bytes()
    want_events, want = _alone(protocol, body)

    async def main() -> tuple[list[Any], Any]:
        out: list[Any] = []
        s = astream(AsyncClosable([body[i : i + 50] for i in range(0, len(body), 50)]))
        try:
            async with s:
                async for event in s:
                    out.append(event)  # noqa: PERF401 (keep those before an error)
        except StreamError:
            pass
        return out, _verdict(s)

    assert asyncio.run(main()) == (want_events, want)


# -- the views ---------------------------------------------------------------------


def _text_of(protocol: str, final: dict[str, Any]) -> str:
    if protocol == "chat":
        return str(final["choices"][0]["message"].get("content") or "")
    if protocol == "anthropic":
        return "".join(b["text"] for b in final["content"] if b["type"] == "text")
    return "".join(
        p["text"]
        for item in final["output"]
        if item["type"] == "message"
        for p in item["content"]
        if p["type"] == "output_text"
    )


def _calls_of(protocol: str, final: dict[str, Any]) -> list[tuple[Any, str]]:
    if protocol == "chat":
        out: list[tuple[Any, str]] = []
        for choice in final["choices"]:
            message = choice["message"]
            out.extend(
                (call["function"]["name"], call["function"]["arguments"])
                for call in message.get("tool_calls") or ()
            )
            if message.get("function_call"):
                fc = message["function_call"]
                out.append((fc["name"], fc["arguments"]))
        return out
    if protocol == "anthropic":
        return [
            (b["name"], json.dumps(b["input"]))
            for b in final["content"]
            if b["type"].endswith("tool_use")
        ]
    return [
        (item.get("name"), item.get("arguments") or item.get("input") or "")
        for item in final["output"]
        if item["type"] in ("function_call", "custom_tool_call")
    ]


@pytest.mark.parametrize(
    ("protocol", "path"), RECORDED, ids=lambda v: getattr(v, "name", v)
)
def test_views_agree_with_the_final(protocol: str, path: Path) -> None:
    golden = path.with_suffix(".final.json")
    if not golden.exists():
        return
    final = json.loads(golden.read_text())
    _, _, s = _run([path.read_bytes()])
    assert s.text == _text_of(protocol, final)
    assert s.usage == final.get("usage")
    calls = [(c.name, c.arguments) for c in s.tool_calls]
    if protocol == "anthropic":
        # Anthropic's final holds the parsed input (a cut one's preview).
        inputs = [
            (b["name"], b["input"]) for b in final["content"] if "tool_use" in b["type"]
        ]
        assert [(c.name, c.parsed_arguments or {}) for c in s.tool_calls] == inputs
    else:
        for call in _calls_of(protocol, final):
            assert call in calls, (call, calls)
    for view in s.tool_calls:
        assert isinstance(view, ToolCall)
        assert view.done is (view.complete is not None)
        if view.complete and view.arguments.strip().startswith("{"):
            assert view.parsed_arguments == json.loads(view.arguments)


def test_finish_reason_and_reason_of_each_protocol() -> None:
    cases = {
        ("chat", "openai_text"): ("stop", "stop"),
        ("chat", "tools_interleaved"): ("tool_calls", "tool_calls"),
        ("anthropic", "refusal_stop"): ("refusal", "refusal"),
        ("anthropic", "pause_turn"): ("pause_turn", "pause"),
    }
    for (protocol, name), (finish_reason, reason) in cases.items():
        _, _, s = _run([(DATA / DIRS[protocol] / f"{name}.sse").read_bytes()])
        assert (s.finish_reason, s.reason) == (finish_reason, reason), name


def test_finish_reason_is_the_first_choices() -> None:
    """With n > 1, the views are the first choice's, whichever finishes last."""

    def chunk(index: int, delta: dict[str, Any], finish: str | None) -> Any:
        return {
            "object": "chat.completion.chunk",
            "id": "c",
            "created": 1,
            "model": "m",
            "choices": [{"index": index, "delta": delta, "finish_reason": finish}],
        }

    s = stream(
        [
            chunk(0, {"role": "assistant", "content": "A"}, None),
            chunk(1, {"role": "assistant", "content": "B"}, None),
            chunk(0, {}, "stop"),
            chunk(1, {}, "length"),
        ]
    )
    list(s)
    assert (s.finish_reason, s.reason, s.text) == ("stop", "stop", "A")


def test_views_before_anything_came() -> None:
    s = stream([])
    assert (s.protocol, s.accumulator, s.snapshot) == (None, None, None)
    assert (s.text, s.tool_calls, s.usage, s.parsed) == ("", [], None, None)
    assert (s.finish_reason, s.reason, s.incomplete) == (None, None, True)
    with pytest.raises(UsageError, match="not over yet"):
        _ = s.final


def test_parsed_with_a_response_format() -> None:
    chunks: list[dict[str, Any]] = [
        {
            "object": "chat.completion.chunk",
            "id": "c",
            "created": 1,
            "model": "m",
            "choices": [
                {
                    "index": 0,
                    "delta": {"role": "assistant", "content": piece},
                    "finish_reason": None,
                }
            ],
        }
        for piece in ['{"city": "Par', 'is", "people"', ": 2100000}"]
    ]
    chunks.append(
        {
            "object": "chat.completion.chunk",
            "id": "c",
            "created": 1,
            "model": "m",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
    )
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "people": {"type": "integer"}},
        "required": ["city", "people"],
    }
    s = stream(chunks, response_format=schema)
    # The partial value is the parser's own, updated in place: copy to keep.
    partials = [copy.deepcopy(e.parsed) for e in s if e.type == "content.delta"]
    assert partials[0] == {"city": "Par"}
    assert s.parsed == {"city": "Paris", "people": 2100000}
    assert (
        s.final["choices"][0]["message"]["content"]
        == '{"city": "Paris", "people": 2100000}'
    )


# -- early exit, errors ------------------------------------------------------------


@pytest.mark.parametrize("protocol", sorted(DIRS))
def test_leaving_early_closes_the_source_and_leaves_a_cut_stream(protocol: str) -> None:
    body = (DATA / DIRS[protocol] / _TEXT[protocol]).read_bytes()
    source = Closable(body[i : i + 20] for i in range(0, len(body), 20))
    with stream(source) as s:
        for event in s:
            if event.type == "content.delta":
                break
    assert source.closed
    assert source.taken < len(source.items)
    assert s.incomplete
    assert s.text  # a truthful snapshot: what came is there
    assert s.snapshot is not None
    with pytest.raises(IncompleteStream, match="left before its end") as info:
        _ = s.final
    assert info.value.snapshot is not None
    with pytest.raises(IncompleteStream):  # every time it is read
        _ = s.final


_TEXT = {
    "chat": "openai_text.sse",
    "anthropic": "text_plain.sse",
    "responses": "text_annotations.sse",
}


@pytest.mark.parametrize("protocol", sorted(DIRS))
def test_leaving_an_async_stream_early_acloses_the_source(protocol: str) -> None:
    body = (DATA / DIRS[protocol] / _TEXT[protocol]).read_bytes()
    source = AsyncClosable(body[i : i + 20] for i in range(0, len(body), 20))

    async def main() -> AsyncLLMStream:
        async with astream(source) as s:
            async for event in s:
                if event.type == "content.delta":
                    break
        return s

    s = asyncio.run(main())
    assert source.closed
    assert s.incomplete
    with pytest.raises(IncompleteStream):
        _ = s.final


def test_a_stream_that_finished_is_not_incomplete_and_close_is_idempotent() -> None:
    body = (DATA / "openai_chat" / "openai_text.sse").read_bytes()
    source = Closable([body])
    with stream(source) as s:
        list(s)
    s.close()
    assert source.closed
    assert not s.incomplete
    assert s.final["object"] == "chat.completion"


@pytest.mark.parametrize(
    ("protocol", "name"),
    [
        ("chat", "stream_error_midway"),
        ("anthropic", "error_mid_stream"),
        ("responses", "error_event"),
    ],
)
def test_an_error_event_raises_while_iterating_and_from_final(
    protocol: str, name: str
) -> None:
    body = (DATA / DIRS[protocol] / f"{name}.sse").read_bytes()
    source = Closable([body])
    s = stream(source)
    with pytest.raises(StreamError) as info:
        list(s)
    assert source.closed
    assert s.incomplete
    with pytest.raises(StreamError) as again:
        _ = s.final
    assert again.value is info.value


def test_a_failed_response_is_an_error_only_at_final() -> None:
    """``response.failed`` is the stream's own end: iteration ends, final raises."""
    body = (DATA / "openai_responses" / "failed.sse").read_bytes()
    s = stream([body])
    list(s)
    assert s.finish_reason == "failed"
    assert s.incomplete
    with pytest.raises(StreamError):
        _ = s.final


def test_a_cut_stream_is_never_final() -> None:
    for protocol, name in (
        ("chat", "cut_without_done"),
        ("anthropic", "cut_stream"),
        ("responses", "cut_stream"),
    ):
        s = stream([(DATA / DIRS[protocol] / f"{name}.sse").read_bytes()])
        list(s)  # iterating does not raise: the verdict is final's
        assert s.incomplete
        with pytest.raises(IncompleteStream):
            _ = s.final


def test_a_source_that_fails_leaves_a_cut_stream_caused_by_its_error() -> None:
    body = (DATA / "anthropic_messages" / "text_plain.sse").read_bytes()

    def network() -> Iterator[bytes]:
        yield body[: len(body) // 2]
        raise ConnectionResetError("peer closed the connection")

    s = stream(network())
    with pytest.raises(ConnectionResetError):
        list(s)
    assert s.incomplete
    assert s.text
    with pytest.raises(IncompleteStream, match="ConnectionResetError") as info:
        _ = s.final
    assert isinstance(info.value.__cause__, ConnectionResetError)
    assert info.value.snapshot is not None

    async def anetwork() -> AsyncIterator[bytes]:
        yield body[: len(body) // 2]
        raise ConnectionResetError("peer closed the connection")

    async def main() -> AsyncLLMStream:
        a = astream(anetwork())
        with pytest.raises(ConnectionResetError):
            async for _ in a:
                pass
        return a

    a = asyncio.run(main())
    with pytest.raises(IncompleteStream, match="ConnectionResetError"):
        _ = a.final


def test_a_stream_is_iterated_once() -> None:
    s = stream([b""])
    with pytest.raises(UnknownProtocol):
        list(s)
    with pytest.raises(UsageError, match="iterated once"):
        iter(s)


# -- detection ---------------------------------------------------------------------

_START: dict[str, dict[str, Any]] = {
    "chat": {
        "object": "chat.completion.chunk",
        "id": "c",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": None}],
    },
    "anthropic": {
        "type": "message_start",
        "message": {
            "id": "m",
            "type": "message",
            "role": "assistant",
            "model": "c",
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
        },
    },
    "responses": {
        "type": "response.created",
        "sequence_number": 0,
        "response": {
            "id": "r",
            "object": "response",
            "status": "in_progress",
            "output": [],
        },
    },
}


@pytest.mark.parametrize(
    ("payload", "protocol"),
    [
        (_START["chat"], "chat"),
        ({"choices": []}, "chat"),  # a usage-only chunk of a server without object
        ({"object": "chat.completion.chunk", "type": "x"}, "chat"),
        (_START["anthropic"], "anthropic"),
        ({"type": "content_block_delta"}, "anthropic"),
        ({"type": "message_stop"}, "anthropic"),
        (_START["responses"], "responses"),
        ({"type": "response.output_text.delta"}, "responses"),
        ({"type": "ping"}, None),
        ({"type": "error", "error": {}}, None),
        ({"error": {"message": "x"}}, None),
        ({"type": "x_proxy_hello"}, None),
        ({"type": 3, "choices": []}, "chat"),
        ({"type": "x", "choices": []}, None),
        ([1, 2], None),
        ("text", None),
        (None, None),
        ({}, None),
    ],
)
def test_detect_protocol(payload: Any, protocol: str | None) -> None:
    assert detect_protocol(payload) == protocol


def test_undecided_payloads_are_held_and_replayed_in_order() -> None:
    body = (DATA / "anthropic_messages" / "ping_between_every_event.sse").read_bytes()
    first = _events(body)[0]
    assert json.loads(first.data)["type"] == "ping"
    want_events, want = _alone("anthropic", body)
    events, verdict, s = _run([body])
    assert (events, verdict) == (want_events, want)
    assert s.protocol == "anthropic"


def test_a_proxy_event_before_the_start_is_held_too() -> None:
    payloads = [{"type": "x_proxy_hello", "n": 1}, _START["anthropic"]]
    s = stream(payloads)
    events = list(s)
    assert [e.type for e in events][:3] == ["chunk", "unknown", "chunk"]
    assert isinstance(events[1], UnknownEvent)
    assert events[1].data == {"type": "x_proxy_hello", "n": 1}
    assert s.protocol == "anthropic"


def test_done_alone_decides_chat() -> None:
    s = stream([b"data: [DONE]\n\n"])
    list(s)
    assert s.protocol == "chat"


@pytest.mark.parametrize(
    ("source", "match"),
    [
        ([b""], "no events found: is this an event stream"),
        ([b": only a comment\n\n"], "no events found"),
        (
            [b"data: hello\n\n"],
            "could not tell the protocol at the end of the stream: "
            "saw non-JSON data 'hello'",
        ),
        ([b'data: {"type": "x_hello"}\n\n'], "saw payload type 'x_hello'"),
        ([b"data: [1]\n\n"], r"saw JSON '\[1\]'"),
        ([{"a": 1}], "a JSON object with keys 'a'"),
        ([{"type": "ping"}] * (MAX_UNDECIDED + 1), f"after {MAX_UNDECIDED} events"),
    ],
)
def test_an_unknown_protocol_says_what_it_saw(source: list[Any], match: str) -> None:
    s = stream(source)
    with pytest.raises(UnknownProtocol, match=match) as info:
        list(s)
    assert s.incomplete
    with pytest.raises(UnknownProtocol):
        _ = s.final
    if "saw" in match:
        assert info.value.seen


def test_an_error_before_the_protocol_is_known_raises_stream_error() -> None:
    body = (
        b"event: error\n"
        b'data: {"type": "error", "error": {"type": "overloaded_error"}}\n\n'
    )
    s = stream([body])
    with pytest.raises(StreamError, match="before its stream said") as info:
        list(s)
    assert info.value.body["error"]["type"] == "overloaded_error"


def test_a_given_protocol_is_not_second_guessed_but_checked() -> None:
    body = (DATA / "anthropic_messages" / "text_plain.sse").read_bytes()
    s = stream([body], protocol="chat")
    with pytest.raises(WrongProtocol, match="looks like an Anthropic Messages stream"):
        list(s)


# -- the accumulators name the protocol they were fed ------------------------------


@pytest.mark.parametrize("expected", sorted(ACCUMULATORS))
@pytest.mark.parametrize("detected", sorted(ACCUMULATORS))
def test_an_accumulator_fed_another_protocol_says_so_at_once(
    expected: str, detected: str
) -> None:
    acc = ACCUMULATORS[expected]()
    payload = copy.deepcopy(_START[detected])
    if expected == detected:
        assert acc.feed_chunk(payload)
        return
    with pytest.raises(WrongProtocol) as info:
        acc.feed_chunk(payload)
    assert (info.value.expected, info.value.detected) == (expected, detected)
    names = {
        "chat": "OpenAI Chat Completions",
        "anthropic": "Anthropic Messages",
        "responses": "OpenAI Responses",
    }
    assert f"looks like an {names[detected]} stream" in str(info.value)
    assert acc.state.value == "error"
    with pytest.raises(UsageError, match="failed with WrongProtocol"):
        acc.feed_chunk(copy.deepcopy(_START[expected]))


def test_wrong_protocol_only_before_the_start() -> None:
    """After its own start, an accumulator treats a foreign-looking payload by its
    own rules (chat: a chunk; Anthropic: an unknown type passes through)."""
    acc = AnthropicMessagesAccumulator()
    acc.feed_chunk(copy.deepcopy(_START["anthropic"]))
    events = acc.feed_chunk({"type": "response.created", "response": {}})
    assert events[-1].type == "unknown"
    chat = OpenAIChatAccumulator()
    chat.feed_chunk(copy.deepcopy(_START["chat"]))
    chat.feed_chunk({"type": "message_start", "choices": []})  # no error


# -- options and sources -----------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"protocol": "gemini"}, "expected protocol 'auto', 'chat'"),
        ({"response_format": 42}, "response_format"),
        ({"response_format": "json"}, "response_format"),
        ({"tools": 3}, "tools"),
    ],
)
def test_bad_options_raise_at_the_call(options: dict[str, Any], match: str) -> None:
    with pytest.raises(UsageError, match=match):
        stream([], **options)
    with pytest.raises(UsageError, match=match):
        astream(AsyncClosable([]), **options)


@pytest.mark.parametrize(
    ("source", "match"),
    [
        (["data: x\n\n"], "got a str item \\(encode text to bytes first\\)"),
        ([1], "got a int item"),
        ([b"data: {}\n\n", {"a": 1}], "began with bytes and then gave a dict"),
        ([ServerSentEvent(data="{}"), b"x"], "began with events and then gave a bytes"),
        ([{"choices": []}, b"x"], "began with payloads and then gave a bytes"),
    ],
)
def test_a_source_of_anything_else_is_a_usage_error(
    source: list[Any], match: str
) -> None:
    with pytest.raises(UsageError, match=match):
        list(stream(source))


def test_the_wrong_kind_of_iterable_is_named_at_the_call() -> None:
    with pytest.raises(UsageError, match=r"got bytes \(a list of one body is"):
        stream(b"data: {}\n\n")
    with pytest.raises(UsageError, match="got str"):
        stream("data: {}")
    with pytest.raises(UsageError, match="for an async one, use astream"):
        stream(AsyncClosable([]))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="for a sync one, use stream"):
        astream([b""])  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="got int"):
        stream(3)  # type: ignore[arg-type]


def test_limits_reach_the_decoder_and_the_accumulator() -> None:
    from sseparse import Limits
    from sseparse.errors import LimitExceeded

    body = (DATA / "openai_chat" / "openai_text.sse").read_bytes()
    with pytest.raises(LimitExceeded):
        list(stream([body], limits=Limits(max_line_bytes=64)))
    with pytest.raises(LimitExceeded):
        list(stream([body], limits=Limits(max_text_chars=5)))


def test_events_the_decoder_finished_before_a_limit_are_not_lost() -> None:
    """A decoder error carries the events it completed first in that read
    (``ProtocolError.items``): they come out before the error, so the split
    does not change what comes out (found by the fuzz smoke)."""
    from sseparse import Limits
    from sseparse.errors import LimitExceeded

    limits = Limits(max_line_bytes=30)
    body = b'data: {"type": "ping"}\n\ndata: ' + b"x" * 40 + b"\n\n"
    seen = []
    for chunks in ([body], [body[:23], body[23:]], [bytes([b]) for b in body]):
        out: list[Any] = []
        with pytest.raises(LimitExceeded):
            out.extend(stream(chunks, protocol="anthropic", limits=limits))
        seen.append([e.type for e in out])
    assert seen == [["chunk"]] * 3  # the ping, in every split


def test_invalid_data_after_detection_raises_the_accumulators_error() -> None:
    with pytest.raises(InvalidChunk):
        list(stream([_START["anthropic"], {"type": "message_delta", "delta": 3}]))


@pytest.mark.parametrize("protocol", sorted(ACCUMULATORS))
@pytest.mark.parametrize("name", ["message", "content_block_delta"])
def test_json_nested_past_the_recursion_limit_is_bad_data_not_a_crash(
    protocol: str, name: str
) -> None:
    """``json.loads`` raises RecursionError on ``[`` x 100,000: the accumulators
    say the data is not JSON (a ProtocolError), or pass a named event they do
    not read through, as for any other non-JSON data; never RecursionError."""
    deep = ServerSentEvent(event=name, data="[" * 100_000)
    acc = ACCUMULATORS[protocol]()
    if protocol == "chat" and name != "message":
        assert [e.type for e in acc.feed(deep)] == ["unknown"]
    else:
        with pytest.raises(InvalidChunk, match="expected JSON data"):
            acc.feed(deep)
    s = stream([deep])
    with pytest.raises(UnknownProtocol, match="saw non-JSON data"):
        list(s)


# -- several at once ---------------------------------------------------------------


def test_async_streams_side_by_side_share_nothing() -> None:
    bodies = [
        (protocol, path.read_bytes())
        for protocol, path in RECORDED
        if path.with_suffix(".final.json").exists()
    ][::3]

    async def one(body: bytes) -> Any:
        s = astream(AsyncClosable([body[i : i + 13] for i in range(0, len(body), 13)]))
        async with s:
            async for _ in s:
                await asyncio.sleep(0)
        return s.final, s.text

    async def main() -> list[Any]:
        return await asyncio.gather(*(one(body) for _, body in bodies))

    results = asyncio.run(main())
    for (protocol, body), (final, text) in zip(bodies, results, strict=True):
        assert final == _alone(protocol, body)[1]
        assert text == _text_of(protocol, final)


# -- properties --------------------------------------------------------------------


STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "chat": openai_chat_streams(),
    "anthropic": anthropic_message_streams(),
    "responses": openai_responses_streams(),
}


@pytest.mark.parametrize("protocol", sorted(STRATEGIES))
@given(data=st.data())
def test_any_stream_in_any_chunking(protocol: str, data: st.DataObject) -> None:
    drawn = data.draw(STRATEGIES[protocol])
    chunks = data.draw(chunkings(drawn.to_sse()))
    _, verdict, s = _run(chunks)
    assert verdict == drawn.expected
    assert s.protocol == protocol
