"""Up-front checks of the strategies' options.

Every public strategy checks its options when it is called, not when a value is
drawn, and raises hypothesis' :class:`~hypothesis.errors.InvalidArgument` (as
hypothesis' own strategies do) with the strategy, the option, what it expects and
what came: ``hostile_streams(max_events=...) expects an int >= 1, got 0 (int)``.
"""

from __future__ import annotations

from collections.abc import Set
from typing import TYPE_CHECKING

from hypothesis.errors import InvalidArgument

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["check_bool", "check_choices", "check_int"]


def _fail(where: str, option: str, expected: str, value: object) -> InvalidArgument:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:60] + "…"
    return InvalidArgument(
        f"{where}({option}=...) expects {expected}, got {shown} "
        f"({type(value).__name__})"
    )


def check_int(
    where: str,
    option: str,
    value: object,
    *,
    low: int,
    high: int | None = None,
    low_from: str = "",
) -> int:
    """*value*, if it is an int (not a bool) in ``[low, high]``; else raise.

    *low_from* names the option that set *low*, for the message.
    """
    bound = f"{low_from} ({low})" if low_from else str(low)
    expected = f"an int >= {bound}" if high is None else f"an int in [{low}, {high}]"
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or value < low
        or (high is not None and value > high)
    ):
        raise _fail(where, option, expected, value)
    return value


def check_bool(where: str, option: str, value: object) -> bool:
    """*value*, if it is a bool; else raise."""
    if not isinstance(value, bool):
        raise _fail(where, option, "True or False", value)
    return value


def check_choices(
    where: str,
    option: str,
    value: Iterable[str] | object,
    allowed: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """*value* as a tuple, if it is a non-empty collection of strings (from
    *allowed* when given, no repeats needed); else raise.

    A set's items come sorted: its own order is the hash order, which changes
    from run to run, and a strategy must draw the same from the same seed.
    """
    if allowed is None:
        expected = "a non-empty sequence of str"
    else:
        expected = f"a non-empty subset of {tuple(allowed)!r}"
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise _fail(where, option, expected, value)
    items = tuple(value)
    if (
        not items
        or not all(isinstance(item, str) for item in items)
        or (allowed is not None and not set(items) <= set(allowed))
    ):
        raise _fail(where, option, expected, items)
    return tuple(sorted(items)) if isinstance(value, Set) else items
