"""The LLM stream encoders: final object -> wire stream -> the same final.

1. Round trips: for the finals the strategies draw (their ``expected``) and
   for every recorded golden final of each protocol, with deltas of 1 and 7
   characters, random sizes and whole texts, feeding the payloads to the
   protocol's accumulator gives back an equal object, leaves the final
   untouched and (Responses) reports no correction, gap or replay.
2. Framing: the SSE body through ``stream()`` (protocol detected) gives the
   same final, fed whole, byte by byte and in hypothesis-chosen chunkings,
   named and data-only.
3. The wire: what each protocol's stream looks like (role chunk, tool call
   fragments, usage chunk, ``message_start`` usage, ``sequence_number``,
   terminal events), event kinds in the recorded streams' order (the
   recordings that show a quirk listed with why), how ``delta_size`` cuts,
   and the shapes the docstrings say no stream rebuilds.
4. Misuse: every option and malformed final is a ``UsageError`` that names
   what was expected and what came.
5. Linear: encoding 16 times the text costs about 16 times the work.
"""

from __future__ import annotations

import copy
import json
import random
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse import SSEDecoder, UsageError
from sseparse.errors import StreamError
from sseparse.llm import (
    AnthropicMessagesAccumulator,
    OpenAIChatAccumulator,
    OpenAIResponsesAccumulator,
    encode_anthropic_message,
    encode_chat_completion,
    encode_response,
    encode_sse,
    stream,
)
from sseparse.testing import (
    anthropic_message_streams,
    chunkings,
    openai_chat_streams,
    openai_responses_streams,
)
from tests._work import assert_linear

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sseparse.llm import DeltaSize

Encoder = Any  # one of the three encoders (their finals differ in type only)
Accumulator = Any

DATA = Path(__file__).resolve().parent.parent / "data"
PROTOCOLS: dict[str, tuple[Any, Encoder, Callable[[], Accumulator]]] = {
    "openai_chat": ("chat", encode_chat_completion, OpenAIChatAccumulator),
    "anthropic_messages": (
        "anthropic",
        encode_anthropic_message,
        AnthropicMessagesAccumulator,
    ),
    "openai_responses": (
        "responses",
        encode_response,
        OpenAIResponsesAccumulator,
    ),
}
SIZES: dict[str, Callable[[], DeltaSize]] = {
    "whole": lambda: None,
    "1": lambda: 1,
    "7": lambda: 7,
    "random": lambda: random.Random(20261206),
}
# Where a recorded final cannot come back unchanged: (directory, name) ->
# reason.  Every golden final round-trips today; a new one that does not must
# be listed here with why, never skipped silently.
NOT_ROUND_TRIPPED: dict[tuple[str, str], str] = {}

delta_sizes = st.one_of(
    st.none(), st.just(1), st.just(7), st.randoms(use_true_random=False)
)


def _goldens() -> Iterator[Any]:
    for directory in PROTOCOLS:
        for path in sorted((DATA / directory).glob("*.final.json")):
            name = path.name.removesuffix(".final.json")
            reason = NOT_ROUND_TRIPPED.get((directory, name))
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            yield pytest.param(directory, path, id=f"{directory}/{name}", marks=marks)


GOLDENS = list(_goldens())


def _accumulate(directory: str, payloads: list[dict[str, Any]]) -> Accumulator:
    acc = PROTOCOLS[directory][2]()
    for payload in payloads:
        acc.feed_chunk(payload)
    return acc


def _round_trip(directory: str, final: dict[str, Any], size: DeltaSize) -> None:
    """encode -> feed_chunk -> close() is *final*; nothing reported, nothing
    changed in *final* or in the payloads."""
    kept = copy.deepcopy(final)
    payloads = PROTOCOLS[directory][1](final, delta_size=size)
    sent = copy.deepcopy(payloads)
    acc = _accumulate(directory, payloads)
    if directory == "openai_responses" and final["status"] == "failed":
        with pytest.raises(StreamError) as caught:
            acc.close()
        assert caught.value.snapshot == kept
    else:
        assert acc.close() == kept
    assert final == kept, "the encoder changed its argument"
    assert payloads == sent, "the accumulator changed the payloads"
    if directory == "openai_responses":
        assert acc.corrections == ()
        assert acc.gaps == ()
        assert acc.replayed == 0


def _body(directory: str, final: dict[str, Any], **options: Any) -> bytes:
    protocol, encoder, _ = PROTOCOLS[directory]
    return encode_sse(encoder(final, delta_size=7), protocol=protocol, **options)


def _streamed(chunks: list[bytes]) -> tuple[Any, str | None]:
    with stream(chunks) as s:
        for _ in s:
            pass
    return s.final, s.protocol


# -- 1. round trips ----------------------------------------------------------------


@given(openai_chat_streams(), delta_sizes, st.booleans())
def test_drawn_chat_completions_round_trip(
    drawn: Any, size: DeltaSize, interleave: bool
) -> None:
    final = drawn.expected
    kept = copy.deepcopy(final)
    payloads = encode_chat_completion(final, delta_size=size, interleave=interleave)
    assert _accumulate("openai_chat", payloads).close() == kept
    assert final == kept


@given(anthropic_message_streams(), delta_sizes)
def test_drawn_anthropic_messages_round_trip(drawn: Any, size: DeltaSize) -> None:
    _round_trip("anthropic_messages", drawn.expected, size)


@given(openai_responses_streams(), delta_sizes)
def test_drawn_responses_round_trip(drawn: Any, size: DeltaSize) -> None:
    _round_trip("openai_responses", drawn.expected, size)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize(("directory", "path"), GOLDENS)
def test_recorded_finals_round_trip(directory: str, path: Path, size: str) -> None:
    _round_trip(directory, json.loads(path.read_text("utf-8")), SIZES[size]())


def test_every_protocol_has_recorded_finals() -> None:
    for directory in PROTOCOLS:
        assert any(param.values[0] == directory for param in GOLDENS), directory


@pytest.mark.parametrize("status", ["completed", "incomplete", "failed"])
def test_each_responses_status_ends_with_its_terminal_event(status: str) -> None:
    final = _response(status=status)
    if status == "failed":
        final["error"] = {"code": "server_error", "message": "boom"}
    elif status == "incomplete":
        final["incomplete_details"] = {"reason": "max_output_tokens"}
    payloads = encode_response(final)
    assert payloads[-1]["type"] == f"response.{status}"
    assert payloads[-1]["response"] == final
    _round_trip("openai_responses", final, 3)


# -- 2. framing --------------------------------------------------------------------


@pytest.mark.parametrize(("directory", "path"), GOLDENS)
def test_recorded_finals_through_stream_whole_and_bytewise(
    directory: str, path: Path
) -> None:
    final = json.loads(path.read_text("utf-8"))
    body = _body(directory, final)
    protocol = PROTOCOLS[directory][0]
    assert _streamed([body]) == (final, protocol)
    bytewise = [body[i : i + 1] for i in range(len(body))]
    assert _streamed(bytewise) == (final, protocol)


@pytest.mark.parametrize(
    ("directory", "path"),
    [p for p in GOLDENS if p.values[0] != "openai_chat"],
)
def test_data_only_framing_gives_the_same_final(directory: str, path: Path) -> None:
    final = json.loads(path.read_text("utf-8"))
    body = _body(directory, final, named=False)
    assert b"event:" not in body
    assert _streamed([body]) == (final, PROTOCOLS[directory][0])


@given(openai_chat_streams(max_choices=2), st.data())
def test_drawn_chat_bodies_in_any_chunking(drawn: Any, data: st.DataObject) -> None:
    body = _body("openai_chat", drawn.expected)
    assert _streamed(data.draw(chunkings(body))) == (drawn.expected, "chat")


@given(anthropic_message_streams(), st.data())
def test_drawn_anthropic_bodies_in_any_chunking(
    drawn: Any, data: st.DataObject
) -> None:
    body = _body("anthropic_messages", drawn.expected, named=data.draw(st.booleans()))
    assert _streamed(data.draw(chunkings(body))) == (drawn.expected, "anthropic")


@given(openai_responses_streams(), st.data())
def test_drawn_responses_bodies_in_any_chunking(
    drawn: Any, data: st.DataObject
) -> None:
    body = _body("openai_responses", drawn.expected, named=data.draw(st.booleans()))
    assert _streamed(data.draw(chunkings(body))) == (drawn.expected, "responses")


def test_chat_bodies_are_data_only_and_end_with_done() -> None:
    payloads = encode_chat_completion(_completion("hi"))
    body = encode_sse(payloads, protocol="chat")
    events = SSEDecoder().feed(body)
    assert [e.event for e in events] == ["message"] * (len(payloads) + 1)
    assert [json.loads(e.data) for e in events[:-1]] == payloads
    assert events[-1].data == "[DONE]"
    assert body.endswith(b"data: [DONE]\n\n")


@pytest.mark.parametrize("protocol", ["anthropic", "responses"])
def test_named_bodies_name_each_event_after_its_type(protocol: str) -> None:
    made = (
        encode_anthropic_message(_message())
        if protocol == "anthropic"
        else encode_response(_response())
    )
    body = encode_sse(
        made, protocol="anthropic" if protocol == "anthropic" else "responses"
    )
    events = SSEDecoder().feed(body)
    assert [e.event for e in events] == [p["type"] for p in made]
    assert [json.loads(e.data) for e in events] == made


def test_lone_surrogates_are_sent_escaped() -> None:
    message = _message()
    message["content"] = [
        {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"k": "a\ud800b"}}
    ]
    payloads = encode_anthropic_message(message)  # cut, the escape would be too
    assert _accumulate("anthropic_messages", payloads).close() == message
    body = encode_sse(payloads, protocol="anthropic")
    assert b"\\\\ud800" in body  # the input text's escape, inside a JSON string
    assert _streamed([body]) == (message, "anthropic")
    text = _completion("x\udfffy")
    body = encode_sse(encode_chat_completion(text), protocol="chat")
    assert b"\\udfff" in body
    assert _streamed([body]) == (text, "chat")


# -- 3. the wire -------------------------------------------------------------------


def _completion(content: Any = "Hello there", **message: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1760000000,
        "model": "gpt-test",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": content,
                    "refusal": None,
                    **message,
                },
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": None,
    }


def _message(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": list(blocks) or [{"type": "text", "text": "Hello there"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 12, "output_tokens": 34},
    }


def _response(*items: dict[str, Any], status: str = "completed") -> dict[str, Any]:
    text = {"type": "output_text", "annotations": [], "logprobs": [], "text": "Hi!"}
    message = {
        "id": "msg_1",
        "type": "message",
        "status": "completed",
        "role": "assistant",
        "content": [text],
    }
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1760000000,
        "status": status,
        "background": False,
        "completed_at": 1760000009 if status == "completed" else None,
        "error": None,
        "incomplete_details": None,
        "model": "gpt-test",
        "output": list(items) or [message],
        "usage": {"input_tokens": 5, "output_tokens": 3, "total_tokens": 8},
    }


def _deltas(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c["choices"][0]["delta"] for c in payloads if c["choices"]]


def test_chat_chunks_look_like_openai_s() -> None:
    call: dict[str, Any] = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
    }
    final = _completion(None, tool_calls=[call])
    final["choices"][0]["finish_reason"] = "tool_calls"
    final["usage"] = {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}
    final["system_fingerprint"] = "fp_1"
    payloads = encode_chat_completion(final, delta_size=5)
    for chunk in payloads:
        assert chunk["object"] == "chat.completion.chunk"
        assert (chunk["id"], chunk["model"]) == ("chatcmpl-1", "gpt-test")
        assert chunk["system_fingerprint"] == "fp_1"
    deltas = _deltas(payloads)
    assert deltas[0] == {"role": "assistant", "content": None, "refusal": None}
    first = deltas[1]["tool_calls"][0]
    assert first == {
        "index": 0,
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"cit'},
    }
    rest = [d["tool_calls"][0] for d in deltas[2:] if d]
    assert all(set(r) == {"index", "function"} for r in rest)
    assert (
        "".join(r["function"]["arguments"] for r in [first, *rest])
        == (call["function"]["arguments"])
    )
    assert payloads[-2]["choices"][0]["finish_reason"] == "tool_calls"
    assert payloads[-1]["choices"] == []
    assert payloads[-1]["usage"] == final["usage"]


def test_chat_choices_take_turns_or_follow_one_another() -> None:
    final = _completion("abcd")
    second = copy.deepcopy(final["choices"][0])
    second["index"] = 1
    second["message"]["content"] = "wxyz"
    final["choices"].append(second)
    turns = encode_chat_completion(final, delta_size=2)
    order = [c["choices"][0]["index"] for c in turns]
    assert order == [0, 1, 0, 1, 0, 1, 0, 1]
    row = encode_chat_completion(final, delta_size=2, interleave=False)
    assert [c["choices"][0]["index"] for c in row] == [0, 0, 0, 0, 1, 1, 1, 1]
    for payloads in (turns, row):
        assert _accumulate("openai_chat", payloads).close() == final


def test_chat_logprobs_ride_on_their_text_chunks() -> None:
    tokens: list[dict[str, Any]] = [
        {"token": t, "logprob": -0.1, "bytes": None, "top_logprobs": []}
        for t in "abcdef"
    ]
    final = _completion("abcdef")
    final["choices"][0]["logprobs"] = {"content": tokens, "refusal": None}
    payloads = encode_chat_completion(final, delta_size=2)
    sent = [
        (c["choices"][0]["delta"].get("content"), c["choices"][0]["logprobs"])
        for c in payloads
    ]
    assert sent[1:4] == [
        ("ab", {"content": tokens[0:2], "refusal": None}),
        ("cd", {"content": tokens[2:4], "refusal": None}),
        ("ef", {"content": tokens[4:6], "refusal": None}),
    ]
    assert _accumulate("openai_chat", payloads).close() == final


def test_chat_shapes_no_stream_rebuilds() -> None:
    """The docstring's list: the accumulator joins or drops these."""
    image = {"type": "image_url", "image_url": {"url": "https://x/y.png"}}
    joined = [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}, image]
    back = _accumulate(
        "openai_chat", encode_chat_completion(_completion(joined))
    ).close()
    assert back["choices"][0]["message"]["content"] == [
        {"type": "text", "text": "ab"},
        image,
    ]
    only_text = [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
    back = _accumulate(
        "openai_chat", encode_chat_completion(_completion(only_text))
    ).close()
    assert back["choices"][0]["message"]["content"] == "ab"
    back = _accumulate(
        "openai_chat", encode_chat_completion(_completion("x", tool_calls=[]))
    ).close()
    assert "tool_calls" not in back["choices"][0]["message"]
    # Parts that alternate round-trip.
    mixed = [{"type": "text", "text": "ab"}, image, {"type": "text", "text": "c"}]
    final = _completion(mixed)
    assert _accumulate("openai_chat", encode_chat_completion(final)).close() == final


def test_chat_choice_without_finish_reason_needs_done() -> None:
    final = _completion("hi")
    final["choices"][0]["finish_reason"] = None
    body = encode_sse(encode_chat_completion(final), protocol="chat")
    assert _streamed([body]) == (final, "chat")


def test_anthropic_events_look_like_anthropic_s() -> None:
    thinking = {"type": "thinking", "thinking": "Let me see.", "signature": "EqS=="}
    tool = {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"a": [1, 2]}}
    redacted = {"type": "redacted_thinking", "data": "EmwK"}
    final = _message(thinking, redacted, tool)
    payloads = encode_anthropic_message(final, delta_size=4)
    start = payloads[0]["message"]
    assert start["content"] == []
    assert (start["stop_reason"], start["usage"]["output_tokens"]) == (None, 1)
    assert payloads[1]["type"] == "content_block_start"
    assert payloads[2] == {"type": "ping"}
    starts = [
        p["content_block"] for p in payloads if p["type"] == "content_block_start"
    ]
    assert starts == [
        {"type": "thinking", "thinking": "", "signature": ""},
        redacted,
        {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}},
    ]
    deltas = [p["delta"] for p in payloads if p["type"] == "content_block_delta"]
    fragments = [d["partial_json"] for d in deltas if "partial_json" in d]
    assert fragments == ['{"a"', ": [1", ", 2]", "}"]
    assert {"type": "signature_delta", "signature": "EqS=="} in deltas
    assert payloads[-2]["delta"] == {"stop_reason": "end_turn", "stop_sequence": None}
    assert payloads[-2]["usage"] == final["usage"]
    assert payloads[-1] == {"type": "message_stop"}
    assert _accumulate("anthropic_messages", payloads).close() == final


def test_anthropic_citations_come_before_their_text() -> None:
    cite = {"type": "char_location", "cited_text": "x", "document_index": 0}
    block = {"type": "text", "text": "abcd", "citations": [cite, cite]}
    payloads = encode_anthropic_message(_message(block), delta_size=2)
    kinds = [p["delta"]["type"] for p in payloads if p["type"] == "content_block_delta"]
    assert kinds == ["citations_delta", "citations_delta", "text_delta", "text_delta"]
    assert payloads[1]["content_block"] == {"type": "text", "text": "", "citations": []}


# Recorded streams whose events differ from what the encoder writes for their
# final, and why: the recording shows a quirk or a choice the final does not
# keep (the encoder writes the plain form).
NOT_LIKE_RECORDED: dict[tuple[str, str], str] = {
    ("anthropic_messages", "text_several_blocks"): "text whole in the start",
    ("anthropic_messages", "tool_input_whole_in_start"): "input whole in the start",
    ("anthropic_messages", "unknown_block_and_delta"): "unknown deltas and events",
    ("openai_responses", "event_after_completion"): "a delta after the end",
    ("openai_responses", "image_generation"): "partial images: not in the final",
    ("openai_responses", "interleaved_function_calls"): "items interleaved",
    ("openai_responses", "missing_content_part_added"): "no content_part.added",
    ("openai_responses", "resumed_mid_arguments"): "a resumed stream's tail",
    ("openai_responses", "resumed_with_replay"): "a resumed stream's tail",
    ("openai_responses", "web_search"): "the annotation mid-text",
}


def _kinds(payloads: list[dict[str, Any]]) -> list[str]:
    """The payload types in order (block deltas by their own type), runs of one
    kind as one, pings and unknown events left out."""
    kinds: list[str] = []
    for payload in payloads:
        kind = payload["type"]
        if kind == "content_block_delta":
            kind += ":" + payload["delta"]["type"]
        if kind == "ping" or kind.startswith("response.x_"):
            continue
        if not kinds or kinds[-1] != kind:
            kinds.append(kind)
    return kinds


@pytest.mark.parametrize(
    ("directory", "path"), [p for p in GOLDENS if p.values[0] != "openai_chat"]
)
def test_encoded_events_follow_the_recorded_ones(directory: str, path: Path) -> None:
    """One-character deltas give the recording's sequence of event kinds."""
    name = path.name.removesuffix(".final.json")
    recorded = [
        json.loads(event.data)
        for event in SSEDecoder().feed(path.with_name(f"{name}.sse").read_bytes())
    ]
    encoded = PROTOCOLS[directory][1](json.loads(path.read_text("utf-8")), delta_size=1)
    like = _kinds(recorded) == _kinds(encoded)
    assert like is ((directory, name) not in NOT_LIKE_RECORDED), (
        _kinds(recorded),
        _kinds(encoded),
    )


def test_responses_events_are_numbered_and_items_bracketed() -> None:
    call = {
        "id": "fc_1",
        "type": "function_call",
        "status": "completed",
        "call_id": "call_1",
        "name": "f",
        "arguments": '{"a": 1}',
    }
    final = _response(call)
    final["background"] = True
    payloads = encode_response(final, delta_size=3)
    assert [p["sequence_number"] for p in payloads] == list(range(len(payloads)))
    kinds = [p["type"] for p in payloads]
    assert kinds[:3] == ["response.created", "response.queued", "response.in_progress"]
    assert payloads[0]["response"]["status"] == "queued"
    assert payloads[0]["response"]["output"] == []
    assert payloads[0]["response"]["usage"] is None
    assert payloads[3]["item"] == {**call, "status": "in_progress", "arguments": ""}
    assert kinds[4:-2] == ["response.function_call_arguments.delta"] * 3 + [
        "response.function_call_arguments.done"
    ]
    assert payloads[-2] == {
        "type": "response.output_item.done",
        "output_index": 0,
        "item": call,
        "sequence_number": len(payloads) - 2,
    }
    _round_trip("openai_responses", final, 3)


def test_responses_annotations_follow_their_text() -> None:
    note = {"type": "file_path", "file_id": "cfile_1", "index": 0}
    final = _response()
    final["output"][0]["content"][0]["annotations"] = [note]
    payloads = encode_response(final, delta_size=2)
    kinds = [p["type"].removeprefix("response.") for p in payloads]
    assert kinds[2:8] == [
        "output_item.added",
        "content_part.added",
        "output_text.delta",
        "output_text.delta",
        "output_text.annotation.added",
        "output_text.done",
    ]
    _round_trip("openai_responses", final, 2)


@pytest.mark.parametrize("size", [1, 7, 100])
def test_an_int_delta_size_cuts_every_text_into_that_many_characters(
    size: int,
) -> None:
    text = "".join(chr(0x41 + i % 26) for i in range(50)) + "\U0001f600\u00e9"
    pieces = [
        d["content"]
        for d in _deltas(encode_chat_completion(_completion(text), delta_size=size))
        if d.get("content")
    ]
    assert "".join(pieces) == text
    assert all(len(p) == size for p in pieces[:-1])
    assert 0 < len(pieces[-1]) <= size


def test_whole_texts_come_in_one_delta() -> None:
    pieces = [
        d
        for d in _deltas(encode_chat_completion(_completion("x" * 999)))
        if d.get("content")
    ]
    assert pieces == [{"content": "x" * 999}]


def test_a_random_delta_size_is_repeatable_and_bounded() -> None:
    final = _completion("y" * 500)
    one = encode_chat_completion(final, delta_size=random.Random(7))
    two = encode_chat_completion(final, delta_size=random.Random(7))
    assert one == two
    sizes = [len(d["content"]) for d in _deltas(one) if d.get("content")]
    assert sum(sizes) == 500
    assert all(1 <= n <= 16 for n in sizes)
    assert len(set(sizes)) > 1


def test_a_callable_delta_size_gets_what_is_left() -> None:
    seen: list[int] = []

    def half(left: int) -> int:
        seen.append(left)
        return max(1, left // 2)

    encode_chat_completion(_completion("z" * 16), delta_size=half)
    assert seen == [16, 8, 4, 2, 1]


# -- 4. misuse ---------------------------------------------------------------------


ENCODERS: list[tuple[Encoder, dict[str, Any]]] = [
    (encode_chat_completion, _completion()),
    (encode_anthropic_message, _message()),
    (encode_response, _response()),
]


@pytest.mark.parametrize(
    ("size", "fragment"),
    [
        (0, "expected delta_size of at least 1 character, got 0"),
        (-3, "expected delta_size of at least 1 character, got -3"),
        (
            True,
            "expected delta_size as None, a positive int, a random.Random or a "
            "callable, got True",
        ),
        ("7", "got '7'"),
        (1.5, "got 1.5"),
    ],
)
@pytest.mark.parametrize(("encoder", "final"), ENCODERS)
def test_a_wrong_delta_size_is_refused_up_front(
    encoder: Encoder, final: dict[str, Any], size: Any, fragment: str
) -> None:
    with pytest.raises(
        UsageError, match=f"^{encoder.__name__}: .*{re.escape(fragment)}"
    ):
        encoder(final, delta_size=size)


@pytest.mark.parametrize("value", [0, "2", None, 2.0])
def test_a_callable_must_return_a_positive_int(value: Any) -> None:
    with pytest.raises(
        UsageError, match=r"expected delta_size\(11\) to return a positive int, got"
    ):
        encode_chat_completion(
            _completion("hello world"), delta_size=lambda left: value
        )


@pytest.mark.parametrize(
    ("encoder", "final", "fragment"),
    [
        (encode_chat_completion, [], "expected a chat.completion dict, got []"),
        (
            encode_chat_completion,
            {"choices": None},
            "expected 'choices' to be a list of choices, got None",
        ),
        (
            encode_chat_completion,
            {"choices": [1]},
            "expected choices[0] to be an object, got 1",
        ),
        (
            encode_chat_completion,
            {"choices": [{"message": {"content": 5}}]},
            "expected choices[0].message.content to be a string, got 5",
        ),
        (
            encode_anthropic_message,
            "msg",
            "expected an Anthropic message dict, got 'msg'",
        ),
        (
            encode_anthropic_message,
            {"content": {}},
            "expected 'content' to be a list of blocks, got {}",
        ),
        (
            encode_anthropic_message,
            {"content": [{"type": 1}]},
            "expected content[0].type to be a string, got 1",
        ),
        (
            encode_anthropic_message,
            {"content": [{"type": "tool_use", "input": {1j}}]},
            "expected content[0].input to be a JSON value",
        ),
        (encode_response, None, "expected a Responses response dict, got None"),
        (
            encode_response,
            {"output": []},
            "status is 'completed', 'incomplete' or 'failed'",
        ),
        (
            encode_response,
            {"status": "cancelled", "output": []},
            "(the statuses with a terminal event), got 'cancelled'",
        ),
        (
            encode_response,
            {"status": "completed", "output": [{}]},
            "expected output[0].type to be a string, got None",
        ),
    ],
)
def test_a_malformed_final_is_refused(
    encoder: Encoder, final: Any, fragment: str
) -> None:
    with pytest.raises(
        UsageError, match=f"^{encoder.__name__}: .*{re.escape(fragment)}"
    ):
        encoder(final)


def test_interleave_must_be_a_bool() -> None:
    with pytest.raises(UsageError, match="expected interleave as a bool, got 1"):
        encode_chat_completion(_completion(), interleave=1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("payloads", "options", "fragment"),
    [
        (
            [],
            {"protocol": "gemini"},
            "expected protocol 'chat', 'anthropic' or 'responses', got 'gemini'",
        ),
        (
            [],
            {"protocol": "chat", "named": True},
            "expected named=False or None for protocol 'chat'",
        ),
        (
            [],
            {"protocol": "anthropic", "named": "yes"},
            "expected named as a bool or None, got 'yes'",
        ),
        (
            {"type": "ping"},
            {"protocol": "anthropic"},
            "expected an iterable of payload dicts, got {'type': 'ping'}",
        ),
        ([1], {"protocol": "anthropic"}, "expected payload 0 to be a dict, got 1"),
        (
            [{"type": "ping"}, {"x": 1}],
            {"protocol": "anthropic"},
            "expected payload 1 to have a non-empty string 'type' to name its "
            "event, got None",
        ),
        (
            [{"x": {1}}],
            {"protocol": "chat"},
            "expected payload 0 to be JSON-serialisable",
        ),
    ],
)
def test_encode_sse_refuses_misuse(
    payloads: Any, options: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(UsageError, match=f"^encode_sse: .*{re.escape(fragment)}"):
        encode_sse(payloads, **options)


# -- 5. linear ---------------------------------------------------------------------


def _big_text(chars: int) -> str:
    return (
        "Lorem ipsum dolor sit amet, \u00e9\U0001f600 consectetur. " * (chars // 48 + 1)
    )[:chars]


LINEAR: dict[str, Callable[[str], dict[str, Any]]] = {
    "chat": lambda text: _completion(text),
    "anthropic": lambda text: _message(
        {"type": "text", "text": text},
        {"type": "tool_use", "id": "t", "name": "f", "input": {"q": text}},
    ),
    "responses": lambda text: _response(
        {
            "id": "msg_1",
            "type": "message",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "output_text", "annotations": [], "text": text}],
        }
    ),
}


@pytest.mark.parametrize("protocol", list(LINEAR))
def test_encoding_grows_linearly(protocol: str) -> None:
    """64 KB then 1 MB of text in 64-character deltas, framed as SSE: counted
    work (tests/_work.py) grows about 16 times, far below quadratic's 256."""
    name: Any = protocol  # a str here; encode_sse checks it
    encoder: Encoder = {
        "chat": encode_chat_completion,
        "anthropic": encode_anthropic_message,
        "responses": encode_response,
    }[protocol]

    def run(chars: int) -> Iterator[Callable[[], object]]:
        final = LINEAR[protocol](_big_text(chars))
        yield lambda: encode_sse(encoder(final, delta_size=64), protocol=name)

    assert_linear(run, 1 << 16, 1 << 20)
