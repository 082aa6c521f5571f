"""What mypy users get: targets generic over their type, typed views and results.

The ``assert_type`` lines are checked by ``mypy tests`` (.ci/run); at run time
they only return their argument.  The docstring examples of the package run
here too, so that they stay true.
"""

from __future__ import annotations

import doctest
from typing import Any

from typing_extensions import assert_type

from sseparse.jsonstream import JSONStreamParser
from sseparse.structured import (
    FieldStatus,
    Partial,
    PartialTracker,
    Target,
    _partial,
)
from tests.structured.models import DOC, ORDER_SCHEMA, Order, POrder, TOrder


def test_targets_are_generic_over_their_type() -> None:
    order = Target.of(Order)
    assert_type(order, Target[Order])
    assert_type(order.validate(DOC), Order)
    assert_type(Target.of(POrder).validate(DOC), POrder)
    assert_type(Target.of(TOrder).validate(DOC), TOrder)
    assert_type(Target.of(ORDER_SCHEMA), Target[Any])
    assert_type(Target.of(list[int]).validate([1]), list[int])


def test_views_are_typed() -> None:
    parser = JSONStreamParser()
    tracker = Target.of(Order).partial(parser)
    assert_type(tracker, PartialTracker[Order])
    assert_type(tracker.view, Partial[Order])
    assert_type(tracker.view.status, FieldStatus)
    parser.feed('{"id": 1,')
    tracker.update()
    assert tracker.view.is_final("id")
    if tracker.view.is_final():
        assert_type(tracker.view.final, Order)


def test_the_docstring_examples_hold() -> None:
    result = doctest.testmod(_partial)
    assert result.attempted > 5
    assert result.failed == 0
