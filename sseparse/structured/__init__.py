"""Layer 3: JSON values to typed objects, partial while they stream, final at the end.

Theory of operation
-------------------
``Target.of(tp)`` compiles a target once into a small tree of shape nodes (see
``_shapes``): an attrs class, a dataclass, a TypedDict, a pydantic v2 model (if
pydantic is installed; only ``_pydantic`` imports it), a supported type such as
``list[Item]``, or a JSON Schema dict.  The tree serves three uses:

* ``target.validate(value)`` takes a complete JSON value (``json.loads``'s) to
  the typed object, collecting every error; it raises the first
  :class:`~sseparse.errors.ValidationError` (path, expected, value) with all of
  them in ``errors``.  A pydantic model is validated by pydantic itself.
* ``target.partial(parser)`` follows a
  :class:`~sseparse.jsonstream.JSONStreamParser`: after each feed,
  ``tracker.update()`` settles the members that completed (each validated once,
  an invalid one reported at once with its path, never raised) and
  ``tracker.view`` is a :class:`Partial`: members by key, each with a
  :class:`FieldStatus` (absent, streaming, final, invalid), string prefixes
  shown while they stream, nested partials for open containers, typed values
  once final.  Views are monotone and reading one after every delta costs the
  depth of the open path plus each value once: linear over the stream.
* ``target.json_schema`` is the schema to send to a provider or compare with.

It knows no protocol and imports only ``jsonstream``, ``errors`` and ``limits``.

Why not cattrs: partial views must walk the parser's live tree member by member
as members complete, validate each once, and keep per-container state between
updates; a converter that structures a whole value at a time cannot do that, so
the walk (and its error paths) is ours, and the final validation reuses the same
walk so the two never disagree.  It also keeps attrs the only runtime
dependency.  cattrs would add nothing the walk does not already do for attrs
classes and dataclasses (construct from validated keyword arguments).

Supported types (Python targets; schema keywords in brackets):

==============================  ==================================================
type                            accepts (JSON) -> gives
==============================  ==================================================
``str`` [string]                a string
``int`` [integer]               an integer; never ``true``/``false`` or ``1.0``
``float`` [number]              an integer or a number -> ``float`` (a schema
                                keeps an integer an ``int``); not a boolean
``bool`` [boolean]              ``true`` / ``false``
``None`` [null]                 ``null``
``Literal[...]`` [const, enum]  one of the values, type-exact (``1`` is not ``true``)
``Enum`` subclasses             a member's value -> the member
``datetime`` [format date-time] an ISO 8601 string -> ``datetime`` (a schema
                                keeps the checked string)
``list[T]``, ``Sequence[T]``    an array [items, minItems, maxItems]
``tuple[A, B]``                 an array of exactly those items -> ``tuple``
                                [prefixItems, items: false]
``tuple[T, ...]``               an array -> ``tuple``
``dict[str, T]``, ``Mapping``   an object of ``T`` values [additionalProperties]
``A | B``, ``Optional[A]``      by JSON kind; objects by a ``Literal`` tag field
                                shared by all object members (discriminated),
                                else the first member that fits [anyOf, oneOf,
                                type lists, nullable]
attrs, dataclass                an object; missing fields with defaults get them
                                from the class; unknown properties are dropped
TypedDict                       an object -> ``dict``; ``total``, ``Required``,
                                ``NotRequired``
pydantic ``BaseModel``          ``model_validate`` (aliases, validators, all)
``Any``, ``object`` [true, {}]  any value as it is
schema objects                  [properties, required, additionalProperties:
                                false / schema / true (kept)], [$ref to ``#...``,
                                $defs], [allOf of one schema]
==============================  ==================================================

Other schema keywords (``minimum``, ``pattern``, ``minLength``, ...) are not
checked.  Names, strings and numbers follow JSON, as pydantic's strict mode does
for JSON input.
"""

from __future__ import annotations

from sseparse.errors import ValidationError
from sseparse.structured._partial import FieldStatus, Partial, PartialTracker
from sseparse.structured._target import Target

__all__ = [
    "FieldStatus",
    "Partial",
    "PartialTracker",
    "Target",
    "ValidationError",
]
