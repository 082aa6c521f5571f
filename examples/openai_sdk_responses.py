"""The openai SDK's Responses API, raw bytes through ``sseparse.llm.stream``.

``client.responses.with_streaming_response.create(..., stream=True)`` gives the
raw HTTP response; ``stream()`` reads it (any ``response.*`` event, hosted tools
included, an ``incomplete`` or ``failed`` end told apart) and ``s.final`` is
the ``response`` object as a plain dict.

Prints the text as it arrives, a line per finished tool call, then the final
object as one JSON line.

Run: python examples/openai_sdk_responses.py [BASE_URL]
(default http://127.0.0.1:8000)
"""

from __future__ import annotations

import json
import sys

import openai

from sseparse.llm import stream

DEFAULT_URL = "http://127.0.0.1:8000"


def main(base_url: str) -> None:
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="sk-test", max_retries=0)
    with (
        client.responses.with_streaming_response.create(
            model="gpt-4.1-mini",
            input="What is the capital of France?",
            stream=True,
        ) as response,
        stream(response.iter_bytes(), protocol="responses") as s,
    ):
        for event in s:
            if event.type == "content.delta":
                print(event.delta, end="", flush=True)
            elif event.type == "tool_calls.function.arguments.done":
                print(f"\n[tool call {event.name}: {event.arguments}]")
        print()
        print(json.dumps(s.final))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL)
