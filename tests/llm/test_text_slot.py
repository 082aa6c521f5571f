"""TextSlot: the joined text, its place in the snapshot, and its cost per read.

``text()`` grows the joined text in place while nothing else holds it (see the
theory of operation of ``sseparse/llm/_text.py``), the live snapshot's
reference included.  These tests check what it returns and leaves behind (a
string a caller kept never changes), and count the work of a consumer that
reads the text after every fragment through every view at once: an event's
lazy ``snapshot`` and the accumulator's ``snapshot()``.  Counted work, not
time (see tests/_work.py): 16 times the fragments cost about 16 times the work
when each read costs O(fragment), about 256 times when it copies the text.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse import JSONStreamError, ServerSentEvent, UsageError
from sseparse.limits import DEFAULT_LIMITS
from sseparse.llm import (
    ContentDelta,
    OpenAIChatAccumulator,
    ReasoningDelta,
    RefusalDelta,
)
from sseparse.llm._text import TextSlot
from tests._work import assert_linear

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

# -- what text() returns and leaves behind -------------------------------------

# Each step: ("append", fragment), ("text", expected), ("refresh", expected in
# the owner), ("kept", index of a text() result kept earlier, its value then).
CASES: list[tuple[str, list[tuple[str, Any]]]] = [
    ("nothing appended", [("text", ""), ("refresh", "")]),
    ("one fragment", [("append", "ab"), ("text", "ab"), ("refresh", "ab")]),
    (
        "fragments joined in order",
        [("append", "a"), ("append", "b"), ("append", "c"), ("text", "abc")],
    ),
    (
        "read, append, read",
        [("append", "a"), ("text", "a"), ("append", "bc"), ("text", "abc")],
    ),
    (
        "the owner is written by refresh only, until text() grows what it holds",
        [
            ("append", "ab"),
            ("owner", None),  # not refreshed yet: the key is not there
            ("refresh", "ab"),
            ("append", "c"),
            ("owner", "ab"),  # appends alone change nothing in the owner
            ("text", "abc"),
            ("owner", "abc"),  # text() grew the owner's text: it has it back
            ("refresh", "abc"),
        ],
    ),
    (
        "an owner value that is not the slot's text is left alone",
        [
            ("append", "ab"),
            ("refresh", "ab"),
            ("set owner", "mine"),
            ("append", "c"),
            ("text", "abc"),
            ("owner", "mine"),
            ("refresh", "abc"),
        ],
    ),
    (
        "a text the caller kept never changes",
        [
            ("append", "ab"),
            ("text", "ab"),
            ("refresh", "ab"),
            ("append", "cd"),
            ("text", "abcd"),
            ("kept", (0, "ab")),
            ("append", "é"),  # a wider character kind: a copy
            ("text", "abcdé"),
            ("kept", (1, "abcd")),
            ("append", "€x"),
            ("text", "abcdé€x"),
            ("kept", (2, "abcdé")),
        ],
    ),
    (
        "prefix of the text so far",
        [("append", "abc"), ("append", "de"), ("prefix", (3, "abc"))],
    ),
]


@pytest.mark.parametrize(
    ("steps"), [steps for _, steps in CASES], ids=[name for name, _ in CASES]
)
def test_text_slot_steps(steps: list[tuple[str, Any]]) -> None:
    owner: dict[str, Any] = {}
    slot = TextSlot(owner, "text", DEFAULT_LIMITS, parsed=False)
    kept: list[str] = []
    for action, arg in steps:
        if action == "append":
            slot.append(arg)
        elif action == "text":
            got = slot.text()
            assert got == arg
            kept.append(got)
        elif action == "refresh":
            slot.refresh()
            assert owner["text"] == arg
        elif action == "owner":
            assert owner.get("text") == arg
        elif action == "set owner":
            owner["text"] = arg
        elif action == "kept":
            index, value = arg
            assert kept[index] == value
        else:
            assert action == "prefix"
            length, value = arg
            assert slot.prefix(length) == value


_FRAGMENTS = st.text(alphabet=st.sampled_from("ab\u00e9\u20ac\U0001f600"), max_size=4)
_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("append"), _FRAGMENTS),
        st.tuples(st.sampled_from(["text", "refresh", "keep snapshot"]), st.none()),
    ),
    max_size=40,
)


def _copy(text: str) -> str:
    """A new string object equal to *text* (slicing may return *text* itself)."""
    return "".join([*text])


@given(steps=_STEPS, with_owner=st.booleans())
def test_text_is_the_fragments_joined_and_kept_texts_stay(
    steps: list[tuple[str, Any]], with_owner: bool
) -> None:
    owner: dict[str, Any] | None = {} if with_owner else None
    slot = TextSlot(owner, "text", DEFAULT_LIMITS, parsed=False)
    joined = ""  # the model, built apart from the slot
    kept: list[tuple[str, str]] = []  # (a string we hold, a copy of its value)
    for action, fragment in steps:
        if action == "append":
            slot.append(fragment)
            joined = joined + fragment
        elif action == "text":
            text = slot.text()
            assert text == joined
            kept.append((text, _copy(text)))
        elif action == "refresh":
            slot.refresh()
            if owner is not None:
                assert owner["text"] == joined
        elif owner is not None and "text" in owner:
            kept.append((owner["text"], _copy(owner["text"])))
        for text, value in kept:
            assert text == value
    assert slot.text() == joined
    assert slot.length == len(joined)


# -- the JSON view: partial() after each fragment, early, late, after errors ----


def _partial(slot: TextSlot, length: int) -> Any:
    try:
        return copy.deepcopy(slot.partial(length))
    except (JSONStreamError, UsageError) as exc:
        return type(exc).__name__


# Each step: ("append", fragment) or ("partial", (length, expected value or the
# name of the error it raises)), or ("final", expected).
PARTIAL_CASES: list[tuple[str, list[tuple[str, Any]]]] = [
    (
        "read after each fragment",
        [
            ("append", '{"a": "x'),
            ("partial", (8, {"a": "x"})),
            ("append", 'y", "b'),
            ("partial", (14, {"a": "xy"})),
            ("append", '": [1]}'),
            ("partial", (21, {"a": "xy", "b": [1]})),
        ],
    ),
    (
        "the earlier end read after a fragment came: not fed it yet",
        [
            ("append", '{"a": "x'),
            ("partial", (8, {"a": "x"})),
            ("append", 'y"}'),
            ("partial", (8, {"a": "x"})),
            ("partial", (11, {"a": "xy"})),
            ("partial", (8, {"a": "x"})),  # late: parsed apart
        ],
    ),
    (
        "the first read after two fragments",
        [("append", "[1, "), ("append", "2, 3"), ("partial", (8, [1, 2]))],
    ),
    (
        "an error sticks, and later fragments are not fed",
        [
            ("append", '{"a": '),
            ("partial", (6, {})),
            ("append", "x"),
            ("partial", (7, "JSONStreamError")),
            ("append", "1}"),
            ("partial", (9, "JSONStreamError")),
        ],
    ),
    (
        "after the final value, the final value",
        [
            ("append", '{"a": 1}'),
            ("partial", (8, {"a": 1})),
            ("final", {"a": 1}),
            ("append", " "),  # no fragment comes after a final; nothing is fed
            ("partial", (9, {"a": 1})),
        ],
    ),
]


@pytest.mark.parametrize(
    "steps",
    [steps for _, steps in PARTIAL_CASES],
    ids=[name for name, _ in PARTIAL_CASES],
)
def test_partial_steps(steps: list[tuple[str, Any]]) -> None:
    slot = TextSlot(None, "input", DEFAULT_LIMITS)
    errors = []
    for action, arg in steps:
        if action == "append":
            slot.append(arg)
        elif action == "final":
            assert slot.final() == arg
        else:
            length, expected = arg
            assert _partial(slot, length) == expected
            if type(expected) is str:
                with pytest.raises(JSONStreamError) as caught:
                    slot.partial(length)
                errors.append(caught.value)
    assert all(error is errors[0] for error in errors)  # the same error again


# -- linear work when every view is read after every fragment --------------------


def _slot_steps(fragments: list[str]) -> Iterator[Callable[[], object]]:
    """A slot in a live dict: append, text(), then refresh, for each fragment.

    In this order the owner holds the text when ``text()`` grows it, and lets
    go of it only after: a copy there would be charged its whole length (a
    refresh first would free the old text before the copy, and ``tracemalloc``
    would see no growth of the peak).
    """
    owner: dict[str, Any] = {}
    slot = TextSlot(owner, "content", DEFAULT_LIMITS, parsed=False)

    def step(fragment: str) -> None:
        slot.append(fragment)
        slot.text()  # grows the text the snapshot holds
        slot.refresh()

    for fragment in fragments:
        yield functools.partial(step, fragment)


def _fragments(n: int, *, wide: bool) -> list[str]:
    """n 10-character fragments; with ``wide``, one in 13 has a non-ASCII one."""
    return [f"{i:08d}{'é' if wide and i % 13 == 5 else ' '} " for i in range(n)]


@pytest.mark.parametrize("wide", [False, True])
def test_text_read_with_the_owner_holding_it_is_linear(wide: bool) -> None:
    assert_linear(
        _slot_steps, _fragments(200, wide=wide), _fragments(16 * 200, wide=wide)
    )


def _chat(kind: str, n: int) -> list[dict[str, Any]]:
    """n chat chunks of 10-character text of one kind, then the finish."""
    field = {"content": "content", "refusal": "refusal", "reasoning": "reasoning"}
    base = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    chunks = [
        {
            **base,
            "choices": [
                {
                    "index": 0,
                    "delta": {field[kind]: f"{i:09d} "},
                    "logprobs": None,
                    "finish_reason": None,
                }
            ],
        }
        for i in range(n)
    ]
    end = {"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}
    return [*chunks, {**base, "choices": [end]}]


_SNAPSHOT_VIEWS = (ContentDelta, RefusalDelta, ReasoningDelta)


def _chat_step(acc: OpenAIChatAccumulator, item: Any, sse: bool) -> None:
    events = acc.feed(item) if sse else acc.feed_chunk(item)
    for event in events:
        if isinstance(event, _SNAPSHOT_VIEWS):
            event.snapshot  # noqa: B018 - the lazy view is the point
    acc.snapshot()


def _chat_steps(
    chunks: list[dict[str, Any]], *, sse: bool
) -> Iterator[Callable[[], object]]:
    """Each chunk fed (as an SSE event or a dict), then both views read."""
    acc = OpenAIChatAccumulator()
    items: list[Any] = (
        [ServerSentEvent(data=json.dumps(c)) for c in chunks]
        if sse
        else copy.deepcopy(chunks)
    )
    for item in items:
        yield functools.partial(_chat_step, acc, item, sse)
    yield acc.snapshot


@pytest.mark.parametrize("sse", [True, False], ids=["feed", "feed_chunk"])
@pytest.mark.parametrize("kind", ["content", "refusal", "reasoning"])
def test_chat_text_with_both_views_read_is_linear(kind: str, sse: bool) -> None:
    run = functools.partial(_chat_steps, sse=sse)
    assert_linear(run, _chat(kind, 200), _chat(kind, 16 * 200))
