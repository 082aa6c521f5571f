"""Read an event stream with requests and ``sseparse.iter_events``.

Shows the one requests setting that matters: ``stream=True`` with
``iter_content(chunk_size=None)``, which hands over bytes as they arrive instead
of waiting to fill fixed-size chunks.

Run: python examples/requests_client.py [URL]   (default http://127.0.0.1:8000/llm)
"""

from __future__ import annotations

import json
import sys

import requests

import sseparse

DEFAULT_URL = "http://127.0.0.1:8000/llm"


def main(url: str) -> None:
    headers = {"Accept": "text/event-stream"}
    with requests.get(url, headers=headers, stream=True, timeout=30) as response:
        response.raise_for_status()
        chunks = response.iter_content(chunk_size=None)
        for event in sseparse.iter_events(chunks):
            line = {"event": event.event, "id": event.id, "data": event.data}
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL)
