"""Lines longer than the decoder's long-line threshold (64 KiB).

A partial line that long is decoded on its own when its line end arrives
(``SSEDecoder._end_long_line``).  Fed whole, the same bytes take the ordinary
block path, so comparing the two checks the long-line path against it.
"""

from __future__ import annotations

import random

import pytest

from sseparse import Comment, LimitExceeded, Limits, ServerSentEvent, SSEDecoder

BIG = 200_000  # well past the 64 KiB threshold


def _decode(
    chunks: list[bytes], limits: Limits | None = None
) -> tuple[list[ServerSentEvent | Comment], str, bool]:
    decoder = SSEDecoder(comments=True, limits=limits)
    items = [item for chunk in chunks for item in decoder.feed(chunk)]
    items += decoder.close()
    return items, decoder.last_event_id, decoder.truncated


def _chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


STREAMS = {
    "data-line": b"data: " + b"x" * BIG + b"\n\ndata: after\n\n",
    "data-line-multibyte": b"data: " + "é€😀".encode() * (BIG // 9) + b"\n\n",
    "data-no-space": b"data:" + b"y" * BIG + b"\n\n",
    "two-data-lines": b"data: " + b"a" * BIG + b"\ndata: " + b"b" * BIG + b"\n\n",
    "crlf": b"id: 7\r\ndata: " + b"z" * BIG + b"\r\n\r\nevent: e\r\ndata: t\r\n\r\n",
    "cr-only": b"data: " + b"q" * BIG + b"\r\r",
    "comment": b": " + b"c" * BIG + b"\ndata: x\n\n",
    "event-type": b"event: " + b"e" * BIG + b"\ndata: x\n\n",
    "id": b"id: " + b"i" * BIG + b"\ndata: x\n\n",
    "unknown-field": b"f" * BIG + b"\ndata: x\n\n",
    "invalid-utf8": b"data: " + b"\xff\xfe" * (BIG // 2) + b"\xe2\x82\n\n",
    "cut-at-end": b"data: ok\n\ndata: " + b"w" * BIG,
    "followed-by-many": b"data: " + b"m" * BIG + b"\n\n" + b"data: n\n\n" * 500,
}


@pytest.mark.parametrize("name", sorted(STREAMS))
@pytest.mark.parametrize("size", [1, 1460, 4096, 65_537, 300_000])
def test_long_lines_agree_with_whole_feeding(name: str, size: int) -> None:
    data = STREAMS[name]
    if size == 1 and len(data) > 250_000:
        data = data[:250_000]  # keep byte-by-byte feeding quick
    assert _decode(_chunked(data, size)) == _decode([data])


@pytest.mark.parametrize("seed", range(5))
def test_long_lines_random_chunkings(seed: int) -> None:
    rng = random.Random(seed)
    data = b"".join(STREAMS[name] for name in sorted(STREAMS))
    cuts = sorted(rng.sample(range(1, len(data)), 300))
    chunks = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    assert _decode(chunks) == _decode([data])


def test_long_data_line_value() -> None:
    items, _, truncated = _decode(_chunked(STREAMS["data-line-multibyte"], 1460))
    assert items == [ServerSentEvent(data="é€😀" * (BIG // 9))]
    assert truncated is False


def test_long_line_limit_is_checked_when_it_ends() -> None:
    # The line end and the byte past the limit arrive in the same chunk.
    limits = Limits(max_line_bytes=100_000)
    decoder = SSEDecoder(limits=limits)
    decoder.feed(b"data: " + b"x" * 99_000)
    with pytest.raises(LimitExceeded) as info:
        decoder.feed(b"x" * 2_000 + b"\n\n")
    assert info.value.limit == "max_line_bytes"
    assert info.value.observed == 101_006
