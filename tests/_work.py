"""A deterministic work meter for the growth (linearity) tests.

Timing N against 16 N fails on a busy machine: two memory-bound processes beside
the test tripled the measured ratio of a linear decoder.  This meter counts work
instead, so its figures are the same on a quiet machine and a loaded one, run
after run.  It runs the same steps (one ``feed`` each, say) twice, counting:

* ``calls``: with :func:`sys.setprofile`, every Python-level call and every call
  of a builtin function or method.  A per-byte loop, a re-parse of the whole
  text or a walk over every earlier fragment shows up here.
* ``scanned``: in the same pass, a builtin method called on a ``str``, ``bytes``,
  ``bytearray``, ``memoryview``, ``list``, ``tuple``, ``dict`` or ``set`` is
  charged the length of that object (``buf.find(b"\\n")``, ``buf.decode()``,
  ``parts.copy()``, ...).  This is an upper bound: the profiler does not show
  the arguments, so a search that starts at an offset is charged the whole
  object.  Methods whose cost never depends on the object's length
  (``list.append``, ``dict.get``, ``str.startswith``, ...) are charged nothing;
  without that, appending to a long list would read as quadratic.
* ``allocated``: with :mod:`tracemalloc`, the sum over the steps of the peak of
  traced memory during the step above the memory at its start.  Operators raise
  no profiler event, so this is what sees a copy made by ``+``, ``+=`` on a
  shared string, slicing, ``bytes(buf)`` or a ``join`` of a growing list: each
  one allocates the whole text again.  Growing a buffer in place (a
  ``bytearray``, or a ``str`` that has one reference) is charged only what it
  grows by, because ``tracemalloc`` counts a ``realloc`` as its size change.

The two runs are separate (see :func:`measure`) so that neither meter's own
allocations or calls are charged to the other.  The cyclic garbage collector is
off while the steps run: when it runs depends on what earlier tests left behind,
and a collection may call finalizers, so it would make the counts vary.

What no counter sees: a scan by an operator (``b"\n" in buf``) or by a compiled
regex (``pattern.search(text)``) over a long buffer kept across steps, when it
allocates nothing.  Hardware counters would, but ``perf_event_open`` is not
available everywhere CI runs.

A quadratic implementation gets a budget (``bound`` times the small input's
work): both runs stop at the first step past it, so a failing test fails in about
the time a passing one takes instead of running for minutes.
"""

from __future__ import annotations

import dataclasses
import gc
import sys
import tracemalloc
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from types import FrameType

__all__ = ["Work", "assert_linear", "measure"]

T = TypeVar("T")

# Containers whose builtin methods are charged the container's length.
_SIZED = (str, bytes, bytearray, memoryview, list, tuple, dict, set, frozenset)

# Methods whose cost does not grow with the length of the object they are called
# on: O(1), O(argument) or O(result), amortised.  Charging them the object's
# length would read a linear implementation as quadratic (one append to a long
# list is not a scan of it).  ``clear`` frees what earlier appends added, so it
# costs no more than they did.
_CHEAP = frozenset(
    {
        "__contains__",  # hashed containers; sequences override below
        "__getitem__",
        "__len__",
        "__setitem__",
        "__delitem__",
        "add",
        "append",
        "clear",
        "discard",
        "endswith",  # compares the suffix only
        "extend",
        "get",
        "items",
        "keys",
        "pop",
        "popitem",
        "release",
        "remove",  # set.remove; list.remove is charged below
        "setdefault",
        "startswith",  # compares the prefix only
        "update",
        "values",
        "__enter__",
        "__exit__",
    }
)
# Of the names above, the ones that scan when the object is a sequence.
_SEQUENCE_SCANS = frozenset({"__contains__", "remove"})
_SEQUENCES = (str, bytes, bytearray, memoryview, list, tuple)


@dataclasses.dataclass(frozen=True)
class Work:
    """What a run of steps cost, in deterministic units.

    Attributes:
        calls: Python-level calls plus calls of builtin functions and methods.
        scanned: the summed lengths of the containers builtin methods ran on.
        allocated: bytes; per step, the peak of traced memory above its start.
        steps: how many steps ran (fewer than given when a budget stopped them).
        stopped: a budget stopped the run early.
    """

    calls: int
    scanned: int
    allocated: int
    steps: int
    stopped: bool = False

    def counters(self) -> dict[str, int]:
        """The three counters by name."""
        return {
            "calls": self.calls,
            "scanned": self.scanned,
            "allocated": self.allocated,
        }


def _charge(builtin: Any) -> int:
    """The scan cost charged to one call of *builtin*."""
    owner = getattr(builtin, "__self__", None)
    if not isinstance(owner, _SIZED):
        return 0
    name = builtin.__name__
    if name in _CHEAP and not (
        name in _SEQUENCE_SCANS and isinstance(owner, _SEQUENCES)
    ):
        return 0
    if name == "isascii" and isinstance(owner, str):
        return 0  # a flag of the string object, not a scan
    return len(owner)


def _profiler() -> tuple[Callable[[FrameType, str, Any], None], list[int]]:
    """A ``sys.setprofile`` hook and its counters, ``[calls, scanned]``.

    A plain function with its counters in a list: the hook runs on every event,
    and a method or ``nonlocal`` cells would make the profiled runs slower.
    """
    counts = [0, 0]

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            counts[0] += 1
        elif event == "c_call":
            counts[0] += 1
            counts[1] += _charge(arg)

    return hook, counts


def measure(
    make_steps: Callable[[], Iterable[Callable[[], object]]],
    *,
    budget: Work | None = None,
) -> Work:
    """Count the work of running the steps that *make_steps* yields.

    Two runs go in lockstep, each on its own steps: step *i* of the first under
    the profiler, then step *i* of the second under ``tracemalloc`` alone.  Each
    meter sees only its own run, and a budget that one of them exceeds stops
    both at once.

    Args:
        make_steps: called once per run; returns the steps of one run from a
            fresh start (a new decoder, say), each a call without arguments.
            Whatever the iterable does between steps is not charged.
        budget: stop at the first step after which a counter exceeds the
            budget's (and mark the result ``stopped``).

    Returns:
        The counters of the two runs.
    """
    profiler, counts = _profiler()
    previous = sys.getprofile()  # a profiler of the test run itself, if any
    allocated = count = 0
    stopped = False
    enabled = gc.isenabled()
    was_tracing = tracemalloc.is_tracing()
    gc.disable()
    if not was_tracing:
        tracemalloc.start()
    try:
        for profiled, traced in zip(make_steps(), make_steps(), strict=True):
            sys.setprofile(profiler)
            try:
                profiled()
            finally:
                sys.setprofile(previous)
            start = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            traced()  # its result is dropped here, inside the step's peak
            allocated += tracemalloc.get_traced_memory()[1] - start
            count += 1
            if budget is not None and (
                counts[0] > budget.calls
                or counts[1] > budget.scanned
                or allocated > budget.allocated
            ):
                stopped = True
                break
    finally:
        if not was_tracing:
            tracemalloc.stop()
        if enabled:
            gc.enable()
    return Work(counts[0], counts[1], allocated, count, stopped)


def assert_linear(
    run: Callable[[T], Iterable[Callable[[], object]]],
    small: T,
    big: T,
    *,
    factor: int = 16,
    bound: float = 40,
) -> dict[str, float]:
    """Assert that ``run(big)`` costs less than *bound* times ``run(small)``.

    *big* is *factor* times the size of *small*.  Linear work gives about
    *factor* on every counter, quadratic work about *factor* squared; the default
    bound of 40 for a factor of 16 sits between the two, far from both.  The big
    run is stopped once it passes *bound* times the small run's work.

    Args:
        run: a generator function: from a fresh start (a new decoder, say), one
            step per feed, each a call without arguments.
        small: the input of the small run.
        big: the input of the big run.
        factor: how many times bigger *big* is.
        bound: the growth that fails the test.

    Returns:
        The ratio of each counter (big over small), for reporting.

    Raises:
        AssertionError: a counter grew by *bound* or more; the message gives
            every counter of both runs.
    """
    little = measure(lambda: run(small))
    limit = Work(
        calls=int(bound * max(little.calls, 1)),
        scanned=int(bound * max(little.scanned, 1)),
        allocated=int(bound * max(little.allocated, 1)),
        steps=0,
    )
    large = measure(lambda: run(big), budget=limit)
    ratios = {
        name: value / max(little.counters()[name], 1)
        for name, value in large.counters().items()
    }
    over = {name: ratio for name, ratio in ratios.items() if ratio >= bound}
    where = (
        f", stopped by the budget after {large.steps} steps" if large.stopped else ""
    )
    assert not over, (
        f"expected {factor}x the input to cost less than {bound}x the work on "
        f"every counter, got {_fmt(over)}{where}; small run {little}, big run {large}"
    )
    return ratios


def _fmt(ratios: dict[str, float]) -> str:
    return ", ".join(f"{name} {ratio:.1f}x" for name, ratio in ratios.items())
