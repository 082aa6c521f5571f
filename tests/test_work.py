"""The work meter of the growth tests (``tests/_work.py``) keeps its promises.

1. Table: toy buffers, each linear or quadratic in one known way; the meter reads
   every linear one as linear and fails every quadratic one on the counter that
   sees its kind of waste.
2. Determinism: two measurements of the same run give the same counts, for any
   chunking (so no machine load can change a verdict).
3. The budget stops a quadratic run early; a profiler already set is restored.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings

from sseparse import SSEDecoder
from sseparse.testing import chunkings
from tests._work import OPERATORS_CHARGED, Work, assert_linear, measure

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
        self.queue: list[bytes] = []
        self.flags: list[bool] = []
        self.seen = 0

    def feed(self, chunk: bytes) -> None:
        self.parts.append(chunk)  # an append to a long list is not a scan
        self.buf += chunk  # grows in place
        self.seen += chunk.count(b"\n")  # the chunk only
        self.buf.startswith(b"data")  # compares a prefix, whatever the length
        self.seen += b"\n" in chunk  # an operator scan of the chunk only
        self.seen += max(chunk)  # a builtin walk of the chunk only
        self.seen += max(len(chunk), len(self.buf))  # two arguments: no walk
        self.queue += (chunk, chunk, chunk, chunk)  # the queue grows ...
        self.queue.pop()  # ... and pops from its end: no shift
        self.queue.pop(-1)
        self.flags.append(False)
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


class _Contains(_Linear):
    def feed(self, chunk: bytes) -> None:
        super().feed(chunk)
        self.seen += b"\r" in self.buf  # an operator: no profiler event


class _Pops(_Linear):
    def feed(self, chunk: bytes) -> None:
        super().feed(chunk)
        self.queue.pop(0)  # shifts everything after the front


class _Inserts(_Linear):
    def feed(self, chunk: bytes) -> None:
        super().feed(chunk)
        self.parts.insert(0, chunk)  # shifts everything


class _Walks(_Linear):
    def feed(self, chunk: bytes) -> None:
        super().feed(chunk)
        self.seen += any(self.flags)  # walks every earlier flag, all False


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
        (_Contains, "scanned"),
        (_Pops, "scanned"),
        (_Inserts, "scanned"),
        (_Walks, "scanned"),
    ],
)
def test_meter_tells_linear_from_quadratic(
    kind: type[_Linear], counter: str | None
) -> None:
    if kind is _Contains and not OPERATORS_CHARGED:
        pytest.skip("this Python's bytecode is not read: operators go unseen")
    run = functools.partial(_steps, kind)
    # the toys live here: their operators and builtin walks are charged
    little, big, roots = _chunks(200), _chunks(16 * 200), (__file__,)
    if counter is None:
        ratios = assert_linear(run, little, big, roots=roots)
        # about 16; allocation a little more: containers over-allocate in steps
        assert all(ratio < 20 for ratio in ratios.values()), ratios
    else:
        with pytest.raises(AssertionError, match=f"got {counter} "):
            assert_linear(run, little, big, roots=roots)


def test_operators_are_charged_on_the_python_of_ci() -> None:
    if sys.version_info[:2] == (3, 11):
        assert OPERATORS_CHARGED


class _Slotted:
    __slots__ = ("buf",)

    def __init__(self) -> None:
        self.buf = b"x" * 1000


class _Computed:
    """A container behind a property: reading it would run (and charge) code."""

    reads = 0

    @property
    def buf(self) -> bytes:
        type(self).reads += 1
        return b"x" * 1000


_TABLE = [0] * 500  # a global list may grow: charged
_FIXED = b"y" * 500  # a global bytes cannot (unless rebound): not traced


def _containers(slotted: _Slotted, computed: _Computed, local: list[int]) -> int:
    found = 0
    found += b"z" in slotted.buf  # a slot: 1000
    found += 7 in local  # a local list: 100
    found += 7 in _TABLE  # a global list: 500
    found += b"z" in _FIXED  # a global bytes: not charged
    found += 7 in set(local)  # a hashed container (and a call): not charged
    found += 7 in {7: 7}  # a dict: a lookup, not charged
    found += b"z" in computed.buf  # a property: not read, not charged
    return found


@pytest.mark.skipif(not OPERATORS_CHARGED, reason="operators go unseen here")
def test_operator_charges_name_slot_and_global_never_runs_code() -> None:
    slotted, computed, local = _Slotted(), _Computed(), list(range(100))
    plain = measure(lambda: [lambda: _containers(slotted, computed, local)], roots=())
    assert _Computed.reads == 2  # the profiled run and the traced one
    work = measure(
        lambda: [lambda: _containers(slotted, computed, local)], roots=(__file__,)
    )
    assert _Computed.reads == 4, "the meter read a property"
    assert work.scanned - plain.scanned == 1000 + 100 + 500
    assert work.calls == plain.calls


def _walk(items: list[int], pairs: dict[int, int]) -> int:
    return max(items) + sum(items) + len(sorted(pairs)) + min(3, 4)


def test_walking_builtins_charge_their_argument_here_only() -> None:
    items, pairs = list(range(100)), dict.fromkeys(range(30), 0)
    plain = measure(lambda: [lambda: _walk(items, pairs)], roots=())
    work = measure(lambda: [lambda: _walk(items, pairs)], roots=(__file__,))
    assert work.scanned - plain.scanned == 100 + 100 + 30  # min(3, 4): nothing
    assert max(items) == 99, "the builtins are restored after the run"
    assert "max" not in globals()


def _decode(chunks: list[bytes]) -> Iterator[Callable[[], object]]:
    decoder = SSEDecoder()
    for chunk in chunks:
        yield functools.partial(decoder.feed, chunk)
    yield decoder.close


# a few small objects (a dict is 64 bytes); the runs here allocate tens of KiB
_FREE_LIST_SLACK = 512

_STREAM = b'data: {"a": 1}\r\n\r\nid: 7\ndata: x\ndata: y\n\n: c\nretry: 5\n\n' * 8


@settings(max_examples=20)
@given(chunking=chunkings(_STREAM))
def test_counts_are_the_same_every_time(chunking: list[bytes]) -> None:
    first = measure(lambda: _decode(chunking))
    second = measure(lambda: _decode(chunking))
    assert dataclasses.replace(first, allocated=0) == dataclasses.replace(
        second, allocated=0
    )
    # whether a step's new dict or list comes from a free list (untraced) or
    # from malloc depends on what ran before: a few objects, never a growth
    assert abs(first.allocated - second.allocated) <= _FREE_LIST_SLACK, (first, second)
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
