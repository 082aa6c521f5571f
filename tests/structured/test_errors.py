"""Validation errors: a table of invalid values and the exact messages they give.

Each message names the path (``$.items[1].qty``), what was expected there and
the value that came, as JSON cut to 40 characters.  Every error of a document
is collected; the first is raised, with all of them in ``errors``, and the
same errors come from every kind of record target.
"""

from __future__ import annotations

import copy
import pickle
import re
from typing import Any

import pytest

from sseparse import ProtocolError, ValidationError
from sseparse.structured import Target
from sseparse.structured._shapes import format_path
from tests.structured.models import DOC, ORDER_SCHEMA, DOrder, Order, TOrder

_GONE = object()


def _changed(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A copy of DOC with the value at *path* replaced (``_GONE``: removed)."""
    doc = copy.deepcopy(DOC)
    node: Any = doc
    for step in path[:-1]:
        node = node[step]
    if value is _GONE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


CASES: list[tuple[tuple[str | int, ...], Any, str]] = [
    (("id",), True, "$.id: expected integer, got true"),
    (("id",), 1.0, "$.id: expected integer, got 1.0"),
    (("id",), "x" * 100, '$.id: expected integer, got "' + "x" * 39 + "…"),
    (("price",), "12", '$.price: expected number, got "12"'),
    (("price",), None, "$.price: expected number, got null"),
    (("paid",), 1, "$.paid: expected boolean, got 1"),
    (
        ("when",),
        "yesterday",
        '$.when: expected an ISO 8601 date-time string, got "yesterday"',
    ),
    (
        ("when",),
        1700000000,
        "$.when: expected an ISO 8601 date-time string, got 1700000000",
    ),
    (("color",), "blue", '$.color: expected one of "red", "green" (Color), got "blue"'),
    (("status",), "old", '$.status: expected one of "new", "done", got "old"'),
    (("items",), {}, "$.items: expected array, got {}"),
    (("items", 1, "qty"), "2", '$.items[1].qty: expected integer, got "2"'),
    (("items", 0, "tags", 1), 5, "$.items[0].tags[1]: expected string, got 5"),
    (
        ("items", 1, "name"),
        _GONE,
        "$.items[1].name: expected string, got nothing (the required field is missing)",
    ),
    (
        ("items",),
        [[1, 2, 3], {"name": "ok"}],
        "$.items[0]: expected object (Item), got [1, 2, 3]",
    ),
    (("pet", "kind"), "cow", '$.pet.kind: expected one of "cat", "dog", got "cow"'),
    (
        ("pet", "kind"),
        _GONE,
        '$.pet.kind: expected one of "cat", "dog", got nothing '
        "(the required field is missing)",
    ),
    (("pet", "lives"), "9", '$.pet.lives: expected integer, got "9"'),
    (("pet",), [], "$.pet: expected object (Cat) | object (Dog), got []"),
    (("pair",), [1], "$.pair: expected array of 2 items, got [1]"),
    (("pair",), [1, "a", 3], "$.pair[2]: expected no item after the first 2, got 3"),
    (("rest", 2), 5.5, "$.rest[2]: expected integer, got 5.5"),
    (("scores", "a"), "x", '$.scores.a: expected number, got "x"'),
    (("scores",), {"a b": None}, '$.scores["a b"]: expected number, got null'),
    (("note",), 5, "$.note: expected string | null, got 5"),
    (
        ("parent",),
        {"name": ["a" * 50]},
        '$.parent.name: expected string, got ["' + "a" * 38 + "…",
    ),
    (
        ("title",),
        _GONE,
        "$.title: expected string, got nothing (the required field is missing)",
    ),
]


@pytest.mark.parametrize(("path", "value", "message"), CASES)
def test_message(path: tuple[str | int, ...], value: Any, message: str) -> None:
    doc = _changed(path, value)
    for tp in (Order, DOrder, TOrder):
        with pytest.raises(ValidationError) as info:
            Target.of(tp).validate(doc)
        err = info.value
        # DOrder's records are DItem, DCat, DDog; TOrder's TItem, ...
        assert re.sub(r"\((?:D|T)([A-Z]\w+)\)", r"(\1)", str(err)) == message, tp
        assert err.errors == (err,)
        assert isinstance(err, ProtocolError)
        assert str(err).startswith(f"{format_path(err.path)}: expected {err.expected}")
        if value is _GONE:
            assert err.value is None


def test_every_error_is_collected_in_document_order() -> None:
    doc = _changed(("id",), "x")
    doc["items"][1]["qty"] = None
    del doc["pet"]["lives"]
    doc["note"] = 3
    with pytest.raises(ValidationError) as info:
        Target.of(Order).validate(doc)
    err = info.value
    assert [str(e) for e in err.errors] == [
        '$.id: expected integer, got "x"',
        "$.items[1].qty: expected integer, got null",
        "$.pet.lives: expected integer, got nothing (the required field is missing)",
        "$.note: expected string | null, got 3",
    ]
    assert str(err) == f"4 validation errors; the first: {err.errors[0]}"
    assert (err.path, err.expected, err.value) == (("id",), "integer", "x")


def test_schema_targets_report_the_same_paths() -> None:
    doc = _changed(("items", 1, "qty"), "2")
    doc["extra"] = 1
    with pytest.raises(ValidationError) as info:
        Target.of(ORDER_SCHEMA).validate(doc)
    assert [str(e) for e in info.value.errors] == [
        '$.items[1].qty: expected integer, got "2"',
        "$.extra: expected no other property (additionalProperties), got 1",
    ]


def test_a_union_without_a_tag_names_every_member() -> None:
    target = Target.of(int | list[int])
    with pytest.raises(ValidationError, match=r"^\$: expected integer \| array, got "):
        target.validate("x")
    with pytest.raises(ValidationError, match=r"^\$\[1\]: expected integer, got "):
        target.validate([1, "x"])  # one member takes arrays: its own error


def test_a_constructor_that_refuses_is_reported_at_the_record() -> None:
    import attrs

    @attrs.define
    class Positive:
        n: int = attrs.field(validator=attrs.validators.gt(0))

    with pytest.raises(ValidationError) as info:
        Target.of(Positive).validate({"n": -1})
    assert str(info.value).startswith(
        '$: expected object (Positive), got {"n": -1} (ValueError: '
    )


def test_validation_errors_pickle() -> None:
    with pytest.raises(ValidationError) as info:
        Target.of(Order).validate(_changed(("id",), None))
    again = pickle.loads(pickle.dumps(info.value))
    assert str(again) == str(info.value)
    assert (again.path, again.expected, again.value) == (("id",), "integer", None)
