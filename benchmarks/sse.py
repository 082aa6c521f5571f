"""SSE decoding: sseparse's decoder against the SSE decoders of popular clients.

Every implementation gets the list of network reads, feeds them in order,
signals the end of input and returns every decoded event, materialised; the
check compares each event's ``data`` with the expected strings.  The peers are
driven as their own streaming code drives them: httpx-sse through httpx's
incremental UTF-8 decoder and its line decoder, openai's and anthropic's
``SSEDecoder().iter_bytes``, sseclient-py's ``SSEClient(...).events()``.
"""

from __future__ import annotations

import base64
import codecs
import functools
import importlib
import json
import random
from typing import TYPE_CHECKING, Any, NamedTuple

from benchmarks._harness import (
    KIB,
    MIB,
    SEED,
    Case,
    Goal,
    Impl,
    Layer,
    Run,
    Scaling,
    Work,
)
from sseparse import SSEDecoder

if TYPE_CHECKING:
    from collections.abc import Sequence

# --------------------------------------------------------------------------- #
# implementations
# --------------------------------------------------------------------------- #


def decode_reads(reads: Sequence[bytes]) -> list[Any]:
    """Every event of the reads, by sseparse's decoder (the transport layer's
    floor uses it too)."""
    decoder = SSEDecoder()
    feed = decoder.feed
    events: list[Any] = []
    for read in reads:
        out = feed(read)
        if out:
            events.extend(out)
    events.extend(decoder.close())
    return events


def _sseparse() -> Run:
    return decode_reads


def _httpx_sse() -> Run:
    decoders: Any = importlib.import_module("httpx_sse._decoders")
    utf8 = codecs.getincrementaldecoder("utf-8")

    def run(reads: Sequence[bytes]) -> list[Any]:
        text_decoder = utf8(errors="replace")
        lines = decoders.SSELineDecoder()
        decoder = decoders.SSEDecoder()
        events: list[Any] = []

        def emit(batch: list[str]) -> None:
            for line in batch:
                event = decoder.decode(line.rstrip("\n"))
                if event is not None:
                    events.append(event)

        for read in reads:
            text = text_decoder.decode(read)
            if text:  # httpx's TextChunker drops empty texts
                emit(lines.decode(text))
        tail = text_decoder.decode(b"", True)
        emit((lines.decode(tail) if tail else []) + lines.flush())
        return events

    return run


def _sdk(module: str) -> Run:
    decoder_cls: Any = importlib.import_module(module).SSEDecoder

    def run(reads: Sequence[bytes]) -> list[Any]:
        return list(decoder_cls().iter_bytes(iter(reads)))

    return run


def _sseclient() -> Run:
    client_cls: Any = importlib.import_module("sseclient").SSEClient

    def run(reads: Sequence[bytes]) -> list[Any]:
        return list(client_cls(iter(reads)).events())

    return run


class _Data(NamedTuple):
    data: str


def _copy_floor() -> Run:
    """The least any decoder does with one long line: append each read to a
    buffer, look for a line end in it, decode the line once."""

    def run(reads: Sequence[bytes]) -> list[_Data]:
        buf = bytearray()
        for read in reads:
            buf += read
            buf.find(b"\n", len(buf) - len(read))
        return [_Data(str(memoryview(buf)[6:-2], "utf-8"))]

    return run


SSEPARSE = Impl("sseparse", _sseparse, role="sseparse")
COPY_FLOOR = Impl("append + find + decode", _copy_floor, role="floor")
IMPLS = (
    SSEPARSE,
    Impl("httpx-sse", _httpx_sse, "httpx-sse"),
    Impl("openai", lambda: _sdk("openai._streaming"), "openai"),
    Impl("anthropic", lambda: _sdk("anthropic._streaming"), "anthropic"),
    Impl("sseclient-py", _sseclient, "sseclient-py"),
)

# --------------------------------------------------------------------------- #
# workloads
# --------------------------------------------------------------------------- #

_WORDS = (
    " the", " a", " of", " stream", " event", " token", " data", " model", "ing",
    "ed", ".", ",", "\n", " `", "    ", "return", ' "', "\\", " {", "}", " 42",
)  # fmt: skip
_NON_ASCII = (" café", " Straße", " —", "…", " 日本", "語", " Привет", " 🙂", " 🚀")


def chat_stream(n_events: int) -> tuple[bytes, list[str]]:
    """An OpenAI chat stream of ``n_events`` token chunks and ``[DONE]``."""
    rng = random.Random(SEED)
    datas: list[str] = []
    for i in range(n_events):
        pool = _NON_ASCII if rng.random() < 0.08 else _WORDS
        delta: dict[str, str] = {"content": rng.choice(pool)}
        if i == 0:
            delta = {"role": "assistant", "content": ""}
        chunk = {
            "id": "chatcmpl-Bq7fX2bS0mYk3LwJ9pQe1RtUvZa4c",
            "object": "chat.completion.chunk",
            "created": 1_795_000_000 + i // 400,
            "model": "gpt-4o-mini",
            "system_fingerprint": "fp_a1b2c3d4e5",
            "choices": [
                {
                    "index": 0,
                    "delta": delta,
                    "logprobs": None,
                    "finish_reason": "stop" if i == n_events - 1 else None,
                }
            ],
        }
        datas.append(json.dumps(chunk, ensure_ascii=False, separators=(",", ":")))
    datas.append("[DONE]")
    body = b"".join(b"data: " + d.encode() + b"\n\n" for d in datas)
    return body, datas


def split(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def prefix(body: bytes, datas: list[str], limit: int) -> tuple[bytes, list[str]]:
    """The whole events within the first ``limit`` bytes of a stream."""
    end = body.rfind(b"\n\n", 0, limit) + 2
    count = body.count(b"\n\n", 0, end)
    return body[:end], datas[:count]


def big_line(size: int) -> tuple[bytes, list[str]]:
    """One event whose only ``data:`` line carries ``size`` bytes of base64."""
    raw = random.Random(SEED).randbytes(size * 3 // 4 + 3)
    value = base64.b64encode(raw)[:size].decode("ascii")
    return b"data: " + value.encode("ascii") + b"\n\n", [value]


def _check(expected: list[str], events: list[Any]) -> None:
    got = [e.data for e in events]
    if got != expected:
        raise AssertionError(
            f"{len(got)} events, expected {len(expected)}, or data differ"
        )


def _work(pair: tuple[bytes, list[str]], size: int, amount: float) -> Work:
    return Work(split(pair[0], size), pair[1], amount)


def layer(quick: bool) -> Layer:
    n_events = 2_000 if quick else 20_000
    line = 256 * KIB if quick else 4 * MIB
    impls = IMPLS
    chat = functools.cache(lambda: chat_stream(n_events))
    long_chat = functools.cache(lambda: chat_stream(4_000))
    small, big = (4 * KIB, 64 * KIB) if quick else (12_800, 204_800)
    return Layer(
        name="sse",
        title="SSE decoding: sseparse.sse",
        intro=__doc__ or "",
        cases=[
            Case(
                "chat",
                f"chat stream, {n_events:,} token events + [DONE], 4 KiB reads",
                lambda: _work(chat(), 4 * KIB, n_events + 1),
                impls,
                unit="events",
                check=_check,
            ),
            Case(
                "big-line",
                f"one event, one {line / MIB:g} MiB data: line, 1460-byte reads",
                lambda: _work(big_line(line), 1460, line / 1e6),
                [*impls, COPY_FLOOR],
                unit="MB",
                check=_check,
            ),
        ],
        scalings=[
            Scaling(
                "bytewise",
                "a chat stream's first N bytes (whole events), 1-byte reads",
                [small * 2**k for k in range(5)],
                lambda n: _work(prefix(*long_chat(), n), 1, n),
                impls,
                check=_check,
                check_sizes=(small, big),
            ),
            Scaling(
                "big-line",
                "one data: line of N bytes, 1460-byte reads",
                [line // 16 * 2**k for k in range(5)],
                lambda n: _work(big_line(n), 1460, n),
                [*impls, COPY_FLOOR],
                check=_check,
                # below the sizes where memory itself bends the curve (the floor)
                check_sizes=(line // 64, line // 4),
            ),
        ],
        notes=(
            "Reading: a line of several MiB costs more per byte than a short"
            " one for everybody, sseparse and the floor (append every read to"
            " one buffer, decode the line once) alike: the buffer outgrows the"
            " CPU caches and its reallocations fault in fresh pages.  The"
            " anthropic and sseclient-py decoders are quadratic on it (slope"
            " near 2): each read is appended to an immutable ``bytes``"
            " (``data += line``), which copies the whole line so far."
        ),
        goals=[
            Goal(
                "chat stream: at least 2x the fastest peer",
                "ratio:chat:*peers/sseparse",
                ">=",
                2.0,
            ),
            Goal(
                "4 MiB data: line: at least 2x the fastest peer",
                "ratio:big-line:*peers/sseparse",
                ">=",
                2.0,
            ),
            Goal(
                "1-byte reads stay linear: 16x the bytes, at most 20x the CPU time",
                "growth:bytewise:sseparse",
                "<=",
                20.0,
            ),
        ],
    )
