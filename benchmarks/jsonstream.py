"""Incremental JSON: sseparse's ``JSONStreamParser`` against partial-JSON parsers.

The documents are tool-call arguments as an LLM streams them (built here, fixed
seed): ``{"edits": [{"path", "line", "replace", "tags", "confidence", "ok",
"note"}, ...], "file": {"path", "content"}}``, where ``replace`` and
``content`` (about half the text) hold source code with newlines, tabs,
quotes, backslashes, ANSI escapes (``\\u001b``), non-ASCII text and a few
non-ASCII characters written as ``\\uXXXX`` escapes (surrogate pairs for
astral ones).  The text is cut into deltas of 4 to 12 characters, so that
deltas split escapes, numbers, literals and keys.

* **feed**: feed every delta, then ``close()``; the floor is one
  ``json.loads`` of the whole text.
* **snapshots**: a partial value after every delta.  sseparse calls
  ``feed()`` then ``snapshot()``; the peers are not incremental, so each
  appends the delta to a buffer and re-parses the whole prefix, as the OpenAI
  and Anthropic SDKs do (``buf += delta.encode(); from_json(buf,
  partial_mode="trailing-strings")``): jiter, pydantic_core's ``from_json``
  with ``allow_partial="trailing-strings"``, partial-json-parser's
  ``loads(buf)``.  Their cost grows with the square of the text, so they are
  not run on the 1 MB document, and partial-json-parser (pure Python, about
  4 minutes for 100 KB here) appears in the scaling only, at small sizes.
* **latency**: the time of each ``feed()`` (and ``feed()`` + ``snapshot()``)
  call, by ``time.perf_counter_ns`` (a call is too short for the CPU clock),
  in the pass of three with the lowest p99.

Every final value is checked against ``json.loads`` of the whole text.
"""

from __future__ import annotations

import functools
import gc
import importlib
import json
import random
import time
from typing import Any, NamedTuple

from benchmarks._harness import (
    KB,
    MB,
    SEED,
    Case,
    Extra,
    Goal,
    Impl,
    Layer,
    Run,
    Scaling,
    Work,
)


class Doc(NamedTuple):
    text: str
    deltas: list[str]


# --------------------------------------------------------------------------- #
# documents
# --------------------------------------------------------------------------- #

_IDENTS = (
    "parse", "buffer", "value", "stream", "decoder", "offset", "tokens", "result",
    "state", "chunk", "line", "field", "cursor", "payload", "headers", "retry",
)  # fmt: skip
_NON_ASCII = (
    "café", "Straße", "déjà vu", "±1 °C", "€ 5", "— note", "“quoted”", "…",
    "日本語のテキスト", "中文注释", "Привет, мир", "Ελληνικά", "العربية",
    "🚀 fast", "👍",
)  # fmt: skip
_TAGS = ("refactor", "bugfix", "perf", "docs", "tests", "typing", "api", "i18n")


def _code_line(rng: random.Random) -> str:
    """One line of Python-ish source with quotes, backslashes and odd characters."""
    a, b, c = rng.sample(_IDENTS, 3)
    word = rng.choice(_NON_ASCII)
    n = rng.randint(0, 9999)
    return rng.choice(
        (
            f"    {a} = {b}.get({c!r}, None)",
            f'    if {a} == "\\n":\n        return "\\"{b}\\""',
            f"    # {word}: {a} must not exceed {b}",
            f'    pattern = re.compile(r"\\s+{a}\\d{{3}}\\\\")',
            f'    log.info("\x1b[32m%s\x1b[0m {word}", {a})',
            f"def {a}_{b}(self, {c}: str, *, limit: int = {n}) -> dict[str, int]:",
            f"\t{a} += {n}  # tab-indented, {word}",
            f'    raise ValueError("bad {a}: \\"%s\\" at C:\\\\{b}" % {c})',
            "",
        )
    )


def _escape_some(rng: random.Random, text: str, share: float) -> str:
    """Write about ``share`` of the non-ASCII characters as ``\\uXXXX`` escapes
    (only strings hold them, so the value is unchanged)."""
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


@functools.cache
def document(target: int) -> tuple[Doc, Any]:
    """Tool-call arguments of about ``target`` characters, cut into deltas, and
    their value."""
    rng = random.Random(f"{SEED}-{target}")
    edits: list[dict[str, Any]] = []
    size = 0
    while size < target // 2 or not edits:
        edit = {
            "path": f"src/{rng.choice(_IDENTS)}_{len(edits)}.py",
            "line": rng.randint(1, 20_000),
            "replace": "\n".join(_code_line(rng) for _ in range(rng.randint(1, 4))),
            "tags": rng.sample(_TAGS, rng.randint(0, 3)),
            "confidence": round(rng.uniform(0.3, 1.0), rng.choice((2, 4, 17))),
            "ok": rng.random() < 0.8,
            "note": rng.choice((None, None, f"{rng.choice(_NON_ASCII)} #{len(edits)}")),
        }
        edits.append(edit)
        size += len(json.dumps(edit, ensure_ascii=False)) + 2
    lines: list[str] = []
    while size < target - 60:
        lines.append(_code_line(rng))
        size += len(json.dumps(lines[-1], ensure_ascii=False))
    value = {
        "edits": edits,
        "file": {"path": "src/app.py", "content": "\n".join(lines) + "\n"},
    }
    text = _escape_some(rng, json.dumps(value, ensure_ascii=False), 0.05)
    deltas: list[str] = []
    pos = 0
    while pos < len(text):
        step = rng.randint(4, 12)
        deltas.append(text[pos : pos + step])
        pos += step
    if json.loads(text) != value:
        raise AssertionError("document builder: the escapes changed the value")
    return Doc(text, deltas), value


def _work(target: int) -> Work:
    doc, value = document(target)
    return Work(doc, value, len(doc.text.encode("utf-8")) / MB)


def _check(expected: Any, result: Any) -> None:
    if result != expected:
        raise AssertionError("the final value differs from json.loads of the text")


# --------------------------------------------------------------------------- #
# implementations
# --------------------------------------------------------------------------- #


def _sseparse(snapshots: bool) -> Run:
    from sseparse.jsonstream import JSONStreamParser

    def feed_close(doc: Doc) -> Any:
        parser = JSONStreamParser()
        feed = parser.feed
        for delta in doc.deltas:
            feed(delta)
        return parser.close()

    def feed_snapshot(doc: Doc) -> Any:
        parser = JSONStreamParser()
        feed = parser.feed
        snapshot = parser.snapshot
        for delta in doc.deltas:
            feed(delta)
            snapshot()
        return parser.close()

    return feed_snapshot if snapshots else feed_close


def _reparse_bytes(module: str, **partial: str) -> Run:
    """A Rust parser driven as the SDKs drive it: the whole prefix every delta."""
    from_json: Any = importlib.import_module(module).from_json

    def run(doc: Doc) -> Any:
        buf = b""
        value: Any = None
        for delta in doc.deltas:
            buf += delta.encode("utf-8")
            value = from_json(buf, **partial)
        return value

    return run


def _partial_json_parser() -> Run:
    loads: Any = importlib.import_module("partial_json_parser").loads

    def run(doc: Doc) -> Any:
        buf = ""
        value: Any = None
        for delta in doc.deltas:
            buf += delta
            value = loads(buf)
        return value

    return run


FEED = Impl("sseparse", lambda: _sseparse(False), role="sseparse")
SNAPSHOTS = Impl("sseparse (snapshots)", lambda: _sseparse(True), role="sseparse")
FLOOR = Impl("json.loads", lambda: lambda doc: json.loads(doc.text), role="floor")
PEERS = (
    Impl(
        "jiter",
        lambda: _reparse_bytes("jiter", partial_mode="trailing-strings"),
        "jiter",
    ),
    Impl(
        "pydantic_core",
        lambda: _reparse_bytes("pydantic_core", allow_partial="trailing-strings"),
        "pydantic_core",
    ),
    Impl("partial-json-parser", _partial_json_parser, "partial-json-parser"),
)

# --------------------------------------------------------------------------- #
# latency
# --------------------------------------------------------------------------- #


def _latencies(doc: Doc, expected: Any, snapshots: bool, use_gc: bool) -> list[int]:
    """Nanoseconds of each call, in one pass over the deltas."""
    from sseparse.jsonstream import JSONStreamParser

    parser = JSONStreamParser()
    feed, snapshot, clock = parser.feed, parser.snapshot, time.perf_counter_ns
    times: list[int] = []
    gc.collect()
    enabled = gc.isenabled()
    (gc.enable if use_gc else gc.disable)()
    try:
        for delta in doc.deltas:
            t0 = clock()
            feed(delta)
            if snapshots:
                snapshot()
            times.append(clock() - t0)
    finally:
        (gc.enable if enabled else gc.disable)()
    _check(expected, parser.close())
    return sorted(times)


def _latency(targets: tuple[int, ...], passes: int) -> tuple[str, dict[str, float]]:
    """p50/p99/p99.9/max per call; of ``passes`` passes, the one with the lowest
    p99 (the others were disturbed more by the machine)."""

    def pct(ordered: list[int], q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1e3

    rows = [
        "| document | call | gc | calls | p50 µs | p99 µs | p99.9 µs | max µs |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    worst = {False: 0.0, True: 0.0}  # the p99 goal is on the gc-off rows
    for target in targets:
        doc, value = document(target)
        for op, snapshots, use_gc in (
            ("feed", False, False),
            ("feed + snapshot", True, False),
            ("feed + snapshot", True, True),
        ):
            runs = [_latencies(doc, value, snapshots, use_gc) for _ in range(passes)]
            t = min(runs, key=lambda ts: pct(ts, 0.99))
            p99 = pct(t, 0.99)
            worst[use_gc] = max(worst[use_gc], p99)
            cells = (pct(t, 0.5), p99, pct(t, 0.999), t[-1] / 1e3)
            rows.append(
                f"| {target / KB:,.0f} KB | {op} | {'on' if use_gc else 'off'} "
                f"| {len(t):,} | " + " | ".join(f"{c:.1f}" for c in cells) + " |"
            )
    return "\n".join(rows), {"p99_us": worst[False], "p99_gc_us": worst[True]}


# --------------------------------------------------------------------------- #
# the layer
# --------------------------------------------------------------------------- #


# Linear growth gives 16, a prefix re-parse 256.  The harness samples every
# size in the same rounds, so a busy machine weighs on both figures alike.
LINEAR = 20.0


def _size(chars: int) -> str:
    return f"{chars / MB:g} MB" if chars >= MB else f"{chars / KB:g} KB"


def layer(quick: bool) -> Layer:
    big, mid = (100 * KB, 10 * KB) if quick else (MB, 100 * KB)
    feed_sizes = [big // 16 * 2**k for k in range(5)]
    # 5 KB .. 160 KB: partial-json-parser stops after 10 KB, jiter after 80 KB
    snap_sizes = [mid // 20 * 2**k for k in range(6)]
    return Layer(
        name="jsonstream",
        title="Incremental JSON: sseparse.jsonstream",
        intro=__doc__ or "",
        cases=[
            Case(
                "feed",
                f"feed every delta of a {_size(big)} document, then close()",
                lambda: _work(big),
                [FEED, FLOOR],
                unit="MB",
                check=_check,
            ),
            Case(
                "snapshots",
                f"a partial value after every delta of a {_size(mid)} document",
                lambda: _work(mid),
                [SNAPSHOTS, *PEERS[:2], FLOOR],
                unit="MB",
                check=_check,
                budget_s=30.0,
            ),
        ],
        scalings=[
            Scaling(
                "feed",
                "feed every delta of an N-character document, then close()",
                feed_sizes,
                _work,
                [FEED, FLOOR],
                size_unit="characters",
                check=_check,
                check_sizes=(16 * KB, 256 * KB),
            ),
            Scaling(
                "snapshots",
                "a partial value after every delta of an N-character document",
                snap_sizes,
                _work,
                [SNAPSHOTS, *PEERS],
                size_unit="characters",
                check=_check,
                check_sizes=(10 * KB, 160 * KB),
                run_limit_s=1.0 if quick else 5.0,
            ),
        ],
        extras=[
            Extra(
                "latency",
                "per-delta latency of sseparse",
                lambda q: _latency((10 * KB,) if q else (100 * KB, MB), 1 if q else 3),
            )
        ],
        goals=[
            Goal(
                "feed + close: at most 40x one json.loads of the whole text",
                "ratio:feed:sseparse/json.loads",
                "<=",
                40.0,
            ),
            Goal(
                f"a snapshot after every delta ({_size(mid)}): at most 1/20 of"
                " jiter's prefix re-parse",
                "ratio:snapshots:jiter/sseparse (snapshots)",
                ">=",
                20.0,
            ),
            Goal(
                "per-delta latency: p99 under 50 µs (gc off, feed and feed + snapshot)",
                "extra:latency.p99_us",
                "<=",
                50.0,
                unit=" µs",
            ),
            Goal(
                "feed + close stays linear: 16x the text, at most 20x the CPU time",
                "growth:feed:sseparse",
                "<=",
                LINEAR,
            ),
            Goal(
                "snapshots stay linear: 16x the text, at most 20x the CPU time",
                "growth:snapshots:sseparse (snapshots)",
                "<=",
                LINEAR,
            ),
        ],
    )
