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
  the arguments, so a search that starts at an offset (``buf.find(b"\\n",
  start)``) is charged the whole object.  If a cursor-based scan ever reads as
  quadratic for that reason, refine this meter, not the test's bound.  Methods
  whose cost never depends on the object's length (``list.append``,
  ``dict.get``, ``str.startswith``, ...) are charged nothing; without that,
  appending to a long list would read as quadratic.  ``list.pop`` and
  ``insert`` (and a bytearray's) shift what follows the index, so they are
  charged the length, except a ``pop()`` or ``pop(-1)`` that the caller's
  bytecode shows (see :func:`_pops_the_end`).  An unbound call
  (``bytes.find(buf, x)``) has no receiver to measure: charged nothing.
  Two more sources, for the code under test only (``roots``, the
  ``sseparse`` package by default):

  - ``x in container`` raises no profiler event.  A :func:`sys.settrace` hook
    turns on opcode events for the code objects that hold a ``CONTAINS_OP`` on
    a container that may grow, and at each one charges the length of a
    sequence container (hashed ones answer by lookup: nothing).  The container
    is found again from the frame by the instructions that loaded it (a name,
    then attributes; see :func:`_operand`); one it cannot find without running
    code (a property, a call, a subscript, a value arriving by a jump) is
    skipped, an under-charge.  This reads bytecode: it is on where a probe at
    import shows it charges correctly (``OPERATORS_CHARGED``; Python 3.11,
    CI's), and off elsewhere, where operators go unseen as before.
  - ``max``, ``min``, ``sum``, ``sorted``, ``any`` and ``all`` walk their
    argument in C.  During the profiled run the modules under test see
    wrappers (in their globals) charging the argument's length when it has one
    and is the only positional argument.

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

What no counter sees: a scan by a compiled regex (``pattern.search(text)``) or
by an operator other than ``in`` (``buf == other``, ``del parts[0]``, a ``for``
loop over a kept list that calls nothing) over a long buffer kept across steps,
when it allocates nothing; and a copy into memory a free list hands back (a
dict or list reused is not a ``malloc``, so ``tracemalloc`` misses it; the same
free lists make ``allocated`` vary by a few small objects with what ran
before the measurement).  Hardware counters would see all of it, but
``perf_event_open`` is not available everywhere CI runs.

A quadratic implementation gets a budget (``bound`` times the small input's
work): both runs stop at the first step past it, so a failing test fails in about
the time a passing one takes instead of running for minutes.
"""

from __future__ import annotations

import builtins
import collections
import dataclasses
import dis
import functools
import gc
import inspect
import os
import sys
import tracemalloc
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import sseparse

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from types import CodeType, FrameType

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
# Of the names above, the ones that shift the items of a list or bytearray.
_SHIFTS = frozenset({"pop", "insert"})


@functools.cache
def _pops_the_end(code: CodeType, offset: int) -> bool:
    """Whether the call at *offset* in *code* is ``pop()`` or ``pop(-1)``.

    The profiler gives the caller's frame, whose last instruction is the
    ``CALL``; its argument count and, for one argument, a constant loaded just
    before it tell an end-of-list pop.  Anything else (an index in a variable, a
    call from C, bytecode this reading does not know) is taken as a pop from the
    front: an over-charge, never a miss.
    """
    ops = [op for op in dis.get_instructions(code) if op.opname != "PRECALL"]
    at = [i for i, op in enumerate(ops) if op.offset == offset]
    if not at or at[0] == 0 or ops[at[0]].opname != "CALL":
        return False
    i, op = at[0], ops[at[0]]
    if op.arg == 0:
        return True
    before = ops[i - 1]
    return op.arg == 1 and before.opname == "LOAD_CONST" and before.argval == -1


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


def _charge(builtin: Any, frame: FrameType) -> int:
    """The scan cost charged to one call of *builtin* made from *frame*."""
    owner = getattr(builtin, "__self__", None)
    if not isinstance(owner, _SIZED):
        return 0
    name = builtin.__name__
    if name in _SHIFTS and isinstance(owner, (list, bytearray)):
        # pop(i) and insert(i, x) move everything after i: charged the whole
        # length, unless the caller's bytecode shows an end-of-list pop.
        if name == "pop" and _pops_the_end(frame.f_code, frame.f_lasti):
            return 0
        return len(owner)
    if name in _CHEAP and not (
        name in _SEQUENCE_SCANS and isinstance(owner, _SEQUENCES)
    ):
        return 0
    if name == "isascii" and isinstance(owner, str):
        return 0  # a flag of the string object, not a scan
    return len(owner)


# What ``x in container`` scans: sequences.  Hashed containers (dict, set,
# their views) answer with a lookup, so they are not charged.
_SCANNED_BY_IN = (str, bytes, bytearray, memoryview, list, tuple, collections.deque)
# Loads whose operand the tracer can find again from the frame.
_LOCAL_LOADS = frozenset({"LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_DEREF", "LOAD_CLOSURE"})
_UNKNOWN = object()
# The package whose code the operator tracer reads (see :func:`_operator_tracer`).
PACKAGE = str(Path(sseparse.__file__).resolve().parent) + os.sep


def _attribute(obj: object, name: str) -> object:
    """``obj.name`` if reading it runs no code (instance dict or slot)."""
    if obj is _UNKNOWN:
        return _UNKNOWN
    try:
        found = inspect.getattr_static(obj, name)
    except AttributeError:
        return _UNKNOWN
    if isinstance(found, types.MemberDescriptorType):  # a __slots__ entry
        try:
            return found.__get__(obj, type(obj))
        except AttributeError:
            return _UNKNOWN
    if hasattr(type(found), "__get__") and not isinstance(obj, types.ModuleType):
        # a property, a method or another descriptor: calling it could run code
        # (and charge it); a plain class attribute is fine, a function is not
        # a container anyway
        return _UNKNOWN
    return found


def _operand(
    ops: list[dis.Instruction], i: int
) -> Callable[[FrameType], object] | None:
    """How to find the container that ``ops[i]`` (a ``CONTAINS_OP``) tests.

    The container is the last value pushed before the operator: a name load
    followed by attribute loads (``x``, ``self._buf``, ``mod.TABLE.keys``).
    Anything else (a call, a subscript, a value that reaches the operator by a
    jump) gives ``None``: the operator is not charged.
    """
    j = i - 1
    attrs: list[str] = []
    while j >= 0 and ops[j].opname == "LOAD_ATTR":
        attrs.insert(0, ops[j].argval)
        j -= 1
    if j < 0 or any(op.is_jump_target for op in ops[j + 1 : i + 1]):
        return None
    base, name = ops[j].opname, ops[j].argval
    get: Callable[[FrameType], object]
    if base in _LOCAL_LOADS:
        get = lambda frame: frame.f_locals.get(name, _UNKNOWN)  # noqa: E731
    elif base in ("LOAD_GLOBAL", "LOAD_NAME"):
        get = lambda frame: frame.f_locals.get(  # noqa: E731
            name, frame.f_globals.get(name, frame.f_builtins.get(name, _UNKNOWN))
        )
    elif base == "LOAD_CONST":
        value = name
        get = lambda frame: value  # noqa: E731
    else:
        return None
    if not attrs:
        return get

    def chain(frame: FrameType) -> object:
        obj = get(frame)
        for attr in attrs:
            obj = _attribute(obj, attr)
        return obj

    return chain


def _fixed(ops: list[dis.Instruction], i: int, globals_: dict[str, Any]) -> bool:
    """Whether the container of ``ops[i]`` cannot grow: not worth tracing.

    A constant, or a module global that is hashed (``in`` on it is a lookup,
    never charged) or an immutable sequence (its length is fixed unless the
    module rebinds the name, which is taken not to happen).
    """
    load = ops[i - 1]
    if load.opname == "LOAD_CONST":
        return True
    if load.opname != "LOAD_GLOBAL" or load.argval not in globals_:
        return False
    return isinstance(globals_[load.argval], (dict, set, frozenset, str, bytes, tuple))


def _contains_table(
    code: CodeType, globals_: dict[str, Any]
) -> dict[int, Callable[[FrameType], object]]:
    """Each ``CONTAINS_OP`` offset in *code*, with how to find its container.

    Operators whose container cannot grow (see :func:`_fixed`) are left out, so
    that the hot loops of a tokenizer testing ``c in _WHITESPACE`` run without
    opcode events.
    """
    ops = [op for op in dis.get_instructions(code) if op.opname != "EXTENDED_ARG"]
    table = {}
    for i, op in enumerate(ops):
        if op.opname == "CONTAINS_OP" and not _fixed(ops, i, globals_):
            operand = _operand(ops, i)
            if operand is not None:
                table[op.offset] = operand
    return table


def _operator_tracer(
    counts: list[int], roots: tuple[str, ...]
) -> Callable[[FrameType, str, Any], Any]:
    """A ``sys.settrace`` hook charging ``x in container`` to ``counts[1]``.

    Only code objects whose file is under one of *roots* and which hold a
    ``CONTAINS_OP`` get opcode events (they slow a frame down many times over);
    the table of each is built once, on its first call.  At the operator's
    opcode event the container has just been loaded, so reading the same name
    (and attributes) from the frame again gives the same object.
    """
    locals_by_code: dict[CodeType, Callable[[FrameType, str, Any], Any] | None] = {}

    def local_for(frame: FrameType) -> Callable[[FrameType, str, Any], Any] | None:
        code = frame.f_code
        if not code.co_filename.startswith(roots):
            return None
        table = _contains_table(code, frame.f_globals)
        if not table:
            return None

        def local(frame: FrameType, event: str, arg: Any) -> Any:
            if event == "opcode":
                operand = table.get(frame.f_lasti)
                if operand is not None:
                    container = operand(frame)
                    if isinstance(container, _SCANNED_BY_IN):
                        counts[1] += len(container)
            return local

        return local

    def hook(frame: FrameType, event: str, arg: Any) -> Any:
        code = frame.f_code
        try:
            local = locals_by_code[code]
        except KeyError:
            local = locals_by_code[code] = local_for(frame)
        if local is not None:
            frame.f_trace_lines = False
            frame.f_trace_opcodes = True
        return local

    return hook


def _probe_contains(buf: bytes) -> bool:
    return b"\n" in buf


def _operators_work() -> bool:
    """Whether the operator tracer charges a known ``in`` on this Python.

    It reads bytecode, which changes between versions; checked on 3.11.  Where
    it does not charge this probe exactly, it is left off and operator scans go
    unseen again, as they did before it.
    """
    counts = [0, 0]
    previous = sys.gettrace()
    sys.settrace(_operator_tracer(counts, (__file__,)))
    try:
        _probe_contains(b"x" * 100)
    finally:
        sys.settrace(previous)
    return counts[1] == 100


OPERATORS_CHARGED = _operators_work()

# Builtin functions that walk a whole iterable argument.  The profiler shows the
# call but not the argument, so during the profiled run the modules under test
# see wrappers that charge the argument's length, when it has one.
_WALKERS = ("all", "any", "max", "min", "sorted", "sum")


def _walkers(counts: list[int]) -> dict[str, Callable[..., Any]]:
    """Wrappers of :data:`_WALKERS` charging ``counts[1]`` while ``counts[2]``."""

    def wrap(walker: Callable[..., Any]) -> Callable[..., Any]:
        def charged(*args: Any, **kwargs: Any) -> Any:
            if counts[2] and len(args) == 1 and isinstance(args[0], _SIZED):
                counts[1] += len(args[0])
            return walker(*args, **kwargs)

        return charged

    return {name: wrap(getattr(builtins, name)) for name in _WALKERS}


def _modules_under(roots: tuple[str, ...]) -> list[types.ModuleType]:
    return [
        module
        for module in list(sys.modules.values())
        if isinstance(getattr(module, "__file__", None), str)
        and module.__file__.startswith(roots)  # type: ignore[union-attr]
    ]


def _profiler() -> tuple[Callable[[FrameType, str, Any], None], list[int]]:
    """A ``sys.setprofile`` hook and its counters, ``[calls, scanned, on]``.

    A plain function with its counters in a list: the hook runs on every event,
    and a method or ``nonlocal`` cells would make the profiled runs slower.
    ``on`` is set while a step of the profiled run runs (see :func:`_walkers`).
    """
    counts = [0, 0, 0]

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            counts[0] += 1
        elif event == "c_call":
            counts[0] += 1
            counts[1] += _charge(arg, frame)

    return hook, counts


def measure(
    make_steps: Callable[[], Iterable[Callable[[], object]]],
    *,
    budget: Work | None = None,
    roots: tuple[str, ...] = (PACKAGE,),
) -> Work:
    """Count the work of running the steps that *make_steps* yields.

    Two runs go in lockstep, each on its own steps: step *i* of the first under
    the profiler (and the operator tracer), then step *i* of the second under
    ``tracemalloc`` alone.  Each meter sees only its own run, and a budget that
    one of them exceeds stops both at once.

    Args:
        make_steps: called once per run; returns the steps of one run from a
            fresh start (a new decoder, say), each a call without arguments.
            Whatever the iterable does between steps is not charged.
        budget: stop at the first step after which a counter exceeds the
            budget's (and mark the result ``stopped``).
        roots: the files (or directories) of the code under test: its ``in``
            operators and its calls of :data:`_WALKERS` are charged.

    Returns:
        The counters of the two runs.
    """
    profiler, counts = _profiler()
    tracer = _operator_tracer(counts, roots) if OPERATORS_CHARGED else None
    walkers = _walkers(counts)
    patched = [
        (module.__dict__, name)
        for module in _modules_under(roots)
        for name in _WALKERS
        if name not in module.__dict__  # the module's own name wins, as it would
    ]
    previous = sys.getprofile()  # a profiler of the test run itself, if any
    previous_trace = sys.gettrace()  # a debugger or coverage, if any
    allocated = count = 0
    stopped = False
    enabled = gc.isenabled()
    was_tracing = tracemalloc.is_tracing()
    gc.disable()
    for namespace, name in patched:
        namespace[name] = walkers[name]
    if not was_tracing:
        tracemalloc.start()
    try:
        for profiled, traced in zip(make_steps(), make_steps(), strict=True):
            counts[2] = 1
            if tracer is not None:
                sys.settrace(tracer)
            sys.setprofile(profiler)
            try:
                profiled()
            finally:
                sys.setprofile(previous)
                sys.settrace(previous_trace)
                counts[2] = 0
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
        for namespace, name in patched:
            del namespace[name]
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
    roots: tuple[str, ...] = (PACKAGE,),
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
        roots: the code under test, as for :func:`measure`.

    Returns:
        The ratio of each counter (big over small), for reporting.

    Raises:
        AssertionError: a counter grew by *bound* or more; the message gives
            every counter of both runs.
    """
    little = measure(lambda: run(small), roots=roots)
    limit = Work(
        calls=int(bound * max(little.calls, 1)),
        scanned=int(bound * max(little.scanned, 1)),
        allocated=int(bound * max(little.allocated, 1)),
        steps=0,
    )
    large = measure(lambda: run(big), budget=limit, roots=roots)
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
