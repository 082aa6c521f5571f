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
# Captures that pass with warnings: events the protocol does not define.
WARNED = {
    "unknown_block_and_delta",
    "ping_between_every_event",
    "event_after_completion",
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
        assert all(": warning: " in line for line in lines[:-1])
        assert lines[-1].startswith(f"{path}: 0 errors, ")
        assert lines[-1].endswith(f" ({name}, {_events(path)} events)")
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
    assert done.returncode == (0 if "ok" in report[-1] else 1)
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
        f"{path}:1: error: event 0: expected one of response.completed"
    )
