"""Run ``python -m sseparse`` in a subprocess: with pipes, or under a pseudo-terminal.

Every wait is bounded by a generous timeout and nothing asserts a duration: a
busy machine makes these tests slower, never red.
"""

from __future__ import annotations

import io
import os
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

DATA = Path(__file__).resolve().parent.parent / "data"
TIMEOUT = 120.0  # seconds; generous, and never reached by a healthy run
ESC = "\x1b["
CUT_HINT = (
    "sseparse: the last event was not ended by a blank line: "
    "an event ends with a blank line"
)
EMPTY_HINT = "sseparse: no events found: is this an event stream?"


class Terminal(io.StringIO):
    """Standard output or error as a terminal, in the same process."""

    def isatty(self) -> bool:
        return True


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "sseparse", *args]


def environ(**changes: str | None) -> dict[str, str]:
    """The environment for a subprocess: ours, without NO_COLOR, plus *changes*
    (``None`` removes a variable)."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    env["TERM"] = "xterm"
    env["PYTHONIOENCODING"] = "utf-8"
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(
    *args: str, input: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``sseparse ARGS`` with *input* on stdin; text stdout and stderr."""
    done = subprocess.run(
        command(*args),
        input=input,
        capture_output=True,
        timeout=TIMEOUT,
        env=env or environ(),
        check=False,
    )
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8"),
        done.stderr.decode("utf-8"),
    )


def read_until(stream: IO[bytes] | int, needle: bytes, seen: bytes = b"") -> bytes:
    """Read *stream* (a pipe or a descriptor) until *needle* appears; return
    everything read.  Fails after :data:`TIMEOUT` seconds."""
    fd = stream if isinstance(stream, int) else stream.fileno()
    deadline = time.monotonic() + TIMEOUT
    while needle not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"timed out waiting for {needle!r}; got {seen!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # a pty's reader gets EIO once the writer is gone
            chunk = b""
        assert chunk, f"the output ended before {needle!r}; got {seen!r}"
        seen += chunk
    return seen


def read_to_end(fd: int) -> bytes:
    """Everything left on descriptor *fd* until its end (EOF or EIO)."""
    out = b""
    deadline = time.monotonic() + TIMEOUT
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"timed out; got {out!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return out
        if not chunk:
            return out
        out += chunk


def run_in_pty(
    *args: str, env: dict[str, str] | None = None, stdin: Any = subprocess.DEVNULL
) -> tuple[int, str, str]:
    """Run ``sseparse ARGS`` with its stdout on a pseudo-terminal; return the
    exit status, what the terminal got (CRLF turned back into LF) and stderr."""
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen(
            command(*args),
            stdin=stdin,
            stdout=slave,
            stderr=subprocess.PIPE,
            env=env or environ(),
        )
        os.close(slave)
        slave = -1
        out = read_to_end(master)
        _, err = proc.communicate(timeout=TIMEOUT)
    finally:
        os.close(master)
        if slave >= 0:
            os.close(slave)
    text = out.decode("utf-8").replace("\r\n", "\n")
    return proc.returncode, text, err.decode("utf-8")


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start ``sseparse ARGS`` with pipes on stdin, stdout and stderr."""
    return subprocess.Popen(
        command(*args),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env or environ(),
    )


def start_in_pty(
    *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """Start ``sseparse ARGS`` with stdin and stderr on pipes and stdout on a
    pseudo-terminal; return the process and the terminal's master side."""
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen(
            command(*args),
            stdin=subprocess.PIPE,
            stdout=slave,
            stderr=subprocess.PIPE,
            env=env or environ(),
        )
    except BaseException:
        os.close(master)
        raise
    finally:
        os.close(slave)
    return proc, master


def finish(proc: subprocess.Popen[bytes]) -> bytes:
    """Wait for *proc*, whose stdin the test closed and stdout it read to
    the end; return its stderr."""
    assert proc.stderr is not None
    err = proc.stderr.read()
    proc.wait(timeout=TIMEOUT)
    return err
