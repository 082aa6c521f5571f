"""The chat accumulator's merge policy: one table, each row tested.

``CONTRACT`` below is the policy written out by hand, independently of
:data:`sseparse.llm._merge.OPENAI_CHAT`: the table must equal it, and every row
of the table is exercised by a stream whose final value is computed from the
contract, not from the table.  A row flipped in the table, or a policy the code
stops reading from it, fails here; a row added to the table without a contract
entry (and so without a test) fails too.
"""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

import pytest

from sseparse import LimitExceeded, Limits, ServerSentEvent, StreamError
from sseparse.llm import AccumulatorState, OpenAIChatAccumulator, UsageUpdated
from sseparse.llm import _openai_chat as chat_module
from sseparse.llm._merge import OPENAI_CHAT, Merge, render, set_once

if TYPE_CHECKING:
    from collections.abc import Callable

CONCAT = Merge.CONCAT
SET_ONCE = Merge.SET_ONCE
LATEST = Merge.LATEST_NON_NULL
APPEND = Merge.APPEND
MERGE = Merge.MERGE
OBJECT = Merge.OBJECT
KEYED = Merge.KEYED
SKIP = Merge.SKIP

# scope -> ({field: policy}, default policy): the accumulation rules of the
# design (text concatenates; ids, names, types, roles, formats are set once;
# usage and metadata: latest non-null; unknown keys merge, scalars latest).
CONTRACT: dict[str, tuple[dict[str, Merge], Merge]] = {
    "chunk": (
        {
            "id": SET_ONCE,
            "created": SET_ONCE,
            "model": SET_ONCE,
            "object": SKIP,
            "obfuscation": SKIP,
            "error": SKIP,
            "usage": LATEST,
            "x_groq": LATEST,
            "choices": KEYED,
        },
        LATEST,
    ),
    "choice": (
        {
            "index": SKIP,
            "message": SKIP,
            "delta": OBJECT,
            "logprobs": OBJECT,
            "finish_reason": LATEST,
        },
        LATEST,
    ),
    "delta": (
        {
            "content": CONCAT,
            "refusal": CONCAT,
            "reasoning_content": CONCAT,
            "reasoning": CONCAT,
            "role": SET_ONCE,
            "tool_calls": KEYED,
            "function_call": OBJECT,
            "reasoning_details": KEYED,
        },
        MERGE,
    ),
    "tool_call": (
        {"index": SKIP, "id": SET_ONCE, "type": SET_ONCE, "function": OBJECT},
        MERGE,
    ),
    "function": ({"name": SET_ONCE, "arguments": CONCAT}, MERGE),
    "logprobs": ({"content": APPEND, "refusal": APPEND}, MERGE),
    "object": (
        {
            "text": CONCAT,
            "summary": CONCAT,
            "data": CONCAT,
            "transcript": CONCAT,
            "id": SET_ONCE,
            "type": SET_ONCE,
            "name": SET_ONCE,
            "format": SET_ONCE,
            "signature": LATEST,
        },
        MERGE,
    ),
}

UNKNOWN = "x_vendor"  # the key that stands for "every other field" ("*")
META = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1}


def rows() -> list[tuple[str, str]]:
    """Every (scope, field) row of the table, ``"*"`` for each default."""
    return [
        (scope, key)
        for scope, table in OPENAI_CHAT.items()
        for key in [*table.fields, "*"]
    ]


def contract_policy(scope: str, key: str) -> Merge:
    fields, default = CONTRACT[scope]
    return default if key == "*" else fields[key]


# -- the table itself --------------------------------------------------------------


def test_the_table_is_the_contract() -> None:
    table = {scope: (dict(t.fields), t.default) for scope, t in OPENAI_CHAT.items()}
    assert table == CONTRACT


def test_the_module_docstring_quotes_the_table() -> None:
    doc = chat_module.__doc__ or ""
    for line in render(OPENAI_CHAT).splitlines():
        assert line in doc, f"the theory of operation misses {line!r}"


# -- one stream per row ------------------------------------------------------------


def place(scope: str, key: str, value: Any) -> dict[str, Any]:
    """A chunk that sends *value* under *key* in an object of *scope*."""
    field = {key: value}
    if scope == "chunk":
        return {**META, "choices": [], **field}
    if scope == "choice":
        return {**META, "choices": [{"index": 0, "delta": {}, **field}]}
    if scope == "logprobs":
        return {**META, "choices": [{"index": 0, "delta": {}, "logprobs": field}]}
    if scope == "delta":
        delta = field
    elif scope == "tool_call":
        delta = {"tool_calls": [{"index": 0, **field}]}
    elif scope == "function":
        delta = {"tool_calls": [{"index": 0, "function": field}]}
    else:  # "object": an entry of reasoning_details
        delta = {"reasoning_details": [{"index": 0, **field}]}
    return {**META, "choices": [{"index": 0, "delta": delta}]}


def read(scope: str, key: str, final: dict[str, Any]) -> Any:
    """The final value of *key* in the object of *scope* that :func:`place` fed."""
    if scope == "chunk":
        return final[key]
    choice = final["choices"][0]
    message = choice["message"]
    if scope == "choice":
        return choice[key]
    if scope == "logprobs":
        return choice["logprobs"][key]
    if scope == "delta":
        return message[key]
    if scope == "tool_call":
        return message["tool_calls"][0][key]
    if scope == "function":
        return message["tool_calls"][0]["function"][key]
    return message["reasoning_details"][0][key]


# Two values per policy: the first and the last fragment (a null between them).
SAMPLES: dict[Merge, tuple[Any, Any]] = {
    CONCAT: ("ab", "cd"),
    SET_ONCE: ("first", "second"),
    LATEST: ({"a": 1, "b": [1]}, {"c": 2}),
    APPEND: ([{"token": "a"}], [{"token": "b"}]),
    MERGE: ({"a": 1, "b": [1], "s": "x"}, {"b": [2], "s": "y", "c": 3}),
}
# Fields whose type is checked: samples of their type.
TYPED_SAMPLES: dict[tuple[str, str], tuple[Any, Any]] = {
    ("choice", "finish_reason"): ("length", "stop"),
}


def merged(old: Any, new: Any) -> Any:
    """MERGE, written out: objects merge, lists extend, otherwise the latest."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = dict(old)
        for key, value in new.items():
            out[key] = merged(out[key], value) if key in out else value
        return out
    if isinstance(old, list) and isinstance(new, list):
        return old + new
    return new


def expected(policy: Merge, first: Any, last: Any) -> Any:
    if policy is SET_ONCE:
        return first
    if policy is LATEST:
        return last
    if policy is CONCAT or policy is APPEND:
        return first + last
    assert policy is MERGE
    return merged(first, last)


def feed_both_ways(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """Feed *chunks* as SSE events and as dicts; both finals must agree."""
    finals = []
    for as_events in (True, False):
        acc = OpenAIChatAccumulator()
        for payload in copy.deepcopy(chunks):
            if as_events:
                acc.feed(ServerSentEvent(data=json.dumps(payload)))
            else:
                acc.feed_chunk(payload)
        acc.feed(ServerSentEvent(data="[DONE]"))
        finals.append(copy.deepcopy(acc.close()))
    assert finals[0] == finals[1]
    return finals[0]


def check_special(scope: str, key: str) -> None:
    """Rows whose policy needs machinery of its own: one check each."""
    SPECIAL[(scope, key)]()


def _row_stream(scope: str, key: str) -> tuple[Merge, Any, Any]:
    policy = contract_policy(scope, key)
    first, last = TYPED_SAMPLES.get((scope, key), SAMPLES[policy])
    name = UNKNOWN if key == "*" else key
    chunks = [
        place(scope, name, first),
        place(scope, name, None),
        place(scope, name, last),
    ]
    final = feed_both_ways(chunks)
    return policy, read(scope, name, final), expected(policy, first, last)


@pytest.mark.parametrize(("scope", "key"), rows(), ids=lambda x: x)
def test_every_row_of_the_table_holds(scope: str, key: str) -> None:
    assert scope in CONTRACT, f"scope {scope!r} has no contract: add one"
    fields, _ = CONTRACT[scope]
    assert key == "*" or key in fields, f"{scope}.{key} has no contract: add one"
    if (scope, key) in SPECIAL:
        check_special(scope, key)
        return
    policy, got, want = _row_stream(scope, key)
    assert got == want, f"{scope}.{key} ({policy.name}): got {got!r}, want {want!r}"


def test_every_special_row_is_in_the_table() -> None:
    assert set(SPECIAL) <= set(rows())


# -- the rows with machinery of their own ------------------------------------------


def _chunk(*choices: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {**META, "choices": list(choices), **top}


def _delta(index: int = 0, **fields: Any) -> dict[str, Any]:
    return {"index": index, "delta": fields}


def _object_is_skipped() -> None:
    final = feed_both_ways([_chunk(_delta(content="a"), object="x")])
    assert final["object"] == "chat.completion"


def _obfuscation_is_skipped() -> None:
    final = feed_both_ways([_chunk(_delta(content="a"), obfuscation="pad")])
    assert "obfuscation" not in final


def _error_is_skipped() -> None:
    acc = OpenAIChatAccumulator()
    acc.feed_chunk(_chunk(_delta(content="a")))
    with pytest.raises(StreamError) as info:
        acc.feed_chunk({"error": {"message": "boom"}})
    assert "error" not in info.value.snapshot


def _choices_are_keyed() -> None:
    final = feed_both_ways(
        [
            _chunk(_delta(1, content="x"), _delta(0, content="a")),
            _chunk(_delta(0, content="b")),
        ]
    )
    assert [c["index"] for c in final["choices"]] == [0, 1]
    assert final["choices"][0]["message"]["content"] == "ab"


def _choice_index_is_the_key() -> None:
    final = feed_both_ways([_chunk(_delta(3, content="a")), _chunk(_delta(3))])
    assert [c["index"] for c in final["choices"]] == [3]


def _message_is_skipped() -> None:
    repeat = {**_delta(content="a"), "message": {"content": "other"}}
    final = feed_both_ways([_chunk(repeat)])
    assert final["choices"][0]["message"]["content"] == "a"


def _delta_is_an_object() -> None:
    final = feed_both_ways([_chunk(_delta(content="a")), _chunk(_delta(content="b"))])
    assert final["choices"][0]["message"]["content"] == "ab"


def _logprobs_is_an_object() -> None:
    entry = {"token": "t", "logprob": -1.0, "bytes": None, "top_logprobs": []}
    chunks = [
        _chunk({**_delta(content="a"), "logprobs": {"content": [entry]}}),
        _chunk({**_delta(content="b"), "logprobs": {"content": [entry]}}),
    ]
    logprobs = feed_both_ways(chunks)["choices"][0]["logprobs"]
    assert logprobs == {"content": [entry, entry], "refusal": None}


def _tool_calls_are_keyed() -> None:
    def call(index: int, arguments: str) -> dict[str, Any]:
        return {"index": index, "function": {"arguments": arguments}}

    final = feed_both_ways(
        [
            _chunk(_delta(tool_calls=[call(1, "{}"), call(0, "{")])),
            _chunk(_delta(tool_calls=[call(0, "}")])),
        ]
    )
    calls = final["choices"][0]["message"]["tool_calls"]
    assert [c["function"]["arguments"] for c in calls] == ["{}", "{}"]


def _function_call_is_an_object() -> None:
    final = feed_both_ways(
        [
            _chunk(_delta(function_call={"name": "f", "arguments": "{"})),
            _chunk(_delta(function_call={"name": "g", "arguments": "}"})),
        ]
    )
    message = final["choices"][0]["message"]
    assert message["function_call"] == {"name": "f", "arguments": "{}"}


def _reasoning_details_are_keyed() -> None:
    def detail(index: int, text: str) -> dict[str, Any]:
        return {"type": "reasoning.text", "index": index, "text": text}

    final = feed_both_ways(
        [
            _chunk(_delta(reasoning_details=[detail(0, "a"), detail(1, "x")])),
            _chunk(_delta(reasoning_details=[detail(0, "b")])),
        ]
    )
    details = final["choices"][0]["message"]["reasoning_details"]
    assert [d["text"] for d in details] == ["ab", "x"]


def _tool_index_is_the_key() -> None:
    call = {"index": 2, "id": "call_1", "function": {"arguments": "{}"}}
    final = feed_both_ways([_chunk(_delta(tool_calls=[call]))])
    (out,) = final["choices"][0]["message"]["tool_calls"]
    assert "index" not in out
    assert out["id"] == "call_1"


def _function_is_an_object() -> None:
    def call(arguments: str, name: str) -> dict[str, Any]:
        return {"index": 0, "function": {"name": name, "arguments": arguments}}

    final = feed_both_ways(
        [
            _chunk(_delta(tool_calls=[call("{", "f")])),
            _chunk(_delta(tool_calls=[call("}", "g")])),
        ]
    )
    (out,) = final["choices"][0]["message"]["tool_calls"]
    assert out["function"] == {"name": "f", "arguments": "{}"}


SPECIAL: dict[tuple[str, str], Callable[[], None]] = {
    ("chunk", "object"): _object_is_skipped,
    ("chunk", "obfuscation"): _obfuscation_is_skipped,
    ("chunk", "error"): _error_is_skipped,
    ("chunk", "choices"): _choices_are_keyed,
    ("choice", "index"): _choice_index_is_the_key,
    ("choice", "message"): _message_is_skipped,
    ("choice", "delta"): _delta_is_an_object,
    ("choice", "logprobs"): _logprobs_is_an_object,
    ("delta", "tool_calls"): _tool_calls_are_keyed,
    ("delta", "function_call"): _function_call_is_an_object,
    ("delta", "reasoning_details"): _reasoning_details_are_keyed,
    ("tool_call", "index"): _tool_index_is_the_key,
    ("tool_call", "function"): _function_is_an_object,
}


# -- the rules the issue found unguarded -------------------------------------------


def test_a_later_fragment_never_changes_a_tool_calls_id_or_type() -> None:
    first = {
        "index": 0,
        "id": "call_1",
        "type": "function",
        "function": {"name": "f", "arguments": "{"},
    }
    later = {
        "index": 0,
        "id": "call_2",
        "type": "custom",
        "function": {"name": "g", "arguments": "}"},
    }
    final = feed_both_ways(
        [_chunk(_delta(tool_calls=[first])), _chunk(_delta(tool_calls=[later]))]
    )
    (call,) = final["choices"][0]["message"]["tool_calls"]
    assert (call["id"], call["type"], call["function"]["name"]) == (
        "call_1",
        "function",
        "f",
    )


def test_usage_is_the_latest_non_null() -> None:
    usages = [{"total_tokens": n} for n in (1, 2, 3)]
    chunks = [
        _chunk(_delta(content="a"), usage=usages[0]),
        _chunk(_delta(content="b"), usage=None),
        _chunk(_delta(content="c"), usage=usages[1]),
        _chunk(usage=usages[2]),
        _chunk(usage=None),
    ]
    acc = OpenAIChatAccumulator()
    events = [e for chunk in chunks for e in acc.feed_chunk(chunk)]
    assert [e.usage for e in events if isinstance(e, UsageUpdated)] == usages
    assert acc.snapshot()["usage"] == usages[2]


def test_groq_usage_is_the_latest_non_null_too() -> None:
    chunks = [
        _chunk(_delta(content="a"), x_groq={"id": "req_1", "usage": {"n": 1}}),
        _chunk(_delta(content="b"), x_groq={"id": "req_1", "usage": {"n": 2}}),
    ]
    assert feed_both_ways(chunks)["usage"] == {"n": 2}


def test_unknown_scalars_are_the_latest_non_null_at_every_level() -> None:
    """One rule for unknown scalars: latest non-null, never first, never joined."""
    chunks = [
        _chunk(
            {**_delta(content="a", x_status="queued"), "x_state": "a"},
            x_top="a",
        ),
        _chunk({**_delta(content="b", x_status=None), "x_state": None}, x_top=None),
        _chunk(
            {
                **_delta(
                    content="c",
                    x_status="running",
                    tool_calls=[{"index": 0, "x_n": 1, "function": {"x_f": "a"}}],
                ),
                "x_state": "b",
            },
            x_top="b",
        ),
        _chunk(_delta(tool_calls=[{"index": 0, "x_n": 2, "function": {"x_f": "b"}}])),
    ]
    final = feed_both_ways(chunks)
    choice = final["choices"][0]
    message = choice["message"]
    call = message["tool_calls"][0]
    assert final["x_top"] == "b"
    assert choice["x_state"] == "b"
    assert message["x_status"] == "running"
    assert call["x_n"] == 2
    assert call["function"]["x_f"] == "b"


def test_an_unknown_null_keeps_the_key_and_never_erases_a_value() -> None:
    chunks = [
        _chunk(_delta(content="a", x_new=None)),
        _chunk(_delta(x_old="v")),
        _chunk(_delta(x_old=None)),
    ]
    message = feed_both_ways(chunks)["choices"][0]["message"]
    assert message["x_new"] is None
    assert message["x_old"] == "v"


@pytest.mark.parametrize(
    ("values", "want"),
    [
        (["", "call_1", "call_2"], "call_1"),  # "" stands in until a value comes
        ([0, 5, 6], 5),
        ([None, "a"], "a"),
        (["a", None, ""], "a"),
        ([""], ""),
        ([None], None),
    ],
)
def test_set_once_takes_the_first_non_empty_value(values: list[Any], want: Any) -> None:
    target: dict[str, Any] = {}
    for value in values:
        set_once(target, "k", value)
    assert target == {"k": want}


def test_set_once_replaces_a_default_once() -> None:
    target = {"role": "assistant"}
    unset = {"role"}
    set_once(target, "role", "tool", unset)
    set_once(target, "role", "user", unset)
    assert target == {"role": "tool"}
    assert not unset


def test_top_level_set_once_skips_azure_placeholders() -> None:
    azure = {"id": "", "object": "", "created": 0, "model": "", "choices": []}
    real = {**META, "model": "gpt-4o", "choices": [_delta(content="a")]}
    final = feed_both_ways([azure, real, {**real, "id": "other", "created": 2}])
    assert (final["id"], final["created"], final["model"]) == (
        "chatcmpl-1",
        1,
        "gpt-4o",
    )


# -- the fast path keeps every rule ------------------------------------------------


def _plain(text: str, index: int = 0) -> dict[str, Any]:
    """A choice in the shape the accumulator's fast path takes (OpenAI's)."""
    return {
        "index": index,
        "delta": {"content": text},
        "logprobs": None,
        "finish_reason": None,
    }


def test_plain_content_chunks_count_toward_the_text_limit() -> None:
    acc = OpenAIChatAccumulator(limits=Limits(max_text_chars=10))
    acc.feed_chunk(_chunk(_delta(role="assistant")))
    acc.feed_chunk(_chunk(_plain("abcdef")))
    with pytest.raises(LimitExceeded) as info:
        acc.feed_chunk(_chunk(_plain("ghijk")))
    assert info.value.observed == 11
    assert acc.state is AccumulatorState.ERROR


def test_plain_content_after_a_part_list_extends_the_parts() -> None:
    image = {"type": "image_url", "image_url": {"url": "data:,"}}
    final = feed_both_ways(
        [
            _chunk(_delta(role="assistant", content=[image])),
            _chunk(_plain("ab")),
            _chunk(_plain("cd")),
        ]
    )
    assert final["choices"][0]["message"]["content"] == [
        image,
        {"type": "text", "text": "abcd"},
    ]


def test_plain_content_of_a_new_choice_and_of_many_choices() -> None:
    final = feed_both_ways(
        [
            _chunk(_plain("a")),  # the first chunk of choice 0
            _chunk(_plain("x", 1)),  # a new choice
            _chunk(_plain("b"), _plain("y", 1)),  # two choices at once
            _chunk(_plain("c")),
        ]
    )
    assert [c["message"]["content"] for c in final["choices"]] == ["abc", "xy"]


def test_top_level_keys_are_merged_when_the_key_set_repeats() -> None:
    """The plan that skips repeated top-level keys keeps every rule."""
    head = {**META, "system_fingerprint": "fp_1", "usage": None}
    chunks = [
        {**head, "choices": [_plain("a")]},
        {**head, "choices": [_plain("b")]},  # planned: nothing but the text
        {**head, "system_fingerprint": "fp_2", "choices": [_plain("c")]},
        {**head, "system_fingerprint": None, "choices": [_plain("d")]},
        {**head, "usage": {"total_tokens": 3}, "choices": [_plain("e")]},
        {**head, "id": "other", "model": "m2", "choices": [_plain("f")]},
        {**head, "usage": None, "choices": []},
    ]
    acc = OpenAIChatAccumulator()
    seen = []  # (fingerprint, usage, id, model) after each chunk
    events = []
    for chunk in copy.deepcopy(chunks):
        events += acc.feed_chunk(chunk)
        out = acc.snapshot()
        seen.append((out["system_fingerprint"], out["usage"], out["id"], out["model"]))
    usage = {"total_tokens": 3}
    assert seen == [
        ("fp_1", None, "chatcmpl-1", None),
        ("fp_1", None, "chatcmpl-1", None),
        ("fp_2", None, "chatcmpl-1", None),
        ("fp_2", None, "chatcmpl-1", None),  # null: latest non-null stays
        ("fp_1", usage, "chatcmpl-1", None),
        ("fp_1", usage, "chatcmpl-1", "m2"),  # model: first non-empty
        ("fp_1", usage, "chatcmpl-1", "m2"),
    ]
    assert [e.usage for e in events if isinstance(e, UsageUpdated)] == [usage]
    final = acc.snapshot()
    assert final["choices"][0]["message"]["content"] == "abcdef"
    assert feed_both_ways(chunks) == final
