"""The work meter of the growth tests (``tests/_work.py``) keeps its promises.

1. Table: toy buffers, each linear or quadratic in one known way; the meter reads
   every linear one as linear and fails every quadratic one on the counter that
   sees its kind of waste.
2. Determinism: two measurements of the same run give the same counts, for any
   chunking (so no machine load can change a verdict).
3. The budget stops a quadratic run early; a profiler already set is restored.
"""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings

from sseparse import SSEDecoder
from sseparse.testing import chunkings
from tests._work import Work, assert_linear, measure

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import FrameType


def _visit(fragment: bytes) -> None:
    """Python-level work per fragment (a stand-in for a per-token handler)."""


class _Linear:
    """Frames on a bytearray, scans only the new chunk, keeps fragments."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.parts: list[bytes] = []
        self.seen = 0

    def feed(self, chunk: bytes) -> None:
        self.parts.append(chunk)  # an append to a long list is not a scan
        self.buf += chunk  # grows in place
        self.seen += chunk.count(b"\n")  # the chunk only
        self.buf.startswith(b"data")  # compares a prefix, whatever the length
        _visit(chunk)


class _Calls(_Linear):
    def feed(self, chunk: bytes) -> None:
        super().feed(chunk)
        for part in self.parts:  # walks every earlier fragment again
            _visit(part)


class _Scans(_Linear):
    def feed(self, chunk: bytes) -> None:
        super().feed(chunk)
        self.seen = self.buf.count(b"\n")  # rescans from the start


class _Copies(_Linear):
    def feed(self, chunk: bytes) -> None:
        super().feed(chunk)
        self.buf = bytearray(bytes(self.buf))  # a copy: no profiler event


class _Joins(_Linear):
    def feed(self, chunk: bytes) -> None:
        super().feed(chunk)
        self.text = b"".join(self.parts)  # the separator is empty: no scan charged


def _steps(kind: type[_Linear], chunks: list[bytes]) -> Iterator[Callable[[], object]]:
    machine = kind()
    for chunk in chunks:
        yield functools.partial(machine.feed, chunk)


def _chunks(count: int) -> list[bytes]:
    return [b"data: abc\n" * 4] * count


@pytest.mark.parametrize(
    ("kind", "counter"),
    [
        (_Linear, None),
        (_Calls, "calls"),
        (_Scans, "scanned"),
        (_Copies, "allocated"),
        (_Joins, "allocated"),
    ],
)
def test_meter_tells_linear_from_quadratic(
    kind: type[_Linear], counter: str | None
) -> None:
    run = functools.partial(_steps, kind)
    if counter is None:
        ratios = assert_linear(run, _chunks(200), _chunks(16 * 200))
        # about 16; allocation a little more: containers over-allocate in steps
        assert all(ratio < 20 for ratio in ratios.values()), ratios
    else:
        with pytest.raises(AssertionError, match=f"got {counter} "):
            assert_linear(run, _chunks(200), _chunks(16 * 200))


def _decode(chunks: list[bytes]) -> Iterator[Callable[[], object]]:
    decoder = SSEDecoder()
    for chunk in chunks:
        yield functools.partial(decoder.feed, chunk)
    yield decoder.close


_STREAM = b'data: {"a": 1}\r\n\r\nid: 7\ndata: x\ndata: y\n\n: c\nretry: 5\n\n' * 8


@settings(max_examples=20)
@given(chunking=chunkings(_STREAM))
def test_counts_are_the_same_every_time(chunking: list[bytes]) -> None:
    first = measure(lambda: _decode(chunking))
    second = measure(lambda: _decode(chunking))
    assert first == second
    assert first.calls
    assert first.allocated


def test_budget_stops_a_quadratic_run() -> None:
    budget = measure(lambda: _steps(_Scans, _chunks(100)))
    work = measure(lambda: _steps(_Scans, _chunks(100_000)), budget=budget)
    assert work.stopped
    assert work.steps < 200, work


def test_a_profiler_already_set_is_restored() -> None:
    def outer(frame: FrameType, event: str, arg: Any) -> None:
        pass

    sys.setprofile(outer)
    try:
        measure(lambda: _steps(_Linear, _chunks(3)))
        assert sys.getprofile() is outer
    finally:
        sys.setprofile(None)


def test_work_lists_its_counters() -> None:
    work = Work(calls=1, scanned=2, allocated=3, steps=4)
    assert work.counters() == {"calls": 1, "scanned": 2, "allocated": 3}
