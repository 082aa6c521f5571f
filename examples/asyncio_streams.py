"""Read an event stream on asyncio's own streams: ``sseparse.transport.afetch_events``.

Shows the asyncio helper (``asyncio.open_connection`` around the sans-IO
connection): no HTTP client library, ``Accept: text/event-stream`` sent for you.

Run: python examples/asyncio_streams.py [URL]   (default http://127.0.0.1:8000/llm)
"""

from __future__ import annotations

import asyncio
import json
import sys

from sseparse.transport import Request, afetch_events

DEFAULT_URL = "http://127.0.0.1:8000/llm"


async def main(url: str) -> None:
    async for event in afetch_events(Request.get(url), timeout=30.0):
        line = {"event": event.event, "id": event.id, "data": event.data}
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL))
