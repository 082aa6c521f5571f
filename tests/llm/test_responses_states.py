"""OpenAIResponsesAccumulator: its tables, terminal states, tolerances, resume.

The recorded streams in tests/data/openai_responses/ cover realistic streams;
this module checks the machine itself, one rule per test, on short synthetic
streams written from the wire format (openai 3.60.0's
``openai/types/responses/response_*_event.py``): every (phase, payload type)
pair and every (item kind, item event type) pair either transitions or raises,
with the expectations written out here by hand (not read from the module's
tables); each terminal state; each tolerance of real servers; sequence
numbers and resume; the authoritative-wins rule; limits; and that the final
validates as openai's ``Response``.
"""

from __future__ import annotations

import copy
import json
import random
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openai.types.responses import Response

from sseparse import (
    Comment,
    ContentFilterFinishReasonError,
    IncompleteStream,
    InvalidChunk,
    LengthFinishReasonError,
    LimitExceeded,
    Limits,
    ServerSentEvent,
    SSEDecoder,
    StreamError,
    UnexpectedEvent,
    UsageError,
)
from sseparse.jsonstream import MISSING
from sseparse.llm import (
    AccumulatorState,
    OpenAIResponsesAccumulator,
    SequenceGap,
    UnknownEvent,
    ValueCorrected,
)
from sseparse.llm._responses import (
    ITEM_EVENTS,
    OPENAI_RESPONSES,
    TRANSITIONS,
    ItemKind,
    ResponseState,
    item_kind,
)
from tests.helpers import split_chunks

# -- stream builders -------------------------------------------------------------------

USAGE = {
    "input_tokens": 10,
    "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
    "output_tokens": 5,
    "output_tokens_details": {"reasoning_tokens": 0},
    "total_tokens": 15,
}
RESPONSE: dict[str, Any] = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1_700_000_000,
    "status": "in_progress",
    "error": None,
    "incomplete_details": None,
    "model": "gpt-test",
    "output": [],
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
    "usage": None,
}

# One item of each kind, as output_item.added sends it.
ITEMS: dict[str, dict[str, Any]] = {
    "message": {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "status": "in_progress",
        "content": [],
    },
    "reasoning": {"id": "rs_1", "type": "reasoning", "summary": []},
    "function_call": {
        "id": "fc_1",
        "type": "function_call",
        "call_id": "call_1",
        "name": "get_weather",
        "arguments": "",
        "status": "in_progress",
    },
    "custom_tool_call": {
        "id": "ctc_1",
        "type": "custom_tool_call",
        "call_id": "call_2",
        "name": "run_sql",
        "input": "",
    },
    "mcp_call": {
        "id": "mcp_1",
        "type": "mcp_call",
        "name": "search_docs",
        "server_label": "docs",
        "arguments": "",
        "status": "in_progress",
    },
    "mcp_list_tools": {
        "id": "mcpl_1",
        "type": "mcp_list_tools",
        "server_label": "docs",
        "tools": [],
    },
    "code_interpreter_call": {
        "id": "ci_1",
        "type": "code_interpreter_call",
        "code": "",
        "container_id": "cntr_1",
        "outputs": None,
        "status": "in_progress",
    },
    "web_search_call": {
        "id": "ws_1",
        "type": "web_search_call",
        "status": "in_progress",
        "action": {"type": "search", "query": "weather"},
    },
    "file_search_call": {
        "id": "fs_1",
        "type": "file_search_call",
        "queries": [],
        "status": "in_progress",
        "results": None,
    },
    "image_generation_call": {
        "id": "ig_1",
        "type": "image_generation_call",
        "status": "in_progress",
        "result": None,
    },
    "shell_call": {
        "id": "sh_1",
        "type": "shell_call",
        "call_id": "call_3",
        "action": {"commands": []},
        "status": "in_progress",
    },
    "shell_call_output": {
        "id": "sho_1",
        "type": "shell_call_output",
        "call_id": "call_3",
        "output": [],
        "status": "in_progress",
    },
    "compaction": {"id": "cmp_1", "type": "compaction", "encrypted_content": "e"},
    "computer_call": {
        "id": "cc_1",
        "type": "computer_call",
        "call_id": "call_4",
        "action": {"type": "screenshot"},
        "pending_safety_checks": [],
        "status": "in_progress",
    },
    "function_call_output": {
        "id": "fco_1",
        "type": "function_call_output",
        "call_id": "call_1",
        "output": "42",
    },
    "future_item": {"id": "fut_1", "type": "future_item", "payload": [1, 2]},
}

ANNOTATION = {
    "type": "url_citation",
    "url": "https://example.com",
    "title": "Example",
    "start_index": 0,
    "end_index": 5,
}


def created(**changes: Any) -> dict[str, Any]:
    return {
        "type": "response.created",
        "response": {**copy.deepcopy(RESPONSE), **changes},
    }


def lifecycle(kind: str, **changes: Any) -> dict[str, Any]:
    return {
        "type": f"response.{kind}",
        "response": {**copy.deepcopy(RESPONSE), "status": kind, **changes},
    }


def completed(**changes: Any) -> dict[str, Any]:
    return lifecycle("completed", usage=USAGE, **changes)


def added(index: int, item: dict[str, Any] | str | None) -> dict[str, Any]:
    sent = copy.deepcopy(ITEMS[item]) if isinstance(item, str) else item
    return {"type": "response.output_item.added", "output_index": index, "item": sent}


def item_done(index: int, item: dict[str, Any] | None) -> dict[str, Any]:
    return {"type": "response.output_item.done", "output_index": index, "item": item}


def ev(kind: str, index: int = 0, **fields: Any) -> dict[str, Any]:
    return {"type": f"response.{kind}", "output_index": index, "item_id": "x", **fields}


def text_delta(delta: str, index: int = 0, content_index: int = 0) -> dict[str, Any]:
    return ev(
        "output_text.delta",
        index,
        content_index=content_index,
        delta=delta,
        logprobs=[],
    )


def text_done(text: str, index: int = 0, content_index: int = 0) -> dict[str, Any]:
    return ev(
        "output_text.done", index, content_index=content_index, text=text, logprobs=[]
    )


def part_added(index: int = 0, content_index: int = 0) -> dict[str, Any]:
    return ev(
        "content_part.added",
        index,
        content_index=content_index,
        part={"type": "output_text", "text": "", "annotations": []},
    )


def part_done(text: str, index: int = 0, content_index: int = 0) -> dict[str, Any]:
    return ev(
        "content_part.done",
        index,
        content_index=content_index,
        part={"type": "output_text", "text": text, "annotations": []},
    )


def message(*texts: str, status: str = "completed") -> dict[str, Any]:
    return {
        **ITEMS["message"],
        "status": status,
        "content": [
            {"type": "output_text", "text": t, "annotations": []} for t in texts
        ],
    }


def numbered(payloads: list[dict[str, Any]], start: int = 0) -> list[dict[str, Any]]:
    """The payloads with sequence numbers, as OpenAI sends them."""
    return [{**p, "sequence_number": start + i} for i, p in enumerate(payloads)]


def sse(payload: Any, *, named: bool = True) -> ServerSentEvent:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    if named and isinstance(payload, dict) and isinstance(payload.get("type"), str):
        return ServerSentEvent(event=payload["type"], data=data)
    return ServerSentEvent(data=data)


def run(*payloads: Any, **options: Any) -> OpenAIResponsesAccumulator:
    acc = OpenAIResponsesAccumulator(**options)
    for payload in payloads:
        acc.feed(sse(payload))
    return acc


def events_of(*payloads: Any, **options: Any) -> list[Any]:
    acc = OpenAIResponsesAccumulator(**options)
    return [e for payload in payloads for e in acc.feed(sse(payload))]


def kinds(events: list[Any]) -> list[str]:
    """The event types, without the ChunkReceived that leads each payload."""
    return [e.type for e in events if e.type != "chunk"]


def validate(final: dict[str, Any]) -> None:
    """openai's own model accepts the final, and dumps it back unchanged."""
    model = Response.model_validate(final)
    assert model.id == final["id"]
    assert len(model.output) == len(final["output"])


TEXT_STREAM = [
    created(),
    lifecycle("in_progress"),
    added(0, "message"),
    part_added(),
    text_delta("Hello"),
    text_delta(", world"),
    text_done("Hello, world"),
    part_done("Hello, world"),
    item_done(0, message("Hello, world")),
    completed(output=[message("Hello, world")]),
]

ARGS_FINAL = {
    **ITEMS["function_call"],
    "arguments": '{"city": "Oslo"}',
    "status": "completed",
}
TOOL_STREAM = [
    created(),
    added(0, "function_call"),
    ev("function_call_arguments.delta", delta='{"city"'),
    ev("function_call_arguments.delta", delta=': "Oslo"}'),
    ev("function_call_arguments.done", arguments='{"city": "Oslo"}'),
    item_done(0, ARGS_FINAL),
    completed(output=[ARGS_FINAL]),
]


# -- the transition table, pair by pair ------------------------------------------------

TO_PHASE: dict[str, list[dict[str, Any]]] = {
    "AWAITING_START": [],
    "IN_RESPONSE": [created()],
}

ITEM_EVENT_TYPES = [
    "content_part.added",
    "content_part.done",
    "output_text.delta",
    "output_text.done",
    "output_text.annotation.added",
    "refusal.delta",
    "refusal.done",
    "reasoning_summary_part.added",
    "reasoning_summary_part.done",
    "reasoning_summary_text.delta",
    "reasoning_summary_text.done",
    "reasoning_text.delta",
    "reasoning_text.done",
    "function_call_arguments.delta",
    "function_call_arguments.done",
    "custom_tool_call_input.delta",
    "custom_tool_call_input.done",
    "mcp_call_arguments.delta",
    "mcp_call_arguments.done",
    "mcp_call.in_progress",
    "mcp_call.completed",
    "mcp_call.failed",
    "mcp_list_tools.in_progress",
    "mcp_list_tools.completed",
    "mcp_list_tools.failed",
    "code_interpreter_call_code.delta",
    "code_interpreter_call_code.done",
    "code_interpreter_call.in_progress",
    "code_interpreter_call.interpreting",
    "code_interpreter_call.completed",
    "web_search_call.in_progress",
    "web_search_call.searching",
    "web_search_call.completed",
    "file_search_call.in_progress",
    "file_search_call.searching",
    "file_search_call.completed",
    "image_generation_call.in_progress",
    "image_generation_call.generating",
    "image_generation_call.completed",
    "image_generation_call.partial_image",
    "shell_call_command.added",
    "shell_call_command.delta",
    "shell_call_command.done",
    "shell_call_output_content.delta",
    "shell_call_output_content.done",
    "compaction.compacting",
]


def item_probe(kind: str, item_type: str = "message") -> dict[str, Any]:
    """One valid payload of an item event type, for output_index 0."""
    short = kind.removeprefix("response.")
    part_type = "reasoning_text" if item_type == "reasoning" else "output_text"
    table: dict[str, dict[str, Any]] = {
        "content_part.added": {
            "content_index": 0,
            "part": {"type": part_type, "text": ""},
        },
        "content_part.done": {
            "content_index": 0,
            "part": {"type": part_type, "text": ""},
        },
        "output_text.delta": {"content_index": 0, "delta": "a", "logprobs": []},
        "output_text.done": {"content_index": 0, "text": "a", "logprobs": []},
        "output_text.annotation.added": {
            "content_index": 0,
            "annotation_index": 0,
            "annotation": ANNOTATION,
        },
        "refusal.delta": {"content_index": 0, "delta": "a"},
        "refusal.done": {"content_index": 0, "refusal": "a"},
        "reasoning_summary_part.added": {
            "summary_index": 0,
            "part": {"type": "summary_text", "text": ""},
        },
        "reasoning_summary_part.done": {
            "summary_index": 0,
            "part": {"type": "summary_text", "text": ""},
        },
        "reasoning_summary_text.delta": {"summary_index": 0, "delta": "a"},
        "reasoning_summary_text.done": {"summary_index": 0, "text": "a"},
        "reasoning_text.delta": {"content_index": 0, "delta": "a"},
        "reasoning_text.done": {"content_index": 0, "text": "a"},
        "function_call_arguments.delta": {"delta": "{"},
        "function_call_arguments.done": {"arguments": "{}"},
        "custom_tool_call_input.delta": {"delta": "a"},
        "custom_tool_call_input.done": {"input": "a"},
        "mcp_call_arguments.delta": {"delta": "{"},
        "mcp_call_arguments.done": {"arguments": "{}"},
        "code_interpreter_call_code.delta": {"delta": "a"},
        "code_interpreter_call_code.done": {"code": "a"},
        "image_generation_call.partial_image": {
            "partial_image_b64": "AAAA",
            "partial_image_index": 0,
        },
        "shell_call_command.added": {"command_index": 0, "command": "ls"},
        "shell_call_command.delta": {"command_index": 0, "delta": " -l"},
        "shell_call_command.done": {"command_index": 0, "command": "ls -l"},
        "shell_call_output_content.delta": {
            "command_index": 0,
            "delta": {"stdout": "a"},
        },
        "shell_call_output_content.done": {
            "command_index": 0,
            "output": [
                {
                    "stdout": "a",
                    "stderr": "",
                    "outcome": {"type": "exit", "exit_code": 0},
                }
            ],
        },
    }
    fields = table.get(short, {})
    return ev(short, 0, **fields)


# What each item kind accepts, written from the wire format, and the events
# (past the ChunkReceived) the probe gives on a freshly added item.
STATUS = ["server_tool_call.status"]
ARGS_DELTA = ["tool_calls.function.arguments.delta"]
ARGS_DONE = ["tool_calls.function.arguments.done"]
ACCEPTS: dict[str, dict[str, list[str]]] = {
    "message": {
        "content_part.added": ["part.started"],
        "content_part.done": ["part.started", "content.done", "part.done"],
        "output_text.delta": ["part.started", "content.delta"],
        "output_text.done": ["part.started", "content.done"],
        "output_text.annotation.added": ["part.started", "citation.added"],
        "refusal.delta": ["part.started", "refusal.delta"],
        "refusal.done": ["part.started", "refusal.done"],
    },
    "reasoning": {
        "content_part.added": ["part.started"],
        "content_part.done": ["part.started", "reasoning.done", "part.done"],
        "reasoning_summary_part.added": ["part.started"],
        "reasoning_summary_part.done": ["part.started", "reasoning.done", "part.done"],
        "reasoning_summary_text.delta": ["part.started", "reasoning.delta"],
        "reasoning_summary_text.done": ["part.started", "reasoning.done"],
        "reasoning_text.delta": ["part.started", "reasoning.delta"],
        "reasoning_text.done": ["part.started", "reasoning.done"],
    },
    "function_call": {
        "function_call_arguments.delta": ARGS_DELTA,
        "function_call_arguments.done": ARGS_DONE,
    },
    "custom_tool_call": {
        "custom_tool_call_input.delta": ARGS_DELTA,
        "custom_tool_call_input.done": ARGS_DONE,
    },
    "mcp_call": {
        "mcp_call_arguments.delta": ARGS_DELTA,
        "mcp_call_arguments.done": ARGS_DONE,
        "mcp_call.in_progress": STATUS,
        "mcp_call.completed": STATUS,
        "mcp_call.failed": STATUS,
    },
    "mcp_list_tools": {
        "mcp_list_tools.in_progress": STATUS,
        "mcp_list_tools.completed": STATUS,
        "mcp_list_tools.failed": STATUS,
    },
    "code_interpreter_call": {
        "code_interpreter_call_code.delta": ARGS_DELTA,
        "code_interpreter_call_code.done": ARGS_DONE,
        "code_interpreter_call.in_progress": STATUS,
        "code_interpreter_call.interpreting": STATUS,
        "code_interpreter_call.completed": STATUS,
    },
    "web_search_call": {
        "web_search_call.in_progress": STATUS,
        "web_search_call.searching": STATUS,
        "web_search_call.completed": STATUS,
    },
    "file_search_call": {
        "file_search_call.in_progress": STATUS,
        "file_search_call.searching": STATUS,
        "file_search_call.completed": STATUS,
    },
    "image_generation_call": {
        "image_generation_call.in_progress": STATUS,
        "image_generation_call.generating": STATUS,
        "image_generation_call.completed": STATUS,
        "image_generation_call.partial_image": ["image.partial"],
    },
    "shell_call": {
        "shell_call_command.added": ARGS_DELTA,
        "shell_call_command.delta": ARGS_DELTA,
        "shell_call_command.done": ARGS_DONE,
    },
    "shell_call_output": {
        "shell_call_output_content.delta": ["server_tool.output.delta"],
        "shell_call_output_content.done": ["server_tool.output.done"],
    },
    "compaction": {"compaction.compacting": STATUS},
    "computer_call": {},
    "function_call_output": {},
    "future_item": {},  # unknown: every event passes through
}
KIND_OF = {
    "message": ItemKind.MESSAGE,
    "reasoning": ItemKind.REASONING,
    "function_call": ItemKind.FUNCTION_CALL,
    "custom_tool_call": ItemKind.CUSTOM_TOOL_CALL,
    "mcp_call": ItemKind.MCP_CALL,
    "mcp_list_tools": ItemKind.MCP_LIST_TOOLS,
    "code_interpreter_call": ItemKind.CODE_INTERPRETER,
    "web_search_call": ItemKind.WEB_SEARCH,
    "file_search_call": ItemKind.FILE_SEARCH,
    "image_generation_call": ItemKind.IMAGE_GENERATION,
    "shell_call": ItemKind.SHELL_CALL,
    "shell_call_output": ItemKind.SHELL_OUTPUT,
    "compaction": ItemKind.COMPACTION,
    "computer_call": ItemKind.CLIENT_CALL,
    "function_call_output": ItemKind.RESULT,
    "future_item": ItemKind.UNKNOWN,
}


@pytest.mark.parametrize("item_type", sorted(ITEMS))
@pytest.mark.parametrize("kind", ITEM_EVENT_TYPES)
def test_every_item_kind_and_event_type(item_type: str, kind: str) -> None:
    acc = run(created(), added(0, item_type))
    probe = item_probe(kind, item_type)
    expected = ACCEPTS[item_type].get(kind)
    if item_type == "future_item":
        events = acc.feed(sse(probe))
        assert kinds(events) == ["unknown"]
        assert acc.snapshot()["output"] == [ITEMS["future_item"]]
        return
    if expected is None:
        with pytest.raises(UnexpectedEvent) as info:
            acc.feed(sse(probe))
        message = str(info.value)
        assert f"response.{kind}" in message
        assert "item 0" in message
        assert repr(item_type) in message
        assert "expected" in message
        assert acc.state is AccumulatorState.ERROR
        return
    events = acc.feed(sse(probe))
    assert kinds(events) == expected
    assert all(getattr(e, "index", 0) == 0 for e in events if e.type != "chunk")


def test_the_item_table_is_the_one_written_out_here() -> None:
    table = {(kind, event) for (kind, event) in ITEM_EVENTS}
    expected = {
        (KIND_OF[item_type], f"response.{event}")
        for item_type, accepted in ACCEPTS.items()
        for event in accepted
    }
    assert table == expected
    assert sorted({event for (_, event) in ITEM_EVENTS}) == sorted(
        f"response.{e}" for e in ITEM_EVENT_TYPES
    )


@pytest.mark.parametrize(("item_type", "kind"), sorted(KIND_OF.items()))
def test_item_kinds(item_type: str, kind: ItemKind) -> None:
    assert item_kind(item_type) is kind


@pytest.mark.parametrize(
    ("item_type", "kind"),
    [
        ("local_shell_call", ItemKind.CLIENT_CALL),
        ("apply_patch_call", ItemKind.CLIENT_CALL),
        ("tool_search_call", ItemKind.HOSTED),
        ("mcp_approval_request", ItemKind.HOSTED),
        ("local_shell_call_output", ItemKind.RESULT),
        ("custom_tool_call_output", ItemKind.RESULT),
        ("program", ItemKind.UNKNOWN),
    ],
)
def test_other_item_types(item_type: str, kind: ItemKind) -> None:
    assert item_kind(item_type) is kind


# One payload of each type that the phases decide on (item events are covered
# above), and what it does in each phase: the next phase's name with the events
# it emits past the ChunkReceived, or None for UnexpectedEvent.
PROBES: dict[str, dict[str, Any]] = {
    "response.created": created(),
    "response.queued": lifecycle("queued"),
    "response.in_progress": lifecycle("in_progress"),
    "response.completed": completed(),
    "response.incomplete": lifecycle(
        "incomplete",
        usage=USAGE,
        incomplete_details={"reason": "max_output_tokens"},
    ),
    "response.failed": lifecycle(
        "failed", usage=USAGE, error={"code": "server_error", "message": "boom"}
    ),
    "response.output_item.added": added(5, "message"),
    "response.output_item.done": item_done(5, message()),
    "response.audio.delta": {"type": "response.audio.delta", "delta": "UklG"},
    "response.audio.done": {"type": "response.audio.done"},
    "response.audio.transcript.delta": {
        "type": "response.audio.transcript.delta",
        "delta": "hi",
    },
    "response.audio.transcript.done": {"type": "response.audio.transcript.done"},
    "response.output_text.delta": text_delta("a"),
    "response.function_call_arguments.delta": ev(
        "function_call_arguments.delta", delta="{"
    ),
    "response.future_event": {"type": "response.future_event", "x": 1},
}
END = ["usage", "finish", "done"]
EXPECTED: dict[tuple[str, str], tuple[str, list[str]] | None] = {
    ("AWAITING_START", "response.created"): ("IN_RESPONSE", ["message.started"]),
    ("AWAITING_START", "response.queued"): (
        "IN_RESPONSE",
        ["message.started", "message.updated"],
    ),
    ("AWAITING_START", "response.in_progress"): (
        "IN_RESPONSE",
        ["message.started", "message.updated"],
    ),
    ("AWAITING_START", "response.completed"): ("FINISHED", END),
    ("AWAITING_START", "response.incomplete"): ("FINISHED", END),
    ("AWAITING_START", "response.failed"): ("FINISHED", END),
    ("AWAITING_START", "response.output_item.added"): None,
    ("AWAITING_START", "response.output_item.done"): None,
    ("AWAITING_START", "response.audio.delta"): None,
    ("AWAITING_START", "response.audio.done"): None,
    ("AWAITING_START", "response.audio.transcript.delta"): None,
    ("AWAITING_START", "response.audio.transcript.done"): None,
    ("AWAITING_START", "response.output_text.delta"): None,
    ("AWAITING_START", "response.function_call_arguments.delta"): None,
    ("AWAITING_START", "response.future_event"): None,
    ("IN_RESPONSE", "response.created"): None,
    ("IN_RESPONSE", "response.queued"): ("IN_RESPONSE", ["message.updated"]),
    ("IN_RESPONSE", "response.in_progress"): ("IN_RESPONSE", ["message.updated"]),
    ("IN_RESPONSE", "response.completed"): ("FINISHED", END),
    ("IN_RESPONSE", "response.incomplete"): ("FINISHED", END),
    ("IN_RESPONSE", "response.failed"): ("FINISHED", END),
    ("IN_RESPONSE", "response.output_item.added"): ("IN_RESPONSE", ["part.started"]),
    # An item that only ever arrives done: it starts and ends in one event.
    ("IN_RESPONSE", "response.output_item.done"): (
        "IN_RESPONSE",
        ["part.started", "part.done"],
    ),
    ("IN_RESPONSE", "response.audio.delta"): ("IN_RESPONSE", ["audio.delta"]),
    ("IN_RESPONSE", "response.audio.done"): ("IN_RESPONSE", ["audio.done"]),
    ("IN_RESPONSE", "response.audio.transcript.delta"): (
        "IN_RESPONSE",
        ["audio.delta"],
    ),
    ("IN_RESPONSE", "response.audio.transcript.done"): ("IN_RESPONSE", ["audio.done"]),
    # An item event for an index never added: raised (see the next tests).
    ("IN_RESPONSE", "response.output_text.delta"): None,
    ("IN_RESPONSE", "response.function_call_arguments.delta"): None,
    ("IN_RESPONSE", "response.future_event"): ("IN_RESPONSE", ["unknown"]),
}


@pytest.mark.parametrize(("phase_name", "kind"), sorted(EXPECTED))
def test_every_phase_and_type_transitions_or_raises(phase_name: str, kind: str) -> None:
    acc = run(*TO_PHASE[phase_name])
    expected = EXPECTED[(phase_name, kind)]
    if expected is None:
        with pytest.raises(UnexpectedEvent) as info:
            acc.feed(sse(PROBES[kind]))
        message = str(info.value)
        assert repr(kind) in message or kind in message
        assert "expected" in message or "never added" in message
        assert acc.state is AccumulatorState.ERROR
        return
    events = acc.feed(sse(PROBES[kind]))
    assert events[0].type == "chunk"
    assert events[0].chunk == PROBES[kind]
    assert (acc._phase.name, kinds(events)) == expected


@pytest.mark.parametrize("kind", sorted(PROBES))
def test_after_the_terminal_event_everything_passes_through(kind: str) -> None:
    acc = run(*TEXT_STREAM)
    assert acc.state is AccumulatorState.DONE
    final = copy.deepcopy(acc.snapshot())
    event = sse(PROBES[kind])
    assert acc.feed(event) == [
        UnknownEvent(event=event, data=PROBES[kind], choice_index=0)
    ]
    assert acc.feed_chunk(PROBES[kind]) == [
        UnknownEvent(event=None, data=PROBES[kind], choice_index=0)
    ]
    not_json = ServerSentEvent(data="not json")
    assert acc.feed(not_json) == [
        UnknownEvent(event=not_json, data="not json", choice_index=0)
    ]
    assert acc.close() == final


def test_the_transition_table_is_the_one_written_out_here() -> None:
    allowed = {
        (phase.name, kind): next_phase.name
        for (phase, kind), (_, next_phase) in TRANSITIONS.items()
        if kind.removeprefix("response.") not in ITEM_EVENT_TYPES
    }
    expected = {
        pair: row[0]
        for pair, row in EXPECTED.items()
        if row is not None and pair[1] != "response.future_event"
    }
    assert allowed == expected
    # Every item event is allowed once the response started, and only then.
    for event in ITEM_EVENT_TYPES:
        assert (ResponseState.IN_RESPONSE, f"response.{event}") in TRANSITIONS
        assert (ResponseState.AWAITING_START, f"response.{event}") not in TRANSITIONS


def test_an_item_event_for_an_index_never_added_says_so() -> None:
    acc = run(created(), added(0, "message"))
    with pytest.raises(UnexpectedEvent, match=r"output_index 3, which was never added"):
        acc.feed(sse(text_delta("a", index=3)))


def test_events_for_a_done_item_or_part_raise() -> None:
    acc = run(created(), added(0, "message"), item_done(0, message()))
    with pytest.raises(
        UnexpectedEvent, match=r"item 0 of type 'message'.*already done"
    ):
        acc.feed(sse(text_delta("a")))
    acc = run(created(), added(0, "message"), item_done(0, message()))
    with pytest.raises(UnexpectedEvent, match="already done"):
        acc.feed(sse(item_done(0, message())))
    acc = run(created(), added(0, "message"), part_added(), part_done(""))
    with pytest.raises(UnexpectedEvent, match=r"content part 0 of item 0.*done"):
        acc.feed(sse(text_delta("a")))
    acc = run(created(), added(0, "function_call"))
    acc.feed(sse(ev("function_call_arguments.done", arguments="{}")))
    with pytest.raises(UnexpectedEvent, match="'arguments' is already done"):
        acc.feed(sse(ev("function_call_arguments.delta", delta="x")))


def test_a_second_add_of_an_index_or_part_raises() -> None:
    acc = run(created(), added(0, "message"))
    with pytest.raises(
        UnexpectedEvent, match=r"item 0 \('message'\) was already added"
    ):
        acc.feed(sse(added(0, "function_call")))
    acc = run(created(), added(0, "message"), part_added())
    with pytest.raises(UnexpectedEvent, match="already added"):
        acc.feed(sse(part_added()))


def test_a_done_item_of_another_type_raises() -> None:
    acc = run(created(), added(0, "message"))
    with pytest.raises(UnexpectedEvent, match="'function_call' for item 0"):
        acc.feed(sse(item_done(0, ARGS_FINAL)))


def test_a_second_created_and_another_response_id_raise() -> None:
    acc = run(created())
    with pytest.raises(UnexpectedEvent, match=r"response\.created"):
        acc.feed(sse(created()))
    acc = run(created())
    with pytest.raises(UnexpectedEvent, match=r"resp_2.*resp_1"):
        acc.feed(sse(lifecycle("in_progress", id="resp_2")))


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ("not json", None),
        ([1, 2], None),
        ({"no": "type"}, "type"),
        ({"type": 3}, "type"),
        ({"type": "response.created", "response": None}, "response"),
        (
            {"type": "response.created", "response": {**RESPONSE, "output": 1}},
            "response.output",
        ),
        ({"type": "response.created", "sequence_number": "1"}, "sequence_number"),
    ],
)
def test_malformed_payloads(payload: Any, field: str | None) -> None:
    acc = OpenAIResponsesAccumulator()
    with pytest.raises(InvalidChunk) as info:
        acc.feed(sse(payload))
    assert info.value.field == field
    assert "expected" in str(info.value)
    assert acc.state is AccumulatorState.ERROR


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (added("0", "message"), "output_index"),  # type: ignore[arg-type]
        ({**added(0, "message"), "item": []}, "item"),
        ({**added(0, "message"), "item": {"id": "x"}}, "item.type"),
        (text_delta(5), "delta"),  # type: ignore[arg-type]
        (ev("output_text.delta", delta="a"), "content_index"),
        (
            ev("output_text.annotation.added", content_index=0, annotation=1),
            "annotation",
        ),
    ],
)
def test_malformed_item_events(payload: dict[str, Any], field: str) -> None:
    acc = (
        run(created(), added(0, "message"))
        if field != "output_index"
        else run(created())
    )
    if payload["type"] == "response.output_item.added" and field != "output_index":
        acc = run(created())
    with pytest.raises(InvalidChunk) as info:
        acc.feed(sse(payload))
    assert info.value.field == field


# -- errors and terminal states --------------------------------------------------------

ERROR = {
    "type": "error",
    "code": "rate_limit_exceeded",
    "message": "Slow down",
    "param": None,
}


@pytest.mark.parametrize("phase", sorted(TO_PHASE))
def test_an_error_event_raises_in_every_phase_and_again_at_close(phase: str) -> None:
    acc = run(*TO_PHASE[phase])
    before = copy.deepcopy(acc.snapshot())
    with pytest.raises(StreamError) as info:
        acc.feed(sse(ERROR))
    assert info.value.body == ERROR
    assert info.value.snapshot == before
    assert "rate_limit_exceeded" in str(info.value)
    assert acc.state is AccumulatorState.ERROR
    assert acc.status == "error"
    with pytest.raises(StreamError) as again:
        acc.close()
    assert again.value is info.value
    with pytest.raises(UsageError):
        acc.feed(sse(PROBES["response.created"]))
    with pytest.raises(UsageError):
        acc.feed_chunk({})


def test_a_non_json_error_event_is_a_stream_error() -> None:
    acc = run(created())
    with pytest.raises(StreamError, match="upstream timed out"):
        acc.feed(ServerSentEvent(event="error", data="upstream timed out"))


def test_completed_is_the_clean_end() -> None:
    acc = OpenAIResponsesAccumulator()
    events = [e for p in TEXT_STREAM for e in acc.feed(sse(p))]
    assert acc.state is AccumulatorState.DONE
    assert acc.status == "completed"
    assert kinds(events)[-3:] == ["usage", "finish", "done"]
    finish = next(e for e in events if e.type == "finish")
    assert (finish.finish_reason, finish.reason, finish.index) == (
        "completed",
        "stop",
        None,
    )
    final = acc.close()
    assert final["status"] == "completed"
    assert final["usage"] == USAGE
    assert final["output"] == [message("Hello, world")]
    assert acc.state is AccumulatorState.CLOSED
    validate(final)
    with pytest.raises(UsageError, match="closed"):
        acc.close()
    with pytest.raises(UsageError, match="closed"):
        acc.feed(sse(created()))


def test_completed_with_a_function_call_finishes_for_tool_calls() -> None:
    events = events_of(*TOOL_STREAM)
    finish = next(e for e in events if e.type == "finish")
    assert (finish.finish_reason, finish.reason) == ("completed", "tool_calls")


@pytest.mark.parametrize(
    ("reason", "normalised"),
    [
        ("max_output_tokens", "length"),
        ("content_filter", "content_filter"),
        (None, "other"),
        ("steered", "other"),
    ],
)
def test_incomplete_returns_the_final_with_its_reason(
    reason: str | None, normalised: str
) -> None:
    details = {"reason": reason} if reason else None
    end = lifecycle("incomplete", usage=USAGE, incomplete_details=details)
    acc = run(created(), added(0, "message"), text_delta("Hel"), end)
    assert acc.status == "incomplete"
    events = acc.feed_chunk({"type": "after"})
    assert kinds(events) == ["unknown"]
    final = acc.close()
    assert final["status"] == "incomplete"
    assert final["incomplete_details"] == details
    assert final["output"][0]["content"][0]["text"] == "Hel"
    validate(final)
    finish = next(e for e in events_of(created(), end) if e.type == "finish")
    assert finish.finish_reason == (reason or "incomplete")
    assert finish.reason == normalised


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("max_output_tokens", LengthFinishReasonError),
        ("content_filter", ContentFilterFinishReasonError),
    ],
)
@pytest.mark.parametrize(
    "options",
    [
        {"text_format": {"type": "json_schema", "name": "x", "schema": {}}},
        {"text_format": {"format": {"type": "json_object"}}},
        {"tools": [{"type": "function", "name": "f", "parameters": {}}]},
    ],
)
def test_incomplete_is_an_error_when_parsing_was_asked_for(
    reason: str, error: type[Exception], options: dict[str, Any]
) -> None:
    end = lifecycle("incomplete", incomplete_details={"reason": reason})
    acc = run(created(), end, **options)
    with pytest.raises(error) as info:
        acc.close()
    assert info.value.snapshot["status"] == "incomplete"  # type: ignore[attr-defined]
    # Without parsing, or with a non-strict tool, it is the final.
    assert run(created(), end).close()["status"] == "incomplete"
    lax = {"tools": [{"type": "function", "name": "f", "strict": False}]}
    assert run(created(), end, **lax).close()["status"] == "incomplete"


def test_failed_raises_at_close_with_its_error() -> None:
    error = {"code": "server_error", "message": "The model crashed"}
    end = lifecycle("failed", error=error)
    acc = run(created(), added(0, "message"), text_delta("Hi"), end)
    assert acc.state is AccumulatorState.DONE
    assert acc.status == "failed"
    assert kinds(acc.feed_chunk({"type": "late"})) == ["unknown"]
    with pytest.raises(StreamError, match=r"server_error.*The model crashed") as info:
        acc.close()
    assert info.value.body == error
    assert info.value.snapshot["status"] == "failed"
    assert info.value.snapshot["output"][0]["content"][0]["text"] == "Hi"
    validate(info.value.snapshot)
    finish = next(e for e in events_of(created(), end) if e.type == "finish")
    assert (finish.finish_reason, finish.reason) == ("failed", "error")


@pytest.mark.parametrize("cut", range(len(TEXT_STREAM)))
def test_a_stream_without_its_terminal_event_is_cut(cut: int) -> None:
    acc = run(*TEXT_STREAM[:cut])
    with pytest.raises(IncompleteStream) as info:
        acc.close()
    assert acc.status == "cut"
    assert info.value.snapshot == acc.snapshot()
    assert "without a terminal event" in str(info.value)
    with pytest.raises(UsageError):
        acc.close()


@pytest.mark.parametrize(
    ("payloads", "why"),
    [
        ([], "before response.created"),
        ([created(), added(2, "message")], "output item(s) [2] still open"),
        (
            [created(), added(0, "message"), item_done(0, message())],
            "after the last output item",
        ),
    ],
)
def test_cut_says_where_it_stopped(payloads: list[Any], why: str) -> None:
    with pytest.raises(IncompleteStream, match=re.escape(f"({why})")):
        run(*payloads).close()


def test_misuse() -> None:
    acc = OpenAIResponsesAccumulator()
    with pytest.raises(UsageError, match="feed_chunk"):
        acc.feed({"type": "response.created"})  # type: ignore[arg-type]
    assert acc.feed(Comment(text="keep-alive")) == []
    assert acc.take_events() == []
    with pytest.raises(UsageError, match="response dict"):
        OpenAIResponsesAccumulator.resume([], sequence_number=1)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="an int"):
        OpenAIResponsesAccumulator.resume({}, sequence_number="1")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"output\[0\]"):
        OpenAIResponsesAccumulator.resume({"output": [1]}, sequence_number=1)


def test_a_failure_sticks() -> None:
    acc = run(created())
    with pytest.raises(InvalidChunk):
        acc.feed(sse("{"))
    for call in (
        lambda: acc.feed(sse(created())),
        lambda: acc.feed_chunk(created()),
        acc.close,
    ):
        with pytest.raises(UsageError, match="failed with InvalidChunk"):
            call()


# -- vocabulary ------------------------------------------------------------------------


def test_the_text_stream_in_the_vocabulary() -> None:
    events = events_of(*TEXT_STREAM)
    assert kinds(events) == [
        "message.started",
        "message.updated",
        "part.started",
        "part.started",
        "content.delta",
        "content.delta",
        "content.done",
        "part.done",
        "part.done",
        "usage",
        "finish",
        "done",
    ]
    deltas = [e for e in events if e.type == "content.delta"]
    assert [(d.delta, d.snapshot) for d in deltas] == [
        ("Hello", "Hello"),
        (", world", "Hello, world"),
    ]
    assert all((d.choice_index, d.index, d.content_index) == (0, 0, 0) for d in deltas)
    parts = [e for e in events if e.type == "part.started"]
    assert [(p.index, p.content_index) for p in parts] == [(0, None), (0, 0)]
    assert all(e.choice_index == 0 for e in events)


def test_function_arguments_are_parsed_once_and_incrementally() -> None:
    events = events_of(*TOOL_STREAM)
    started = next(e for e in events if e.type == "tool_call.started")
    assert (started.id, started.name, started.call_type, started.index) == (
        "call_1",
        "get_weather",
        "function_call",
        0,
    )
    deltas = [e for e in events if e.type == "tool_calls.function.arguments.delta"]
    assert [d.parsed_arguments for d in deltas] == [{}, {"city": "Oslo"}]
    assert [d.arguments for d in deltas] == ['{"city"', '{"city": "Oslo"}']
    assert all(not d.provider_executed and d.id == "call_1" for d in deltas)
    done = [e for e in events if e.type == "tool_calls.function.arguments.done"]
    assert len(done) == 1  # the item's done does not repeat it
    assert done[0].parsed_arguments == {"city": "Oslo"}
    assert done[0].complete


def test_free_text_input_has_no_parsed_value() -> None:
    final = {**ITEMS["custom_tool_call"], "input": "SELECT 1"}
    events = events_of(
        created(),
        added(0, "custom_tool_call"),
        ev("custom_tool_call_input.delta", delta="SELECT"),
        ev("custom_tool_call_input.delta", delta=" 1"),
        ev("custom_tool_call_input.done", input="SELECT 1"),
        item_done(0, final),
        completed(output=[final]),
    )
    deltas = [e for e in events if e.type == "tool_calls.function.arguments.delta"]
    assert [(d.snapshot, d.parsed_arguments, d.call_type) for d in deltas] == [
        ("SELECT", None, "custom_tool_call"),
        ("SELECT 1", None, "custom_tool_call"),
    ]
    done = next(e for e in events if e.type == "tool_calls.function.arguments.done")
    assert (done.arguments, done.parsed_arguments, done.complete) == (
        "SELECT 1",
        None,
        True,
    )
    finish = next(e for e in events if e.type == "finish")
    assert finish.reason == "tool_calls"


def test_hosted_tools_start_report_status_and_end_with_a_result() -> None:
    final = {**ITEMS["web_search_call"], "status": "completed"}
    acc = OpenAIResponsesAccumulator()
    events: list[Any] = [
        e
        for p in (
            created(),
            added(0, "web_search_call"),
            ev("web_search_call.in_progress"),
            ev("web_search_call.searching"),
            ev("web_search_call.completed"),
            item_done(0, final),
            completed(output=[final]),
        )
        for e in acc.feed(sse(p))
    ]
    assert kinds(events)[:7] == [
        "message.started",
        "part.started",
        "server_tool_call.started",
        "server_tool_call.status",
        "server_tool_call.status",
        "server_tool_call.status",
        "server_tool.result",
    ]
    statuses = [e for e in events if e.type == "server_tool_call.status"]
    assert [(s.status, s.id, s.call_type) for s in statuses] == [
        ("in_progress", "ws_1", "web_search_call"),
        ("searching", "ws_1", "web_search_call"),
        ("completed", "ws_1", "web_search_call"),
    ]
    result = next(e for e in events if e.type == "server_tool.result")
    assert (result.tool_use_id, result.result_type, result.block) == (
        "ws_1",
        "web_search_call",
        final,
    )
    finish = next(e for e in events if e.type == "finish")
    assert finish.reason == "stop"
    validate(acc.close())


def test_a_status_event_shows_in_the_snapshot() -> None:
    acc = run(created(), added(0, "web_search_call"), ev("web_search_call.searching"))
    assert acc.snapshot()["output"][0]["status"] == "searching"
    acc = run(created(), added(0, "mcp_list_tools"), ev("mcp_list_tools.in_progress"))
    assert "status" not in acc.snapshot()["output"][0]  # it has none on the wire


def test_mcp_and_code_interpreter_input_is_provider_executed() -> None:
    mcp = {**ITEMS["mcp_call"], "arguments": '{"q": 1}', "status": "completed"}
    code = {**ITEMS["code_interpreter_call"], "code": "print(1)", "status": "completed"}
    acc = OpenAIResponsesAccumulator()
    events: list[Any] = [
        e
        for p in (
            created(),
            added(0, "mcp_call"),
            ev("mcp_call_arguments.delta", delta='{"q": '),
            ev("mcp_call_arguments.delta", delta="1}"),
            ev("mcp_call_arguments.done", arguments='{"q": 1}'),
            ev("mcp_call.completed"),
            item_done(0, mcp),
            added(1, "code_interpreter_call"),
            ev("code_interpreter_call_code.delta", 1, delta="print("),
            ev("code_interpreter_call_code.delta", 1, delta="1)"),
            ev("code_interpreter_call_code.done", 1, code="print(1)"),
            ev("code_interpreter_call.interpreting", 1),
            item_done(1, code),
            completed(output=[mcp, code]),
        )
        for e in acc.feed(sse(p))
    ]
    started = [e for e in events if e.type == "server_tool_call.started"]
    assert [(s.id, s.name, s.call_type) for s in started] == [
        ("mcp_1", "search_docs", "mcp_call"),
        ("ci_1", None, "code_interpreter_call"),
    ]
    deltas = [e for e in events if e.type == "tool_calls.function.arguments.delta"]
    assert all(d.provider_executed for d in deltas)
    assert [d.parsed_arguments for d in deltas] == [{}, {"q": 1}, None, None]
    done = [e for e in events if e.type == "tool_calls.function.arguments.done"]
    assert [(d.index, d.arguments, d.call_type) for d in done] == [
        (0, '{"q": 1}', "mcp_call"),
        (1, "print(1)", "code_interpreter_call"),
    ]
    final = acc.close()
    assert final["output"] == [mcp, code]
    validate(final)


def test_reasoning_summary_then_text() -> None:
    reasoning = {
        **ITEMS["reasoning"],
        "summary": [{"type": "summary_text", "text": "Think."}],
        "content": [{"type": "reasoning_text", "text": "Deep"}],
    }
    acc = OpenAIResponsesAccumulator()
    events: list[Any] = [
        e
        for p in (
            created(),
            added(0, "reasoning"),
            ev(
                "reasoning_summary_part.added",
                summary_index=0,
                part={"type": "summary_text", "text": ""},
            ),
            ev("reasoning_summary_text.delta", summary_index=0, delta="Thi"),
            ev("reasoning_summary_text.delta", summary_index=0, delta="nk."),
            ev("reasoning_summary_text.done", summary_index=0, text="Think."),
            ev(
                "reasoning_summary_part.done",
                summary_index=0,
                part={"type": "summary_text", "text": "Think."},
            ),
            ev("reasoning_text.delta", content_index=0, delta="Deep"),
            ev("reasoning_text.done", content_index=0, text="Deep"),
            item_done(0, reasoning),
            added(1, "message"),
            text_delta("Answer", index=1),
            item_done(1, message("Answer")),
            completed(output=[reasoning, message("Answer")]),
        )
        for e in acc.feed(sse(p))
    ]
    reasoning_events = [e for e in events if e.type.startswith("reasoning.")]
    assert [(e.type, e.field, e.index, e.content_index) for e in reasoning_events] == [
        ("reasoning.delta", "summary_text", 0, 0),
        ("reasoning.delta", "summary_text", 0, 0),
        ("reasoning.done", "summary_text", 0, 0),
        ("reasoning.delta", "reasoning_text", 0, 0),
        ("reasoning.done", "reasoning_text", 0, 0),
    ]
    assert reasoning_events[1].snapshot == "Think."
    # The message's text part had no content_part.added: opened, then ended by
    # the item's done.
    tail = kinds(events)[kinds(events).index("content.delta") - 2 :]
    assert tail[:6] == [
        "part.started",
        "part.started",
        "content.delta",
        "content.done",
        "part.done",
        "part.done",
    ]
    final = acc.close()
    assert final["output"] == [reasoning, message("Answer")]
    validate(final)


def test_refusal_and_annotations_and_logprobs() -> None:
    logprob = {"token": "Hi", "logprob": -0.1, "bytes": [72, 105], "top_logprobs": []}
    acc = OpenAIResponsesAccumulator()
    events: list[Any] = [
        e
        for p in (
            created(),
            added(0, "message"),
            part_added(),
            {**text_delta("Hi"), "logprobs": [logprob]},
            ev(
                "output_text.annotation.added",
                content_index=0,
                annotation_index=0,
                annotation=ANNOTATION,
            ),
            text_done("Hi"),
            ev(
                "content_part.added",
                content_index=1,
                part={"type": "refusal", "refusal": ""},
            ),
            ev("refusal.delta", content_index=1, delta="No"),
            ev("refusal.delta", content_index=1, delta=" way"),
            ev("refusal.done", content_index=1, refusal="No way"),
        )
        for e in acc.feed(sse(p))
    ]
    assert kinds(events)[3:] == [
        "content.delta",
        "logprobs.content.delta",
        "citation.added",
        "content.done",
        "logprobs.content.done",
        "part.started",
        "refusal.delta",
        "refusal.delta",
        "refusal.done",
    ]
    citation = next(e for e in events if e.type == "citation.added")
    assert (citation.index, citation.content_index, citation.citation) == (
        0,
        0,
        ANNOTATION,
    )
    refusal = [e for e in events if e.type == "refusal.delta"]
    assert refusal[-1].snapshot == "No way"
    content = acc.snapshot()["output"][0]["content"]
    assert content == [
        {
            "type": "output_text",
            "text": "Hi",
            "annotations": [ANNOTATION],
            "logprobs": [logprob],
        },
        {"type": "refusal", "refusal": "No way"},
    ]


def test_shell_commands_and_output() -> None:
    call = {
        **ITEMS["shell_call"],
        "action": {"commands": ["ls -l", "pwd"]},
        "status": "completed",
    }
    entry = {
        "stdout": "a\nb",
        "stderr": "",
        "outcome": {"type": "exit", "exit_code": 0},
    }
    output = {**ITEMS["shell_call_output"], "output": [entry], "status": "completed"}
    acc = OpenAIResponsesAccumulator()
    events: list[Any] = [
        e
        for p in (
            created(),
            added(0, "shell_call"),
            ev("shell_call_command.added", command_index=0, command="ls"),
            ev("shell_call_command.delta", command_index=0, delta=" -l"),
            ev("shell_call_command.done", command_index=0, command="ls -l"),
            ev("shell_call_command.added", command_index=1, command=""),
            ev("shell_call_command.delta", command_index=1, delta="pwd"),
            item_done(0, call),
            added(1, "shell_call_output"),
            ev(
                "shell_call_output_content.delta",
                1,
                command_index=0,
                delta={"stdout": "a"},
            ),
            ev(
                "shell_call_output_content.delta",
                1,
                command_index=0,
                delta={"stdout": "\nb", "stderr": None},
            ),
            ev("shell_call_output_content.done", 1, command_index=0, output=[entry]),
            item_done(1, output),
            completed(output=[call, output]),
        )
        for e in acc.feed(sse(p))
    ]
    args = [e for e in events if e.type.startswith("tool_calls.function.arguments")]
    assert [(a.type[-5:], a.content_index, a.arguments) for a in args] == [
        ("delta", 0, "ls"),
        ("delta", 0, "ls -l"),
        (".done", 0, "ls -l"),
        ("delta", 1, "pwd"),
        (".done", 1, "pwd"),
    ]
    out = [e for e in events if e.type.startswith("server_tool.output")]
    assert [(o.type, o.content_index) for o in out] == [
        ("server_tool.output.delta", 0),
        ("server_tool.output.delta", 0),
        ("server_tool.output.done", 0),
    ]
    assert out[1].snapshot == "a\nb"
    results = [e for e in events if e.type == "server_tool.result"]
    assert [(r.result_type, r.tool_use_id) for r in results] == [
        ("shell_call", "sh_1"),
        ("shell_call_output", "call_3"),
    ]
    final = acc.close()
    assert final["output"] == [call, output]
    validate(final)


def test_the_snapshot_shows_shell_commands_as_they_grow() -> None:
    acc = run(
        created(),
        added(0, "shell_call"),
        ev("shell_call_command.added", command_index=1, command="b"),
        ev("shell_call_command.delta", command_index=0, delta="a"),
    )
    assert acc.snapshot()["output"][0]["action"]["commands"] == ["a", "b"]
    acc.feed(sse(ev("shell_call_command.delta", command_index=0, delta="a")))
    assert acc.snapshot()["output"][0]["action"]["commands"] == ["aa", "b"]


def test_partial_images_are_previews_of_the_result() -> None:
    final = {**ITEMS["image_generation_call"], "status": "completed", "result": "FINAL"}
    acc = OpenAIResponsesAccumulator()
    events: list[Any] = [
        e
        for p in (
            created(),
            added(0, "image_generation_call"),
            ev("image_generation_call.generating"),
            ev(
                "image_generation_call.partial_image",
                partial_image_b64="P0",
                partial_image_index=0,
            ),
        )
        for e in acc.feed(sse(p))
    ]
    partial = next(e for e in events if e.type == "image.partial")
    assert (partial.id, partial.partial_image_b64, partial.partial_image_index) == (
        "ig_1",
        "P0",
        0,
    )
    assert acc.snapshot()["output"][0]["result"] == "P0"
    events = acc.feed(sse(item_done(0, final)))
    assert not [e for e in events if e.type == "correction"]  # a preview, not text
    assert acc.snapshot()["output"][0]["result"] == "FINAL"


def test_audio_and_its_transcript() -> None:
    acc = OpenAIResponsesAccumulator()
    assert acc.audio is None
    events: list[Any] = [
        e
        for p in (
            created(),
            {"type": "response.audio.delta", "delta": "UklG"},
            {"type": "response.audio.transcript.delta", "delta": "Hel"},
            {"type": "response.audio.delta", "delta": "RiQA"},
            {"type": "response.audio.transcript.delta", "delta": "lo"},
            {"type": "response.audio.done"},
            {"type": "response.audio.transcript.done"},
        )
        for e in acc.feed(sse(p))
    ]
    deltas = [e for e in events if e.type == "audio.delta"]
    assert [(d.field, d.delta, d.snapshot) for d in deltas] == [
        ("data", "UklG", "UklG"),
        ("transcript", "Hel", "Hel"),
        ("data", "RiQA", "UklGRiQA"),
        ("transcript", "lo", "Hello"),
    ]
    done = [e for e in events if e.type == "audio.done"]
    assert [(d.field, d.value) for d in done] == [
        ("data", "UklGRiQA"),
        ("transcript", "Hello"),
    ]
    assert acc.audio == {"data": "UklGRiQA", "transcript": "Hello"}
    assert "audio" not in acc.snapshot()


def test_unknown_items_are_kept_whole() -> None:
    sent = ITEMS["future_item"]
    acc = OpenAIResponsesAccumulator()
    events: list[Any] = [
        e
        for p in (
            created(),
            added(0, sent),
            ev("future_item.delta", delta="x"),
            item_done(0, {**sent, "payload": [3]}),
        )
        for e in acc.feed(sse(p))
    ]
    assert kinds(events) == ["message.started", "part.started", "unknown", "part.done"]
    assert acc.snapshot()["output"] == [{**sent, "payload": [3]}]


def test_items_are_keyed_by_output_index_in_any_order_with_gaps() -> None:
    acc = run(
        created(),
        added(4, "message"),
        added(1, "function_call"),
        text_delta("late", index=4),
        ev("function_call_arguments.delta", 1, delta="{}"),
    )
    output = acc.snapshot()["output"]
    assert [o["type"] for o in output] == ["function_call", "message"]
    assert output[0]["arguments"] == "{}"
    assert output[1]["content"][0]["text"] == "late"


# -- tolerances ------------------------------------------------------------------------


@pytest.mark.parametrize("output", [None, []])
def test_a_terminal_output_of_null_or_empty_is_rebuilt_from_the_items(
    output: list[Any] | None,
) -> None:
    stream = [*TEXT_STREAM[:-1], completed(output=output)]
    acc = run(*stream)
    final = acc.close()
    assert final["output"] == [message("Hello, world")]
    assert acc.corrections == ()
    validate(final)


def test_item_null_in_added_reserves_the_index() -> None:
    acc = OpenAIResponsesAccumulator()
    events: list[Any] = [
        e
        for p in (
            created(),
            added(0, None),
            text_delta("Hi"),
            added(1, None),
            item_done(1, None),  # nothing came for it: nothing kept
            item_done(0, message("Hi")),
            completed(output=None),
        )
        for e in acc.feed(sse(p))
    ]
    assert kinds(events)[:4] == [
        "message.started",
        "part.started",
        "part.started",
        "content.delta",
    ]
    final = acc.close()
    assert final["output"] == [message("Hi")]
    validate(final)


def test_item_null_in_done_keeps_the_item_as_accumulated() -> None:
    acc = run(
        created(),
        added(0, "function_call"),
        ev("function_call_arguments.delta", delta='{"a": 1}'),
        item_done(0, None),
        completed(output=None),
    )
    final = acc.close()
    assert final["output"] == [{**ITEMS["function_call"], "arguments": '{"a": 1}'}]
    assert acc.incomplete == ()


def test_a_missing_content_part_added_opens_the_part() -> None:
    with_part = run(*TEXT_STREAM).close()
    without = run(
        *[p for p in TEXT_STREAM if p["type"] != "response.content_part.added"]
    )
    assert without.close() == with_part
    events = events_of(created(), added(0, "message"), text_delta("a"))
    started = [e for e in events if e.type == "part.started"]
    assert started[-1].part == {"type": "output_text", "text": "", "annotations": []}
    assert started[-1].content_index == 0


def test_content_indexes_need_not_restart_at_zero() -> None:
    acc = run(
        created(),
        added(0, "message"),
        text_delta("A", index=0, content_index=0),
        added(1, "message"),
        text_delta("B", index=1, content_index=1),
        text_delta("b", index=1, content_index=1),
        text_done("Bb", index=1, content_index=1),
        item_done(1, {**message("Bb"), "id": "msg_1"}),
        completed(output=None),
    )
    output = acc.close()["output"]
    assert output[1]["content"] == [
        {"type": "output_text", "text": "Bb", "annotations": []}
    ]
    assert acc.corrections == ()


def test_obfuscation_is_ignored_and_unknown_keys_are_kept() -> None:
    stream = [
        created(vendor_field={"a": 1}),
        {**added(0, "message"), "item": {**ITEMS["message"], "x_extra": True}},
        {**text_delta("Hi"), "obfuscation": "q9Vw"},
        {**text_delta("!"), "obfuscation": "zz"},
    ]
    acc = run(*stream)
    snapshot = acc.snapshot()
    assert snapshot["vendor_field"] == {"a": 1}
    assert snapshot["output"][0]["x_extra"] is True
    assert "obfuscation" not in json.dumps(snapshot)
    assert snapshot["output"][0]["content"][0]["text"] == "Hi!"


def test_a_stream_may_start_without_created_or_be_its_terminal_event_alone() -> None:
    acc = run(lifecycle("in_progress"), added(0, "message"), text_delta("a"))
    assert acc.snapshot()["id"] == "resp_1"
    only = run(completed(output=[message("x")]))
    final = only.close()
    assert final["output"] == [message("x")]
    validate(final)


# -- sequence numbers and resume -------------------------------------------------------


def test_replayed_events_are_dropped() -> None:
    stream = numbered(TEXT_STREAM)
    acc = OpenAIResponsesAccumulator()
    for payload in stream[:6]:
        acc.feed(sse(payload))
    for payload in stream[2:6]:  # re-sent
        assert acc.feed(sse(payload)) == []
    assert acc.replayed == 4
    for payload in stream[6:]:
        acc.feed(sse(payload))
    assert acc.close() == run(*stream).close()
    assert acc.gaps == ()


def test_a_gap_is_reported_and_the_stream_goes_on() -> None:
    stream = numbered(TEXT_STREAM)
    del stream[5]  # the second delta is lost
    acc = OpenAIResponsesAccumulator()
    events: list[Any] = [e for p in stream for e in acc.feed(sse(p))]
    gaps = [e for e in events if e.type == "sequence.gap"]
    assert gaps == [SequenceGap(expected=5, got=6, choice_index=0)]
    assert events[events.index(gaps[0]) - 1].type == "chunk"
    assert acc.gaps == ((5, 6),)
    # The done event brings the lost text back, reported.
    corrections = [e for e in events if e.type == "correction"]
    assert [(c.path, c.accumulated, c.authoritative) for c in corrections] == [
        ("output[0].content[0].text", "Hello", "Hello, world")
    ]
    assert acc.close()["output"] == [message("Hello, world")]


def test_events_without_sequence_numbers_are_taken_as_they_come() -> None:
    stream = numbered(TEXT_STREAM)
    stream[4] = {k: v for k, v in stream[4].items() if k != "sequence_number"}
    acc = run(*stream)
    # Nothing is dropped; the number it did not carry shows as a gap.
    assert (acc.replayed, acc.gaps) == (0, ((4, 5),))
    assert run(*TEXT_STREAM).gaps == ()  # none carry one: none are checked
    assert acc.close()["output"] == [message("Hello, world")]


@pytest.mark.parametrize("cut", range(1, len(TEXT_STREAM)))
@pytest.mark.parametrize("replay", [0, 1, 3])
def test_resume_from_a_snapshot(cut: int, replay: int) -> None:
    stream = numbered(TEXT_STREAM)
    whole = run(*stream)
    first = run(*stream[:cut])
    saved = json.loads(json.dumps(first.snapshot()))  # as a client would keep it
    last = stream[cut - 1]["sequence_number"]
    resumed = OpenAIResponsesAccumulator.resume(saved, sequence_number=last)
    events = [e for p in stream[max(cut - replay, 0) :] for e in resumed.feed(sse(p))]
    assert resumed.replayed == min(replay, cut)
    assert resumed.close() == whole.close()
    assert resumed.corrections == ()
    assert kinds(events)[-3:] == ["usage", "finish", "done"]


def test_resume_continues_text_and_arguments() -> None:
    stream = numbered(TOOL_STREAM)
    first = run(*stream[:3])  # created, added, first delta
    saved = json.loads(json.dumps(first.snapshot()))
    assert saved["output"][0]["arguments"] == '{"city"'
    resumed = OpenAIResponsesAccumulator.resume(saved, sequence_number=2)
    events = [e for p in stream[3:] for e in resumed.feed(sse(p))]
    deltas = [e for e in events if e.type == "tool_calls.function.arguments.delta"]
    assert deltas[0].arguments == '{"city": "Oslo"}'
    assert deltas[0].parsed_arguments == {"city": "Oslo"}
    assert resumed.corrections == ()
    assert resumed.close() == run(*stream).close()


def test_resume_keeps_items_that_ended_done() -> None:
    stream = numbered(TEXT_STREAM)
    first = run(*stream[:9])  # the message is done
    resumed = OpenAIResponsesAccumulator.resume(first.snapshot(), sequence_number=8)
    with pytest.raises(UnexpectedEvent, match="already done"):
        resumed.feed(sse({**text_delta("x"), "sequence_number": 9}))


# -- the authoritative-wins rule -------------------------------------------------------


def test_a_done_text_that_disagrees_wins_and_is_reported() -> None:
    acc = OpenAIResponsesAccumulator()
    events: list[Any] = [
        e
        for p in (
            created(),
            added(0, "message"),
            text_delta("Helo"),
            text_done("Hello"),
        )
        for e in acc.feed(sse(p))
    ]
    corrections = [e for e in events if e.type == "correction"]
    assert corrections == [
        ValueCorrected(
            choice_index=0,
            index=0,
            content_index=0,
            path="output[0].content[0].text",
            accumulated="Helo",
            authoritative="Hello",
        )
    ]
    assert acc.corrections == tuple(corrections)
    done = next(e for e in events if e.type == "content.done")
    assert done.content == "Hello"
    assert kinds(events)[-2:] == ["correction", "content.done"]
    assert acc.snapshot()["output"][0]["content"][0]["text"] == "Hello"
    # Each disagreement is reported once, not again by the part, item or end.
    more: list[Any] = [
        e
        for p in (
            part_done("Hello"),
            item_done(0, message("Hello")),
            completed(output=[message("Hello")]),
        )
        for e in acc.feed(sse(p))
    ]
    assert not [e for e in more if e.type == "correction"]


def test_a_done_value_that_only_fills_is_no_correction() -> None:
    acc = run(created(), added(0, "message"), text_done("Whole"))
    assert acc.corrections == ()
    assert acc.snapshot()["output"][0]["content"][0]["text"] == "Whole"


@pytest.mark.parametrize(
    ("late", "path", "authoritative"),
    [
        (part_done("Hey"), "output[0].content[0].text", "Hey"),
        (item_done(0, message("Hey")), "output[0].content[0].text", "Hey"),
        (completed(output=[message("Hey")]), "output[0].content[0].text", "Hey"),
        (item_done(0, message()), "output[0].content[0].text", None),
    ],
)
def test_every_authoritative_value_wins(
    late: dict[str, Any], path: str, authoritative: Any
) -> None:
    acc = run(created(), added(0, "message"), part_added(), text_delta("Hi"))
    events = acc.feed(sse(late))
    corrections = [e for e in events if e.type == "correction"]
    assert [(c.path, c.accumulated, c.authoritative) for c in corrections] == [
        (path, "Hi", authoritative)
    ]
    output = acc.snapshot()["output"][0]
    if authoritative is None:
        assert output["content"] == []
    else:
        assert output["content"][0]["text"] == "Hey"


def test_authoritative_arguments_win_in_the_done_event() -> None:
    acc = OpenAIResponsesAccumulator()
    events: list[Any] = [
        e
        for p in (
            created(),
            added(0, "function_call"),
            ev("function_call_arguments.delta", delta='{"a": '),
            item_done(0, {**ARGS_FINAL, "arguments": '{"a": 2}'}),
        )
        for e in acc.feed(sse(p))
    ]
    assert kinds(events)[-4:] == [
        "tool_calls.function.arguments.delta",
        "correction",
        "tool_calls.function.arguments.done",
        "part.done",
    ]
    done = next(e for e in events if e.type == "tool_calls.function.arguments.done")
    assert (done.arguments, done.parsed_arguments, done.complete) == (
        '{"a": 2}',
        {"a": 2},
        True,
    )
    assert acc.corrections[0].path == "output[0].arguments"


def test_annotations_that_disagree_are_reported() -> None:
    other = {**ANNOTATION, "url": "https://other.example"}
    acc = run(
        created(),
        added(0, "message"),
        part_added(),
        text_delta("Hi"),
        ev(
            "output_text.annotation.added",
            content_index=0,
            annotation_index=0,
            annotation=ANNOTATION,
        ),
    )
    sent = {"type": "output_text", "text": "Hi", "annotations": [other]}
    events = acc.feed(sse(ev("content_part.done", content_index=0, part=sent)))
    corrections = [e for e in events if e.type == "correction"]
    assert [(c.path, c.authoritative) for c in corrections] == [
        ("output[0].content[0].annotations", [other])
    ]
    assert acc.snapshot()["output"][0]["content"][0]["annotations"] == [other]


# -- merge rules -----------------------------------------------------------------------


def test_lifecycle_fields_are_latest_non_null_and_never_the_output() -> None:
    acc = run(
        created(metadata={"a": "1"}, usage=None),
        added(0, "message"),
        lifecycle(
            "in_progress", metadata=None, output=[message("ignored")], temperature=0.5
        ),
    )
    snapshot = acc.snapshot()
    assert snapshot["metadata"] == {"a": "1"}
    assert snapshot["temperature"] == 0.5
    assert snapshot["status"] == "in_progress"
    assert [o["id"] for o in snapshot["output"]] == ["msg_1"]
    assert snapshot["output"][0]["content"] == []


def test_the_merge_table_names_every_delta_it_concatenates() -> None:
    concatenated = sorted(
        scope
        for scope, table in OPENAI_RESPONSES.items()
        if "CONCAT" in {rule.name for rule in table.fields.values()}
    )
    assert concatenated == [
        "response.audio.delta",
        "response.audio.transcript.delta",
        "response.code_interpreter_call_code.delta",
        "response.custom_tool_call_input.delta",
        "response.function_call_arguments.delta",
        "response.mcp_call_arguments.delta",
        "response.output_text.delta",
        "response.reasoning_summary_text.delta",
        "response.reasoning_text.delta",
        "response.refusal.delta",
        "response.shell_call_command.delta",
        "shell_output",
    ]
    assert OPENAI_RESPONSES["response"].fields["output"].name == "SKIP"
    assert (
        OPENAI_RESPONSES["response.output_text.delta"].fields["obfuscation"].name
        == "SKIP"
    )


def test_a_json_text_format_parses_the_output_text() -> None:
    acc = OpenAIResponsesAccumulator(text_format={"type": "json_schema", "name": "x"})
    # Read at event time: the parsed value is the parser's live tree.
    parsed = [
        copy.deepcopy(e.parsed)
        for p in (
            created(),
            added(0, "message"),
            text_delta('{"a": [1,'),
            text_delta(" 2]}"),
        )
        for e in acc.feed(sse(p))
        if e.type == "content.delta"
    ]
    assert parsed == [{"a": [1]}, {"a": [1, 2]}]
    plain = events_of(created(), added(0, "message"), text_delta("{"))
    assert [e.parsed for e in plain if e.type == "content.delta"] == [None]
    done = [
        e for e in acc.feed(sse(text_done('{"a": [1, 2]}'))) if e.type == "content.done"
    ]
    assert done[0].parsed == {"a": [1, 2]}


# -- open items at the end -------------------------------------------------------------


def test_items_open_at_the_end_are_finished_as_cut_in_index_order() -> None:
    acc = OpenAIResponsesAccumulator()
    events: list[Any] = [
        e
        for p in (
            created(),
            added(1, "message"),
            added(0, "function_call"),
            text_delta("partial", index=1),
            ev("function_call_arguments.delta", 0, delta='{"city": "Os'),
            lifecycle("incomplete", incomplete_details={"reason": "max_output_tokens"}),
        )
        for e in acc.feed(sse(p))
    ]
    ends = [
        e
        for e in events
        if e.type in ("tool_calls.function.arguments.done", "content.done", "part.done")
    ]
    assert [(e.type, e.index) for e in ends] == [
        ("tool_calls.function.arguments.done", 0),
        ("part.done", 0),
        ("content.done", 1),
        ("part.done", 1),
        ("part.done", 1),
    ]
    assert ends[0].complete is False
    assert acc.incomplete == (0,)
    final = acc.close()
    assert final["output"][0]["arguments"] == '{"city": "Os'
    validate(final)


def test_a_whole_json_left_open_still_counts_as_cut() -> None:
    acc = run(
        created(),
        added(0, "function_call"),
        ev("function_call_arguments.delta", delta="{}"),
        completed(output=None),
    )
    assert acc.incomplete == (0,)


def test_an_item_done_as_incomplete_is_reported() -> None:
    sent = {**ARGS_FINAL, "arguments": '{"city": "Os', "status": "incomplete"}
    acc = run(
        created(),
        added(0, "function_call"),
        ev("function_call_arguments.delta", delta='{"city": "Os'),
        item_done(0, sent),
    )
    assert acc.incomplete == (0,)
    whole = {**ARGS_FINAL, "status": "incomplete"}
    acc = run(created(), added(0, "function_call"), item_done(0, whole))
    assert acc.incomplete == (0,)  # the server said so, whole JSON or not


# -- framings --------------------------------------------------------------------------


def wire(payloads: list[Any], *, named: bool = True) -> bytes:
    out = []
    for payload in payloads:
        name = f"event: {payload['type']}\n" if named else ""
        out.append(f"{name}data: {json.dumps(payload)}\n\n")
    return "".join(out).encode()


def decode(chunks: list[bytes]) -> tuple[list[Any], Any]:
    """Events and final (or the error's type) of byte chunks fed through SSE."""
    decoder = SSEDecoder()
    acc = OpenAIResponsesAccumulator()
    events: list[Any] = []
    try:
        for piece in chunks:
            for item in decoder.feed(piece):
                events.extend(acc.feed(item))
        for item in decoder.close():
            events.extend(acc.feed(item))
        return events, acc.close()
    except (IncompleteStream, StreamError) as exc:
        return events, (type(exc).__name__, exc.snapshot)


STREAMS: dict[str, list[dict[str, Any]]] = {
    "text": numbered(TEXT_STREAM),
    "tool": numbered(TOOL_STREAM),
    "cut": TEXT_STREAM[:6],
    "failed": [created(), lifecycle("failed", error={"code": "x", "message": "y"})],
    "late": [*TEXT_STREAM, {"type": "whatever"}],
}


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_a_data_only_stream_is_the_same_stream(name: str) -> None:
    named = decode([wire(STREAMS[name])])
    bare = decode([wire(STREAMS[name], named=False)])
    assert bare[1] == named[1]
    strip = [e for e in named[0] if e.type != "unknown"]
    assert [e for e in bare[0] if e.type != "unknown"] == strip
    assert len(bare[0]) == len(named[0])


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_whole_bytewise_and_random_chunkings_agree(name: str) -> None:
    data = wire(STREAMS[name])
    whole = decode([data])
    assert decode([data[i : i + 1] for i in range(len(data))]) == whole
    rng = random.Random(name)
    for _ in range(5):
        cuts = sorted(rng.sample(range(len(data)), 8))
        assert decode(split_chunks(data, cuts)) == whole


@given(st.data())
def test_any_chunking_agrees(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(STREAMS)))
    raw = wire(STREAMS[name], named=data.draw(st.booleans()))
    cuts = data.draw(st.lists(st.integers(0, len(raw)), max_size=20))
    assert decode(split_chunks(raw, cuts)) == decode([raw])


def test_feed_chunk_is_feed_without_the_json() -> None:
    acc = OpenAIResponsesAccumulator()
    events = [e for p in copy.deepcopy(TOOL_STREAM) for e in acc.feed_chunk(p)]
    assert events == events_of(*TOOL_STREAM)
    assert acc.close() == run(*TOOL_STREAM).close()


# -- limits ----------------------------------------------------------------------------


def test_max_text_chars_counts_every_text() -> None:
    acc = run(
        created(),
        added(0, "message"),
        added(1, "function_call"),
        text_delta("12345"),
        ev("function_call_arguments.delta", 1, delta="678"),
        {"type": "response.audio.transcript.delta", "delta": "9"},
        limits=Limits(max_text_chars=10),
    )
    acc.feed(sse(text_delta("0")))  # exactly the limit: allowed
    with pytest.raises(LimitExceeded) as info:
        acc.feed(sse(text_delta("1")))
    assert (info.value.limit, info.value.maximum, info.value.observed) == (
        "max_text_chars",
        10,
        11,
    )
    assert acc.state is AccumulatorState.ERROR


def test_a_replaced_text_counts_once() -> None:
    acc = run(
        created(),
        added(0, "message"),
        text_delta("12345"),
        text_done("abcde"),  # replaces the five characters, not adds to them
        limits=Limits(max_text_chars=8),
    )
    acc.feed(sse(ev("refusal.delta", content_index=1, delta="xyz")))
    with pytest.raises(LimitExceeded, match="max_text_chars"):
        acc.feed(sse(ev("refusal.delta", content_index=1, delta="!")))


def test_max_stream_items_counts_items_parts_and_annotations() -> None:
    acc = run(created(), added(0, "message"), limits=Limits(max_stream_items=3))
    acc.feed(sse(part_added()))
    acc.feed(
        sse(
            ev(
                "output_text.annotation.added",
                content_index=0,
                annotation_index=0,
                annotation=ANNOTATION,
            )
        )
    )
    with pytest.raises(LimitExceeded, match="max_stream_items"):
        acc.feed(sse(added(1, "message")))


def test_max_stream_items_counts_gaps() -> None:
    acc = run(
        {**created(), "sequence_number": 0},
        limits=Limits(max_stream_items=1),
    )
    acc.feed(sse({**lifecycle("in_progress"), "sequence_number": 2}))
    with pytest.raises(LimitExceeded, match="max_stream_items"):
        acc.feed(sse({**lifecycle("in_progress"), "sequence_number": 4}))


def test_missing_is_what_a_parse_of_nothing_shows() -> None:
    events = events_of(
        created(),
        added(0, "function_call"),
        ev("function_call_arguments.delta", delta=" "),
    )
    delta = next(e for e in events if e.type == "tool_calls.function.arguments.delta")
    assert delta.parsed_arguments is MISSING


@pytest.mark.parametrize(
    "item",
    [
        ITEMS["computer_call"],
        {
            "id": "lsh_1",
            "type": "local_shell_call",
            "call_id": "call_5",
            "action": {"type": "exec", "command": ["ls"], "env": {}},
            "status": "completed",
        },
        {
            "id": "apc_1",
            "type": "apply_patch_call",
            "call_id": "call_6",
            "operation": {"type": "delete_file", "path": "a.txt"},
            "status": "completed",
        },
    ],
)
def test_calls_the_client_runs_arrive_whole_and_ask_for_tools(
    item: dict[str, Any],
) -> None:
    events = events_of(
        created(), added(0, item), item_done(0, item), completed(output=[item])
    )
    assert kinds(events) == [
        "message.started",
        "part.started",
        "tool_call.started",
        "part.done",
        "usage",
        "finish",
        "done",
    ]
    started = next(e for e in events if e.type == "tool_call.started")
    assert (started.id, started.call_type) == (item["call_id"], item["type"])
    finish = next(e for e in events if e.type == "finish")
    assert (finish.finish_reason, finish.reason) == ("completed", "tool_calls")


def test_resume_does_not_end_the_parts_that_ended_before_it() -> None:
    stream = numbered(
        [
            created(),
            added(0, "message"),
            part_added(0, 0),
            text_delta("A", 0, 0),
            text_done("A", 0, 0),
            part_done("A", 0, 0),
            part_added(0, 1),
            text_delta("B", 0, 1),
            item_done(0, message("A", "B")),
            completed(output=[message("A", "B")]),
        ]
    )
    before = run(*stream[:8])
    saved = json.loads(json.dumps(before.snapshot()))
    resumed = OpenAIResponsesAccumulator.resume(saved, sequence_number=7)
    events = [e for p in stream[8:] for e in resumed.feed(sse(p))]
    done = [e for e in events if e.type == "content.done"]
    assert [(d.content_index, d.content) for d in done] == [(1, "B")]
    assert resumed.close() == run(*stream).close()


def test_resume_after_a_hosted_tool_completed_takes_its_item_done() -> None:
    final = {**ITEMS["web_search_call"], "status": "completed"}
    stream = numbered(
        [
            created(),
            added(0, "web_search_call"),
            ev("web_search_call.completed"),
            item_done(0, final),
            completed(output=[final]),
        ]
    )
    before = run(*stream[:3])
    assert before.snapshot()["output"][0]["status"] == "completed"
    resumed = OpenAIResponsesAccumulator.resume(before.snapshot(), sequence_number=2)
    events = [e for p in stream[3:] for e in resumed.feed(sse(p))]
    assert kinds(events)[:2] == ["server_tool.result", "part.done"]
    with pytest.raises(UnexpectedEvent, match="already done"):
        OpenAIResponsesAccumulator.resume(
            before.snapshot(), sequence_number=2
        ).feed_chunk(ev("web_search_call.searching"))
    assert resumed.close() == run(*stream).close()


def test_an_open_part_numbered_past_zero_takes_the_done_items_text() -> None:
    # Parts numbered across the response: item 1's only part has content_index
    # 1, at position 0 of its content; the done item's text is found there.
    acc = OpenAIResponsesAccumulator()
    events = [
        e
        for p in (
            created(),
            added(1, "message"),
            text_delta("B", index=1, content_index=1),
            item_done(1, message("Bb")),
        )
        for e in acc.feed(sse(p))
    ]
    done = next(e for e in events if e.type == "content.done")
    assert (done.content_index, done.content) == (1, "Bb")
    assert [c.path for c in acc.corrections] == ["output[1].content[0].text"]


@pytest.mark.parametrize("name", ["delta", "response.completed", "error", "message"])
def test_the_sse_event_name_is_never_read(name: str) -> None:
    acc = OpenAIResponsesAccumulator()
    events = [
        e
        for p in TEXT_STREAM
        for e in acc.feed(ServerSentEvent(event=name, data=json.dumps(p)))
    ]
    assert events == events_of(*TEXT_STREAM)
    assert acc.close() == run(*TEXT_STREAM).close()


def test_an_item_open_at_the_end_is_done_as_the_terminal_output_has_it() -> None:
    cut = message("Hel", status="incomplete")
    acc = OpenAIResponsesAccumulator()
    events = [
        e
        for p in (
            created(),
            added(0, "message"),
            text_delta("Hel"),
            lifecycle(
                "incomplete",
                incomplete_details={"reason": "max_output_tokens"},
                output=[cut],
            ),
        )
        for e in acc.feed(sse(p))
    ]
    item_end = [e for e in events if e.type == "part.done" and e.content_index is None]
    assert [e.part for e in item_end] == [cut]
    assert acc.corrections == ()
    assert acc.close()["output"] == [cut]


def test_an_mcp_approval_request_at_the_end_asks_the_client() -> None:
    request = {
        "id": "mcpr_1",
        "type": "mcp_approval_request",
        "name": "delete_page",
        "server_label": "docs",
        "arguments": "{}",
    }
    events = events_of(
        created(), added(0, request), item_done(0, request), completed(output=[request])
    )
    started = next(e for e in events if e.type == "server_tool_call.started")
    assert (started.id, started.name) == ("mcpr_1", "delete_page")
    finish = next(e for e in events if e.type == "finish")
    assert (finish.finish_reason, finish.reason) == ("completed", "tool_calls")


def test_consecutive_text_deltas_go_where_each_one_says() -> None:
    # Deltas for one part in a row take a shorter path: it must still follow
    # each delta's own output_index and content_index, and its logprobs.
    logprob = {"token": "c", "logprob": -0.5, "bytes": [99], "top_logprobs": []}
    acc = OpenAIResponsesAccumulator()
    events = [
        e
        for p in (
            created(),
            added(0, "message"),
            added(1, "message"),
            text_delta("a", index=0),
            text_delta("b", index=0),
            text_delta("x", index=1),
            text_delta("y", index=1, content_index=1),
            {**text_delta("c", index=1, content_index=1), "logprobs": [logprob]},
            text_delta("d", index=1, content_index=1),
        )
        for e in acc.feed(sse(p))
    ]
    deltas = [e for e in events if e.type == "content.delta"]
    assert [(d.index, d.content_index, d.snapshot) for d in deltas] == [
        (0, 0, "a"),
        (0, 0, "ab"),
        (1, 0, "x"),
        (1, 1, "y"),
        (1, 1, "yc"),
        (1, 1, "ycd"),
    ]
    logprobs = [e for e in events if e.type == "logprobs.content.delta"]
    assert [(e.index, e.content_index, e.content) for e in logprobs] == [
        (1, 1, [logprob])
    ]
    output = acc.snapshot()["output"]
    assert [[c["text"] for c in o["content"]] for o in output] == [["ab"], ["x", "ycd"]]


def test_consecutive_argument_deltas_go_where_each_one_says() -> None:
    second = {**ITEMS["function_call"], "id": "fc_2", "call_id": "call_9"}
    acc = OpenAIResponsesAccumulator()
    events = [
        e
        for p in (
            created(),
            added(0, "function_call"),
            added(1, second),
            ev("function_call_arguments.delta", 0, delta='{"a"'),
            ev("function_call_arguments.delta", 0, delta=": 1}"),
            ev("function_call_arguments.delta", 1, delta="{}"),
        )
        for e in acc.feed(sse(p))
        if e.type == "tool_calls.function.arguments.delta"
    ]
    assert [(e.index, e.id, e.arguments) for e in events] == [
        (0, "call_1", '{"a"'),
        (0, "call_1", '{"a": 1}'),
        (1, "call_9", "{}"),
    ]
    assert events[1].parsed_arguments == {"a": 1}
    assert [o["arguments"] for o in acc.snapshot()["output"]] == ['{"a": 1}', "{}"]


def test_the_terminal_output_wins_over_items_already_done() -> None:
    acc = run(
        created(),
        added(0, "message"),
        text_delta("Hi"),
        item_done(0, message("Hi")),
    )
    events = acc.feed(sse(completed(output=[message("Hey")])))
    corrections = [e for e in events if e.type == "correction"]
    assert [(c.path, c.accumulated, c.authoritative) for c in corrections] == [
        ("output[0].content[0].text", "Hi", "Hey")
    ]
    assert acc.close()["output"] == [message("Hey")]
