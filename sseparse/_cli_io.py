"""The command line's input and output: files, standard input, recordings.

Theory of operation.  Every command that reads a stream reads it through
:class:`Input`, which yields byte chunks as they arrive.  A chunk is whatever
one ``read1`` call returned (up to 64 KiB, without waiting for a full buffer),
so ``curl -N ... | sseparse replay -`` shows each event as it comes.  Before
each call that may block (a read, or a sleep of the pacing) :class:`Input`
calls ``before_wait``, which the commands use to flush standard output: output
is flushed once per wait, not once per event.

The first bytes decide what the input is.  A *recording* (written by
``sseparse record``) is a JSON-lines file; its first line is the header
``{"sseparse-record": 1, "started": "<UTC time>"}`` and every later line one
chunk as it was read: ``{"t": <seconds since the recording started>, "text":
"<the chunk>"}``, or ``"b64"`` (base64) in place of ``"text"`` for a chunk
that is not valid UTF-8 on its own.  Anything else is a *raw capture*: the
event-stream bytes themselves.  Deciding reads at most
``len(RECORDING_MAGIC)`` bytes ahead, and only while they match the magic.

A recording replays its chunks with their original split, and, when a speed
is given, at their recorded times divided by the speed (the clock is
``time.monotonic``; a late chunk is never made later).  Reading costs O(1)
per byte plus O(1) per chunk; memory holds one chunk (one line, for a
recording).

On request, a regular file of at least :data:`PROGRESS_BYTES` gets a
progress line on standard error (the command asks only when standard error
is a terminal and the line would not mix with output on the same screen).

Mistakes of the user (a missing file, a directory, a bad recording line) are
:class:`CliError`, which the command line turns into one line on standard
error and an exit status.
"""

from __future__ import annotations

import base64
import datetime
import json
import math
import os
import stat
import sys
import time
from typing import TYPE_CHECKING, Any, BinaryIO, Final, TextIO

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = [
    "PROGRESS_LINE",
    "READ_SIZE",
    "RECORDING_MAGIC",
    "CliError",
    "Input",
    "open_input",
    "open_output",
    "record",
    "sleep",
]

READ_SIZE: Final = 64 * 1024
#: How a recording begins; a raw event stream cannot sensibly begin so.
RECORDING_MAGIC: Final = b'{"sseparse-record"'
RECORDING_VERSION: Final = 1
#: A regular file at least this big gets a progress line (if asked for).
PROGRESS_BYTES: Final = 16 * 1024 * 1024
PROGRESS_SECONDS: Final = 0.25


class CliError(Exception):
    """A mistake to report as one line on standard error.

    Attributes:
        status: the exit status: 2 for a mistake in the command (a missing
            file, a bad option), 1 for bad data.
    """

    def __init__(self, message: str, *, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def _nothing() -> None:
    pass


def _reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "it is a directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


def open_input(path: str | None) -> BinaryIO:
    """Open *path* for reading; ``None`` or ``-`` is standard input.

    Raises:
        CliError: the file cannot be read (status 2).
    """
    if path is None or path == "-":
        if sys.stdin is None:  # started with standard input closed
            raise CliError("cannot read standard input: it is closed")
        if sys.stdin.isatty():  # a person may not know the command waits
            sys.stderr.write(
                "sseparse: reading the stream from the terminal; end it with Ctrl-D\n"
            )
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as exc:
        raise CliError(f"cannot read '{path}': {_reason(exc)}") from None


def open_output(path: str | None) -> TextIO:
    """Open *path* for writing text (UTF-8, ``\\n``); ``None`` or ``-`` is
    standard output.

    Raises:
        CliError: the file cannot be written (status 2).
    """
    if path is None or path == "-":
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise CliError(f"cannot write '{path}': {_reason(exc)}") from None


class Input:
    """The chunks of a raw capture or of a recording, as they arrive.

    Args:
        source: the open binary stream.
        speed: for a recording, replay at its recorded pace times *speed*;
            0 reads as fast as possible.
        before_wait: called before every read or sleep that may block.
    """

    def __init__(
        self,
        source: BinaryIO,
        *,
        speed: float = 0.0,
        before_wait: Callable[[], None] = _nothing,
        progress: TextIO | None = None,
    ) -> None:
        self._source = source
        self._read = getattr(source, "read1", source.read)
        self._speed = speed
        self._before_wait = before_wait
        #: Whether the input is a recording; known once the first chunk came.
        self.recording = False
        #: How many bytes of the stream itself were given out so far.
        self.offset = 0
        self._progress = _Progress(progress, source) if progress else None

    def _next(self) -> bytes:
        self._before_wait()
        chunk: bytes = self._read(READ_SIZE)
        if self._progress is not None:
            self._progress.update(len(chunk))
        return chunk

    def chunks(self) -> Iterator[bytes]:
        """Yield the stream's bytes, chunk by chunk."""
        head = b""
        while len(head) < len(RECORDING_MAGIC) and RECORDING_MAGIC.startswith(head):
            chunk = self._next()
            if not chunk:
                break
            head += chunk
        if head.startswith(RECORDING_MAGIC):
            self.recording = True
            yield from self._recorded(head)
            return
        if self._speed:
            PROGRESS_LINE.wipe()
            sys.stderr.write(
                "sseparse: note: --speed paces recordings (sseparse record); "
                "this input is a raw capture, read without pacing\n"
            )
        while head:
            self.offset += len(head)
            yield head
            head = self._next()

    def _recorded(self, head: bytes) -> Iterator[bytes]:
        start = time.monotonic()
        buffer = bytearray(head)
        number = 0  # the line number of the last line parsed
        eof = False
        while not eof:
            chunk = self._next()
            eof = not chunk
            buffer += chunk
            lines = buffer.split(b"\n")
            tail = b"" if eof else lines.pop()
            del buffer[: len(buffer) - len(tail)]
            for line in map(bytes, lines):
                number += 1
                if number == 1:
                    _check_header(line)
                    continue
                if not line.strip():
                    continue
                at, data = _chunk_line(line, number)
                if self._speed:
                    self._pace(start + at / self._speed)
                self.offset += len(data)
                yield data

    def _pace(self, due: float) -> None:
        delay = due - time.monotonic()
        if delay > 0:
            self._before_wait()
            sleep(delay, "the next chunk at this --speed")


#: The longest wait the command line makes, in seconds (about 31 years):
#: time.sleep() refuses much longer ones with an OverflowError or OSError.
MAX_WAIT: Final = 1e9


def sleep(seconds: float, what: str) -> None:
    """``time.sleep(seconds)``; a wait past :data:`MAX_WAIT` is a mistake."""
    if seconds > MAX_WAIT:
        raise CliError(f"{what} would wait {seconds:.3g} s: too long to wait")
    time.sleep(seconds)


class _ProgressLine:
    """The progress line on a terminal: one per process, as the terminal is,
    so that whatever writes to standard error can wipe it first."""

    def __init__(self) -> None:
        self._out: TextIO | None = None

    def draw(self, out: TextIO, text: str) -> None:
        out.write(f"\r{text}\x1b[K")
        out.flush()
        self._out = out

    def wipe(self) -> None:
        """Clear the line, if one is shown."""
        out, self._out = self._out, None
        if out is not None:
            out.write("\r\x1b[K")
            out.flush()


PROGRESS_LINE: Final = _ProgressLine()


class _Progress:
    """``reading 42% of 96 MB`` on the progress line, for a big regular file.

    Redrawn at most every :data:`PROGRESS_SECONDS`; wiped at the end of input.
    """

    def __init__(self, out: TextIO, source: BinaryIO) -> None:
        self._out = out
        self._total = _file_size(source)
        self._done = 0
        self._drawn = -math.inf

    def update(self, size: int) -> None:
        total = self._total
        if total is None:
            return
        self._done += size
        if not size:  # the end
            PROGRESS_LINE.wipe()
            self._total = None
            return
        now = time.monotonic()
        if now - self._drawn >= PROGRESS_SECONDS:
            self._drawn = now
            percent = min(100, 100 * self._done // total)
            text = f"sseparse: reading {percent}% of {total / 1e6:.0f} MB"
            PROGRESS_LINE.draw(self._out, text)


def _file_size(source: BinaryIO) -> int | None:
    """The size of *source* if it is a regular file worth a progress line."""
    try:
        info = os.fstat(source.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    if stat.S_ISREG(info.st_mode) and info.st_size >= PROGRESS_BYTES:
        return info.st_size
    return None


def _bad_line(number: int, what: str) -> CliError:
    return CliError(f"line {number} of the recording: {what}", status=1)


def _check_header(line: bytes) -> None:
    try:
        header = json.loads(line)
    except ValueError:
        raise _bad_line(1, "the header is not JSON") from None
    version = header.get("sseparse-record") if type(header) is dict else None
    if version != RECORDING_VERSION:
        raise _bad_line(
            1,
            f"format version {json.dumps(version)} is not one this sseparse "
            f"reads (version {RECORDING_VERSION})",
        )


def _chunk_line(line: bytes, number: int) -> tuple[float, bytes]:
    try:
        item = json.loads(line)
    except ValueError:
        raise _bad_line(number, "not JSON (is the recording cut?)") from None
    if type(item) is not dict:
        raise _bad_line(number, "expected a JSON object")
    at: Any = item.get("t")
    # Not NaN, not Infinity (Python's JSON reader takes both), not an integer
    # too big for a float.
    if type(at) not in (int, float) or not 0 <= at <= sys.float_info.max:
        raise _bad_line(number, 'expected "t", the seconds since the start')
    seconds = float(at)
    if type(item.get("text")) is str:
        try:
            return seconds, item["text"].encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, such as "\ud800"
            raise _bad_line(number, '"text" is not valid Unicode') from None
    if type(item.get("b64")) is str:
        try:
            return seconds, base64.b64decode(item["b64"], validate=True)
        except ValueError:  # binascii.Error, or non-ASCII characters
            raise _bad_line(number, '"b64" is not valid base64') from None
    raise _bad_line(number, 'expected "text" or "b64", the chunk')


def record(source: BinaryIO, out: TextIO, *, before_wait: Callable[[], None]) -> int:
    """Copy *source* to *out* as a recording; return the number of bytes.

    Each chunk is written and flushed as one line when it arrives, so a
    recording stopped by Ctrl-C keeps every chunk read until then.
    """
    started = datetime.datetime.now(datetime.timezone.utc)
    header = {
        "sseparse-record": RECORDING_VERSION,
        "started": started.isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    out.write(json.dumps(header) + "\n")
    out.flush()
    start = time.monotonic()
    read = getattr(source, "read1", source.read)
    total = 0
    while True:
        before_wait()
        chunk: bytes = read(READ_SIZE)
        if not chunk:
            return total
        line: dict[str, object] = {"t": round(time.monotonic() - start, 6)}
        try:
            line["text"] = chunk.decode("utf-8")
        except UnicodeDecodeError:
            line["b64"] = base64.b64encode(chunk).decode("ascii")
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        out.flush()
        total += len(chunk)
