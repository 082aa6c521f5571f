"""The chat accumulator's fast paths do exactly what its general path does.

``feed()`` takes the common chunk (the plan's top-level keys, one choice of
four keys whose delta is only some content text) inline, and ``_merge_chunk()``
has a fast path of its own for ``feed_chunk()``.  Both try the shape with
lookups that may fail on anything else, and a failed lookup must send the
chunk the general way with nothing changed.  Here every chunk that comes close
to that shape, after a prefix that made a plan, is fed to an accumulator with
the fast paths and to one without them (``_FAST_CONTENT`` off: the table's
general path alone); events, errors, snapshots and states must agree.
"""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse import Limits, ServerSentEvent, SseparseError
from sseparse.llm import ContentDelta, OpenAIChatAccumulator, _openai_chat

if TYPE_CHECKING:
    from collections.abc import Iterator

META = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "m",
}

# Top levels whose plans differ: one plain latest key (unrolled in feed()),
# none, two (the loop), and a usage key null in the plan.
HEADS: dict[str, dict[str, Any]] = {
    "fingerprint": {**META, "system_fingerprint": "fp_1"},
    "bare": dict(META),
    "tier": {**META, "service_tier": "default", "system_fingerprint": "fp_1"},
    "usage_null": {**META, "system_fingerprint": "fp_1", "usage": None},
}


def plain(text: Any = "a", index: Any = 0, **changes: Any) -> dict[str, Any]:
    """A choice in the shape of OpenAI's content chunks."""
    raw = {
        "index": index,
        "delta": {"content": text},
        "logprobs": None,
        "finish_reason": None,
    }
    raw.update(changes)
    return raw


def top(head: str, *choices: Any, **changes: Any) -> dict[str, Any]:
    out = {**HEADS[head], "choices": list(choices)}
    out.update(changes)
    return out


def prefix(head: str) -> list[Any]:
    """Chunks that leave a plan: the role, then two content chunks."""
    first = plain("")
    first["delta"] = {"role": "assistant", "content": ""}
    return [top(head, first), top(head, plain("He")), top(head, plain("llo"))]


def views(event: Any) -> Any:
    """An event's public fields and its lazy text view (what ``==`` leaves out)."""
    return (event, getattr(event, "snapshot", None))


def outcome(
    chunks: list[Any], *, fast: bool, via: str, limits: Limits | None = None
) -> list[Any]:
    """What feeding *chunks* one by one gives: events or the error, per chunk,
    then the state and the snapshot."""
    saved = _openai_chat._FAST_CONTENT
    _openai_chat._FAST_CONTENT = fast
    try:
        acc = OpenAIChatAccumulator(limits=limits)
        seen: list[Any] = []
        for payload in copy.deepcopy(chunks):
            try:
                if via == "feed":
                    data = payload if isinstance(payload, str) else json.dumps(payload)
                    events = acc.feed(ServerSentEvent(data=data))
                else:
                    events = acc.feed_chunk(payload)
            except SseparseError as exc:
                seen.append((type(exc), str(exc)))
                break
            seen.append([views(e) for e in events])
        seen.append(acc.state)
        seen.append(copy.deepcopy(acc.snapshot()))
        return seen
    finally:
        _openai_chat._FAST_CONTENT = saved


def assert_same(chunks: list[Any], limits: Limits | None = None) -> None:
    for via in ("feed", "feed_chunk"):
        if via == "feed_chunk" and not all(isinstance(c, dict) for c in chunks):
            continue
        got = outcome(chunks, fast=True, via=via, limits=limits)
        want = outcome(chunks, fast=False, via=via, limits=limits)
        assert got == want, via


def near_misses() -> Iterator[Any]:
    """(id, chunk) pairs: chunks that come close to the fast shape."""
    h = "fingerprint"
    keys = [*HEADS[h], "choices"]
    yield "a JSON array of the plan's keys", keys
    yield "a string", "choices"
    yield "a number", 7
    yield "null", None
    yield "choices null", top(h, choices=None)
    yield "choices an object of one 4-char key", top(h, choices={"abcd": 1})
    yield "choices a 1-char string", top(h, choices="x")
    yield "choices empty", top(h)
    yield "two choices", top(h, plain("x"), plain("y", 1))
    yield "choice a list of 4", top(h, [1, 2, 3, 4])
    yield "choice a 4-char string", top(h, "abcd")
    yield "choice with a finish", top(h, plain("x", finish_reason="stop"))
    yield "choice with logprobs", top(h, plain("x", logprobs={"content": []}))
    yield (
        "choice with message, not logprobs",
        top(
            h,
            {
                "index": 0,
                "delta": {"content": "x"},
                "message": {},
                "finish_reason": None,
            },
        ),
    )
    yield (
        "choice without index",
        top(
            h,
            {
                "delta": {"content": "x"},
                "logprobs": None,
                "finish_reason": None,
                "x": 1,
            },
        ),
    )
    yield "delta a string", top(h, plain(delta="abc"))
    yield "delta a list", top(h, plain(delta=["content"]))
    yield "delta null", top(h, plain(delta=None))
    yield (
        "delta with a role too",
        top(h, plain(delta={"content": "x", "role": "assistant"})),
    )
    yield "delta of a refusal", top(h, plain(delta={"refusal": "no"}))
    yield "content empty", top(h, plain(""))
    yield "content null", top(h, plain(None))
    yield "content a number", top(h, plain(5))
    yield "content a list of parts", top(h, plain([{"type": "text", "text": "x"}]))
    yield (
        "content an image part",
        top(h, plain([{"type": "image_url", "image_url": {"url": "data:,"}}])),
    )
    yield "index true", top(h, plain("x", True))
    yield "index 0.0", top(h, plain("x", 0.0))
    yield "index a string", top(h, plain("x", "0"))
    yield "index null", top(h, plain("x", None))
    yield "index a list", top(h, plain("x", [0]))
    yield "a new index", top(h, plain("x", 1))
    yield "a negative index", top(h, plain("x", -1))
    yield "fingerprint changed", top(h, plain("x"), system_fingerprint="fp_2")
    yield "fingerprint null", top(h, plain("x"), system_fingerprint=None)
    yield "id changed (set once)", top(h, plain("x"), id="other")
    yield "keys in another order", {"choices": [plain("x")], **HEADS[h]}
    yield "a key more", top(h, plain("x"), extra={"a": 1})
    yield "a key less", {k: v for k, v in top(h, plain("x")).items() if k != "id"}
    yield "an error", top(h, plain("x"), error={"message": "boom"})
    yield "usage", top(h, plain("x"), usage={"total_tokens": 3})


@pytest.mark.parametrize("head", list(HEADS))
@pytest.mark.parametrize(
    "chunk", [c for _, c in near_misses()], ids=[n for n, _ in near_misses()]
)
def test_a_near_miss_takes_the_general_way(head: str, chunk: Any) -> None:
    # The same plain chunk after it: whatever the near miss left must not
    # make the next fast chunk differ either.
    assert_same([*prefix(head), chunk, top(head, plain("!"))])


@pytest.mark.parametrize("head", list(HEADS))
def test_usage_that_was_null_in_the_plan(head: str) -> None:
    usage = {"total_tokens": 3}
    assert_same([*prefix(head), top(head, plain("x"), usage=usage)])
    assert_same([*prefix(head), top(head, plain("x"), usage=None)])


@pytest.mark.parametrize("size", [9, 10, 11])
def test_the_text_limit_at_its_boundary(size: int) -> None:
    # prefix() brings 5 characters; the plain chunk brings 5 more.
    chunks = [*prefix("fingerprint"), top("fingerprint", plain("abcde"))]
    assert_same(chunks, limits=Limits(max_text_chars=size))


def test_content_after_parts_extends_the_parts() -> None:
    image = {"type": "image_url", "image_url": {"url": "data:,"}}
    h = "fingerprint"
    assert_same([*prefix(h), top(h, plain([image])), top(h, plain("x"))])


def test_every_choice_index_keeps_its_own_text() -> None:
    h = "fingerprint"
    chunks = [*prefix(h), top(h, plain("x", 1)), top(h, plain("y", 1))]
    assert_same([*chunks, top(h, plain("z")), top(h, plain("w", 1))])


def test_json_content_is_parsed_on_the_fast_path() -> None:
    acc = OpenAIChatAccumulator(response_format={"type": "json_object"})
    h = "fingerprint"
    first = plain("")
    first["delta"] = {"role": "assistant", "content": ""}
    seen = []  # a parsed value is live: read when its event arrives
    for payload in [top(h, first), top(h, plain("[1, ")), top(h, plain("2]"))]:
        events = acc.feed(ServerSentEvent(data=json.dumps(payload)))
        seen += [
            (e.delta, e.snapshot, copy.deepcopy(e.parsed))
            for e in events
            if isinstance(e, ContentDelta)
        ]
    assert seen == [("[1, ", "[1, ", [1]), ("2]", "[1, 2]", [1, 2])]


# Values from which the property test builds chunks close to the fast shape.
VALUES = st.sampled_from(
    [None, True, False, 0, 1, 0.0, -1, "", "x", "abcd", [], [1, 2, 3, 4], {}, {"a": 1}]
)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    head = draw(st.sampled_from(list(HEADS)))
    chunk = top(head, plain(draw(st.sampled_from(["x", "yz", "é"]))))
    raw = chunk["choices"][0]
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["top", "choices", "raw", "delta", "drop"]))
        value = copy.deepcopy(draw(VALUES))  # sampled values are shared
        if where == "top":
            key = draw(st.sampled_from([*HEADS[head], "usage", "extra", "error"]))
            chunk[key] = value
        elif where == "choices":
            chunk["choices"] = value
        elif where == "raw":
            raw[
                draw(st.sampled_from(["index", "delta", "logprobs", "finish_reason"]))
            ] = value
        elif where == "delta" and isinstance(raw.get("delta"), dict):
            raw["delta"][draw(st.sampled_from(["content", "role", "refusal"]))] = value
        else:
            owner = draw(st.sampled_from([chunk, raw]))
            if owner:
                del owner[draw(st.sampled_from(sorted(owner)))]
    return head, chunk


@given(mutated())
def test_any_chunk_near_the_fast_shape_is_merged_as_the_table_says(
    case: tuple[str, Any],
) -> None:
    head, chunk = case
    assert_same([*prefix(head), chunk, top(head, plain("!"))])
