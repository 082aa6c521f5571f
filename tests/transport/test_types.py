"""The transport's items as a user's ``mypy --strict`` sees them.

``EventStreamConnection.feed()`` / ``close()`` (and the ``Reconnector``'s) return
``list[ResponseStarted | ServerSentEvent | StreamEnded]``, with ``Comment`` in
the union only for ``comments=True``; the items narrow with ``isinstance``.  A
control line that uses an item without narrowing must be refused, so the check
cannot pass by checking nothing.
"""

from __future__ import annotations

from pathlib import Path

from mypy import api as mypy_api

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"

PROGRAM = """
from __future__ import annotations

from typing_extensions import assert_type

from sseparse import Comment, ServerSentEvent
from sseparse.transport import (
    ConnectionItem,
    EventStreamConnection,
    Reconnector,
    Request,
    ResponseStarted,
    StreamEnded,
)

request = Request.get("http://example.com/")
plain = EventStreamConnection(request)
Plain = ResponseStarted | ServerSentEvent | StreamEnded
assert_type(plain.feed(b""), list[Plain])
assert_type(plain.close(), list[Plain])
assert_type(plain.feed(b""), list[ConnectionItem[ServerSentEvent]])

chatty = EventStreamConnection(request, comments=True)
Chatty = ResponseStarted | ServerSentEvent | Comment | StreamEnded
assert_type(chatty.feed(b""), list[Chatty])
assert_type(chatty.close(), list[Chatty])

reconnector: Reconnector[ServerSentEvent] = Reconnector(request)
assert_type(reconnector.feed(b""), list[Plain])
assert_type(reconnector.close(), list[Plain])

for item in plain.feed(b""):
    if isinstance(item, ServerSentEvent):
        data: str = item.data
    elif isinstance(item, ResponseStarted):
        status: int = item.status
    else:
        assert_type(item, StreamEnded)
        truncated: bool = item.truncated

for extra in chatty.feed(b""):
    if isinstance(extra, Comment):
        text: str = extra.text

first = plain.feed(b"")[0]
first.data  # CONTROL: not narrowed
"""


def test_connection_items_type_check_and_narrow(tmp_path: Path) -> None:
    program = tmp_path / "use_transport.py"
    program.write_text(PROGRAM, encoding="utf-8")
    stdout, stderr, _ = mypy_api.run(
        [
            "--strict",
            "--config-file",
            str(PYPROJECT),
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            "--follow-imports=silent",
            "--show-error-codes",
            "--no-color-output",
            "--no-error-summary",
            str(program),
        ]
    )
    assert not stderr, stderr
    control = PROGRAM.splitlines().index("first.data  # CONTROL: not narrowed") + 1
    errors = [line for line in stdout.splitlines() if ": error:" in line]
    assert len(errors) == 2, stdout  # both members without .data
    for line in errors:
        assert f":{control}: error:" in line, stdout
        assert 'has no attribute "data"' in line, stdout
