"""The command line's edges, ``events`` and ``demo``, mostly run in a subprocess.

``replay``, ``record`` and ``check`` have their own files in ``tests/cli/``.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
from typing import TYPE_CHECKING

import attrs
import pytest

import sseparse
import sseparse.cli
from sseparse._cli_render import event_line
from sseparse.cli import demo_bytes, main
from sseparse.errors import IncompleteStream
from sseparse.jsonstream import MISSING
from sseparse.llm import ToolCallArgumentsDelta, UnknownEvent, stream
from tests.cli._run import (
    CUT_HINT,
    DATA,
    EMPTY_HINT,
    ESC,
    TIMEOUT,
    Terminal,
    command,
    environ,
    read_until,
    run,
    run_in_pty,
    start,
)

if TYPE_CHECKING:
    from pathlib import Path

    from sseparse.llm import AnyStreamEvent, LLMStream

COMMANDS = ("demo", "events", "replay", "record", "check")


# -- version, help, mistakes ---------------------------------------------------------


def test_version_prints_the_package_version() -> None:
    done = run("--version")
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"sseparse {sseparse.__version__}\n",
        "",
    )
    assert done.stdout == "sseparse 0.1.0\n"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_a_description_in_its_help(name: str) -> None:
    done = run(name, "--help")
    assert done.returncode == 0
    assert done.stdout.startswith(f"usage: sseparse {name}")
    description = done.stdout.split("\n\n")[1]
    assert description[0].isupper()
    assert description.rstrip().endswith(".")


def test_the_top_level_help_lists_every_command() -> None:
    done = run("--help")
    assert done.returncode == 0
    for name in COMMANDS:
        assert f"    {name} " in done.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "the following arguments are required: COMMAND"),
        (("fly",), "invalid choice: 'fly'"),
        (("replay", "--protocol", "nope"), "argument --protocol: invalid choice"),
        (("replay", "--speed", "-1"), "expected a number of 0 or more, got '-1'"),
        (("replay", "--speed", "fast"), "expected a number of 0 or more, got 'fast'"),
        (("replay", "--speed", "nan"), "expected a number of 0 or more, got 'nan'"),
        (("demo", "--delay", "inf"), "expected a number of 0 or more, got 'inf'"),
        (("replay", "--color", "pink"), "argument --color: invalid choice"),
        (("events", "--frobnicate"), "unrecognized arguments: --frobnicate"),
        (("replay", "--raw", "--final-only"), "not allowed with argument"),
    ],
)
def test_a_bad_option_is_one_line_and_status_2(
    args: tuple[str, ...], says: str
) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert says in done.stderr
    assert done.stderr.startswith("sseparse")
    assert "--help'" in done.stderr


@pytest.mark.parametrize("name", ["events", "replay", "check"])
def test_a_missing_file_is_one_line_and_status_2(name: str, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.sse"
    done = run(name, str(missing))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"sseparse: cannot read '{missing}': no such file\n"


@pytest.mark.parametrize("name", ["events", "replay", "check"])
def test_a_directory_is_one_line_and_status_2(name: str, tmp_path: Path) -> None:
    done = run(name, str(tmp_path))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"sseparse: cannot read '{tmp_path}': it is a directory\n"


def test_a_path_that_cannot_be_opened_is_one_line_and_status_2(tmp_path: Path) -> None:
    # A file used as a directory: unreadable for every user, root included.
    (tmp_path / "file").write_bytes(b"")
    path = tmp_path / "file" / "stream.sse"
    done = run("replay", str(path))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"sseparse: cannot read '{path}': not a directory\n"


def test_record_to_a_directory_is_one_line_and_status_2(tmp_path: Path) -> None:
    done = run("record", "-o", str(tmp_path), input=b"data: x\n\n")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"sseparse: cannot write '{tmp_path}': it is a directory\n"


def test_closed_standard_input_is_one_line_and_status_2() -> None:
    done = subprocess.run(
        command("events"),
        stdin=None,
        capture_output=True,
        timeout=TIMEOUT,
        env=environ(),
        check=False,
        close_fds=True,
        preexec_fn=lambda: os.close(0),
    )
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr == b"sseparse: cannot read standard input: it is closed\n"


def test_an_output_encoding_without_the_characters_gets_escapes() -> None:
    path = DATA / "anthropic_messages" / "text_plain.sse"
    done = run("replay", "--no-final", str(path), env=environ(PYTHONIOENCODING="ascii"))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("Z\\xfcrich sits at the north end")


# -- Ctrl-C and closed pipes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "first", "shows"),
    [
        (("events", "--sse", "-"), b"data: one\n\n", b'"data": "one"'),
        (
            ("events", "-"),
            (DATA / "anthropic_messages" / "text_plain.sse").read_bytes()[:1200],
            b'"content.delta"',
        ),
        (("replay", "--raw", "-"), b"data: one\n\n", b"message: one"),
        (
            ("replay", "-"),
            (DATA / "anthropic_messages" / "text_plain.sse").read_bytes()[:1200],
            b"Z\xc3\xbcrich",
        ),
    ],
)
def test_ctrl_c_exits_quietly_with_130(
    args: tuple[str, ...], first: bytes, shows: bytes
) -> None:
    proc = start(*args)
    assert proc.stdin is not None
    assert proc.stdout is not None
    try:
        proc.stdin.write(first)
        proc.stdin.flush()
        # Seeing output proves the command is running and waits on the open pipe.
        read_until(proc.stdout, shows)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill()
        proc.wait(timeout=TIMEOUT)
    assert proc.returncode == 130
    assert err == b""


def _big_stream(tmp_path: Path) -> Path:
    path = tmp_path / "big.sse"
    chunk = {"object": "chat.completion.chunk", "id": "c", "created": 1, "model": "m"}
    lines = []
    for n in range(20_000):
        delta = {"content": f"word {n} "}
        choices = [{"index": 0, "delta": delta, "finish_reason": None}]
        lines.append(f"data: {json.dumps({**chunk, 'choices': choices})}\n\n")
    lines.append("data: [DONE]\n\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "args", [("events",), ("replay",), ("replay", "--raw"), ("replay", "--no-final")]
)
def test_a_closed_pipe_ends_quietly(args: tuple[str, ...], tmp_path: Path) -> None:
    """`sseparse ... | head -1`: the reader leaves early; no traceback."""
    proc = start(*args, str(_big_stream(tmp_path)))
    assert proc.stdout is not None
    assert proc.stderr is not None
    read_until(proc.stdout, b"\n")
    proc.stdout.close()
    try:
        err = proc.stderr.read()
        proc.wait(timeout=TIMEOUT)
    finally:
        proc.kill()
        proc.wait(timeout=TIMEOUT)
    assert err == b""
    assert proc.returncode == 0


# -- events --------------------------------------------------------------------------


def test_events_sse_prints_one_json_line_per_sse_event(tmp_path: Path) -> None:
    path = tmp_path / "stream.txt"
    path.write_bytes(demo_bytes())
    done = run("events", "--sse", str(path))
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert len(lines) == 100
    assert json.loads(lines[-1]) == {
        "event": "message",
        "data": "[DONE]",
        "id": "",
        "retry": None,
    }


def test_events_sse_reads_standard_input_without_a_file() -> None:
    data = b": hello\nevent: ping\nid: 7\ndata: a\ndata: b\n\n"
    for args in (("events", "--sse"), ("events", "--sse", "-")):
        done = run(*args, input=data)
        assert (done.returncode, done.stderr) == (0, "")
        assert [json.loads(line) for line in done.stdout.splitlines()] == [
            {"event": "ping", "data": "a\nb", "id": "7", "retry": None}
        ]
    for args in (("events", "--sse", "--comments"), ("events", "--comments")):
        done = run(*args, input=data)  # --comments alone implies --sse
        assert json.loads(done.stdout.splitlines()[0]) == {"comment": "hello"}


def test_events_sse_on_a_cut_stream_hints_at_the_blank_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes(b"data: one\n\ndata: tw")
    done = run("events", "--sse", str(path))
    assert done.returncode == 1
    assert len(done.stdout.splitlines()) == 1
    assert done.stderr == CUT_HINT + "\n"


@pytest.mark.parametrize("data", [b"", b"<html>not a stream</html>\n"])
@pytest.mark.parametrize("args", [("events", "--sse"), ("events",)])
def test_events_on_a_stream_without_events_says_so(
    data: bytes, args: tuple[str, ...]
) -> None:
    done = run(*args, input=data)
    assert (done.returncode, done.stdout) == (1, "")
    assert any(line.startswith(EMPTY_HINT) for line in done.stderr.splitlines())


def _vocabulary(path: Path) -> tuple[list[AnyStreamEvent], LLMStream]:
    """What ``stream()`` yields for the capture at *path*, and the stream."""
    with stream([path.read_bytes()]) as s:
        return list(s), s


@pytest.mark.parametrize(
    "capture",
    [
        "openai_chat/tools_interleaved",
        "openai_chat/openai_text",
        "anthropic_messages/text_plain",
        "anthropic_messages/tool_use_parallel",
        "openai_responses/text_annotations",
        "openai_responses/parallel_function_calls",
    ],
)
def test_events_prints_what_stream_yields_one_json_line_each(capture: str) -> None:
    path = DATA / f"{capture}.sse"
    done = run("events", str(path))
    assert (done.returncode, done.stderr) == (0, "")
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    expected, s = _vocabulary(path)
    assert [line["type"] for line in lines] == [event.type for event in expected]
    for line, event in zip(lines, expected, strict=True):
        fields = [f.name for f in attrs.fields(type(event)) if f.name[0] != "_"]
        extra = ["delta"] if isinstance(event, ToolCallArgumentsDelta) else []
        assert list(line) == ["type", *fields, *extra]
        assert "snapshot" not in line
    text = "".join(line["delta"] for line in lines if line["type"] == "content.delta")
    assert text == s.text
    for call in s.tool_calls:
        deltas = [
            line["delta"]
            for line in lines
            if line["type"] == "tool_calls.function.arguments.delta"
            and (line["choice_index"], line["index"]) == (call.choice_index, call.index)
        ]
        assert "".join(deltas) == call.arguments


def test_events_writes_nested_values_as_json() -> None:
    path = DATA / "anthropic_messages" / "unknown_block_and_delta.sse"
    lines = [json.loads(line) for line in run("events", str(path)).stdout.splitlines()]
    unknown = [line for line in lines if line["type"] == "unknown"]
    assert unknown[1] == {
        "type": "unknown",
        "event": {
            "event": "message_annotation",
            "data": '{"type":"message_annotation",'
            '"annotation":{"safety":"ok","rev":3}}',
            "id": "",
        },
        "data": {
            "type": "message_annotation",
            "annotation": {"safety": "ok", "rev": 3},
        },
        "choice_index": 0,
    }
    chunk = lines[0]
    assert chunk["type"] == "chunk"
    assert chunk["chunk"]["type"] == "message_start"  # the payload as sent


def test_the_json_of_an_event_field_that_json_cannot_write() -> None:
    # No event holds these today: a partial value not begun, a tuple, and
    # anything else (its repr), never a traceback.
    event = UnknownEvent(event=None, data=(MISSING, Exception()))
    assert json.loads(event_line(event)) == {
        "type": "unknown",
        "event": None,
        "data": [None, "Exception()"],
        "choice_index": None,
    }
    event = UnknownEvent(event=None, data=MISSING)
    assert json.loads(event_line(event))["data"] is None


def test_events_on_a_cut_stream_prints_what_came_then_one_error_line() -> None:
    path = DATA / "anthropic_messages" / "cut_stream.sse"
    done = run("events", str(path))
    assert done.returncode == 1
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    s = stream([path.read_bytes()])
    came = [event.type for event in s]
    with pytest.raises(IncompleteStream):
        s.final  # noqa: B018 -- raises
    assert [line["type"] for line in lines] == came
    assert done.stderr.splitlines() == [
        "sseparse: the stream did not finish: the stream ended without "
        "message_stop (block(s) [0] still open)",
        CUT_HINT,
    ]


@pytest.mark.parametrize(
    ("args", "data", "says"),
    [
        (
            ("--protocol", "chat"),
            (DATA / "anthropic_messages" / "text_plain.sse").read_bytes(),
            "sseparse: the stream did not finish: expected an OpenAI Chat "
            "Completions stream, got 'message_start'",
        ),
        ((), b"data: {not json\n\n", "sseparse: could not tell the protocol"),
        ((), b'data: {"type":"error","error":{"type":"x"}}\n\n', "sseparse: the "),
    ],
)
def test_events_on_bad_data_is_one_line_and_status_1(
    args: tuple[str, ...], data: bytes, says: str
) -> None:
    done = run("events", *args, input=data)
    assert (done.returncode, done.stdout) == (1, "")
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith(says)
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("args", [("events",), ("replay",)])
def test_json_nested_too_deeply_is_one_line_and_status_1(
    args: tuple[str, ...],
) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    chunk = b'{"object": "chat.completion.chunk", "choices": [], "x": %s}' % deep
    for data in (deep, chunk):
        done = run(*args, input=b"data: " + data + b"\n\n")
        assert (done.returncode, done.stdout) == (1, "")
        # The library reads it as data that is not JSON (never RecursionError).
        assert len(done.stderr.splitlines()) == 1, done.stderr
        assert "saw non-JSON data '" in done.stderr


def test_events_output_grows_as_the_stream_does() -> None:
    """No snapshot on every delta: the output is linear in the input."""
    sizes = []
    for count in (200, 3200):
        chunks = [_chat_chunk({"content": "x" * 40}) for _ in range(count)]
        data = b"".join(chunks) + _chat_chunk({}, "stop") + b"data: [DONE]\n\n"
        done = run("events", "-", input=data)
        assert done.returncode == 0
        sizes.append(len(done.stdout) / len(data))
    # Output per input byte stays flat: 16 times the stream, not 16 times that.
    assert sizes[1] < 2 * sizes[0]


def _chat_chunk(delta: dict[str, object], finish: str | None = None) -> bytes:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    chunk = {"object": "chat.completion.chunk", "id": "c", "choices": [choice]}
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


# -- demo ----------------------------------------------------------------------------


def test_demo_ends_with_a_summary_and_clean_end_on_its_last_line() -> None:
    done = run("demo", "--delay", "0")
    assert (done.returncode, done.stderr) == (0, "")
    out = done.stdout
    assert ESC not in out
    assert "Server-Sent Events (SSE) let a server push text" in out
    assert "[tool call save_notes]" in out
    summary = out[out.index("\nSummary\n") :]
    assert "  text:      240 characters: " in summary
    assert "  tool call: save_notes\n" in summary
    assert '               format = "markdown"\n' in summary
    assert "  usage:     19 input + 96 output = 115 tokens\n" in summary
    assert "  finish:    tool_calls\n" in summary
    assert out.splitlines()[-1] == "100 events; clean end: True"
    assert '"object": "chat.completion"' not in out  # the JSON only with --json


def test_demo_json_adds_the_final_object() -> None:
    out = run("demo", "--delay", "0", "--json").stdout
    start = out.index("[final chat.completion]\n") + len("[final chat.completion]\n")
    final = json.loads(out[start : out.index("\n}\n", start) + 2])
    assert final["object"] == "chat.completion"
    call = final["choices"][0]["message"]["tool_calls"][0]
    assert json.loads(call["function"]["arguments"])["format"] == "markdown"
    assert "clean end: True" in out.splitlines()[-1]


def test_demo_on_a_terminal_is_coloured_and_respects_no_color() -> None:
    status, out, err = run_in_pty("demo", "--delay", "0")
    assert (status, err) == (0, "")
    assert ESC in out
    assert out.splitlines()[-1] == "100 events; clean end: True"
    status, out, err = run_in_pty("demo", "--delay", "0", env=environ(NO_COLOR="1"))
    assert (status, err) == (0, "")
    assert ESC not in out
    # An empty NO_COLOR counts as unset (no-color.org).
    status, out, err = run_in_pty("demo", "--delay", "0", env=environ(NO_COLOR=""))
    assert ESC in out


@pytest.mark.parametrize(
    ("out", "args", "paced"),
    [
        (io.StringIO(), ["demo"], False),
        (Terminal(), ["demo"], True),
        (io.StringIO(), ["demo", "--delay", "0.5"], True),
        (Terminal(), ["demo", "--delay", "0"], False),
    ],
)
def test_demo_is_paced_only_on_a_terminal_or_when_asked(
    out: io.StringIO,
    args: list[str],
    paced: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sleeps: list[float] = []
    monkeypatch.setattr("sseparse._cli_io.time.sleep", sleeps.append)
    monkeypatch.setattr("sys.stdout", out)
    assert main(args) == 0
    assert bool(sleeps) == paced
    assert set(sleeps) <= {0.03, 0.5}
    assert "clean end: True" in out.getvalue().splitlines()[-1]


def test_the_cli_module_has_no_dead_private_function() -> None:
    """Every private function of sseparse/cli.py is used in the module."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(sseparse.cli))
    defined = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("_")
    }
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert defined - used == set()


# -- progress ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "stdout_is_a_terminal", "shown"),
    [
        (["check"], False, True),
        (["check"], True, True),  # check prints nothing before the end
        (["events"], False, True),
        (["events"], True, False),  # would mix with the events on the screen
        (["replay"], True, False),
        (["replay", "--raw"], False, True),
        (["replay", "--raw"], True, False),
        (["replay", "--final-only"], True, True),
    ],
)
def test_a_big_file_gets_a_progress_line_on_a_terminal(
    args: list[str],
    stdout_is_a_terminal: bool,
    shown: bool,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    path = tmp_path / "stream.sse"
    path.write_bytes(demo_bytes())
    monkeypatch.setattr("sseparse._cli_io.PROGRESS_BYTES", 1000)
    err = Terminal()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setattr(
        "sys.stdout", Terminal() if stdout_is_a_terminal else io.StringIO()
    )
    assert main([*args, str(path)]) == 0
    if shown:
        assert err.getvalue().startswith("\rsseparse: reading 100% of 0 MB\x1b[K")
        assert err.getvalue().endswith("\r\x1b[K")  # wiped at the end
    else:
        assert err.getvalue() == ""


def test_no_progress_line_when_stderr_is_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sseparse._cli_io.PROGRESS_BYTES", 1000)
    assert main(["check", str(DATA / "openai_chat" / "openai_text.sse")]) == 0
    assert capsys.readouterr().err == ""
