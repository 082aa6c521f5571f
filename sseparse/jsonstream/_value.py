"""The ``MISSING`` sentinel: no value has begun yet."""

from __future__ import annotations

import enum

__all__ = ["MISSING", "Missing"]


class Missing(enum.Enum):
    """The type of :data:`MISSING` (an enum, so ``Literal[Missing.MISSING]`` types)."""

    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


#: What ``JSONStreamParser.snapshot()`` returns before any value has begun.
MISSING = Missing.MISSING
