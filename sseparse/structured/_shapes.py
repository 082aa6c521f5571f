"""The shape tree: what a target accepts, one small node class per kind of value.

Theory of operation
-------------------
Every target (an attrs class, a dataclass, a TypedDict, a pydantic model, a JSON
Schema dict) is compiled once into a tree of these nodes: leaves (``AnyShape``,
``ScalarShape``, ``ConstShape``, ``DateTimeShape``, ``RejectShape``), containers
(``ObjectShape`` for records and ``dict[str, T]`` maps, ``ArrayShape`` for lists
and tuples) and ``UnionShape``.  Recursive types make the tree a graph; nothing
here walks the graph itself, only values through it.

Validation takes a JSON value (what ``json.loads`` gives) through the tree.  It
never recurses: :func:`validate` is a trampoline over a stack of generators, one
per open container or union, each yielding ``(shape, value, location)`` for a
child and receiving the child's result.  A value of any depth costs no
interpreter stack.  Locations are linked pairs ``(parent, key)`` so that a path
tuple is built only for an error.

A container's work is split in two so that partial views can share it: ``child``
names the shape of one member, ``finish`` checks the whole (required fields,
lengths) and builds the result from the children's results.  ``validate`` does
both in one go; the partial tracker calls ``child`` as members complete and
``finish`` once, at the end.

Errors are collected, never raised here: each adds a :class:`ValidationError` to
the run and makes its value :data:`INVALID`, which makes every enclosing
container invalid too (without an error of its own).  Number semantics are
JSON's, as pydantic's strict mode has them: ``bool`` is not an integer, an
integer is a number (and becomes a ``float`` for a ``float`` field), ``1.0`` is
not an integer.

Cost: one node visit per JSON value (a union tries its members in turn, so a
value under a union of k members may be visited k times), plus a path built per
error.
"""

from __future__ import annotations

import datetime
import enum
import json
import math
from collections.abc import Callable, Generator
from typing import Any, ClassVar, TypeAlias

from sseparse.errors import ValidationError
from sseparse.jsonstream import MISSING

__all__ = [
    "INVALID",
    "AnyShape",
    "ArrayShape",
    "ConstShape",
    "DateTimeShape",
    "Field",
    "ObjectShape",
    "RejectShape",
    "Run",
    "ScalarShape",
    "Shape",
    "UnionShape",
    "combine",
    "format_path",
    "kind_of",
    "validate",
]


class _Invalid(enum.Enum):
    INVALID = "INVALID"

    def __repr__(self) -> str:
        return "INVALID"


#: The result of a value that failed validation (its error is in the run).
INVALID = _Invalid.INVALID

# A location: (parent location, key), None for the top-level value.
Loc: TypeAlias = "tuple[Loc, str | int] | None"
Request = tuple["Shape", Any, Loc]
Walk = Generator[Request, Any, Any]

_KINDS: dict[type, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
    dict: "object",
    list: "array",
}
ALL_KINDS = frozenset(_KINDS.values())
_PREVIEW_CHARS = 40


def kind_of(value: Any) -> str:
    """The JSON kind of *value* (``"integer"``, ``"object"``, ...), else its type."""
    return _KINDS.get(type(value)) or type(value).__name__


def path_of(loc: Loc) -> tuple[str | int, ...]:
    """The path tuple of a linked location."""
    keys: list[str | int] = []
    while loc is not None:
        loc, key = loc
        keys.append(key)
    keys.reverse()
    return tuple(keys)


def format_path(path: tuple[str | int, ...]) -> str:
    """``("items", 3, "price")`` as ``$.items[3].price`` (odd keys quoted)."""
    out = ["$"]
    for key in path:
        if isinstance(key, int):
            out.append(f"[{key}]")
        elif key.isidentifier():
            out.append(f".{key}")
        else:
            out.append(f"[{json.dumps(key, ensure_ascii=False)}]")
    return "".join(out)


def preview(value: Any, limit: int = _PREVIEW_CHARS) -> str:
    """*value* as JSON text, cut after *limit* characters with an ellipsis.

    Walks only as much of the value as it shows, with an explicit stack, so a
    huge or deep value costs no more than a small one.
    """
    out: list[str] = []
    size = 0
    # Each item is text to write or a value to expand.
    todo: list[tuple[bool, Any]] = [(False, value)]
    while todo and size <= limit:
        is_text, item = todo.pop()
        if is_text:
            piece = item
        elif isinstance(item, dict) and item:
            parts: list[tuple[bool, Any]] = [(True, "{")]
            for i, (key, member) in enumerate(item.items()):
                sep = ", " if i else ""
                parts += [
                    (True, sep + json.dumps(key)[: limit + 2] + ": "),
                    (False, member),
                ]
                if i * 4 > limit:
                    break
            parts.append((True, "}"))
            todo.extend(reversed(parts))
            continue
        elif isinstance(item, list) and item:
            parts = [(True, "[")]
            for i, member in enumerate(item[: limit // 3 + 1]):
                parts += [(True, ", " if i else ""), (False, member)]
            parts.append((True, "]"))
            todo.extend(reversed(parts))
            continue
        elif isinstance(item, str):
            piece = json.dumps(item[: limit + 1], ensure_ascii=False)
        elif item is MISSING:
            piece = "nothing"
        else:
            try:
                piece = json.dumps(item)
            except (TypeError, ValueError):
                piece = repr(item)[: limit + 1]
        out.append(piece)
        size += len(piece)
    text = "".join(out)
    return text if len(text) <= limit and not todo else text[:limit] + "…"


def error(loc: Loc, expected: str, value: Any, detail: str = "") -> ValidationError:
    """The error for *value* at *loc*: what was expected, what came, where."""
    path = path_of(loc)
    if value is MISSING:
        got = "nothing (the required field is missing)"
        value = None
    else:
        got = preview(value)
    message = f"{format_path(path)}: expected {expected}, got {got}"
    if detail:
        message += f" ({detail})"
    return ValidationError(message, path=path, expected=expected, value=value)


def combine(found: list[ValidationError]) -> ValidationError:
    """One error to raise for *found* (not empty): the first, listing them all."""
    first = found[0]
    if len(found) == 1:
        return first
    return ValidationError(
        f"{len(found)} validation errors; the first: {first}",
        path=first.path,
        expected=first.expected,
        value=first.value,
        errors=tuple(found),
    )


class Run:
    """The state of one validation: the errors found and a work count."""

    __slots__ = ("count", "errors")

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []
        self.count = 0  # node visits, for the linearity tests

    def fail(self, loc: Loc, expected: str, value: Any, detail: str = "") -> Any:
        """Record an error; return :data:`INVALID` (for ``return run.fail(...)``)."""
        self.errors.append(error(loc, expected, value, detail))
        return INVALID


def validate(shape: Shape, value: Any, loc: Loc, run: Run) -> Any:
    """Take *value* through *shape*: the typed result, or :data:`INVALID`."""
    run.count += 1
    if shape.leaf:
        return shape.check(value, loc, run)
    stack = [shape.walk(value, loc, run)]
    sent: Any = None
    while True:
        try:
            child, child_value, child_loc = stack[-1].send(sent)
        except StopIteration as stop:
            stack.pop()
            if not stack:
                return stop.value
            sent = stop.value
            continue
        run.count += 1
        if child.leaf:
            sent = child.check(child_value, child_loc, run)
        else:
            stack.append(child.walk(child_value, child_loc, run))
            sent = None


class Shape:
    """What one place of a target accepts."""

    __slots__ = ()
    #: Leaves are checked by ``check``; the others walk their value.
    leaf: ClassVar[bool] = True

    def kinds(self) -> frozenset[str]:
        """The JSON kinds this shape may accept."""
        raise NotImplementedError

    def core(self) -> Shape:
        """The shape that says what this one is (a wrapper's inner shape)."""
        return self

    def expected(self) -> str:
        """What this shape accepts, in words, for messages."""
        raise NotImplementedError

    def check(self, value: Any, loc: Loc, run: Run) -> Any:
        """A leaf's validation: the result or ``run.fail(...)``."""
        raise NotImplementedError

    def walk(self, value: Any, loc: Loc, run: Run) -> Walk:
        """A non-leaf's validation, as a generator driven by :func:`validate`."""
        raise NotImplementedError

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        """This shape's JSON Schema; named objects go into *defs*."""
        raise NotImplementedError


class AnyShape(Shape):
    """Any JSON value, taken as it is."""

    __slots__ = ()

    def kinds(self) -> frozenset[str]:
        return ALL_KINDS

    def expected(self) -> str:
        return "any value"

    def check(self, value: Any, loc: Loc, run: Run) -> Any:
        return value

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {}


_SCALARS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


class ScalarShape(Shape):
    """A JSON string, integer, number, boolean or null.

    Args:
        kind: one of the JSON Schema type names.
        to_float: give a ``float`` for an integer (a Python ``float`` field).
    """

    __slots__ = ("_kind", "_to_float", "_types")

    def __init__(self, kind: str, *, to_float: bool = False) -> None:
        self._kind = kind
        self._types = _SCALARS[kind]
        self._to_float = to_float

    @property
    def kind(self) -> str:
        """The JSON Schema type name."""
        return self._kind

    def kinds(self) -> frozenset[str]:
        return frozenset(_KINDS[t] for t in self._types)

    def expected(self) -> str:
        return self._kind

    def check(self, value: Any, loc: Loc, run: Run) -> Any:
        if type(value) not in self._types:
            return run.fail(loc, self._kind, value)
        if self._to_float and type(value) is int:
            try:
                return float(value)
            except OverflowError:
                return run.fail(loc, self._kind, value, "too large for a float")
        return value

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": self._kind}


def _const_key(value: Any) -> tuple[type, Any]:
    """A lookup key that tells ``True`` from ``1`` (JSON's strictness)."""
    if isinstance(value, dict | list):
        return (type(value), json.dumps(value, sort_keys=True))
    if isinstance(value, float) and math.isnan(value):
        return (float, "NaN")
    return (type(value), value)


class ConstShape(Shape):
    """One of a fixed set of JSON values: ``Literal``, ``Enum``, ``enum``/``const``.

    Args:
        values: the accepted JSON values, in order.
        results: what each one validates to (the enum member), same order.
        name: the Enum's name, for messages and the schema title.
    """

    __slots__ = ("_lookup", "_name", "_values")

    def __init__(
        self,
        values: tuple[Any, ...],
        results: tuple[Any, ...] | None = None,
        name: str | None = None,
    ) -> None:
        self._values = values
        self._name = name
        chosen = values if results is None else results
        self._lookup = {_const_key(v): r for v, r in zip(values, chosen, strict=True)}

    @property
    def values(self) -> tuple[Any, ...]:
        """The accepted JSON values."""
        return self._values

    def lookup(self, value: Any) -> Any:
        """The result for *value*, or :data:`MISSING`."""
        try:
            return self._lookup.get(_const_key(value), MISSING)
        except TypeError:  # unhashable inside a non-JSON value
            return MISSING

    def kinds(self) -> frozenset[str]:
        return frozenset(kind_of(v) for v in self._values)

    def expected(self) -> str:
        shown = ", ".join(preview(v) for v in self._values[:8])
        more = ", ..." if len(self._values) > 8 else ""
        if len(self._values) == 1:
            return shown
        where = f" ({self._name})" if self._name else ""
        return f"one of {shown}{more}{where}"

    def check(self, value: Any, loc: Loc, run: Run) -> Any:
        result = self.lookup(value)
        if result is MISSING:
            return run.fail(loc, self.expected(), value)
        return result

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        if len(self._values) == 1:
            return {"const": self._values[0]}
        return {"enum": list(self._values)}


def parse_datetime(text: str) -> datetime.datetime:
    """An ISO 8601 date-time (a trailing ``Z`` too, on every Python version)."""
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    return datetime.datetime.fromisoformat(text)


class DateTimeShape(Shape):
    """An ISO 8601 date-time string.

    Args:
        convert: give a :class:`datetime.datetime` (a Python target) rather
            than the checked string (a JSON Schema ``format: date-time``).
    """

    __slots__ = ("_convert",)

    def __init__(self, *, convert: bool) -> None:
        self._convert = convert

    def kinds(self) -> frozenset[str]:
        return frozenset({"string"})

    def expected(self) -> str:
        return "an ISO 8601 date-time string"

    def check(self, value: Any, loc: Loc, run: Run) -> Any:
        if type(value) is not str:
            return run.fail(loc, self.expected(), value)
        try:
            parsed = parse_datetime(value)
        except ValueError:
            return run.fail(loc, self.expected(), value)
        return parsed if self._convert else value

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "string", "format": "date-time"}


class RejectShape(Shape):
    """Nothing may be here (an extra property or tuple item that is refused)."""

    __slots__ = ("_expected",)

    def __init__(self, expected: str) -> None:
        self._expected = expected

    def kinds(self) -> frozenset[str]:
        return frozenset()

    def expected(self) -> str:
        return self._expected

    def check(self, value: Any, loc: Loc, run: Run) -> Any:
        return run.fail(loc, self._expected, value)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"not": {}}


class Container(Shape):
    """A shape whose value is a JSON object or array, walked member by member."""

    __slots__ = ()
    leaf: ClassVar[bool] = False
    #: ``dict`` or ``list``: the JSON container this shape takes.
    pytype: ClassVar[type]

    def child(self, key: str | int) -> Shape | None:
        """The shape of member *key*; ``None`` to drop the member unseen."""
        raise NotImplementedError

    def finish(self, raw: Any, results: Any, ok: bool, loc: Loc, run: Run) -> Any:
        """Check the whole and build the result from the members' results.

        Args:
            raw: the JSON value.
            results: the valid members' results (a dict by key, or a list in
                which an invalid member is :data:`INVALID`).
            ok: whether every member was valid.
            loc: where the value is.
            run: the run that collects errors.
        """
        raise NotImplementedError

    def walk(self, value: Any, loc: Loc, run: Run) -> Walk:
        if type(value) is not self.pytype:
            return run.fail(loc, self.expected(), value)
        members: Any = value
        ok = True
        child = self.child
        results: Any
        if self.pytype is dict:
            results = {}
            for key, item in members.items():
                shape = child(key)
                if shape is None:
                    continue
                result = yield shape, item, (loc, key)
                if result is INVALID:
                    ok = False
                else:
                    results[key] = result
        else:
            results = []
            for index, item in enumerate(members):
                shape = child(index)
                result = INVALID if shape is None else (yield shape, item, (loc, index))
                ok = ok and result is not INVALID
                results.append(result)
        return self.finish(value, results, ok, loc, run)


class Field:
    """One property of an :class:`ObjectShape`.

    Args:
        key: the JSON property name.
        attr: the keyword its constructor takes.
        shape: what its value must be.
        required: whether it must be there.
    """

    __slots__ = ("attr", "key", "required", "shape")

    def __init__(self, key: str, attr: str, shape: Shape, *, required: bool) -> None:
        self.key = key
        self.attr = attr
        self.shape = shape
        self.required = required


Builder = Callable[[dict[str, Any]], Any]


class ObjectShape(Container):
    """A JSON object: a record with named fields, a ``dict[str, T]`` map, or both.

    Args:
        name: the class name (``None`` for an anonymous object or a map).
        extra: the shape of properties that are not fields; ``None`` drops them.
        build: makes the result from ``{attr: result}``; ``None`` keeps the
            dict of results by JSON key (TypedDicts, schema dicts, maps).

    Fields are set with :meth:`set_fields` (after construction, so recursive
    types can refer to the shape before it is complete).
    """

    __slots__ = ("_build", "_extra", "_fields", "_name", "_required")
    pytype: ClassVar[type] = dict

    def __init__(
        self,
        name: str | None = None,
        *,
        extra: Shape | None = None,
        build: Builder | None = None,
    ) -> None:
        self._name = name
        self._extra = extra
        self._build = build
        self._fields: dict[str, Field] = {}
        self._required: tuple[Field, ...] = ()

    def set_fields(self, fields: list[Field], extra: Shape | None = None) -> None:
        """Give the fields (and the shape of other properties)."""
        self._fields = {f.key: f for f in fields}
        self._required = tuple(f for f in fields if f.required)
        if extra is not None:
            self._extra = extra

    @property
    def name(self) -> str | None:
        """The class name, or ``None``."""
        return self._name

    @property
    def fields(self) -> dict[str, Field]:
        """The fields by JSON key."""
        return self._fields

    def kinds(self) -> frozenset[str]:
        return frozenset({"object"})

    def expected(self) -> str:
        return f"object ({self._name})" if self._name else "object"

    def child(self, key: str | int) -> Shape | None:
        found = self._fields.get(key) if type(key) is str else None
        return self._extra if found is None else found.shape

    def finish(self, raw: Any, results: Any, ok: bool, loc: Loc, run: Run) -> Any:
        for f in self._required:
            if f.key not in raw:
                run.fail((loc, f.key), f.shape.expected(), MISSING)
                ok = False
        if not ok:
            return INVALID
        if self._build is None:
            return results
        fields = self._fields
        kwargs = {fields[k].attr: v for k, v in results.items() if k in fields}
        try:
            return self._build(kwargs)
        except (TypeError, ValueError) as exc:  # a constructor's own check
            return run.fail(loc, self.expected(), raw, f"{type(exc).__name__}: {exc}")

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        if self._name is not None and self._name in defs:
            return {"$ref": f"#/$defs/{self._name}"}
        body: dict[str, Any] = {"type": "object"}
        if self._name is not None:
            defs[self._name] = body  # before the fields: a recursive type
            body["title"] = self._name
        if self._fields or self._name is not None:
            body["properties"] = {
                k: f.shape.schema(defs) for k, f in self._fields.items()
            }
            body["required"] = [f.key for f in self._required]
        if self._extra is not None and not isinstance(self._extra, AnyShape):
            body["additionalProperties"] = self._extra.schema(defs)
        if self._name is None:
            return body
        return {"$ref": f"#/$defs/{self._name}"}


class ArrayShape(Container):
    """A JSON array: a list, a variadic tuple, or a fixed tuple.

    Args:
        prefix: the shapes of the first items, by position.
        rest: the shape of the items after them; ``None`` refuses them.
        min_items: the fewest items allowed.
        max_items: the most items allowed, or ``None``.
        as_tuple: give a ``tuple`` rather than a ``list``.
    """

    __slots__ = ("_as_tuple", "_max", "_min", "_prefix", "_reject", "_rest")
    pytype: ClassVar[type] = list

    def __init__(
        self,
        prefix: tuple[Shape, ...] = (),
        rest: Shape | None = None,
        *,
        min_items: int = 0,
        max_items: int | None = None,
        as_tuple: bool = False,
    ) -> None:
        self._prefix = prefix
        self._rest = rest
        self._min = min_items
        self._max = max_items
        self._as_tuple = as_tuple
        self._reject = RejectShape(f"no item after the first {len(prefix)}")

    def set_items(self, prefix: tuple[Shape, ...], rest: Shape | None) -> None:
        """Give the item shapes (after construction, for recursive schemas)."""
        self._prefix = prefix
        self._rest = rest
        self._reject = RejectShape(f"no item after the first {len(prefix)}")

    def kinds(self) -> frozenset[str]:
        return frozenset({"array"})

    def expected(self) -> str:
        if self._rest is None:
            return f"array of {len(self._prefix)} items"
        if self._min or self._max is not None:
            top = "" if self._max is None else f" and at most {self._max}"
            return f"array of at least {self._min}{top} items"
        return "array"

    def child(self, key: str | int) -> Shape | None:
        prefix = self._prefix
        if type(key) is int and key < len(prefix):
            return prefix[key]
        return self._reject if self._rest is None else self._rest

    def finish(self, raw: Any, results: Any, ok: bool, loc: Loc, run: Run) -> Any:
        size = len(raw)
        low = max(self._min, len(self._prefix) if self._rest is None else 0)
        if size < low or (self._max is not None and size > self._max):
            return run.fail(loc, self.expected(), raw)
        if not ok:
            return INVALID
        return tuple(results) if self._as_tuple else results

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {"type": "array"}
        if self._prefix:
            body["prefixItems"] = [s.schema(defs) for s in self._prefix]
        if self._rest is None:
            body["items"] = False
            body["minItems"] = body["maxItems"] = len(self._prefix)
        else:
            body["items"] = self._rest.schema(defs)
            if self._min:
                body["minItems"] = self._min
            if self._max is not None:
                body["maxItems"] = self._max
        return body


class UnionShape(Shape):
    """One of several shapes.

    A value goes to the members that accept its JSON kind.  Objects under
    several members go by a tag when every object member has a required
    constant field of one name (a ``Literal`` tag, a schema ``const``) with
    distinct values: a discriminated union.  Otherwise the members are tried in
    order and the first that accepts the value wins (pydantic's
    ``left_to_right`` mode).

    Members are read lazily, so a recursive type may name the union before its
    members are complete.
    """

    __slots__ = ("_by_kind", "_members", "_tag", "_tags")
    leaf: ClassVar[bool] = False

    def __init__(self, members: tuple[Shape, ...]) -> None:
        flat: list[Shape] = []
        for member in members:
            flat.extend(member.members if isinstance(member, UnionShape) else [member])
        self._members = tuple(flat)
        self._by_kind: dict[str, tuple[Shape, ...]] | None = None
        self._tag: str | None = None
        self._tags: dict[tuple[type, Any], Shape] = {}

    @property
    def members(self) -> tuple[Shape, ...]:
        """The member shapes, in order."""
        return self._members

    def add_member(self, shape: Shape) -> None:
        """Add a member (a schema compiles its members after the union)."""
        self._members = (*self._members, shape)
        self._by_kind = None

    def _index(self) -> dict[str, tuple[Shape, ...]]:
        by_kind = self._by_kind
        if by_kind is None:
            by_kind = {
                kind: tuple(m for m in self._members if kind in m.kinds())
                for kind in ALL_KINDS
            }
            self._by_kind = by_kind
            self._find_tag(by_kind["object"])
        return by_kind

    def _find_tag(self, objects: tuple[Shape, ...]) -> None:
        records = [m for m in objects if isinstance(m, ObjectShape)]
        if len(records) < 2 or len(records) != len(objects):
            return
        for key, first in records[0].fields.items():
            if not isinstance(first.shape.core(), ConstShape):
                continue
            tags: dict[tuple[type, Any], Shape] = {}
            for record in records:
                f = record.fields.get(key)
                const = None if f is None else f.shape.core()
                if f is None or not f.required or not isinstance(const, ConstShape):
                    break
                keys = {_const_key(v) for v in const.values}
                if keys & tags.keys():
                    break
                tags.update(dict.fromkeys(keys, record))
            else:
                self._tag, self._tags = key, tags
                return

    def candidates(self, value: Any) -> tuple[Shape, ...]:
        """The members that accept the JSON kind of *value*."""
        return self._index().get(kind_of(value), ())

    @property
    def tag(self) -> str | None:
        """The discriminating property of the object members, if there is one."""
        self._index()
        return self._tag

    def by_tag(self, value: Any) -> Shape | None:
        """The member whose tag is *value*, or ``None``."""
        self._index()
        try:
            return self._tags.get(_const_key(value))
        except TypeError:
            return None

    def tag_expected(self) -> str:
        """What the tag may be, in words."""
        shown = ", ".join(preview(v[1]) for v in self._tags)
        return f"one of {shown}"

    def kinds(self) -> frozenset[str]:
        return frozenset(k for k, members in self._index().items() if members)

    def expected(self) -> str:
        return " | ".join(m.expected() for m in self._members)

    def walk(self, value: Any, loc: Loc, run: Run) -> Walk:
        found = self.candidates(value)
        if len(found) > 1 and self.tag is not None and type(value) is dict:
            tag = value.get(self.tag, MISSING)
            member = self.by_tag(tag)
            if member is None:
                return run.fail((loc, self.tag), self.tag_expected(), tag)
            found = (member,)
        if not found:
            return run.fail(loc, self.expected(), value)
        if len(found) == 1:
            return (yield found[0], value, loc)
        saved = run.errors
        try:
            for member in found:
                run.errors = []
                result = yield member, value, loc
                if result is not INVALID:
                    return result
        finally:
            run.errors = saved
        return run.fail(loc, self.expected(), value)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"anyOf": [m.schema(defs) for m in self._members]}
