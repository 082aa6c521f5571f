"""A griffe extension: the docstrings' reST roles become checked cross-references.

The docstrings are Google style with Sphinx roles (``:class:`~sseparse.Limits```,
``:meth:`close```).  mkdocstrings renders Markdown, where a role would show as
written; this extension rewrites each one, once the package is loaded:

* a role whose target is documented on a reference page becomes an autorefs
  link to it (``[`Limits`][sseparse.limits.Limits]``);
* a role whose target exists but is private (a ``_module``'s table, a private
  method) becomes code: there is no page to link to;
* a role whose target does not exist becomes a link to that name, which
  autorefs cannot resolve, so ``mkdocs build --strict`` fails on it.

Names resolve as Sphinx resolves them: from the docstring's own scope (its
class, its module, the module's imports), or as a full dotted path; ``~``
shows the last component only.  ``rewrite`` is the pure part, tested in
``tests/docs/test_roles.py`` without griffe.
"""

from __future__ import annotations

import contextlib
import importlib
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

ROLE = re.compile(
    r":(?:py:)?(class|meth|func|data|attr|mod|exc|obj|const):`(~?)([^`<>\s]+)`"
)

# The packages the reference pages render, in the order a name is looked for:
# an event class is shown on the events page, not under sseparse.llm.
RENDERED = (
    "sseparse.errors",
    "sseparse.limits",
    "sseparse.sse",
    "sseparse.jsonstream",
    "sseparse.structured",
    "sseparse.llm.events",
    "sseparse.llm",
    "sseparse.transport",
    "sseparse.testing",
)


def rewrite(text: str, resolve: Callable[[str], str | None]) -> str:
    """*text* with each role replaced by a link, by code, or by a broken link.

    *resolve* gives a target's documented path, ``""`` for a target that exists
    but is not documented, ``None`` for one that does not exist.
    """

    def replace(match: re.Match[str]) -> str:
        role, tilde, target = match.groups()
        name = target.lstrip(".").removesuffix("()")
        display = name.rsplit(".", 1)[-1] if tilde else name
        if role in ("meth", "func"):
            display += "()"
        path = resolve(name)
        if path is None:
            return f"[`{display}`][{name}]"  # unresolvable: fails the build
        if not path:
            return f"`{display}`"
        return f"[`{display}`][{path}]"

    return ROLE.sub(replace, text)


try:
    import griffe
except ImportError:  # no docs extra: rewrite() alone (the tests use it)
    pass
else:

    class Roles(griffe.Extension):
        """Rewrite the roles of every docstring of the ``sseparse`` package."""

        def on_package(self, *, pkg: Any, loader: Any, **_kwargs: Any) -> None:
            if pkg.name != "sseparse":
                return
            collection = loader.modules_collection
            documented = _documented(collection)
            for obj in _walk(pkg):
                if obj.docstring is not None and ":`" in obj.docstring.value:

                    def resolve(name: str, obj: Any = obj) -> str | None:
                        return _resolve(obj, name, collection, documented)

                    obj.docstring.value = rewrite(obj.docstring.value, resolve)


def _walk(obj: Any) -> Iterator[Any]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from _walk(member)


def _documented(collection: Any) -> dict[str, str]:
    """Canonical path -> the path a reference page shows it under."""
    shown: dict[str, str] = {}
    for module_path in RENDERED:
        module = collection[module_path]
        shown.setdefault(module.canonical_path, module_path)
        for name in module.exports or ():
            member = _lookup(module, name)  # None: an export griffe cannot follow
            if member is not None:
                shown.setdefault(member.canonical_path, f"{module_path}.{name}")
    return shown


def _lookup(container: Any, path: str) -> Any:
    """``container[path]`` (a module collection or a module), or ``None``."""
    try:
        return container[path]
    except Exception:
        return None


def _resolve(
    obj: Any, name: str, collection: Any, documented: dict[str, str]
) -> str | None:
    head, _, rest = name.partition(".")
    scope = obj if (obj.is_module or obj.is_class) else obj.parent
    if scope.is_class and head not in scope.members and head in scope.all_members:
        # An inherited member: shown under the class that inherits it.
        owner = documented.get(scope.canonical_path)
        return f"{owner}.{name}" if owner else ""
    candidates = [name]  # as a full path, after the scope's own meaning
    with contextlib.suppress(Exception):  # not a name of this scope
        candidates.insert(0, scope.resolve(head) + (f".{rest}" if rest else ""))
    for candidate in candidates:
        found = _lookup(collection, candidate)
        if found is None:
            if _importable(candidate):  # the standard library's, say: no page
                return ""
            continue
        canonical = found.canonical_path
        if canonical in documented:
            return documented[canonical]
        # A public member of a documented class or module.
        owner, _, last = canonical.rpartition(".")
        if owner in documented and not last.startswith("_"):
            return f"{documented[owner]}.{last}"
        return ""
    return None


def _importable(path: str) -> bool:
    """Whether *path* names a module, or an attribute of one, outside sseparse."""
    if path.split(".")[0] == "sseparse":
        return False
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            if not hasattr(value, part):
                return False
            value = getattr(value, part)
        return True
    return False
