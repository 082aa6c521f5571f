"""The official anthropic SDK's raw response through ``sseparse.llm.stream``.

``client.messages.with_streaming_response.create(..., stream=True)`` hands out
the HTTP response before the SDK parses it; ``stream()`` reads its bytes (also
when a proxy strips the ``event:`` lines), parses tool input incrementally, and
never reports a cut stream as finished.  ``s.final`` is the ``message`` as a
plain dict, which ``anthropic.types.Message.model_validate`` accepts.

Prints the text as it arrives, a line per finished tool call, then the final
object as one JSON line.

Run: python examples/anthropic_sdk_messages.py [BASE_URL]
(default http://127.0.0.1:8000)
"""

from __future__ import annotations

import json
import sys

import anthropic

from sseparse.llm import stream

DEFAULT_URL = "http://127.0.0.1:8000"


def main(base_url: str) -> None:
    client = anthropic.Anthropic(base_url=base_url, api_key="sk-test", max_retries=0)
    with (
        client.messages.with_streaming_response.create(
            model="claude-sonnet-4-5",
            max_tokens=1024,
            messages=[{"role": "user", "content": "Weather in Paris and Oslo?"}],
            stream=True,
        ) as response,
        stream(response.iter_bytes(), protocol="anthropic") as s,
    ):
        for event in s:
            if event.type == "content.delta":
                print(event.delta, end="", flush=True)
            elif event.type == "tool_calls.function.arguments.done":
                arguments = json.dumps(event.parsed_arguments, ensure_ascii=False)
                print(f"\n[tool call {event.name}: {arguments}]")
        print()
        print(json.dumps(s.final))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL)
