"""Read an event stream with ``httpx.AsyncClient`` and ``sseparse.aiter_events``.

Shows the asyncio twin of ``httpx_sync.py``: ``aiter_events`` takes any async
iterable of byte chunks, here ``response.aiter_bytes()``.

Run: python examples/httpx_async.py [URL]   (default http://127.0.0.1:8000/llm)
"""

from __future__ import annotations

import asyncio
import json
import sys

import httpx

import sseparse

DEFAULT_URL = "http://127.0.0.1:8000/llm"


async def main(url: str) -> None:
    headers = {"Accept": "text/event-stream"}
    async with (
        httpx.AsyncClient(timeout=30.0) as client,
        client.stream("GET", url, headers=headers) as response,
    ):
        response.raise_for_status()
        async for event in sseparse.aiter_events(response.aiter_bytes()):
            line = {"event": event.event, "id": event.id, "data": event.data}
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL))
