"""Fixtures of the transport tests: a live SSE server, a fault server, a test key."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pytest

from tests.transport.servers import FaultServer, running_sse_server

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="session")
def sse_server() -> Iterator[str]:
    """Base URL of sse-starlette under uvicorn on 127.0.0.1, for the whole session."""
    with running_sse_server() as url:
        yield url


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    """A fresh scripted-fault server, stopped when the test ends."""
    with FaultServer() as server:
        yield server


@pytest.fixture
def key(request: pytest.FixtureRequest) -> str:
    """A value for ``?key=`` unique to this test, so the shared server's records
    and gates of one test never mix with another's."""
    return hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:16]
