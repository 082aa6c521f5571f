"""The events a :class:`JSONStreamParser` reports with ``events=True``.

Each one names the path of the value it concerns, from the top-level value
(``()``) through object keys and array indices.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

__all__ = ["ContainerStarted", "JSONEvent", "StringDelta", "ValueDone"]


@attrs.frozen(kw_only=True)
class ContainerStarted:
    """An object or array opened at *path* (it is in the snapshot, empty)."""

    path: tuple[str | int, ...]
    kind: Literal["object", "array"]


@attrs.frozen(kw_only=True)
class StringDelta:
    """Decoded text was appended to the open string at *path*."""

    path: tuple[str | int, ...]
    delta: str


@attrs.frozen(kw_only=True)
class ValueDone:
    """The value at *path* is complete: a scalar, a string or a closed container.

    For a container, *value* is the parser's live object.
    """

    path: tuple[str | int, ...]
    value: Any


JSONEvent = ContainerStarted | StringDelta | ValueDone
