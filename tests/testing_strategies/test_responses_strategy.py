"""Self-tests of ``sseparse.testing.openai_responses_streams``.

The strategy is an oracle for the Responses accumulator, so it is checked on
its own, against the wire it draws and not against any accumulator:

1. The wire is well formed: the SSE body decodes to one event per payload,
   named after the payload's ``type`` or data-only; ``sequence_number`` counts
   0, 1, 2, ...; the lifecycle events come first and the terminal one last;
   each item is added once before any event of it and done once after all of
   them, with the item's id on each; each part is opened (``content_part``
   or ``reasoning_summary_part.added``) before its deltas, unless the quirk
   left that out, and its ``.done`` events follow its last delta.
2. ``expected`` agrees with the wire, read here by a fold written for this
   test: each part's text is its deltas joined and its ``.done`` text; the
   annotations and logprobs are those sent; arguments, input and code are
   their deltas joined (and JSON where they should be); each final item is
   its ``output_item.done`` item; ``expected`` is the terminal ``response``
   with ``output`` the final items, ``expected_snapshot`` the last lifecycle
   ``response`` with them.
3. ``openai``'s own models accept ``expected``, ``expected_snapshot`` and
   every payload of a known type (``ResponseStreamEvent``).
4. The options do what they say, and every feature can be drawn.
"""

from __future__ import annotations

import json
import typing
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument
from openai.types.responses import Response, ResponseStreamEvent

from sseparse import SSEDecoder
from sseparse.testing import (
    RESPONSES_ITEM_TYPES,
    RESPONSES_TERMINALS,
    ResponsesStream,
    openai_responses_streams,
)
from sseparse.testing._responses import _Wire
from tests.helpers import unseen_features

SDK_ITEM_TYPES = tuple(t for t in RESPONSES_ITEM_TYPES if t != "unknown")
_LIFECYCLE = ("response.created", "response.queued", "response.in_progress")
_TERMINAL = ("response.completed", "response.incomplete")
# Delta event stem -> (the done event's field, the item's field).
_CALL_STEMS = {
    "function_call": "function_call_arguments",
    "custom_tool_call": "custom_tool_call_input",
    "mcp_call": "mcp_call_arguments",
    "code_interpreter_call": "code_interpreter_call_code",
}
_CALL_FIELDS = {
    "function_call": "arguments",
    "custom_tool_call": "input",
    "mcp_call": "arguments",
    "code_interpreter_call": "code",
}
# openai's model of each event type.
_EVENTS: dict[str, Any] = {
    typing.get_args(cls.model_fields["type"].annotation)[0]: cls
    for cls in typing.get_args(typing.get_args(ResponseStreamEvent)[0])
}


def known(payload: dict[str, Any]) -> bool:
    """Whether a payload is of a type the strategy means (not ``response.x_``)."""
    return not str(payload["type"]).startswith("response.x_")


def of_item(stream: ResponsesStream, index: int) -> list[dict[str, Any]]:
    return [p for p in stream.payloads if p.get("output_index") == index]


# -- 1. and 2. -----------------------------------------------------------------


@given(openai_responses_streams())
def test_the_wire_is_well_formed_and_adds_up_to_expected(
    stream: ResponsesStream,
) -> None:
    check_sse(stream)
    check_grammar(stream)
    for item in stream.items:
        check_item(stream, item.index)
    check_response(stream)
    # Without the disagreements option every done text is its deltas joined.
    assert stream.corrections == ()
    for item in stream.items:
        assert item.accumulated == item.arguments
        assert all(part.accumulated == part.text for part in item.parts)


@given(openai_responses_streams(interleave=True))
def test_interleaved_items_are_well_formed_too(stream: ResponsesStream) -> None:
    check_grammar(stream)
    for item in stream.items:
        check_item(stream, item.index)


@given(openai_responses_streams(disagreements=True))
def test_disagreements_are_listed_as_corrections(stream: ResponsesStream) -> None:
    check_grammar(stream)
    for item in stream.items:
        check_item(stream, item.index)
    check_response(stream)
    check_corrections(stream)


def check_corrections(stream: ResponsesStream) -> None:
    """``corrections`` lists each final text that is not its deltas joined."""
    want = []
    for item in stream.items:
        final = item.final
        for part in item.parts:
            group = "summary" if part.kind == "summary_text" else "content"
            field = "refusal" if part.kind == "refusal" else "text"
            said = final[group][part.position][field]
            if part.accumulated and part.accumulated != said:
                path = f"output[{item.index}].{group}[{part.position}].{field}"
                want.append((path, part.accumulated, said))
        if item.accumulated:
            field = _CALL_FIELDS[item.type]
            if item.accumulated != final[field]:
                path = f"output[{item.index}].{field}"
                want.append((path, item.accumulated, final[field]))
    got = [
        (c["path"], c["accumulated"], c["authoritative"]) for c in stream.corrections
    ]
    assert got == want


def check_sse(stream: ResponsesStream) -> None:
    for named in (True, False):
        decoder = SSEDecoder()
        items = decoder.feed(stream.to_sse(named=named)) + decoder.close()
        assert items == stream.to_events(named=named)
        assert [item.json() for item in items] == stream.payloads
        names = {item.event for item in items}
        if named:
            assert [i.event for i in items] == [p["type"] for p in stream.payloads]
        else:
            assert names == {"message"}
    assert stream.to_events() == stream.to_events(named=stream.named)


def check_grammar(stream: ResponsesStream) -> None:
    payloads = stream.payloads
    numbers = [p["sequence_number"] for p in payloads]
    assert numbers == list(range(len(payloads)))
    types = [p["type"] for p in payloads]
    assert types[0] == "response.created"
    assert types[-1] == f"response.{stream.terminal}"
    assert sum(t in _TERMINAL for t in types) == 1
    lifecycle = [t for t in types if t in _LIFECYCLE]
    assert lifecycle in (
        ["response.created", "response.in_progress"],
        ["response.created", "response.queued", "response.in_progress"],
    )
    # No item event before the lifecycle is over (unknown events aside).
    last_lifecycle = max(at for at, t in enumerate(types) if t in _LIFECYCLE)
    first_item = min(at for at, p in enumerate(payloads) if "output_index" in p)
    assert last_lifecycle < first_item
    assert {p["type"] for p in payloads if not known(p)} <= {
        t for t in types if t.startswith("response.x_")
    }
    assert all(0 < at < len(types) - 1 for at, p in enumerate(payloads) if not known(p))

    added: set[int] = set()
    done: set[int] = set()
    ids = {item.index: item.id for item in stream.items}
    open_parts: set[tuple[int, str, int]] = set()
    closed_parts: set[tuple[int, str, int]] = set()
    for payload in payloads:
        kind = payload["type"]
        if "output_index" not in payload:
            continue
        index = payload["output_index"]
        if kind == "response.output_item.added":
            assert index not in added
            added.add(index)
            continue
        assert index in added, f"event of item {index} before it was added"
        assert index not in done, f"event of item {index} after it was done"
        if kind == "response.output_item.done":
            done.add(index)
            continue
        assert payload["item_id"] == ids[index]
        if "content_index" in payload or "summary_index" in payload:
            axis = "summary" if "summary_index" in payload else "content"
            key = (index, axis, payload[f"{axis}_index"])
            assert key not in closed_parts, f"event after its part was done: {kind}"
            if kind.endswith("_part.added"):
                assert key not in open_parts
                open_parts.add(key)
            elif kind.endswith("_part.done"):
                closed_parts.add(key)
            else:
                implicit = any(
                    p.implicit
                    for p in stream.items[index].parts
                    if (p.kind == "summary_text") == (axis == "summary")
                    and p.index == key[2]
                )
                # A missing content_part.added is the quirk, never a mistake.
                assert key in open_parts or implicit, (
                    f"delta of an unopened part: {kind}"
                )
    assert added == done == set(ids)
    assert all(key in closed_parts for key in open_parts)


def check_item(stream: ResponsesStream, index: int) -> None:
    """One item's events, folded here, agree with the drawn item."""
    item = stream.items[index]
    events = of_item(stream, index)
    final = item.final
    assert item.index == index
    assert events[0] == {
        "type": "response.output_item.added",
        "output_index": index,
        "item": item.added,
        "sequence_number": events[0]["sequence_number"],
    }
    assert events[-1]["type"] == "response.output_item.done"
    assert events[-1]["item"] == final == stream.expected["output"][index]
    assert final["id"] == item.added["id"] == item.id
    assert final["type"] == item.added["type"] == item.type
    body = events[1:-1]
    kinds = [e["type"] for e in body]

    texts: dict[tuple[str, int], list[str]] = {}
    dones: dict[tuple[str, int], list[str]] = {}
    parts_done: dict[tuple[str, int], list[dict[str, Any]]] = {}
    annotations: dict[int, list[dict[str, Any]]] = {}
    logprobs: dict[int, list[dict[str, Any]]] = {}
    for event in body:
        kind = event["type"]
        if kind in ("response.output_text.delta", "response.refusal.delta"):
            key = (kind.split(".")[1], event["content_index"])
            texts.setdefault(key, []).append(event["delta"])
            logprobs.setdefault(key[1], []).extend(event.get("logprobs", []))
        elif kind == "response.reasoning_text.delta":
            texts.setdefault(("reasoning_text", event["content_index"]), []).append(
                event["delta"]
            )
        elif kind == "response.reasoning_summary_text.delta":
            texts.setdefault(("summary_text", event["summary_index"]), []).append(
                event["delta"]
            )
        elif kind == "response.output_text.done":
            dones.setdefault(("output_text", event["content_index"]), []).append(
                event["text"]
            )
            assert event["logprobs"] == logprobs.get(event["content_index"], [])
        elif kind == "response.refusal.done":
            dones.setdefault(("refusal", event["content_index"]), []).append(
                event["refusal"]
            )
        elif kind == "response.reasoning_text.done":
            key = ("reasoning_text", event["content_index"])
            dones.setdefault(key, []).append(event["text"])
        elif kind == "response.reasoning_summary_text.done":
            key = ("summary_text", event["summary_index"])
            dones.setdefault(key, []).append(event["text"])
        elif kind == "response.output_text.annotation.added":
            sent = annotations.setdefault(event["content_index"], [])
            assert event["annotation_index"] == len(sent)
            sent.append(event["annotation"])
        elif kind in (
            "response.content_part.done",
            "response.reasoning_summary_part.done",
        ):
            axis = "summary_index" if "summary_index" in event else "content_index"
            key = (event["part"]["type"], event[axis])
            parts_done.setdefault(key, []).append(event["part"])

    if item.type == "message":
        content = final["content"]
        assert [p.kind for p in item.parts] == [c["type"] for c in content]
        numbers = [part.index for part in item.parts]
        # In order, one apart; from 0 unless the quirk moved them up.
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
        for position, part in enumerate(item.parts):
            assert part.position == position
            key = (part.kind, part.index)
            field = "refusal" if part.kind == "refusal" else "text"
            assert "".join(texts.get(key, [])) == part.accumulated
            assert part.text == content[position][field]
            assert list(part.deltas) == texts.get(key, [])
            assert dones[key] == [part.text]
            assert parts_done[key] == [content[position]] == [part.final]
            if part.kind == "output_text":
                assert (
                    content[position]["annotations"]
                    == annotations.get(part.index, [])
                    == list(part.annotations)
                )
                assert (
                    content[position]["logprobs"]
                    == logprobs.get(part.index, [])
                    == list(part.logprobs)
                )
        assert len(parts_done) == len(content)
    elif item.type == "reasoning":
        summary = final["summary"]
        content = final.get("content", [])
        for part in item.parts:
            key = (part.kind, part.index)
            where = summary if part.kind == "summary_text" else content
            text = where[part.position]["text"]
            assert "".join(texts.get(key, [])) == part.accumulated
            assert part.text == text
            assert dones[key] == [part.text]
            assert parts_done[key] == [where[part.position]] == [part.final]
            if part.kind == "summary_text":
                assert part.index == part.position
        assert len(parts_done) == len(summary) + len(content)
        assert {k for k, _ in parts_done} <= {"summary_text", "reasoning_text"}
    else:
        assert not texts
        assert not parts_done

    if item.type in _CALL_STEMS:
        stem, field = _CALL_STEMS[item.type], _CALL_FIELDS[item.type]
        fragments = [e["delta"] for e in body if e["type"] == f"response.{stem}.delta"]
        assert "".join(fragments) == item.accumulated
        assert item.arguments == final[field]
        assert list(item.fragments) == fragments
        ends = [e for e in body if e["type"] == f"response.{stem}.done"]
        assert [e[field] for e in ends] == [final[field]]
        assert item.added[field] == ""
        if item.type in ("function_call", "mcp_call"):
            assert isinstance(json.loads(final[field]), dict)
    else:
        assert item.arguments is None
        assert not item.fragments

    statuses = [
        k
        for k in kinds
        if k.startswith(f"response.{item.type}.") and not k.endswith("partial_image")
    ]
    assert statuses == list(item.statuses)
    if item.statuses:
        assert statuses[0].endswith(".in_progress")
        assert statuses[-1].endswith(".completed")
        assert final["status"] == "completed"
        assert kinds[0] == statuses[0]
        assert kinds[-1] == statuses[-1]
    images = [e for e in body if e["type"].endswith(".partial_image")]
    assert images == list(item.partial_images)
    assert [e["partial_image_index"] for e in images] == list(range(len(images)))
    for event in body:
        if "delta" in event:
            assert isinstance(event["delta"], str)


def check_response(stream: ResponsesStream) -> None:
    payloads = stream.payloads
    ending = payloads[-1]["response"]
    lifecycle = [p["response"] for p in payloads if p["type"] in _LIFECYCLE]
    finals = [item.final for item in stream.items]
    assert stream.expected == {**ending, "output": finals}
    assert stream.expected_snapshot == {**lifecycle[-1], "output": finals}
    assert ending["output"] in (finals, None, [])
    assert ending["status"] == stream.terminal
    assert lifecycle[-1]["status"] == "in_progress"
    assert all(r["output"] == [] for r in lifecycle)
    assert lifecycle[0]["status"] in ("queued", "in_progress")
    assert (lifecycle[0]["status"] == "queued") is lifecycle[0]["background"]
    if stream.terminal == "incomplete":
        assert ending["incomplete_details"]["reason"] in (
            "max_output_tokens",
            "content_filter",
        )
    else:
        assert ending["incomplete_details"] is None
        assert ending["completed_at"] >= ending["created_at"]
    usage = stream.expected["usage"]
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    # Everything but status, output, usage and the end's fields as created.
    ended = ("status", "output", "usage", "service_tier", "incomplete_details")
    for key, value in lifecycle[0].items():
        if key not in ended:
            assert stream.expected[key] == value, key


# -- 3. the SDK's models -------------------------------------------------------


@given(openai_responses_streams(item_types=SDK_ITEM_TYPES, unknown_events=False))
def test_openai_models_accept_expected_and_every_payload(
    stream: ResponsesStream,
) -> None:
    response = Response.model_validate(stream.expected)
    assert len(response.output) == len(stream.items)
    assert response.status == stream.terminal
    Response.model_validate(stream.expected_snapshot)
    for payload in stream.payloads:
        if payload["type"] in _TERMINAL and payload["response"]["output"] is None:
            continue  # the quirk: openai's model wants a list
        _EVENTS[payload["type"]].model_validate(payload)


# -- 4. options and reach ------------------------------------------------------


@given(
    openai_responses_streams(
        item_types=("reasoning", "function_call"),
        terminals=("incomplete",),
        quirks=False,
        unknown_events=False,
    )
)
def test_options_restrict_the_draw(stream: ResponsesStream) -> None:
    assert {item.type for item in stream.items} <= {"reasoning", "function_call"}
    assert stream.terminal == "incomplete"
    assert all(known(p) for p in stream.payloads)
    assert stream.payloads[-1]["response"]["output"] == stream.expected["output"]
    parts = [part for item in stream.items for part in item.parts]
    assert not any(part.implicit for part in parts)
    assert all(part.index == part.position for part in parts)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"item_types": ()},
        {"item_types": ("message", "audio")},
        {"terminals": ()},
        {"terminals": ("failed",)},
    ],
)
def test_bad_options_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument, match="expects a non-empty"):
        openai_responses_streams(**kwargs)


def _has_item(stream: ResponsesStream, kind: str) -> bool:
    return any(
        item.type == kind or (kind == "unknown" and item.type.startswith("x_"))
        for item in stream.items
    )


def _parts(stream: ResponsesStream) -> list[Any]:
    return [part for item in stream.items for part in item.parts]


def _payload_types(stream: ResponsesStream) -> set[str]:
    return {p["type"] for p in stream.payloads}


_FEATURES: dict[str, Any] = {
    **{
        f"item:{kind}": (lambda s, kind=kind: _has_item(s, kind))
        for kind in RESPONSES_ITEM_TYPES
    },
    **{
        f"terminal:{kind}": (lambda s, kind=kind: s.terminal == kind)
        for kind in RESPONSES_TERMINALS
    },
    **{
        f"part:{kind}": (lambda s, kind=kind: any(p.kind == kind for p in _parts(s)))
        for kind in ("output_text", "refusal", "summary_text", "reasoning_text")
    },
    "queued": lambda s: "response.queued" in _payload_types(s),
    "unknown event": lambda s: not all(known(p) for p in s.payloads),
    "data-only": lambda s: not s.named,
    "ensure_ascii": lambda s: s.ensure_ascii,
    "non-ASCII text": lambda s: any(not p.text.isascii() for p in _parts(s)),
    "empty delta": lambda s: any("" in p.deltas for p in _parts(s)),
    "many deltas": lambda s: any(len(p.deltas) > 3 for p in _parts(s)),
    "empty fragment": lambda s: any("" in i.fragments for i in s.items),
    "annotations": lambda s: any(p.annotations for p in _parts(s)),
    "logprobs": lambda s: any(p.logprobs for p in _parts(s)),
    "two parts": lambda s: any(
        item.type == "message" and len(item.parts) == 2 for item in s.items
    ),
    "obfuscation": lambda s: any("obfuscation" in p for p in s.payloads),
    "output null": lambda s: s.payloads[-1]["response"]["output"] is None,
    "output []": lambda s: s.payloads[-1]["response"]["output"] == [] and bool(s.items),
    "implicit part": lambda s: any(p.implicit for p in _parts(s)),
    "content_index from above 0": lambda s: any(
        p.index != p.position for p in _parts(s)
    ),
    "partial image": lambda s: any(i.partial_images for i in s.items),
    "encrypted reasoning": lambda s: any(
        "encrypted_content" in i.final for i in s.items
    ),
    "unknown response key": lambda s: any(key.startswith("x_") for key in s.expected),
}


def _corrected(kind: str) -> Any:
    return lambda stream: any(
        c["path"].rsplit(".", 1)[1] == kind for c in stream.corrections
    )


def test_disagreements_are_drawn_when_asked_for_every_kind_of_text() -> None:
    """(``test_the_wire_is_well_formed_...`` checks there are none unasked.)"""
    kinds = ("text", "refusal", "arguments", "input", "code")
    features = {kind: _corrected(kind) for kind in kinds}
    assert unseen_features(openai_responses_streams(disagreements=True), features) == []


def test_a_disagreement_at_a_moved_content_index_names_the_list_position(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A correction's path uses the part's place in the list, not its wire number.

    Both the quirk (``content_index`` not starting at 0) and a disagreement
    are rare draws, and their meeting in one part rarer still: CI once ran
    300 derandomized draws without one.  So this test makes both certain
    (every part moved, every ``.done`` disagreeing) instead of hoping for them,
    and needs only some part with a non-empty text among its draws.
    """
    monkeypatch.setattr(_Wire, "first_content_index", lambda self: 3)
    monkeypatch.setattr(
        _Wire,
        "authoritative",
        lambda self, sent, *, json_text=False: (
            '{"corrected": ' + sent + "}" if json_text else sent + "!"
        ),
    )
    moved_and_corrected = 0

    @settings(max_examples=50, derandomize=True, database=None)
    @given(openai_responses_streams(disagreements=True, item_types=("message",)))
    def draw(stream: ResponsesStream) -> None:
        nonlocal moved_and_corrected
        check_corrections(stream)
        for item in stream.items:
            for part in item.parts:
                assert part.index == part.position + 3
                if part.accumulated:
                    moved_and_corrected += 1

    draw()
    assert moved_and_corrected > 0


def test_every_feature_is_drawn() -> None:
    """Within a few hundred draws, or a search of a few thousand for a rare one."""
    assert unseen_features(openai_responses_streams(), _FEATURES) == []
