"""Benchmark sseparse.jsonstream (incremental JSON) against partial-JSON parsers.

Run from the repository root::

    python benchmarks/bench_jsonstream.py            # full run, a few minutes
    python benchmarks/bench_jsonstream.py --quick    # smoke run: 1 KB and 10 KB, N=1
    python benchmarks/bench_jsonstream.py --json results.json

Documents (built deterministically here, no network, no files): tool-call
arguments as an LLM streams them, ``{"edits": [{"path", "line", "replace",
"tags", "confidence", "ok", "note"}, ...], "file": {"path", "content"}}``, where
``replace`` holds lines of source code and ``content`` is one long string of source
code (about half of the document) with newlines, tabs, quotes, backslashes,
non-ASCII text, ANSI escape characters (serialised as ``\\u001b``) and a few
non-ASCII characters rewritten as ``\\uXXXX`` escapes (surrogate pairs for
astral ones).  ``json.dumps(ensure_ascii=False)`` of about 1 KB, 10 KB, 100 KB and
1 MB (characters), cut into deltas of 4..12 characters (8 on average, fixed seed)
so that deltas split escapes, numbers, literals and keys.

Workloads:

A. feed every delta, then ``close()``: sseparse only, as a ratio to one
   ``json.loads`` of the whole text (the floor).
B. a partial value after every delta: sseparse ``feed()`` + ``snapshot()``; the
   peers (jiter, pydantic_core, partial-json-parser) are not incremental, so they
   append the delta to a buffer and re-parse the whole prefix, as the OpenAI and
   Anthropic SDKs do (``json_buf += delta.encode(); from_json(json_buf, ...)``).
C. the latency of each ``feed()`` (and ``feed()`` + ``snapshot()``) call:
   p50 / p99 / max, timed with ``time.perf_counter_ns``.
D. growth: the time ratio between consecutive sizes (10x more text).  A linear
   parser shows ~10, one that re-parses each prefix ~100.

Every implementation's final value is checked against ``json.loads(text)``.
Times are the best of N runs (``time.perf_counter``, or the process's CPU time
with ``--cpu``, which a busy machine disturbs less), with the garbage collector
off during each timed run unless ``--gc`` is given (C also reports a GC-on row).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import math
import os
import platform
import pstats
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

SEED = 20261121
SIZES: dict[str, int] = {
    "1 KB": 1_000,
    "10 KB": 10_000,
    "100 KB": 100_000,
    "1 MB": 1_000_000,
}
QUICK_SIZES = ("1 KB", "10 KB")
# default best-of-N per size (a small size also loops enough to run >= MIN_RUN_S)
REPEATS: dict[str, int] = {"1 KB": 20, "10 KB": 10, "100 KB": 5, "1 MB": 3}
MIN_RUN_S = 0.05  # fast runs are repeated in a loop at least this long, per sample
PEER_BUDGET_S = 20.0  # fewer repeats for a slow peer: about this much per figure
PEER_LIMIT_S = 60.0  # skip a peer whose single run is estimated above this
DELTA_MIN, DELTA_MAX = 4, 12  # delta lengths in characters (mean 8)
GOAL_A = 40.0  # A: sseparse <= 40x json.loads
GOAL_B = 20.0  # B: sseparse <= 1/20 of jiter's time at 100 KB
GOAL_C_US = 50.0  # C: p99 < 50 us

# --------------------------------------------------------------------------- #
# documents
# --------------------------------------------------------------------------- #

# fmt: off
_IDENTS = (
    "parse", "buffer", "value", "stream", "decoder", "offset", "tokens", "result",
    "state", "chunk", "line", "field", "cursor", "payload", "headers", "retry",
    "event", "delta", "snapshot", "limits", "encoding", "reader", "writer", "cache",
)
_NON_ASCII = (
    "café", "naïve", "Straße", "déjà vu", "façade", "résumé", "über", "±1 °C",
    "€ 5", "— note", "“quoted”", "…", "日本語のテキスト", "中文注释", "한국어",
    "Привет, мир", "Ελληνικά", "العربية", "עברית", "हिन्दी", "🚀 fast", "✅ done",
    "👍", "🎉 ship it", "🙂",
)
_TAGS = (
    "refactor", "bugfix", "perf", "docs", "tests", "typing", "style", "security",
    "api", "breaking", "deps", "i18n",
)
_DIRS = ("src/app", "src/app/io", "src/app/core", "lib", "tests", "tools/scripts")
# fmt: on


def _code_line(rng: random.Random) -> str:
    """One line of Python-ish source with quotes, backslashes and odd characters."""
    a, b, c = rng.sample(_IDENTS, 3)
    word = rng.choice(_NON_ASCII)
    n = rng.randint(0, 9999)
    templates = (
        f"    {a} = {b}.get({c!r}, None)",
        f'    if {a} == "\\n":\n        return "\\"{b}\\""',
        f"    # {word}: {a} must not exceed {b}",
        f'    print(f"{{{a}!r}}\\t{{{b}}}")',
        f'    pattern = re.compile(r"\\s+{a}\\d{{3}}\\\\")',
        f'    log.info("\x1b[32m%s\x1b[0m {word}", {a})',
        f"def {a}_{b}(self, {c}: str, *, limit: int = {n}) -> dict[str, int]:",
        f"    return {{\"{a}\": {b}, '{c}': [1, 2.5, -3e-2, {n}]}}",
        f"\t{a} += {n}  # tab-indented, {word}",
        f'    raise ValueError("bad {a}: \\"%s\\" at C:\\\\{b}\\\\{c}" % {c})',
        f'    """{word.capitalize()} docstring for {a}.\n\n    Returns {b}.\n    """',
        "",
        f"class {a.capitalize()}{b.capitalize()}({c.capitalize()}):",
        f'    {a}: list[str] = ["{word}", \'{b}\', ""]',
    )
    return rng.choice(templates)


def _code(rng: random.Random, chars: int) -> str:
    """Source text whose JSON serialisation is about *chars* characters."""
    lines: list[str] = []
    size = 0
    while size < chars:
        line = _code_line(rng)
        lines.append(line)
        size += len(json.dumps(line + "\n", ensure_ascii=False)) - 2
    return "\n".join(lines) + "\n"


def _edit(rng: random.Random, index: int) -> dict[str, Any]:
    return {
        "path": f"{rng.choice(_DIRS)}/{rng.choice(_IDENTS)}_{index}.py",
        "line": rng.randint(1, 20_000),
        "replace": "\n".join(_code_line(rng) for _ in range(rng.randint(1, 4))),
        "tags": rng.sample(_TAGS, rng.randint(0, 3)),
        "confidence": round(rng.uniform(0.3, 1.0), rng.choice((2, 4, 17))),
        "ok": rng.random() < 0.8,
        "note": rng.choice((None, None, f"{rng.choice(_NON_ASCII)} #{index}")),
    }


def _escape_some(rng: random.Random, text: str, share: float) -> str:
    """Rewrite about *share* of the non-ASCII characters as ``\\uXXXX`` escapes.

    Only strings hold non-ASCII characters in JSON text, so this keeps the value.
    """
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if code < 0x80 or rng.random() >= share:
            out.append(ch)
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            code -= 0x10000
            out.append(
                f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
            )
    return "".join(out)


def build_document(target: int, seed: int = SEED) -> str:
    """Tool-call arguments of about *target* characters, as JSON text."""
    rng = random.Random(f"{seed}-{target}")
    edits: list[dict[str, Any]] = []
    edits_size = 0
    while edits_size < target // 2 - 120 or not edits:
        edit = _edit(rng, len(edits))
        edits.append(edit)
        edits_size += len(json.dumps(edit, ensure_ascii=False)) + 2
    path = f"{rng.choice(_DIRS)}/{rng.choice(_IDENTS)}.py"
    content = _code(rng, max(16, target - edits_size - 60))
    doc = {"edits": edits, "file": {"path": path, "content": content}}
    text = _escape_some(rng, json.dumps(doc, ensure_ascii=False), 0.05)
    if json.loads(text) != doc:
        raise AssertionError("document generator: escaped text changed the value")
    return text


def split_deltas(text: str, seed: int = SEED) -> list[str]:
    """Cut *text* into deltas of DELTA_MIN..DELTA_MAX characters (fixed seed)."""
    rng = random.Random(f"{seed}-deltas-{len(text)}")
    out: list[str] = []
    pos = 0
    while pos < len(text):
        step = rng.randint(DELTA_MIN, DELTA_MAX)
        out.append(text[pos : pos + step])
        pos += step
    return out


@dataclass
class Document:
    label: str
    text: str
    deltas: list[str]
    expected: Any

    @property
    def chars(self) -> int:
        return len(self.text)

    @property
    def nbytes(self) -> int:
        return len(self.text.encode("utf-8"))

    def describe(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "chars": self.chars,
            "utf8_bytes": self.nbytes,
            "deltas": len(self.deltas),
            "edits": len(self.expected["edits"]),
            "content_chars": len(self.expected["file"]["content"]),
            "escapes": self.text.count("\\"),
            "u_escapes": self.text.count("\\u"),
        }


def make_documents(labels: Sequence[str]) -> list[Document]:
    docs = []
    for label in labels:
        text = build_document(SIZES[label])
        docs.append(Document(label, text, split_deltas(text), json.loads(text)))
    return docs


# --------------------------------------------------------------------------- #
# implementations
# --------------------------------------------------------------------------- #


def _sseparse_feed_close(deltas: list[str]) -> Any:
    from sseparse.jsonstream import JSONStreamParser

    parser = JSONStreamParser()
    feed = parser.feed
    for delta in deltas:
        feed(delta)
    return parser.close()


def _sseparse_feed_snapshot(deltas: list[str]) -> Any:
    from sseparse.jsonstream import JSONStreamParser

    parser = JSONStreamParser()
    feed = parser.feed
    snapshot = parser.snapshot
    for delta in deltas:
        feed(delta)
        snapshot()
    return parser.close()


def _jiter(deltas: list[str]) -> Any:
    from jiter import from_json

    buf = b""
    value: Any = None
    for delta in deltas:
        buf += delta.encode("utf-8")
        value = from_json(buf, partial_mode="trailing-strings")
    return value


def _pydantic_core(deltas: list[str]) -> Any:
    from pydantic_core import from_json

    buf = b""
    value: Any = None
    for delta in deltas:
        buf += delta.encode("utf-8")
        value = from_json(buf, allow_partial="trailing-strings")
    return value


def _partial_json_parser(deltas: list[str]) -> Any:
    from partial_json_parser import loads  # type: ignore[import-untyped]

    buf = ""
    value: Any = None
    for delta in deltas:
        buf += delta
        value = loads(buf)
    return value


@dataclass
class Impl:
    name: str
    module: str  # what must be importable
    run: Callable[[list[str]], Any]
    how: str


SSEPARSE_A = Impl(
    "sseparse", "sseparse.jsonstream", _sseparse_feed_close, "feed() each, close()"
)
SSEPARSE_B = Impl(
    "sseparse",
    "sseparse.jsonstream",
    _sseparse_feed_snapshot,
    "feed() + snapshot() each, close()",
)
PEERS = (
    Impl(
        "jiter",
        "jiter",
        _jiter,
        'buf += d.encode(); from_json(buf, partial_mode="trailing-strings")',
    ),
    Impl(
        "pydantic_core",
        "pydantic_core",
        _pydantic_core,
        'buf += d.encode(); from_json(buf, allow_partial="trailing-strings")',
    ),
    Impl(
        "partial-json-parser",
        "partial_json_parser",
        _partial_json_parser,
        "buf += d; partial_json_parser.loads(buf)",
    ),
)


def version_of(module: str) -> str:
    from importlib import metadata

    dist = {
        "sseparse.jsonstream": "sseparse",
        "partial_json_parser": "partial-json-parser",
        "pydantic_core": "pydantic_core",
    }.get(module, module)
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def available(impls: Sequence[Impl]) -> tuple[list[Impl], list[str]]:
    from importlib.util import find_spec

    ok: list[Impl] = []
    notes: list[str] = []
    for impl in impls:
        if find_spec(impl.module) is None:
            notes.append(f"{impl.name}: not installed, skipped")
        else:
            ok.append(impl)
    return ok, notes


# --------------------------------------------------------------------------- #
# timing
# --------------------------------------------------------------------------- #


# The clock of A, B and D; ``--cpu`` swaps in the process's CPU time, which other
# processes on a loaded machine disturb less than the wall clock.
_clock: Callable[[], float] = time.perf_counter


def _timed(fn: Callable[[], Any], number: int, use_gc: bool) -> tuple[float, Any]:
    gc.collect()
    was_enabled = gc.isenabled()
    if not use_gc:
        gc.disable()
    try:
        result = None
        start = _clock()
        for _ in range(number):
            result = fn()
        elapsed = _clock() - start
    finally:
        if was_enabled:
            gc.enable()
    return elapsed / number, result


def best_of(
    fn: Callable[[], Any], repeat: int, use_gc: bool, budget: float | None = None
) -> tuple[float, int, Any]:
    """Best per-call time over *repeat* samples; returns (time, samples, result).

    The first sample is one call (it also gives the result to verify); a call
    faster than MIN_RUN_S is then looped so that each sample lasts that long.
    With *budget*, a slow call gets fewer samples (at least one).
    """
    first, result = _timed(fn, 1, use_gc)
    best = first
    number = 1 if first >= MIN_RUN_S else min(10_000, math.ceil(MIN_RUN_S / first))
    samples = repeat
    if budget is not None:
        samples = max(1, min(repeat, int(budget / max(first, 1e-9))))
    for _ in range(samples - 1 if number == 1 else samples):
        elapsed, _ = _timed(fn, number, use_gc)
        best = min(best, elapsed)
    return best, samples, result


def check(ok: bool, message: str) -> None:
    if not ok:
        raise SystemExit(f"verification failed: {message}")


def progress(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- #
# workloads
# --------------------------------------------------------------------------- #


@dataclass
class Figure:
    workload: str
    impl: str
    size: str
    seconds: float | None  # None: skipped
    samples: int = 0
    note: str = ""
    estimate: float | None = None


@dataclass
class Latency:
    size: str
    op: str
    gc: bool
    calls: int
    p50_us: float
    p99_us: float
    p999_us: float
    max_us: float
    mean_us: float


@dataclass
class Report:
    machine: dict[str, Any]
    config: dict[str, Any]
    documents: list[dict[str, Any]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    latencies: list[Latency] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def get(self, workload: str, impl: str, size: str) -> Figure | None:
        for fig in self.figures:
            if (fig.workload, fig.impl, fig.size) == (workload, impl, size):
                return fig
        return None


def run_floor(doc: Document, repeat: int, use_gc: bool) -> Figure:
    text = doc.text
    seconds, samples, value = best_of(lambda: json.loads(text), repeat, use_gc)
    check(value == doc.expected, f"json.loads at {doc.label}")
    return Figure("floor", "json.loads", doc.label, seconds, samples)


def run_impl(
    workload: str,
    impl: Impl,
    doc: Document,
    repeat: int,
    use_gc: bool,
    budget: float | None = None,
) -> Figure:
    deltas = doc.deltas
    seconds, samples, value = best_of(lambda: impl.run(deltas), repeat, use_gc, budget)
    check(value == doc.expected, f"{impl.name} ({workload}) at {doc.label}")
    return Figure(workload, impl.name, doc.label, seconds, samples)


def estimate_quadratic(
    report: Report, impl: str, docs: list[Document], i: int
) -> float:
    """Estimated seconds for docs[i] from the largest smaller size measured."""
    for j in range(i - 1, -1, -1):
        fig = report.get("B", impl, docs[j].label)
        if fig is not None and fig.seconds is not None:
            return fig.seconds * (docs[i].chars / docs[j].chars) ** 2
    return 0.0


def latency_pass(doc: Document, snapshot: bool, use_gc: bool) -> list[int]:
    from sseparse.jsonstream import JSONStreamParser

    parser = JSONStreamParser()
    feed = parser.feed
    snap = parser.snapshot
    clock = time.perf_counter_ns
    times: list[int] = []
    append = times.append
    gc.collect()
    was_enabled = gc.isenabled()
    if use_gc:
        gc.enable()
    else:
        gc.disable()
    try:
        if snapshot:
            for delta in doc.deltas:
                t0 = clock()
                feed(delta)
                snap()
                append(clock() - t0)
        else:
            for delta in doc.deltas:
                t0 = clock()
                feed(delta)
                append(clock() - t0)
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()
    check(parser.close() == doc.expected, f"sseparse (C) at {doc.label}")
    return times


def _pct(ordered: list[int], q: float) -> float:
    k = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[k] / 1000.0


def run_latency(doc: Document, op: str, use_gc: bool, repeat: int) -> Latency:
    """The pass (of *repeat*) with the lowest p99."""
    best: Latency | None = None
    for _ in range(repeat):
        times = sorted(latency_pass(doc, op != "feed", use_gc))
        lat = Latency(
            doc.label,
            op,
            use_gc,
            len(times),
            _pct(times, 0.50),
            _pct(times, 0.99),
            _pct(times, 0.999),
            times[-1] / 1000.0,
            sum(times) / len(times) / 1000.0,
        )
        if best is None or lat.p99_us < best.p99_us:
            best = lat
    assert best is not None
    return best


# --------------------------------------------------------------------------- #
# reporting
# --------------------------------------------------------------------------- #


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def fmt_ratio(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}x"


def _secs(fig: Figure | None) -> float | None:
    return None if fig is None else fig.seconds


def _ratio(a: Figure | None, b: Figure | None) -> float | None:
    if a is None or b is None or a.seconds is None or b.seconds is None:
        return None
    return a.seconds / b.seconds


def table_documents(docs: list[Document]) -> str:
    lines = [
        "| size | characters | UTF-8 bytes | deltas | edits | content chars "
        "| `\\u` escapes |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for doc in docs:
        d = doc.describe()
        lines.append(
            f"| {doc.label} | {d['chars']:,} | {d['utf8_bytes']:,} | {d['deltas']:,} "
            f"| {d['edits']:,} | {d['content_chars']:,} | {d['u_escapes']:,} |"
        )
    return "\n".join(lines)


def table_a(report: Report, docs: list[Document]) -> str:
    lines = [
        "| size | json.loads (floor) | sseparse feed + close | ratio | MB/s "
        f"| goal <= {GOAL_A:.0f}x |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for doc in docs:
        floor = report.get("floor", "json.loads", doc.label)
        fig = report.get("A", "sseparse", doc.label)
        ratio = _ratio(fig, floor)
        rate = (
            f"{doc.nbytes / fig.seconds / 1e6:.1f}"
            if fig is not None and fig.seconds
            else "—"
        )
        met = "—" if ratio is None else ("met" if ratio <= GOAL_A else "**not met**")
        lines.append(
            f"| {doc.label} | {fmt_time(_secs(floor))} "
            f"| {fmt_time(_secs(fig))} | {fmt_ratio(ratio)} | {rate} "
            f"| {met} |"
        )
    return "\n".join(lines)


def _cell_b(fig: Figure | None, base: Figure | None) -> str:
    if fig is None:
        return "—"
    if fig.seconds is None:
        return fig.note or "skipped"
    ratio = _ratio(fig, base)
    if ratio is None or fig.impl == "sseparse":
        return fmt_time(fig.seconds)
    shown = f"{ratio:.1f}" if ratio < 10 else f"{ratio:,.0f}"
    return f"{fmt_time(fig.seconds)} ({shown}x)"


def table_b(report: Report, docs: list[Document], impls: Sequence[str]) -> str:
    head = " | ".join(impls)
    lines = [
        f"| size | deltas | json.loads once (floor) | {head} |",
        "|---|---:|---:|" + "---:|" * len(impls),
    ]
    for doc in docs:
        floor = report.get("floor", "json.loads", doc.label)
        base = report.get("B", "sseparse", doc.label)
        cells = " | ".join(_cell_b(report.get("B", n, doc.label), base) for n in impls)
        lines.append(
            f"| {doc.label} | {len(doc.deltas):,} "
            f"| {fmt_time(_secs(floor))} | {cells} |"
        )
    return "\n".join(lines)


def table_c(report: Report) -> str:
    lines = [
        "| size | call | gc | calls | p50 µs | p99 µs | p99.9 µs | max µs | mean µs "
        f"| p99 < {GOAL_C_US:.0f} µs |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for lat in report.latencies:
        met = "met" if lat.p99_us < GOAL_C_US else "**not met**"
        lines.append(
            f"| {lat.size} | {lat.op} | {'on' if lat.gc else 'off'} | {lat.calls:,} "
            f"| {lat.p50_us:.1f} | {lat.p99_us:.1f} | {lat.p999_us:.1f} "
            f"| {lat.max_us:.1f} | {lat.mean_us:.1f} | {met} |"
        )
    return "\n".join(lines)


def growth_rows(
    report: Report, docs: list[Document], impls: Sequence[str]
) -> list[tuple[str, list[float | None]]]:
    rows: list[tuple[str, list[float | None]]] = [
        ("json.loads (floor)", []),
        ("sseparse A (feed + close)", []),
    ]
    for name in impls:
        suffix = " (feed + snapshot)" if name == "sseparse" else " (prefix re-parse)"
        rows.append((f"{name} B{suffix}", []))
    keys = [("floor", "json.loads"), ("A", "sseparse")] + [("B", n) for n in impls]
    for i in range(1, len(docs)):
        for (workload, name), (_, cells) in zip(keys, rows, strict=True):
            cells.append(
                _ratio(
                    report.get(workload, name, docs[i].label),
                    report.get(workload, name, docs[i - 1].label),
                )
            )
    return rows


def table_d(report: Report, docs: list[Document], impls: Sequence[str]) -> str:
    steps = [f"{docs[i].label} / {docs[i - 1].label}" for i in range(1, len(docs))]
    chars = [docs[i].chars / docs[i - 1].chars for i in range(1, len(docs))]
    lines = [
        "| time ratio | " + " | ".join(steps) + " |",
        "|---|" + "---:|" * len(steps),
        "| (characters ratio) | " + " | ".join(f"{c:.2f}" for c in chars) + " |",
    ]
    for name, cells in growth_rows(report, docs, impls):
        text = [
            "—" if c is None else f"{c:.1f}x (n^{math.log(c) / math.log(k):.2f})"
            for c, k in zip(cells, chars, strict=True)
        ]
        lines.append(f"| {name} | " + " | ".join(text) + " |")
    lines.append(
        "\n(n^e: the time grows as the size to the power e; 1 is linear, 2 quadratic.)"
    )
    return "\n".join(lines)


def goals(report: Report, docs: list[Document]) -> list[str]:
    out: list[str] = []
    ratios = [
        r
        for d in docs
        if (
            r := _ratio(
                report.get("A", "sseparse", d.label),
                report.get("floor", "json.loads", d.label),
            )
        )
        is not None
    ]
    if ratios:
        worst = max(ratios)
        verdict = "met" if worst <= GOAL_A else "NOT met"
        out.append(
            f"A (feed + close <= {GOAL_A:.0f}x json.loads): worst {worst:.1f}x: "
            f"{verdict}"
        )
    label = "100 KB" if any(d.label == "100 KB" for d in docs) else docs[-1].label
    ratio = _ratio(report.get("B", "jiter", label), report.get("B", "sseparse", label))
    if ratio is not None:
        verdict = "met" if ratio >= GOAL_B else "NOT met"
        out.append(
            f"B (sseparse <= 1/{GOAL_B:.0f} of jiter at {label}): jiter / sseparse "
            f"= {ratio:.1f}: {verdict}"
        )
    lats = [lat for lat in report.latencies if not lat.gc]
    if lats:
        worst_lat = max(lats, key=lambda lat: lat.p99_us)
        verdict = "met" if worst_lat.p99_us < GOAL_C_US else "NOT met"
        out.append(
            f"C (p99 < {GOAL_C_US:.0f} µs, gc off): worst p99 "
            f"{worst_lat.p99_us:.1f} µs ({worst_lat.op}, {worst_lat.size}): {verdict}"
        )
        gc_lats = [lat for lat in report.latencies if lat.gc]
        if gc_lats:
            w = max(gc_lats, key=lambda lat: lat.p99_us)
            out.append(
                f"C with gc on: worst p99 {w.p99_us:.1f} µs ({w.op}, {w.size}), "
                f"worst max {max(x.max_us for x in gc_lats):.0f} µs"
            )
    return out


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def machine_info() -> dict[str, Any]:
    try:
        ncpu = len(os.sched_getaffinity(0))
    except AttributeError:
        ncpu = os.cpu_count() or 0
    return {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "nproc": ncpu,
        "machine": platform.machine(),
        "cpu": cpu_model(),
        "platform": platform.platform(),
        "load_average_start": load_average(),
        "date": time.strftime("%Y-%m-%d"),
    }


def profile_feed(doc: Document, snapshot: bool, top: int = 15) -> str:
    """cProfile of sseparse's feed loop on *doc*: the *top* functions by tottime."""
    run = _sseparse_feed_snapshot if snapshot else _sseparse_feed_close
    deltas = doc.deltas
    profiler = cProfile.Profile()
    profiler.enable()
    run(deltas)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --------------------------------------------------------------------------- #
# main
# --------------------------------------------------------------------------- #


def ensure_sseparse_importable() -> None:
    try:
        import sseparse.jsonstream  # noqa: F401
    except ImportError:
        root = Path(__file__).resolve().parent.parent
        sys.path.insert(0, str(root))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else ""
    )
    ap.add_argument("--quick", action="store_true", help="1 KB and 10 KB only, N=1")
    ap.add_argument("--json", metavar="PATH", help="also write every figure as JSON")
    ap.add_argument(
        "--repeat", type=int, help="best of N for every figure (default: per size)"
    )
    ap.add_argument(
        "--sizes",
        nargs="+",
        choices=list(SIZES),
        help="document sizes to run (default: all, or 1 KB and 10 KB with --quick)",
    )
    ap.add_argument("--workloads", default="ABCD", help="subset of ABCD (default ABCD)")
    ap.add_argument("--no-peers", action="store_true", help="sseparse and floor only")
    ap.add_argument(
        "--gc", action="store_true", help="keep the GC on in timed runs of A and B"
    )
    ap.add_argument(
        "--cpu",
        action="store_true",
        help="time A, B and D with the process's CPU time instead of the wall clock",
    )
    ap.add_argument(
        "--profile",
        action="store_true",
        help="print a cProfile (top 15 by tottime) of sseparse's feed loop on the "
        "largest document, for A (feed) and B (feed + snapshot)",
    )
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    global _clock  # one switch for every timed run
    args = parse_args(argv)
    if args.cpu:
        _clock = time.process_time
    ensure_sseparse_importable()
    labels = args.sizes or (list(QUICK_SIZES) if args.quick else list(SIZES))
    labels = [label for label in SIZES if label in labels]
    workloads = args.workloads.upper()

    def repeats(label: str) -> int:
        if args.repeat:
            return int(args.repeat)
        return 1 if args.quick else REPEATS[label]

    peers, notes = available(() if args.no_peers else PEERS)
    info = machine_info()
    report = Report(
        machine=info,
        config={
            "sizes": labels,
            "repeats": {label: repeats(label) for label in labels},
            "workloads": workloads,
            "gc_in_timed_runs": bool(args.gc),
            "clock": "process_time" if args.cpu else "perf_counter",
            "delta_chars": [DELTA_MIN, DELTA_MAX],
            "seed": SEED,
            "versions": {
                impl.name: version_of(impl.module) for impl in (SSEPARSE_A, *peers)
            },
        },
        notes=notes,
    )
    progress(f"building documents {', '.join(labels)}")
    docs = make_documents(labels)
    report.documents = [doc.describe() for doc in docs]
    started = time.perf_counter()

    for i, doc in enumerate(docs):
        n = repeats(doc.label)
        progress(f"{doc.label}: floor")
        report.figures.append(run_floor(doc, n, args.gc))
        if "A" in workloads or "D" in workloads:
            progress(f"{doc.label}: A sseparse")
            report.figures.append(run_impl("A", SSEPARSE_A, doc, n, args.gc))
        if "B" in workloads or "D" in workloads:
            progress(f"{doc.label}: B sseparse")
            report.figures.append(run_impl("B", SSEPARSE_B, doc, n, args.gc))
            for impl in peers:
                est = estimate_quadratic(report, impl.name, docs, i)
                if est > PEER_LIMIT_S:
                    progress(f"{doc.label}: B {impl.name} skipped (est. {est:.0f} s)")
                    report.figures.append(
                        Figure(
                            "B",
                            impl.name,
                            doc.label,
                            None,
                            note="skipped (>60 s, quadratic)",
                            estimate=est,
                        )
                    )
                    continue
                progress(f"{doc.label}: B {impl.name} (est. {est:.1f} s)")
                report.figures.append(
                    run_impl("B", impl, doc, n, args.gc, budget=PEER_BUDGET_S)
                )
        if "C" in workloads:
            c_repeat = 1 if args.quick else 3
            for op, use_gc in (
                ("feed", False),
                ("feed + snapshot", False),
                ("feed + snapshot", True),
            ):
                progress(f"{doc.label}: C {op} gc={'on' if use_gc else 'off'}")
                report.latencies.append(run_latency(doc, op, use_gc, c_repeat))

    info["load_average_end"] = load_average()
    info["wall_seconds"] = round(time.perf_counter() - started, 1)
    impl_names = ["sseparse", *(impl.name for impl in peers)]

    versions = ", ".join(f"{k} {v}" for k, v in report.config["versions"].items())
    print("## sseparse.jsonstream benchmark\n")
    print(
        f"{info['date']}; {info['python']} on {info['platform']}, {info['machine']}, "
        f"{info['nproc']} CPU(s), {info['cpu']}; load average "
        f"{info['load_average_start']} (start), {info['load_average_end']} (end); "
        f"{versions}; best of N (N per size: "
        + ", ".join(f"{k} {v}" for k, v in report.config["repeats"].items())
        + f"); {'CPU time' if args.cpu else 'wall time'}; "
        f"GC {'on' if args.gc else 'off'} in timed runs; "
        f"run took {info['wall_seconds']} s.\n"
    )
    for note in notes:
        print(f"- {note}")
    print("### Documents\n")
    print(table_documents(docs) + "\n")
    if "A" in workloads:
        print("### A. Feed every delta, close (sseparse vs one json.loads)\n")
        print(table_a(report, docs) + "\n")
    if "B" in workloads:
        print(
            "### B. A partial value after every delta (time for the whole stream; "
            "(Nx) = time / sseparse's)\n"
        )
        print(table_b(report, docs, impl_names) + "\n")
    if "C" in workloads:
        print("### C. Per-delta latency of sseparse (one pass; best p99 of N)\n")
        print(table_c(report) + "\n")
    if "D" in workloads and len(docs) > 1:
        print("### D. Growth: time ratio between consecutive sizes\n")
        print(table_d(report, docs, impl_names) + "\n")
    print("### Goals\n")
    for line in goals(report, docs):
        print(f"- {line}")
    print()

    if args.profile:
        for snapshot in (False, True):
            what = "feed + snapshot (B)" if snapshot else "feed (A)"
            print(f"### cProfile: sseparse {what}, {docs[-1].label}\n")
            print("```\n" + profile_feed(docs[-1], snapshot).rstrip() + "\n```\n")
            if snapshot:
                print(
                    "Under a profiler, `snapshot()` is much slower than it is "
                    "unprofiled (compare B with A above): a profile hook stops "
                    "CPython from growing the open string in place, so each "
                    "snapshot copies it.\n"
                )

    if args.json:
        payload = {
            "machine": report.machine,
            "config": report.config,
            "documents": report.documents,
            "figures": [asdict(fig) for fig in report.figures],
            "latencies": [asdict(lat) for lat in report.latencies],
            "goals": goals(report, docs),
            "notes": report.notes,
        }
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
        progress(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
