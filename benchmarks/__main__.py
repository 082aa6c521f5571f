"""``python -m benchmarks``: every benchmark, side by side with the peers.

Usage (from the repository root, after ``pip install -e '.[bench]'``)::

    python -m benchmarks                  # every layer; writes benchmarks/README.md
    python -m benchmarks --layers sse,llm # those layers; the others keep their figures
    python -m benchmarks --quick          # small inputs, few rounds: a smoke run
    python -m benchmarks --check          # the ratio-only scaling check of .ci/run
    python -m benchmarks --render --out D # the report again, from results/, into D

Each layer runs in a process of its own, one after the other; its results go
to ``benchmarks/results/<layer>.json``, and the report (``README.md`` and the
PNG charts in ``benchmarks/charts/``) is written from those files, so a layer
measured again replaces only its own figures.  ``--out DIR`` writes all of it
under ``DIR`` instead (a quick run never overwrites the committed report
unless asked to).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._harness import FULL, QUICK, Layer, check_layer, measure_layer

HERE = Path(__file__).resolve().parent
LAYERS = ("sse", "jsonstream", "structured", "llm", "transport")


def load_layer(name: str, quick: bool) -> Layer:
    module = importlib.import_module(f"benchmarks.{name}")
    layer: Layer = module.layer(quick)
    return layer


def _layer_process(name: str, quick: bool, check: bool, out: Path) -> int:
    """The child: measure one layer, write its JSON."""
    layer = load_layer(name, quick)
    print(f"== {layer.title}", file=sys.stderr, flush=True)
    if check:
        payload: Any = check_layer(layer)
    else:
        payload = measure_layer(layer, QUICK if quick else FULL)
        payload["quick"] = quick
    out.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return 0


def _spawn(name: str, args: argparse.Namespace, out: Path) -> None:
    command = [sys.executable, "-m", "benchmarks", "--child", name, "--json", str(out)]
    if args.quick:
        command.append("--quick")
    if args.check:
        command.append("--check")
    env = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run(command, env=env, cwd=HERE.parent, check=False)
    if done.returncode != 0:
        raise SystemExit(
            f"benchmarks: the {name} layer failed (exit {done.returncode})"
        )


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run sseparse's benchmarks side by side with its peers.",
    )
    parser.add_argument(
        "--layers",
        default=",".join(LAYERS),
        help=f"comma-separated layers to measure (default: all of {', '.join(LAYERS)})",
    )
    parser.add_argument("--quick", action="store_true", help="small inputs, few rounds")
    parser.add_argument(
        "--check",
        action="store_true",
        help="only the ratio-only scaling check; exit 1 when a bound is broken",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="write results, charts and README.md here (default: benchmarks/; "
        "a --quick run needs it)",
    )
    parser.add_argument("--no-charts", action="store_true", help="write no PNG charts")
    parser.add_argument(
        "--render",
        action="store_true",
        help="measure nothing: rebuild README.md and the charts from "
        "benchmarks/results/ (into --out DIR when given)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    layers = [x.strip() for x in args.layers.split(",") if x.strip()]
    unknown = [x for x in layers if x not in LAYERS]
    if unknown:
        parser.error(
            f"unknown layer {unknown[0]!r}; the layers are {', '.join(LAYERS)}"
        )
    args.layer_list = layers
    if args.quick and args.out is None and not args.check and args.child is None:
        parser.error(
            "a --quick run would replace the committed figures: give --out DIR"
        )
    return args


def _check(args: argparse.Namespace, tmp: Path) -> int:
    rows: list[dict[str, Any]] = []
    for name in args.layer_list:
        out = tmp / f"{name}.check.json"
        _spawn(name, args, out)
        rows.extend(json.loads(out.read_text(encoding="utf-8")))
    print("\nscaling check: CPU time at 16·N over CPU time at N (linear: about 16)")
    failed = 0
    for row in rows:
        verdict = "ok" if row["ok"] else "TOO STEEP"
        failed += not row["ok"]
        small, big = row["sizes"]
        print(
            f"  {row['layer']:<11} {row['scaling']:<18} {row['impl']:<22}"
            f" {small:>10,} -> {big:>11,}: {row['ratio']:6.1f}x"
            f" (bound {row['bound']:.0f}x) {verdict}"
        )
    if not rows:
        print("no scaling declares check sizes", file=sys.stderr)
        return 1
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.child is not None:
        return _layer_process(args.child, args.quick, args.check, args.json)
    from benchmarks import _report

    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            return _check(args, Path(tmp))
    out_dir: Path = args.out if args.out is not None else HERE
    results_dir = (HERE if args.render else out_dir) / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    for name in [] if args.render else args.layer_list:
        _spawn(name, args, results_dir / f"{name}.json")
    results = [
        json.loads(path.read_text(encoding="utf-8"))
        for name in LAYERS
        if (path := results_dir / f"{name}.json").exists()
    ]
    charts = [] if args.no_charts else _report.write_charts(results, out_dir / "charts")
    readme = _report.readme(results, charts, relative_to=out_dir)
    (out_dir / "README.md").write_text(readme, encoding="utf-8")
    print(_report.summary(results), file=sys.stderr)
    print(
        f"wrote {out_dir / 'README.md'} and {len(charts)} charts"
        f" in {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
