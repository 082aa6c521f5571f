"""Seed corpora from ``tests/data/`` and the byte-level mutations of the smoke.

The corpora are built at run time from the recorded streams the test suite
already keeps (``tests/data/<protocol>/*.sse`` and the JSON documents next to
them), so they never drift from those files and nothing is stored twice; the
HTTP corpus wraps the same captures in responses of every framing and coding
the connection reads, after the hand-written seeds of ``fuzz_http.py``.
``python -m fuzz --write-corpus DIR`` writes them out for atheris.

A mutation is a few edits of one seed, each chosen by a ``random.Random``: a
bit flipped, bytes inserted (random or a token of the formats: line ends,
field names, JSON punctuation, invalid UTF-8), a range deleted, a range of
another seed spliced in, an event (a block up to a blank line) duplicated, or
the input cut anywhere.  Every edit is described in words, so a report says
how an input was made as well as what it is.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from fuzz_http import SEEDS

if TYPE_CHECKING:
    import random
    from collections.abc import Callable

__all__ = [
    "DATA",
    "PROTOCOLS",
    "Seed",
    "http_responses",
    "json_documents",
    "mutate",
    "sse_captures",
]

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
PROTOCOLS = ("openai_chat", "anthropic_messages", "openai_responses")
# A JSON document larger than this is left out: the smoke feeds its inputs
# character by character, and the big ones add time, not paths.
_MAX_JSON_BYTES = 16 * 1024

#: A corpus entry: where it comes from (a path under tests/data, or a name) and
#: its bytes.
Seed = tuple[str, bytes]


def _name(path: Path) -> str:
    return path.relative_to(DATA.parent.parent).as_posix()


def sse_captures(*protocols: str) -> list[Seed]:
    """The recorded ``.sse`` streams of *protocols* (all three by default)."""
    seeds = [
        (_name(path), path.read_bytes())
        for protocol in protocols or PROTOCOLS
        for path in sorted((DATA / protocol).glob("*.sse"))
    ]
    if not seeds:
        raise FileNotFoundError(f"no .sse captures under {DATA}")
    return seeds


def json_documents() -> list[Seed]:
    """The JSON files of ``tests/data/`` and the ``data`` of every captured event.

    Goldens and manifests are whole documents of every JSON type; the event
    payloads are the small objects the accumulators parse.  Payloads that are
    not JSON (``[DONE]``) stay in: the parser must refuse them cleanly.
    """
    seeds = [
        (_name(path), path.read_bytes())
        for path in sorted(DATA.glob("*/*.json"))
        if path.stat().st_size <= _MAX_JSON_BYTES
    ]
    shapes: set[str] = set()
    for name, stream in sse_captures():
        for number, line in enumerate(stream.splitlines()):
            if line.startswith(b"data:"):
                body = line[5:].strip()
                shape = _shape(body)
                if shape not in shapes:
                    shapes.add(shape)
                    seeds.append((f"{name} line {number + 1}", body))
    return seeds


def _shape(body: bytes) -> str:
    """One payload of each type and set of keys is enough (most captured
    events are deltas that differ only in their text)."""
    try:
        payload = json.loads(body)
    except ValueError:
        return repr(body)
    if type(payload) is not dict:
        return type(payload).__name__
    return repr((payload.get("type"), payload.get("object"), sorted(payload)))


def _head(*lines: bytes) -> bytes:
    return b"".join(line + b"\r\n" for line in lines) + b"\r\n"


def _chunked(body: bytes, size: int) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


_OK = b"HTTP/1.1 200 OK"
_SSE = b"Content-Type: text/event-stream"


def _by_length(body: bytes) -> bytes:
    return _head(_OK, _SSE, b"Content-Length: %d" % len(body)) + body


def _by_chunks(body: bytes) -> bytes:
    return _head(_OK, _SSE, b"Transfer-Encoding: chunked") + _chunked(body, 997)


def _by_close(body: bytes) -> bytes:
    return _head(_OK, _SSE) + body


def _gzip_chunked(body: bytes) -> bytes:
    packed = gzip.compress(body, mtime=0)
    head = _head(_OK, _SSE, b"Content-Encoding: gzip", b"Transfer-Encoding: chunked")
    return head + _chunked(packed, 512)


def _deflate(body: bytes) -> bytes:
    packed = zlib.compress(body)
    head = _head(_OK, _SSE, b"Content-Encoding: deflate")
    return head + b"Content-Length: %d\r\n" % len(packed) + packed


def _rejected(body: bytes) -> bytes:
    error = json.dumps({"error": {"message": "overloaded"}}).encode()
    head = _head(b"HTTP/1.1 529 Overloaded", b"Content-Type: application/json")
    return head + error + body[:64]


_FRAMINGS: tuple[Callable[[bytes], bytes], ...] = (
    _by_length,
    _by_chunks,
    _by_close,
    _gzip_chunked,
    _deflate,
    _rejected,
)


def http_responses() -> list[Seed]:
    """Responses (without the options byte): ``fuzz_http.SEEDS``, then every
    capture in a framing that its position chooses (length, chunked, close,
    gzip, deflate, a rejected 529)."""
    seeds = [
        (f"fuzz_http.SEEDS[{i}]", response) for i, (_, response) in enumerate(SEEDS)
    ]
    for i, (name, body) in enumerate(sse_captures()):
        framing = _FRAMINGS[i % len(_FRAMINGS)]
        kind = framing.__name__.lstrip("_").removeprefix("by_")
        seeds.append((f"{name} ({kind})", framing(body)))
    return seeds


# -- mutations --------------------------------------------------------------------

_TOKENS = (
    b"\n",
    b"\r",
    b"\r\n",
    b"\n\n",
    b":",
    b": ",
    b"data: ",
    b"event: ",
    b"id: ",
    b"retry: ",
    b"[DONE]",
    b"{",
    b"}",
    b"[",
    b"]",
    b'"',
    b",",
    b"\\",
    b"\\u",
    b"\\ud83d",
    b"0",
    b"-",
    b"1e999",
    b"null",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\xef\xbb\xbf",
    b"\xf0\x9f\x98",
    b"\r\n\r\n",
    b"0\r\n\r\n",
    b"HTTP/1.1 ",
)


def _span(size: int, rng: random.Random) -> tuple[int, int]:
    """A range of at most about a tenth of *size* (small ranges favoured)."""
    start = rng.randrange(size + 1)
    length = min(size - start, int(rng.paretovariate(1.2)) - 1 + rng.randrange(4))
    return start, start + max(0, length)


def _blocks(data: bytes) -> list[tuple[int, int]]:
    """The ranges of the blocks (events) of *data*, each with its blank line."""
    ranges: list[tuple[int, int]] = []
    start = 0
    while True:
        end = data.find(b"\n\n", start)
        if end < 0:
            return ranges
        ranges.append((start, end + 2))
        start = end + 2


def mutate(
    data: bytes, rng: random.Random, donors: list[Seed], edits: int
) -> tuple[bytes, list[str]]:
    """Apply *edits* random edits to *data*; the result and what was done."""
    out = bytearray(data)
    done: list[str] = []
    for _ in range(edits):
        kind = rng.choice(
            ("flip", "insert", "token", "delete", "splice", "duplicate", "cut")
        )
        size = len(out)
        if kind == "flip" and size:
            at = rng.randrange(size)
            bit = 1 << rng.randrange(8)
            out[at] ^= bit
            done.append(f"flip bit {bit:#04x} at {at}")
        elif kind == "insert":
            at = rng.randrange(size + 1)
            piece = rng.randbytes(rng.randrange(1, 9))
            out[at:at] = piece
            done.append(f"insert {piece!r} at {at}")
        elif kind == "token":
            at = rng.randrange(size + 1)
            piece = rng.choice(_TOKENS) * rng.choice((1, 1, 1, 2, 3, 200))
            out[at:at] = piece
            done.append(f"insert {piece[:40]!r} ({len(piece)} bytes) at {at}")
        elif kind == "delete" and size:
            start, end = _span(size, rng)
            del out[start:end]
            done.append(f"delete [{start}:{end}]")
        elif kind == "splice" and donors:
            name, donor = rng.choice(donors)
            start, end = _span(len(donor), rng)
            at = rng.randrange(size + 1)
            out[at:at] = donor[start:end]
            done.append(f"splice {name}[{start}:{end}] at {at}")
        elif kind == "duplicate":
            blocks = _blocks(bytes(out))
            if blocks:
                start, end = rng.choice(blocks)
                copies = rng.choice((1, 1, 2, 8))
                out[end:end] = out[start:end] * copies
                done.append(f"duplicate the event [{start}:{end}] x{copies}")
        elif kind == "cut" and size:
            at = rng.randrange(size)
            del out[at:]
            done.append(f"cut at {at}")
    return bytes(out), done
