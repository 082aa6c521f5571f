"""The ``anthropic`` package's own stream accumulation as an oracle (issue 11).

``anthropic`` is pinned exactly in the ``test`` extra.  It is run here the way
``client.messages.stream()`` runs it: a ``Stream[RawMessageStreamEvent]`` over an
``httpx2.Response`` whose body is the stream's bytes (its own SSE decoder, its
``sse.json()`` and ``construct_type`` of every event), wrapped in a
``MessageStream``, which calls ``accumulate_event`` on each event; then
``get_final_message()``.  Its ``Message`` is compared in the wire shape:
``model_dump(exclude_unset=True)``, the fields it was sent or set.

1. Agreement, asserted.  On the recorded streams of ``tests/data/anthropic_messages``
   that anthropic handles right (``ANTHROPIC_AGREES``) and on generated streams
   (``sseparse.testing.anthropic_message_streams``) of the block kinds its
   ``Message`` knows, named events, ``message_start`` with usage, our final
   equals its ``Message``; on a stream with an ``error`` event both raise, with
   the same body.
2. Where it is wrong (``ANTHROPIC_WRONG``), information only: per stream, whether
   anthropic agrees with the golden and whether each documented bug still shows,
   printed at the end of the run; a bug that no longer shows (after a deliberate
   bump of the pin) is an ``OracleChanged`` warning, never a failure.  What we do
   on those same streams is asserted (``test_we_are_right_where_anthropic_is_not``).

How the two are compared (``wire_diffs``): type-exact (``1`` is not ``1.0`` or
``True``), key order ignored, except that a key one side lacks matches ``None`` on
the other (a pydantic field is ``None`` whether it was sent as ``null`` or not
at all, and ``accumulate_event`` sets ``stop_details`` from every
``message_delta``), and a ``datetime`` (``container.expires_at``, which the model
parses) matches the ISO 8601 text it was parsed from.
"""

from __future__ import annotations

import datetime
import functools
import importlib.metadata
import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import anthropic
import httpx2
import pytest
from anthropic._streaming import Stream
from anthropic.lib.streaming import MessageStream
from anthropic.types import RawMessageStreamEvent
from hypothesis import assume, given

from sseparse import IncompleteStream, SSEDecoder, StreamError
from sseparse.errors import UnexpectedEvent
from sseparse.llm import AnthropicMessagesAccumulator
from sseparse.testing import (
    ANTHROPIC_BLOCK_TYPES,
    AnthropicStream,
    anthropic_message_streams,
)

if TYPE_CHECKING:
    from collections.abc import Callable

DATA = Path(__file__).resolve().parent.parent / "data" / "anthropic_messages"
MANIFEST: dict[str, Any] = {
    name: row
    for name, row in json.loads((DATA / "manifest.json").read_text("utf-8")).items()
    if not name.startswith("_")
}
URL = "https://api.anthropic.com/v1/messages"


# --------------------------------------------------------------------------- #
# running each side
# --------------------------------------------------------------------------- #


@functools.cache
def _client() -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key="sk-ant-test", max_retries=0)


def anthropic_message(body: bytes) -> Any:
    """anthropic's final ``Message`` for the stream *body*, or what it raised."""
    response = httpx2.Response(
        200,
        content=body,
        headers={"content-type": "text/event-stream"},
        request=httpx2.Request("POST", URL),
    )
    raw: Any = Stream(
        # what messages.stream() gives its Stream (a union: mypy wants a type)
        cast_to=cast("Any", RawMessageStreamEvent),
        response=response,
        client=_client(),
    )
    stream = MessageStream(raw, output_format=anthropic.not_given)
    try:
        for _ in stream:
            pass
        return stream.get_final_message()
    except Exception as exc:  # anthropic's failure is the observation
        return exc


def anthropic_final(body: bytes) -> Any:
    """anthropic's final message as a wire-shaped dict, or what it raised."""
    message = anthropic_message(body)
    if isinstance(message, BaseException):
        return message
    with warnings.catch_warnings():
        # A block type its union does not know is built as some other block
        # model; pydantic then warns while dumping it (its values come out as
        # they were sent).  Its warning, not ours.
        warnings.simplefilter("ignore", UserWarning)
        dumped: dict[str, Any] = message.model_dump(exclude_unset=True)
    return dumped


def our_final(body: bytes) -> Any:
    """Our final message for *body* (decoded and fed event by event), or the
    exception ``feed()`` / ``close()`` raised."""
    decoder = SSEDecoder()
    acc = AnthropicMessagesAccumulator()
    try:
        for event in [*decoder.feed(body), *decoder.close()]:
            acc.feed(event)
        return acc.close()
    except (StreamError, IncompleteStream, UnexpectedEvent) as exc:
        return exc


# --------------------------------------------------------------------------- #
# comparing
# --------------------------------------------------------------------------- #


def _same_scalar(ours: Any, theirs: Any) -> bool:
    if isinstance(theirs, datetime.datetime) and isinstance(ours, str):
        try:
            return datetime.datetime.fromisoformat(ours) == theirs
        except ValueError:
            return False
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, float) and ours != ours:
        return bool(theirs != theirs)  # NaN matches NaN
    return bool(ours == theirs)


def wire_diffs(ours: Any, theirs: Any, path: str = "$") -> tuple[list[str], int]:
    """Differences between two wire-shaped values, and how many leaves agreed.

    See the module docstring for what counts as equal.
    """
    if isinstance(ours, dict) and isinstance(theirs, dict):
        diffs: list[str] = []
        leaves = 0
        for key in [*ours, *(k for k in theirs if k not in ours)]:
            if key not in theirs or key not in ours:
                value = ours.get(key, theirs.get(key))
                if value is not None:
                    side = "ours" if key in ours else "anthropic's"
                    diffs.append(f"{path}.{key}: only in {side}: {value!r:.80}")
                continue
            d, n = wire_diffs(ours[key], theirs[key], f"{path}.{key}")
            diffs += d
            leaves += n
        return diffs, leaves
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return [f"{path}: {len(ours)} items, anthropic's has {len(theirs)}"], 0
        diffs, leaves = [], 0
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            d, n = wire_diffs(a, b, f"{path}[{i}]")
            diffs += d
            leaves += n
        return diffs, leaves
    if not _same_scalar(ours, theirs):
        return [f"{path}: ours {ours!r:.80}, anthropic's {theirs!r:.80}"], 0
    return [], 1


def test_wire_diffs_rules() -> None:
    """The comparison is type-exact, and only None stands for a missing key."""
    when = datetime.datetime(2026, 12, 4, 19, 0, tzinfo=datetime.timezone.utc)
    assert wire_diffs({"a": 1, "b": None}, {"a": 1}) == ([], 1)
    assert wire_diffs({"a": 1}, {"a": 1, "stop_details": None}) == ([], 1)
    assert wire_diffs({"t": "2026-12-04T19:00:00Z"}, {"t": when}) == ([], 1)
    assert wire_diffs([float("nan")], [float("nan")]) == ([], 1)
    for ours, theirs in [
        ({"a": 1}, {"a": 1.0}),
        ({"a": 1}, {"a": True}),
        ({"a": 0}, {}),
        ({"a": []}, {"a": [1]}),
        ({"a": "x"}, {"a": "y"}),
        ({"t": "2026-12-04T19:00:01Z"}, {"t": when}),
    ]:
        assert wire_diffs(ours, theirs)[0], (ours, theirs)
        assert wire_diffs(theirs, ours)[0], (theirs, ours)


# --------------------------------------------------------------------------- #
# 1. agreement, asserted
# --------------------------------------------------------------------------- #


def _body(name: str) -> bytes:
    return (DATA / f"{name}.sse").read_bytes()


def _golden(name: str) -> dict[str, Any]:
    golden: dict[str, Any] = json.loads((DATA / f"{name}.final.json").read_text())
    return golden


# The recorded streams anthropic handles right.  ``unknown_block_and_delta``
# agrees on the dump although anthropic builds the unknown block as a text block
# model (its ``type`` and other fields survive as extras).
ANTHROPIC_AGREES = [
    "text_plain",
    "text_several_blocks",
    "thinking_signature",
    "redacted_thinking",
    "tool_use_parallel",
    "tool_input_first_fragment_empty",
    "tool_input_whole_in_start",
    "server_tool_web_search",
    "citations",
    "refusal_stop",
    "pause_turn",
    "ping_between_every_event",
    "unknown_block_and_delta",
    "output_format_json",
    "output_format_max_tokens",
]


@pytest.mark.parametrize("name", ANTHROPIC_AGREES)
def test_anthropic_agrees_recorded(name: str) -> None:
    theirs = anthropic_final(_body(name))
    assert isinstance(theirs, dict), f"anthropic raised {theirs!r}"
    ours = our_final(_body(name))
    assert isinstance(ours, dict), f"we raised {ours!r}"
    diffs, leaves = wire_diffs(ours, theirs)
    assert not diffs, "\n".join(diffs[:20])
    assert leaves >= 10


def test_anthropic_agrees_on_an_error_event() -> None:
    """Both raise on an ``error`` event, carrying the same error body."""
    body = _body("error_mid_stream")
    theirs = anthropic_message(body)
    ours = our_final(body)
    assert isinstance(theirs, anthropic.APIStatusError), repr(theirs)
    assert isinstance(ours, StreamError), repr(ours)
    assert theirs.body == ours.body
    assert type(ours.body) is dict
    assert ours.body["error"]["type"] == "overloaded_error"


# What anthropic's ``Message`` knows (the others are beta or unknown types,
# which it keeps by accident, if at all: see ANTHROPIC_WRONG and the agreement
# on unknown_block_and_delta above).
KNOWN_BLOCKS = [
    kind
    for kind in ANTHROPIC_BLOCK_TYPES
    if kind != "unknown" and not kind.startswith("mcp_")
]


@given(anthropic_message_streams(block_types=KNOWN_BLOCKS))
def test_anthropic_agrees_generated(stream: AnthropicStream) -> None:
    """Generated streams with named events and usage in message_start: our
    final equals anthropic's ``Message``."""
    # anthropic's known bug #1806 (see ANTHROPIC_WRONG): no usage, a crash
    start = next(p for p in stream.payloads if p["type"] == "message_start")
    assume("usage" in start["message"])
    body = stream.to_sse(named=True)
    theirs = anthropic_final(body)
    assert isinstance(theirs, dict), f"anthropic raised {theirs!r}"
    ours = our_final(body)
    assert isinstance(ours, dict), f"we raised {ours!r}"
    diffs, _ = wire_diffs(ours, theirs)
    assert not diffs, "\n".join(diffs[:20])


# --------------------------------------------------------------------------- #
# 2. where anthropic is wrong: information, never a failure
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class KnownBug:
    """One documented anthropic bug, seen on one stream."""

    what: str
    shows: Callable[[Any], bool]  # anthropic's final (dict) or exception


def _raises(kind: type[BaseException]) -> Callable[[Any], bool]:
    return lambda theirs: isinstance(theirs, kind)


def _salvages_cut_input(theirs: Any) -> bool:
    # The block cut by max_tokens is returned with an input dict, as if whole.
    block = theirs["content"][MANIFEST["max_tokens_in_tool_input"]["incomplete"][0]]
    return bool(theirs["stop_reason"] == "max_tokens" and type(block["input"]) is dict)


def _cut_without_error(theirs: Any) -> bool:
    return isinstance(theirs, dict) and theirs["stop_reason"] is None


# A content_block_delta for index 1, which no content_block_start opened.
UNSTARTED_BLOCK = b"".join(
    b"event: " + t.encode() + b"\ndata: " + json.dumps(p).encode() + b"\n\n"
    for t, p in [
        (
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_1",
                    "type": "message",
                    "role": "assistant",
                    "model": "claude-sonnet-4-5",
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {"input_tokens": 3, "output_tokens": 1},
                },
            },
        ),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 1,
                "delta": {"type": "text_delta", "text": "lost"},
            },
        ),
    ]
)

ANTHROPIC_WRONG: dict[str, KnownBug] = {
    "data_only": KnownBug(
        "Stream skips every event without an `event:` line, so a data-only "
        "stream (proxies, gateways) gives no message: get_final_message() "
        "fails an assert",
        _raises(AssertionError),
    ),
    "message_start_without_usage": KnownBug(
        "#1806: message_delta's usage is written into the snapshot's usage, "
        "which is None when message_start had none: AttributeError",
        _raises(AttributeError),
    ),
    "max_tokens_in_tool_input": KnownBug(
        "#794: tool input cut by max_tokens comes back parsed by jiter's "
        "partial mode, as if whole, with nothing that marks it cut",
        _salvages_cut_input,
    ),
    "cut_stream": KnownBug(
        "a stream that stops before message_stop returns a Message with "
        "stop_reason None, and no error",
        _cut_without_error,
    ),
    "unstarted_block": KnownBug(
        "a content_block_delta for an index that no content_block_start "
        "opened: IndexError from content[index]",
        _raises(IndexError),
    ),
}
STREAMS: dict[str, bytes] = {
    **{name: _body(name) for name in MANIFEST},
    "unstarted_block": UNSTARTED_BLOCK,
}


def test_every_stream_is_looked_at() -> None:
    """Each recorded stream is either asserted to agree or documented here."""
    elsewhere = {"error_mid_stream"}  # test_anthropic_agrees_on_an_error_event
    assert (
        set(MANIFEST)
        == set(ANTHROPIC_AGREES)
        | set(ANTHROPIC_WRONG) - {"unstarted_block"}
        | elsewhere
    )
    assert not set(ANTHROPIC_AGREES) & set(ANTHROPIC_WRONG)


@pytest.mark.parametrize("name", sorted(ANTHROPIC_WRONG))
def test_we_are_right_where_anthropic_is_not(name: str) -> None:
    """On each stream anthropic gets wrong, we do what the contract says."""
    decoder = SSEDecoder()
    acc = AnthropicMessagesAccumulator()
    events = [*decoder.feed(STREAMS[name]), *decoder.close()]
    if name == "unstarted_block":
        for event in events[:-1]:
            acc.feed(event)
        with pytest.raises(UnexpectedEvent, match="block 1, which was never started"):
            acc.feed(events[-1])
        return
    for event in events:
        acc.feed(event)
    row = MANIFEST[name]
    assert list(acc.incomplete) == row["incomplete"]
    if row["close"] == "IncompleteStream":
        with pytest.raises(IncompleteStream):
            acc.close()
        return
    diffs, _ = wire_diffs(acc.close(), _golden(name))
    assert not diffs, diffs


@dataclass(frozen=True)
class Observation:
    """What anthropic did on one stream: one report line."""

    name: str
    verdict: str
    bug: KnownBug | None
    shows_bug: bool | None

    def line(self) -> str:
        text = f"{self.name:<34} {self.verdict}"
        if self.bug is not None:
            state = "still shows" if self.shows_bug else "NO LONGER SHOWS"
            text += f"\n{'':<34} {state} the documented bug: {self.bug.what}"
        return text


def _shows(bug: KnownBug, theirs: Any) -> bool:
    """Whether *theirs* still shows *bug*; False when its shape changed."""
    try:
        return bug.shows(theirs)
    except (KeyError, IndexError, TypeError, AttributeError):
        return False  # anthropic's result no longer has the shape the bug left


def _verdict(name: str, theirs: Any) -> str:
    if isinstance(theirs, BaseException):
        return f"raises {type(theirs).__name__}: {str(theirs)[:60]!r}"
    golden = DATA / f"{name}.final.json"
    if not golden.exists():
        return f"returns a message (stop_reason {theirs.get('stop_reason')!r})"
    diffs, leaves = wire_diffs(_golden(name), theirs)
    if not diffs:
        return f"agrees with the golden ({leaves} fields compared)"
    return f"differs on {len(diffs)} fields, first {diffs[0][:90]}"


def oracle_report() -> list[Observation]:
    rows = []
    for name, body in STREAMS.items():
        theirs = anthropic_final(body)
        bug = ANTHROPIC_WRONG.get(name)
        rows.append(
            Observation(
                name=name,
                verdict=_verdict(name, theirs),
                bug=bug,
                shows_bug=None if bug is None else _shows(bug, theirs),
            )
        )
    return rows


class OracleChanged(UserWarning):
    """The pinned oracle no longer shows a bug this file documents."""


def test_anthropic_oracle_report(info_report: Callable[[str, str], None]) -> None:
    """Where anthropic agrees with the goldens and where it is known to be wrong.

    Only information: the report is printed at the end of the run, and a
    documented bug that no longer shows (after a deliberate bump of the pin)
    raises an ``OracleChanged`` warning naming the entry to update.  Asserted is
    only that every stream and every documented bug was looked at.
    """
    rows = oracle_report()
    assert {row.name for row in rows} == set(STREAMS)
    assert {row.name for row in rows if row.bug is not None} == set(ANTHROPIC_WRONG)
    version = importlib.metadata.version("anthropic")
    info_report(
        f"anthropic {version} MessageStream against the goldens",
        "\n".join(row.line() for row in rows),
    )
    for row in rows:
        if row.bug is not None and not row.shows_bug:
            warnings.warn(
                OracleChanged(
                    f"anthropic {version} no longer shows the bug documented for "
                    f"{row.name} ({row.bug.what}); it now {row.verdict}. Update "
                    "ANTHROPIC_WRONG in tests/llm/test_anthropic_oracle.py (move "
                    "the stream to ANTHROPIC_AGREES if anthropic now agrees)."
                ),
                stacklevel=1,
            )
