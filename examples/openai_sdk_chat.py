"""The official openai SDK's raw bytes through ``sseparse.llm.stream``.

For people who already use the openai SDK: keep its client (auth, retries,
base URL), ask it for the raw response (``with_streaming_response``), and give
``response.iter_bytes()`` to ``stream()``.  You get the vocabulary events live,
the tool calls with their arguments parsed as they fill in, and the final
``chat.completion`` as a plain dict, in linear time.

Prints the text as it arrives, a line per finished tool call, then the final
object as one JSON line.

Run: python examples/openai_sdk_chat.py [BASE_URL]   (default http://127.0.0.1:8000)
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
        client.chat.completions.with_streaming_response.create(
            model="gpt-4.1-mini",
            messages=[{"role": "user", "content": "Weather in Paris and Oslo?"}],
            stream=True,
        ) as response,
        stream(response.iter_bytes(), protocol="chat") as s,
    ):
        for event in s:
            if event.type == "content.delta":
                print(event.delta, end="", flush=True)
            elif event.type == "tool_calls.function.arguments.done":
                arguments = json.dumps(event.parsed_arguments, ensure_ascii=False)
                print(f"\n[tool call {event.name}: {arguments}]")
        print()
        print(json.dumps(s.final))  # raises if the stream was cut or failed


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL)
