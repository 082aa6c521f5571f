"""The options of ``sseparse.testing``'s strategies.

1. Every public strategy checks its options when it is called, not when a value
   is drawn: a bad one raises hypothesis' ``InvalidArgument`` naming the
   strategy, the option, what it expects and what came.
2. Each option does what its docstring says (the SSE and JSON ones here; the
   LLM streams' endings in ``test_endings.py``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from sseparse import Comment, ServerSentEvent
from sseparse.testing import (
    anthropic_message_streams,
    chunkings,
    comments,
    event_streams,
    events,
    hostile_streams,
    json_deltas,
    json_texts,
    json_values,
    openai_chat_streams,
    openai_responses_streams,
    split_text,
    sse_bytes,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from sseparse.testing import ChatStream

BAD: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any], str]] = [
    (events, (), {"max_text_size": 0}, "max_text_size"),
    (events, (), {"max_text_size": "4"}, "max_text_size"),
    (events, (), {"retries": 1}, "retries"),
    (events, (), {"multiline_data": None}, "multiline_data"),
    (events, (), {"huge_retries": "no"}, "huge_retries"),
    (events, (), {"tricky_text": 0}, "tricky_text"),
    (comments, (), {"max_text_size": -1}, "max_text_size"),
    (comments, (), {"tricky_text": "yes"}, "tricky_text"),
    (event_streams, (), {"max_size": -1}, "max_size"),
    (event_streams, (), {"min_size": 3, "max_size": 2}, "max_size"),
    (event_streams, (), {"max_size": True}, "max_size"),
    (event_streams, (), {"with_comments": 1}, "with_comments"),
    (event_streams, (), {"retries": None}, "retries"),
    (chunkings, ("data: x\n\n",), {}, "data"),
    (chunkings, (b"x",), {"max_random_cuts": -1}, "max_random_cuts"),
    (chunkings, (b"x",), {"empty_chunks": "no"}, "empty_chunks"),
    (sse_bytes, (), {"max_blocks": -1}, "max_blocks"),
    (sse_bytes, (), {"boms": 0}, "boms"),
    (sse_bytes, (), {"invalid_utf8": None}, "invalid_utf8"),
    (sse_bytes, (), {"huge_retries": 1.0}, "huge_retries"),
    (sse_bytes, (), {"cut_ends": "x"}, "cut_ends"),
    (hostile_streams, (), {"max_line_bytes": 0}, "max_line_bytes"),
    (hostile_streams, (), {"max_event_chars": 2.5}, "max_event_chars"),
    (hostile_streams, (), {"max_retry_digits": 0}, "max_retry_digits"),
    (hostile_streams, (), {"max_json_depth": -1}, "max_json_depth"),
    (hostile_streams, (), {"max_events": 0}, "max_events"),
    (hostile_streams, (), {"max_total_bytes": 10}, "max_total_bytes"),
    (hostile_streams, (), {"kinds": ()}, "kinds"),
    (hostile_streams, (), {"kinds": ("huge_line", "slowloris")}, "kinds"),
    (hostile_streams, (), {"kinds": "huge_line"}, "kinds"),
    (json_values, (), {"max_leaves": 0}, "max_leaves"),
    (json_values, (), {"allow_nan": "yes"}, "allow_nan"),
    (json_texts, (), {"lone_surrogates": None}, "lone_surrogates"),
    (json_texts, (), {"max_leaves": "many"}, "max_leaves"),
    (json_deltas, (b"[]",), {}, "text"),
    (json_deltas, ("[]",), {"max_random_cuts": -2}, "max_random_cuts"),
    (split_text, (None,), {}, "text"),
    (split_text, ("ab",), {"empty_pieces": 1}, "empty_pieces"),
    (openai_chat_streams, (), {"max_choices": 0}, "max_choices"),
    (openai_chat_streams, (), {"max_tool_calls": -1}, "max_tool_calls"),
    (openai_chat_streams, (), {"parallel_tool_calls": None}, "parallel_tool_calls"),
    (openai_chat_streams, (), {"max_text_size": -1}, "max_text_size"),
    (openai_chat_streams, (), {"max_argument_leaves": 0}, "max_argument_leaves"),
    (openai_chat_streams, (), {"finish_reasons": ()}, "finish_reasons"),
    (openai_chat_streams, (), {"finish_reasons": "stop"}, "finish_reasons"),
    (openai_chat_streams, (), {"in_order": 1}, "in_order"),
    (openai_chat_streams, (), {"refusals": None}, "refusals"),
    (openai_chat_streams, (), {"reasoning": "no"}, "reasoning"),
    (openai_chat_streams, (), {"logprobs": 0}, "logprobs"),
    (openai_chat_streams, (), {"usage": 1}, "usage"),
    (openai_chat_streams, (), {"quirks": None}, "quirks"),
    (openai_chat_streams, (), {"truncation": "yes"}, "truncation"),
    (openai_chat_streams, (), {"error_events": 1}, "error_events"),
    (anthropic_message_streams, (), {"max_blocks": -1}, "max_blocks"),
    (anthropic_message_streams, (), {"max_input_leaves": 0}, "max_input_leaves"),
    (anthropic_message_streams, (), {"block_types": ("text", 1)}, "block_types"),
    (anthropic_message_streams, (), {"stop_reasons": ()}, "stop_reasons"),
    (anthropic_message_streams, (), {"pings": None}, "pings"),
    (anthropic_message_streams, (), {"truncation": 1}, "truncation"),
    (anthropic_message_streams, (), {"error_events": "x"}, "error_events"),
    (openai_responses_streams, (), {"max_items": 0}, "max_items"),
    (openai_responses_streams, (), {"max_text_size": -1}, "max_text_size"),
    (openai_responses_streams, (), {"interleave": 1}, "interleave"),
    (openai_responses_streams, (), {"disagreements": None}, "disagreements"),
    (openai_responses_streams, (), {"truncation": 0}, "truncation"),
    (openai_responses_streams, (), {"error_events": None}, "error_events"),
]


@pytest.mark.parametrize(
    ("strategy", "args", "kwargs", "option"),
    BAD,
    ids=[f"{s.__name__}-{option}-{i}" for i, (s, _, _, option) in enumerate(BAD)],
)
def test_a_bad_option_is_refused_at_the_call(
    strategy: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    option: str,
) -> None:
    """At the call (no draw needed), naming the strategy, option and value."""
    with pytest.raises(InvalidArgument) as info:
        strategy(*args, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{strategy.__name__}(")
    assert option in message
    assert "expects" in message
    assert "got" in message


def test_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        event_streams(5)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        chunkings(b"x", 3)  # type: ignore[call-arg]


# -- what each SSE and JSON option does ------------------------------------------


@given(events(max_text_size=5, multiline_data=False, retries=False, tricky_text=False))
def test_event_options(event: ServerSentEvent) -> None:
    assert event.retry is None
    assert "\n" not in event.data
    assert len(event.data) <= 5
    for text in (event.data, event.id):
        assert text.isascii()
        assert text.isprintable()


@given(events(huge_retries=False))
def test_events_without_huge_retries(event: ServerSentEvent) -> None:
    assert event.retry is None or event.retry <= 2**32


@given(comments(max_text_size=3, tricky_text=False))
def test_comment_options(comment: Comment) -> None:
    assert len(comment.text) <= 3
    assert comment.text.isascii()


@given(event_streams(min_size=2, max_size=3, with_comments=False))
def test_event_stream_options(stream: list[ServerSentEvent | Comment]) -> None:
    assert 2 <= len(stream) <= 3
    assert all(isinstance(item, ServerSentEvent) for item in stream)


@given(st.binary(max_size=40), st.data())
def test_chunkings_without_empty_chunks(data: bytes, draw: st.DataObject) -> None:
    chunks = draw.draw(chunkings(data, max_random_cuts=4, empty_chunks=False))
    assert b"".join(chunks) == data
    assert all(chunks) or chunks == [b""]


@given(st.text(max_size=20), st.data())
def test_split_options(text: str, draw: st.DataObject) -> None:
    for strategy in (split_text, json_deltas):
        pieces = draw.draw(strategy(text, max_random_cuts=2, empty_pieces=False))
        assert "".join(pieces) == text
        assert all(pieces) or pieces == [""]


@given(sse_bytes(boms=False, invalid_utf8=False, huge_retries=False, cut_ends=False))
def test_sse_bytes_options(body: bytes) -> None:
    body.decode("utf-8")  # raises if not UTF-8
    assert b"\xef\xbb\xbf" not in body
    assert all(len(digits) <= 22 for digits in re.findall(rb"retry: ?(\d+)", body))


# -- the chat stream's options ----------------------------------------------------


def _messages(stream: ChatStream) -> list[dict[str, Any]]:
    return [choice["message"] for choice in stream.expected["choices"]]


@given(
    openai_chat_streams(
        max_choices=1,
        parallel_tool_calls=False,
        refusals=False,
        reasoning=False,
        logprobs=False,
        usage=False,
        quirks=False,
    )
)
def test_chat_options_leave_out_what_they_say(stream: ChatStream) -> None:
    (message,) = _messages(stream)
    assert message["refusal"] is None
    assert not {"reasoning", "reasoning_content"} & set(message)
    assert len(message.get("tool_calls", [])) <= 1
    assert stream.expected["choices"][0]["logprobs"] is None
    assert stream.expected["usage"] is None
    for chunk in stream.chunks:
        assert "obfuscation" not in chunk
        assert chunk.get("system_fingerprint", "") is not None
        for choice in chunk["choices"]:
            assert None not in choice["delta"].values()
            for call in choice["delta"].get("tool_calls", []):
                assert not call.get("id", "").endswith("_again")


@given(openai_chat_streams(max_tool_calls=0))
def test_chat_without_tool_calls(stream: ChatStream) -> None:
    assert all("tool_calls" not in message for message in _messages(stream))


def test_chat_options_still_draw_every_kind() -> None:
    """With every option on (the default), each of them shows up."""
    from tests.helpers import unseen_features

    features = {
        "n>1": lambda s: len(s.expected["choices"]) > 1,
        "parallel calls": lambda s: any(
            len(m.get("tool_calls", [])) > 1 for m in _messages(s)
        ),
        "refusal": lambda s: any(m["refusal"] is not None for m in _messages(s)),
        "reasoning": lambda s: any(
            {"reasoning", "reasoning_content"} & set(m) for m in _messages(s)
        ),
        "logprobs": lambda s: any(
            c["logprobs"] is not None for c in s.expected["choices"]
        ),
        "usage": lambda s: s.expected["usage"] is not None,
        "obfuscation": lambda s: any("obfuscation" in c for c in s.chunks),
    }
    assert unseen_features(openai_chat_streams(), features) == []
