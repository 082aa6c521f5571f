"""Benchmark sseparse's SSE decoder against the SSE decoders of popular clients.

Run from the repository root::

    python benchmarks/bench_sse.py            # full run
    python benchmarks/bench_sse.py --quick    # small smoke run
    python benchmarks/bench_sse.py --json results.json

Workloads (all built deterministically here, no network, no files):

(a) an OpenAI-style chat completion stream, one token per event (20,000 events
    plus ``data: [DONE]``), cut into 4 KiB reads;
(b) one event whose single ``data:`` line is 4 MiB long, in 1460-byte reads (one
    TCP segment each);
(c) the first 200 KiB of (a), cut back to the last complete event, fed one byte
    at a time; plus a linear-growth check: 1-byte feeding of N vs 16*N bytes.

Each implementation gets bytes in and returns every decoded event materialised in
a list; the event count and every ``data`` string are checked against the
expected events (and against sseparse's output). The reported time is the best of
N wall-clock runs (``time.perf_counter``), with the garbage collector disabled
during each run (as ``timeit`` does) unless ``--gc`` is given. The runs go
round-robin over the implementations, and the best CPU time of the process
(``time.process_time``) is reported too: on a busy machine it is the steadier
figure.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import gc
import json
import os
import platform
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

# a sibling module: benchmarks/ is sys.path[0] when this file is run as a script
from _peers_sse import PEERS, SSEPARSE, Impl, Spec, Unavailable, load

if TYPE_CHECKING:
    from collections.abc import Sequence

KIB = 1024
MIB = 1024 * 1024
SEED = 20261121


# --------------------------------------------------------------------------- #
# workloads
# --------------------------------------------------------------------------- #

# fmt: off
_WORDS = (
    " the", " a", " of", " and", " to", " in", " is", " that", " for", " it",
    " with", " as", " on", " be", " this", " are", " by", " stream", " event",
    " token", " server", " client", " data", " response", " model", " request",
    " function", " value", " parse", " buffer", " line", " field", " decoder",
    " However", " Therefore", " example", " simply", " quickly", " returns",
    "ing", "ed", "ly", "tion", "s", "er", "'s", "n't",
    ".", ",", ":", ";", "!", "?", " (", ")", " -", "\n", "\n\n", " `", "`",
    " 1", "2", "0", " 42", " 3.14", " 2026",
    "```python\n", "def", " main", "():\n", "    ", "return", ' "', '"', "\\",
    " {", "}", " [", "]", " =", " ==", " ->", " None", " True",
)
_NON_ASCII = (
    " café", " naïve", " über", " Straße", " façade", " résumé", " déjà",
    " —", "…", " “quoted”", " ±", " °C", " €", " £",
    " 日本", "語", " 中文", "字", " 한국어", " Привет", " мир", " Ελληνικά",
    " العربية", " עברית", " हिन्दी", " ไทย",
    " 🙂", " 🚀", "👍", " 🎉", " ✅",
)
# fmt: on


def _tokens(rng: random.Random, n: int) -> list[str]:
    out: list[str] = []
    for _ in range(n):
        if rng.random() < 0.08:
            out.append(rng.choice(_NON_ASCII))
        else:
            out.append(rng.choice(_WORDS))
    return out


def build_chat_stream(n_events: int) -> tuple[bytes, list[str], list[int]]:
    """An OpenAI chat.completion.chunk stream with ``n_events`` token events.

    Returns the stream bytes (ending with ``data: [DONE]``), the expected data
    strings (``n_events + 1`` of them) and the byte offset just past each event.
    """
    rng = random.Random(SEED)
    completion_id = "chatcmpl-" + "".join(
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        for _ in range(29)
    )
    fingerprint = "fp_" + "".join(rng.choice("0123456789abcdef") for _ in range(10))
    created = 1_795_000_000
    tokens = _tokens(rng, n_events)
    datas: list[str] = []
    parts: list[bytes] = []
    ends: list[int] = []
    offset = 0
    for i, token in enumerate(tokens):
        delta: dict[str, str] = {"content": token}
        finish: str | None = None
        if i == 0:
            delta = {"role": "assistant", "content": ""}
        elif i == n_events - 1:
            delta = {}
            finish = "stop"
        obj: dict[str, Any] = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created + i // 400,
            "model": "gpt-4o-mini",
            "system_fingerprint": fingerprint,
            "choices": [
                {
                    "index": 0,
                    "delta": delta,
                    "logprobs": None,
                    "finish_reason": finish,
                }
            ],
        }
        data = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        datas.append(data)
        raw = b"data: " + data.encode("utf-8") + b"\n\n"
        parts.append(raw)
        offset += len(raw)
        ends.append(offset)
    done = b"data: [DONE]\n\n"
    datas.append("[DONE]")
    parts.append(done)
    ends.append(offset + len(done))
    return b"".join(parts), datas, ends


def build_big_event(size: int) -> tuple[bytes, list[str]]:
    """One event whose only ``data:`` line carries ``size`` bytes (base64 text)."""
    rng = random.Random(SEED)
    raw = rng.randbytes(size * 3 // 4 + 3)
    value = base64.b64encode(raw)[:size].decode("ascii")
    return b"data: " + value.encode("ascii") + b"\n\n", [value]


def split(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def prefix_events(ends: Sequence[int], limit: int) -> int:
    """How many whole events fit in the first ``limit`` bytes."""
    count = 0
    for end in ends:
        if end > limit:
            break
        count += 1
    return count


@dataclass
class Workload:
    key: str
    title: str
    chunks: list[bytes]
    expected: list[str]
    repeat: int

    @property
    def nbytes(self) -> int:
        return sum(len(c) for c in self.chunks)


@dataclass
class Config:
    n_events: int
    big_size: int
    byte_feed_size: int
    repeat_ab: int
    repeat_c: int


FULL = Config(
    n_events=20_000,
    big_size=4 * MIB,
    byte_feed_size=200 * KIB,
    repeat_ab=5,
    repeat_c=3,
)
QUICK = Config(
    n_events=2_000,
    big_size=256 * KIB,
    byte_feed_size=32 * KIB,
    repeat_ab=1,
    repeat_c=1,
)


def one_byte_workload(
    key: str, stream: bytes, datas: list[str], ends: list[int], limit: int, rep: int
) -> Workload:
    count = prefix_events(ends, limit)
    cut = ends[count - 1] if count else 0
    return Workload(
        key=key,
        title=(
            f"first {limit / KIB:g} KiB of (a), cut back to whole events"
            f" ({cut:,} B), 1-byte reads"
        ),
        chunks=split(stream[:cut], 1),
        expected=datas[:count],
        repeat=rep,
    )


def build_workloads(cfg: Config) -> tuple[list[Workload], Workload]:
    stream, datas, ends = build_chat_stream(cfg.n_events)
    big, big_datas = build_big_event(cfg.big_size)
    a = Workload(
        key="a",
        title=f"chat stream, {cfg.n_events:,} token events + [DONE], 4 KiB reads",
        chunks=split(stream, 4 * KIB),
        expected=datas,
        repeat=cfg.repeat_ab,
    )
    b = Workload(
        key="b",
        title=f"one event, one {cfg.big_size / MIB:g} MiB data line, 1460 B reads",
        chunks=split(big, 1460),
        expected=big_datas,
        repeat=cfg.repeat_ab,
    )
    c = one_byte_workload("c", stream, datas, ends, cfg.byte_feed_size, cfg.repeat_c)
    # N for the linear-growth check: (c) is 16*N, N is cut back to whole events
    small = one_byte_workload("c/16", stream, datas, ends, c.nbytes // 16, cfg.repeat_c)
    return [a, b, c], small


# --------------------------------------------------------------------------- #
# measurement
# --------------------------------------------------------------------------- #


@dataclass
class Result:
    workload: str
    implementation: str
    version: str
    events: int
    nbytes: int
    best_s: float  # best wall-clock time (time.perf_counter)
    best_cpu_s: float  # best CPU time of this process (time.process_time)
    runs_s: list[float] = field(default_factory=list)
    speedup: float | None = None  # peer time / sseparse time (>1: sseparse faster)

    @property
    def events_per_s(self) -> float:
        return self.events / self.best_s

    @property
    def mb_per_s(self) -> float:
        return self.nbytes / self.best_s / 1e6


def check(ok: bool, message: str) -> None:
    if not ok:  # not an ``assert``: must hold under ``python -O`` too
        raise AssertionError(message)


def run_once(
    impl: Impl, chunks: Sequence[bytes], use_gc: bool
) -> tuple[float, float, Any]:
    """Time one full decode; returns (wall seconds, CPU seconds, events)."""
    gc.collect()
    gc_was_enabled = gc.isenabled()
    if not use_gc:
        gc.disable()
    try:
        c0 = time.process_time()
        t0 = time.perf_counter()
        events = impl.run(chunks)
        elapsed = time.perf_counter() - t0
        cpu = time.process_time() - c0
    finally:
        if gc_was_enabled:
            gc.enable()
    return elapsed, cpu, events


def verify(
    impl: Impl, work: Workload, events: list[Any], reference: list[str] | None
) -> list[str]:
    datas = [e.data for e in events]
    where = f"{impl.name} on ({work.key})"
    check(
        len(datas) == len(work.expected),
        f"{where}: {len(datas)} events, expected {len(work.expected)}",
    )
    check(datas == work.expected, f"{where}: data strings differ")
    if reference is not None:
        check(datas == reference, f"{where}: data differs from sseparse's")
    return datas


def measure(impls: Sequence[Impl], work: Workload, use_gc: bool) -> list[Result]:
    """Best of ``work.repeat`` runs of every implementation.

    The runs go round-robin (sseparse, peer 1, peer 2, ..., sseparse, ...) so that
    a slow spell of the machine does not fall on one implementation only. The
    first round also checks every output.
    """
    walls: dict[str, list[float]] = {impl.name: [] for impl in impls}
    cpus: dict[str, list[float]] = {impl.name: [] for impl in impls}
    counts: dict[str, int] = {}
    reference: list[str] | None = None
    for i in range(work.repeat):
        for impl in impls:
            wall, cpu, events = run_once(impl, work.chunks, use_gc)
            walls[impl.name].append(wall)
            cpus[impl.name].append(cpu)
            if i == 0:
                datas = verify(impl, work, events, reference)
                counts[impl.name] = len(datas)
                if impl.name == "sseparse":
                    reference = datas
            del events
    results = [
        Result(
            workload=work.key,
            implementation=impl.name,
            version=impl.version,
            events=counts[impl.name],
            nbytes=work.nbytes,
            best_s=min(walls[impl.name]),
            best_cpu_s=min(cpus[impl.name]),
            runs_s=walls[impl.name],
        )
        for impl in impls
    ]
    base = next((r for r in results if r.implementation == "sseparse"), None)
    if base is not None:
        for r in results:
            r.speedup = r.best_s / base.best_s
    return results


def linear_check(
    impl: Impl, small: Workload, large: Workload, rounds: int, use_gc: bool
) -> dict[str, Any]:
    """1-byte feeding of N vs 16*N bytes, interleaved so that noise hits both."""
    small_runs: list[float] = []
    large_runs: list[float] = []
    small_cpu: list[float] = []
    large_cpu: list[float] = []
    for i in range(rounds):
        t_small, c_small, events = run_once(impl, small.chunks, use_gc)
        if i == 0:
            verify(impl, small, events, None)
        del events
        t_large, c_large, events = run_once(impl, large.chunks, use_gc)
        del events
        small_runs.append(t_small)
        large_runs.append(t_large)
        small_cpu.append(c_small)
        large_cpu.append(c_large)
    return {
        "implementation": impl.name,
        "small_bytes": small.nbytes,
        "large_bytes": large.nbytes,
        "small_s": min(small_runs),
        "large_s": min(large_runs),
        "time_ratio": min(large_runs) / min(small_runs),
        "cpu_time_ratio": min(large_cpu) / min(small_cpu),
        "bytes_ratio": large.nbytes / small.nbytes,
    }


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- #
# environment and reporting
# --------------------------------------------------------------------------- #


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Model", "Hardware"):
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict[str, Any]:
    try:
        ncpu = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        ncpu = os.cpu_count() or 0
    return {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "nproc": ncpu,
        "machine": platform.machine(),
        "cpu": cpu_model(),
        "platform": platform.platform(),
    }


def fmt_rate(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:.2f} M"
    if value >= 1e3:
        return f"{value / 1e3:.1f} k"
    return f"{value:.1f}"


def markdown_table(results: list[Result], workloads: list[Workload]) -> str:
    titles = {w.key: w.title for w in workloads}
    lines = [
        (
            "| workload | implementation | version | events | best (ms) "
            "| CPU (ms) | events/s | MB/s | sseparse speedup |"
        ),
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        speed = "—" if r.speedup is None else f"{r.speedup:.2f}x"
        lines.append(
            f"| ({r.workload}) | {r.implementation} | {r.version} | {r.events:,} "
            f"| {r.best_s * 1e3:,.1f} | {r.best_cpu_s * 1e3:,.1f} "
            f"| {fmt_rate(r.events_per_s)} "
            f"| {r.mb_per_s:.2f} | {speed} |"
        )
    lines.append("")
    for key, title in titles.items():
        lines.append(f"- ({key}) {title}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- #
# main
# --------------------------------------------------------------------------- #


def ensure_sseparse_importable() -> None:
    """Let ``python benchmarks/bench_sse.py`` work from a checkout without install."""
    try:
        import sseparse  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="small smoke run")
    p.add_argument("--json", metavar="PATH", help="write the results as JSON")
    p.add_argument("--repeat", type=int, help="best-of-N for (a) and (b) [5]")
    p.add_argument("--repeat-c", type=int, help="best-of-N for (c) [3]")
    p.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only this implementation (repeatable), e.g. --only openai",
    )
    p.add_argument(
        "--workloads", default="abc", help="which workloads to run, e.g. 'ab' [abc]"
    )
    p.add_argument(
        "--gc", action="store_true", help="keep the garbage collector enabled"
    )
    return p.parse_args(argv)


def select(only: list[str] | None) -> tuple[list[Impl], list[Unavailable]]:
    specs: list[Spec] = [SSEPARSE, *PEERS]
    if only:
        wanted = set(only)
        unknown = wanted - {s[0] for s in specs}
        if unknown:
            raise SystemExit(f"unknown implementation(s): {', '.join(sorted(unknown))}")
        specs = [s for s in specs if s[0] in wanted]
    impls: list[Impl] = []
    missing: list[Unavailable] = []
    for spec in specs:
        loaded = load(spec)
        if isinstance(loaded, Impl):
            impls.append(loaded)
        else:
            missing.append(loaded)
    return impls, missing


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    ensure_sseparse_importable()
    cfg = QUICK if args.quick else FULL
    if args.repeat is not None:
        cfg = dataclasses.replace(cfg, repeat_ab=args.repeat)
    if args.repeat_c is not None:
        cfg = dataclasses.replace(cfg, repeat_c=args.repeat_c)
    if cfg.repeat_ab < 1 or cfg.repeat_c < 1:
        raise SystemExit("--repeat and --repeat-c must be at least 1")
    impls, missing = select(args.only)
    for m in missing:
        progress(f"note: skipping {m.name} (cannot import: {m.reason})")
    if not impls:
        raise SystemExit("no implementation available")

    progress("building workloads ...")
    all_workloads, small = build_workloads(cfg)
    workloads = [w for w in all_workloads if w.key in args.workloads]
    results: list[Result] = []
    for work in workloads:
        progress(
            f"({work.key}) {work.title}: {work.nbytes:,} B in {len(work.chunks):,}"
            f" reads, best of {work.repeat}"
        )
        for result in measure(impls, work, args.gc):
            results.append(result)
            progress(
                f"    {result.implementation:<13} {result.best_s * 1e3:10.1f} ms"
                f"  (CPU {result.best_cpu_s * 1e3:.1f} ms)"
            )

    linear: list[dict[str, Any]] = []
    large = next((w for w in workloads if w.key == "c"), None)
    if large is not None:
        progress(
            f"linear-growth check: 1-byte reads of {small.nbytes:,} B vs"
            f" {large.nbytes:,} B ((c)), interleaved"
        )
        for impl in impls:
            row = linear_check(impl, small, large, max(cfg.repeat_c, 3), args.gc)
            linear.append(row)
            progress(
                f"    {impl.name:<13} {row['small_s'] * 1e3:10.1f} ms"
                f" {row['large_s'] * 1e3:10.1f} ms  ratio {row['time_ratio']:.2f}"
            )

    info = machine_info()
    print(
        f"## sseparse SSE benchmark — {info['date']}, {info['python']}, "
        f"{info['machine']}, {info['nproc']} CPU(s), {info['cpu']}"
    )
    print()
    mode = "quick" if args.quick else "full"
    gc_note = "GC enabled" if args.gc else "GC disabled during runs"
    print(
        f"Mode: {mode}; best of {cfg.repeat_ab} for (a)/(b), {cfg.repeat_c} for (c);"
        f" {gc_note}. Times are wall-clock (perf_counter), CPU = process_time."
        " Speedup = peer time / sseparse time (>1: sseparse faster)."
    )
    print()
    print(markdown_table(results, workloads))
    for m in missing:
        print(f"- not measured: {m.name} ({m.reason})")
    print()

    goals: list[dict[str, Any]] = []
    by_key: dict[str, list[Result]] = {}
    for r in results:
        by_key.setdefault(r.workload, []).append(r)
    for key in ("a", "b"):
        rows = by_key.get(key, [])
        mine = [r for r in rows if r.implementation == "sseparse"]
        peers = [r for r in rows if r.implementation != "sseparse"]
        if not mine or not peers:
            continue
        fastest = min(peers, key=lambda r: r.best_s)
        ratio = fastest.best_s / mine[0].best_s
        fastest_cpu = min(peers, key=lambda r: r.best_cpu_s)
        ratio_cpu = fastest_cpu.best_cpu_s / mine[0].best_cpu_s
        verdict = "met" if ratio >= 2.0 else "NOT met"
        goals.append(
            {
                "workload": key,
                "fastest_peer": fastest.implementation,
                "speedup": ratio,
                "fastest_peer_cpu": fastest_cpu.implementation,
                "speedup_cpu": ratio_cpu,
            }
        )
        print(
            f"- ({key}) sseparse vs fastest peer ({fastest.implementation}):"
            f" {ratio:.2f}x wall-clock — goal >= 2x {verdict}"
            f" (CPU time: {ratio_cpu:.2f}x vs {fastest_cpu.implementation})"
        )
    if linear:
        print()
        print("Linear-growth check, 1-byte reads (time ratio should be ~ bytes ratio):")
        print()
        print(
            "| implementation | t(N) ms | t(16N) ms | bytes ratio | time ratio "
            "| CPU-time ratio |"
        )
        print("|---|---:|---:|---:|---:|---:|")
        for row in linear:
            print(
                f"| {row['implementation']} | {row['small_s'] * 1e3:,.1f}"
                f" | {row['large_s'] * 1e3:,.1f} | {row['bytes_ratio']:.2f}"
                f" | {row['time_ratio']:.2f} | {row['cpu_time_ratio']:.2f} |"
            )

    if args.json:
        payload = {
            "machine": info,
            "mode": mode,
            "gc_disabled": not args.gc,
            "config": asdict(cfg),
            "workloads": {
                w.key: {"title": w.title, "bytes": w.nbytes, "reads": len(w.chunks)}
                for w in workloads
            },
            "results": [
                {
                    **asdict(r),
                    "events_per_s": r.events_per_s,
                    "mb_per_s": r.mb_per_s,
                }
                for r in results
            ],
            "goals": goals,
            "linear": linear,
            "not_measured": [asdict(m) for m in missing],
        }
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
        progress(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
