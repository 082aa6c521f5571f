"""One document shape, described as each kind of target, for the structured tests.

``Order`` has every supported field type: scalars, a datetime, an enum, a
literal, a list of records with defaults, a discriminated union, a fixed and a
variadic tuple, a map, and optional fields.  ``plain`` turns any of the
results into JSON-like values, so results of different kinds compare equal.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
from typing import Any, Literal, Optional, TypedDict

import attrs
import pydantic
from typing_extensions import NotRequired


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


# -- attrs ---------------------------------------------------------------------------


@attrs.define
class Item:
    name: str
    qty: int = 1
    tags: list[str] = attrs.Factory(list)


@attrs.define
class Cat:
    kind: Literal["cat"]
    lives: int


@attrs.define
class Dog:
    kind: Literal["dog"]
    bark: str


@attrs.define
class Order:
    id: int
    title: str
    price: float
    paid: bool
    when: datetime.datetime
    color: Color
    status: Literal["new", "done"]
    items: list[Item]
    pet: Cat | Dog
    pair: tuple[int, str]
    rest: tuple[int, ...]
    scores: dict[str, float]
    note: Optional[str] = None  # noqa: UP045 (the Optional spelling is tested)
    parent: Item | None = None


# -- dataclasses ---------------------------------------------------------------------


@dataclasses.dataclass
class DItem:
    name: str
    qty: int = 1
    tags: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class DCat:
    kind: Literal["cat"]
    lives: int


@dataclasses.dataclass
class DDog:
    kind: Literal["dog"]
    bark: str


@dataclasses.dataclass
class DOrder:
    id: int
    title: str
    price: float
    paid: bool
    when: datetime.datetime
    color: Color
    status: Literal["new", "done"]
    items: list[DItem]
    pet: DCat | DDog
    pair: tuple[int, str]
    rest: tuple[int, ...]
    scores: dict[str, float]
    note: str | None = None
    parent: DItem | None = None


# -- TypedDict -----------------------------------------------------------------------


class TItem(TypedDict):
    name: str
    qty: NotRequired[int]
    tags: NotRequired[list[str]]


class TCat(TypedDict):
    kind: Literal["cat"]
    lives: int


class TDog(TypedDict):
    kind: Literal["dog"]
    bark: str


class TOrder(TypedDict):
    id: int
    title: str
    price: float
    paid: bool
    when: datetime.datetime
    color: Color
    status: Literal["new", "done"]
    items: list[TItem]
    pet: TCat | TDog
    pair: tuple[int, str]
    rest: tuple[int, ...]
    scores: dict[str, float]
    note: NotRequired[str | None]
    parent: NotRequired[TItem | None]


# -- pydantic ------------------------------------------------------------------------


class PItem(pydantic.BaseModel):
    name: str
    qty: int = 1
    tags: list[str] = pydantic.Field(default_factory=list)


class PCat(pydantic.BaseModel):
    kind: Literal["cat"]
    lives: int


class PDog(pydantic.BaseModel):
    kind: Literal["dog"]
    bark: str


class POrder(pydantic.BaseModel):
    id: int
    title: str
    price: float
    paid: bool
    when: datetime.datetime
    color: Color
    status: Literal["new", "done"]
    items: list[PItem]
    pet: PCat | PDog = pydantic.Field(discriminator="kind")
    pair: tuple[int, str]
    rest: tuple[int, ...]
    scores: dict[str, float]
    note: str | None = None
    parent: PItem | None = None


# -- JSON Schema ---------------------------------------------------------------------

ITEM_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "qty": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["name"],
    "additionalProperties": False,
}
ORDER_SCHEMA: dict[str, Any] = {
    "title": "Order",
    "type": "object",
    "$defs": {
        "Item": ITEM_SCHEMA,
        "Cat": {
            "type": "object",
            "properties": {"kind": {"const": "cat"}, "lives": {"type": "integer"}},
            "required": ["kind", "lives"],
        },
        "Dog": {
            "type": "object",
            "properties": {"kind": {"const": "dog"}, "bark": {"type": "string"}},
            "required": ["kind", "bark"],
        },
    },
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "price": {"type": "number"},
        "paid": {"type": "boolean"},
        "when": {"type": "string", "format": "date-time"},
        "color": {"enum": ["red", "green"]},
        "status": {"type": "string", "enum": ["new", "done"]},
        "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
        "pet": {"oneOf": [{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}]},
        "pair": {
            "type": "array",
            "prefixItems": [{"type": "integer"}, {"type": "string"}],
            "items": False,
            "minItems": 2,
        },
        "rest": {"type": "array", "items": {"type": "integer"}},
        "scores": {"type": "object", "additionalProperties": {"type": "number"}},
        "note": {"type": ["string", "null"]},
        "parent": {"anyOf": [{"$ref": "#/$defs/Item"}, {"type": "null"}]},
    },
    "required": [
        "id",
        "title",
        "price",
        "paid",
        "when",
        "color",
        "status",
        "items",
        "pet",
        "pair",
        "rest",
        "scores",
    ],
    "additionalProperties": False,
}

#: A valid document, with every optional field there.
DOC: dict[str, Any] = {
    "id": 7,
    "title": "Paris trip",
    "price": 12,
    "paid": True,
    "when": "2024-05-06T07:08:09Z",
    "color": "green",
    "status": "new",
    "items": [
        {"name": "map", "qty": 2, "tags": ["paper", "big"]},
        {"name": "pen"},
    ],
    "pet": {"kind": "cat", "lives": 9},
    "pair": [1, "one"],
    "rest": [3, 4, 5],
    "scores": {"a": 1.5, "b": 2},
    "note": "fragile",
    "parent": {"name": "box", "tags": []},
}

#: The same document without the optional fields, a dog for a pet.
SMALL: dict[str, Any] = {
    "id": 8,
    "title": "",
    "price": 0.5,
    "paid": False,
    "when": "2024-05-06T07:08:09.123456+02:00",
    "color": "red",
    "status": "done",
    "items": [],
    "pet": {"bark": "woof", "kind": "dog"},
    "pair": [0, ""],
    "rest": [],
    "scores": {},
}

RECORD_TARGETS: list[Any] = [Order, DOrder, POrder]
ALL_TARGETS: list[Any] = [Order, DOrder, TOrder, POrder, ORDER_SCHEMA]


def plain(value: Any) -> Any:
    """*value* as JSON-like data: records as dicts without their unset defaults."""
    if isinstance(value, pydantic.BaseModel):
        return plain(value.model_dump())
    if attrs.has(type(value)):
        return plain(attrs.asdict(value, recurse=False))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(
            {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        )
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def with_defaults(doc: dict[str, Any]) -> dict[str, Any]:
    """*doc* with the defaults a record class fills in (for comparing kinds)."""
    out = {"note": None, "parent": None, **doc}
    out["items"] = [{"qty": 1, "tags": [], **i} for i in doc["items"]]
    if out["parent"] is not None:
        out["parent"] = {"qty": 1, "tags": [], **out["parent"]}
    return out
