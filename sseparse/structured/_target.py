"""``Target``: a type or schema, compiled once, that validates and tracks values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from sseparse.errors import UsageError
from sseparse.structured import _pydantic
from sseparse.structured._compile import from_schema, from_type
from sseparse.structured._partial import PartialTracker
from sseparse.structured._shapes import Run, Shape, combine, validate

if TYPE_CHECKING:
    from sseparse.jsonstream import JSONStreamParser
    from sseparse.limits import Limits

__all__ = ["Target"]

T = TypeVar("T")


class Target(Generic[T]):
    """What a JSON document must be: a type or a JSON Schema, compiled once.

    Make one with :meth:`of`; ``Target.of(Model).validate(value)`` returns a
    ``Model``.  A target is immutable and may be shared by any number of
    streams.
    """

    __slots__ = ("_is_model", "_name", "_schema", "_shape", "_source")

    def __init__(self, source: Any, *, limits: Limits | None = None) -> None:
        self._source = source
        self._is_model = _pydantic.is_model(source)
        self._schema: dict[str, Any] | None = None
        if isinstance(source, Mapping):
            self._shape: Shape = from_schema(source, limits)
            title = source.get("title")
            self._name = title if isinstance(title, str) else "object"
        elif isinstance(source, Target):
            raise UsageError("expected a type or a JSON Schema dict, got a Target")
        else:
            self._shape = from_type(source)
            self._name = getattr(source, "__name__", None) or repr(source)

    @overload
    @classmethod
    def of(cls, source: type[T], *, limits: Limits | None = None) -> Target[T]: ...

    @overload
    @classmethod
    def of(
        cls, source: Mapping[str, Any], *, limits: Limits | None = None
    ) -> Target[Any]: ...

    @overload
    @classmethod
    def of(cls, source: Any, *, limits: Limits | None = None) -> Target[Any]: ...

    @classmethod
    def of(cls, source: Any, *, limits: Limits | None = None) -> Target[Any]:
        """Compile a target.

        Args:
            source: an attrs class, a dataclass, a TypedDict, a pydantic v2
                model, a supported type (``list[Item]``, ``A | B``, ...), or a
                JSON Schema dict.
            limits: ``max_json_depth`` bounds the nesting of a schema dict.

        Raises:
            UsageError: *source* holds a type or keyword that is not supported.
            LimitExceeded: a schema dict nests deeper than the limit.
        """
        return cls(source, limits=limits)

    @property
    def name(self) -> str:
        """The class name, the schema's ``title``, or ``"object"``."""
        return self._name

    @property
    def json_schema(self) -> dict[str, Any]:
        """The target's JSON Schema (a schema dict is returned as given).

        For a pydantic model, ``model_json_schema()``; for other types, one
        written from the compiled shape, named records under ``$defs``.  Do not
        change the dict: it is shared.
        """
        if self._schema is None:
            if isinstance(self._source, Mapping):
                self._schema = dict(self._source)
            elif self._is_model:
                self._schema = _pydantic.json_schema(self._source)
            else:
                self._schema = _schema_of(self._shape)
        return self._schema

    def validate(self, value: Any) -> T:
        """Turn a complete JSON value (as ``json.loads`` gives it) into a ``T``.

        Every error is collected; the first is raised with all of them in its
        ``errors``.

        Raises:
            ValidationError: *value* does not fit the target.
        """
        if self._is_model:
            result: T = _pydantic.validate(self._source, value)
            return result
        run = Run()
        result = validate(self._shape, value, None, run)
        if run.errors:
            raise combine(run.errors)
        return result

    def validate_json(self, text: str | bytes) -> T:
        """:meth:`validate` of ``json.loads(text)``."""
        return self.validate(json.loads(text))

    def partial(self, parser: JSONStreamParser) -> PartialTracker[T]:
        """A tracker of *parser*'s partial value as this target's type."""
        return PartialTracker(self._shape, parser)

    def __repr__(self) -> str:
        return f"Target({self._name})"


def _schema_of(shape: Shape) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    top = shape.schema(defs)
    ref = top.get("$ref", "")
    if ref.startswith("#/$defs/"):
        name = ref[len("#/$defs/") :]
        body = defs.pop(name)
        if f'"{ref}"' in json.dumps([body, defs]):  # a recursive type
            defs[name] = body
        top = dict(body)
    if defs:
        top["$defs"] = defs
    return top
