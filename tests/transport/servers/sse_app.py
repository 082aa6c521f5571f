"""A real SSE server for the transport tests: Starlette + sse-starlette under uvicorn.

Run it with ``python -m uvicorn tests.transport.servers.sse_app:app`` (the
``running_sse_server`` helper in this package does, on 127.0.0.1 only).  Streams
are encoded by sse-starlette (``EventSourceResponse``, CRLF line ends by default)
so the client is tested against bytes nobody here wrote; the expected events come
from ``streams.py``.

Routes:
    /llm            20 OpenAI chat chunks with ids 1..20 (after a comment), [DONE].
    /drop           ``retry: 200`` and ticks 1..3, then the response ends; with
                    ``Last-Event-ID: k`` ticks k+1..6 and ``event: end``; with
                    ``k >= 6`` HTTP 204.
    /slow           a short stream sent one byte per ASGI body message.
    /gzip, /deflate the /slow events, compressed and flushed per event; with
                    ``?gate=1`` the rest waits for ``/release`` after event one.
    /release        opens the gate of ``?key=``.
    /echo           POST: one ``echo`` event whose data is the request's JSON.
    /missing        404 with an OpenAI-style JSON error body.
    /busy           503 ``text/plain``.
    /plain          200 ``text/plain``.
    /no-content     204.
    /requests-seen  JSON: method, path and headers of every request of ``?key=``.
    /v1/chat/completions, /v1/messages, /v1/responses
                    POST: a recorded stream of that protocol from ``tests/data/``
                    (``RECORDED``; ``?case=NAME`` picks another), as its bytes,
                    in 64-byte body messages: what the provider SDKs and the
                    recipes of ``examples/`` read.
"""

from __future__ import annotations

import asyncio
import collections
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sse_starlette import EventSourceResponse
from sse_starlette import ServerSentEvent as WireEvent
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from tests.transport.servers.streams import (
    DROP_RETRY_MS,
    ECHO_EVENT,
    LLM_COMMENT,
    MISSING_BODY,
    PLAIN_BODY,
    compact,
    drop_events,
    llm_events,
    slow_events,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.types import ASGIApp, Receive, Scope, Send

    from sseparse import ServerSentEvent

__all__ = ["app"]

GATE_TIMEOUT = 60.0
"""Seconds a gated stream waits for ``/release`` before it gives up."""

SLOW_PAUSE = 0.001
"""Seconds between the one-byte body messages of ``/slow``."""

# Per ?key= so tests sharing one server process never see each other's requests.
_seen: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
_gates: dict[str, asyncio.Event] = collections.defaultdict(asyncio.Event)


class RecordRequests:
    """ASGI middleware noting every request under its ``key`` query parameter."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] != "/requests-seen":
            request = Request(scope)
            _seen[request.query_params.get("key", "")].append(
                {
                    "method": request.method,
                    "path": request.url.path,
                    "headers": [
                        [name.decode("latin-1"), value.decode("latin-1")]
                        for name, value in scope["headers"]
                    ],
                }
            )
        await self.app(scope, receive, send)


def _wire(event: ServerSentEvent) -> WireEvent:
    """The sse-starlette form of one expected event."""
    return WireEvent(
        data=event.data,
        event=None if event.event == "message" else event.event,
        id=event.id or None,
    )


def _stream(events: AsyncIterator[WireEvent | bytes], **kwargs: Any) -> Response:
    # ping=0: no keep-alive comments, so every stream is exactly what it scripts.
    return EventSourceResponse(events, ping=0, **kwargs)


async def llm(request: Request) -> Response:
    """The LLM-like stream: a comment, ``LLM_CHUNKS`` chunks with ids, ``[DONE]``."""

    async def events() -> AsyncIterator[WireEvent]:
        yield WireEvent(comment=LLM_COMMENT)
        for event in llm_events():
            # [DONE] has no id line of its own, as in OpenAI's streams.
            yield WireEvent(
                data=event.data, id=None if event.data == "[DONE]" else event.id
            )
            await asyncio.sleep(0)

    return _stream(events())


async def drop(request: Request) -> Response:
    """Ends early on a fresh request; resumes after ``Last-Event-ID`` otherwise."""
    try:
        script = drop_events(request.headers.get("last-event-id"))
    except ValueError:
        return JSONResponse({"error": "Last-Event-ID is not a number"}, 400)
    if script is None:
        return Response(status_code=204)

    async def events() -> AsyncIterator[WireEvent]:
        yield WireEvent(retry=DROP_RETRY_MS)
        for event in script:
            yield _wire(event)
            await asyncio.sleep(0)

    return _stream(events(), sep="\n")


async def slow(request: Request) -> Response:
    """The ``slow_events()`` stream, one byte per body message."""
    body = b"".join(_wire(event).encode() for event in slow_events())

    async def pieces() -> AsyncIterator[bytes]:
        for index in range(len(body)):
            yield body[index : index + 1]
            await asyncio.sleep(SLOW_PAUSE)

    return _stream(pieces())


def _compressed(encoding: str, wbits: int) -> Any:
    async def endpoint(request: Request) -> Response:
        """``slow_events()`` compressed, each event flushed with Z_SYNC_FLUSH."""
        gate = _gates[request.query_params.get("key", "")]
        gated = request.query_params.get("gate") == "1"

        async def pieces() -> AsyncIterator[bytes]:
            compressor = zlib.compressobj(wbits=wbits)
            for index, event in enumerate(slow_events()):
                data = compressor.compress(_wire(event).encode())
                yield data + compressor.flush(zlib.Z_SYNC_FLUSH)
                if gated and index == 0:
                    await asyncio.wait_for(gate.wait(), GATE_TIMEOUT)
            yield compressor.flush()

        return _stream(pieces(), headers={"Content-Encoding": encoding})

    return endpoint


async def release(request: Request) -> Response:
    """Let the gated stream of ``?key=`` send the rest of its events."""
    _gates[request.query_params.get("key", "")].set()
    return Response(status_code=204)


async def echo(request: Request) -> Response:
    """One ``echo`` event carrying the request's JSON body back."""
    payload = await request.json()

    async def events() -> AsyncIterator[WireEvent]:
        yield WireEvent(data=compact(payload), event=ECHO_EVENT)

    return _stream(events())


async def missing(request: Request) -> Response:
    """An OpenAI-style 404 error."""
    return JSONResponse(MISSING_BODY, status_code=404)


async def busy(request: Request) -> Response:
    """A 503, which a reconnector may be told to retry."""
    return PlainTextResponse("overloaded, try again\n", status_code=503)


async def plain(request: Request) -> Response:
    """A 200 that is not an event stream."""
    return PlainTextResponse(PLAIN_BODY)


async def no_content(request: Request) -> Response:
    """A 204: the spec's way of saying "do not reconnect"."""
    return Response(status_code=204)


DATA = Path(__file__).resolve().parents[2] / "data"

RECORDED: dict[str, tuple[str, str]] = {
    "/v1/chat/completions": ("openai_chat", "openai_parallel_tools_logprobs"),
    "/v1/messages": ("anthropic_messages", "tool_use_parallel"),
    "/v1/responses": ("openai_responses", "mcp"),
}
"""Route -> (folder under tests/data, the recording served by default)."""


async def recorded(request: Request) -> Response:
    """A recorded LLM stream, byte for byte, in small body messages."""
    folder, name = RECORDED[request.url.path]
    name = request.query_params.get("case", name)
    if not name.replace("_", "").isalnum():
        return PlainTextResponse("bad case", status_code=400)
    await request.body()  # read the request as a server would
    body = (DATA / folder / f"{name}.sse").read_bytes()

    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 64):
            yield body[start : start + 64]
            await asyncio.sleep(0)

    return StreamingResponse(pieces(), media_type="text/event-stream")


async def requests_seen(request: Request) -> Response:
    """Every request recorded under ``?key=``, oldest first."""
    return JSONResponse({"requests": _seen[request.query_params.get("key", "")]})


app = Starlette(
    routes=[
        Route("/llm", llm),
        Route("/drop", drop),
        Route("/slow", slow),
        Route("/gzip", _compressed("gzip", 16 + zlib.MAX_WBITS)),
        Route("/deflate", _compressed("deflate", zlib.MAX_WBITS)),
        Route("/release", release),
        Route("/echo", echo, methods=["POST"]),
        Route("/missing", missing),
        Route("/busy", busy),
        Route("/plain", plain),
        Route("/no-content", no_content),
        Route("/requests-seen", requests_seen),
        *(Route(path, recorded, methods=["POST"]) for path in RECORDED),
    ],
    middleware=[Middleware(RecordRequests)],
)
