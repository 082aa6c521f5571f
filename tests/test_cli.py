"""The command line: the demo replays the embedded stream; events prints JSON lines."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sseparse.cli import demo_bytes, main

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_demo_prints_text_arguments_and_the_final_completion(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--delay", "0"]) == 0
    out = capsys.readouterr().out
    assert "Server-Sent Events (SSE) let a server push text" in out
    assert "[tool call save_notes]" in out
    assert "[arguments complete: topic, examples, format]" in out
    assert out.rstrip().endswith("clean end: True; accumulator: closed")
    start = out.index("The final chat.completion:\n") + len(
        "The final chat.completion:\n"
    )
    end = out.index("\n}\n", start) + 2
    final = json.loads(out[start:end])
    assert final["object"] == "chat.completion"
    call = final["choices"][0]["message"]["tool_calls"][0]
    assert call["function"]["name"] == "save_notes"
    assert json.loads(call["function"]["arguments"])["format"] == "markdown"
    assert final["usage"]["total_tokens"] > 0


def test_events_prints_one_json_line_per_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "stream.txt"
    path.write_bytes(demo_bytes())
    assert main(["events", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 100
    assert json.loads(lines[-1]) == {
        "event": "message",
        "data": "[DONE]",
        "id": "",
        "retry": None,
    }


def test_events_on_a_cut_stream_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes(b"data: one\n\ndata: tw")
    assert main(["events", str(path)]) == 1
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 1
    assert "ended inside an event" in captured.err


def test_the_cli_module_has_no_dead_private_function() -> None:
    """Every private function of sseparse/cli.py is used in the module."""
    import ast
    import inspect

    import sseparse.cli

    tree = ast.parse(inspect.getsource(sseparse.cli))
    defined = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("_")
    }
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert defined - used == set()
