"""The machinery of sseparse's event classes: immutable values backed by a tuple.

Theory of operation
-------------------
An accumulator builds two or more events per chunk, on the hottest path of the
LLM layer.  A frozen attrs class costs about 0.1 µs per field to build (its
``__init__`` sets each slot through ``object.__setattr__``), which made event
construction a quarter of the chat pipeline's cost per chunk.  An :class:`Event`
subclass is instead a slotted ``tuple`` subclass, as
:class:`~sseparse.ServerSentEvent` is: an accumulator builds one with a single
C-level ``tuple.__new__`` call (see :func:`tuple_maker`), whatever its number of
fields, and each field is a C-level descriptor over its tuple item.

Declaring one reads like attrs or dataclasses, and type checkers see exactly
that (:func:`typing.dataclass_transform`: keyword-only, frozen)::

    class ContentDelta(StreamEvent):
        type: ClassVar[Literal["content.delta"]] = "content.delta"
        choice_index: int
        index: int | None = None
        _slot: TextSlot = field(alias="slot", eq=False, repr=False)

What the class gets:

* ``__new__`` taking every field by keyword (a private field by its alias),
  with the declared defaults; no checks (the accumulators build events from
  data they already checked);
* ``==``: same class and equal fields, the fields declared ``eq=False`` (what
  backs a lazy view) excluded; ``!=`` its negation; no ordering;
* ``__hash__ = None``: unhashable (``sseparse.llm.events`` argues why);
* a repr of the ``repr=True`` fields, ``Class(name=value, ...)``;
* ``__match_args__ = ()`` (fields are keyword-only: match them by keyword), as
  a type checker derives it from the same declaration;
* assignment and deletion of attributes raise
  :class:`attrs.exceptions.FrozenInstanceError`, as when events were attrs
  classes;
* none of the tuple's own behaviour: no ``len``, iteration, indexing, ``in``,
  ``+`` or ``*``, no ``count``/``index`` methods (a field may be named
  ``index``), and every event is true, whatever its number of fields;
* ``__attrs_attrs__``: the fields as :class:`attrs.Attribute` records, in
  declaration order, so ``attrs.fields``, ``attrs.fields_dict``,
  ``attrs.asdict`` and ``attrs.evolve`` work on events as they did;
* copying and pickling (by value, through :func:`_rebuild`).

Layout: the tuple holds the ``eq=True`` fields first, in declaration order,
then the ``eq=False`` ones, so ``==`` compares one slice.  The layout is private
to sseparse: the fast constructor checks at import that its caller lists the
fields in this order.
"""

from __future__ import annotations

import collections
import keyword
import types
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import attrs

if TYPE_CHECKING:
    from collections.abc import Callable

    from typing_extensions import dataclass_transform

__all__ = ["Event", "field", "tuple_maker"]

_E = TypeVar("_E", bound="Event")

_tuple_new = tuple.__new__
_tuple_getitem = tuple.__getitem__

# The C descriptor collections.namedtuple makes its fields of: it reads the
# tuple's item directly, about twice as fast as property(itemgetter(i)), and
# is unaffected by the __getitem__ that Event refuses below.  namedtuple falls
# back to a property where it is missing, and so do we.
_tuplegetter_c: Any = getattr(collections, "_tuplegetter", None)


def _tuplegetter(index: int, doc: str) -> Any:
    """A read-only descriptor for item *index* of the tuple."""
    if _tuplegetter_c is not None:
        return _tuplegetter_c(index, doc)
    return property(
        lambda self: _tuple_getitem(self, index), doc=doc
    )  # pragma: no cover


# The default of a field that has none: attrs' own, for what reads the fields
# through attrs (``field.default is attrs.NOTHING``).
_NOTHING: Any = attrs.NOTHING


class _FieldSpec:
    """What :func:`field` records until the class is built."""

    __slots__ = ("alias", "default", "eq", "repr")

    def __init__(self, default: Any, alias: str | None, eq: bool, repr: bool) -> None:  # noqa: A002
        self.default = default
        self.alias = alias
        self.eq = eq
        self.repr = repr


def field(
    *,
    default: Any = _NOTHING,
    alias: str | None = None,
    eq: bool = True,
    repr: bool = True,  # noqa: A002 - attrs' and dataclasses' name
) -> Any:
    """Declare a field with options: its keyword ``alias``, and whether it takes
    part in ``==`` and ``repr`` (what backs a lazy view takes part in neither).

    A field with a leading underscore needs an alias, as in attrs.
    """
    return _FieldSpec(default, alias, eq, repr)


def _is_class_var(annotation: object) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or getattr(annotation, "__origin__", None) is ClassVar


def _refuse(name: str, what: str) -> Any:
    """A method *name* that refuses a tuple operation, as a plain object would."""

    def refused(self: Any, *args: Any) -> Any:
        raise TypeError(f"{type(self).__name__!r} object {what}")

    refused.__name__ = refused.__qualname__ = name
    refused.__doc__ = f"Refused: an event {what}."
    return refused


class _Hidden:
    """A tuple method (``count``, ``index``) hidden from events' attributes."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        cls = owner if instance is None else type(instance)
        raise AttributeError(
            f"{getattr(cls, '__name__', cls)!r} object has no attribute {self.name!r}"
        )


def _rebuild(cls: type[Any], values: tuple[Any, ...]) -> Any:
    """Unpickle (and copy) an event: its class and its tuple, as stored."""
    return _tuple_new(cls, values)


class _EventMeta(type):
    """Builds each event class's fields, constructor, ``==`` and repr."""

    def __new__(
        mcls,
        name: str,
        bases: tuple[type, ...],
        namespace: dict[str, Any],
        **kwargs: Any,
    ) -> _EventMeta:
        if "__slots__" in namespace and namespace["__slots__"] != ():
            raise TypeError(f"{name}: an event class takes no __slots__ of its own")
        namespace["__slots__"] = ()  # no __dict__: the tuple holds everything
        fields: dict[str, attrs.Attribute[Any]] = {}
        for base in reversed(bases):
            for inherited in getattr(base, "__attrs_attrs__", ()):
                fields[inherited.name] = inherited.evolve(inherited=True)
        for attr, annotation in namespace.get("__annotations__", {}).items():
            if _is_class_var(annotation):
                continue
            spec = namespace.pop(attr, _NOTHING)
            if not isinstance(spec, _FieldSpec):
                spec = _FieldSpec(spec, None, True, True)
            alias = spec.alias if spec.alias is not None else attr
            if not alias.isidentifier() or keyword.iskeyword(alias):
                raise TypeError(f"{name}.{attr}: alias {alias!r} is no identifier")
            if alias.startswith("_"):
                raise TypeError(f"{name}.{attr}: give a private field an alias")
            fields[attr] = attrs.Attribute(  # type: ignore[call-arg]
                name=attr,
                default=spec.default,
                validator=None,
                repr=spec.repr,
                cmp=None,
                hash=None,
                init=True,
                inherited=False,
                type=annotation,
                kw_only=True,
                eq=spec.eq,
                order=False,
                alias=alias,
            )
        declared = tuple(fields.values())
        layout = [f for f in declared if f.eq] + [f for f in declared if not f.eq]
        root = not any(isinstance(base, _EventMeta) for base in bases)
        if not root and ("__new__" in namespace or "__eq__" in namespace):
            raise TypeError(f"{name}: the machinery makes __new__ and __eq__")
        for position, record in enumerate(layout):
            namespace[record.name] = _tuplegetter(
                position, f"The event's {record.alias!r} field."
            )
        namespace["__new__"] = _constructor(name, namespace, declared, layout)
        namespace["__attrs_attrs__"] = _records_tuple(name, declared)
        namespace["__match_args__"] = ()
        namespace["_event_layout"] = tuple(record.name for record in layout)
        namespace["_event_public"] = slice(0, sum(1 for f in layout if f.eq))
        namespace["_event_repr"] = tuple(
            (record.name, position)
            for position, record in enumerate(layout)
            if record.repr
        )
        cls = super().__new__(mcls, name, bases, namespace, **kwargs)
        return cls


def _constructor(
    name: str,
    namespace: dict[str, Any],
    declared: tuple[attrs.Attribute[Any], ...],
    layout: list[attrs.Attribute[Any]],
) -> Any:
    """A keyword-only ``__new__`` that builds the tuple in its layout."""
    defaults = {
        f"_default_{record.alias}": record.default
        for record in declared
        if record.default is not _NOTHING
    }
    params = [
        f"{record.alias}"
        if record.default is _NOTHING
        else f"{record.alias}=_default_{record.alias}"
        for record in declared
    ]
    items = "".join(f"{record.alias}, " for record in layout)
    star = ", *, " + ", ".join(params) if params else ""
    source = f"def __new__(_cls{star}):\n    return _tuple_new(_cls, ({items}))\n"
    scope: dict[str, Any] = {"_tuple_new": _tuple_new, **defaults}
    exec(compile(source, f"<event class {name}>", "exec"), scope)
    function = scope["__new__"]
    function.__doc__ = f"Build a {name} from its fields, given by keyword."
    function.__qualname__ = f"{namespace.get('__qualname__', name)}.__new__"
    function.__module__ = namespace.get("__module__", __name__)
    code = function.__code__
    if hasattr(code, "co_qualname"):  # 3.11+: error messages name the class
        function.__code__ = code.replace(co_qualname=function.__qualname__)
    return staticmethod(function)


def _records_tuple(
    name: str, declared: tuple[attrs.Attribute[Any], ...]
) -> tuple[attrs.Attribute[Any], ...]:
    """The field records as attrs keeps them: a tuple also read by name."""
    getters = {
        record.name: _tuplegetter(i, f"The {record.name!r} field's record.")
        for i, record in enumerate(declared)
    }
    cls = type(f"{name}Attributes", (tuple,), {"__slots__": (), **getters})
    records: tuple[attrs.Attribute[Any], ...] = cls(declared)
    return records


if TYPE_CHECKING:

    @dataclass_transform(
        kw_only_default=True, frozen_default=True, field_specifiers=(field,)
    )
    class Event:
        """The base of sseparse's event classes (see the module docstring)."""

        # Unhashable, as list and dict are.
        __hash__: ClassVar[None]  # type: ignore[assignment]
        # attrs' protocol: attrs.fields(), attrs.evolve() ... accept events.
        __attrs_attrs__: ClassVar[tuple[attrs.Attribute[Any], ...]]

else:

    class Event(tuple, metaclass=_EventMeta):
        """The base of sseparse's event classes (see the module docstring)."""

        __hash__ = None

        def __eq__(self, other):
            if other.__class__ is self.__class__:
                public = self._event_public
                return _tuple_getitem(self, public) == _tuple_getitem(other, public)
            # Not NotImplemented for a tuple: Python would then ask the tuple,
            # which would compare the items and find a bare tuple equal.
            return False if isinstance(other, tuple) else NotImplemented

        def __ne__(self, other):
            equal = self.__eq__(other)
            return equal if equal is NotImplemented else not equal

        def __lt__(self, other):
            return NotImplemented

        __le__ = __gt__ = __ge__ = __lt__

        def __repr__(self):
            shown = ", ".join(
                f"{name}={_tuple_getitem(self, position)!r}"
                for name, position in self._event_repr
            )
            return f"{type(self).__qualname__}({shown})"

        def __bool__(self):
            return True

        def __setattr__(self, name, value):
            raise attrs.exceptions.FrozenInstanceError

        def __delattr__(self, name):
            raise attrs.exceptions.FrozenInstanceError

        def __reduce__(self):
            return _rebuild, (type(self), tuple(tuple.__iter__(self)))

        __len__ = _refuse("__len__", "has no len()")
        __iter__ = _refuse("__iter__", "is not iterable")
        __reversed__ = _refuse("__reversed__", "is not iterable")
        __getitem__ = _refuse("__getitem__", "is not subscriptable")
        __contains__ = _refuse("__contains__", "is not a container")
        __add__ = _refuse("__add__", "supports no + or *")
        __mul__ = _refuse("__mul__", "supports no + or *")
        __rmul__ = _refuse("__rmul__", "supports no + or *")
        count = _Hidden()
        index = _Hidden()


def tuple_maker(
    cls: type[_E], names: tuple[str, ...]
) -> Callable[[tuple[Any, ...]], _E]:
    """The C-level constructor of *cls*: it takes the field values as one tuple.

    For sseparse's hot paths only: nothing is checked, and the tuple must hold
    the fields in the class's layout, which *names* states (field names, e.g.
    ``_slot``, public fields first).  A layout that is not *names* fails here,
    at import, instead of building events with their fields crossed.

    Raises:
        ImportError: the class's layout is not *names*.
    """
    layout: tuple[str, ...] = cls._event_layout  # type: ignore[attr-defined]
    if layout != names:
        raise ImportError(f"{cls.__name__} fields are {layout}, expected {names}")
    # tuple.__new__ bound to the class: one C call, no Python frame.
    maker: Callable[[tuple[Any, ...]], _E] = types.MethodType(_tuple_new, cls)
    return maker
