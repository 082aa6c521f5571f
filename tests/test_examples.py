"""Every script in ``examples/`` runs and prints exactly the live server's stream.

Each script is run as a subprocess against ``/llm`` of the transport tests' SSE
server (sse-starlette under uvicorn on 127.0.0.1); its JSON lines must equal the
events that server sent.  A script is skipped only when its client library is not
installed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.transport.servers import REPO_ROOT, running_sse_server
from tests.transport.servers.streams import llm_json_lines

if TYPE_CHECKING:
    from collections.abc import Iterator

EXAMPLES_DIR = REPO_ROOT / "examples"

# Each script and the third-party modules it imports.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "httpx_sync.py": ("httpx",),
    "httpx_async.py": ("httpx",),
    "aiohttp_client.py": ("aiohttp",),
    "requests_client.py": ("requests",),
    "trio_anyio.py": ("anyio", "trio"),
    "socket_blocking.py": (),
    "asyncio_streams.py": (),
}

RUN_TIMEOUT = 120.0
"""Seconds one script may take (it needs about one; the machine may be loaded)."""


@pytest.fixture(scope="module")
def llm_url() -> Iterator[str]:
    """The ``/llm`` URL of a live SSE server, for this module."""
    with running_sse_server() as base:
        yield f"{base}/llm"


@pytest.mark.parametrize("script", list(EXAMPLES))
def test_example_prints_the_stream(llm_url: str, script: str) -> None:
    """The script exits 0 and prints one JSON line per event, equal to the events
    the server sent."""
    missing = [
        name for name in EXAMPLES[script] if importlib.util.find_spec(name) is None
    ]
    if missing:
        pytest.skip(f"{script} needs {', '.join(missing)}, which is not installed")
    # Client libraries honour *_proxy variables; the server is on loopback.
    env = {
        **os.environ,
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    result = subprocess.run(
        [sys.executable, str(EXAMPLES_DIR / script), llm_url],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        env=env,
        cwd=REPO_ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == llm_json_lines()


def test_every_example_is_tested_and_listed() -> None:
    """Each script in examples/ is in this test's table and in examples/README.md."""
    scripts = sorted(path.name for path in EXAMPLES_DIR.glob("*.py"))
    assert scripts == sorted(EXAMPLES)
    readme = (EXAMPLES_DIR / "README.md").read_text(encoding="utf-8")
    assert [name for name in scripts if f"`{name}`" not in readme] == []
