"""The smoke runner of ``fuzz/`` (``python -m fuzz --smoke``) does its job.

It finds planted bugs (an undocumented exception, an event lost in one
chunking, a buffer that grows with the input) and reports a seed and index that
rebuild the failing input; it runs every target, exactly the number of inputs
asked, and a time cap stops it early without failing it.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import _corpus
import _smoke
import pytest

from sseparse import Limits, ServerSentEvent, SSEDecoder

if TYPE_CHECKING:
    from collections.abc import Iterator

FUZZ = Path(_smoke.__file__).resolve().parent


class _Wrapped:
    """An ``SSEDecoder`` whose ``feed`` / ``close`` results pass through
    :meth:`check` (a planted bug), everything else as it is."""

    def __init__(self, decoder: SSEDecoder[Any]) -> None:
        self.decoder = decoder

    def __getattr__(self, name: str) -> Any:
        return getattr(self.decoder, name)

    def feed(self, data: bytes) -> list[Any]:
        return self.check(self.decoder.feed(data), data)

    def close(self) -> list[Any]:
        return self.check(self.decoder.close(), b"")

    def check(self, items: list[Any], data: bytes) -> list[Any]:
        return items


class _RaisesKeyError(_Wrapped):
    """Raises ``KeyError`` (not documented) for an event whose data is not
    valid UTF-8 (U+FFFD in it), which only a mutation makes."""

    def check(self, items: list[Any], data: bytes) -> list[Any]:
        for item in items:
            if isinstance(item, ServerSentEvent) and "\ufffd" in item.data:
                raise KeyError("planted")
        return items


class _DropsInOneChunking(_Wrapped):
    """Loses the events that a read of one byte completes."""

    def check(self, items: list[Any], data: bytes) -> list[Any]:
        return items if len(data) != 1 else []


class _Planted(_smoke.SSETarget):
    """The SSE target, without its module's checks, on a planted decoder."""

    def __init__(self, wrapper: type[_Wrapped]) -> None:
        super().__init__("planted", "a planted bug")
        self.wrapper = wrapper

    def decoder(self, limits: Limits | None) -> Any:
        return self.wrapper(SSEDecoder(limits=limits, comments=True))


class _Hoards(_smoke.SSETarget):
    """A machine that keeps a copy of everything it reads, limits or not."""

    def __init__(self) -> None:
        super().__init__("hoards", "keeps every read")
        self.kept: list[bytearray] = []

    def drain(
        self, data: bytes, reads: Iterator[bytes | memoryview], limits: Limits
    ) -> None:
        self.kept = [bytearray(read) for read in reads]


def _quiet(inputs: int = 60, **options: Any) -> dict[str, Any]:
    lines: list[str] = []
    return {"inputs": inputs, "out": lines.append, "seconds": 1e9, **options}


def test_every_fuzz_target_has_a_smoke_target() -> None:
    files = {path.stem.removeprefix("fuzz_") for path in FUZZ.glob("fuzz_*.py")}
    names = [target.name for target in _smoke.targets()]
    assert sorted(names) == sorted(files)
    for target in _smoke.targets():
        assert target.module is not None
        assert target.module.__name__ == f"fuzz_{target.name}"


def test_list_names_every_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert _smoke.main(["--list"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == [target.name for target in _smoke.targets()]


def test_python_m_fuzz_runs_from_the_repository_root() -> None:
    """The command of .ci/run, as CI runs it (fuzz/ is not a package)."""
    done = subprocess.run(
        [sys.executable, "-m", "fuzz", "--smoke", "--inputs", "1", "--target", "sse"],
        cwd=FUZZ.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "fuzz smoke: seed 0, 1 inputs a target" in done.stdout
    assert done.stdout.rstrip().endswith("fuzz smoke: ok")


def test_every_target_runs_exactly_the_inputs_asked() -> None:
    report = _smoke.run(_smoke.targets(), **_quiet(inputs=8))
    assert report.ok, [t.failure for t in report.targets]
    assert [t.name for t in report.targets] == [t.name for t in _smoke.targets()]
    for result in report.targets:
        assert (result.inputs, result.planned) == (8, 8), result
        assert result.memory_checks == 1  # input 7
        assert not result.stopped_early


def test_the_time_cap_stops_early_and_does_not_fail() -> None:
    """Past its share of the time, a target stops (once it ran a few inputs)."""
    ticks = iter(range(0, 10**6, 100))  # every look at the clock: 100 s later

    report = _smoke.run(
        _smoke.targets()[:2],
        **_quiet(inputs=50, seconds=150.0, clock=lambda: float(next(ticks))),
    )
    assert report.ok
    for result in report.targets:
        assert result.stopped_early
        assert result.inputs == _smoke.MIN_INPUTS  # every target runs a few


def test_an_undocumented_exception_is_found_with_its_seed() -> None:
    target = _Planted(_RaisesKeyError)
    lines: list[str] = []
    report = _smoke.run([target], seed="s1", inputs=80, seconds=1e9, out=lines.append)
    assert not report.ok
    failure = report.targets[0].failure
    assert failure is not None
    assert "KeyError: 'planted'" in failure.error
    assert report.targets[0].inputs == failure.index + 1  # stopped at the first
    # The report names the command that rebuilds it, and that input is the same.
    command = "python -m fuzz --smoke --seed s1 --target planted --index"
    assert f"reproduce: {command} {failure.index}" in "\n".join(lines)
    data, origin = _smoke.make_input(target, target.corpus(), "s1", failure.index)
    assert (data, origin) == (failure.data, failure.origin)
    again = _smoke.run([target], **_quiet(seed="s1", index=failure.index))
    rerun = again.targets[0].failure
    assert rerun is not None
    assert (rerun.index, rerun.data, rerun.error) == (
        failure.index,
        failure.data,
        failure.error,
    )


def test_an_event_lost_in_one_chunking_is_found() -> None:
    report = _smoke.run([_Planted(_DropsInOneChunking)], **_quiet(inputs=4))
    failure = report.targets[0].failure
    assert failure is not None
    assert failure.index == 0
    assert "fed byte by byte" in failure.error
    assert "items instead of" in failure.error


def test_a_buffer_that_grows_with_the_input_is_found() -> None:
    target = _Hoards()
    data = _corpus.sse_captures("openai_chat")[0][1]
    with pytest.raises(AssertionError, match="memory: a peak of"):
        _smoke.check_memory(target, data, random.Random(0))
    assert sum(map(len, target.kept)) >= _smoke.AMPLIFIED_BYTES
    report = _smoke.run([target], **_quiet(inputs=_smoke.MEMORY_EVERY))
    failure = report.targets[0].failure
    assert failure is not None
    assert failure.index == _smoke.MEMORY_EVERY - 1
    assert "memory: a peak of" in failure.error


def test_the_real_decoder_stays_within_its_limits() -> None:
    target = _smoke.targets()[0]
    for name, data in _corpus.sse_captures()[:6]:
        assert _smoke.check_memory(target, data, random.Random(name)) > 0


def test_inputs_depend_on_seed_target_and_index_only() -> None:
    target = _smoke.targets()[2]
    corpus = target.corpus()
    first = [_smoke.make_input(target, corpus, 3, i) for i in range(12)]
    assert first == [_smoke.make_input(target, corpus, 3, i) for i in range(12)]
    assert first != [_smoke.make_input(target, corpus, 4, i) for i in range(12)]
    unchanged = [origin for _, origin in first if origin.endswith(", unchanged")]
    assert len(unchanged) == 6  # the even ones, while seeds remain
    assert all(", then " in origin for _, origin in first[1::2])


def test_the_corpora_come_from_tests_data() -> None:
    captures = sorted(_corpus.DATA.glob("*/*.sse"))
    assert len(captures) > 50
    names = {name for name, _ in _corpus.sse_captures()}
    assert names == {f"tests/data/{p.parent.name}/{p.name}" for p in captures}
    documents = {name for name, _ in _corpus.json_documents()}
    assert "tests/data/openai_responses/manifest.json" in documents
    assert any(" line " in name for name in documents)  # event payloads
    responses = [name for name, _ in _corpus.http_responses()]
    for framing in ("length", "chunks", "close", "gzip_chunked", "deflate"):
        assert any(name.endswith(f"({framing})") for name in responses), framing


def test_write_corpus_writes_each_target_seeds(tmp_path: Path) -> None:
    http = _smoke.targets()[-1]
    _smoke.write_corpus([http], tmp_path, 0)
    written = sorted((tmp_path / "http").iterdir())
    assert len(written) == len(http.corpus())
    assert written[0].read_bytes()[1:].startswith(b"HTTP/1.1 ")


def test_the_command_line_exit_status(tmp_path: Path) -> None:
    assert _smoke.main(["--smoke", "--target", "sse", "--inputs", "3"]) == 0
    with pytest.raises(SystemExit) as usage:
        _smoke.main(["--smoke", "--target", "nope"])
    assert usage.value.code == 2
