"""The command line's option checks, exit statuses and error paths.

Each test guards a rule of ``sseparse/cli.py``, ``sseparse/_cli_io.py`` or
``sseparse/_cli_render.py`` that a one-line change of the code (a mutation)
once broke without any test of ``tests/cli/`` noticing.  The rules: a mistake
of the user is one line on standard error, never a traceback; status 2 for a
mistake in the command, 1 for bad data, 0 for a closed pipe; colour only on a
terminal.
"""

from __future__ import annotations

import errno
import io
import json
from typing import TYPE_CHECKING

import pytest

from sseparse._cli_render import use_color
from sseparse.cli import main
from sseparse.errors import UsageError
from tests.cli._run import CUT_HINT, DATA, EMPTY_HINT, Terminal, run

if TYPE_CHECKING:
    from pathlib import Path

TEXT_PLAIN = DATA / "anthropic_messages" / "text_plain.sse"


class _ClosedPipe(io.StringIO):
    """Standard output whose reader left (``sseparse ... | head``)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")


class _FailingRead(io.BytesIO):
    """An input whose read fails midway (a disk or network error)."""

    def read1(self, size: int | None = -1, /) -> bytes:
        raise OSError(errno.EIO, "Input/output error")


# -- the parser: bad values, exclusive options, no command -------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        # A command is required (not a KeyError on args.command).
        ((), "sseparse: the following arguments are required: COMMAND"),
        # --speed and --delay: a finite number of 0 or more, with our message.
        (("replay", "--speed", "inf"), "expected a number of 0 or more, got 'inf'"),
        (("replay", "--speed", "1e400"), "expected a number of 0 or more, got '1e400'"),
        (("replay", "--speed", "nan"), "expected a number of 0 or more, got 'nan'"),
        (("replay", "--speed", "-1"), "expected a number of 0 or more, got '-1'"),
        (("replay", "--speed", "fast"), "expected a number of 0 or more, got 'fast'"),
        (("demo", "--delay", "inf"), "expected a number of 0 or more, got 'inf'"),
        (("demo", "--delay", ""), "expected a number of 0 or more, got ''"),
        # replay's --final-only, --no-final and --raw exclude each other.
        (
            ("replay", "--raw", "--final-only"),
            "argument --final-only: not allowed with argument --raw",
        ),
        (
            ("replay", "--final-only", "--no-final"),
            "argument --no-final: not allowed with argument --final-only",
        ),
        (
            ("replay", "--no-final", "--raw"),
            "argument --raw: not allowed with argument --no-final",
        ),
        # Choices: sse is a protocol for check alone.
        (("events", "--protocol", "sse"), "argument --protocol: invalid choice: 'sse'"),
        (("replay", "--color", "pink"), "argument --color: invalid choice: 'pink'"),
    ],
)
def test_a_bad_option_is_one_line_with_a_help_pointer_and_status_2(
    args: tuple[str, ...], says: str
) -> None:
    """Rule: a mistake in the command is one line naming it, status 2."""
    done = run(*args, str(TEXT_PLAIN)) if args else run()
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("sseparse")
    assert says in done.stderr
    assert done.stderr.endswith(" --help')\n")


# -- demo: pacing --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terminal", "args", "sleeps"),
    [
        (False, [], set()),  # a file or a pipe: no pacing by default
        (True, [], {0.03}),  # a person watching: paced by default
        (True, ["--delay", "0"], set()),  # --delay 0 is no pacing, not the default
        (False, ["--delay", "0.5"], {0.5}),  # an explicit delay paces a pipe too
    ],
)
def test_demo_paces_by_default_only_on_a_terminal(
    terminal: bool,
    args: list[str],
    sleeps: set[float],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rule: ``demo`` waits between reads on a terminal or when asked, only."""
    slept: list[float] = []
    monkeypatch.setattr("sseparse._cli_io.time.sleep", slept.append)
    out = Terminal() if terminal else io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    assert main(["demo", *args]) == 0
    assert set(slept) == sleeps
    assert out.getvalue().endswith("clean end: True\n")


# -- the status of a stream's shape ------------------------------------------------


@pytest.mark.parametrize("args", [("events", "--sse"), ("replay", "--raw")])
@pytest.mark.parametrize(
    ("data", "status", "hints"),
    [
        (b"data: x\n\n", 0, []),
        (b"", 1, [EMPTY_HINT]),
        (b"data: x\n\ndata: y", 1, [CUT_HINT]),
    ],
)
def test_a_stream_without_events_or_cut_short_is_status_1(
    args: tuple[str, ...], data: bytes, status: int, hints: list[str]
) -> None:
    """Rule: the SSE views exit 1 when they print a hint about the stream."""
    done = run(*args, "-", input=data)
    assert done.returncode == status
    assert done.stderr.splitlines() == hints


def test_a_limit_of_the_decoder_is_one_line_and_status_1() -> None:
    """Rule: a ProtocolError that ends a command is bad data: one line, 1."""
    data = b"retry: " + b"1" * 5000 + b"\ndata: x\n\n"
    for args in (("events", "--sse"), ("replay", "--raw"), ("check",)):
        done = run(*args, input=data)
        assert (done.returncode, done.stdout) == (1, ""), done.stderr
        assert done.stderr.splitlines() == [
            "sseparse: a retry value exceeds Limits.max_retry_digits=4300: "
            "5000 seen so far"
        ]


# -- events --comments ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "lines"),
    [
        (("events", "--sse"), [{"event": "message", "data": "x"}]),
        (("events", "--comments"), [{"comment": "hi"}, {"event": "message"}]),
        (
            ("events", "--sse", "--comments"),
            [{"comment": "hi"}, {"event": "message"}],
        ),
    ],
)
def test_comments_are_printed_only_with_comments_which_implies_sse(
    args: tuple[str, ...], lines: list[dict[str, str]]
) -> None:
    """Rule: ``--comments`` implies ``--sse``; comments need ``--comments``."""
    done = run(*args, input=b": hi\ndata: x\n\n")
    assert (done.returncode, done.stderr) == (0, "")
    printed = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(printed) == len(lines)
    for got, want in zip(printed, lines, strict=True):
        assert want.items() <= got.items()


# -- main's last resorts: each error class has its status ----------------------------


def test_a_closed_pipe_ends_quietly_with_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rule: ``| head`` leaving early is no error: status 0, nothing said."""
    monkeypatch.setattr("sys.stdout", _ClosedPipe())
    assert main(["replay", "--raw", str(TEXT_PLAIN)]) == 0
    assert capsys.readouterr().err == ""


def test_a_read_that_fails_midway_is_one_line_and_status_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rule: an OSError while reading is one line and status 2."""
    monkeypatch.setattr("sseparse.cli.open_input", lambda path: _FailingRead())
    assert main(["events", "--sse", "stream.sse"]) == 2
    assert capsys.readouterr() == (
        "",
        "sseparse: input or output failed: Input/output error\n",
    )


@pytest.mark.parametrize(
    ("error", "status", "says"),
    [
        (UsageError("misused"), 2, "misused"),
        (RecursionError(), 1, "the stream holds JSON nested too deeply to read"),
    ],
)
def test_an_error_escaping_a_command_is_one_line_with_its_status(
    error: Exception,
    status: int,
    says: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Rule: sseparse's other errors are status 2, JSON too deep is bad data (1)."""

    def fail(*args: object) -> int:
        raise error

    monkeypatch.setattr("sseparse.cli.check", fail)
    assert main(["check", str(TEXT_PLAIN)]) == status
    assert capsys.readouterr() == ("", f"sseparse: {says}\n")


# -- progress ------------------------------------------------------------------------


# -- files ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["events", "replay", "check"])
def test_a_file_that_cannot_be_read_is_one_line_and_status_2(
    name: str, tmp_path: Path
) -> None:
    """Rule: a missing file, a directory, a bad path: one line, status 2."""
    (tmp_path / "file").write_bytes(b"")
    for path, reason in [
        (tmp_path / "nowhere.sse", "no such file"),
        (tmp_path, "it is a directory"),
        (tmp_path / "file" / "stream.sse", "not a directory"),
    ]:
        done = run(name, str(path))
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == f"sseparse: cannot read '{path}': {reason}\n"


def test_a_file_that_cannot_be_written_is_one_line_and_status_2(
    tmp_path: Path,
) -> None:
    """Rule: ``record -o`` to a directory or a bad path: one line, status 2."""
    for path, reason in [
        (tmp_path, "it is a directory"),
        (tmp_path / "nowhere" / "rec.jsonl", "no such file"),
    ]:
        done = run("record", "-o", str(path), input=b"data: x\n\n")
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == f"sseparse: cannot write '{path}': {reason}\n"


def test_record_to_dash_writes_standard_output(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """Rule: ``-o -`` is standard output, not a file named ``-``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"data: x\n\n")))
    assert main(["record", "-o", "-"]) == 0
    header, line = capsys.readouterr().out.splitlines()
    assert json.loads(header)["sseparse-record"] == 1
    assert json.loads(line)["text"] == "data: x\n\n"
    assert list(tmp_path.iterdir()) == []


def test_closed_standard_input_is_one_line_and_status_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rule: standard input closed at start (``<&-``) is one line, status 2."""
    monkeypatch.setattr("sys.stdin", None)
    assert main(["events"]) == 2
    assert capsys.readouterr() == (
        "",
        "sseparse: cannot read standard input: it is closed\n",
    )


# -- recordings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "at",
    ['"1"', "true", "null", "NaN", "[1]", "-0.5", "Infinity", "1e400", "1" + "0" * 400],
)
def test_a_recording_time_that_is_not_a_number_of_0_or_more_is_status_1(
    at: str,
) -> None:
    """Rule: a bad "t" in a recording is bad data: one line, status 1."""
    chunk = '{"t": ' + at + ', "text": "data: x\\n\\n"}'
    text = '{"sseparse-record": 1}\n' + chunk + "\n"
    done = run("replay", "--raw", input=text.encode())
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        'sseparse: line 2 of the recording: expected "t", the seconds since the start\n'
    )


@pytest.mark.parametrize(
    ("chunk", "what"),
    [
        ('"b64": "\u00e9"', '"b64" is not valid base64'),  # non-ASCII: ValueError
        ('"b64": "a"', '"b64" is not valid base64'),  # binascii.Error
        ('"text": "\\ud800"', '"text" is not valid Unicode'),  # a lone surrogate
    ],
)
def test_a_chunk_that_cannot_be_bytes_is_one_line_and_status_1(
    chunk: str, what: str
) -> None:
    """Rule: a recorded chunk that does not decode is bad data: one line, 1."""
    text = '{"sseparse-record": 1}\n{"t": 0, ' + chunk + "}\n"
    for args in (("replay", "--raw"), ("events",), ("check",)):
        done = run(*args, input=text.encode())
        assert done.returncode == 1, done.stderr
        assert done.stderr == f"sseparse: line 2 of the recording: {what}\n"


def test_a_wait_too_long_to_make_is_one_line_and_status_2() -> None:
    """Rule: a --speed or --delay that would wait past what time.sleep()
    takes is a mistake in the command: one line, status 2, no traceback."""
    text = '{"sseparse-record": 1}\n{"t": 5, "text": "data: x\\n\\n"}\n'
    done = run("replay", "--raw", "--speed", "1e-300", input=text.encode())
    assert done.returncode == 2
    assert done.stderr == (
        "sseparse: the next chunk at this --speed would wait 5e+300 s: "
        "too long to wait\n"
    )
    done = run("demo", "--delay", "1e300")
    assert done.returncode == 2
    assert done.stderr == "sseparse: --delay would wait 1e+300 s: too long to wait\n"


@pytest.mark.parametrize("args", [("events",), ("replay",), ("replay", "--final-only")])
def test_a_limit_of_the_decoder_under_a_stream_is_what_is_said(
    args: tuple[str, ...],
) -> None:
    """Rule: when the SSE decoder fails under the protocol views, its error is
    the one line said (not "closed early" and hints about the stream's
    shape), and the events its last chunk completed still reach the stream."""
    chunk = json.dumps(
        {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [
                {"index": 0, "delta": {"content": "seen"}, "finish_reason": None}
            ],
        }
    )
    data = f"data: {chunk}\n\nretry: {'1' * 5000}\n\n".encode()
    done = run(*args, "-", input=data)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "sseparse: the stream did not finish: a retry value exceeds "
        "Limits.max_retry_digits=4300: 5000 seen so far"
        + (" (printed: the snapshot so far)" if args[0] == "replay" else "")
    ]
    assert "seen" in done.stdout


def test_the_events_of_a_failing_chunk_are_printed_before_its_error() -> None:
    """Rule: nothing is lost: events --sse prints what the chunk that broke a
    limit completed, then says the error."""
    data = b"data: first\n\nretry: " + b"1" * 5000 + b"\n\n"
    done = run("events", "--sse", "-", input=data)
    assert done.returncode == 1
    assert [json.loads(line)["data"] for line in done.stdout.splitlines()] == ["first"]
    assert done.stderr.splitlines() == [
        "sseparse: a retry value exceeds Limits.max_retry_digits=4300: 5000 seen so far"
    ]


# -- colour --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "terminal", "env", "coloured"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", True, {"NO_COLOR": ""}, True),  # empty counts as unset
        ("auto", True, {"TERM": "dumb"}, False),
        ("always", False, {"NO_COLOR": "1"}, True),
        ("never", True, {}, False),
    ],
)
def test_colour_only_on_a_terminal_unless_told(
    choice: str,
    terminal: bool,
    env: dict[str, str],
    coloured: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rule: colour on a terminal, following NO_COLOR (no-color.org), TERM and
    ``--color``."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = Terminal() if terminal else io.StringIO()
    assert use_color(choice, out) is coloured
