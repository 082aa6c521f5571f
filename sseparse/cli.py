"""The ``sseparse`` command line: ``demo`` and ``events``.

The CLI is an edge: it does the I/O (files, standard input, the clock for the
demo's pacing) and feeds the sans-IO machines.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from importlib import resources
from typing import TYPE_CHECKING, BinaryIO, TextIO

from sseparse.errors import SseparseError
from sseparse.llm import (
    ChoiceFinished,
    ContentDelta,
    OpenAIChatAccumulator,
    StreamEvent,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
    ToolCallStarted,
)
from sseparse.sse import Comment, ServerSentEvent, SSEDecoder

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

__all__ = ["main"]

DEMO_RESOURCE = "_data/demo_openai_chat.sse"
_READ_SIZE = 64 * 1024


def demo_bytes() -> bytes:
    """The recorded stream that ships inside the package."""
    return resources.files("sseparse").joinpath(DEMO_RESOURCE).read_bytes()


def _demo_chunks(data: bytes, size: int, delay: float) -> Iterator[bytes]:
    """Replay *data* as a network would: small reads, spaced in time."""
    for start in range(0, len(data), size):
        if delay and start:
            time.sleep(delay)
        yield data[start : start + size]


def _read_chunks(stream: BinaryIO) -> Iterator[bytes]:
    # read1 returns what is there without waiting for a full buffer, so events
    # from `curl -N ... | sseparse events -` print as they arrive.
    read = getattr(stream, "read1", stream.read)
    while chunk := read(_READ_SIZE):
        yield chunk


def _run_demo(args: argparse.Namespace, out: TextIO) -> int:
    decoder = SSEDecoder()
    accumulator = OpenAIChatAccumulator()
    count = 0
    out.write("Replaying a recorded OpenAI chat stream in 97-byte reads:\n\n")
    for chunk in _demo_chunks(demo_bytes(), 97, args.delay):
        for event in decoder.feed(chunk):
            count += 1
            for item in accumulator.feed(event):
                _show(item, out)
        out.flush()
    decoder.close()
    final = accumulator.close()
    out.write("\n\nThe final chat.completion:\n")
    out.write(json.dumps(final, indent=2, ensure_ascii=False) + "\n")
    out.write(
        f"\n{count} events; clean end: {not decoder.truncated}; "
        f"accumulator: {accumulator.state.value}\n"
    )
    return 0


def _show(item: StreamEvent, out: TextIO) -> None:
    """Print one accumulator event of the demo as a terminal would show it."""
    if isinstance(item, ContentDelta):
        out.write(item.delta)
    elif isinstance(item, ToolCallStarted):
        out.write(f"\n\n[tool call {item.name}] ")
    elif isinstance(item, ToolCallArgumentsDelta):
        out.write(item.arguments_delta)
    elif isinstance(item, ToolCallArgumentsDone):
        keys = ", ".join(item.parsed_arguments)
        out.write(f"\n[arguments complete: {keys}]")
    elif isinstance(item, ChoiceFinished):
        out.write(f"\n[finish_reason: {item.finish_reason}]")


def _run_events(args: argparse.Namespace, out: TextIO) -> int:
    stdin = args.file == "-"
    source: BinaryIO = sys.stdin.buffer if stdin else open(args.file, "rb")  # noqa: SIM115
    try:
        decoder = SSEDecoder(comments=args.comments)
        for chunk in _read_chunks(source):
            for item in decoder.feed(chunk):
                out.write(json.dumps(_as_json(item), ensure_ascii=False) + "\n")
            out.flush()
        decoder.close()
    finally:
        if not stdin:
            source.close()
    if decoder.truncated:
        sys.stderr.write("sseparse: the stream ended inside an event (discarded)\n")
        return 1
    return 0


def _as_json(item: ServerSentEvent | Comment) -> dict[str, object]:
    if isinstance(item, Comment):
        return {"comment": item.text}
    return {"event": item.event, "data": item.data, "id": item.id, "retry": item.retry}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sseparse", description="Decode Server-Sent Event streams."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="replay the embedded recorded LLM stream")
    demo.add_argument(
        "--delay",
        type=float,
        default=0.03,
        help="seconds between reads (default 0.03; 0 for no pacing)",
    )
    events = sub.add_parser("events", help="print a stream's events as JSON lines")
    events.add_argument("file", help="a file of raw event-stream bytes, or - for stdin")
    events.add_argument("--comments", action="store_true", help="print comments too")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _run_demo(args, sys.stdout)
        return _run_events(args, sys.stdout)
    except SseparseError as exc:
        sys.stderr.write(f"sseparse: {exc}\n")
        return 2
    except BrokenPipeError:  # e.g. `sseparse events x | head`
        return 0
