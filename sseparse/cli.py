"""The ``sseparse`` command line (``python -m sseparse``).

Theory of operation.  The command line is the edge where the I/O lives: it
reads files or standard input (:mod:`sseparse._cli_io`), holds the clock for
pacing, and feeds the sans-IO machines; what it prints for people is made in
:mod:`sseparse._cli_render`, and ``check`` lives in :mod:`sseparse._cli_check`.

* ``demo``: the embedded recorded stream, live, then a short summary.
* ``events [FILE|-]``: an LLM stream's vocabulary events
  (:mod:`sseparse.llm.events`), one JSON line each
  (:func:`sseparse._cli_render.event_line`); ``--sse``: the SSE events.
* ``replay [FILE|-]``: an LLM stream of any of the three protocols
  (:func:`sseparse.llm.stream`), its text, reasoning, refusals and tool calls
  live, then the final object; ``--raw``: the SSE events, one line each.
* ``record [-o FILE]``: standard input to a recording with arrival times,
  which ``replay`` and ``events`` read as they read a raw capture.
* ``check [FILE|-]``: lint a captured stream.

Every reading command decodes with its own :class:`~sseparse.SSEDecoder`
(``replay`` hands the events to ``stream()``), so that it can tell a stream
that ended inside an event, or had no event at all, with a hint.

Exit status: 0 success; 1 the data is bad, or the stream was cut or failed
(one line on standard error says so); 2 a mistake in the command (unknown
option, bad value, missing file, a directory); 130 interrupted (Ctrl-C).
A closed pipe (``| head``) ends the command quietly with 0.  No mistake of
the user prints a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from importlib import resources
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, NoReturn, TextIO

from sseparse import __version__
from sseparse._cli_check import check
from sseparse._cli_io import (
    PROGRESS_LINE,
    CliError,
    Input,
    open_input,
    open_output,
    record,
    sleep,
)
from sseparse._cli_render import (
    LiveView,
    Style,
    event_line,
    raw_line,
    summary,
    use_color,
)
from sseparse.errors import ProtocolError, SseparseError, UnknownProtocol
from sseparse.llm import stream
from sseparse.sse import Comment, ServerSentEvent, SSEDecoder

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from sseparse.llm import LLMStream

    _Protocol = Literal["auto", "chat", "anthropic", "responses"]

__all__ = ["demo_bytes", "main"]

DEMO_RESOURCE = "_data/demo_openai_chat.sse"
_DEMO_READ = 97
_DEMO_DELAY = 0.03
_HINT_CUT = (
    "the last event was not ended by a blank line: an event ends with a blank line"
)
_HINT_EMPTY = "no events found: is this an event stream?"
_FINAL_NAMES = {
    "chat": "chat.completion",
    "anthropic": "message",
    "responses": "response",
}


def demo_bytes() -> bytes:
    """The recorded stream that ships inside the package."""
    return resources.files("sseparse").joinpath(DEMO_RESOURCE).read_bytes()


class _Decoded:
    """The SSE events (iterate) or events and comments (:meth:`items`) of a
    chunk source, the events counted, decoded by one decoder."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks
        self.decoder = SSEDecoder(comments=True)
        self.count = 0
        #: The decoder's own error (a limit), which ended the stream.
        self.error: ProtocolError | None = None

    def __iter__(self) -> Iterator[ServerSentEvent]:
        for item in self.items():
            if isinstance(item, ServerSentEvent):
                yield item

    def items(self) -> Iterator[ServerSentEvent | Comment]:
        decoder = self.decoder
        try:
            for chunk in self._chunks:
                yield from self._counted(decoder.feed(chunk))
            yield from self._counted(decoder.close())
        except ProtocolError as exc:
            # what the failing chunk completed, then the error
            yield from self._counted(exc.items)
            self.error = exc  # unless the consumer failed on one of them
            raise

    def _counted(
        self, items: Iterable[ServerSentEvent | Comment]
    ) -> Iterator[ServerSentEvent | Comment]:
        for item in items:
            if isinstance(item, ServerSentEvent):
                self.count += 1
            yield item

    def hints(self, said: str = "") -> list[str]:
        """What to tell about the stream's shape, unless *said* told it (or
        the decoder failed: its error is what to tell)."""
        return [] if self.error else _hints(self.decoder, self.count, said)


def _hints(decoder: SSEDecoder[Any], count: int, said: str = "") -> list[str]:
    """A hint for a stream that ended inside an event, and for one without
    events (unless *said*, the error already shown, says so)."""
    hints = [_HINT_CUT] if decoder.truncated else []
    if not count and _HINT_EMPTY not in said:
        hints.append(_HINT_EMPTY)
    return hints


def _say(line: str) -> None:
    PROGRESS_LINE.wipe()
    sys.stderr.write(f"sseparse: {line}\n")


def _progress(out: TextIO, *, quiet_out: bool = False) -> TextIO | None:
    """Standard error for a progress line, if it is a terminal and the
    output (unless *quiet_out*: nothing printed before the end) is not."""
    if not sys.stderr.isatty():
        return None
    return sys.stderr if quiet_out or not out.isatty() else None


def _close(source: BinaryIO) -> None:
    if source is not sys.stdin.buffer:
        source.close()


# -- demo ----------------------------------------------------------------------------


def _demo_chunks(
    data: bytes, size: int, delay: float, flush: Callable[[], None]
) -> Iterator[bytes]:
    """Replay *data* as a network would: small reads, spaced in time."""
    for start in range(0, len(data), size):
        if delay and start:
            flush()
            sleep(delay, "--delay")
        yield data[start : start + size]


def _run_demo(args: argparse.Namespace, out: TextIO) -> int:
    delay = args.delay
    if delay is None:  # pace for a person watching, not for a file or a pipe
        delay = _DEMO_DELAY if out.isatty() else 0.0
    style = Style(use_color(args.color, out))
    out.write(
        f"Replaying a recorded OpenAI chat stream in {_DEMO_READ}-byte reads:\n\n"
    )
    events = _Decoded(_demo_chunks(demo_bytes(), _DEMO_READ, delay, out.flush))
    view = LiveView(out, style)
    with stream(events, protocol="chat") as s:
        for event in s:
            view.show(event)
    view.end_line()
    if args.json:
        view.final(s.final, "[final chat.completion]")
    out.write("\n" + "\n".join(summary(s, style)) + "\n")
    clean = not events.decoder.truncated and not s.incomplete
    out.write(f"{events.count} events; clean end: {clean}\n")
    return 0


# -- events --------------------------------------------------------------------------


def _as_json(item: ServerSentEvent | Comment) -> dict[str, object]:
    if isinstance(item, Comment):
        return {"comment": item.text}
    return {"event": item.event, "data": item.data, "id": item.id, "retry": item.retry}


def _run_events(args: argparse.Namespace, out: TextIO) -> int:
    source = open_input(args.file)
    try:
        reader = Input(source, before_wait=out.flush, progress=_progress(out))
        if args.sse or args.comments:
            return _sse_events(_Decoded(reader.chunks()), args.comments, out)
        return _vocabulary_events(_Decoded(reader.chunks()), args.protocol, out)
    finally:
        _close(source)


def _sse_events(decoded: _Decoded, comments: bool, out: TextIO) -> int:
    try:
        for item in decoded.items():
            if comments or isinstance(item, ServerSentEvent):
                out.write(json.dumps(_as_json(item), ensure_ascii=False) + "\n")
    except ProtocolError:
        out.flush()  # the events before the error, then the error
        raise
    out.flush()
    hints = decoded.hints()
    for hint in hints:
        _say(hint)
    return 1 if hints else 0


def _vocabulary_events(events: _Decoded, protocol: _Protocol, out: TextIO) -> int:
    s = stream(events, protocol=protocol)
    try:
        with s:
            for event in s:
                out.write(event_line(event))
    except ProtocolError:
        pass  # s.final raises it again, below
    try:
        s.final  # noqa: B018 -- reading it raises the error that ended the stream
    except ProtocolError as exc:
        out.flush()
        return _stream_failed(exc, events)
    out.flush()
    for hint in events.hints():
        _say(hint)
    return 0


# -- replay --------------------------------------------------------------------------


def _run_replay(args: argparse.Namespace, out: TextIO) -> int:
    style = Style(use_color(args.color, out))
    source = open_input(args.file)
    try:
        reader = Input(
            source,
            speed=args.speed,
            before_wait=out.flush,
            progress=_progress(out, quiet_out=args.final_only),
        )
        chunks = reader.chunks()
        if args.raw:
            return _replay_raw(_Decoded(chunks), out, style)
        return _replay(_Decoded(chunks), args, out, style)
    finally:
        _close(source)


def _replay_raw(events: _Decoded, out: TextIO, style: Style) -> int:
    for event in events:
        out.write(raw_line(event, style))
    out.flush()
    hints = events.hints()
    for hint in hints:
        _say(hint)
    return 1 if hints else 0


def _replay(
    events: _Decoded, args: argparse.Namespace, out: TextIO, style: Style
) -> int:
    view = LiveView(out, style)
    live = not args.final_only
    s: LLMStream = stream(events, protocol=args.protocol)
    shown = 0
    try:
        with s:
            for event in s:
                shown += 1
                if live:
                    view.show(event)
    except ProtocolError:
        pass  # s.final raises it again, below
    view.end_line()
    try:
        final = s.final
    except ProtocolError as exc:
        # A snapshot before any event (bad data at once) shows nothing.
        snapshot = (s.snapshot or getattr(exc, "snapshot", None)) if shown else None
        return _replay_failed(exc, snapshot, events, args, (view, out))
    if args.final_only:
        out.write(json.dumps(final, indent=2, ensure_ascii=False) + "\n")
    elif not args.no_final:
        view.final(final, f"[final {_FINAL_NAMES.get(s.protocol or '', 'object')}]")
    out.flush()
    for hint in events.hints():
        _say(hint)
    return 0


def _replay_failed(
    exc: ProtocolError,
    snapshot: Any,
    events: _Decoded,
    args: argparse.Namespace,
    to: tuple[LiveView, TextIO],
) -> int:
    view, out = to
    shown = isinstance(snapshot, dict) and not args.no_final
    if shown and args.final_only:
        out.write(json.dumps(snapshot, indent=2, ensure_ascii=False) + "\n")
    elif shown:
        view.final(snapshot, "[the snapshot so far: the stream did not finish]")
    out.flush()
    more = " (printed: the snapshot so far)" if shown else ""
    return _stream_failed(exc, events, more)


def _stream_failed(exc: ProtocolError, events: _Decoded, more: str = "") -> int:
    """Say why the stream failed (then *more*), and the hints; status 1.

    A decoder's error comes first: the stream then only saw its input end.
    """
    exc = events.error or exc
    said = str(exc)
    if isinstance(exc, UnknownProtocol):
        _say(said)
    else:
        _say(f"the stream did not finish: {said}{more}")
    for hint in events.hints(said):
        _say(hint)
    return 1


# -- record and check ----------------------------------------------------------------


def _run_record(args: argparse.Namespace, out: TextIO) -> int:
    target = open_output(args.output)
    try:
        size = record(open_input("-"), target, before_wait=target.flush)
    finally:
        if target is not sys.stdout:
            target.close()
    if args.output not in (None, "-") and sys.stderr.isatty():
        _say(f"recorded {size} bytes to {args.output}")
    return 0


def _run_check(args: argparse.Namespace, out: TextIO) -> int:
    source = open_input(args.file)
    try:
        name = "<stdin>" if args.file in (None, "-") else args.file
        reader = Input(source, progress=_progress(out, quiet_out=True))
        return check(reader.chunks(), name, args.protocol, out)
    finally:
        _close(source)


# -- the parser ----------------------------------------------------------------------


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."


class _Parser(argparse.ArgumentParser):
    """argparse, with a one-line message for a mistake."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def _seconds(text: str) -> float:
    """A finite number of 0 or more (argparse ``type=``)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(
            f"expected a number of 0 or more, got '{text}'"
        )
    return value


def _add_file(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE",
        help=f"{what} (a raw capture or a recording); - or none for standard input",
    )


def _add_color(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the output: auto (the default) on a terminal unless "
        "NO_COLOR is set",
    )


def _add_protocol(parser: argparse.ArgumentParser, *more: str) -> None:
    parser.add_argument(
        "--protocol",
        choices=("auto", "chat", "anthropic", "responses", *more),
        default="auto",
        help="the stream's protocol: auto (the default) tells it from the first "
        "events; chat (OpenAI Chat Completions), anthropic (Messages), "
        "responses (OpenAI Responses)"
        + ("; sse: check the event stream alone, not an LLM protocol" if more else ""),
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sseparse",
        description="Decode Server-Sent Event streams and show LLM streams "
        "(OpenAI Chat Completions, Anthropic Messages, OpenAI Responses).",
    )
    parser.add_argument(
        "--version", action="version", version=f"sseparse {__version__}"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    about = "replay the embedded recorded LLM stream, live, then a summary"
    demo = sub.add_parser("demo", help=about, description=_sentence(about))
    demo.add_argument(
        "--delay",
        type=_seconds,
        default=None,
        help="seconds between reads (default: 0.03 on a terminal, else 0)",
    )
    demo.add_argument(
        "--json", action="store_true", help="also print the final object as JSON"
    )
    _add_color(demo)

    about = "print an LLM stream's events as JSON lines, one per event"
    events = sub.add_parser(
        "events",
        help=about,
        description=_sentence(about) + " Each line is an event of the vocabulary "
        'that sseparse.llm.stream() yields: {"type": ..., then the event\'s '
        'fields}; the text of a delta is its "delta", "chunk" events carry the '
        "payload as sent, and the text so far (snapshot) and parsed views are "
        "left out, so the output grows as the stream does. With --sse: one line "
        'per SSE event, {"event", "data", "id", "retry"}, for a stream of any '
        "kind.",
    )
    _add_file(events, "the stream")
    _add_protocol(events)
    events.add_argument(
        "--sse",
        action="store_true",
        help="print the SSE events instead (no LLM protocol needed)",
    )
    events.add_argument(
        "--comments",
        action="store_true",
        help="print the comments too (SSE lines that begin with ':'; implies --sse)",
    )

    about = (
        "show an LLM stream: text, reasoning, tool calls live, then the final object"
    )
    replay = sub.add_parser("replay", help=about, description=_sentence(about))
    _add_file(replay, "the stream")
    _add_protocol(replay)
    what = replay.add_mutually_exclusive_group()
    what.add_argument(
        "--final-only", action="store_true", help="print only the final object"
    )
    what.add_argument("--no-final", action="store_true", help="omit the final object")
    what.add_argument(
        "--raw", action="store_true", help="print the SSE events instead, one a line"
    )
    replay.add_argument(
        "--speed",
        type=_seconds,
        metavar="N",
        default=0.0,
        help="replay a recording at its recorded pace, N times faster "
        "(default 0: no pacing)",
    )
    _add_color(replay)

    about = "save standard input as a recording, with arrival times"
    rec = sub.add_parser(
        "record",
        help=about,
        description=_sentence(about) + " `sseparse replay --speed 1 FILE` "
        "replays it at its pace. The format: JSON lines; the first is "
        '{"sseparse-record": 1, "started": TIME}, each other {"t": SECONDS, '
        '"text": CHUNK} or {"t": SECONDS, "b64": BASE64}.',
    )
    rec.add_argument(
        "-o", "--output", metavar="FILE", help="the file to write (default: stdout)"
    )

    about = "lint a captured stream: framing, encoding, JSON, events, its end"
    chk = sub.add_parser("check", help=about, description=_sentence(about))
    _add_file(chk, "the stream")
    _add_protocol(chk, "sse")
    return parser


_COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "demo": _run_demo,
    "events": _run_events,
    "replay": _run_replay,
    "record": _run_record,
    "check": _run_check,
}


def _quiet_stdout() -> None:
    # The reader left (`| head`): point stdout at /dev/null so that Python's
    # final flush at exit does not complain about the pipe again.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _tolerant_output() -> None:
    # A terminal or pipe whose encoding cannot show some text (LANG=C on an
    # old system, PYTHONIOENCODING=ascii) gets escapes, not a traceback.
    for output in (sys.stdout, sys.stderr):
        reconfigure = getattr(output, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        _tolerant_output()
        args = _parser().parse_args(argv)
        status = _COMMANDS[args.command](args, sys.stdout)
        sys.stdout.flush()
    except KeyboardInterrupt:
        PROGRESS_LINE.wipe()
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except CliError as exc:
        _say(str(exc))
        return exc.status
    except ProtocolError as exc:
        _say(str(exc))
        return 1
    except SseparseError as exc:
        _say(str(exc))
        return 2
    except RecursionError:
        # JSON nested past Python's stack, which the accumulators' json.loads
        # does not turn into a ProtocolError (yet): bad data all the same.
        _say("the stream holds JSON nested too deeply to read")
        return 1
    except OSError as exc:  # a read or write failed midway
        _say(f"input or output failed: {exc.strerror or exc}")
        return 2
    return status
