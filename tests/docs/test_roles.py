"""The docstrings' reST roles become links, code or a failing link.

``docs/_roles.py`` is a griffe extension that the docs build loads; its pure
part, ``rewrite``, is checked here without griffe (the docs extra need not be
installed), and the role pattern against every role the package uses.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _load() -> Any:
    spec = importlib.util.spec_from_file_location(
        "sseparse_docs_roles", REPO_ROOT / "docs" / "_roles.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ROLES = _load()

KNOWN = {
    "Limits": "sseparse.limits.Limits",
    "sseparse.errors.UsageError": "sseparse.errors.UsageError",
    "close": "sseparse.sse.SSEDecoder.close",
    "TRANSITIONS": "",  # exists, private: no page
}


def resolve(name: str) -> str | None:
    return KNOWN.get(name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (":class:`Limits`", "[`Limits`][sseparse.limits.Limits]"),
        (
            ":exc:`~sseparse.errors.UsageError`",
            "[`UsageError`][sseparse.errors.UsageError]",
        ),
        (
            ":class:`sseparse.errors.UsageError`",
            "[`sseparse.errors.UsageError`][sseparse.errors.UsageError]",
        ),
        (":meth:`close`", "[`close()`][sseparse.sse.SSEDecoder.close]"),
        (":meth:`.close`", "[`close()`][sseparse.sse.SSEDecoder.close]"),
        (":py:meth:`close()`", "[`close()`][sseparse.sse.SSEDecoder.close]"),
        (":data:`TRANSITIONS`", "`TRANSITIONS`"),
        # Unknown: a link autorefs cannot resolve, so the strict build fails.
        (":class:`Limitz`", "[`Limitz`][Limitz]"),
        ("no role, ``code`` and `x`", "no role, ``code`` and `x`"),
    ],
)
def test_rewrite(text: str, expected: str) -> None:
    assert ROLES.rewrite(text, resolve) == expected


def test_every_role_in_the_package_is_rewritten() -> None:
    """No role form escapes the pattern (it would show as written)."""
    any_role = re.compile(r":(?:py:)?[a-z]+:`[^`]*`")
    seen = 0
    for source in sorted((REPO_ROOT / "sseparse").rglob("*.py")):
        for match in any_role.finditer(source.read_text(encoding="utf-8")):
            seen += 1
            assert ROLES.ROLE.fullmatch(match.group(0)), (source.name, match[0])
    assert seen > 100
