"""The scripted streams the test servers send, and the events a client must get.

Pure data, no server imports: ``sse_app`` serves these streams and the tests
(and ``tests/test_examples.py``) import the same functions to know what to expect.
"""

from __future__ import annotations

import json
from typing import Any

from sseparse import Comment, ServerSentEvent

__all__ = [
    "DROP_FIRST",
    "DROP_RETRY_MS",
    "DROP_TOTAL",
    "ECHO_EVENT",
    "LLM_CHUNKS",
    "LLM_COMMENT",
    "MISSING_BODY",
    "PLAIN_BODY",
    "compact",
    "drop_all_events",
    "drop_events",
    "encoded_events",
    "llm_chunks",
    "llm_events",
    "llm_items",
    "llm_json_lines",
    "slow_events",
]

LLM_CHUNKS = 20
"""How many ``chat.completion.chunk`` events ``/llm`` sends before ``[DONE]``."""

LLM_COMMENT = "OPENROUTER PROCESSING"
"""The comment ``/llm`` sends first, as some providers do while a model warms up."""

DROP_RETRY_MS = 200
"""The ``retry`` value ``/drop`` sends: small, so reconnecting tests stay fast."""

DROP_TOTAL = 6
"""``/drop`` numbers its ``tick`` events 1..DROP_TOTAL over all connections."""

DROP_FIRST = 3
"""Events ``/drop`` sends on a request without ``Last-Event-ID`` before it ends."""

ECHO_EVENT = "echo"
"""The event type of ``/echo``'s one event, whose data is the request's JSON."""

MISSING_BODY: dict[str, Any] = {
    "error": {
        "message": "model not found",
        "type": "invalid_request_error",
        "code": "model_not_found",
    }
}
"""The JSON body of ``/missing``'s 404, shaped like OpenAI's errors."""

PLAIN_BODY = "hello, this is not an event stream\n"
"""The body of ``/plain``'s ``text/plain`` 200."""

# Multi-byte UTF-8 on purpose: bytewise delivery must not split a character.
_WORDS = (
    "Hello",
    ",",
    " world",
    "!",
    " Ça",
    " va",
    " très",
    " bien",
    " 🙂",
    " —",
    " 東京",
    " is",
    " big",
    '. "Quoted"',
    " and",
    " back\\slash",
    ".\n",
    "Done",
)


def compact(value: Any) -> str:
    """JSON text as LLM APIs send it: no spaces, UTF-8 kept as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def llm_chunks() -> list[dict[str, Any]]:
    """The ``LLM_CHUNKS`` OpenAI ``chat.completion.chunk`` payloads of ``/llm``."""
    assert len(_WORDS) == LLM_CHUNKS - 2
    deltas: list[tuple[dict[str, Any], str | None]] = [
        ({"role": "assistant", "content": ""}, None),
        *(({"content": word}, None) for word in _WORDS),
        ({}, "stop"),
    ]
    return [
        {
            "id": "chatcmpl-sseparse-live",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": "gpt-test",
            "system_fingerprint": "fp_test",
            "choices": [
                {
                    "index": 0,
                    "delta": delta,
                    "logprobs": None,
                    "finish_reason": finish,
                }
            ],
        }
        for delta, finish in deltas
    ]


def llm_events() -> list[ServerSentEvent]:
    """What a client decodes from ``/llm``: ids ``1..N``, then ``[DONE]``.

    ``[DONE]`` has no ``id`` line of its own, so it carries the last ID in force.
    """
    events = [
        ServerSentEvent(data=compact(chunk), id=str(number))
        for number, chunk in enumerate(llm_chunks(), start=1)
    ]
    events.append(ServerSentEvent(data="[DONE]", id=str(LLM_CHUNKS)))
    return events


def llm_items() -> list[ServerSentEvent | Comment]:
    """``llm_events()`` with the leading comment, as ``comments=True`` reports it."""
    return [Comment(text=LLM_COMMENT), *llm_events()]


def llm_json_lines() -> list[dict[str, str]]:
    """The JSON lines every script in ``examples/`` prints for ``/llm``."""
    return [{"event": e.event, "id": e.id, "data": e.data} for e in llm_events()]


def drop_events(last_event_id: str | None) -> list[ServerSentEvent] | None:
    """What ``/drop`` sends on a request with this ``Last-Event-ID`` header.

    Without the header: ticks ``1..DROP_FIRST``, then the response ends early.
    With ``k < DROP_TOTAL``: ticks ``k+1..DROP_TOTAL`` and a final ``end`` event.
    With ``k >= DROP_TOTAL``: ``None``, meaning HTTP 204 (nothing more, ever).
    Every 200 response starts with a ``retry: DROP_RETRY_MS`` block.

    Raises:
        ValueError: the header is not a decimal number.
    """
    if last_event_id is None:
        return [_tick(n) for n in range(1, DROP_FIRST + 1)]
    after = int(last_event_id)
    if after >= DROP_TOTAL:
        return None
    ticks = [_tick(n) for n in range(after + 1, DROP_TOTAL + 1)]
    return [*ticks, ServerSentEvent(event="end", data="bye", id=str(DROP_TOTAL))]


def drop_all_events() -> list[ServerSentEvent]:
    """Every event a client that resumes after ``/drop``'s first end receives."""
    first = drop_events(None)
    rest = drop_events(str(DROP_FIRST))
    assert first is not None
    assert rest is not None
    return [*first, *rest]


def _tick(number: int) -> ServerSentEvent:
    return ServerSentEvent(event="tick", data=f"tick {number}", id=str(number))


def slow_events() -> list[ServerSentEvent]:
    """The events of ``/slow`` (sent one byte at a time) and ``/gzip``."""
    return [
        ServerSentEvent(event="greeting", data="héllo 🙂", id="a1"),
        ServerSentEvent(data="line one\nline two", id="a2"),
        ServerSentEvent(
            event="json", data=compact({"k": "東京", "n": [1, 2]}), id="a3"
        ),
    ]


def encoded_events(events: list[ServerSentEvent], *, sep: str = "\n") -> list[bytes]:
    """Each event as its own block of bytes, ``sep`` ending every line.

    Used where the servers build the bytes themselves (bytewise, compressed and raw
    fault responses); IDs are written on every event that has one, which decodes
    back to the same values since none of these streams resets its ID.
    """
    blocks = []
    for event in events:
        lines = []
        if event.id:
            lines.append(f"id: {event.id}")
        if event.event != "message":
            lines.append(f"event: {event.event}")
        lines.extend(f"data: {line}" for line in event.data.split("\n"))
        blocks.append(("".join(line + sep for line in lines) + sep).encode())
    return blocks
