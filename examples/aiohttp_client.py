"""Read an event stream with aiohttp and ``sseparse.aiter_events``.

Shows that ``resp.content.iter_any()`` (bytes as they arrive, in any split) is
all sseparse needs from aiohttp.

Run: python examples/aiohttp_client.py [URL]   (default http://127.0.0.1:8000/llm)
"""

from __future__ import annotations

import asyncio
import json
import sys

import aiohttp

import sseparse

DEFAULT_URL = "http://127.0.0.1:8000/llm"


async def main(url: str) -> None:
    headers = {"Accept": "text/event-stream"}
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=30)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(url, headers=headers) as response,
    ):
        response.raise_for_status()
        async for event in sseparse.aiter_events(response.content.iter_any()):
            line = {"event": event.event, "id": event.id, "data": event.data}
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL))
