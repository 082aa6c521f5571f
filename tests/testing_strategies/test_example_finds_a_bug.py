"""``examples/find_a_decoder_bug.py`` finds its naive decoder's bug, every run.

The script runs as a subprocess (no server: it needs only hypothesis); it must
exit 0, print hypothesis' shrunk counterexample, the reads it was cut into,
what each decoder made of them (which differ), and the bug's nature; and two
runs print the same (the search is derandomized, with no example database).
"""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.transport.servers import REPO_ROOT

SCRIPT = REPO_ROOT / "examples" / "find_a_decoder_bug.py"
BUGS = (
    "it decodes each read on its own, so an event cut across reads is lost",
    "it strips every space after the colon, where the spec strips one",
)


def _run() -> str:
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _value(output: str, label: str) -> object:
    line = next(line for line in output.splitlines() if line.strip().startswith(label))
    return ast.literal_eval(line.split(":", 1)[1].strip())


def test_the_example_prints_the_shrunk_counterexample_and_the_bug() -> None:
    first = _run()
    lines = first.splitlines()
    assert lines[0] == "Hypothesis found a counterexample and shrank it:"
    assert "Failing test case: test_naive_decoder(" in first
    assert "ServerSentEvent(" in first
    reads = _value(first, "reads:")
    assert isinstance(reads, list)
    assert all(isinstance(read, bytes) for read in reads)
    assert _value(first, "SSEDecoder:") != _value(first, "naive_decode:")
    assert lines[-1].removeprefix("bug: ") in BUGS
    assert _run() == first
