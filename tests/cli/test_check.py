"""``sseparse check``: the stream linter."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from sseparse.cli import main
from sseparse.sse import SSEDecoder
from tests.cli._run import DATA, run

if TYPE_CHECKING:
    from pathlib import Path

CAPTURES = sorted(DATA.glob("*/*.sse"))
# A resumed stream starts mid-response: only the accumulator's resume state
# makes it whole, so check (rightly) calls it broken; see the last test.
CLEAN = [
    path
    for path in CAPTURES
    if path.with_suffix(".final.json").exists()
    and not path.with_suffix(".resume.json").exists()
]
FAILED = [path for path in CAPTURES if path.with_suffix(".error.json").exists()]
# Captures that pass with warnings, each warning as its message begins,
# written by hand from the captures: events the protocol does not define,
# chat streams sent without usage (no "usage": {...} in any chunk; the
# request did not ask for it), and a sequence_number that skips 5.
NO_CHAT_USAGE = "no usage: ask for it with stream_options.include_usage"
WARNED = {
    "unknown_block_and_delta": ["unknown event type 'content_block_delta'"]
    + ["unknown event type 'message_annotation'"]
    + ["unknown event type 'content_block_delta'"] * 2,
    "ping_between_every_event": ["an event after the end marker ('ping')"],
    "event_after_completion": [
        "an event after the end marker ('response.output_text.delta')",
        "an event after the end marker ('keepalive')",
    ],
    "azure_filter_chunks": [NO_CHAT_USAGE],
    "legacy_function_call": [NO_CHAT_USAGE],
    "stop_after_tool_calls": [NO_CHAT_USAGE],
    "tools_numeric_or_missing_ids": [NO_CHAT_USAGE],
    "tools_repeated_ids_names": [NO_CHAT_USAGE],
    "tools_same_index_twice_in_chunk": [NO_CHAT_USAGE],
    "sequence_gap": ["sequence gap: sequence_number 6 came after 4 "],
}
NAMES = {
    "openai_chat": "OpenAI Chat Completions",
    "anthropic_messages": "Anthropic Messages",
    "openai_responses": "OpenAI Responses",
}


@pytest.mark.parametrize("path", CLEAN, ids=lambda path: path.stem)
def test_every_complete_capture_checks_clean(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    name = NAMES[path.parent.name]
    if path.stem in WARNED:
        warned = WARNED[path.stem]
        assert len(lines) == len(warned) + 1, lines
        for line, message in zip(lines[:-1], warned, strict=True):
            assert line.startswith(f"{path}:")
            assert f": warning: {message}" in line
        assert lines[-1] == (
            f"{path}: 0 errors, {len(warned)} warning{'s' * (len(warned) > 1)} "
            f"({name}, {_events(path)} events)"
        )
    else:
        assert lines == [f"{path}: ok ({name}, {_events(path)} events, complete)"]


def _events(path: Path) -> int:
    decoder = SSEDecoder()
    return len(decoder.feed(path.read_bytes()) + decoder.close())


@pytest.mark.parametrize("path", FAILED, ids=lambda path: path.stem)
def test_every_cut_or_failed_capture_is_an_error(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(": error: " in line for line in lines)
    expected = json.loads(path.with_suffix(".error.json").read_text("utf-8"))
    if expected["exception"] == "IncompleteStream":
        assert any(": error: the stream did not finish: " in line for line in lines)


@pytest.mark.parametrize(
    ("capture", "report"),
    [
        (
            "openai_chat/openai_text",
            ["{path}: ok (OpenAI Chat Completions, 49 events, complete)"],
        ),
        (
            "openai_chat/cut_without_done",
            [
                "{path}:29: error: the last event was not ended by a blank line: "
                "an event ends with a blank line (decoders drop this one) (byte 4700)",
                "{path}:29: error: the stream did not finish: the stream ended "
                "without [DONE] and choice(s) [0] without a finish_reason (byte 4797)",
                "{path}: 2 errors, 0 warnings (OpenAI Chat Completions, 14 events)",
            ],
        ),
        (
            "openai_responses/sequence_gap",
            [
                "{path}:16: warning: sequence gap: sequence_number 6 came after 4 "
                "(1 event missing; the final object may lack what it carried) "
                "(byte 2379, event 5)",
                "{path}: 0 errors, 1 warning (OpenAI Responses, 10 events)",
            ],
        ),
        (
            "openai_chat/stop_after_tool_calls",
            [
                "{path}:5: warning: no usage: ask for it with "
                "stream_options.include_usage (byte 740, event 2)",
                "{path}: 0 errors, 1 warning (OpenAI Chat Completions, 3 events)",
            ],
        ),
        (
            "anthropic_messages/error_mid_stream",
            [
                "{path}:16: error: the provider sent an error (event 5): "
                "'overloaded_error': 'Overloaded' (byte 784, event 5)",
                "{path}: 1 error, 0 warnings (Anthropic Messages, 6 events)",
            ],
        ),
    ],
)
def test_check_reports_in_a_subprocess(capture: str, report: list[str]) -> None:
    path = DATA / f"{capture}.sse"
    done = run("check", str(path))
    clean = ": ok (" in report[-1] or ": 0 errors, " in report[-1]
    assert done.returncode == (0 if clean else 1)
    assert done.stderr == ""
    assert done.stdout.splitlines() == [line.format(path=path) for line in report]


def test_check_finds_each_kind_of_fault_with_its_place() -> None:
    data = (
        b"\xef\xbb\xbfdata: {}\r\r"  # a BOM, lone CRs
        b"data: caf\xe9\n\n"  # invalid UTF-8, not JSON
        b"event: ping\ndata: [1]\n\n"
        b": a comment\ndata: {}"  # never ended
    )
    done = run("check", "-", input=data)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "<stdin>:1: warning: the stream begins with a byte order mark (decoders "
        "drop it; servers rarely send one) (byte 0)",
        "<stdin>:1: warning: 2 of 9 lines end with a lone CR, this one first "
        "(legal in SSE, but a client that splits lines on LF sees one long line) "
        "(byte 11)",
        "<stdin>:3: error: the data is not JSON: 'caf\ufffd' (byte 13, event 1)",
        "<stdin>:3: error: invalid UTF-8 (byte E9): decoders turn it into U+FFFD "
        "(byte 22)",
        "<stdin>:8: error: the last event was not ended by a blank line: an event "
        "ends with a blank line (decoders drop this one) (byte 48)",
        "<stdin>: error: could not tell the protocol at the end of the stream: "
        "saw a JSON object with keys ''; JSON '[1]'. Expected a "
        "chat.completion.chunk, Anthropic's message_start or a response.* event; "
        "pass protocol= to choose one. (--protocol sse checks a stream of "
        "another kind)",
        "<stdin>: 4 errors, 2 warnings (3 events)",
    ]


def test_check_of_a_plain_event_stream_with_protocol_sse() -> None:
    done = run("check", "--protocol", "sse", input=b"data: hello\n\ndata: {x\n\n")
    assert (done.returncode, done.stdout) == (0, "<stdin>: ok (2 events, complete)\n")


def test_unknown_event_types_are_warnings_at_their_event() -> None:
    path = DATA / "anthropic_messages" / "unknown_block_and_delta.sse"
    done = run("check", str(path))
    assert done.returncode == 0
    assert (
        f"{path}:19: warning: unknown event type 'message_annotation': "
        "passed through (byte 986, event 6)"
    ) in done.stdout.splitlines()


def test_many_findings_of_a_kind_are_counted_after_five() -> None:
    data = b"".join(b"data: not json %d\n\n" % n for n in range(8))
    done = run("check", "--protocol", "chat", input=data)
    lines = done.stdout.splitlines()
    assert done.returncode == 1
    assert sum(": the data is not JSON: " in line for line in lines) == 5
    assert "<stdin>: ... and 3 more like the json ones" in lines


def test_a_stream_without_events_is_an_error() -> None:
    for data in (b"", b"\n\n\n", b": only a comment\n\n"):
        done = run("check", input=data)
        assert done.returncode == 1
        assert done.stdout.splitlines() == [
            "<stdin>: error: no events found: is this an event stream?",
            "<stdin>: 1 error, 0 warnings (0 events)",
        ]


def test_a_resumed_stream_is_not_whole_on_its_own() -> None:
    path = DATA / "openai_responses" / "resumed_mid_arguments.sse"
    done = run("check", str(path))
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith(
        f"{path}:1: error: expected one of response.completed"
    )
    assert done.stdout.splitlines()[0].endswith(" (byte 0, event 0)")


# -- the protocol: hand-written captures ---------------------------------------------


def _sse(*payloads: object, named: bool = False) -> bytes:
    """An event stream of *payloads* (``"[DONE]"`` as it is), each event
    named after its ``type`` when *named*."""
    out = b""
    for payload in payloads:
        if payload == "[DONE]":
            out += b"data: [DONE]\n\n"
            continue
        assert isinstance(payload, dict)
        if named:
            out += f"event: {payload['type']}\n".encode()
        out += f"data: {json.dumps(payload, separators=(',', ':'))}\n\n".encode()
    return out


def _chunk(delta: object = None, finish: str | None = None) -> dict[str, object]:
    choice = {"index": 0, "delta": delta or {}, "finish_reason": finish}
    return {"object": "chat.completion.chunk", "id": "c", "choices": [choice]}


def _call(index: int, name: str) -> dict[str, object]:
    call = {"index": index, "id": f"call_{name}", "type": "function"}
    return {"tool_calls": [{**call, "function": {"name": name, "arguments": "{}"}}]}


CHAT_USAGE = {
    "object": "chat.completion.chunk",
    "id": "c",
    "choices": [],
    "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
}


def _message_start(usage: bool = True) -> dict[str, object]:
    message: dict[str, object] = {"id": "msg", "type": "message", "content": []}
    if usage:
        message["usage"] = {"input_tokens": 5, "output_tokens": 1}
    return {"type": "message_start", "message": message}


def _block(index: int) -> list[dict[str, object]]:
    return [
        {
            "type": "content_block_start",
            "index": index,
            "content_block": {"type": "text", "text": ""},
        },
        {
            "type": "content_block_delta",
            "index": index,
            "delta": {"type": "text_delta", "text": f"block {index}"},
        },
        {"type": "content_block_stop", "index": index},
    ]


def _message_end(usage: bool = True) -> list[dict[str, object]]:
    delta: dict[str, object] = {
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn"},
    }
    if usage:
        delta["usage"] = {"output_tokens": 9}
    return [delta, {"type": "message_stop"}]


def _response(kind: str, seq: int, usage: bool = False) -> dict[str, object]:
    status = "in_progress" if kind == "response.created" else "completed"
    response: dict[str, object] = {"id": "resp", "status": status, "output": []}
    if usage:
        response["usage"] = {"input_tokens": 3, "output_tokens": 4}
    return {"type": kind, "sequence_number": seq, "response": response}


def _item(kind: str, seq: int, index: int) -> dict[str, object]:
    done = kind.endswith(".done")
    item = {
        "id": f"fc_{index}",
        "type": "function_call",
        "status": "completed" if done else "in_progress",
        "call_id": f"call_{index}",
        "name": "f",
        "arguments": "{}" if done else "",
    }
    return {"type": kind, "sequence_number": seq, "output_index": index, "item": item}


def _finding(data: bytes, event: int, severity: str, message: str) -> str:
    """A finding of check at event *event* of *data* (events ended by a blank
    line, no comments): its line, byte offset and number."""
    starts = [0] + [n + 2 for n in range(len(data)) if data[n : n + 2] == b"\n\n"]
    line = data[: starts[event]].count(b"\n") + 1
    place = f"(byte {starts[event]}, event {event})"
    return f"<stdin>:{line}: {severity}: {message} {place}"


def _check(data: bytes, *args: str) -> tuple[int, list[str]]:
    done = run("check", *args, "-", input=data)
    assert done.stderr == ""
    return done.returncode, done.stdout.splitlines()


ANTHROPIC_NEVER_STARTED = [
    (
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": "x"},
        },
        "content_block_delta (text_delta) for block 0, which was never started "
        "(no content_block_start with that index)",
    ),
    (
        {"type": "content_block_stop", "index": 0},
        "content_block_stop for block 0, which was never started "
        "(no content_block_start with that index)",
    ),
]


@pytest.mark.parametrize(("event", "says"), ANTHROPIC_NEVER_STARTED)
def test_a_delta_or_stop_for_a_block_never_started_is_an_error_at_its_event(
    event: dict[str, object], says: str
) -> None:
    data = _sse(_message_start(), event, *_message_end(), named=True)
    assert _check(data) == (
        1,
        [
            _finding(data, 1, "error", says),
            "<stdin>: 1 error, 0 warnings (Anthropic Messages, 4 events)",
        ],
    )


def test_a_responses_delta_for_an_item_never_added_is_an_error_at_its_event() -> None:
    delta = {
        "type": "response.output_text.delta",
        "sequence_number": 1,
        "output_index": 0,
        "content_index": 0,
        "item_id": "msg",
        "delta": "hi",
    }
    data = _sse(_response("response.created", 0), delta)
    status, lines = _check(data)
    assert status == 1
    assert lines == [
        _finding(
            data,
            1,
            "error",
            "response.output_text.delta for output_index 0, which was never "
            "added (no response.output_item.added with that output_index)",
        ),
        "<stdin>: 1 error, 0 warnings (OpenAI Responses, 2 events)",
    ]


def test_an_invalid_chunk_is_placed_by_the_input_not_the_accumulators_count() -> None:
    # The accumulator counts the events it was given ("chunk 1"); the event
    # that is not JSON is not given, so check names its own place (event 2).
    bad = {"object": "chat.completion.chunk", "id": "c", "choices": "none"}
    data = b"data: not json\n\n" + _sse(_chunk({"content": "a"}), bad, "[DONE]")
    status, lines = _check(data)
    assert status == 1
    assert lines == [
        "<stdin>:1: error: the data is not JSON: 'not json' (byte 0, event 0)",
        _finding(data, 2, "error", "expected a list at choices, got '\"none\"'"),
        "<stdin>: 2 errors, 0 warnings (OpenAI Chat Completions, 4 events)",
    ]


def test_an_event_before_the_one_that_tells_the_protocol_is_placed_at_itself() -> None:
    # stream() holds such an event until the protocol is known; check tells the
    # protocol first, so the accumulator's error is at the event that caused it.
    data = b'data: {"type":"keepalive"}\n\n' + _sse(
        _response("response.created", 0), _response("response.completed", 1, True)
    )
    status, lines = _check(data)
    assert status == 1
    assert lines[0].startswith("<stdin>:1: error: expected one of response.completed")
    assert lines[0].endswith(", got 'keepalive' (byte 0, event 0)")


@pytest.mark.parametrize(
    ("data", "says", "event", "report"),
    [
        (
            _sse(
                _chunk(_call(1, "b")),
                _chunk(_call(0, "a")),
                _chunk(finish="tool_calls"),
                CHAT_USAGE,
                "[DONE]",
            ),
            "indices out of order: tool call index 0 of choice 0 first came "
            "after index 1",
            1,
            "OpenAI Chat Completions, 5 events",
        ),
        (
            _sse(_message_start(), *_block(0), *_block(2), *_message_end(), named=True),
            "indices out of order: content_block_start at index 2, expected 1 "
            "(one more than the last)",
            4,
            "Anthropic Messages, 9 events",
        ),
        (
            _sse(
                _response("response.created", 0),
                _item("response.output_item.added", 1, 1),
                _item("response.output_item.added", 2, 0),
                _item("response.output_item.done", 3, 1),
                _item("response.output_item.done", 4, 0),
                _response("response.completed", 5, usage=True),
            ),
            "indices out of order: output_item.added at output_index 0 after "
            "output_index 1",
            2,
            "OpenAI Responses, 6 events",
        ),
    ],
    ids=["chat", "anthropic", "responses"],
)
def test_indices_out_of_order_are_warnings_at_their_event(
    data: bytes, says: str, event: int, report: str
) -> None:
    assert _check(data) == (
        0,
        [
            _finding(data, event, "warning", says),
            f"<stdin>: 0 errors, 1 warning ({report})",
        ],
    )


def test_chat_tool_indices_that_skip_or_interleave_are_fine() -> None:
    data = _sse(
        _chunk(_call(2, "a")),
        _chunk(_call(5, "b")),
        _chunk(_call(2, "a")),  # an index seen before: not a new one
        _chunk(finish="tool_calls"),
        CHAT_USAGE,
        "[DONE]",
    )
    assert _check(data) == (
        0,
        ["<stdin>: ok (OpenAI Chat Completions, 6 events, complete)"],
    )


@pytest.mark.parametrize(
    ("data", "says", "event", "report"),
    [
        (
            _sse(_chunk({"content": "hi"}), _chunk(finish="stop"), "[DONE]"),
            "no usage: ask for it with stream_options.include_usage",
            2,
            "OpenAI Chat Completions, 3 events",
        ),
        (
            _sse(
                _message_start(usage=False),
                *_block(0),
                *_message_end(usage=False),
                named=True,
            ),
            "no usage: neither message_start nor message_delta carried usage",
            5,
            "Anthropic Messages, 6 events",
        ),
        (
            _sse(_response("response.created", 0), _response("response.completed", 1)),
            "no usage: the terminal response has none",
            1,
            "OpenAI Responses, 2 events",
        ),
    ],
    ids=["chat", "anthropic", "responses"],
)
def test_a_stream_that_finished_without_usage_warns_at_its_end_marker(
    data: bytes, says: str, event: int, report: str
) -> None:
    assert _check(data) == (
        0,
        [
            _finding(data, event, "warning", says),
            f"<stdin>: 0 errors, 1 warning ({report})",
        ],
    )


def test_a_stream_cut_short_is_not_also_without_usage() -> None:
    status, lines = _check(_sse(_chunk({"content": "hi"})))
    assert status == 1
    assert not any("no usage" in line for line in lines)


def test_sequence_gaps_and_replays_are_warnings_at_their_event() -> None:
    data = _sse(
        _response("response.created", 0),
        _item("response.output_item.added", 1, 0),
        _item("response.output_item.added", 1, 0),  # a replay
        _item("response.output_item.done", 4, 0),  # 2 and 3 missing
        _response("response.completed", 5, usage=True),
    )
    assert _check(data) == (
        0,
        [
            _finding(
                data,
                2,
                "warning",
                "a replay: sequence_number 1 is not above the last one seen (1); "
                "dropped",
            ),
            _finding(
                data,
                3,
                "warning",
                "sequence gap: sequence_number 4 came after 1 (2 events missing; "
                "the final object may lack what they carried)",
            ),
            "<stdin>: 0 errors, 2 warnings (OpenAI Responses, 5 events)",
        ],
    )


def test_data_nested_too_deeply_is_an_error_not_a_traceback() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    status, lines = _check(b"data: " + deep + b"\n\n")
    assert status == 1
    assert lines == [
        "<stdin>:1: error: the data is JSON nested too deeply to read: "
        f"'{'[' * 40}'\u2026 (byte 0, event 0)",
        "<stdin>: 1 error, 0 warnings (1 event)",
    ]
