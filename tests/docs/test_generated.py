"""The docs agree with the code, without a docs build.

``docs/_generate.py`` (the mkdocs hook) builds the state and transition tables
from the code while the docs are built.  Here: every marker names a table and
every table is used; each table builds; the tables hold what the code's own
tables hold; the copies of README content stay equal to README; and the
speed tables on the front page are built from ``benchmarks/results/``.
"""

from __future__ import annotations

import importlib.util
import re
import typing
from pathlib import Path
from typing import Any

import pytest

from sseparse.jsonstream import ParserState
from sseparse.llm import AccumulatorState, _anthropic, _responses, events
from sseparse.sse import DecoderState
from sseparse.transport import ConnectionState, ReconnectorState

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCS = REPO_ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))


def _load_hook() -> Any:
    spec = importlib.util.spec_from_file_location(
        "sseparse_docs_generate", DOCS / "_generate.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOOK = _load_hook()


def _markers() -> dict[str, list[str]]:
    """Each generated table's name, and the pages that use it."""
    used: dict[str, list[str]] = {}
    for page in PAGES:
        for name in HOOK.MARKER.findall(page.read_text(encoding="utf-8")):
            used.setdefault(name, []).append(page.name)
    return used


def test_every_marker_names_a_table_and_every_table_is_used() -> None:
    used = _markers()
    assert set(used) == set(HOOK.TABLES)
    assert all(len(pages) == 1 for pages in used.values()), used


def test_the_config_runs_the_hook() -> None:
    config = (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "hooks:\n  - docs/_generate.py" in config
    assert "strict: true" in config
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    build = [line for line in ci.splitlines() if "mkdocs build" in line]
    assert build, "the docs step is missing from .ci/run"
    # --quiet hides warnings from the strict check, which then passes.
    assert all("--strict" in line and "--quiet" not in line for line in build)


@pytest.mark.parametrize("name", sorted(HOOK.TABLES))
def test_table_builds(name: str) -> None:
    table = HOOK.TABLES[name]()
    assert table.startswith(("|", "```", ":::")), table[:80]
    assert len(table.splitlines()) >= 3


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_expanded_page_has_no_marker(page: Path) -> None:
    text = HOOK.expand(page.read_text(encoding="utf-8"))
    assert "<!-- generated:" not in text


def test_unknown_marker_fails() -> None:
    with pytest.raises(KeyError, match="no-such-table"):
        HOOK.expand("<!-- generated: no-such-table -->\n")


@pytest.mark.parametrize(
    ("name", "states"),
    [
        ("sse-transitions", DecoderState),
        ("json-transitions", ParserState),
        ("accumulator-transitions", AccumulatorState),
        ("connection-transitions", ConnectionState),
        ("reconnector-transitions", ReconnectorState),
    ],
)
def test_observed_transitions_reach_every_state(name: str, states: Any) -> None:
    table = HOOK.TABLES[name]()
    for state in states:
        assert f"`{state.name}`" in table, state


def test_observed_error_state_sticks() -> None:
    """Every machine refuses input once failed, and stays failed."""
    for name in ("sse-transitions", "json-transitions", "accumulator-transitions"):
        rows = [
            line for line in HOOK.TABLES[name]().splitlines() if "| `ERROR` |" in line
        ]
        from_error = [row for row in rows if row.startswith("| `ERROR` |")]
        assert from_error, name
        assert all("`UsageError`" in row for row in from_error), from_error


@pytest.mark.parametrize(
    ("name", "module"),
    [("anthropic-transitions", _anthropic), ("responses-transitions", _responses)],
)
def test_phase_tables_are_the_modules_transitions(name: str, module: Any) -> None:
    rows = HOOK.TABLES[name]().splitlines()[2:]
    assert len(rows) == len(module.TRANSITIONS)
    for (phase, kind), (handler, after) in module.TRANSITIONS.items():
        row = f"| `{phase.name}` | `{kind}` | `{after.name}` | `{handler.__name__}` |"
        assert row in rows


def test_kind_tables_list_every_pair() -> None:
    deltas = HOOK.TABLES["anthropic-deltas"]()
    for block, delta in _anthropic.DELTAS:
        assert re.search(rf"\| `{block.name}` \|.*`{re.escape(delta)}`", deltas)
    items = HOOK.TABLES["responses-item-events"]()
    for item, event in _responses.ITEM_EVENTS:
        assert re.search(rf"\| `{item.name}` \|.*`{re.escape(event)}`", items)


def test_union_table_lists_every_class() -> None:
    table = HOOK.TABLES["unions"]()
    for cls in typing.get_args(events.AnyStreamEvent):
        assert f"| `{cls.type}` | [`{cls.__name__}`]" in table


# ------------------------------------------------------- copies of README


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end != -1 else len(text)]


def _table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ")]


def test_vocabulary_page_keeps_readme_tables() -> None:
    """The vocabulary page's hand-written tables are README's, row for row."""
    readme = _section(
        (REPO_ROOT / "README.md").read_text(encoding="utf-8"), "## One event vocabulary"
    )
    page = (DOCS / "vocabulary.md").read_text(encoding="utf-8")
    assert set(_table_rows(readme)) <= set(_table_rows(page))
    for cls in typing.get_args(events.AnyStreamEvent):
        assert f"`{cls.type}`" in page or cls.type.split(".")[0] in page, cls


def test_quick_start_is_readme_quick_start() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    page = (DOCS / "index.md").read_text(encoding="utf-8")
    command = re.search(r"```sh\n(pip install \..*?)```", readme, re.DOTALL)
    assert command is not None
    assert command.group(1) in page


def test_front_page_speed_tables_are_the_harness_s() -> None:
    """The front page's speed figures are generated from benchmarks/results/."""
    page = _section((DOCS / "index.md").read_text(encoding="utf-8"), "## Against")
    assert "<!-- generated: bench-comparison -->" in page
    assert "<!-- generated: bench-goals -->" in page
    results = HOOK.bench_results()
    comparison = HOOK.TABLES["bench-comparison"]()
    goals = HOOK.TABLES["bench-goals"]()
    cases = [c for r in results for c in r["cases"]]
    assert len(comparison.splitlines()) == 2 + len(cases)
    assert all(c["title"] in comparison for c in cases)
    assert len(goals.splitlines()) == 2 + sum(len(r["goals"]) for r in results)
    # and no hand-written figure is left beside them
    assert re.findall(r"\b\d+(?:\.\d+)?x\b", page) == []


def test_readme_speed_figures_are_the_harness_s() -> None:
    """Each ratio in README's Speed section is one benchmarks/README.md shows."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = _section(readme, "## Speed")
    measured = (REPO_ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    figures = set(re.findall(r"\b\d+(?:\.\d+)?(?:x| µs)\b", section))
    assert len(figures) >= 10
    missing = sorted(f for f in figures if f"| {f} |" not in measured)
    assert missing == [], f"figures not in benchmarks/README.md: {missing}"


API_PACKAGES = [
    "sseparse",
    "sseparse.errors",
    "sseparse.limits",
    "sseparse.sse",
    "sseparse.jsonstream",
    "sseparse.structured",
    "sseparse.llm",
    "sseparse.llm.events",
    "sseparse.transport",
    "sseparse.testing",
]


def test_every_public_package_has_its_reference() -> None:
    pages = sorted((DOCS / "api").glob("*.md"))
    text = "\n".join(HOOK.expand(page.read_text(encoding="utf-8")) for page in pages)
    for name in API_PACKAGES:
        assert re.search(rf"^::: {re.escape(name)}$", text, re.MULTILINE), name


def test_llm_reference_lists_every_public_name() -> None:
    import sseparse.llm

    block = HOOK.TABLES["api-llm"]()
    listed = set(re.findall(r"^ {8}- (\w+)$", block, re.MULTILINE))
    # The event classes are on the sseparse.llm.events page.
    expected = set(sseparse.llm.__all__) - set(events.__all__) - {"events"}
    assert listed == expected
