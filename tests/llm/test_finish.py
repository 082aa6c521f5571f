"""``sseparse.llm._finish``: each protocol's finish value to one normalised reason.

1. The tables: every row of the chat and Anthropic tables that vocab.md (the
   lead's decisions, quoted in ``ChoiceFinished``'s docs) lists gives its
   reason; anything else, a value of another type or another protocol's value
   gives ``"other"``.
2. Every reason a table gives is one of :data:`FinishReason`.
3. A protocol that is not one of the three is an error that names them.
   The Responses table maps the response's status, or its incomplete reason.
4. The chat accumulator's ``ChoiceFinished.reason`` is the table's reason for
   the ``finish_reason`` sent, for every row and for unknown values.
"""

from __future__ import annotations

import json
import typing
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse.llm import (
    ChoiceFinished,
    FinishReason,
    OpenAIChatAccumulator,
    OpenAIResponsesAccumulator,
)
from sseparse.llm._finish import TABLES, normalise

# Written out from the spec, not read from the module under test.
CHAT_ROWS: dict[str, str] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
}
ANTHROPIC_ROWS: dict[str, str] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "refusal",
    "pause_turn": "pause",
}
RESPONSES_ROWS: dict[str, str] = {
    "completed": "stop",
    "max_output_tokens": "length",
    "content_filter": "content_filter",
    "failed": "error",
}
# Values of one protocol (or none) that the other's table must not know.
OTHERS = ["", "STOP", "Stop", "stop ", "error", "unknown_reason", "null"]

CASES: list[tuple[str, Any, str]] = [
    *(("chat", raw, want) for raw, want in CHAT_ROWS.items()),
    *(("anthropic", raw, want) for raw, want in ANTHROPIC_ROWS.items()),
    *(("responses", raw, want) for raw, want in RESPONSES_ROWS.items()),
    *(
        ("responses", raw, "other")
        for raw in [*OTHERS, "incomplete", "steered", "stop", "max_tokens"]
    ),
    *(("chat", raw, "other") for raw in [*ANTHROPIC_ROWS, *OTHERS]),
    *(
        ("anthropic", raw, "other")
        for raw in [*OTHERS, "length", "tool_calls", "content_filter"]
    ),
    *(
        (protocol, raw, "other")
        for protocol in ("chat", "anthropic", "responses")
        for raw in [None, 1, 0.5, True, ["stop"], {"stop": 1}]
    ),
]


@pytest.mark.parametrize(
    ("protocol", "raw", "want"),
    CASES,
    ids=[f"{p}-{json.dumps(r)}" for p, r, _ in CASES],
)
def test_normalise_by_the_table(protocol: Any, raw: Any, want: str) -> None:
    assert normalise(protocol, raw) == want


def test_the_tables_hold_exactly_the_spec_rows() -> None:
    assert TABLES["chat"] == CHAT_ROWS
    assert TABLES["anthropic"] == ANTHROPIC_ROWS
    assert TABLES["responses"] == RESPONSES_ROWS


def test_every_reason_is_a_finish_reason() -> None:
    allowed = set(typing.get_args(FinishReason))
    assert allowed == {
        "stop",
        "length",
        "tool_calls",
        "content_filter",
        "refusal",
        "pause",
        "error",
        "other",
    }
    for table in TABLES.values():
        assert set(table.values()) <= allowed


@given(st.sampled_from(sorted(TABLES)), st.text())
def test_any_text_gives_a_finish_reason(protocol: Any, raw: str) -> None:
    reason = normalise(protocol, raw)
    assert reason in typing.get_args(FinishReason)
    assert reason == TABLES[protocol].get(raw, "other")


def test_an_unknown_protocol_names_the_known_ones() -> None:
    with pytest.raises(
        ValueError, match=r"expected a protocol among .*'chat'.*got 'x'"
    ):
        normalise("x", "stop")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "want"),
    [*CHAT_ROWS.items(), ("error", "other"), ("eos", "other"), ("", "other")],
)
def test_chat_finish_carries_both_reasons(raw: str, want: str) -> None:
    acc = OpenAIChatAccumulator()
    chunk = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": "a"}, "finish_reason": raw}],
    }
    finished = [e for e in acc.feed_chunk(chunk) if isinstance(e, ChoiceFinished)]
    assert finished == [
        ChoiceFinished(choice_index=0, finish_reason=raw, reason=want)  # type: ignore[arg-type]
    ]
    assert (finished[0].index, finished[0].content_index) == (None, None)


@pytest.mark.parametrize(
    ("status", "details", "want"),
    [
        ("completed", None, ("completed", "stop")),
        (
            "incomplete",
            {"reason": "max_output_tokens"},
            ("max_output_tokens", "length"),
        ),
        (
            "incomplete",
            {"reason": "content_filter"},
            ("content_filter", "content_filter"),
        ),
        ("incomplete", None, ("incomplete", "other")),
        ("failed", None, ("failed", "error")),
    ],
)
def test_responses_finish_carries_both_reasons(
    status: str, details: Any, want: tuple[str, str]
) -> None:
    acc = OpenAIResponsesAccumulator()
    response = {
        "id": "r",
        "object": "response",
        "status": status,
        "output": [],
        "incomplete_details": details,
    }
    payload = {"type": f"response.{status}", "response": response}
    finished = [e for e in acc.feed_chunk(payload) if isinstance(e, ChoiceFinished)]
    assert [(f.finish_reason, f.reason) for f in finished] == [want]
