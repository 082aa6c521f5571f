"""Merge policies: how a field's fragments add up, one table per protocol.

Theory of operation
-------------------
A streamed response arrives as fragments of one object; each field of it has
one rule for combining its fragments, named by :class:`Merge`.  The rules of a
protocol live in one declarative table (:data:`OPENAI_CHAT` for Chat
Completions): for each *scope* (a kind of object on the wire: the chunk, a
choice, a delta, a tool call, ...) the policy of each known field and the
policy of every other field.  The accumulators read these tables instead of
hard-coding rules in if/elif chains, the docs quote them (see
:func:`render`), and the tests iterate them, so that a field cannot be added
without a test of its rule.

The rules, and why (each one a real bug in a popular SDK):

* ``CONCAT``: text (content, refusal, reasoning, arguments, audio data and
  transcript) is joined fragment by fragment, in linear time.  Only text: a
  string under any other key is never concatenated, because an id or a name
  repeated by a later fragment would otherwise become ``"call_1call_1"``.
  Under the ``object`` scope a CONCAT key holding a non-string falls back to
  ``MERGE``.
* ``SET_ONCE``: ids, names, types, roles and formats: the first non-empty
  value sent wins.  A later fragment that re-sends the field, even with
  another value, changes nothing: the openai SDK concatenated re-sent ids,
  other accumulators let the last fragment's id win, and either one breaks
  the call's identity.  An empty value (``""``, ``0``: Azure's filter chunks
  send ``"id": ""`` and ``"created": 0``) stands in only until a non-empty
  one comes, and so does a default the snapshot shows before any value came
  (role ``"assistant"``, tool type ``"function"``).
* ``LATEST_NON_NULL``: metadata (usage, fingerprints, filter results, finish
  reasons, signatures): each non-null value replaces the previous one whole
  (providers send cumulative usage, and re-send signatures whole); ``null``
  keeps what came before.  Numbers are never added.
* ``APPEND``: list fields of known meaning (logprob entries) are extended.
* ``MERGE``: every field the table does not name (a provider's extension):
  an object merges key by key under the ``object`` scope, a list is extended,
  anything else is ``LATEST_NON_NULL``.  Latest rather than first: a scalar a
  provider sends again with another value is an update (a status, a counter,
  an expiry), and the same rule then holds at every level, chunk and choice
  included; an unknown *string* is never concatenated, for the reason given
  under ``CONCAT``.
* ``OBJECT``: a nested object merged by its own scope (``Table.inner`` names
  it); ``KEYED``: a list of entries keyed by their wire ``index`` (choices,
  tool calls, reasoning details), each entry merged by its own scope;
  ``SKIP``: not accumulated (the entry's own key, a per-chunk value, a value
  derived from the rest, or the error that ends the stream).

A ``null`` under a key the object does not have yet adds the key with
``None`` (unknown fields are kept, never dropped); it never removes a value.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "OPENAI_CHAT",
    "Merge",
    "Table",
    "render",
    "set_once",
]


class Merge(enum.Enum):
    """How the fragments of one field add up (see the module docstring)."""

    CONCAT = "concat"
    SET_ONCE = "set once"
    LATEST_NON_NULL = "latest non-null"
    APPEND = "append"
    MERGE = "merge"
    OBJECT = "object"
    KEYED = "keyed"
    SKIP = "skip"


CONCAT = Merge.CONCAT
SET_ONCE = Merge.SET_ONCE
LATEST_NON_NULL = Merge.LATEST_NON_NULL
APPEND = Merge.APPEND
MERGE = Merge.MERGE
OBJECT = Merge.OBJECT
KEYED = Merge.KEYED
SKIP = Merge.SKIP


@attrs.frozen
class Table:
    """The merge policies of one scope (one kind of wire object).

    Attributes:
        fields: the policy of each known field.
        default: the policy of every other field.
        inner: for ``OBJECT`` and ``KEYED`` fields, the scope their objects
            merge by.
    """

    fields: Mapping[str, Merge]
    default: Merge
    inner: Mapping[str, str] = attrs.field(factory=dict)


# Chat Completions (``chat.completion.chunk`` in, ``chat.completion`` out).
OPENAI_CHAT: Mapping[str, Table] = {
    "chunk": Table(
        {
            "id": SET_ONCE,
            "created": SET_ONCE,
            "model": SET_ONCE,
            "object": SKIP,  # the final's is "chat.completion"
            "obfuscation": SKIP,  # per-chunk padding
            "error": SKIP,  # ends the stream: StreamError
            "usage": LATEST_NON_NULL,
            "x_groq": LATEST_NON_NULL,  # its "usage" is the usage too
            "choices": KEYED,
        },
        LATEST_NON_NULL,  # system_fingerprint, service_tier, prompt_filter_results
        {"choices": "choice"},
    ),
    "choice": Table(
        {
            "index": SKIP,  # the key
            "message": SKIP,  # a repeat of the whole message: built from deltas
            "delta": OBJECT,
            "logprobs": OBJECT,
            "finish_reason": LATEST_NON_NULL,
        },
        LATEST_NON_NULL,  # content_filter_results, stop_reason, ...
        {"delta": "delta", "logprobs": "logprobs"},
    ),
    "delta": Table(
        {
            "content": CONCAT,  # or a list of parts
            "refusal": CONCAT,
            "reasoning_content": CONCAT,
            "reasoning": CONCAT,
            "role": SET_ONCE,
            "tool_calls": KEYED,
            "function_call": OBJECT,
            "reasoning_details": KEYED,
        },
        MERGE,  # audio, annotations, provider extensions
        {
            "tool_calls": "tool_call",
            "function_call": "function",
            "reasoning_details": "object",
        },
    ),
    "tool_call": Table(
        {
            "index": SKIP,  # the key
            "id": SET_ONCE,
            "type": SET_ONCE,
            "function": OBJECT,
        },
        MERGE,
        {"function": "function"},
    ),
    "function": Table({"name": SET_ONCE, "arguments": CONCAT}, MERGE),
    "logprobs": Table({"content": APPEND, "refusal": APPEND}, MERGE),
    # Objects inside other fields: reasoning_details entries, audio, extensions.
    "object": Table(
        {
            "text": CONCAT,
            "summary": CONCAT,
            "data": CONCAT,
            "transcript": CONCAT,
            "id": SET_ONCE,
            "type": SET_ONCE,
            "name": SET_ONCE,
            "format": SET_ONCE,
            "signature": LATEST_NON_NULL,
        },
        MERGE,
    ),
}


def set_once(
    target: dict[str, Any], key: str, value: Any, unset: set[str] | None = None
) -> None:
    """``SET_ONCE``: the first non-empty value sent wins.

    An empty value (``""``, ``0``) stands in only until a non-empty one comes;
    ``None`` only adds a missing key.

    Args:
        target: the object being accumulated.
        key: the field.
        value: this fragment's value.
        unset: keys of *target* that hold a default, not a value sent.
    """
    old = target.get(key)
    if value:
        if not old or (unset is not None and key in unset):
            target[key] = value
            if unset:
                unset.discard(key)
    elif old is None and (value is not None or key not in target):
        target[key] = value


def render(tables: Mapping[str, Table]) -> str:
    """The table as text, one ``scope.field  policy`` line each (for docs).

    Returns:
        Lines in table order; ``scope.*`` is the scope's default.
    """
    lines = []
    for scope, table in tables.items():
        rows = [*table.fields.items(), ("*", table.default)]
        for key, policy in rows:
            name = f"{scope}.{key}"
            inner = table.inner.get(key)
            text = policy.name + (f" ({inner})" if inner else "")
            lines.append(f"{name:<26} {text}")
    return "\n".join(lines)
