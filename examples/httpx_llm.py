"""Any LLM stream over plain httpx, the protocol detected: ``sseparse.llm.stream``.

POST the request yourself, give ``response.iter_bytes()`` to ``stream()``: it
tells a Chat Completions, an Anthropic Messages and a Responses stream apart by
their first events.  Leaving the ``with`` block early closes the response,
which is how a caller cancels a generation.

Prints the text as it arrives, then the final object as one JSON line.

Run: python examples/httpx_llm.py URL   (e.g. http://127.0.0.1:8000/v1/messages)
"""

from __future__ import annotations

import json
import sys

import httpx

from sseparse.llm import stream

DEFAULT_URL = "http://127.0.0.1:8000/v1/chat/completions"


def main(url: str) -> None:
    body = {
        "model": "any",
        "stream": True,
        "messages": [{"role": "user", "content": "Hi"}],
    }
    with httpx.stream("POST", url, json=body, timeout=30.0) as response:
        response.raise_for_status()
        with stream(response.iter_bytes()) as s:
            for event in s:
                if event.type == "content.delta":
                    print(event.delta, end="", flush=True)
        print()
        print(json.dumps(s.final))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL)
