"""Test servers for ``sseparse.transport`` and ``examples/``, on 127.0.0.1 only.

``running_sse_server()`` runs ``sse_app`` under uvicorn in a subprocess and yields
its base URL; ``FaultServer`` (``faults.py``) serves scripted broken responses from
a thread.  Both are shared by the fixtures of ``tests/transport/conftest.py`` and
``tests/test_examples.py``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tests.transport.servers.faults import FaultServer

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["REPO_ROOT", "FaultServer", "running_sse_server"]

REPO_ROOT = Path(__file__).resolve().parents[3]
"""The checkout's root: the subprocess runs there so ``tests`` imports."""

STARTUP_TIMEOUT = 60.0
"""Seconds uvicorn may take to accept connections (imports are slow when loaded)."""

STOP_TIMEOUT = 15.0
"""Seconds uvicorn may take to stop after SIGTERM before it is killed."""

_PORT_ATTEMPTS = 3


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_TIMEOUT)


@contextlib.contextmanager
def running_sse_server() -> Iterator[str]:
    """Run ``sse_app`` under uvicorn on 127.0.0.1 and yield ``http://127.0.0.1:P``.

    The port is found by binding port 0; if another process takes it before
    uvicorn does, a new port is tried.  The server is stopped by its process id
    (SIGTERM, then SIGKILL) when the block ends.

    Raises:
        RuntimeError: uvicorn exited or did not accept connections in time; the
            message holds its output.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])
    )
    with tempfile.TemporaryFile() as log:
        for _attempt in range(_PORT_ATTEMPTS):
            port = _free_port()
            log.seek(0)
            log.truncate()
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "tests.transport.servers.sse_app:app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                    "--no-access-log",
                    "--timeout-graceful-shutdown",
                    "3",
                ],
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            outcome = "failed to start"
            try:
                outcome = _wait_until_ready(process, port)
            finally:
                if outcome != "ready":
                    _stop(process)
            if outcome == "ready":
                break
            log.seek(0)
            output = log.read().decode(errors="replace")
            if outcome == "exited" and "address already in use" in output.lower():
                continue
            raise RuntimeError(
                f"uvicorn on 127.0.0.1:{port} {outcome}"
                f" (startup timeout {STARTUP_TIMEOUT:g} s); its output:\n{output}"
            )
        else:
            raise RuntimeError(f"uvicorn found no free port in {_PORT_ATTEMPTS} tries")
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            _stop(process)


def _wait_until_ready(process: subprocess.Popen[bytes], port: int) -> str:
    """``"ready"`` once *process* accepts on *port*, else why it is not."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return "exited"
        if _accepts(port):
            return "ready"
        time.sleep(0.05)
    return "did not accept connections in time"
