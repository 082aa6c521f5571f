"""Fuzz target for the incremental JSON parser (``sseparse.jsonstream``).

For any input bytes, decoded as UTF-8 (lone surrogates kept; invalid bytes
replaced when the input is not even that):

* fed whole, in pieces whose sizes the input chooses (empty pieces and
  one-character runs included) and character by character, the parser raises
  nothing but ``JSONStreamError`` (``IncompleteJSON`` included) and
  ``LimitExceeded`` - no ``IndexError``, ``RecursionError``, ``AssertionError``;
* it raises iff ``json.loads`` raises, and ``close()`` equals ``json.loads`` of
  the text (type-exact, ``nan`` equal to itself, ``-0.0`` apart from ``0.0``);
* every feeding fails the same way, at the same position, from the ``feed()``
  that brought that position; the parser then refuses use with ``UsageError``;
* ``snapshot()``, ``open_path`` and ``is_complete()`` work after every piece;
* with small limits only ``LimitExceeded`` or ``JSONStreamError`` escape, and
  whole, seeded pieces and character by character agree: the first problem in
  the text wins (a limit at the character that passes it, with ``observed``
  always ``maximum + 1``; a syntax error at its position);
* with the interpreter's integer digit limit lowered to 640 (odd first byte) an
  integer past it fails like ``json.loads``, the same for every feeding.

Documents nested past the default ``Limits.max_json_depth`` (1000) end in
``LimitExceeded``; those nested deeper than ``json.loads`` can recurse are not
compared with it.

Run with atheris (``python fuzz/fuzz_jsonstream.py -atheris_runs=100000``) or under
pytest (``pytest fuzz/fuzz_jsonstream.py``, hypothesis tests); see
``fuzz/README.md``.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import TYPE_CHECKING, Any

from _support import run_atheris, seeded_chunks
from hypothesis import given
from hypothesis import strategies as st

from sseparse import JSONStreamError, LimitExceeded, Limits, UsageError
from sseparse.jsonstream import JSONStreamParser, ParserState
from sseparse.testing import json_texts
from sseparse.testing import same_json as same

if TYPE_CHECKING:
    from collections.abc import Iterator

LOW_DIGIT_LIMIT = 640  # the smallest sys.set_int_max_str_digits() accepts


@contextlib.contextmanager
def _int_digit_limit(limit: int) -> Iterator[None]:
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(limit)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(old)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


def _refuses(parser: JSONStreamParser) -> bool:
    try:
        parser.feed("")
    except UsageError:
        return True
    return False


def _run(pieces: list[str], limits: Limits | None = None) -> tuple[str, Any]:
    """Feed and close; ``("ok", value)`` or ``(kind, error)``.

    Only JSONStreamError and LimitExceeded may escape the parser; anything else
    propagates and is a finding.
    """
    parser = JSONStreamParser(limits=limits)
    start = 0
    error: JSONStreamError | LimitExceeded
    for piece in pieces:
        try:
            parser.feed(piece)
        except (JSONStreamError, LimitExceeded) as exc:
            error = exc
            break
        start += len(piece)
        # The observers never raise, whatever the state.
        parser.snapshot()
        path = parser.open_path
        assert path is None or isinstance(path, tuple)
        assert not (path is not None and parser.is_complete(path))
    else:
        try:
            return "ok", parser.close()
        except (JSONStreamError, LimitExceeded) as exc:
            error = exc
        assert parser.state is ParserState.ERROR
        assert _refuses(parser)
        return f"close {type(error).__name__}", error
    assert parser.state is ParserState.ERROR
    assert _refuses(parser)
    if isinstance(error, JSONStreamError):
        assert start <= error.pos < start + len(piece), (error.pos, start)
    return f"feed {type(error).__name__}", error


def _signature(result: tuple[str, Any]) -> tuple[Any, ...]:
    """What must not depend on the chunking: the kind, and where or which limit."""
    kind, value = result
    if kind == "ok":
        return (kind,)
    if isinstance(value, JSONStreamError):
        return kind, value.pos
    return kind, value.limit, value.maximum, value.observed


def _json_loads(text: str) -> tuple[bool, Any]:
    """``(True, value)``; ``(False, None)`` on an error; ``(False,
    RecursionError)`` when the document is nested too deep for json.loads.
    """
    try:
        return True, json.loads(text)
    except RecursionError:
        return False, RecursionError
    except ValueError:  # JSONDecodeError, or the int conversion limit
        return False, None


def fuzz_one_input(data: bytes) -> None:
    """Check the JSON parser's invariants on one input; raise on any violation.

    Args:
        data: the fuzzer's input: all of it is the text (as UTF-8), the first
            eight bytes seed the split and the first byte picks small limits
            and, when odd, a lowered integer digit limit.
    """
    if data and data[0] % 2:
        with _int_digit_limit(LOW_DIGIT_LIMIT):
            _check(data)
    else:
        _check(data)


def _check(data: bytes) -> None:
    text = _text(data)
    whole = _run([text])
    runs = [whole, _run(seeded_chunks(text, data[:8]))]
    if len(text) <= 4096:
        runs.append(_run(list(text)))
    signatures = {_signature(run) for run in runs}
    assert len(signatures) == 1, signatures

    kind, value = whole
    if kind.endswith("LimitExceeded"):
        assert value.observed > value.maximum == getattr(Limits(), value.limit)
    else:
        ok, expected = _json_loads(text)
        if expected is not RecursionError:
            assert (kind == "ok") is ok, (kind, value)
            if ok:
                for _, result in runs:
                    assert same(result, expected)

    # Small limits: only the two parser errors, each sticky (checked by _run).
    first = data[0] if data else 0
    limits = Limits(
        max_json_depth=1 + first % 8,
        max_json_string_chars=1 + first % 16,
        max_json_number_chars=1 + first // 16,
        max_json_chars=1 + first * 4,
    )
    small = _run([text], limits)
    small_runs = [small, _run(seeded_chunks(text, data[-8:]), limits)]
    if len(text) <= 4096:
        small_runs.append(_run(list(text), limits))
    signatures = {_signature(run) for run in small_runs}
    assert len(signatures) == 1, signatures
    if small[0] == "ok":
        for _, result in small_runs:
            assert same(result, value)
    elif small[0].endswith("LimitExceeded"):
        assert small[1].observed == small[1].maximum + 1


@given(st.binary())
def test_fuzz_jsonstream_bytes(data: bytes) -> None:
    fuzz_one_input(data)


# Mostly valid documents, a few bytes changed: the paths random bytes rarely
# reach (deep inside strings, escapes and numbers).
@st.composite
def _near_json(draw: st.DrawFn) -> bytes:
    body = bytearray(draw(json_texts(allow_nan=True, max_leaves=12)).encode())
    for _ in range(draw(st.integers(0, 3))):
        if not body:
            break
        index = draw(st.integers(0, len(body) - 1))
        body[index : index + 1] = draw(st.binary(max_size=2))
    return bytes(body)


@given(_near_json())
def test_fuzz_jsonstream_near_json(data: bytes) -> None:
    fuzz_one_input(data)


# Integers around the lowered digit limit, whole or in fractions and exponents,
# in containers, a few bytes changed.
@st.composite
def _long_numbers(draw: st.DrawFn) -> bytes:
    numbers = []
    for _ in range(draw(st.integers(1, 3))):
        width = draw(st.integers(LOW_DIGIT_LIMIT - 2, LOW_DIGIT_LIMIT + 2))
        sign = draw(st.sampled_from(("", "-")))
        tail = draw(st.sampled_from(("", "", ".5", "e2", "E-1")))
        numbers.append(sign + "9" * width + tail)
    body = bytearray(
        draw(st.sampled_from(("[{}]", '{{"a": {}}}', "{}")))
        .format(", ".join(numbers))
        .encode()
    )
    for _ in range(draw(st.integers(0, 2))):
        index = draw(st.integers(0, len(body) - 1))
        body[index : index + 1] = draw(st.binary(max_size=2))
    # The first byte picks the digit limit: an odd one (tab, CR) lowers it.
    return draw(st.sampled_from((b"\t", b"\r", b" ", b"\n"))) + bytes(body)


@given(_long_numbers())
def test_fuzz_jsonstream_long_numbers(data: bytes) -> None:
    fuzz_one_input(data)


def main() -> None:
    """Run the target under atheris, with sseparse instrumented for coverage."""
    run_atheris(fuzz_one_input)


if __name__ == "__main__":
    main()
