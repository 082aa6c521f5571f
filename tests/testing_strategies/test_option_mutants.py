"""The up-front option checks of ``sseparse.testing``'s strategies, to the edge.

``test_options.py`` shows that a clearly bad option is refused; these tests pin
each check down where a one-character slip would go unseen (each was written
against a mutant of the library that survived the other tests):

1. Every int option accepts its lowest allowed value and refuses the one below
   it, and refuses a float or a bool even of an allowed value; ``event_streams``
   accepts ``min_size == max_size``.
2. Every bool option of every strategy is refused when it is not a bool, by the
   strategy called (not by one it delegates to).
3. The name-list options refuse a string, bytes, a non-iterable, a non-string
   item and (when restricted) an unknown name.
4. ``chunkings`` takes each bytes-like type; the error message shows the value
   and its type, cut at 60 characters.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Set
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from sseparse.testing import (
    ANTHROPIC_BLOCK_TYPES,
    HOSTILE_KINDS,
    RESPONSES_ITEM_TYPES,
    RESPONSES_TERMINALS,
    anthropic_message_streams,
    chunkings,
    comments,
    event_streams,
    events,
    hostile_streams,
    json_deltas,
    json_texts,
    json_values,
    openai_chat_streams,
    openai_responses_streams,
    split_text,
    sse_bytes,
)
from sseparse.testing._check import check_choices, check_int

Strategy = Callable[..., st.SearchStrategy[Any]]

# The public strategies and the positional argument each needs.
STRATEGIES: list[tuple[Strategy, tuple[Any, ...]]] = [
    (events, ()),
    (comments, ()),
    (event_streams, ()),
    (chunkings, (b"data: x\n\n",)),
    (sse_bytes, ()),
    (json_values, ()),
    (json_texts, ()),
    (split_text, ("ab",)),
    (json_deltas, ("[1]",)),
    (openai_chat_streams, ()),
    (anthropic_message_streams, ()),
    (openai_responses_streams, ()),
    (hostile_streams, ()),
]


def _options(strategy: Strategy, kind: type) -> list[str]:
    """The keyword-only options of *strategy* whose default is a *kind*."""
    return [
        p.name
        for p in inspect.signature(strategy).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
        and type(p.default) is kind  # bool is not an int here
    ]


def _refusal(strategy: Strategy, args: tuple[Any, ...], **kwargs: Any) -> str:
    """The message of the ``InvalidArgument`` that the call raises."""
    with pytest.raises(InvalidArgument) as info:
        strategy(*args, **kwargs)
    return str(info.value)


# -- 1. int options: the lowest value allowed ------------------------------------

# (strategy, positional args, option, lowest value allowed with the defaults)
LOWEST: list[tuple[Strategy, tuple[Any, ...], str, int]] = [
    (events, (), "max_text_size", 1),  # an event type has >= 1 character
    (comments, (), "max_text_size", 0),
    (event_streams, (), "min_size", 0),
    (event_streams, (), "max_size", 0),  # >= min_size, 0 by default
    (event_streams, (), "max_text_size", 1),  # as for events()
    (chunkings, (b"x",), "max_random_cuts", 0),
    (sse_bytes, (), "max_blocks", 0),
    (json_values, (), "max_leaves", 1),
    (json_texts, (), "max_leaves", 1),
    (split_text, ("ab",), "max_random_cuts", 0),
    (json_deltas, ("[1]",), "max_random_cuts", 0),
    (openai_chat_streams, (), "max_choices", 1),
    (openai_chat_streams, (), "max_tool_calls", 0),
    (openai_chat_streams, (), "max_text_size", 0),
    (openai_chat_streams, (), "max_argument_leaves", 1),
    (anthropic_message_streams, (), "max_blocks", 0),
    (anthropic_message_streams, (), "max_text_size", 0),
    (anthropic_message_streams, (), "max_input_leaves", 1),
    (openai_responses_streams, (), "max_items", 1),
    (openai_responses_streams, (), "max_text_size", 0),
    (openai_responses_streams, (), "max_input_leaves", 1),
    (hostile_streams, (), "max_line_bytes", 16),
    (hostile_streams, (), "max_event_chars", 16),
    (hostile_streams, (), "max_retry_digits", 1),
    (hostile_streams, (), "max_json_depth", 1),
    (hostile_streams, (), "max_events", 1),
    (hostile_streams, (), "max_total_bytes", 1024),
]
LOWEST_IDS = [f"{s.__name__}-{option}" for s, _, option, _ in LOWEST]


@pytest.mark.parametrize(
    ("strategy", "args", "option", "lowest"), LOWEST, ids=LOWEST_IDS
)
def test_the_lowest_value_is_accepted(
    strategy: Strategy, args: tuple[Any, ...], option: str, lowest: int
) -> None:
    """Guards the bound against a ``<`` turned ``<=`` or a ``low`` raised by one."""
    assert isinstance(strategy(*args, **{option: lowest}), st.SearchStrategy)


@pytest.mark.parametrize(
    ("strategy", "args", "option", "lowest"), LOWEST, ids=LOWEST_IDS
)
def test_one_below_the_lowest_value_is_refused(
    strategy: Strategy, args: tuple[Any, ...], option: str, lowest: int
) -> None:
    """Guards the bound against a ``low`` lowered by one, and says it is the
    called strategy's option (``event_streams`` does not leave it to
    ``events``, nor a negative ``min_size`` to ``st.lists`` at draw time)."""
    message = _refusal(strategy, args, **{option: lowest - 1})
    # event_streams' max_size is bounded by min_size (0 by default)
    bound = f"min_size ({lowest})" if option == "max_size" else str(lowest)
    assert message == (
        f"{strategy.__name__}({option}=...) expects an int >= {bound}, "
        f"got {lowest - 1} (int)"
    )


@pytest.mark.parametrize(
    ("strategy", "args", "option", "lowest"), LOWEST, ids=LOWEST_IDS
)
@pytest.mark.parametrize("value", [float, bool], ids=["float", "bool"])
def test_an_int_option_refuses_a_float_or_a_bool(
    strategy: Strategy,
    args: tuple[Any, ...],
    option: str,
    lowest: int,
    value: type,
) -> None:
    """Guards the type check: ``float(n)`` and ``True`` are not ints, even when
    ``n`` (or 1) would be in range."""
    wrong = value(max(lowest, 1))
    message = _refusal(strategy, args, **{option: wrong})
    assert message.startswith(f"{strategy.__name__}({option}=...) expects an int")
    assert message.endswith(f"got {wrong!r} ({value.__name__})")


@pytest.mark.parametrize("size", [0, 3])
def test_event_streams_accepts_min_size_equal_to_max_size(size: int) -> None:
    """Guards the cross-option rule ``min_size <= max_size`` against ``<``."""
    assert isinstance(event_streams(min_size=size, max_size=size), st.SearchStrategy)


def test_event_streams_refuses_max_size_below_min_size() -> None:
    """The cross-option rule names the bound that ``min_size`` sets."""
    message = _refusal(event_streams, (), min_size=4, max_size=3)
    assert message == (
        "event_streams(max_size=...) expects an int >= min_size (4), got 3 (int)"
    )


def test_check_int_upper_bound() -> None:
    """Guards ``check_int``'s ``high`` (no public strategy passes one yet)."""
    assert check_int("f", "o", 5, low=0, high=5) == 5
    with pytest.raises(
        InvalidArgument,
        match=r"^f\(o=\.\.\.\) expects an int in \[0, 5\], got 6 \(int\)$",
    ):
        check_int("f", "o", 6, low=0, high=5)


# -- 2. bool options ---------------------------------------------------------------

BOOLS = [
    (strategy, args, option)
    for strategy, args in STRATEGIES
    for option in _options(strategy, bool)
]


def test_bool_options_are_found() -> None:
    """The introspection below finds the bool options (a sanity check)."""
    assert len(BOOLS) >= 40
    assert (event_streams, (), "tricky_text") in BOOLS


@pytest.mark.parametrize(
    ("strategy", "args", "option"),
    BOOLS,
    ids=[f"{s.__name__}-{option}" for s, _, option in BOOLS],
)
@pytest.mark.parametrize("value", [1, None], ids=["1", "None"])
def test_every_bool_option_refuses_a_non_bool(
    strategy: Strategy, args: tuple[Any, ...], option: str, value: object
) -> None:
    """Guards each bool option's check (none dropped, none left to a strategy
    that it delegates to, as ``event_streams`` does to ``events``)."""
    message = _refusal(strategy, args, **{option: value})
    assert message == (
        f"{strategy.__name__}({option}=...) expects True or False, "
        f"got {value!r} ({type(value).__name__})"
    )


# -- 3. name-list options ---------------------------------------------------------

# (strategy, option, the names allowed or None for any string, one valid name)
CHOICES: list[tuple[Strategy, str, tuple[str, ...] | None, str]] = [
    (openai_chat_streams, "finish_reasons", None, "stop"),
    (anthropic_message_streams, "block_types", ANTHROPIC_BLOCK_TYPES, "text"),
    (anthropic_message_streams, "stop_reasons", None, "end_turn"),
    (openai_responses_streams, "item_types", RESPONSES_ITEM_TYPES, "message"),
    (openai_responses_streams, "terminals", RESPONSES_TERMINALS, "completed"),
    (hostile_streams, "kinds", HOSTILE_KINDS, "boms"),
]
CHOICE_IDS = [f"{s.__name__}-{option}" for s, option, _, _ in CHOICES]


@pytest.mark.parametrize(
    ("listed", "kind"),
    [
        ({(s.__name__, option) for s, _, option, _ in LOWEST}, int),
        ({(s.__name__, option) for s, option, _, _ in CHOICES}, tuple),
    ],
    ids=["int-LOWEST", "name-list-CHOICES"],
)
def test_every_option_of_a_kind_is_in_its_table(
    listed: set[tuple[str, str]], kind: type
) -> None:
    """LOWEST covers every int option, CHOICES every option whose default is a
    tuple of names: a new option must be added to its table."""
    options = {
        (s.__name__, option) for s, _ in STRATEGIES for option in _options(s, kind)
    }
    assert listed == options


def _expects(allowed: tuple[str, ...] | None) -> str:
    if allowed is None:
        return "a non-empty sequence of str"
    return f"a non-empty subset of {allowed!r}"


@pytest.mark.parametrize(
    ("strategy", "option", "allowed", "name"), CHOICES, ids=CHOICE_IDS
)
def test_a_name_list_refuses_a_string_or_bytes(
    strategy: Strategy, option: str, allowed: tuple[str, ...] | None, name: str
) -> None:
    """Guards the ``isinstance(value, (str, bytes))`` check: a lone name is not
    taken as its characters, nor bytes as their ints (the value is shown as
    given)."""
    for value in (name, name.encode()):
        message = _refusal(strategy, (), **{option: value})
        assert message.startswith(
            f"{strategy.__name__}({option}=...) expects {_expects(allowed)}, "
            f"got {value!r} ({type(value).__name__})"
        )


@pytest.mark.parametrize(
    ("strategy", "option", "allowed", "name"), CHOICES, ids=CHOICE_IDS
)
def test_a_name_list_refuses_a_non_iterable(
    strategy: Strategy, option: str, allowed: tuple[str, ...] | None, name: str
) -> None:
    """Guards the ``__iter__`` check: ``InvalidArgument``, not a ``TypeError``."""
    message = _refusal(strategy, (), **{option: 5})
    assert message == (
        f"{strategy.__name__}({option}=...) expects {_expects(allowed)}, got 5 (int)"
    )


@pytest.mark.parametrize(
    ("strategy", "option", "allowed", "name"), CHOICES, ids=CHOICE_IDS
)
def test_a_name_list_refuses_a_non_string_item(
    strategy: Strategy, option: str, allowed: tuple[str, ...] | None, name: str
) -> None:
    """Guards the every-item-a-str check, also where any name is allowed."""
    message = _refusal(strategy, (), **{option: [name, 1]})
    assert message.startswith(f"{strategy.__name__}({option}=...) expects")
    assert message.endswith(f"got ({name!r}, 1) (tuple)")


@pytest.mark.parametrize(
    ("strategy", "option", "allowed", "name"), CHOICES, ids=CHOICE_IDS
)
def test_a_name_list_takes_names_as_allowed(
    strategy: Strategy, option: str, allowed: tuple[str, ...] | None, name: str
) -> None:
    """All the allowed names, a list and repeats are accepted; an unknown name
    only where any name is allowed."""
    if allowed is not None:
        assert isinstance(strategy(**{option: allowed}), st.SearchStrategy)
    for value in ([name], (name, name)):
        assert isinstance(strategy(**{option: value}), st.SearchStrategy)
    if allowed is None:
        assert isinstance(strategy(**{option: ["x_custom"]}), st.SearchStrategy)
    else:
        message = _refusal(strategy, (), **{option: [name, "x_custom"]})
        assert f"expects {_expects(allowed)}" in message


# -- 4. positional data and the message --------------------------------------------


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_chunkings_takes_any_bytes_like_data(kind: Callable[[bytes], Any]) -> None:
    """Guards the type check of ``chunkings(data)`` against dropping a type."""
    assert isinstance(chunkings(kind(b"data: x\n\n")), st.SearchStrategy)


def test_the_message_shows_the_value_and_its_type() -> None:
    """Guards the message: the value's repr in full up to 60 characters, then
    cut with an ellipsis, and its type's name."""
    short = "x" * 58  # its repr has 60 characters
    assert _refusal(events, (), max_text_size=short) == (
        f"events(max_text_size=...) expects an int >= 1, got {short!r} (str)"
    )
    long = "x" * 59
    assert _refusal(events, (), max_text_size=long) == (
        f"events(max_text_size=...) expects an int >= 1, got {long!r:.60}… (str)"
    )


@pytest.mark.parametrize("names", [{"c", "a", "b"}, frozenset({"b", "c", "a"})])
def test_a_set_of_names_comes_sorted(names: Set[str]) -> None:
    """A set's own order is the hash order, which PYTHONHASHSEED changes from
    run to run: the same seed must draw the same, so sets are sorted."""
    assert check_choices("w", "o", names) == ("a", "b", "c")
    assert check_choices("w", "o", ["c", "a", "b"]) == ("c", "a", "b")  # kept
