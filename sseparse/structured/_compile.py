"""Compile a target (a Python type or a JSON Schema dict) into a shape tree.

Theory of operation
-------------------
Python types are trusted (their author wrote them), so :func:`from_type` follows
them with ordinary recursion; a class is compiled once and cached before its
fields, so a recursive type refers back to its own shape.

JSON Schema dicts may come from anywhere, nested to any depth, so
:func:`from_schema` never recurses: each sub-schema becomes a node at once (its
kind is written in the dict itself) and its children are queued with the place
they fill, so nesting costs queue entries, not interpreter frames.  Depth is
bounded by ``Limits.max_json_depth`` (``LimitExceeded`` past it).  Local
``$ref``s (``#``, ``#/$defs/Name``, any ``#/...`` pointer) resolve to one node per
referenced dict, which is how recursive schemas close their cycles.

Anything the compiler cannot express raises :class:`UsageError` naming the
type or schema keyword and where it was met: a target is written by the
caller, so a bad one is the caller's mistake.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, Union

import attrs

from sseparse.errors import LimitExceeded, UsageError
from sseparse.limits import DEFAULT_LIMITS, Limits
from sseparse.structured import _pydantic
from sseparse.structured._shapes import (
    AnyShape,
    ArrayShape,
    ConstShape,
    DateTimeShape,
    Field,
    ObjectShape,
    RejectShape,
    ScalarShape,
    Shape,
    UnionShape,
    format_path,
    preview,
)

__all__ = ["from_schema", "from_type", "is_typeddict"]

_NONE = ScalarShape("null")
_SIMPLE: dict[Any, Callable[[], Shape]] = {
    str: lambda: ScalarShape("string"),
    int: lambda: ScalarShape("integer"),
    float: lambda: ScalarShape("number", to_float=True),
    bool: lambda: ScalarShape("boolean"),
    type(None): lambda: _NONE,
    None: lambda: _NONE,
    Any: AnyShape,
    object: AnyShape,
    datetime.datetime: lambda: DateTimeShape(convert=True),
}
_LISTS = {list, Sequence, typing.List, typing.Sequence}  # noqa: UP006
_MAPS = {dict, Mapping, typing.Dict, typing.Mapping}  # noqa: UP006


def _marker(origin: Any) -> str | None:
    """``"Required"`` / ``"NotRequired"`` for those forms, from ``typing`` (3.11+)
    or ``typing_extensions`` (which may be other objects before 3.11)."""
    name = getattr(origin, "_name", None)
    return name if name in ("Required", "NotRequired") else None


def is_typeddict(tp: Any) -> bool:
    """Whether *tp* is a TypedDict class (of ``typing`` or ``typing_extensions``)."""
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__total__")


def from_type(tp: Any) -> Shape:
    """The shape of a Python type (see the supported types in the package doc)."""
    return _TypeCompiler().compile(tp, ())


class _TypeCompiler:
    def __init__(self) -> None:
        self._classes: dict[Any, Shape] = {}
        # Inside a pydantic model: its leaves are checked by pydantic (lax, with
        # the field's constraints), so that partial views agree with the final
        # model_validate.
        self._lax = False

    def compile(self, tp: Any, where: tuple[str, ...]) -> Shape:
        shape = self._compile(tp, where)
        if self._lax and _leafy(shape):
            return _pydantic.LaxLeaf(tp, shape)
        return shape

    def _compile(self, tp: Any, where: tuple[str, ...]) -> Shape:
        simple = _SIMPLE.get(tp) if _hashable(tp) else None
        if simple is not None:
            return simple()
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is typing.Annotated:
            return self.compile(args[0], where)
        if _marker(origin):
            return self.compile(args[0], where)
        if origin is Union or origin is types.UnionType:
            return UnionShape(tuple(self.compile(a, where) for a in args))
        if origin is Literal:
            values = tuple(a.value if isinstance(a, enum.Enum) else a for a in args)
            return ConstShape(values, args)
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            members = tuple(tp)
            return ConstShape(tuple(m.value for m in members), members, tp.__name__)
        if tp in _LISTS or origin in _LISTS:
            item = self.compile(args[0], where) if args else AnyShape()
            return ArrayShape((), item)
        if tp is tuple or origin is tuple:
            if not args or args == ((),):
                return ArrayShape((), AnyShape() if not args else None, as_tuple=True)
            if len(args) == 2 and args[1] is Ellipsis:
                return ArrayShape((), self.compile(args[0], where), as_tuple=True)
            prefix = tuple(self.compile(a, where) for a in args)
            return ArrayShape(prefix, None, as_tuple=True)
        if tp in _MAPS or origin in _MAPS:
            if args and args[0] not in (str, Any):
                raise _unsupported(tp, where, "JSON object keys are strings")
            return ObjectShape(
                extra=self.compile(args[1], where) if args else AnyShape()
            )
        if isinstance(tp, type):
            return self._record(tp, where)
        raise _unsupported(tp, where)

    def _record(self, cls: type, where: tuple[str, ...]) -> Shape:
        cached = self._classes.get(cls)
        if cached is not None:
            return cached
        lax = self._lax
        try:
            self._lax = _pydantic.is_model(cls)
            return self._new_record(cls, where)
        finally:
            self._lax = lax

    def _new_record(self, cls: type, where: tuple[str, ...]) -> Shape:
        if self._lax:
            shape = ObjectShape(cls.__name__, build=_pydantic.builder(cls))
            self._classes[cls] = shape
            fields = [
                # Keyed by the JSON name: model_validate takes aliases.
                Field(key, key, self._lenient(hint, (*where, attr)), required=req)
                for key, attr, hint, req in _pydantic.fields(cls)
            ]
            shape.set_fields(fields)
            return shape
        if attrs.has(cls):
            build: Callable[[dict[str, Any]], Any] | None = _construct(cls)
            spec = [
                (a.name, a.alias or a.name, a.default is attrs.NOTHING)
                for a in attrs.fields(cls)
                if a.init
            ]
        elif dataclasses.is_dataclass(cls):
            build = _construct(cls)
            spec = [
                (f.name, f.name, _dataclass_required(f))
                for f in dataclasses.fields(cls)
                if f.init
            ]
        elif is_typeddict(cls):
            build = None
            spec = _typeddict_spec(cls)
        else:
            raise _unsupported(cls, where)
        shape = ObjectShape(cls.__name__, build=build)
        self._classes[cls] = shape
        hints = _hints(cls, where)
        shape.set_fields(
            [
                Field(
                    name,
                    attr,
                    self.compile(hints.get(name, Any), (*where, name)),
                    required=required,
                )
                for name, attr, required in spec
            ]
        )
        return shape

    def _lenient(self, hint: Any, where: tuple[str, ...]) -> Shape:
        """A pydantic field's shape; what we cannot express, pydantic checks."""
        try:
            return self.compile(hint, where)
        except UsageError:
            return _pydantic.LaxLeaf(hint, AnyShape())


def _leafy(shape: Shape) -> bool:
    """Whether *shape* holds no container: a leaf, or a union of leafy shapes."""
    if isinstance(shape, UnionShape):
        return all(_leafy(m) for m in shape.members)
    return shape.leaf


def _hashable(tp: Any) -> bool:
    try:
        hash(tp)
    except TypeError:
        return False
    return True


def _construct(cls: type) -> Callable[[dict[str, Any]], Any]:
    def build(kwargs: dict[str, Any]) -> Any:
        return cls(**kwargs)

    return build


def _dataclass_required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _hints(cls: type, where: tuple[str, ...]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls, include_extras=True)
    except Exception as exc:  # a name the class's module cannot resolve
        raise UsageError(
            f"cannot read the field types of {cls.__qualname__}"
            f"{_at(where)}: {type(exc).__name__}: {exc}"
        ) from exc


def _typeddict_spec(cls: type) -> list[tuple[str, str, bool]]:
    hints = typing.get_type_hints(cls, include_extras=True)
    required_keys = getattr(cls, "__required_keys__", frozenset(hints))
    spec = []
    for name, hint in hints.items():
        origin = typing.get_origin(hint)
        # An explicit Required / NotRequired wins: __required_keys__ misses
        # them under string annotations on some Python versions.
        marker = _marker(origin)
        if marker == "Required":
            required = True
        elif marker == "NotRequired":
            required = False
        else:
            required = name in required_keys
        spec.append((name, name, required))
    return spec


def _at(where: tuple[str, ...]) -> str:
    return f" (at {format_path(where)})" if where else ""


def _unsupported(tp: Any, where: tuple[str, ...], why: str = "") -> UsageError:
    reason = f": {why}" if why else ""
    return UsageError(
        "expected an attrs class, a dataclass, a TypedDict, a pydantic model, a JSON "
        f"Schema dict or a supported field type, got {tp!r}{_at(where)}{reason}"
    )


# -- JSON Schema dicts -----------------------------------------------------------

_TYPE_NAMES = {"string", "integer", "number", "boolean", "null", "object", "array"}
# A place a compiled child goes: a callback taking the child's shape.
_Slot = Callable[[Shape], None]


def from_schema(schema: Mapping[str, Any], limits: Limits | None = None) -> Shape:
    """The shape of a JSON Schema dict (the keywords listed in the package doc)."""
    return _SchemaCompiler(schema, limits or DEFAULT_LIMITS).run()


class _SchemaCompiler:
    def __init__(self, root: Mapping[str, Any], limits: Limits) -> None:
        self._root = root
        self._max_depth = limits.max_json_depth
        self._nodes: dict[int, Shape] = {}
        # (schema, depth, where, slot), compiled first in, first out.
        self._queue: list[tuple[Any, int, tuple[str | int, ...], _Slot]] = []

    def run(self) -> Shape:
        result: list[Shape] = []
        self._queue.append((self._root, 1, (), result.append))
        i = 0
        while i < len(self._queue):
            schema, depth, where, slot = self._queue[i]
            self._queue[i] = (None, 0, (), _drop)  # let the entry go
            i += 1
            slot(self._node(schema, depth, where))
        return result[0]

    def _later(
        self, schema: Any, depth: int, where: tuple[str | int, ...], slot: _Slot
    ) -> None:
        if depth > self._max_depth:
            raise LimitExceeded(
                "max_json_depth",
                maximum=self._max_depth,
                observed=depth,
                what=f"the nesting of the JSON Schema (at {format_path(where)})",
            )
        self._queue.append((schema, depth, where, slot))

    def _node(self, schema: Any, depth: int, where: tuple[str | int, ...]) -> Shape:
        if schema is True:
            return AnyShape()
        if schema is False:
            return RejectShape("nothing (the schema is false)")
        if not isinstance(schema, Mapping):
            raise self._bad(where, "a schema (an object or a boolean)", schema)
        seen = self._nodes.get(id(schema))
        if seen is not None:
            return seen
        ref = schema.get("$ref")
        if ref is not None:
            return self._node(self._resolve(ref, where), depth, where)
        node = self._make(schema, depth, where)
        self._nodes[id(schema)] = node
        return node

    def _resolve(self, ref: Any, where: tuple[str | int, ...]) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise self._bad(where, "a local $ref ('#/...')", ref)
        node: Any = self._root
        for raw in ref[1:].split("/")[1:]:
            step = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and step in node:
                node = node[step]
            elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
                node = node[int(step)]
            else:
                raise self._bad(where, "a $ref to a place in this schema", ref)
        return node

    def _make(
        self, schema: Mapping[str, Any], depth: int, where: tuple[Any, ...]
    ) -> Shape:
        for word in ("anyOf", "oneOf"):
            if word in schema:
                return self._union(schema[word], depth, (*where, word))
        if "allOf" in schema:
            parts = schema["allOf"]
            if not isinstance(parts, list) or len(parts) != 1:
                raise self._bad(
                    where, "allOf with one schema (the only form handled)", parts
                )
            node = UnionShape(())  # a union of one: a forwarding node
            self._later(parts[0], depth + 1, (*where, "allOf", 0), _add_member(node))
            return node
        if "const" in schema:
            return ConstShape((schema["const"],))
        if "enum" in schema:
            values = schema["enum"]
            if not isinstance(values, list) or not values:
                raise self._bad(where, "a non-empty list for enum", values)
            return ConstShape(tuple(values))
        kinds = schema.get("type")
        if kinds is None:
            if "properties" in schema or "additionalProperties" in schema:
                kinds = "object"
            elif "items" in schema or "prefixItems" in schema:
                kinds = "array"
            else:
                return AnyShape()
        names = kinds if isinstance(kinds, list) else [kinds]
        if schema.get("nullable") is True and "null" not in names:
            names = [*names, "null"]
        if not names or any(n not in _TYPE_NAMES for n in names):
            raise self._bad(where, f"type among {sorted(_TYPE_NAMES)}", kinds)
        shapes = [self._typed(n, schema, depth, where) for n in names]
        return shapes[0] if len(shapes) == 1 else UnionShape(tuple(shapes))

    def _typed(
        self, name: str, schema: Mapping[str, Any], depth: int, where: tuple[Any, ...]
    ) -> Shape:
        if name == "object":
            return self._object(schema, depth, where)
        if name == "array":
            return self._array(schema, depth, where)
        if name == "string" and schema.get("format") == "date-time":
            return DateTimeShape(convert=False)
        return ScalarShape(name)

    def _union(self, members: Any, depth: int, where: tuple[Any, ...]) -> Shape:
        if not isinstance(members, list) or not members:
            raise self._bad(where, "a non-empty list of schemas", members)
        node = UnionShape(())
        for i, member in enumerate(members):
            self._later(member, depth + 1, (*where, i), _add_member(node))
        return node

    def _object(
        self, schema: Mapping[str, Any], depth: int, where: tuple[Any, ...]
    ) -> Shape:
        props = schema.get("properties", {})
        required = schema.get("required", [])
        if not isinstance(props, Mapping) or not isinstance(required, list):
            raise self._bad(
                where, "properties as an object and required as a list", props
            )
        extra = schema.get("additionalProperties", True)
        node = ObjectShape(
            schema.get("title") if isinstance(schema.get("title"), str) else None
        )
        fields: list[Field] = []
        extra_shape: list[Shape | None] = [None]
        # Filled in as the children compile; set_fields runs after the last one.
        pending = [len(props) + 1]

        def done() -> None:
            pending[0] -= 1
            if pending[0] == 0:
                node.set_fields(fields, extra_shape[0])

        for key, sub in props.items():

            def put(shape: Shape, key: str = key) -> None:
                fields.append(Field(key, key, shape, required=key in required))
                done()

            self._later(sub, depth + 1, (*where, "properties", key), put)

        def put_extra(shape: Shape) -> None:
            extra_shape[0] = shape
            done()

        if extra is False:
            put_extra(RejectShape("no other property (additionalProperties)"))
        else:
            self._later(extra, depth + 1, (*where, "additionalProperties"), put_extra)
        return node

    def _array(
        self, schema: Mapping[str, Any], depth: int, where: tuple[Any, ...]
    ) -> Shape:
        prefix_schemas = schema.get("prefixItems", [])
        items = schema.get("items", True)
        if not isinstance(prefix_schemas, list):
            raise self._bad(where, "prefixItems as a list", prefix_schemas)
        if isinstance(items, list):  # the old tuple form of items
            prefix_schemas, items = items, schema.get("additionalItems", True)
        low, high = schema.get("minItems", 0), schema.get("maxItems")
        if type(low) is not int or (high is not None and type(high) is not int):
            raise self._bad(where, "minItems and maxItems as integers", (low, high))
        node = ArrayShape((), AnyShape(), min_items=low, max_items=high)
        prefix: list[Shape | None] = [None] * len(prefix_schemas)
        rest: list[Shape | None] = [None]
        pending = [len(prefix_schemas) + 1]

        def done() -> None:
            pending[0] -= 1
            if pending[0] == 0:
                node.set_items(tuple(p for p in prefix if p is not None), rest[0])

        for i, sub in enumerate(prefix_schemas):

            def put(shape: Shape, i: int = i) -> None:
                prefix[i] = shape
                done()

            self._later(sub, depth + 1, (*where, "prefixItems", i), put)
        if items is False:
            done()
        else:

            def put_rest(shape: Shape) -> None:
                rest[0] = shape
                done()

            self._later(items, depth + 1, (*where, "items"), put_rest)
        return node

    @staticmethod
    def _bad(where: tuple[Any, ...], expected: str, got: Any) -> UsageError:
        return UsageError(
            f"JSON Schema at {format_path(where)}: expected {expected}, "
            f"got {preview(got)}"
        )


def _drop(shape: Shape) -> None:
    """The slot of a queue entry already compiled."""


def _add_member(node: UnionShape) -> _Slot:
    def add(shape: Shape) -> None:
        node.add_member(shape)

    return add
