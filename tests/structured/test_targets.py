"""Targets: compiled from each kind of type, validating final JSON values.

1. Each kind (attrs, dataclass, TypedDict, pydantic, JSON Schema) validates the
   same documents to results that agree, and pydantic targets equal pydantic's
   own ``model_validate_json``.
2. Field types one by one: a table of (type, JSON value, result or error).
3. JSON Schema dicts: the keywords handled, local refs, recursion, depth bound.
4. ``json_schema``: written from the shape, or the model's or dict's own.
5. What a target refuses at compile time (``UsageError``).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
from typing import Any, Literal, Optional, TypedDict, Union

import attrs
import pydantic
import pytest
from typing_extensions import Required

from sseparse import LimitExceeded, Limits, UsageError, ValidationError
from sseparse.structured import Target
from tests.structured.models import (
    DOC,
    ORDER_SCHEMA,
    RECORD_TARGETS,
    SMALL,
    Cat,
    Color,
    DCat,
    DItem,
    DOrder,
    Item,
    Order,
    POrder,
    TOrder,
    plain,
    with_defaults,
)

UTC = datetime.timezone.utc


# -- 1. each kind --------------------------------------------------------------------


def test_attrs_target_builds_nested_instances() -> None:
    order = Target.of(Order).validate(DOC)
    assert order == Order(
        id=7,
        title="Paris trip",
        price=12.0,
        paid=True,
        when=datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
        color=Color.GREEN,
        status="new",
        items=[Item("map", 2, ["paper", "big"]), Item("pen")],
        pet=Cat(kind="cat", lives=9),
        pair=(1, "one"),
        rest=(3, 4, 5),
        scores={"a": 1.5, "b": 2.0},
        note="fragile",
        parent=Item("box"),
    )
    assert type(order.price) is float
    assert type(order.scores["b"]) is float


def test_dataclass_target_fills_defaults_and_factories() -> None:
    order = Target.of(DOrder).validate(SMALL)
    assert order.note is None
    assert order.parent is None
    assert type(order.pet).__name__ == "DDog"
    item = Target.of(DItem).validate({"name": "x"})
    assert item == DItem("x", 1, [])
    other = Target.of(DItem).validate({"name": "y"})
    assert other.tags is not item.tags  # a fresh list from the factory


def test_typeddict_target_keeps_a_dict() -> None:
    order = Target.of(TOrder).validate(SMALL)
    assert type(order) is dict
    assert "note" not in order
    assert order["color"] is Color.RED
    assert order["pair"] == (0, "")
    with pytest.raises(
        ValidationError, match=r"\$\.title: expected string, got nothing"
    ):
        Target.of(TOrder).validate({k: v for k, v in SMALL.items() if k != "title"})


def test_typeddict_totality_and_required() -> None:
    class Loose(TypedDict, total=False):
        a: int
        b: Required[str]

    target = Target.of(Loose)
    assert target.validate({"b": "x"}) == {"b": "x"}
    with pytest.raises(ValidationError, match=r"^\$\.b: expected string, got nothing"):
        target.validate({"a": 1})


def test_schema_target_gives_the_json_value() -> None:
    target = Target.of(ORDER_SCHEMA)
    assert target.validate(DOC) == DOC
    assert target.validate(SMALL) == SMALL
    assert target.name == "Order"


@pytest.mark.parametrize("doc", [DOC, SMALL], ids=["full", "small"])
def test_pydantic_target_equals_model_validate_json(doc: dict[str, Any]) -> None:
    ours = Target.of(POrder).validate(doc)
    theirs = POrder.model_validate_json(json.dumps(doc))
    assert type(ours) is POrder
    assert ours == theirs


@pytest.mark.parametrize("doc", [DOC, SMALL], ids=["full", "small"])
def test_every_kind_agrees(doc: dict[str, Any]) -> None:
    expected = plain(POrder.model_validate_json(json.dumps(doc)))
    for tp in RECORD_TARGETS:
        assert plain(Target.of(tp).validate(doc)) == expected, tp
    assert plain(with_defaults(dict(Target.of(TOrder).validate(doc)))) == expected


def test_pydantic_errors_become_ours() -> None:
    bad = dict(DOC, id="seven", pair=[1])
    with pytest.raises(ValidationError) as info:
        Target.of(POrder).validate(bad)
    err = info.value
    assert [e.path for e in err.errors] == [("id",), ("pair", 1)]
    assert str(err.errors[0]) == (
        "$.id: Input should be a valid integer, unable to parse string as an "
        'integer, got "seven"'
    )
    assert err.value == "seven"
    assert isinstance(err.__cause__, pydantic.ValidationError)


# -- 2. field types ------------------------------------------------------------------


class Shade(enum.Enum):
    LIGHT = 1
    DARK = "dark"


@attrs.frozen
class Leaf:
    kind: Literal["leaf"]
    v: int


@attrs.frozen
class Branch:
    kind: Literal["branch"]
    kids: list[Leaf | Branch]


FIELD_CASES: list[tuple[Any, Any, Any]] = [
    (str, "a", "a"),
    (int, 10**30, 10**30),
    (float, 3, 3.0),
    (float, 1.5, 1.5),
    (bool, False, False),
    (None, None, None),
    (type(None), None, None),
    (Optional[int], None, None),  # noqa: UP045
    (Optional[int], 4, 4),  # noqa: UP045
    (Union[int, str], "4", "4"),  # noqa: UP007
    (int | float, 2, 2),
    (float | int, 2, 2.0),  # left to right: the first member that fits
    (Literal[1, "1"], "1", "1"),
    (Literal[True], True, True),
    (Literal[Color.RED], "red", Color.RED),
    (Shade, 1, Shade.LIGHT),
    (Shade, "dark", Shade.DARK),
    (list[int], [1, 2], [1, 2]),
    (list, [1, "a"], [1, "a"]),
    (tuple[int, str], [1, "a"], (1, "a")),
    (tuple[int, ...], [], ()),
    (tuple[()], [], ()),
    (tuple, [1, None], (1, None)),
    (dict[str, int], {"a": 1}, {"a": 1}),
    (dict, {"a": [1]}, {"a": [1]}),
    (Any, {"x": [None]}, {"x": [None]}),
    (datetime.datetime, "2024-01-02", datetime.datetime(2024, 1, 2)),
    (
        datetime.datetime,
        "2024-01-02T03:04:05.5-01:30",
        datetime.datetime(
            2024,
            1,
            2,
            3,
            4,
            5,
            500000,
            datetime.timezone(-datetime.timedelta(hours=1.5)),
        ),
    ),
    (list[Leaf | Branch], [{"v": 1, "kind": "leaf"}], [Leaf(kind="leaf", v=1)]),
    (
        Branch,
        {"kind": "branch", "kids": [{"kind": "branch", "kids": []}]},
        Branch(kind="branch", kids=[Branch(kind="branch", kids=[])]),
    ),
]


@pytest.mark.parametrize(("tp", "value", "expected"), FIELD_CASES)
def test_field_types(tp: Any, value: Any, expected: Any) -> None:
    result = Target.of(tp).validate(value)
    assert result == expected
    assert type(result) is type(expected)


# -- 3. JSON Schema dicts ------------------------------------------------------------

SCHEMA_CASES: list[tuple[dict[str, Any], Any, bool]] = [
    ({"type": "integer"}, 1, True),
    ({"type": "integer"}, 1.0, False),
    ({"type": "integer"}, True, False),
    ({"type": "number"}, 1, True),
    ({"type": "number"}, False, False),
    ({"type": ["string", "null"]}, None, True),
    ({"type": "string", "nullable": True}, None, True),
    ({"type": "string", "format": "date-time"}, "2024-01-01T00:00:00Z", True),
    ({"type": "string", "format": "date-time"}, "soon", False),
    ({"enum": [1, "a", None]}, None, True),
    ({"enum": [1]}, True, False),
    ({"const": {"a": [1]}}, {"a": [1]}, True),
    ({"anyOf": [{"type": "integer"}, {"type": "string"}]}, "x", True),
    ({"oneOf": [{"type": "integer"}, {"type": "string"}]}, [], False),
    ({"allOf": [{"type": "integer"}]}, 3, True),
    ({"type": "object"}, {"any": "thing"}, True),
    ({"properties": {"a": {"type": "integer"}}}, {"a": 1, "b": 2}, True),
    ({"properties": {"a": {}}, "additionalProperties": False}, {"b": 2}, False),
    ({"additionalProperties": {"type": "integer"}}, {"b": "x"}, False),
    ({"type": "array", "minItems": 1}, [], False),
    ({"type": "array", "maxItems": 1}, [1, 2], False),
    ({"type": "array", "items": False}, [], True),
    ({"items": [{"type": "integer"}], "additionalItems": False}, [1, 2], False),
    ({"prefixItems": [{"type": "integer"}]}, [1, "more"], True),
    (True, "anything", True),  # type: ignore[list-item]
    ({}, None, True),
    ({"not": "checked"}, 1, True),
]


@pytest.mark.parametrize(("schema", "value", "valid"), SCHEMA_CASES)
def test_schema_keywords(schema: dict[str, Any], value: Any, valid: bool) -> None:
    if isinstance(schema, bool):
        schema = {"allOf": [schema]}
    target = Target.of(schema)
    if valid:
        assert target.validate(value) == value
    else:
        with pytest.raises(ValidationError):
            target.validate(value)


def test_schema_refs_resolve_and_may_recurse() -> None:
    tree = {
        "type": "object",
        "properties": {
            "v": {"type": "integer"},
            "kids": {"type": "array", "items": {"$ref": "#"}},
            "odd~/key": {"$ref": "#/$defs/a~1b~0c"},
        },
        "required": ["v"],
        "$defs": {"a/b~c": {"type": "string"}},
    }
    target = Target.of(tree)
    value = {"v": 1, "kids": [{"v": 2, "kids": [{"v": 3}]}], "odd~/key": "s"}
    assert target.validate(value) == value
    with pytest.raises(ValidationError, match=r"^\$\.kids\[0\]\.kids\[0\]\.v: "):
        target.validate({"v": 1, "kids": [{"v": 2, "kids": [{"v": "3"}]}]})


def _nested_schema(depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer"}
    for _ in range(depth):
        schema = {"type": "array", "items": schema}
    return schema


def test_deep_schema_is_bounded_by_the_depth_limit() -> None:
    with pytest.raises(LimitExceeded) as info:
        Target.of(_nested_schema(1200))
    assert info.value.limit == "max_json_depth"
    # Within a raised limit: no recursion, for the schema nor for the value.
    target = Target.of(_nested_schema(5000), limits=Limits(max_json_depth=6000))
    value: Any = 1
    for _ in range(5000):
        value = [value]
    result = target.validate(value)
    for _ in range(5000):  # == would recurse, in C
        assert type(result) is list
        assert len(result) == 1
        result = result[0]
    assert result == 1
    bad: Any = "x"
    for _ in range(5000):
        bad = [bad]
    with pytest.raises(ValidationError) as err:
        target.validate(bad)
    assert err.value.path == (0,) * 5000


@dataclasses.dataclass
class Node:
    v: int
    kids: list[Node] = dataclasses.field(default_factory=list)


def test_a_deep_value_of_a_recursive_type_costs_no_interpreter_stack() -> None:
    value: dict[str, Any] = {"v": 0}
    for i in range(1, 3000):
        value = {"v": i, "kids": [value]}
    node = Target.of(Node).validate(value)
    depth = 0
    while node.kids:
        node = node.kids[0]
        depth += 1
    assert depth == 2999


# -- 4. json_schema ------------------------------------------------------------------


def test_json_schema_of_a_record_type() -> None:
    schema = Target.of(Order).json_schema
    assert schema["title"] == "Order"
    assert schema["type"] == "object"
    assert schema["required"] == ORDER_SCHEMA["required"]
    props = schema["properties"]
    assert props["when"] == {"type": "string", "format": "date-time"}
    assert props["color"] == {"enum": ["red", "green"]}
    assert props["items"] == {"type": "array", "items": {"$ref": "#/$defs/Item"}}
    assert props["pair"]["prefixItems"] == [{"type": "integer"}, {"type": "string"}]
    assert props["note"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert set(schema["$defs"]) == {"Item", "Cat", "Dog"}
    # The schema written for a type validates what the type validates.
    assert Target.of(schema).validate(DOC) == DOC


def test_json_schema_of_a_recursive_type_keeps_its_def() -> None:
    schema = Target.of(Branch).json_schema
    assert "Branch" in schema["$defs"]
    assert Target.of(schema).validate({"kind": "branch", "kids": []})


def test_json_schema_of_pydantic_and_dicts() -> None:
    assert Target.of(POrder).json_schema == POrder.model_json_schema()
    assert Target.of(ORDER_SCHEMA).json_schema == ORDER_SCHEMA


# -- 5. compile errors ---------------------------------------------------------------


class Plain:
    pass


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        (Plain, "got <class"),
        (dict[int, str], "JSON object keys are strings"),
        (set[int], "got set[int]"),
        ({"type": "text"}, "JSON Schema at $: expected type among"),
        ({"$ref": "http://x/y"}, "expected a local $ref"),
        ({"$ref": "#/$defs/nope"}, "expected a $ref to a place in this schema"),
        ({"allOf": [{}, {}]}, "allOf with one schema"),
        ({"enum": []}, "a non-empty list for enum"),
        ({"properties": {"a": 3}}, "JSON Schema at $.properties.a: expected a schema"),
    ],
)
def test_unsupported_targets_are_usage_errors(source: Any, fragment: str) -> None:
    with pytest.raises(UsageError) as info:
        Target.of(source)
    assert fragment in str(info.value)


def test_a_field_of_an_unsupported_type_is_named() -> None:
    @attrs.define
    class Holder:
        items: list[set[int]]

    with pytest.raises(UsageError, match=r"\(at \$\.items\)"):
        Target.of(Holder)


def test_a_target_is_generic_over_its_type() -> None:
    target: Target[DCat] = Target.of(DCat)
    cat: DCat = target.validate({"kind": "cat", "lives": 3})
    assert cat == DCat("cat", 3)
    assert repr(target) == "Target(DCat)"


# -- 6. pydantic stays optional ------------------------------------------------------


def test_only_the_adapter_imports_pydantic() -> None:
    import ast
    from pathlib import Path

    import sseparse.structured

    package = Path(sseparse.structured.__file__).parent
    for module in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            if any(n.split(".")[0] == "pydantic" for n in names):
                assert module.name == "_pydantic.py", module
                assert node.col_offset > 0, f"{module}: import pydantic lazily"


def test_targets_without_pydantic_never_import_it() -> None:
    import subprocess
    import sys

    code = (
        "import sys, dataclasses\n"
        "from sseparse.structured import Target\n"
        "from sseparse.jsonstream import JSONStreamParser\n"
        "@dataclasses.dataclass\n"
        "class P:\n"
        "    x: int\n"
        "t = Target.of(P)\n"
        "p = JSONStreamParser()\n"
        "tr = t.partial(p)\n"
        "p.feed('{\"x\": 1}')\n"
        "tr.update()\n"
        "assert t.validate({'x': 1}) == P(1)\n"
        "print('pydantic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.strip()
    assert out == "False"


class Aliased(pydantic.BaseModel):
    user_name: str = pydantic.Field(alias="userName")
    age: int = 0


def test_pydantic_aliases_are_the_json_names() -> None:
    from sseparse.jsonstream import JSONStreamParser

    target = Target.of(Aliased)
    assert target.validate({"userName": "ann"}) == Aliased(userName="ann")
    parser = JSONStreamParser()
    tracker = target.partial(parser)
    parser.feed('{"userName": "an')
    tracker.update()
    assert tracker.view.get("userName") == "an"
    parser.feed('n", "age": 3}')
    parser.close()
    tracker.update()
    assert tracker.view.final == Aliased(userName="ann", age=3)
