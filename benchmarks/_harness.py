"""The machinery every layer's benchmark shares.

Theory of operation
-------------------
A layer's file (``benchmarks/sse.py``, ``jsonstream.py``, ``structured.py``,
``llm.py``, ``transport.py``) declares one :class:`Layer`: its *cases* (one
workload, measured for sseparse and each peer), its *scalings* (one workload
at growing sizes, to see cost against input size), its *extras* (figures that
are not a time per run, such as per-delta latency percentiles) and its
*goals* (ratios with a bound).  It never times anything itself.

:func:`measure_layer` runs in a process of its own (``python -m benchmarks``
starts one per layer, one after the other, so that no layer's garbage, caches
or imports weigh on another's figures) and returns a JSON-ready dict;
:mod:`benchmarks._report` turns the dicts of all layers into
``benchmarks/README.md`` and the charts.

How a figure is taken, for every case and every size of a scaling:

* the input is built once, outside the timing;
* each implementation runs once untimed-for-the-figure: the warm-up, the
  check of its result (a wrong result fails the run: speed of a wrong answer
  is worth nothing) and the calibration: a *sample* repeats the call until it
  lasts at least ``min_sample_s`` of CPU time, so that fast calls are not lost
  in the clock's resolution;
* then *rounds*: each round takes one sample of each implementation, in an
  order rotated every round, so that a slow drift of the machine (a neighbour,
  thermal limits) weighs on all implementations alike;
* the figure is the **median** of the samples, of **CPU time**
  (``time.process_time``): on a shared machine the CPU time of this process
  is far steadier than wall-clock time, and a median ignores the odd sample a
  preemption spoiled.  The garbage collector is off during a sample, as
  ``timeit`` does;
* a ratio is always of two medians taken in the same rounds.

A slow peer gets fewer rounds (``budget_s`` caps the time of a case), at
least one; in a scaling, an implementation is not run at a size where its
last figure, extrapolated quadratically, says one run would exceed
``run_limit_s`` (the table says so instead of a figure).

Cost: the harness adds one call and one list append per sample; nothing per
event.
"""

from __future__ import annotations

import gc
import importlib
import importlib.metadata
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["sseparse", "peer", "floor"]
Op = Literal[">=", "<="]
Run = Callable[[Any], Any]
Check = Callable[[Any, Any], None]  # (expected, result) -> None or AssertionError

KB = 1000
KIB = 1024
MB = 1000 * 1000
MIB = 1024 * 1024
SEED = 20261121

# The clock of every figure; the harness's own tests replace it with a counter
# of work, so that they check the arithmetic without timing anything.
clock: Callable[[], float] = time.process_time


class Unavailable(Exception):
    """An implementation that cannot run here (a peer not installed)."""


# --------------------------------------------------------------------------- #
# declarations (what a layer file writes)
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Work:
    """One input: ``arg`` goes to every implementation; ``expected`` to the
    check, with each result; ``amount`` is how much work it holds, in the
    case's unit (throughput is amount per second)."""

    arg: Any
    expected: Any = None
    amount: float = 0.0


@dataclass(frozen=True)
class Impl:
    """One implementation under test.

    ``make`` builds the function to time (``run(input) -> result``); it may
    raise ``ImportError`` or :class:`Unavailable`, and the implementation is
    then reported as unavailable with the reason.  ``distribution`` names the
    package whose version the report shows.  ``role``: ``"sseparse"`` (ours),
    ``"peer"`` (another library doing the same job) or ``"floor"`` (a lower
    bound nobody can beat, such as one ``json.loads`` of the whole text).
    """

    name: str
    make: Callable[[], Run]
    distribution: str | None = None
    role: Role = "peer"


@dataclass(frozen=True)
class Case:
    """One workload, measured for each implementation.

    ``build()`` returns the :class:`Work` every implementation gets; its
    ``amount`` is in ``unit`` (``"MB"`` gives MB/s, ``"events"`` events/s);
    ``check(expected, result)`` raises ``AssertionError`` when a result is
    wrong.
    """

    key: str
    title: str
    build: Callable[[], Work]
    impls: Sequence[Impl]
    unit: str
    check: Check | None = None
    budget_s: float = 10.0


@dataclass(frozen=True)
class Scaling:
    """One workload at growing sizes: cost against input size.

    ``build(size)`` returns the :class:`Work` of that size (``size`` in
    ``size_unit``).  ``check_sizes`` = (N, 16·N) are the two sizes of the
    ratio-only scaling check (``python -m benchmarks --check``), run for the
    ``"sseparse"`` implementations: their cost at 16·N must stay below
    ``16 * check_factor`` times their cost at N (linear growth gives about 16,
    quadratic 256).
    """

    key: str
    title: str
    sizes: Sequence[int]
    build: Callable[[int], Work]
    impls: Sequence[Impl]
    size_unit: str = "bytes"
    check: Check | None = None
    check_sizes: tuple[int, int] | None = None
    check_factor: float = 2.5
    budget_s: float = 6.0
    run_limit_s: float = 20.0


@dataclass(frozen=True)
class Extra:
    """A figure that is not a time per run: ``run(quick)`` returns markdown
    and named values (which goals may read as ``extra:<key>.<name>``)."""

    key: str
    title: str
    run: Callable[[bool], tuple[str, dict[str, float]]]


@dataclass(frozen=True)
class Goal:
    """A bound on a ratio (or an extra's value).

    ``value`` names what is compared: ``"ratio:<case>:<numerator>/<denominator>"``
    (implementation names; ``*peers`` means the fastest peer), or
    ``"growth:<scaling>:<impl>"`` (its cost at the largest size over its cost
    at the size 16 times smaller), or ``"extra:<key>.<name>"``.
    """

    text: str
    value: str
    op: Op
    bound: float
    unit: str = "x"  # how the report writes value and bound: "x", " µs"


@dataclass(frozen=True)
class Layer:
    """Everything one layer measures; ``notes`` is markdown for the report."""

    name: str
    title: str
    intro: str
    cases: Sequence[Case] = ()
    scalings: Sequence[Scaling] = ()
    extras: Sequence[Extra] = ()
    goals: Sequence[Goal] = ()
    notes: str = ""


# --------------------------------------------------------------------------- #
# settings
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Settings:
    """How hard to measure: the full run, ``--quick`` and ``--check``."""

    min_sample_s: float = 0.05
    max_rounds: int = 15
    min_rounds: int = 5
    budget_scale: float = 1.0


FULL = Settings()
QUICK = Settings(min_sample_s=0.01, max_rounds=3, min_rounds=1, budget_scale=0.15)
CHECK = Settings(min_sample_s=0.02, max_rounds=7, min_rounds=7, budget_scale=1.0)


# --------------------------------------------------------------------------- #
# timing
# --------------------------------------------------------------------------- #


def _sample(run: Run, arg: Any, number: int) -> float:
    """CPU seconds per call, over ``number`` calls with the collector off.

    The collector runs once per round (:func:`_interleave`), not before each
    sample: with the SDKs' modules imported a full collection costs about
    0.1 s, more than many samples.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = clock()
        for _ in range(number):
            run(arg)
        return (clock() - start) / number
    finally:
        if enabled:
            gc.enable()


# A peer's first run at least this long is also its first sample: its warm-up
# is lost in it, and a slow peer then costs one run less.  Never sseparse's.
SLOW_RUN_S = 1.0


@dataclass
class _Contender:
    impl: Impl
    run: Run
    arg: Any = None
    number: int = 1
    first_s: float = 0.0
    rounds: int = 1
    samples: list[float] = field(default_factory=list)


def _prepare(
    contender: _Contender, work: Work, check: Check | None, settings: Settings
) -> None:
    """Warm up, check the result, calibrate the repeat count."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = clock()
        result = contender.run(work.arg)
        contender.first_s = max(clock() - start, 1e-7)
    finally:
        if enabled:
            gc.enable()
    if check is not None:
        try:
            check(work.expected, result)
        except AssertionError as exc:
            raise AssertionError(f"{contender.impl.name}: wrong result: {exc}") from exc
    contender.number = max(1, math.ceil(settings.min_sample_s / contender.first_s))
    if contender.first_s >= SLOW_RUN_S and contender.impl.role != "sseparse":
        contender.samples.append(contender.first_s)


def _rounds(contenders: Sequence[_Contender], budget_s: float, s: Settings) -> None:
    """As many rounds as the case's budget allows, within the settings' bounds.

    A contender whose ``min_rounds`` samples would overrun its share of the
    budget more than threefold (a slow peer) gets fewer, at least one; an
    sseparse implementation never does.
    """
    share = budget_s * s.budget_scale / max(1, len(contenders))
    for c in contenders:
        per_sample = c.first_s * c.number
        fit = int(share / per_sample)
        c.rounds = max(1, min(s.max_rounds, fit))
        # sseparse's figures are what the goals judge: never fewer rounds
        if c.rounds < s.min_rounds and (
            c.impl.role == "sseparse" or per_sample * s.min_rounds <= 3 * share
        ):
            c.rounds = s.min_rounds


def _interleave(contenders: Sequence[_Contender]) -> None:
    """Rounds of one sample each, the order rotated every round."""
    total = max(c.rounds for c in contenders)
    n = len(contenders)
    for r in range(total):
        gc.collect()
        for i in range(n):
            c = contenders[(i + r) % n]
            if len(c.samples) < c.rounds:
                c.samples.append(_sample(c.run, c.arg, c.number))


def _figure(c: _Contender) -> dict[str, Any]:
    return {
        "name": c.impl.name,
        "role": c.impl.role,
        "median_s": statistics.median(c.samples),
        "min_s": min(c.samples),
        "samples": len(c.samples),
        "repeat": c.number,
    }


def _load(
    impls: Sequence[Impl], loaded: dict[str, Run], missing: dict[str, str]
) -> list[tuple[Impl, Run]]:
    out: list[tuple[Impl, Run]] = []
    for impl in impls:
        if impl.name in missing:
            continue
        if impl.name not in loaded:
            try:
                loaded[impl.name] = impl.make()
            except (ImportError, AttributeError, Unavailable) as exc:
                missing[impl.name] = f"{type(exc).__name__}: {exc}"
                continue
        out.append((impl, loaded[impl.name]))
    return out


def measure(
    pairs: Sequence[tuple[Impl, Run]],
    work: Work,
    check: Check | None,
    budget_s: float,
    settings: Settings,
) -> list[dict[str, Any]]:
    """Median CPU time per call of each implementation on one input."""
    contenders = [_Contender(impl, run, work.arg) for impl, run in pairs]
    for c in contenders:
        _prepare(c, work, check, settings)
    _rounds(contenders, budget_s, settings)
    _interleave(contenders)
    return [_figure(c) for c in contenders]


# --------------------------------------------------------------------------- #
# a layer, end to end
# --------------------------------------------------------------------------- #


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def slope(sizes: Sequence[float], times: Sequence[float]) -> float | None:
    """Least-squares slope of log(time) on log(size): 1 is linear, 2 quadratic."""
    points = [
        (math.log(x), math.log(y))
        for x, y in zip(sizes, times, strict=True)
        if x > 0 and y > 0
    ]
    if len(points) < 2:
        return None
    mx = statistics.fmean(p[0] for p in points)
    my = statistics.fmean(p[1] for p in points)
    den = sum((p[0] - mx) ** 2 for p in points)
    if den == 0:
        return None
    return sum((p[0] - mx) * (p[1] - my) for p in points) / den


def _measure_case(
    case: Case, settings: Settings, loaded: dict[str, Run], missing: dict[str, str]
) -> dict[str, Any]:
    progress(f"  {case.key}: {case.title}")
    work = case.build()
    pairs = _load(case.impls, loaded, missing)
    figures = measure(pairs, work, case.check, case.budget_s, settings)
    amount = work.amount
    for f in figures:
        f["throughput"] = amount / f["median_s"]
        progress(
            f"    {f['name']:<28} {f['median_s'] * 1e3:10.3f} ms"
            f"  ({f['samples']} samples)"
        )
    return {
        "key": case.key,
        "title": case.title,
        "unit": case.unit,
        "amount": amount,
        "figures": figures,
    }


def _measure_scaling(
    scaling: Scaling,
    sizes: Sequence[int],
    impls: Sequence[Impl],
    settings: Settings,
    loaded: dict[str, Run],
    missing: dict[str, str],
    limit: bool = True,
) -> dict[str, Any]:
    progress(f"  {scaling.key}: {scaling.title}")
    pairs = _load(impls, loaded, missing)
    series: dict[str, dict[str, Any]] = {
        impl.name: {
            "name": impl.name,
            "role": impl.role,
            "sizes": [],
            "median_s": [],
            "stopped": None,
        }
        for impl, _ in pairs
    }
    # Every size's samples are taken in the same rounds, so that a growth
    # ratio (cost at 16·N over cost at N) is of two figures the same drift of
    # the machine weighed on alike.  The first runs go by size, smallest
    # first: an implementation whose next run, extrapolated quadratically
    # from its last, would exceed run_limit_s is not run at that size.
    contenders: list[tuple[int, _Contender]] = []
    first: dict[str, tuple[int, float]] = {}
    for size in sizes:
        work = scaling.build(size)
        for impl, run in pairs:
            line = series[impl.name]
            if line["stopped"] is not None:
                continue
            if limit and impl.name in first:
                last_size, last_s = first[impl.name]
                guess = last_s * (size / last_size) ** 2
                if guess > scaling.run_limit_s:
                    line["stopped"] = (
                        f"not run at {size:,} {scaling.size_unit}:"
                        f" one run would take about {guess:.0f} s"
                    )
                    continue
            contender = _Contender(impl, run, work.arg)
            _prepare(contender, work, scaling.check, settings)
            first[impl.name] = (size, contender.first_s)
            contenders.append((size, contender))
    _rounds([c for _, c in contenders], scaling.budget_s * len(sizes), settings)
    _interleave([c for _, c in contenders])
    for size, c in contenders:
        figure = _figure(c)
        series[c.impl.name]["sizes"].append(size)
        series[c.impl.name]["median_s"].append(figure["median_s"])
    for size in sizes:
        progress(
            f"    {size:>12,}: "
            + ", ".join(
                f"{c.impl.name} {statistics.median(c.samples) * 1e3:.2f} ms"
                for n, c in contenders
                if n == size
            )
        )
    for line in series.values():
        line["slope"] = slope(line["sizes"], line["median_s"])
    return {
        "key": scaling.key,
        "title": scaling.title,
        "size_unit": scaling.size_unit,
        "series": list(series.values()),
    }


def growth(scaling: dict[str, Any], name: str) -> float | None:
    """Cost at the largest size over cost at the size 16 times smaller."""
    for line in scaling["series"]:
        if line["name"] != name or not line["sizes"]:
            continue
        by_size = dict(zip(line["sizes"], line["median_s"], strict=True))
        top = max(by_size)
        if top % 16 == 0 and top // 16 in by_size:
            return float(by_size[top] / by_size[top // 16])
    return None


def goal_value(result: dict[str, Any], value: str) -> float | None:
    """The number a goal bounds, from a layer's results (see :class:`Goal`)."""
    kind, _, rest = value.partition(":")
    if kind == "ratio":
        case_key, _, names = rest.partition(":")
        num, _, den = names.partition("/")
        case = next((c for c in result["cases"] if c["key"] == case_key), None)
        if case is None:
            return None
        times = {f["name"]: f["median_s"] for f in case["figures"]}
        peers = [f["median_s"] for f in case["figures"] if f["role"] == "peer"]

        def pick(name: str) -> float | None:
            if name == "*peers":
                return min(peers) if peers else None
            return times.get(name)

        a, b = pick(num), pick(den)
        return None if a is None or b is None else a / b
    if kind == "growth":
        key, _, name = rest.partition(":")
        scaling = next((s for s in result["scalings"] if s["key"] == key), None)
        return None if scaling is None else growth(scaling, name)
    if kind == "extra":
        key, _, name = rest.partition(".")
        extra = next((e for e in result["extras"] if e["key"] == key), None)
        found = None if extra is None else extra["values"].get(name)
        return None if found is None else float(found)
    raise ValueError(f"unknown goal value {value!r}")


def judge(goal: Goal, result: dict[str, Any]) -> dict[str, Any]:
    value = goal_value(result, goal.value)
    met = (
        None
        if value is None
        else (value >= goal.bound if goal.op == ">=" else value <= goal.bound)
    )
    return {
        "text": goal.text,
        "value": value,
        "op": goal.op,
        "bound": goal.bound,
        "unit": goal.unit,
        "met": met,
    }


def version_of(distribution: str | None) -> str:
    try:
        return importlib.metadata.version(distribution or "sseparse")
    except importlib.metadata.PackageNotFoundError:
        return "?"


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    return {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load": load,
    }


def measure_layer(layer: Layer, settings: Settings) -> dict[str, Any]:
    """Every case, scaling and extra of a layer, and its goals judged."""
    started = time.monotonic()
    loaded: dict[str, Run] = {}
    missing: dict[str, str] = {}
    result: dict[str, Any] = {
        "layer": layer.name,
        "title": layer.title,
        "intro": layer.intro,
        "notes": layer.notes,
        "machine": machine_info(),
        "cases": [_measure_case(c, settings, loaded, missing) for c in layer.cases],
        "scalings": [
            _measure_scaling(s, s.sizes, s.impls, settings, loaded, missing)
            for s in layer.scalings
        ],
        "extras": [],
    }
    for extra in layer.extras:
        progress(f"  {extra.key}: {extra.title}")
        markdown, values = extra.run(settings is QUICK)
        result["extras"].append(
            {
                "key": extra.key,
                "title": extra.title,
                "markdown": markdown,
                "values": values,
            }
        )
    result["goals"] = [judge(g, result) for g in layer.goals]
    impls = {i.name: i for c in layer.cases for i in c.impls}
    impls.update({i.name: i for s in layer.scalings for i in s.impls})
    result["versions"] = {
        # a floor or the standard library has no version of its own to show
        name: version_of(i.distribution)
        if i.distribution or i.role == "sseparse"
        else ""
        for name, i in impls.items()
        if name not in missing
    }
    result["unavailable"] = missing
    result["seconds"] = time.monotonic() - started
    return result


def check_layer(layer: Layer) -> list[dict[str, Any]]:
    """The ratio-only scaling check: sseparse at N and 16·N, every scaling."""
    loaded: dict[str, Run] = {}
    missing: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    for scaling in layer.scalings:
        if scaling.check_sizes is None:
            continue
        ours = [i for i in scaling.impls if i.role == "sseparse"]
        small, big = scaling.check_sizes
        measured = _measure_scaling(
            scaling, (small, big), ours, CHECK, loaded, missing, limit=False
        )
        for line in measured["series"]:
            ratio = line["median_s"][1] / line["median_s"][0]
            bound = (big / small) * scaling.check_factor
            rows.append(
                {
                    "layer": layer.name,
                    "scaling": scaling.key,
                    "impl": line["name"],
                    "sizes": [small, big],
                    "ratio": ratio,
                    "bound": bound,
                    "ok": ratio <= bound,
                }
            )
    if missing:
        raise AssertionError(f"sseparse implementations unavailable: {missing}")
    return rows
