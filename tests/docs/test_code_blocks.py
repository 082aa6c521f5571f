"""The code of README.md and docs/ runs, as a reader would paste it.

* Every ```python block of README.md and of ``docs/**/*.md`` is executed, each
  in a fresh namespace (a module of its own, so that classes and dataclasses
  defined in it work).  A block that only defines functions (those that would
  need a network or a key) is executed too: its imports and definitions must
  hold.  A block that runs code checks its own results with ``assert``.
* Every ``>>>`` example runs through :mod:`doctest`: in those Markdown files,
  and in the docstrings of the package, which the API reference shows.
* The blocks of ``docs/`` pass ``mypy --strict``, as README's do
  (``tests/test_types.py``).

``.ci/run``'s docs step runs this file; it is part of the suite too.
"""

from __future__ import annotations

import doctest
import importlib
import re
import sys
import types
from pathlib import Path

import pytest
from mypy import api as mypy_api

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCS = REPO_ROOT / "docs"
MARKDOWN = [REPO_ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
PACKAGE = REPO_ROOT / "sseparse"
PYPROJECT = REPO_ROOT / "pyproject.toml"

_FENCE = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(path: Path) -> list[tuple[int, str]]:
    """``(first line number, code)`` of each ```python block of *path*."""
    text = path.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, match.start(1)) + 1, match.group(1))
        for match in _FENCE.finditer(text)
    ]


def _name(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


BLOCKS = [
    pytest.param(path, line, code, id=f"{_name(path)}:{line}")
    for path in MARKDOWN
    for line, code in python_blocks(path)
]

# Modules of the package whose docstrings hold ``>>>`` examples, by name.
DOCTEST_MODULES = sorted(
    ".".join(source.relative_to(REPO_ROOT).with_suffix("").parts).removesuffix(
        ".__init__"
    )
    for source in PACKAGE.rglob("*.py")
    if ">>> " in source.read_text(encoding="utf-8") and source.name != "__main__.py"
)


def test_every_source_has_blocks() -> None:
    """The collection is live: README and the docs' front page have blocks."""
    names = {param.id.split(":")[0] for param in BLOCKS}  # type: ignore[union-attr]
    assert {"README.md", "docs/index.md"} <= names
    assert len([p for p in BLOCKS if p.id.startswith("README")]) >= 10  # type: ignore[union-attr]
    assert "sseparse.sse._decoder" in DOCTEST_MODULES


@pytest.mark.parametrize(("path", "line", "code"), BLOCKS)
def test_python_block(
    path: Path, line: int, code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Line numbers of a traceback point into the Markdown file.
    compiled = compile("\n" * (line - 1) + code, str(path), "exec")
    name = f"_docs_block_{_name(path).replace('/', '_').replace('.', '_')}_{line}"
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module
    try:
        exec(compiled, module.__dict__)
    finally:
        del sys.modules[name]
    capsys.readouterr()  # what a block prints is for its reader


@pytest.mark.parametrize("path", MARKDOWN, ids=_name)
def test_markdown_doctests(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {}, _name(path), str(path), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0, f"{runner.failures} doctest failure(s) in {path}"


@pytest.mark.parametrize("name", DOCTEST_MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"no examples found in {name}"
    assert result.failed == 0


def test_docs_blocks_type_check(tmp_path: Path) -> None:
    sources: dict[str, tuple[Path, int]] = {}
    for page in MARKDOWN[1:]:  # README's are tests/test_types.py's
        for line, code in python_blocks(page):
            name = f"block_{len(sources)}.py"
            (tmp_path / name).write_text(code, encoding="utf-8")
            sources[name] = (page, line)
    assert len(sources) >= 6
    stdout, stderr, _status = mypy_api.run(
        [
            "--strict",
            "--config-file",
            str(PYPROJECT),
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            "--follow-imports=silent",
            "--no-error-summary",
            *(str(tmp_path / name) for name in sources),
        ]
    )
    assert not stderr, stderr
    errors = []
    for message in stdout.splitlines():
        if ": note: " in message:
            continue
        name, _, rest = message.partition(":")
        page, first = sources[Path(name).name]
        at, _, text = rest.partition(":")
        errors.append(f"{_name(page)}:{first + int(at) - 1}:{text}")
    assert errors == [], "mypy --strict rejects docs code:\n" + "\n".join(errors)
