"""``sseparse replay``: LLM streams of the three protocols, live, then the final."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import pytest

from sseparse.cli import main
from tests.cli._run import (
    DATA,
    ESC,
    TIMEOUT,
    environ,
    finish,
    read_to_end,
    read_until,
    run,
    run_in_pty,
    start,
    start_in_pty,
)

if TYPE_CHECKING:
    from pathlib import Path

CAPTURES = sorted(DATA.glob("*/*.sse"))
# A resumed stream needs the accumulator's resume state, which the CLI has not.
FINISHED = [
    path
    for path in CAPTURES
    if path.with_suffix(".final.json").exists()
    and not path.with_suffix(".resume.json").exists()
]
FAILED = [path for path in CAPTURES if path.with_suffix(".error.json").exists()]
TEXT_PLAIN = DATA / "anthropic_messages" / "text_plain.sse"


def _final_json(out: str, heading: str) -> object:
    start = out.index(heading + "\n") + len(heading) + 1
    return json.loads(out[start:])


@pytest.mark.parametrize(
    ("capture", "protocol", "heading"),
    [
        ("openai_chat/openai_text", "chat", "[final chat.completion]"),
        ("anthropic_messages/text_plain", "anthropic", "[final message]"),
        ("openai_responses/text_annotations", "responses", "[final response]"),
    ],
)
def test_replay_prints_the_text_then_the_final_object(
    capture: str, protocol: str, heading: str
) -> None:
    path = DATA / f"{capture}.sse"
    golden = json.loads(path.with_suffix(".final.json").read_text(encoding="utf-8"))
    done = run("replay", str(path))
    assert (done.returncode, done.stderr) == (0, "")
    assert ESC not in done.stdout  # not a terminal
    text = done.stdout[: done.stdout.index("\n\n[finish: ")]
    assert len(text) > 20
    assert _final_json(done.stdout, heading) == golden
    forced = run("replay", "--protocol", protocol, str(path))
    assert forced.stdout == done.stdout


@pytest.mark.parametrize("path", FINISHED, ids=lambda path: path.stem)
def test_final_only_prints_exactly_the_golden_final(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # In-process for speed: every finished capture of the three protocols.
    golden = json.loads(path.with_suffix(".final.json").read_text(encoding="utf-8"))
    assert main(["replay", "--final-only", str(path)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == golden
    assert err == ""


@pytest.mark.parametrize("path", FAILED, ids=lambda path: path.stem)
def test_a_cut_or_failed_stream_prints_the_snapshot_and_one_error_line(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = json.loads(path.with_suffix(".error.json").read_text(encoding="utf-8"))
    assert main(["replay", str(path)]) == 1
    out, err = capsys.readouterr()
    heading = "[the snapshot so far: the stream did not finish]"
    assert _final_json(out, heading) == expected["snapshot"]
    lines = err.splitlines()
    assert lines[0].startswith("sseparse: the stream did not finish: ")
    assert lines[0].endswith(" (printed: the snapshot so far)")
    assert "Traceback" not in err
    if "cut" in path.stem:
        assert "without" in lines[0]  # "ended without [DONE]", "message_stop"...
    else:
        assert "error" in lines[0] or "failed" in lines[0]


def test_a_cut_stream_in_a_subprocess_exits_1_with_a_hint() -> None:
    path = DATA / "openai_chat" / "cut_without_done.sse"
    done = run("replay", "--no-final", str(path))
    assert done.returncode == 1
    assert done.stdout == "Step 1: unplug the router. Step 2: wait 30 seconds\n"
    assert done.stderr.splitlines() == [
        "sseparse: the stream did not finish: the stream ended without [DONE] "
        "and choice(s) [0] without a finish_reason",
        "sseparse: the last event was not ended by a blank line: "
        "an event ends with a blank line",
    ]


def test_no_final_stops_after_the_live_output() -> None:
    done = run("replay", "--no-final", str(TEXT_PLAIN))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        "Zürich sits at the north end of Lake Zürich. Locals say “Grüezi” 👋 "
        "and the old town is\nwalkable in an hour.\n\n[finish: end_turn]\n"
    )


def test_reasoning_refusal_and_tool_calls_are_labelled() -> None:
    reasoning = run(
        "replay", "--no-final", str(DATA / "openai_chat/deepseek_reasoning_content.sse")
    )
    assert reasoning.stdout.startswith("[reasoning] Okay, the user asks")
    assert "\n\n9.9 更大。" in reasoning.stdout
    refusal = run("replay", "--no-final", str(DATA / "openai_chat/refusal.sse"))
    assert refusal.stdout.startswith("[refusal] I'm sorry, but I can't help")
    tools = run(
        "replay",
        "--no-final",
        str(DATA / "anthropic_messages/tool_input_whole_in_start.sse"),
    )
    assert (
        '[tool call get_stock_quote] {"ticker": "ACME", "range": "1d", '
        '"fields": ["open", "close"], "adjusted": false}\n'
    ) in tools.stdout
    server = run(
        "replay",
        "--no-final",
        str(DATA / "anthropic_messages/server_tool_web_search.sse"),
    )
    assert (
        '[server tool web_search] {"query": "Zurich Hauptbahnhof opening year"}\n'
        in server.stdout
    )
    cut = run(
        "replay", "--no-final", str(DATA / "openai_responses/function_call_cut.sse")
    )
    assert "- budget (cut short: not a call to run)\n" in cut.stdout


def test_interleaved_tool_calls_resume_under_their_label() -> None:
    done = run("replay", "--no-final", str(DATA / "openai_chat/tools_interleaved.sse"))
    lines = done.stdout.splitlines()
    assert '[tool call search_docs] {"query": ' in lines
    assert '[tool call read_file] {"path": ' in lines
    calls = [line for line in lines if line.startswith("[tool call")]
    assert len(calls) > 10


def test_raw_prints_one_line_per_sse_event() -> None:
    done = run("replay", "--raw", str(TEXT_PLAIN))
    assert (done.returncode, done.stderr) == (0, "")
    events = run("events", "--sse", str(TEXT_PLAIN)).stdout.splitlines()
    lines = done.stdout.splitlines()
    assert len(lines) == len(events)
    assert lines[0].startswith('message_start: {"type":"message_start"')
    assert lines[-1] == 'message_stop: {"type":"message_stop"}'
    multi = run("replay", "--raw", input=b"id: 4\ndata: a\ndata: b\n\n")
    assert multi.stdout == "message: a\\nb  (id 4)\n"


@pytest.mark.parametrize(
    ("data", "args", "says"),
    [
        (b"", (), "no events found: is this an event stream?"),
        (b"data: {not json\n\n", (), "could not tell the protocol"),
        (b"data: {not json\n\n", ("--protocol", "chat"), ""),
        (
            TEXT_PLAIN.read_bytes(),
            ("--protocol", "chat"),
            "",
        ),
    ],
)
def test_bad_data_is_one_line_and_status_1(
    data: bytes, args: tuple[str, ...], says: str
) -> None:
    done = run("replay", *args, "-", input=data)
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("sseparse: ")
    assert says in done.stderr
    assert "Traceback" not in done.stderr


def test_a_stream_cut_inside_its_only_event_gets_both_hints() -> None:
    done = run("replay", "-", input=b'data: {"object": "chat.completion.chunk"')
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "sseparse: no events found: is this an event stream? (an event is "
        "'data: ...' lines ended by a blank line)",
        "sseparse: the last event was not ended by a blank line: "
        "an event ends with a blank line",
    ]


def test_replay_is_live_on_a_pipe_that_stays_open() -> None:
    """`curl -N ... | sseparse replay -`: text shows before the stream ends."""
    data = TEXT_PLAIN.read_bytes()
    cut = data.index(b"event: content_block_stop")
    proc = start("replay", "-")
    assert proc.stdin is not None
    assert proc.stdout is not None
    try:
        proc.stdin.write(data[:cut])
        proc.stdin.flush()
        seen = read_until(proc.stdout, b"walkable in an hour.")
        proc.stdin.write(data[cut:])
        proc.stdin.close()
        rest = read_to_end(proc.stdout.fileno())
        err = finish(proc)
    finally:
        proc.kill()
        proc.wait(timeout=TIMEOUT)
    assert b"[final message]" not in seen
    assert (proc.returncode, err) == (0, b"")
    assert b"[final message]" in rest


def test_replay_on_a_terminal_is_coloured_and_live() -> None:
    data = (DATA / "openai_chat" / "deepseek_reasoning_content.sse").read_bytes()
    # Up to the first text delta, "9": the reasoning is all before it.
    cut = data.index(b"\n\n", data.index(b'"content":"9"')) + 2
    proc, master = start_in_pty("replay", "-")
    assert proc.stdin is not None
    try:
        proc.stdin.write(data[:cut])
        proc.stdin.flush()
        seen = read_until(master, b"\r\n\r\n9")  # the terminal's line ends
        proc.stdin.write(data[cut:])
        proc.stdin.close()
        seen += read_to_end(master)
        err = finish(proc)
    finally:
        os.close(master)
        proc.kill()
        proc.wait(timeout=TIMEOUT)
    assert b"[final chat.completion]" not in seen[: seen.index(b"\r\n\r\n9")]
    out = seen.decode("utf-8").replace("\r\n", "\n")
    assert (proc.returncode, err) == (0, b"")
    assert "\x1b[2mOkay\x1b[0m\x1b[2m,\x1b[0m" in out  # reasoning, dimmed
    assert "\x1b[1m[reasoning]\x1b[0m" in out
    assert "[final chat.completion]" in out


@pytest.mark.parametrize(
    ("env", "args", "coloured"),
    [
        ({}, (), True),
        ({"NO_COLOR": "1"}, (), False),
        ({"TERM": "dumb"}, (), False),
        ({"NO_COLOR": "1"}, ("--color", "always"), True),
        ({}, ("--color", "never"), False),
    ],
)
def test_colour_on_a_terminal_follows_no_color_and_the_option(
    env: dict[str, str], args: tuple[str, ...], coloured: bool
) -> None:
    path = DATA / "openai_chat" / "refusal.sse"
    status, out, err = run_in_pty("replay", *args, str(path), env=environ(**env))
    assert (status, err) == (0, "")
    assert (ESC in out) == coloured
    assert "I'm sorry, but I can't help" in out


def test_colour_always_colours_a_pipe_too() -> None:
    path = DATA / "openai_chat" / "refusal.sse"
    done = run("replay", "--color", "always", str(path))
    assert "\x1b[33m[refusal]\x1b[0m" in done.stdout
