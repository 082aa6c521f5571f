"""Read an event stream with no HTTP library: ``sseparse.transport.fetch_events``.

Shows the blocking helper, a plain ``socket`` (and ``ssl`` for https) loop around
the sans-IO connection.  It sends ``Accept: text/event-stream`` itself; pass
``reconnect=True`` to resume with ``Last-Event-ID`` when the stream drops.

Run: python examples/socket_blocking.py [URL]   (default http://127.0.0.1:8000/llm)
"""

from __future__ import annotations

import json
import sys

from sseparse.transport import Request, fetch_events

DEFAULT_URL = "http://127.0.0.1:8000/llm"


def main(url: str) -> None:
    for event in fetch_events(Request.get(url), timeout=30.0):
        line = {"event": event.event, "id": event.id, "data": event.data}
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL)
