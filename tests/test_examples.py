"""Every script in ``examples/`` runs and prints exactly the live server's stream.

Each script is run as a subprocess against ``/llm`` of the transport tests' SSE
server (sse-starlette under uvicorn on 127.0.0.1); its JSON lines must equal the
events that server sent.  A script whose client library is missing is skipped on a
developer's machine and fails under CI (``CI`` set), where the ``test`` extra
installs every one of them.

Last, the suite-wide rule of ``tests/conftest.py`` is checked: under CI, any skip
(a call, a marker, a fixture, a module-level ``importorskip``) is a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.conftest import under_ci
from tests.transport.servers import REPO_ROOT, running_sse_server
from tests.transport.servers.sse_app import RECORDED
from tests.transport.servers.streams import llm_json_lines

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

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

# The recipes of the README's "Already using the openai or anthropic SDK?": each
# runs against the server's recorded LLM streams (tests/data/, served by
# sse_app.RECORDED) and prints the text, then each final object as a JSON line.
# Script -> (its library, the URL paths it is given, the recordings it reads).
RECIPES: dict[str, tuple[tuple[str, ...], list[list[str]]]] = {
    "openai_sdk_chat.py": (("openai",), [[""]]),
    "openai_sdk_responses.py": (("openai",), [[""]]),
    "anthropic_sdk_messages.py": (("anthropic",), [[""]]),
    "httpx_llm.py": (
        ("httpx",),
        [["/v1/chat/completions"], ["/v1/messages"], ["/v1/responses"]],
    ),
    "aiohttp_llm.py": (
        ("aiohttp",),
        [["/v1/messages", "/v1/responses", "/v1/chat/completions"]],
    ),
}
_SDK_PATH = {
    "openai_sdk_chat.py": "/v1/chat/completions",
    "openai_sdk_responses.py": "/v1/responses",
    "anthropic_sdk_messages.py": "/v1/messages",
}

# Scripts that need no server, each tested by its own test file.
OFFLINE = {
    "find_a_decoder_bug.py": "tests/testing_strategies/test_example_finds_a_bug.py",
}

RUN_TIMEOUT = 120.0
"""Seconds one script may take (it needs about one; the machine may be loaded)."""


def require(script: str, modules: tuple[str, ...]) -> None:
    """Skip, or fail under CI, when one of *modules* is not installed."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        message = f"{script} needs {', '.join(missing)}, which is not installed"
        if under_ci():
            pytest.fail(
                f"{message}; CI must install the `test` extra "
                "(pip install -e '.[test]'), which has every client library"
            )
        pytest.skip(message)


@pytest.fixture(scope="module")
def llm_url() -> Iterator[str]:
    """The ``/llm`` URL of a live SSE server, for this module."""
    with running_sse_server() as base:
        yield f"{base}/llm"


@pytest.mark.parametrize("script", list(EXAMPLES))
def test_example_prints_the_stream(llm_url: str, script: str) -> None:
    """The script exits 0 and prints one JSON line per event, equal to the events
    the server sent."""
    require(script, EXAMPLES[script])
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


def _golden(path: str) -> dict[str, object]:
    folder, name = RECORDED[path]
    golden = REPO_ROOT / "tests" / "data" / folder / f"{name}.final.json"
    final: dict[str, object] = json.loads(golden.read_text(encoding="utf-8"))
    return final


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_sse_server() as base:
        yield base


@pytest.mark.parametrize(
    ("script", "paths"),
    [(script, paths) for script, (_, runs) in RECIPES.items() for paths in runs],
)
def test_recipe_prints_the_text_and_the_final_object(
    base_url: str, script: str, paths: list[str]
) -> None:
    """The recipe exits 0; its JSON lines are the recordings' hand-written
    golden finals, in order (so the SDK's raw bytes reached stream() whole)."""
    require(script, RECIPES[script][0])
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "*"}
    args = [base_url + path for path in paths]
    result = subprocess.run(
        [sys.executable, str(EXAMPLES_DIR / script), *args],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        env=env,
        cwd=REPO_ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    finals = [
        json.loads(line)
        for line in result.stdout.splitlines()
        if line.startswith("{") and line.endswith("}")
    ]
    served = [_SDK_PATH.get(script, path) for path in paths]
    assert finals == [_golden(path) for path in served]


def test_every_example_is_tested_and_listed() -> None:
    """Each script in examples/ is in this test's table and in examples/README.md."""
    scripts = sorted(path.name for path in EXAMPLES_DIR.glob("*.py"))
    assert scripts == sorted([*EXAMPLES, *RECIPES, *OFFLINE])
    readme = (EXAMPLES_DIR / "README.md").read_text(encoding="utf-8")
    assert [name for name in scripts if f"`{name}`" not in readme] == []


# ------------------------------------------------------- no skips under CI

SKIPPING_TESTS = """
import pytest

def test_call():
    pytest.skip("by a call")

@pytest.mark.skip(reason="by a marker")
def test_marker():
    pass

@pytest.mark.skipif(True, reason="by a condition")
def test_condition():
    pass

@pytest.fixture
def needs_a_library():
    pytest.importorskip("sseparse_no_such_module")

def test_fixture(needs_a_library):
    pass

@pytest.mark.xfail(reason="an expected failure is not a skip")
def test_expected_failure():
    assert False

def test_runs():
    pass
"""

SKIPPING_MODULE = """
import pytest

pytest.importorskip("sseparse_no_such_module")

def test_never_collected():
    pass
"""


def _run_with_our_conftest(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    """Run pytest on the skipping tests above, with this suite's conftest.py."""
    shutil.copy(REPO_ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_skipping.py").write_text(SKIPPING_TESTS, encoding="utf-8")
    (tmp_path / "test_skipping_module.py").write_text(SKIPPING_MODULE, encoding="utf-8")
    env = {**os.environ, "CI": ci}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rA",
            "--continue-on-collection-errors",
        ],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        env=env,
        cwd=tmp_path,
        check=False,
    )


def _summary(output: str) -> list[str]:
    """The short-summary lines: ``OUTCOME file::test``."""
    return sorted(
        " ".join(line.split()[:2])
        for line in output.splitlines()
        if line.split(" ", 1)[0] in ("PASSED", "FAILED", "ERROR", "SKIPPED", "XFAIL")
    )


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)]
)
def test_a_missing_client_library(
    monkeypatch: pytest.MonkeyPatch, ci: str, outcome: type[BaseException]
) -> None:
    """Fails under CI, naming the script, the library and the extra; else skips."""
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome) as info:
        require("x.py", ("json", "sseparse_no_such_module"))
    assert str(info.value).startswith(
        "x.py needs sseparse_no_such_module, which is not installed"
    )
    assert ("`test` extra" in str(info.value)) is bool(ci)


def test_a_skip_under_ci_is_a_failure(tmp_path: Path) -> None:
    result = _run_with_our_conftest(tmp_path, ci="true")
    assert result.returncode == 1, result.stdout
    assert _summary(result.stdout) == [
        "ERROR test_skipping.py::test_condition",
        "ERROR test_skipping.py::test_fixture",
        "ERROR test_skipping.py::test_marker",
        "ERROR test_skipping_module.py",
        "FAILED test_skipping.py::test_call",
        "PASSED test_skipping.py::test_runs",
        "XFAIL test_skipping.py::test_expected_failure",
    ]
    assert "skipped under CI" in result.stdout
    assert "by a marker" in result.stdout


def test_a_skip_outside_ci_stays_a_skip(tmp_path: Path) -> None:
    result = _run_with_our_conftest(tmp_path, ci="")
    assert result.returncode == 0, result.stdout
    assert "skipped under CI" not in result.stdout
    assert [line.split()[0] for line in _summary(result.stdout)].count("SKIPPED") == 5
