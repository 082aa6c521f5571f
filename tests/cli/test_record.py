"""``sseparse record``, and recordings read back by ``replay`` and ``events``."""

from __future__ import annotations

import base64
import json
import signal
from typing import TYPE_CHECKING

import pytest

from sseparse.cli import main
from tests.cli._run import DATA, finish, read_to_end, read_until, run, start

if TYPE_CHECKING:
    from pathlib import Path

TEXT_PLAIN = DATA / "anthropic_messages" / "text_plain.sse"


def _recording(*chunks: tuple[float, bytes]) -> bytes:
    lines = [json.dumps({"sseparse-record": 1})]
    for at, data in chunks:
        lines.append(json.dumps({"t": at, "b64": base64.b64encode(data).decode()}))
    return ("\n".join(lines) + "\n").encode()


def test_record_writes_a_header_then_each_chunk_with_its_time() -> None:
    data = TEXT_PLAIN.read_bytes()
    cut = len(data) // 2
    proc = start("record")
    assert proc.stdin is not None
    assert proc.stdout is not None
    try:
        proc.stdin.write(data[:cut])
        proc.stdin.flush()
        # The first chunk is written (and flushed) before the rest exists.
        header, _, rest = read_until(proc.stdout, b"\n").partition(b"\n")
        seen = header + b"\n" + read_until(proc.stdout, b"\n", rest)
        proc.stdin.write(data[cut:])
        proc.stdin.close()
        out = seen + read_to_end(proc.stdout.fileno())
        err = finish(proc)
    finally:
        proc.kill()
        proc.wait(timeout=60)
    assert (proc.returncode, err) == (0, b"")
    header, *lines = [json.loads(line) for line in out.decode("utf-8").splitlines()]
    assert header["sseparse-record"] == 1
    assert len(lines) >= 2
    times = [line["t"] for line in lines]
    assert times == sorted(times)
    assert all(t >= 0 for t in times)
    chunks = [
        line["text"].encode() if "text" in line else base64.b64decode(line["b64"])
        for line in lines
    ]
    assert b"".join(chunks) == data


def test_record_to_a_file_then_replay_and_events_read_it(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    data = TEXT_PLAIN.read_bytes()
    done = run("record", "-o", str(path), input=data)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    header = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert header["sseparse-record"] == 1
    assert header["started"].endswith("Z")
    for args in (("replay",), ("replay", "--raw"), ("events",), ("events", "--sse")):
        from_recording = run(*args, str(path))
        assert from_recording.returncode == 0
        assert from_recording.stdout == run(*args, str(TEXT_PLAIN)).stdout
    piped = run("replay", "--final-only", "-", input=path.read_bytes())
    assert json.loads(piped.stdout) == json.loads(
        TEXT_PLAIN.with_suffix(".final.json").read_text(encoding="utf-8")
    )


def test_a_chunk_that_is_not_utf8_is_recorded_in_base64(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    data = b"data: caf\xc3\n\ndata: \xff\n\n"
    assert run("record", "-o", str(path), input=data).returncode == 0
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert base64.b64decode(lines[1]["b64"]) == data
    from_recording = run("events", "--sse", str(path)).stdout
    assert from_recording == run("events", "--sse", input=data).stdout
    assert '"data": "caf\ufffd"' in from_recording


def test_ctrl_c_ends_a_recording_with_130_keeping_what_came(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    proc = start("record", "-o", str(path))
    assert proc.stdin is not None
    try:
        proc.stdin.write(b"data: one\n\n")
        proc.stdin.flush()
        _wait_for_lines(path, 2)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
        proc.wait(timeout=60)
    assert (proc.returncode, err) == (130, b"")
    assert json.loads(path.read_text("utf-8").splitlines()[1])["text"] == (
        "data: one\n\n"
    )


def _wait_for_lines(path: Path, count: int) -> None:
    import time

    deadline = time.monotonic() + 120
    while not (path.exists() and path.read_bytes().count(b"\n") >= count):
        assert time.monotonic() < deadline, "the recording never got its lines"
        time.sleep(0.01)


class _Clock:
    """A clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.mark.parametrize(
    ("speed", "sleeps"),
    [("0", []), ("1", [1.0, 2.0]), ("2", [0.5, 1.0]), ("4", [0.25, 0.5])],
)
def test_replay_speed_paces_a_recording_at_its_times(
    speed: str,
    sleeps: list[float],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "rec.jsonl"
    path.write_bytes(_recording((0.0, b"data: a\n\n"), (1.0, b"data: b\n"), (3, b"\n")))
    clock = _Clock()
    # The module's clock is the time module's (patched only for this call).
    monkeypatch.setattr("sseparse._cli_io.time.monotonic", clock.monotonic)
    monkeypatch.setattr("sseparse._cli_io.time.sleep", clock.sleep)
    assert main(["replay", "--raw", "--speed", speed, str(path)]) == 0
    assert clock.sleeps == sleeps
    assert capsys.readouterr() == ("message: a\nmessage: b\n", "")


def test_speed_on_a_raw_capture_says_it_has_no_times() -> None:
    done = run("replay", "--raw", "--speed", "1", str(TEXT_PLAIN))
    assert done.returncode == 0
    assert done.stderr == (
        "sseparse: note: --speed paces recordings (sseparse record); "
        "this input is a raw capture, read without pacing\n"
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            '{"sseparse-record": 2}\n',
            "line 1 of the recording: format version 2 is not one this sseparse "
            "reads (version 1)",
        ),
        (
            '{"sseparse-record" oops\n',
            "line 1 of the recording: the header is not JSON",
        ),
        (
            '{"sseparse-record": 1}\n{"t": 0, "text": "data: a\\n\\n"}\n{"t": 1, "te',
            "line 3 of the recording: not JSON (is the recording cut?)",
        ),
        (
            '{"sseparse-record": 1}\n[1, 2]\n',
            "line 2 of the recording: expected a JSON object",
        ),
        (
            '{"sseparse-record": 1}\n{"t": -1, "text": ""}\n',
            'line 2 of the recording: expected "t", the seconds since the start',
        ),
        (
            '{"sseparse-record": 1}\n{"t": 0}\n',
            'line 2 of the recording: expected "text" or "b64", the chunk',
        ),
        (
            '{"sseparse-record": 1}\n{"t": 0, "b64": "!!"}\n',
            'line 2 of the recording: "b64" is not valid base64',
        ),
    ],
)
def test_a_bad_recording_is_one_line_and_status_1(text: str, says: str) -> None:
    for args in (("replay",), ("events",)):
        done = run(*args, input=text.encode())
        assert done.returncode == 1
        assert done.stderr == f"sseparse: {says}\n"
