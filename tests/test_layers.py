"""The import rules of DESIGN.md §1, checked on the source.

Layers import only upward: ``sse`` and ``jsonstream`` import only errors and
limits; ``structured`` may add ``jsonstream``; ``llm`` may add ``sse``,
``jsonstream`` and ``structured``; the edges (``transport``, ``testing``, ``cli``)
may import any layer; no layer imports an edge.  Third-party imports are confined:
h11 to ``transport``, hypothesis to ``testing``, pydantic to ``structured``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sseparse"

CORE = {"errors", "limits"}
ALLOWED_INTERNAL: dict[str, set[str]] = {
    "errors": set(),
    "limits": {"errors"},
    "sse": CORE | {"sse"},
    "jsonstream": CORE | {"jsonstream"},
    "structured": CORE | {"structured", "jsonstream"},
    "llm": CORE | {"llm", "sse", "jsonstream", "structured"},
}
EDGES = {"transport", "testing", "cli", "__main__"}
THIRD_PARTY_HOME = {
    "h11": "transport",
    "hypothesis": "testing",
    "pydantic": "structured",
}
RUNTIME_THIRD_PARTY = {"attrs"}


def _layer(name: str) -> str:
    """The layer of a top-level name under sseparse/: the CLI's private
    modules (``_cli_*``) belong to the ``cli`` edge."""
    return "cli" if name.startswith("_cli_") else name


def _unit(path: Path) -> str:
    """The layer a module belongs to: its top-level name under sseparse/."""
    rel = path.relative_to(PACKAGE)
    return _layer(rel.parts[0].removesuffix(".py"))


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: use absolute imports, not relative ones")
    return names


def violations(unit: str, names: list[str]) -> list[str]:
    """The imports among *names* that layer *unit* may not make."""
    bad: list[str] = []
    for name in names:
        parts = name.split(".")
        if parts[0] == "sseparse":
            target = _layer(parts[1]) if len(parts) > 1 else "sseparse"
            if unit == "sseparse":  # the package's own __init__
                if target in EDGES:
                    bad.append(name)
            elif unit not in EDGES and target not in ALLOWED_INTERNAL[unit]:
                bad.append(name)
        elif parts[0] in THIRD_PARTY_HOME and unit != THIRD_PARTY_HOME[parts[0]]:
            bad.append(name)
    return bad


MODULES = sorted(PACKAGE.rglob("*.py"))


def _unit_of(path: Path) -> str:
    return "sseparse" if path == PACKAGE / "__init__.py" else _unit(path)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layer_imports(path: Path) -> None:
    unit = _unit_of(path)
    assert violations(unit, _imports(path)) == [], f"{path} breaks DESIGN.md §1"


def test_layer_table_covers_every_package() -> None:
    units = {_unit_of(p) for p in MODULES} - {"sseparse"}
    unknown = units - set(ALLOWED_INTERNAL) - EDGES
    assert not unknown, f"add these to the layer table: {sorted(unknown)}"


def test_no_module_named_json() -> None:
    assert not list(PACKAGE.rglob("json.py"))


# Public modules inside subpackages, named by DESIGN.md §2.
PUBLIC_MODULES = {"llm/events.py"}


def test_private_modules_are_underscored() -> None:
    for pkg in (p for p in PACKAGE.iterdir() if (p / "__init__.py").exists()):
        for module in pkg.glob("*.py"):
            name = f"{pkg.name}/{module.name}"
            public = module.name == "__init__.py" or name in PUBLIC_MODULES
            assert public or module.name.startswith("_"), module


@pytest.mark.parametrize(
    ("unit", "name"),
    [
        ("sse", "h11"),
        ("sse", "sseparse.jsonstream"),
        ("sse", "sseparse.transport._http"),
        ("jsonstream", "sseparse.sse"),
        ("structured", "sseparse.llm"),
        ("llm", "sseparse.transport"),
        ("llm", "hypothesis.strategies"),
        ("sseparse", "sseparse.testing"),
        ("transport", "pydantic"),
    ],
)
def test_the_checker_catches_a_violation(unit: str, name: str) -> None:
    assert violations(unit, [name]) == [name]


@pytest.mark.parametrize(
    ("unit", "name"),
    [
        ("sse", "sseparse.errors"),
        ("llm", "sseparse.sse"),
        ("transport", "h11"),
        ("testing", "hypothesis"),
        ("cli", "sseparse.transport"),
        ("sseparse", "sseparse.sse"),
        ("sse", "attrs"),
    ],
)
def test_the_checker_allows_the_rules(unit: str, name: str) -> None:
    assert violations(unit, [name]) == []
