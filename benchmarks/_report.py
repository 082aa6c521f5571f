"""``benchmarks/README.md`` and its charts, from the layers' JSON results.

Nothing here measures: it reads what :func:`benchmarks._harness.measure_layer`
wrote, so the report can be rebuilt (or one layer re-measured) without
running the rest again.  matplotlib is imported only to draw the charts
(the ``bench`` extra); without it the report has tables only.
"""

from __future__ import annotations

import sys
import textwrap
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

ROLE_COLOURS = {"sseparse": "#1f6fb4", "peer": "#9a9a9a", "floor": "#e3a53b"}
PEER_SHADES = ("#9a9a9a", "#6f6f6f", "#c04e4e", "#5a9e5a", "#8c6bb1", "#b3866b")


def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"


def fmt_rate(value: float, unit: str) -> str:
    """``720 k events/s``, ``153 MB/s``: three significant digits."""
    if unit == "MB" and value < 1:
        return f"{value * 1000:.3g} KB/s"
    for factor, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= factor and unit not in ("MB", "KB"):
            return f"{value / factor:.3g} {prefix} {unit}/s"
    return f"{value:,.0f} {unit}/s" if value >= 1000 else f"{value:.3g} {unit}/s"


def fmt_size(size: float, unit: str) -> str:
    if unit == "bytes":
        for binary, name in ((1 << 20, "MiB"), (1 << 10, "KiB")):
            if size >= binary and size % (binary // 4) == 0:
                return f"{size / binary:g} {name}"
        for factor, name in ((1e6, "MB"), (1e3, "KB")):
            if size >= factor:
                return f"{size / factor:g} {name}"
        return f"{size:g} B"
    return f"{size:,g} {unit}"


def fmt_value(value: float | None, unit: str = "x") -> str:
    if value is None:
        return "not measured"
    return f"{value:.3g}{unit}" if value < 100 else f"{value:.0f}{unit}"


def _ours(figures: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    return next((f for f in figures if f["role"] == "sseparse"), None)


def case_table(result: dict[str, Any]) -> str:
    versions = result.get("versions", {})
    rows = [
        "| workload | implementation | median CPU time | throughput"
        " | time / sseparse's |",
        "|---|---|---:|---:|---:|",
    ]
    for case in result["cases"]:
        ours = _ours(case["figures"])
        for i, f in enumerate(case["figures"]):
            label = f"{f['name']} {versions.get(f['name'], '')}".strip()
            if f["role"] == "sseparse":
                label = f"**{label}**"
            elif f["role"] == "floor":
                label = f"{label} (floor)"
            ratio = "" if ours is None else f"{f['median_s'] / ours['median_s']:.2f}x"
            rows.append(
                f"| {case['title'] if i == 0 else ''} | {label}"
                f" | {fmt_time(f['median_s'])}"
                f" | {fmt_rate(f['throughput'], case['unit'])}"
                f" | {ratio} |"
            )
    return "\n".join(rows)


def scaling_table(scaling: dict[str, Any]) -> str:
    sizes = sorted({s for line in scaling["series"] for s in line["sizes"]})
    unit = scaling["size_unit"]
    head = " | ".join(fmt_size(s, unit) for s in sizes)
    rows = [
        f"| implementation | {head} | log-log slope |",
        "|---|" + "---:|" * (len(sizes) + 1),
    ]
    for line in scaling["series"]:
        by_size = dict(zip(line["sizes"], line["median_s"], strict=True))
        cells = " | ".join(fmt_time(by_size[s]) if s in by_size else "—" for s in sizes)
        slope = line.get("slope")
        name = f"**{line['name']}**" if line["role"] == "sseparse" else line["name"]
        rows.append(f"| {name} | {cells} | {'' if slope is None else f'{slope:.2f}'} |")
    notes = [
        f"{line['name']}: {line['stopped']}."
        for line in scaling["series"]
        if line.get("stopped")
    ]
    return "\n".join(rows) + ("\n\n" + " ".join(notes) if notes else "")


def goal_rows(result: dict[str, Any], with_layer: bool) -> list[str]:
    rows = []
    for goal in result["goals"]:
        met = {True: "met", False: "**not met**", None: "not measured"}[goal["met"]]
        layer = f"{result['layer']} | " if with_layer else ""
        unit = goal.get("unit", "x")
        rows.append(
            f"| {layer}{goal['text']} | {fmt_value(goal['value'], unit)}"
            f" | {goal['op']} {goal['bound']:g}{unit} | {met} |"
        )
    return rows


def _section(result: dict[str, Any], charts: Sequence[Path], relative_to: Path) -> str:
    parts = [f"## {result['title']}", "", result["intro"].strip(), ""]
    if result.get("quick"):
        parts += [
            "*A `--quick` run: small inputs, few rounds; not the figures to quote.*",
            "",
        ]
    parts += [
        f"Measured in {result['seconds']:.0f} s, in a process of its own."
        + (
            " Not available: "
            + "; ".join(f"{k} ({v})" for k, v in result["unavailable"].items())
            + "."
            if result["unavailable"]
            else ""
        ),
        "",
    ]
    mine = {p.name: p for p in charts if p.name.startswith(f"{result['layer']}-")}
    if result["cases"]:
        parts += ["### Side by side", "", case_table(result), ""]
        if (chart := mine.get(f"{result['layer']}-throughput.png")) is not None:
            parts += [
                f"![{result['layer']}: throughput]"
                f"({chart.relative_to(relative_to).as_posix()})",
                "",
            ]
    if result["scalings"]:
        parts += ["### Cost against input size", ""]
        for scaling in result["scalings"]:
            parts += [
                f"**{scaling['title']}** (median CPU time per run)",
                "",
                scaling_table(scaling),
                "",
            ]
        if (chart := mine.get(f"{result['layer']}-scaling.png")) is not None:
            parts += [
                f"![{result['layer']}: cost against input size]"
                f"({chart.relative_to(relative_to).as_posix()})",
                "",
            ]
    for extra in result["extras"]:
        parts += [f"### {extra['title']}", "", extra["markdown"].strip(), ""]
    if result["goals"]:
        parts += [
            "### Goals",
            "",
            "| goal | measured | bound | |",
            "|---|---:|---:|---|",
            *goal_rows(result, with_layer=False),
            "",
        ]
    if result.get("notes"):
        parts += [result["notes"].strip(), ""]
    return "\n".join(parts)


HEADER = """\
# Benchmarks

Generated by `python -m benchmarks` (do not edit by hand: run it again).
Every figure is measured side by side with the peers, in one run.

## How to run

```sh
pip install -e '.[bench]'
python -m benchmarks                    # every layer; rewrites this file and charts/
python -m benchmarks --layers llm       # one layer; the others keep their figures
python -m benchmarks --quick --out /tmp/bench   # a smoke run, elsewhere
python -m benchmarks --check            # the scaling check that .ci/run runs
```

## How a figure is taken

Each layer runs in a process of its own. Inputs are built before any timing.
Each implementation first runs once: its result is checked (a wrong result
stops the run) and a *sample* is calibrated to repeat the call for at least
50 ms. Then rounds: each round takes one sample of every implementation, in
an order rotated every round. The figure is the **median CPU time**
(`time.process_time`) of the samples, the garbage collector off during a
sample; a ratio is of two medians from the same rounds. A slow peer gets
fewer rounds (at least one). On the log-log charts, a straight line of slope
1 is linear growth, slope 2 quadratic; the dotted guides show both.
`benchmarks/_harness.py` holds the machinery, one short file per layer its
workloads (`sse.py`, `jsonstream.py`, `structured.py`, `llm.py`,
`transport.py`); the raw figures are in `results/`.

The scaling check (`--check`, run by `.ci/run`) measures sseparse alone at N
and 16·N for every scaling and fails when the CPU time grows more than
2.5 x 16 = 40 times; it asserts ratios only, never a time.
"""


def readme(
    results: Sequence[dict[str, Any]], charts: Sequence[Path], relative_to: Path
) -> str:
    parts = [HEADER]
    if results:
        machine = results[0]["machine"]
        parts += [
            "## Machine",
            "",
            f"{machine['python']} on {machine['platform']}; {machine['cpu']},"
            f" {machine['cores']} cores; load average at the start"
            f" {machine['load']}.",
            "",
            "## Goals",
            "",
            "| layer | goal | measured | bound | |",
            "|---|---|---:|---:|---|",
            *[row for r in results for row in goal_rows(r, with_layer=True)],
            "",
        ]
    parts += [_section(r, charts, relative_to) for r in results]
    return "\n".join(parts).rstrip() + "\n"


def summary(results: Sequence[dict[str, Any]]) -> str:
    lines = []
    for r in results:
        for g in r["goals"]:
            met = {True: "met", False: "NOT MET", None: "not measured"}[g["met"]]
            lines.append(
                f"{r['layer']:<11} {fmt_value(g['value'], g['unit']):>9}"
                f" {g['op']} {g['bound']:g}{g['unit']}  {met}: {g['text']}"
            )
    return "\n".join(lines)


# --------------------------------------------------------------------------- #
# charts
# --------------------------------------------------------------------------- #


def _palette(result: dict[str, Any]) -> dict[str, str]:
    """One colour per implementation, the same in every chart of a layer."""
    roles: dict[str, str] = {}
    for case in result["cases"]:
        roles.update((f["name"], f["role"]) for f in case["figures"])
    for scaling in result["scalings"]:
        roles.update((s["name"], s["role"]) for s in scaling["series"])
    colours: dict[str, str] = {}
    peers = 0
    for name, role in roles.items():
        if role == "peer":
            colours[name] = PEER_SHADES[peers % len(PEER_SHADES)]
            peers += 1
        else:
            colours[name] = ROLE_COLOURS.get(role, "#444444")
    return colours


def _axis(ax: Any, which: str) -> None:
    """Engineering tick labels (2k, 1M, 10m), no crowded minor labels."""
    from matplotlib.ticker import EngFormatter, NullFormatter

    axis = ax.xaxis if which == "x" else ax.yaxis
    axis.set_major_formatter(EngFormatter(sep=""))
    axis.set_minor_formatter(NullFormatter())


def _throughput_chart(plt: Any, result: dict[str, Any], path: Path) -> None:
    cases = result["cases"]
    palette = _palette(result)
    height = sum(0.45 * len(c["figures"]) + 0.9 for c in cases)
    fig, axes = plt.subplots(
        len(cases), 1, figsize=(8, max(2.5, height)), squeeze=False
    )
    # One scale for every panel of a chart, so that bars compare across
    # them: logarithmic when any panel spans more than 30 times.
    rates = ([f["throughput"] for f in c["figures"]] for c in cases)
    log = any(max(r) / max(min(r), 1e-300) > 30 for r in rates)
    for ax, case in zip(axes[:, 0], cases, strict=True):
        figures = list(reversed(case["figures"]))
        # MB/s on an engineering axis would read "10m": plot bytes/s instead
        scale, unit = (1e6, "bytes") if case["unit"] == "MB" else (1.0, case["unit"])
        values = [f["throughput"] * scale for f in figures]
        names = [f["name"] for f in figures]
        ax.barh(names, values, color=[palette[n] for n in names])
        if log:
            ax.set_xscale("log")
        _axis(ax, "x")
        ours = _ours(case["figures"])
        for y, f in enumerate(figures):
            label = fmt_rate(f["throughput"], case["unit"])
            if ours is not None and f is not ours:
                label += f"  ({f['median_s'] / ours['median_s']:.2f}x sseparse's time)"
            ax.text(values[y], y, " " + label, va="center", fontsize=7)
        ax.set_title(textwrap.fill(case["title"], 90), fontsize=9, loc="left")
        ax.set_xlabel(f"{unit}/s (higher is better)", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.margins(x=0.45)
    fig.suptitle(result["title"] + ": throughput", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")  # the bar labels too
    plt.close(fig)


def _scaling_chart(plt: Any, result: dict[str, Any], path: Path) -> None:
    scalings = result["scalings"]
    palette = _palette(result)
    cols = min(3, len(scalings))
    rows = -(-len(scalings) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(5.2 * cols, 4.2 * rows), squeeze=False
    )
    for ax in axes.flat[len(scalings) :]:
        ax.set_visible(False)
    for ax, scaling in zip(axes.flat, scalings, strict=False):
        series = [s for s in scaling["series"] if s["sizes"]]
        for line in series:
            colour = palette[line["name"]]
            width = 2.4 if line["role"] == "sseparse" else 1.4
            ax.loglog(
                line["sizes"],
                line["median_s"],
                "o-",
                color=colour,
                lw=width,
                ms=3,
                label=line["name"],
            )
        ours = next((s for s in series if s["role"] == "sseparse"), None)
        if ours is not None:
            x0, y0 = ours["sizes"][0], ours["median_s"][0]
            x1 = max(max(s["sizes"]) for s in series)
            for power, name in ((1, "linear"), (2, "quadratic")):
                ax.loglog(
                    [x0, x1],
                    [y0, y0 * (x1 / x0) ** power],
                    ":",
                    color="#555555",
                    lw=0.9,
                )
                ax.annotate(
                    name, (x1, y0 * (x1 / x0) ** power), fontsize=7, color="#555555"
                )
        ax.set_title(textwrap.fill(scaling["title"], 55), fontsize=9, loc="left")
        _axis(ax, "x")
        _axis(ax, "y")
        ax.set_xlabel(f"input size ({scaling['size_unit']})", fontsize=8)
        ax.set_ylabel("median CPU time per run (seconds)", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.legend(fontsize=7)
    fig.suptitle(result["title"] + ": cost against input size (log-log)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_charts(results: Sequence[dict[str, Any]], directory: Path) -> list[Path]:
    """One throughput chart and one log-log scaling chart per layer."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(
            "matplotlib is not installed (the bench extra): no charts", file=sys.stderr
        )
        return []
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for result in results:
        if result["cases"]:
            path = directory / f"{result['layer']}-throughput.png"
            _throughput_chart(plt, result, path)
            written.append(path)
        if any(line["sizes"] for s in result["scalings"] for line in s["series"]):
            path = directory / f"{result['layer']}-scaling.png"
            _scaling_chart(plt, result, path)
            written.append(path)
    return written


__all__ = ["fmt_rate", "fmt_size", "fmt_time", "readme", "summary", "write_charts"]
