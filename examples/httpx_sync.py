"""Read an event stream with httpx (blocking) and ``sseparse.iter_events``.

Shows the smallest integration: any iterable of byte chunks goes into
``iter_events``, which yields each event as soon as its blank line arrives.
httpx does the HTTP (and gzip); sseparse only decodes the event stream.

Run: python examples/httpx_sync.py [URL]   (default http://127.0.0.1:8000/llm)
"""

from __future__ import annotations

import json
import sys

import httpx

import sseparse

DEFAULT_URL = "http://127.0.0.1:8000/llm"


def main(url: str) -> None:
    headers = {"Accept": "text/event-stream"}
    with httpx.stream("GET", url, headers=headers, timeout=30.0) as response:
        response.raise_for_status()
        for event in sseparse.iter_events(response.iter_bytes()):
            line = {"event": event.event, "id": event.id, "data": event.data}
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL)
