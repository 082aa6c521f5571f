"""The event-class machinery (``sseparse/llm/_eventclass.py``): each rule it states.

Toy classes declared here exercise the machinery itself; tests/test_types.py
checks the real vocabulary with it (every class, equality, hashing, mypy).
"""

from __future__ import annotations

import copy
import pickle
from typing import Any, ClassVar, Literal, cast
from unittest import mock

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse.limits import DEFAULT_LIMITS
from sseparse.llm import _eventclass, events
from sseparse.llm import _openai_chat as chat_module
from sseparse.llm._eventclass import Event, field, tuple_maker
from sseparse.llm._text import TextSlot


class Base(Event):
    type: ClassVar[str] = "base"


class Toy(Base):
    """Public fields around private ones, defaults between required ones."""

    type: ClassVar[Literal["toy"]] = "toy"
    first: int
    second: str | None = None
    _backing: Any = field(alias="backing", eq=False, repr=False)
    third: Any
    _shown: int = field(alias="shown", default=7, eq=False)


class Twin(Base):
    """The same public fields as :class:`Toy`: never equal to one."""

    type: ClassVar[Literal["twin"]] = "twin"
    first: int
    second: str | None = None
    _backing: Any = field(alias="backing", eq=False, repr=False)
    third: Any
    _shown: int = field(alias="shown", default=7, eq=False)


class Empty(Base):
    type: ClassVar[Literal["empty"]] = "empty"


class Child(Toy):
    """Inherits Toy's fields and adds one."""

    fourth: int = 4


def toy(**changes: Any) -> Toy:
    kwargs: dict[str, Any] = {"first": 1, "backing": object(), "third": [1]}
    kwargs.update(changes)
    return Toy(**kwargs)


# -- construction ------------------------------------------------------------------


def test_fields_are_keywords_with_their_defaults_and_aliases() -> None:
    backing = object()
    event = Toy(first=1, backing=backing, third={"a": 1})
    assert (event.first, event.second, event.third) == (1, None, {"a": 1})
    assert event._backing is backing
    assert event._shown == 7
    assert event.type == "toy"
    assert Toy(first=1, second="s", backing=0, third=0, shown=3)._shown == 3


def test_the_constructor_refuses_positions_unknown_and_missing_fields() -> None:
    with pytest.raises(TypeError, match=r"^Toy.__new__\(\) takes 1 positional"):
        Toy(1, None, 0, 0)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"Toy.__new__\(\) got an unexpected .* 'type'"):
        Toy(type="toy", first=1, backing=0, third=0)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="_backing"):
        Toy(first=1, _backing=0, third=0)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"missing 1 required keyword-only .* 'third'"):
        Toy(first=1, backing=0)  # type: ignore[call-arg]


def test_the_signature_is_the_keyword_one() -> None:
    import inspect

    assert str(inspect.signature(Toy)) == (
        "(*, first, second=None, backing, third, shown=7)"
    )


def test_subclasses_inherit_fields_in_order() -> None:
    child = Child(first=1, backing=0, third=3)
    assert [f.name for f in attrs.fields(Child)] == [
        "first",
        "second",
        "_backing",
        "third",
        "_shown",
        "fourth",
    ]
    assert attrs.fields(Child).first.inherited
    assert not attrs.fields(Child).fourth.inherited
    assert (child.first, child.third, child.fourth) == (1, 3, 4)
    assert child != toy(first=1, third=3)  # another class


# -- equality, hashing, order ---------------------------------------------------------


def test_equal_when_the_class_and_the_public_fields_are() -> None:
    assert toy() == toy()
    assert not toy() != toy()  # noqa: SIM202
    assert toy(backing=1, shown=1) == toy(backing=2, shown=2)
    for name, value in (("first", 2), ("second", "x"), ("third", [2])):
        assert toy() != toy(**{name: value}), name
        assert not toy() == toy(**{name: value}), name  # noqa: SIM201


def test_another_class_with_the_same_fields_is_never_equal() -> None:
    fields: dict[str, Any] = {"first": 1, "backing": 0, "third": 0}
    twin: object = Twin(**fields)
    assert Toy(**fields) != twin
    assert twin != Toy(**fields)
    assert Empty() == Empty()
    assert Empty() != Child(**fields)


def test_a_bare_tuple_of_the_same_items_is_not_equal() -> None:
    event = Toy(first=1, backing=0, third=0)
    same_items: object = tuple(tuple.__iter__(cast("Any", event)))
    assert event != same_items
    assert same_items != event
    assert not event == same_items  # noqa: SIM201
    assert not same_items == event  # noqa: SIM201


def test_other_objects_get_their_say() -> None:
    """Not a tuple: ``==`` returns NotImplemented, so ``mock.ANY`` matches."""
    assert toy() == mock.ANY
    assert toy() != object()
    assert toy().__eq__(object()) is NotImplemented


def test_events_are_unhashable_and_unordered() -> None:
    with pytest.raises(TypeError, match=r"^unhashable type: 'Toy'$"):
        hash(toy())
    for compare in ("__lt__", "__le__", "__gt__", "__ge__"):
        with pytest.raises(TypeError, match="not supported between"):
            getattr(__import__("operator"), compare)(toy(), toy())


# -- what the tuple does not do -------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        (len, "has no len"),
        (iter, "is not iterable"),
        (reversed, "is not iterable"),
        (lambda e: e[0], "is not subscriptable"),
        (lambda e: 1 in e, "is not a container"),
        (lambda e: e + e, r"supports no \+ or \*"),
        (lambda e: e * 2, r"supports no \+ or \*"),
        (lambda e: 2 * e, r"supports no \+ or \*"),
        (list, "is not iterable"),
    ],
)
def test_an_event_is_no_sequence(operation: Any, message: str) -> None:
    with pytest.raises(TypeError, match=rf"^'Toy' object {message}"):
        operation(toy())


def test_tuple_methods_are_hidden_and_every_event_is_true() -> None:
    assert getattr(Empty(), "index", None) is None
    assert getattr(toy(), "count", None) is None
    assert not hasattr(Empty, "index")
    assert bool(Empty())  # no fields, still true
    with pytest.raises(AttributeError, match="'Empty' object has no attribute 'index'"):
        Empty().index  # type: ignore[attr-defined]  # noqa: B018


def test_a_field_may_be_named_like_a_tuple_method() -> None:
    class Indexed(Base):
        index: int | None = None
        count: int = 0

    assert Indexed(index=3, count=2).index == 3
    assert Indexed().count == 0


# -- frozen ----------------------------------------------------------------------------


def test_attributes_cannot_be_set_or_deleted() -> None:
    event = toy()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.first = 2  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.new = 1  # type: ignore[attr-defined]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        del event.first
    assert event.first == 1
    assert not hasattr(event, "__dict__")


# -- repr, match, introspection ------------------------------------------------------


def test_repr_shows_the_repr_fields_in_declaration_order() -> None:
    event = Toy(first=1, second="s", backing=object(), third=[1], shown=3)
    assert repr(event) == "Toy(first=1, second='s', third=[1], _shown=3)"
    assert repr(Empty()) == "Empty()"


def test_match_by_keyword_and_no_positional_match() -> None:
    assert Toy.__match_args__ == ()
    match toy(first=5):
        case Toy(first=first, third=[1]):
            assert first == 5
        case _:  # pragma: no cover
            pytest.fail("no match")
    with pytest.raises(TypeError, match="accepts 0 positional"):
        _match_first_positionally(toy())


def _match_first_positionally(event: Toy) -> None:
    match event:
        case Toy(1):  # type: ignore[misc]  # pragma: no cover
            pass


def test_attrs_reads_the_fields_as_it_did() -> None:
    records = attrs.fields(Toy)
    assert [(f.name, f.alias, f.eq, f.repr) for f in records] == [
        ("first", "first", True, True),
        ("second", "second", True, True),
        ("_backing", "backing", False, False),
        ("third", "third", True, True),
        ("_shown", "shown", False, True),
    ]
    assert records.second.default is None
    assert records.first.default is attrs.NOTHING
    assert records.third.type == "Any"
    assert all(f.kw_only and f.init for f in records)
    assert "type" not in attrs.fields_dict(Toy)
    assert attrs.fields(Empty) == ()
    event = toy()
    assert attrs.evolve(cast("Any", event), first=9) == toy(first=9)
    assert type(attrs.evolve(cast("Any", event), first=9)) is Toy
    assert attrs.asdict(event)["third"] == [1]


def test_copies_and_pickles_are_equal_events_of_the_class() -> None:
    event = Toy(first=1, second="s", backing=[0], third={"a": [1]}, shown=2)
    for other in (
        copy.copy(event),
        copy.deepcopy(event),
        pickle.loads(pickle.dumps(event)),
    ):
        assert type(other) is Toy
        assert other == event
        assert (other._backing, other._shown) == ([0], 2)
    assert copy.deepcopy(event).third is not event.third


# -- declaring ---------------------------------------------------------------------


def test_a_private_field_needs_an_alias() -> None:
    with pytest.raises(TypeError, match="give a private field an alias"):

        class _Bad(Base):
            _hidden: int


def test_the_machinery_owns_slots_new_and_eq() -> None:
    with pytest.raises(TypeError, match="no __slots__"):

        class _Slots(Base):
            __slots__ = ("x",)

    with pytest.raises(TypeError, match="makes __new__ and __eq__"):

        class _Eq(Base):
            def __eq__(self, other: object) -> bool:  # pragma: no cover
                return True


# -- the fast constructor ----------------------------------------------------------


def test_the_layout_is_public_fields_first() -> None:
    assert Toy._event_layout == (  # type: ignore[attr-defined]
        "first",
        "second",
        "third",
        "_backing",
        "_shown",
    )


def test_the_fast_constructor_builds_what_the_public_one_builds() -> None:
    make = tuple_maker(Toy, ("first", "second", "third", "_backing", "_shown"))
    backing = object()
    built = make((1, "s", [1], backing, 3))
    public = Toy(first=1, second="s", third=[1], backing=backing, shown=3)
    assert type(built) is Toy
    assert built == public
    assert repr(built) == repr(public)
    assert built._backing is backing


def test_a_changed_layout_fails_at_import() -> None:
    with pytest.raises(ImportError, match=r"Toy fields are \('first', .*\), expected"):
        tuple_maker(Toy, ("first", "second", "_backing", "third", "_shown"))


def test_the_chat_accumulator_builds_what_the_constructors_build() -> None:
    slot = TextSlot({}, "content", DEFAULT_LIMITS)
    slot.append("hi")
    public = events.ContentDelta(
        choice_index=3, delta="hi", slot=slot, end=2, json=False
    )
    for built in (
        chat_module._make_content_delta((3, None, None, "hi", slot, 2, False)),
        chat_module._new_content_delta(3, "hi", slot, 2, False),
    ):
        assert type(built) is events.ContentDelta
        assert built == public
        assert repr(built) == repr(public)
        assert (built.snapshot, built.parsed) == (public.snapshot, public.parsed)
        assert (built.index, built.content_index) == (None, None)
    chunk = {"id": "x"}
    for received in (
        chat_module._make_chunk_received((chunk, None)),
        chat_module._new_chunk_received(chunk),
    ):
        assert received == events.ChunkReceived(chunk=chunk)
        assert received.chunk is chunk
        assert received.choice_index is None


# -- properties ----------------------------------------------------------------------

values = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=3),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@given(
    a=st.tuples(
        st.integers(), st.text(max_size=3) | st.none(), values, values, st.integers()
    ),
    b=st.tuples(
        st.integers(), st.text(max_size=3) | st.none(), values, values, st.integers()
    ),
)
def test_fields_read_back_and_equality_is_public_field_equality(
    a: tuple[int, str | None, Any, Any, int],
    b: tuple[int, str | None, Any, Any, int],
) -> None:
    def build(v: tuple[int, str | None, Any, Any, int]) -> Toy:
        return Toy(first=v[0], second=v[1], third=v[2], backing=v[3], shown=v[4])

    x, y = build(a), build(b)
    assert (x.first, x.second, x.third, x._backing, x._shown) == a
    assert (x == y) == (a[:3] == b[:3])
    assert (x != y) == (a[:3] != b[:3])
    assert attrs.evolve(cast("Any", x)) == x
    assert repr(x) == repr(build(a))


def test_the_machinery_module_exports_its_three_names() -> None:
    assert _eventclass.__all__ == ["Event", "field", "tuple_maker"]
