"""Partial views: the typed object as it streams, from a live JSONStreamParser.

1. A table of moments in one stream: what each member shows and its status.
2. Every kind of target, fed whole, byte by byte and in chunks, ends with the
   object ``Target.validate`` gives, and reports the same errors.
3. Property (hypothesis): for drawn documents (some invalid) and drawn
   chunkings, views are monotone after every update, an error is reported by
   the update at which its place completes (never before, never after), and
   the end agrees with ``Target.validate``.
4. Linear cost: each value is validated once, however often the view is read
   (counted work, never time).
5. Deep values: no recursion along the open path.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse import UsageError, ValidationError
from sseparse.jsonstream import JSONStreamParser
from sseparse.structured import FieldStatus, Partial, PartialTracker, Target
from sseparse.testing import json_deltas, json_texts, same_json
from tests._work import assert_linear
from tests.structured.models import (
    ALL_TARGETS,
    DOC,
    ORDER_SCHEMA,
    SMALL,
    DItem,
    Item,
    Order,
    POrder,
    TOrder,
    plain,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

ABSENT = FieldStatus.ABSENT
STREAMING = FieldStatus.STREAMING
FINAL = FieldStatus.FINAL
INVALID = FieldStatus.INVALID


def _track(
    target: Target[Any], pieces: list[str]
) -> tuple[PartialTracker[Any], JSONStreamParser]:
    parser = JSONStreamParser()
    tracker = target.partial(parser)
    for piece in pieces:
        parser.feed(piece)
        tracker.update()
    parser.close()
    tracker.update()
    return tracker, parser


# -- 1. moments ----------------------------------------------------------------------

TEXT = json.dumps(DOC)

# (prefix of TEXT, member path, status, shown value or None)
MOMENTS: list[tuple[str, tuple[Any, ...], FieldStatus, Any]] = [
    ("", (), ABSENT, None),
    ("{", ("id",), ABSENT, None),
    ('{"id": 7', ("id",), ABSENT, None),  # a number shows once it ends
    ('{"id": 7,', ("id",), FINAL, 7),
    ('{"id": 7, "title": "Par', ("title",), STREAMING, "Par"),
    ('{"id": 7, "title": "Paris trip"', ("title",), FINAL, "Paris trip"),
    ('{"id": 7, "title": "Paris trip", "price": 12,', ("price",), FINAL, 12.0),
    (
        '{"id": 7, "title": "Paris trip", "price": 12, "paid": tr',
        ("paid",),
        ABSENT,
        None,
    ),
]
_WHEN = TEXT.index('"when": "') + len('"when": "2024-05')
_ITEMS = TEXT.index('"items": [{"name": "ma') + len('"items": [{"name": "ma')
_ITEM0 = TEXT.index('"big"]}') + len('"big"]}')
_PET = TEXT.index('"pet": {"kind": "c') + len('"pet": {"kind": "c')
MOMENTS += [
    (TEXT[:_WHEN], ("when",), STREAMING, None),  # a date-time shows once final
    (TEXT[:_ITEMS], ("items", 0, "name"), STREAMING, "ma"),
    (TEXT[:_ITEMS], ("items", 0), STREAMING, None),
    (TEXT[:_ITEMS], ("items",), STREAMING, None),
    (TEXT[:_ITEM0], ("items", 0), FINAL, Item("map", 2, ["paper", "big"])),
    (TEXT[:_ITEM0], ("items",), STREAMING, None),
    (TEXT[:_PET], ("pet",), STREAMING, None),
    (TEXT[:_PET], ("pet", "kind"), ABSENT, None),  # waits for its tag
    (TEXT[: _PET + len('at", "li')], ("pet", "kind"), FINAL, "cat"),
    (TEXT, (), FINAL, None),
]


def _member(view: Partial[Any], path: tuple[Any, ...]) -> tuple[FieldStatus, Any]:
    """The status and shown value at *path* below *view* (Partials descended)."""
    if not path:
        return view.status, None
    node: Any = view
    for step in path[:-1]:
        node = node.get(step)
        if not isinstance(node, Partial):
            return ABSENT, None
    shown = node.get(path[-1])
    return node.status_of(path[-1]), None if isinstance(shown, Partial) else shown


@pytest.mark.parametrize(("prefix", "path", "status", "shown"), MOMENTS)
def test_moment(
    prefix: str, path: tuple[Any, ...], status: FieldStatus, shown: Any
) -> None:
    parser = JSONStreamParser()
    tracker = Target.of(Order).partial(parser)
    parser.feed(prefix)
    tracker.update()
    if prefix == TEXT:
        parser.close()
        tracker.update()
    assert _member(tracker.view, path) == (status, shown)


def test_the_view_of_an_open_object() -> None:
    parser = JSONStreamParser()
    tracker = Target.of(Order).partial(parser)
    parser.feed('{"id": 7, "title": "Pa", "items": [{"na')
    tracker.update()
    view = tracker.view
    assert list(view) == ["id", "title", "items"]
    assert len(view) == 3
    assert view.is_final("id")
    assert not view.is_final("items")
    assert not view.is_final()
    items = view.get("items")
    assert isinstance(items, Partial)
    assert items.path == ("items",)
    assert list(items) == [0]
    assert items.get(0).path == ("items", 0)
    assert list(items.get(0)) == []  # a key shows with its value
    assert view.get("nope", "default") == "default"
    assert repr(view).startswith("Partial(streaming, {'id': 7, 'title': 'Pa', ")
    with pytest.raises(UsageError, match=r"the value at \$ is streaming, not final"):
        view.final  # noqa: B018


def test_an_invalid_member_is_reported_at_once_and_never_raised() -> None:
    parser = JSONStreamParser()
    tracker = Target.of(Order).partial(parser)
    parser.feed('{"id": "seven", "title": "x", "pet": {"kind": "cow", "li')
    found = tracker.update()
    assert [str(e) for e in found] == [
        '$.id: expected integer, got "seven"',
        '$.pet.kind: expected one of "cat", "dog", got "cow"',
    ]
    assert list(tracker.errors) == found
    assert tracker.view.status_of("id") is INVALID
    assert tracker.view.get("id") is None
    assert tracker.update() == []  # reported once
    parser.feed('ves": 3}}')
    parser.close()
    assert [str(e) for e in tracker.update()] == [
        "$.price: expected number, got nothing (the required field is missing)",
        "$.paid: expected boolean, got nothing (the required field is missing)",
        "$.when: expected an ISO 8601 date-time string, got nothing (the required "
        "field is missing)",
        '$.color: expected one of "red", "green" (Color), got nothing (the required '
        "field is missing)",
        '$.status: expected one of "new", "done", got nothing (the required field is '
        "missing)",
        "$.items: expected array, got nothing (the required field is missing)",
        "$.pair: expected array of 2 items, got nothing (the required field is "
        "missing)",
        "$.rest: expected array, got nothing (the required field is missing)",
        "$.scores: expected object, got nothing (the required field is missing)",
    ]
    assert tracker.view.status is INVALID
    assert tracker.view.status_of("pet") is INVALID
    with pytest.raises(UsageError, match="is invalid, not final"):
        tracker.view.final  # noqa: B018


@attrs.define
class A:
    a: int


@attrs.define
class B:
    b: int


@attrs.define
class Holder:
    x: A | B
    y: A | None


def test_a_union_without_a_tag_shows_its_object_once_final() -> None:
    parser = JSONStreamParser()
    tracker = Target.of(Holder).partial(parser)
    parser.feed('{"x": {"b": 1, "c": 2}, "y": {"a": 3')
    tracker.update()
    assert tracker.view.get("x") == B(1)
    assert tracker.view.get("y").get("a") is None  # Optional[A]: A's own view
    parser.feed("}}")
    parser.close()
    tracker.update()
    assert tracker.view.final == Holder(B(1), A(3))


def test_any_members_show_the_live_value() -> None:
    parser = JSONStreamParser()
    tracker = Target.of(dict[str, Any]).partial(parser)
    parser.feed('{"a": [1, {"b": "xy')
    tracker.update()
    assert tracker.view.get("a") == [1, {"b": "xy"}]
    assert tracker.view.status_of("a") is STREAMING


def test_a_scalar_top_level_value() -> None:
    tracker, _ = _track(Target.of(int), ["4", "2"])
    assert tracker.view.final == 42
    tracker, _ = _track(Target.of(str), ['"a', 'b"'])
    assert tracker.view.final == "ab"


# -- 2. every kind, whole, bytewise, chunked -----------------------------------------


def _splits(text: str) -> dict[str, list[str]]:
    return {
        "whole": [text],
        "bytewise": list(text),
        "chunks": [text[i : i + 7] for i in range(0, len(text), 7)],
    }


@pytest.mark.parametrize("doc", [DOC, SMALL], ids=["full", "small"])
@pytest.mark.parametrize(
    "tp", ALL_TARGETS, ids=lambda t: getattr(t, "__name__", "schema")
)
def test_every_kind_and_split_ends_with_the_validated_object(
    tp: Any, doc: dict[str, Any]
) -> None:
    target = Target.of(tp)
    expected = target.validate(doc)
    for name, pieces in _splits(json.dumps(doc)).items():
        tracker, _ = _track(target, pieces)
        assert tracker.errors == [], name
        assert tracker.view.status is FINAL, name
        assert tracker.view.final == expected, name
    if tp is POrder:
        assert plain(tracker.view.final) == plain(
            POrder.model_validate_json(json.dumps(doc))
        )


def test_every_kind_reports_the_errors_validate_raises() -> None:
    doc = copy.deepcopy(DOC)
    doc["items"][1]["qty"] = "2"
    doc["pair"] = [1, "a", 3]
    doc["pet"] = {"lives": 9, "kind": "cow"}
    for tp in (Order, TOrder, ORDER_SCHEMA):
        target = Target.of(tp)
        with pytest.raises(ValidationError) as info:
            target.validate(doc)
        for pieces in _splits(json.dumps(doc)).values():
            tracker, _ = _track(target, pieces)
            assert [str(e) for e in tracker.errors] == [
                str(e) for e in info.value.errors
            ]


# -- 3. the property -----------------------------------------------------------------


_BAD_VALUES: dict[str, list[Any]] = {
    "id": ["1", 1.5, True],
    "price": ["x", None],
    "when": ["never", 3],
    "color": ["blue"],
    "status": [1],
    "pair": [[1], [1, "a", 2]],
    "scores": [{"a": "x"}, []],
    "note": [4],
}
_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
_item = st.fixed_dictionaries(
    {"name": _text},
    optional={"qty": st.integers(-5, 10**20), "tags": st.lists(_text, max_size=3)},
)
_pet = st.one_of(
    st.fixed_dictionaries({"kind": st.just("cat"), "lives": st.integers(0, 9)}),
    st.fixed_dictionaries({"bark": _text, "kind": st.just("dog")}),
)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """Order documents, now and then with one or two invalid values."""
    doc = draw(
        st.fixed_dictionaries(
            {
                "id": st.integers(),
                "title": _text,
                "price": st.one_of(st.integers(), st.floats(allow_nan=False)),
                "paid": st.booleans(),
                "when": st.sampled_from(
                    [
                        "2024-01-02T03:04:05Z",
                        "2001-02-03",
                        "2024-01-02T03:04:05.5+01:00",
                    ]
                ),
                "color": st.sampled_from(["red", "green"]),
                "status": st.sampled_from(["new", "done"]),
                "items": st.lists(_item, max_size=3),
                "pet": _pet,
                "pair": st.tuples(st.integers(), _text).map(list),
                "rest": st.lists(st.integers(), max_size=3),
                "scores": st.dictionaries(
                    _text, st.floats(allow_nan=False), max_size=3
                ),
            },
            optional={"note": st.none() | _text, "parent": st.none() | _item},
        )
    )
    for key in draw(st.lists(st.sampled_from(sorted(_BAD_VALUES)), max_size=2)):
        doc[key] = draw(st.sampled_from(_BAD_VALUES[key]))
    return doc


_RANK = {ABSENT: 0, STREAMING: 1, FINAL: 2, INVALID: 2}


def _project(value: Any) -> Any:
    """A deep, frozen picture of a shown value (views are live)."""
    if isinstance(value, Partial):
        return ("P", {k: (value.status_of(k), _project(value.get(k))) for k in value})
    if isinstance(value, str):
        return ("S", value)
    return ("V", copy.deepcopy(value))


def _picture(view: Partial[Any]) -> Any:
    return (view.status, _project(view))


def _extends(old: Any, new: Any, status: FieldStatus, where: str) -> None:
    """Assert shown value *new* extends *old*; *status* is the new status."""
    if old == new:
        return
    assert old[0] != "V", f"{where}: a final value changed: {old} -> {new}"
    if old[0] == "S":
        shown = new[1] if new[0] in ("S", "V") else None
        assert isinstance(shown, str), f"{where}: {old} -> {new}"
        assert shown.startswith(old[1]), f"{where}: {old} -> {new}"
        return
    # old is a Partial: new is the same Partial grown, or (once final) the value
    if new[0] == "V":
        assert status is FINAL, f"{where}: {old} -> {new}"
        return
    assert new[0] == "P", f"{where}: {old} -> {new}"
    for key, (old_status, old_value) in old[1].items():
        assert key in new[1], f"{where}.{key}: a member vanished"
        new_status, new_value = new[1][key]
        _check_member(old_status, old_value, new_status, new_value, f"{where}.{key}")


def _check_member(
    old_status: FieldStatus,
    old_value: Any,
    new_status: FieldStatus,
    new_value: Any,
    where: str,
) -> None:
    assert _RANK[new_status] >= _RANK[old_status], (
        f"{where}: {old_status} -> {new_status}"
    )
    if old_status in (FINAL, INVALID):
        assert new_status is old_status, f"{where}: {old_status} -> {new_status}"
    if old_value == ("V", None) and old_status is not FINAL:
        return  # nothing was shown
    _extends(old_value, new_value, new_status, where)


def _anchor(error: ValidationError, final: Any) -> tuple[Any, ...]:
    """The longest prefix of the error's path that is in the final value."""
    node, path = final, []
    for step in error.path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        path.append(step)
    return tuple(path)


@given(doc=documents(), data=st.data(), tp=st.sampled_from(ALL_TARGETS))
def test_views_are_monotone_and_errors_come_at_once(
    doc: dict[str, Any], data: st.DataObject, tp: Any
) -> None:
    _follow(tp, doc, data.draw(json_deltas(json.dumps(doc))))


def _invalid(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(DOC)
    doc.update(changes)
    return doc


# Invalid documents the property draws only now and then, pinned: each fed
# byte by byte to every kind of target.
PINNED = [
    _invalid(pair=[1]),
    _invalid(pair=[1, "a", 2]),
    _invalid(scores=[]),
    _invalid(scores={"a": "x", "b": 1}),
    _invalid(items=[[1, 2, 3], {"name": 4}]),
    _invalid(pet={"lives": 9, "kind": "cow"}),
    _invalid(pet={"kind": "cat", "lives": "9"}),
    _invalid(note=4, parent={"name": ["a"]}),
    _invalid(id="1", rest=["2", 3]),  # pydantic's lax mode takes these
    _invalid(when=3, price=None),
]


@pytest.mark.parametrize("doc", PINNED)
@pytest.mark.parametrize(
    "tp", ALL_TARGETS, ids=lambda t: getattr(t, "__name__", "schema")
)
def test_pinned_documents_bytewise(tp: Any, doc: dict[str, Any]) -> None:
    _follow(tp, doc, list(json.dumps(doc)))


def _follow(tp: Any, doc: dict[str, Any], pieces: list[str]) -> None:
    """Feed *pieces*, check the view after each update, and the end."""
    target = Target.of(tp)
    try:
        expected: Any = target.validate(doc)
        final_errors: tuple[ValidationError, ...] = ()
    except ValidationError as exc:
        expected = None
        final_errors = exc.errors
    # A pydantic target's final errors are pydantic's own (their paths differ
    # for a tuple's length): there, compare the fields in error.
    pydantic_target = tp is POrder
    expected_errors = [
        str(e.path[:1]) if pydantic_target else str(e) for e in final_errors
    ]
    parser = JSONStreamParser()
    tracker = target.partial(parser)
    before = _picture(tracker.view)
    reported: list[str] = []
    for i, piece in enumerate([*pieces, None]):
        if piece is None:
            parser.close()
        else:
            parser.feed(piece)
        found = tracker.update()
        reported += [str(e.path[:1]) if pydantic_target else str(e) for e in found]
        for error in found:  # never before its place is complete
            assert parser.is_complete(_anchor(error, doc)), str(error)
        now = _picture(tracker.view)
        _check_member(before[0], before[1], now[0], now[1], f"(piece {i}) $")
        before = now
        # never after: an error of a complete place is reported by now
        # (under the tagged pet, once the tag or the pet is complete).
        if not pydantic_target:
            for error in final_errors:
                if str(error) in reported or error.path[:1] == ("pet",):
                    continue
                late = parser.is_complete(_anchor(error, doc))
                assert not late, f"late: {error}"
    if pydantic_target:
        assert sorted(set(reported)) == sorted(set(expected_errors))
    else:
        assert reported == expected_errors
    if expected_errors:
        assert tracker.view.status is INVALID
    else:
        assert tracker.view.final == expected


# -- 4. linear cost ------------------------------------------------------------------


def _items_doc(count: int) -> str:
    item = {"name": "pen \\u00e9", "qty": 3, "tags": ["a", "bc"]}
    return json.dumps({"items": [item] * count, "note": "x" * count})


@attrs.define
class Basket:
    items: list[Item]
    note: str


@dataclasses.dataclass
class DBasket:
    items: list[DItem]
    note: str


def _deltas(text: str) -> list[str]:
    return [text[i : i + 8] for i in range(0, len(text), 8)]


@pytest.mark.parametrize("tp", [Basket, DBasket])
def test_each_value_is_validated_once_however_often_the_view_is_read(tp: Any) -> None:
    counts = []
    for count in (50, 800):
        tracker, _ = _track(Target.of(tp), _deltas(_items_doc(count)))
        assert tracker.view.status is FINAL
        assert len(tracker.view.final.items) == count
        counts.append(tracker.validations)
    # Per item: the item, its name, qty, tags and two tags, and its finish
    # (plus a handful for the top level): at most 8 per item, whatever the
    # number of updates (one per 8 characters: about 9 per item).
    assert counts[0] <= 8 * 50 + 10
    assert counts[1] <= 8 * 800 + 10
    assert counts[1] / counts[0] <= 16.5


def _cut_after(text: str, marker: str) -> list[str]:
    """*text* cut right after each *marker*: several levels close at once."""
    pieces = text.split(marker)
    return [p + marker for p in pieces[:-1]] + [pieces[-1]]


@pytest.mark.parametrize("tp", [Basket, Order, TOrder, POrder, ORDER_SCHEMA])
def test_no_split_costs_more_than_validating_once(tp: Any) -> None:
    """A tracker visits each value at most once: never more than validate().

    Without unions (Basket) exactly as many; a union that a tracker resolves
    by its tag costs one visit less than validate() trying it.
    """
    text = _items_doc(30) if tp is Basket else json.dumps(DOC)
    once, _ = _track(Target.of(tp), [text])  # no update before the end
    splits = [
        list(text),
        _deltas(text),
        [text[:-1], text[-1]],
        [text[:-2], text[-2:]],
        _cut_after(text, '"b'),  # inside the last tag of every item
    ]
    for pieces in splits:
        tracker, _ = _track(Target.of(tp), pieces)
        if tp is Basket:
            assert tracker.validations == once.validations
        else:
            assert tracker.validations <= once.validations


def _steps(target: Target[Any], pieces: list[str]) -> Iterator[Callable[[], object]]:
    parser = JSONStreamParser()
    tracker = target.partial(parser)
    for piece in pieces:
        yield functools.partial(parser.feed, piece)
        yield tracker.update
    yield parser.close
    yield tracker.update


@pytest.mark.parametrize("tp", [Basket, POrder])
def test_reading_the_view_after_every_delta_is_linear(tp: Any) -> None:
    if tp is POrder:
        doc = copy.deepcopy(DOC)
        small = json.dumps({**doc, "items": doc["items"] * 20})
        big = json.dumps({**doc, "items": doc["items"] * 320})
    else:
        small, big = _items_doc(100), _items_doc(1600)
    target = Target.of(tp)
    assert_linear(functools.partial(_steps, target), _deltas(small), _deltas(big))


# -- 5. deep values ------------------------------------------------------------------


@dataclasses.dataclass
class Node:
    v: int
    kids: list[Node] = dataclasses.field(default_factory=list)


def test_a_deep_open_path_costs_no_recursion() -> None:
    depth = 450  # 2 JSON levels a node: 900 of the parser's default 1000
    text = '{"v": 0, "kids": [' * depth + '{"v": 1}' + "]}" * depth
    tracker, _ = _track(Target.of(Node), _deltas(text))
    node = tracker.view.final
    for _ in range(depth):
        node = node.kids[0]
    assert node == Node(1)
    # A deep document fed whole: the view finishes a chain of 900 cursors.
    parser = JSONStreamParser()
    tracker = Target.of(Node).partial(parser)
    parser.feed(text[:-1])
    tracker.update()
    parser.feed("}")
    parser.close()
    tracker.update()
    assert tracker.view.status is FINAL


def test_a_top_level_list_shows_its_items_as_they_complete() -> None:
    parser = JSONStreamParser()
    tracker = Target.of(list[Item]).partial(parser)
    parser.feed('[{"name": "a"}, {"name": "b", "qty": 2, "tags": ["x", "y')
    tracker.update()
    view = tracker.view
    assert list(view) == [0, 1]
    assert view.get(0) == Item("a")
    assert view.status_of(1) is STREAMING
    tags = view.get(1).get("tags")
    assert (tags.get(0), tags.get(1), tags.status_of(1)) == ("x", "y", STREAMING)
    parser.feed('"]}]')
    parser.close()
    tracker.update()
    assert view.final == [Item("a"), Item("b", 2, ["x", "y"])]


# Any JSON value, as a recursive schema: every container is tracked, through
# a union that picks its member by the value's kind.
JSON_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "array", "items": {"$ref": "#"}},
        {"type": "object", "additionalProperties": {"$ref": "#"}},
        {"type": ["string", "number", "boolean", "null"]},
    ]
}


@given(data=st.data(), text=json_texts(max_leaves=30))
def test_any_json_through_a_recursive_schema(data: st.DataObject, text: str) -> None:
    pieces = data.draw(json_deltas(text))
    for target in (Target.of(JSON_SCHEMA), Target.of(Any)):
        parser = JSONStreamParser()
        tracker = target.partial(parser)
        before = _picture(tracker.view)
        for i, piece in enumerate([*pieces, None]):
            if piece is None:
                parser.close()
            else:
                parser.feed(piece)
            assert tracker.update() == []
            now = _picture(tracker.view)
            _check_member(before[0], before[1], now[0], now[1], f"(piece {i}) $")
            before = now
        assert same_json(tracker.view.final, json.loads(text))
