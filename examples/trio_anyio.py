"""Speak HTTP yourself over anyio (on trio) with the sans-IO ``EventStreamConnection``.

Shows that ``sseparse.transport`` needs no I/O library of its own: the connection
builds the request bytes and turns received bytes into a ``ResponseStarted``,
events and a ``StreamEnded``; here anyio moves the bytes, on the trio backend.
A non-2xx status or a non-event-stream response raises from ``feed()``.

Run: python examples/trio_anyio.py [URL]   (default http://127.0.0.1:8000/llm)
"""

from __future__ import annotations

import json
import sys

import anyio

from sseparse import ServerSentEvent
from sseparse.transport import EventStreamConnection, Request, StreamEnded

DEFAULT_URL = "http://127.0.0.1:8000/llm"


async def main(url: str) -> None:
    # Request.get adds nothing: the connection sends Accept: text/event-stream.
    request = Request.get(url)
    conn = EventStreamConnection(request)
    # For an https URL, pass tls=True as well.
    async with await anyio.connect_tcp(request.host, request.port) as stream:
        await stream.send(conn.request_bytes())
        while True:
            try:
                items = conn.feed(await stream.receive())
            except anyio.EndOfStream:
                items = conn.close()
            for item in items:
                if isinstance(item, ServerSentEvent):
                    line = {"event": item.event, "id": item.id, "data": item.data}
                    print(json.dumps(line), flush=True)
                elif isinstance(item, StreamEnded):
                    return


if __name__ == "__main__":
    anyio.run(main, sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL, backend="trio")
