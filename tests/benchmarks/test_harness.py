"""The benchmark harness's arithmetic, on a clock that counts work.

Nothing here times anything: ``benchmarks._harness.clock`` is replaced by a
counter that the fake implementations advance by the work they claim (n for
a linear one, n² for a quadratic one), so every median, ratio, slope, goal
and scaling verdict below is exact on any machine, busy or not.  The layers'
own workloads are exercised by ``python -m benchmarks --check`` in .ci/run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import _harness, _report
from benchmarks.__main__ import _parse
from benchmarks._harness import (
    CHECK,
    QUICK,
    Case,
    Extra,
    Goal,
    Impl,
    Layer,
    Scaling,
    Unavailable,
    Work,
    check_layer,
    judge,
    measure_layer,
    slope,
)


class Counter:
    """A fake CPU clock: ``spend(x)`` advances it by x seconds."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def spend(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Counter:
    counter = Counter()
    monkeypatch.setattr(_harness, "clock", counter)
    return counter


def costing(
    clock: Counter,
    name: str,
    per_unit: float,
    power: int = 1,
    role: _harness.Role = "peer",
    answer: Any = "ok",
) -> Impl:
    """An implementation whose run of input n costs per_unit * n**power."""

    def make() -> _harness.Run:
        def run(n: int) -> Any:
            clock.spend(per_unit * n**power)
            return answer

        return run

    return Impl(name, make, role=role)


def _expect_ok(expected: Any, result: Any) -> None:
    if result != expected:
        raise AssertionError(f"got {result!r}")


def test_slope_of_linear_and_quadratic_series() -> None:
    sizes = [1, 2, 4, 8, 16]
    assert slope(sizes, [3 * x for x in sizes]) == pytest.approx(1.0)
    assert slope(sizes, [3 * x * x for x in sizes]) == pytest.approx(2.0)
    assert slope([5], [1.0]) is None


def test_case_figures_ratios_and_goals(clock: Counter) -> None:
    ours = costing(clock, "sseparse", 1e-3, role="sseparse")
    fast_peer = costing(clock, "fast", 3e-3)
    slow_peer = costing(clock, "slow", 9e-3)
    floor = costing(clock, "floor", 0.5e-3, role="floor")
    layer = Layer(
        name="t",
        title="T",
        intro="",
        cases=[
            Case(
                "c",
                "a case",
                lambda: Work(10, "ok", 10),
                [ours, fast_peer, slow_peer, floor],
                "events",
                _expect_ok,
            )
        ],
        goals=[
            Goal("3x the fastest peer", "ratio:c:*peers/sseparse", ">=", 3.0),
            Goal("4x the fastest peer", "ratio:c:*peers/sseparse", ">=", 4.0),
            Goal("at most 2x the floor", "ratio:c:sseparse/floor", "<=", 2.0),
            Goal("no such case", "ratio:nope:sseparse/floor", "<=", 2.0),
        ],
    )
    result = measure_layer(layer, QUICK)
    figures = {f["name"]: f for f in result["cases"][0]["figures"]}
    assert figures["sseparse"]["median_s"] == pytest.approx(1e-2)
    assert figures["fast"]["throughput"] == pytest.approx(10 / 3e-2)
    assert [g["met"] for g in result["goals"]] == [True, False, True, None]
    assert result["goals"][0]["value"] == pytest.approx(3.0)
    assert result["goals"][2]["value"] == pytest.approx(2.0)
    json.dumps(result)  # the child process writes it as JSON


def test_a_wrong_result_stops_the_run_and_names_the_implementation(
    clock: Counter,
) -> None:
    liar = costing(clock, "liar", 1e-3, answer="wrong")
    case = Case("c", "c", lambda: Work(1, "ok", 1), [liar], "events", _expect_ok)
    with pytest.raises(AssertionError, match="liar: wrong result"):
        measure_layer(Layer("t", "T", "", cases=[case]), QUICK)


def test_an_unavailable_peer_is_reported_not_fatal(clock: Counter) -> None:
    def missing() -> _harness.Run:
        raise Unavailable("not installed")

    ours = costing(clock, "sseparse", 1e-3, role="sseparse")
    case = Case("c", "c", lambda: Work(1, "ok", 1), [ours, Impl("gone", missing)], "MB")
    result = measure_layer(Layer("t", "T", "", cases=[case]), QUICK)
    assert result["unavailable"] == {"gone": "Unavailable: not installed"}
    assert [f["name"] for f in result["cases"][0]["figures"]] == ["sseparse"]


def test_rounds_are_interleaved_and_slow_contenders_get_fewer(clock: Counter) -> None:
    order: list[str] = []

    def tracked(name: str, cost: float) -> Impl:
        def make() -> _harness.Run:
            def run(n: int) -> str:
                order.append(name)
                clock.spend(cost)
                return "ok"

            return run

        return Impl(name, make)

    case = Case(
        "c",
        "c",
        lambda: Work(1, "ok", 1),
        [tracked("a", 0.1), tracked("b", 0.1), tracked("slow", 50.0)],
        "MB",
        budget_s=10,
    )
    result = measure_layer(Layer("t", "T", "", cases=[case]), _harness.FULL)
    samples = {f["name"]: f["samples"] for f in result["cases"][0]["figures"]}
    assert samples["slow"] == 1
    assert order.count("slow") == 1  # a slow first run is its one sample
    assert samples["a"] == samples["b"] >= _harness.FULL.min_rounds
    timed = order[3:]  # after each one's checked first run
    assert timed[:4] == ["a", "b", "b", "a"]  # each round starts one further on


def _scaling(clock: Counter, power: int, **kw: Any) -> Scaling:
    impl = costing(clock, "sseparse", 1e-6, power, role="sseparse")
    return Scaling(
        "s",
        "s",
        [100 * 2**k for k in range(5)],
        lambda n: Work(n, "ok", n),
        [impl],
        check=_expect_ok,
        check_sizes=(100, 1600),
        **kw,
    )


def test_growth_goal_and_slope_from_a_scaling(clock: Counter) -> None:
    layer = Layer(
        "t",
        "T",
        "",
        scalings=[_scaling(clock, 2)],
        goals=[Goal("linear", "growth:s:sseparse", "<=", 20.0)],
    )
    result = measure_layer(layer, QUICK)
    line = result["scalings"][0]["series"][0]
    assert line["slope"] == pytest.approx(2.0)
    assert result["goals"][0]["value"] == pytest.approx(256.0)
    assert result["goals"][0]["met"] is False


def test_a_scaling_stops_an_implementation_before_a_run_too_long(
    clock: Counter,
) -> None:
    result = measure_layer(
        Layer("t", "T", "", scalings=[_scaling(clock, 2, run_limit_s=0.5)]), QUICK
    )
    line = result["scalings"][0]["series"][0]
    assert line["sizes"] == [100, 200, 400]  # 800² µs = 0.64 s > 0.5 s
    assert "not run at 800" in line["stopped"]


@pytest.mark.parametrize(("power", "ok"), [(1, True), (2, False)])
def test_the_scaling_check_passes_linear_and_fails_quadratic(
    clock: Counter, power: int, ok: bool
) -> None:
    rows = check_layer(Layer("t", "T", "", scalings=[_scaling(clock, power)]))
    assert [(r["ok"], r["sizes"]) for r in rows] == [(ok, [100, 1600])]
    assert rows[0]["ratio"] == pytest.approx(16.0**power)
    assert rows[0]["bound"] == pytest.approx(40.0)
    assert CHECK.min_rounds == CHECK.max_rounds  # the check never shortens its rounds


def test_goal_values_from_extras_and_unknown_kinds() -> None:
    result = {
        "cases": [],
        "scalings": [],
        "extras": [{"key": "lat", "values": {"p99_us": 7.0}}],
    }
    assert judge(Goal("p99", "extra:lat.p99_us", "<=", 50), result)["met"] is True
    assert judge(Goal("p99", "extra:lat.p50_us", "<=", 50), result)["met"] is None
    with pytest.raises(ValueError, match="unknown goal value"):
        judge(Goal("x", "speed:x", "<=", 1), result)


def test_the_report_holds_every_table(clock: Counter, tmp_path: Path) -> None:
    ours = costing(clock, "sseparse", 1e-3, role="sseparse")
    peer = costing(clock, "peer", 5e-3, power=2)
    extra = Extra(
        "lat", "Latency", lambda quick: ("| p99 |\n|---|\n| 7 µs |", {"p99_us": 7.0})
    )
    layer = Layer(
        "t",
        "Layer T",
        "What T measures.",
        cases=[Case("c", "case C", lambda: Work(4, "ok", 4), [ours, peer], "events")],
        scalings=[
            Scaling(
                "s",
                "scaling S",
                [1024, 2048],
                lambda n: Work(n, "ok", n),
                [ours, peer],
                run_limit_s=1e9,
            )
        ],
        extras=[extra],
        goals=[Goal("5x", "ratio:c:*peers/sseparse", ">=", 5.0)],
        notes="Why the figures are what they are.",
    )
    result = measure_layer(layer, QUICK)
    text = _report.readme([result], [tmp_path / "charts" / "t-scaling.png"], tmp_path)
    for needle in (
        "## Layer T",
        "What T measures.",
        "| case C | **sseparse",
        "| 20x |",  # the peer's time over ours: 5e-3 * 16 / 4e-3
        "| 1 KiB | 2 KiB |",
        "![t: cost against input size](charts/t-scaling.png)",
        "| p99 |",
        "| t | 5x | 20x | >= 5x | met |",
        "Why the figures are what they are.",
    ):
        assert needle in text, needle
    assert "met: 5x" in _report.summary([result])


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (719_000.0, "events", "719 k events/s"),
        (1270.4, "MB", "1,270 MB/s"),
        (74.12, "MB", "74.1 MB/s"),
    ],
)
def test_rates_read_well(value: float, unit: str, text: str) -> None:
    assert _report.fmt_rate(value, unit) == text


def test_sizes_and_times_read_well() -> None:
    assert _report.fmt_size(4096, "bytes") == "4 KiB"
    assert _report.fmt_size(4 * 1024 * 1024, "bytes") == "4 MiB"
    assert _report.fmt_size(100_000, "bytes") == "100 KB"
    assert _report.fmt_size(2000, "events") == "2,000 events"
    assert _report.fmt_time(0.0123) == "12.3 ms"
    assert _report.fmt_time(2.5) == "2.50 s"


def test_a_quick_run_must_not_overwrite_the_committed_report() -> None:
    with pytest.raises(SystemExit):
        _parse(["--quick"])
    assert _parse(["--quick", "--out", "/tmp/x"]).quick
    with pytest.raises(SystemExit):
        _parse(["--layers", "sse,nope"])


def test_the_committed_report_is_rendered_from_the_committed_results() -> None:
    """benchmarks/README.md is what --render makes of benchmarks/results/."""
    here = Path(_harness.__file__).parent
    results = [
        json.loads((here / "results" / f"{name}.json").read_text(encoding="utf-8"))
        for name in ("sse", "jsonstream", "structured", "llm", "transport")
    ]
    charts = sorted((here / "charts").glob("*.png"))
    expected = _report.readme(results, charts, here)
    assert (here / "README.md").read_text(encoding="utf-8") == expected


def test_the_figure_is_the_median_not_the_best_or_the_mean(clock: Counter) -> None:
    costs = iter([0.1, 0.1, 0.2, 0.3, 0.4, 10.0, 0.5, 0.6])  # first: the check run

    def make() -> _harness.Run:
        def run(n: int) -> str:
            clock.spend(next(costs))
            return "ok"

        return run

    figures = _harness.measure([(Impl("x", make), make())], Work(1), None, 1e9, CHECK)
    assert figures[0]["samples"] == 7
    assert figures[0]["median_s"] == pytest.approx(0.4)
    assert figures[0]["min_s"] == pytest.approx(0.1)


def test_a_scalings_sizes_are_sampled_in_the_same_rounds(clock: Counter) -> None:
    """A growth ratio compares figures taken under the same drift."""
    calls: list[int] = []

    def make() -> _harness.Run:
        def run(n: int) -> str:
            calls.append(n)
            clock.spend(1e-6 * n)
            return "ok"

        return run

    impl = Impl("sseparse", make, role="sseparse")
    scaling = Scaling(
        "s",
        "s",
        [100, 1600],
        lambda n: Work(n, "ok", n),
        [impl],
        check_sizes=(100, 1600),
    )
    check_layer(Layer("t", "T", "", scalings=[scaling]))
    timed = calls[2:]  # after the two first runs
    assert timed.index(1600) < len(timed) - 1 - timed[::-1].index(100)


def test_sseparse_keeps_its_rounds_however_slow(clock: Counter) -> None:
    """The goals judge sseparse's figures: never one sample, never a warm-up."""
    runs: list[int] = []

    def make() -> _harness.Run:
        def run(n: int) -> str:
            runs.append(n)
            clock.spend(50.0)
            return "ok"

        return run

    ours = Impl("sseparse", make, role="sseparse")
    case = Case("c", "c", lambda: Work(1, "ok", 1), [ours], "MB", budget_s=1)
    result = measure_layer(Layer("t", "T", "", cases=[case]), _harness.FULL)
    assert result["cases"][0]["figures"][0]["samples"] == _harness.FULL.min_rounds
    assert len(runs) == 1 + _harness.FULL.min_rounds  # the first run is not one


def test_the_check_runs_sseparse_at_16n_whatever_the_run_limit(clock: Counter) -> None:
    """A quadratic sseparse must fail the check, not be skipped by the limit."""
    rows = check_layer(
        Layer("t", "T", "", scalings=[_scaling(clock, 2, run_limit_s=1e-3)])
    )
    assert [(r["ok"], r["ratio"]) for r in rows] == [(False, pytest.approx(256.0))]


def test_growth_needs_a_size_16_times_smaller(clock: Counter) -> None:
    impl = costing(clock, "sseparse", 1e-6, role="sseparse")
    scaling = Scaling("s", "s", [100, 200, 400], lambda n: Work(n, "ok", n), [impl])
    goal = Goal("linear", "growth:s:sseparse", "<=", 20.0)
    result = measure_layer(Layer("t", "T", "", scalings=[scaling], goals=[goal]), QUICK)
    assert result["goals"][0]["met"] is None


class _Recorder:
    """A stand-in for matplotlib's pyplot, figure and axes: records calls."""

    def __init__(self, n_axes: int = 0) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.axes = [_Recorder() for _ in range(n_axes)]

    def __getattr__(self, name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> None:
            self.calls.append((name, args))

        return record

    def __getitem__(self, key: Any) -> list[_Recorder]:  # axes[:, 0]
        return self.axes


class _Pyplot(_Recorder):
    def subplots(self, rows: int, *args: Any, **kwargs: Any) -> Any:
        self.grid = _Recorder(rows)
        return _Recorder(), self.grid


def _case(rates: list[float]) -> dict[str, Any]:
    figures = [
        {"name": f"i{i}", "role": "peer", "throughput": r, "median_s": 1 / r}
        for i, r in enumerate(rates)
    ]
    return {"title": "c", "unit": "events", "figures": figures}


@pytest.mark.parametrize(
    ("panels", "log"),
    [
        ([[1.0, 100.0], [1.0, 2.0]], True),  # one wide panel: every one is log
        ([[1.0, 2.0], [1.0, 100.0]], True),
        ([[1.0, 2.0], [1.0, 20.0]], False),  # no panel spans 30 times
    ],
)
def test_every_panel_of_a_throughput_chart_shares_one_scale(
    panels: list[list[float]],
    log: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bars compare across the panels of a chart: one x scale for them all."""
    monkeypatch.setattr(_report, "_axis", lambda ax, which: None)  # no matplotlib
    plt = _Pyplot()
    cases = [_case(p) for p in panels]
    result = {"title": "T", "layer": "t", "cases": cases, "scalings": []}
    _report._throughput_chart(plt, result, tmp_path / "t.png")
    scales = [("set_xscale", ("log",)) in ax.calls for ax in plt.grid.axes]
    assert scales == [log] * len(panels)
