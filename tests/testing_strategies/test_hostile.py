"""``hostile_streams()`` reaches a consumer's limits, and ``SSEDecoder`` holds them.

1. Fed in any chunking, ``SSEDecoder(limits=...)`` with the limits the streams
   were sized for decodes a stream or raises ``LimitExceeded`` (nothing else),
   and never holds more than ``max_line_bytes`` of a partial line or
   ``max_event_chars`` of data between feeds; no event it returns is larger.
2. Every attack is drawn, and each limit is reached by some stream while others
   stay just under it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sseparse import Limits, SSEDecoder
from sseparse.errors import LimitExceeded
from sseparse.testing import HOSTILE_KINDS, chunkings, hostile_streams
from tests.helpers import unseen_features

LIMITS = Limits(
    max_line_bytes=1024, max_event_chars=4096, max_retry_digits=300, max_json_depth=50
)
STREAMS = hostile_streams(
    max_line_bytes=LIMITS.max_line_bytes,
    max_event_chars=LIMITS.max_event_chars,
    max_retry_digits=LIMITS.max_retry_digits,
    max_json_depth=LIMITS.max_json_depth,
    max_events=2000,
    max_total_bytes=1 << 18,
)


def _decode(chunks: list[bytes]) -> str | None:
    """Feed *chunks*; the limit raised (or None), checking the bounds on the way."""
    decoder = SSEDecoder(limits=LIMITS, comments=True)
    try:
        for chunk in chunks:
            items = decoder.feed(chunk)
            # Between feeds, the buffers are within the limits.
            assert len(decoder._partial) <= LIMITS.max_line_bytes
            assert decoder._data_chars <= LIMITS.max_event_chars
            for item in items:
                size = len(getattr(item, "data", ""))
                assert size <= LIMITS.max_event_chars
        decoder.close()
    except LimitExceeded as error:
        raised = error
    else:
        return None
    assert raised.maximum == getattr(LIMITS, raised.limit)
    assert raised.observed > raised.maximum
    return raised.limit


@settings(max_examples=60)
@given(STREAMS, st.data())
def test_the_decoder_holds_its_limits(body: bytes, data: st.DataObject) -> None:
    """Only LimitExceeded, in any chunking, and the same outcome in each."""
    whole = _decode([body])
    assert _decode(data.draw(chunkings(body, max_random_cuts=8))) == whole


def _limit(body: bytes) -> str | None:
    return _decode([body])


def test_every_attack_and_every_limit_is_drawn() -> None:
    features: dict[str, Any] = {
        f"limit:{name}": (lambda b, name=name: _limit(b) == name)
        for name in ("max_line_bytes", "max_event_chars", "max_retry_digits")
    }
    features["decoded"] = lambda b: _limit(b) is None
    features["a line just under the limit"] = lambda b: any(
        len(line) == LIMITS.max_line_bytes for line in b.splitlines()
    )
    features["a CR storm"] = lambda b: b"\r" * 1000 in b
    features["deep JSON"] = lambda b: b"[" * LIMITS.max_json_depth in b
    features["JSON one past the depth, within a line"] = lambda b: any(
        line.startswith(b"data: " + b"[" * (LIMITS.max_json_depth + 1))
        and len(line) <= LIMITS.max_line_bytes
        for line in b.splitlines()
    )
    features["JSON 100,000 deep"] = lambda b: b"[" * 100_000 in b
    features["many tiny events"] = lambda b: b.count(b"\n\n") >= 2000 // 10
    features["invalid UTF-8"] = lambda b: not _utf8(b)
    features["a BOM inside"] = lambda b: b"\xef\xbb\xbf" in b[1:]
    features["NUL"] = lambda b: b"\x00" in b
    assert unseen_features(STREAMS, features, budget=2000) == []


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@given(hostile_streams(kinds=("tiny_events",), max_events=50, max_total_bytes=4096))
def test_kinds_and_sizes_are_obeyed(body: bytes) -> None:
    assert len(body) <= 4096
    assert b"\xef\xbb\xbf" not in body


def test_the_kinds_are_the_documented_ones() -> None:
    doc = hostile_streams.__doc__ or ""
    assert all(f"``{kind}``" in doc for kind in HOSTILE_KINDS)
