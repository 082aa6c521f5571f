"""The optional pydantic adapter: the one module of sseparse that imports pydantic.

pydantic is never required.  It is imported only when a class could be a
pydantic model, and a class can only be one if pydantic is already loaded (the
class's own module imported it), so checking ``sys.modules`` first costs nothing
for everyone else.

A pydantic target is validated by pydantic itself at the end
(``model_validate`` on the whole JSON value: its validators, constraints and
coercions are the authority).  For partial views its fields are compiled like
any other class's, from their resolved annotations; a nested model is built,
once its members are valid, by ``model_validate`` on the already-typed members
(nested instances are taken as they are, so this costs the members, not the
subtree again).
"""

from __future__ import annotations

import sys
from typing import Any

from sseparse.errors import ValidationError
from sseparse.structured._shapes import (
    INVALID,
    Loc,
    Run,
    Shape,
    combine,
    format_path,
    path_of,
    preview,
)

__all__ = ["LaxLeaf", "builder", "fields", "is_model", "json_schema", "validate"]


def is_model(cls: Any) -> bool:
    """Whether *cls* is a pydantic v2 model class (without importing pydantic)."""
    if "pydantic" not in sys.modules or not isinstance(cls, type):
        return False
    import pydantic

    return issubclass(cls, pydantic.BaseModel)


class LaxLeaf(Shape):
    """A leaf of a pydantic model, checked by pydantic with the field's type.

    So a partial view accepts what ``model_validate`` accepts (``"1"`` for an
    ``int``, constraints from ``Annotated``).  *inner* is our own shape of the
    type: it says which JSON kinds a union should send here and whether a
    string's prefix may be shown.
    """

    __slots__ = ("_adapter", "_inner", "_type")

    def __init__(self, tp: Any, inner: Shape) -> None:
        self._type = tp
        self._inner = inner
        self._adapter: Any = None

    def core(self) -> Shape:
        return self._inner.core()

    def kinds(self) -> frozenset[str]:
        return self._inner.kinds()

    def expected(self) -> str:
        return self._inner.expected()

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return self._inner.schema(defs)

    def check(self, value: Any, loc: Loc, run: Run) -> Any:
        import pydantic

        if self._adapter is None:
            self._adapter = pydantic.TypeAdapter(self._type)
        try:
            return self._adapter.validate_python(value)
        except pydantic.ValidationError as exc:
            detail = exc.errors()[0]
            path = path_of(loc)
            run.errors.append(
                ValidationError(
                    f"{format_path(path)}: {detail['msg']}, got {preview(value)}",
                    path=path,
                    expected=detail["msg"],
                    value=value,
                )
            )
            return INVALID


def fields(cls: Any) -> list[tuple[str, str, Any, bool]]:
    """``(JSON key, attribute, annotation, required)`` for each field of *cls*."""
    out = []
    for name, info in cls.model_fields.items():
        key = info.validation_alias if isinstance(info.validation_alias, str) else None
        key = key or info.alias or name
        out.append((key, name, info.rebuild_annotation(), info.is_required()))
    return out


def builder(cls: Any) -> Any:
    """Build an instance from ``{JSON name: typed value}``."""

    def build(kwargs: dict[str, Any]) -> Any:
        import pydantic

        try:
            return cls.model_validate(kwargs)
        except pydantic.ValidationError as exc:
            raise ValueError(str(exc).splitlines()[0]) from exc

    return build


def validate(cls: Any, value: Any) -> Any:
    """``cls.model_validate(value)``, its errors turned into ours.

    Raises:
        ValidationError: every error pydantic found, the first one raised.
    """
    import pydantic

    try:
        return cls.model_validate(value)
    except pydantic.ValidationError as exc:
        found = []
        for detail in exc.errors():
            path = tuple(detail["loc"])
            shown = preview(detail.get("input"))
            found.append(
                ValidationError(
                    f"{format_path(path)}: {detail['msg']}, got {shown}",
                    path=path,
                    expected=detail["msg"],
                    value=detail.get("input"),
                )
            )
        raise combine(found) from exc


def json_schema(cls: Any) -> dict[str, Any]:
    """The model's own JSON Schema (``model_json_schema()``)."""
    schema: dict[str, Any] = cls.model_json_schema()
    return schema
