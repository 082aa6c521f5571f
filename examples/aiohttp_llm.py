"""LLM streams with aiohttp and ``sseparse.llm.astream``, several at once.

``astream()`` is ``stream()`` for an async iterable: here aiohttp's
``response.content.iter_any()``.  Each stream has its own state, so
generations run side by side with ``asyncio.gather``.

Prints, for each URL in order, its text and then its final object as one JSON
line.

Run: python examples/aiohttp_llm.py URL [URL ...]
(e.g. http://127.0.0.1:8000/v1/messages http://127.0.0.1:8000/v1/responses)
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import aiohttp

from sseparse.llm import astream

DEFAULT_URL = "http://127.0.0.1:8000/v1/responses"


async def generate(session: aiohttp.ClientSession, url: str) -> tuple[str, Any]:
    body = {"model": "any", "stream": True, "input": "Hi"}
    async with session.post(url, json=body) as response:
        response.raise_for_status()
        async with astream(response.content.iter_any()) as s:
            async for event in s:
                if event.type == "tool_calls.function.arguments.delta":
                    pass  # event.parsed_arguments: the arguments so far, parsed
        return s.text, s.final


async def main(urls: list[str]) -> None:
    async with aiohttp.ClientSession() as session:
        results = await asyncio.gather(*(generate(session, url) for url in urls))
    for text, final in results:
        print(text)
        print(json.dumps(final))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:] or [DEFAULT_URL]))
