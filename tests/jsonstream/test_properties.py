"""Property-based tests of ``sseparse.jsonstream``.

1. Parity: ``close()`` is ``json.loads`` of the whole text, for any document and
   any split (type-exact, ``nan``-aware comparison).
2. Snapshots: each one extends the one before, the final value extends them all,
   ``parse_partial`` agrees, a path reported complete never changes again, and
   ``open_path`` names the one value still being read.
3. Events: independent of the split; the string deltas of a path add up to its
   final string; every value is started and done exactly once, in order.
4. Errors: for mutated documents, an error iff ``json.loads`` raises, at the same
   position for every split, from the ``feed()`` that brought the bad character.
5. The strategies of ``sseparse.testing`` keep their promises.
6. Linear cost: 16 times the document costs about 16 times the work, never 256.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from sseparse import JSONStreamError, UsageError
from sseparse.jsonstream import (
    MISSING,
    ContainerStarted,
    IncompleteJSON,
    JSONStreamParser,
    ParserState,
    StringDelta,
    ValueDone,
    parse_partial,
)
from sseparse.testing import json_deltas, json_texts, json_values, split_text
from sseparse.testing import same_json as same
from tests._work import assert_linear
from tests.jsonstream.test_cases import feed_all

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sseparse.jsonstream import JSONEvent

Path = tuple[str | int, ...]


# -- helpers -----------------------------------------------------------------------


def nodes(value: Any) -> Iterator[tuple[Path, Any]]:
    """Every (path, value) in *value*, the root first, parents before children."""
    todo: list[tuple[Path, Any]] = [((), value)]
    while todo:
        path, node = todo.pop()
        yield path, node
        if isinstance(node, dict):
            todo.extend(((*path, k), v) for k, v in reversed(node.items()))
        elif isinstance(node, list):
            todo.extend(((*path, i), v) for i, v in reversed(list(enumerate(node))))


def at(value: Any, path: Path) -> Any:
    for step in path:
        value = value[step]
    return value


def extends(old: Any, new: Any) -> bool:
    """Whether *new* is *old* with more text or members (nothing retracted).

    Only the last member of a container may have grown; the ones before it are
    complete and must be equal.  Documents come from ``json.dumps``, so no key
    repeats.
    """
    if old is MISSING:
        return True
    if type(old) is not type(new):
        return False
    if isinstance(old, str):
        return bool(new.startswith(old))
    if isinstance(old, list):
        if len(old) > len(new):
            return False
        if not old:
            return True
        done = all(same(a, b) for a, b in zip(old[:-1], new, strict=False))
        return done and extends(old[-1], new[len(old) - 1])
    if isinstance(old, dict):
        keys = list(old)
        if list(new)[: len(keys)] != keys:
            return False
        if not keys:
            return True
        done = all(same(old[k], new[k]) for k in keys[:-1])
        return done and extends(old[keys[-1]], new[keys[-1]])
    return same(old, new)


def final_value(pieces: list[str]) -> Any:
    parser = JSONStreamParser()
    feed_all(parser, pieces)
    return parser.close()


# -- 1. parity ---------------------------------------------------------------------


@given(st.data())
def test_close_equals_json_loads(data: st.DataObject) -> None:
    text = data.draw(json_texts(allow_nan=True, max_leaves=20), label="text")
    pieces = data.draw(json_deltas(text), label="pieces")
    expected = json.loads(text)
    assert same(final_value(pieces), expected)
    assert same(final_value([text]), expected)
    assert same(final_value(list(text)), expected)


@given(st.data())
def test_values_round_trip(data: st.DataObject) -> None:
    value = data.draw(
        json_values(max_leaves=20, allow_nan=True, lone_surrogates=True), label="value"
    )
    ensure_ascii = data.draw(st.booleans(), label="ensure_ascii")
    text = json.dumps(value, ensure_ascii=ensure_ascii)
    assert same(json.loads(text), value)
    assert same(final_value(data.draw(json_deltas(text), label="pieces")), value)


# -- 2. snapshots ------------------------------------------------------------------


def check_snapshots(text: str, pieces: list[str]) -> Any:
    """Feed *pieces* one by one and check every observable after each."""
    fresh = JSONStreamParser()
    assert fresh.snapshot() is MISSING
    assert fresh.open_path is None
    assert not fresh.is_complete()
    parser = JSONStreamParser()
    history: list[Any] = []
    complete: dict[Path, Any] = {}  # path -> value when first reported complete
    offset = 0
    for piece in pieces:
        assert parser.feed(piece) == []
        offset += len(piece)
        assert parser.offset == offset
        snap = copy.deepcopy(parser.snapshot())
        assert same(parse_partial(text[:offset]), snap)
        if history:
            assert extends(history[-1], snap), (history[-1], snap)
        history.append(snap)

        open_path = parser.open_path
        if snap is MISSING:
            # nothing yet, or a top-level number being read
            assert open_path is None or open_path == ()
        else:
            assert open_path is not None or parser.done
        if open_path is not None:
            # Its container exists; it and its ancestors are not complete.
            if open_path:
                assert isinstance(at(snap, open_path[:-1]), dict | list)
            for depth in range(len(open_path) + 1):
                assert not parser.is_complete(open_path[:depth])
        if snap is not MISSING:
            for path, node in nodes(snap):
                still_open = open_path is not None and open_path[: len(path)] == path
                assert parser.is_complete(path) is not still_open, path
                if not still_open and path not in complete:
                    complete[path] = copy.deepcopy(node)
        for path, node in complete.items():
            assert parser.is_complete(path), path
            assert same(at(snap, path), node), path
    if parser.state is ParserState.TOKEN:
        assert parser.open_path is not None
    final = parser.close()
    for snap in history:
        assert extends(snap, final), (snap, final)
    for path, node in complete.items():
        assert same(at(final, path), node)
    return final


@given(st.data())
def test_snapshots_grow_and_complete_paths_stay(data: st.DataObject) -> None:
    text = data.draw(json_texts(allow_nan=True, max_leaves=15), label="text")
    pieces = data.draw(json_deltas(text), label="pieces")
    assert same(check_snapshots(text, pieces), json.loads(text))


# -- 3. events ---------------------------------------------------------------------


def normalized(events: list[JSONEvent]) -> list[tuple[Any, ...]]:
    """Events as comparable tuples, consecutive deltas of one path merged."""
    out: list[tuple[Any, ...]] = []
    for event in events:
        if isinstance(event, StringDelta):
            assert event.delta, "an empty StringDelta says nothing"
            if out and out[-1][0] == "delta" and out[-1][1] == event.path:
                out[-1] = ("delta", event.path, out[-1][2] + event.delta)
            else:
                out.append(("delta", event.path, event.delta))
        elif isinstance(event, ContainerStarted):
            out.append(("start", event.path, event.kind))
        else:
            assert isinstance(event, ValueDone)
            out.append(("done", event.path, json.dumps(event.value, sort_keys=False)))
    return out


def event_trace(pieces: list[str]) -> tuple[list[JSONEvent], Any]:
    parser = JSONStreamParser(events=True)
    events: list[JSONEvent] = []
    for piece in pieces:
        events += parser.feed(piece)
    final = parser.close()
    # A top-level number or literal that only close() ends reports its
    # ValueDone through take_events().
    events += parser.take_events()
    return events, final


def check_events(events: list[JSONEvent], final: Any) -> None:
    all_nodes = dict(nodes(final))
    started: set[Path] = set()
    done: dict[Path, Any] = {}
    texts: dict[Path, str] = {}
    for event in events:
        path = event.path
        assert path in all_nodes, event
        assert path not in done, f"event after ValueDone: {event}"
        parent = path[:-1]
        if path:
            assert parent in started, f"no ContainerStarted before {event}"
            assert parent not in done, f"event after its container closed: {event}"
        if isinstance(event, ContainerStarted):
            assert path not in started
            node = all_nodes[path]
            assert event.kind == ("object" if isinstance(node, dict) else "array")
            started.add(path)
        elif isinstance(event, StringDelta):
            assert isinstance(all_nodes[path], str)
            texts[path] = texts.get(path, "") + event.delta
        else:
            assert isinstance(event, ValueDone)
            value = event.value
            if isinstance(value, dict | list):
                assert path in started
                steps = list(value) if isinstance(value, dict) else range(len(value))
                assert all((*path, step) in done for step in steps), event
            done[path] = value
    assert set(done) == set(all_nodes)
    for path, node in all_nodes.items():
        assert same(done[path], node), path
        if isinstance(node, str):
            assert texts.get(path, "") == node, path
        else:
            assert path not in texts
    assert started == {p for p, n in all_nodes.items() if isinstance(n, dict | list)}
    assert len([e for e in events if isinstance(e, ValueDone)]) == len(all_nodes)


@given(st.data())
def test_events_independent_of_split(data: st.DataObject) -> None:
    text = data.draw(json_texts(allow_nan=True, max_leaves=15), label="text")
    first = data.draw(json_deltas(text), label="first")
    second = data.draw(split_text(text), label="second")
    expected = json.loads(text)
    runs = [event_trace(pieces) for pieces in ([text], list(text), first, second)]
    for events, final in runs:
        assert same(final, expected)
        check_events(events, final)
    reference = normalized(runs[0][0])
    for events, _ in runs[1:]:
        assert normalized(events) == reference


# -- 4. errors ---------------------------------------------------------------------

_MUTATION_CHARS = '"\\u{}[],:0123456789-+.eEtfnNIa \t\n\r\x00\x1f/\ufeff\xa0x'


@st.composite
def mutated_texts(draw: st.DrawFn) -> str:
    """A valid document with one to three characters deleted, inserted, replaced."""
    text = draw(json_texts(allow_nan=True, max_leaves=12))
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["delete", "insert", "replace"]))
        char = draw(st.sampled_from(_MUTATION_CHARS))
        if kind == "delete":
            text = text[:index] + text[index + 1 :]
        elif kind == "insert":
            text = text[:index] + char + text[index:]
        else:
            text = text[:index] + char + text[index + 1 :]
    return text


def outcome(pieces: list[str]) -> tuple[str, Any]:
    """``("ok", value)``, or ``(where, error)`` with where "feed" or "close".

    For an error in ``feed()``, checks that the delta that raised holds the
    reported position, and that the parser then refuses further use.
    """
    parser = JSONStreamParser()
    start = 0
    error: JSONStreamError | None = None
    for piece in pieces:
        try:
            parser.feed(piece)
        except JSONStreamError as exc:
            error = exc
            break
        start += len(piece)
    else:
        try:
            return "ok", parser.close()
        except JSONStreamError as exc:
            error = exc
        assert error.pos == start
        return "close", error
    assert start <= error.pos < start + len(piece), (error.pos, start, piece)
    assert parser.state is ParserState.ERROR
    with pytest.raises(UsageError):
        parser.close()
    return "feed", error


def json_loads_fails(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:  # JSONDecodeError, or the int conversion limit
        return True
    return False


@given(st.data())
def test_errors_match_json_loads(data: st.DataObject) -> None:
    text = data.draw(mutated_texts(), label="text")
    pieces = data.draw(json_deltas(text), label="pieces")
    fails = json_loads_fails(text)
    results = [outcome(p) for p in ([text], list(text), pieces)]
    note(repr(results))
    for where, result in results:
        assert (where != "ok") is fails
        if not fails:
            assert same(result, json.loads(text))
    kinds = {(where, type(result)) for where, result in results}
    assert len(kinds) == 1, kinds
    where, error = results[0]
    if where == "ok":
        return
    assert {result.pos for _, result in results} == {error.pos}
    lineno = text.count("\n", 0, error.pos) + 1
    colno = error.pos - text.rfind("\n", 0, error.pos)
    assert (error.lineno, error.colno) == (lineno, colno)
    if where == "feed":
        # The text before the bad character is a prefix of some document.
        assert outcome([text[: error.pos]])[0] != "feed"
        assert outcome(list(text[: error.pos]))[0] != "feed"
    elif not isinstance(error, IncompleteJSON):
        # Complete but refused at the end: only an integer past int()'s limit.
        assert text.strip(" \t\n\r").lstrip("-").isdigit()


# Pieces of JSON text: the short texts built from them are often a prefix of a
# document, so the parser gets deep into its states before it fails.
_SNIPPETS = (
    *_MUTATION_CHARS,
    "\\u",
    "\\u00",
    "e9",
    "\\ud83d",
    "\\ude00",
    "\\\\",
    '"a"',
    '{"a":',
    "true",
    "nul",
    "NaN",
    "-Infinity",
    "1.5e3",
    "-0",
    "\u00e9",
    "\ud83d",
)


@given(st.lists(st.sampled_from(_SNIPPETS), max_size=8).map("".join), st.data())
def test_short_texts_match_json_loads(text: str, data: st.DataObject) -> None:
    pieces = data.draw(json_deltas(text), label="pieces")
    fails = json_loads_fails(text)
    results = [outcome(p) for p in ([text], list(text), pieces)]
    note(repr(results))
    assert {where != "ok" for where, _ in results} == {fails}
    if fails:
        assert len({(w, type(r), r.pos) for w, r in results}) == 1
    else:
        for _, result in results:
            assert same(result, json.loads(text))


# What a string may hold, valid or not: escapes whole and cut, escaped and
# unescaped backslashes before them, surrogate escapes, raw control characters.
_STRING_SNIPPETS = (
    "a",
    "\u00e9",
    "\ud83d",
    "\\",
    "\\\\",
    '\\"',
    "\\u",
    "\\u00",
    "e9",
    "\\ud83d",
    "\\ude00",
    "\\n",
    "u",
    "0",
    "g",
    "x",
    "\x00",
    "\x1f",
    "\n",
    '"',
)


@given(
    st.lists(st.sampled_from(_STRING_SNIPPETS), max_size=10).map("".join),
    st.booleans(),
    st.data(),
)
def test_strings_match_json_loads(
    body: str, in_array: bool, data: st.DataObject
) -> None:
    text = f'["{body}"]' if in_array else f'"{body}"'
    pieces = data.draw(json_deltas(text), label="pieces")
    fails = json_loads_fails(text)
    results = [outcome(p) for p in ([text], list(text), pieces)]
    note(repr(results))
    assert {where != "ok" for where, _ in results} == {fails}
    if fails:
        assert len({(w, type(r), r.pos) for w, r in results}) == 1
    else:
        for _, result in results:
            assert same(result, json.loads(text))


# -- 5. the strategies -------------------------------------------------------------


@given(st.data())
def test_strategies_cover_the_text(data: st.DataObject) -> None:
    text = data.draw(json_texts(allow_nan=True, max_leaves=20), label="text")
    text.encode("utf-8")  # no surrogate in the text itself
    json.loads(text)
    for strategy in (json_deltas(text), split_text(text)):
        pieces = data.draw(strategy)
        assert "".join(pieces) == text
        assert all(isinstance(piece, str) for piece in pieces)


# -- 6. linear cost ----------------------------------------------------------------


def _parse(
    pieces: list[str], snapshots: bool = False
) -> Iterator[Callable[[], object]]:
    """Steps: each delta fed to a fresh parser (and a snapshot), then ``close()``."""
    parser = JSONStreamParser()
    for piece in pieces:
        yield functools.partial(parser.feed, piece)
        if snapshots:
            yield parser.snapshot
    yield parser.close


def _long_string(size: int) -> str:
    unit = 'ab\\n\\"\\u00e9\\ud83d\\ude00 x'
    return '"' + unit * (size // len(unit)) + '"'


def _nested_long_string(size: int) -> str:
    """A long string in an object: a snapshot grows it in the tree, in place."""
    return '{"a": [' + _long_string(size) + "]}"


def _many_objects(size: int) -> str:
    unit = '{"id": 12, "name": "n\\u00e9", "ok": true, "v": [1.5, null]},'
    return "[" + unit * (size // len(unit)) + "{}]"


def _long_number(size: int) -> str:
    return "[" + "1" * size + ".5]"


def _deltas(text: str) -> list[str]:
    return [text[i : i + 8] for i in range(0, len(text), 8)]


@pytest.mark.parametrize(
    ("make", "size", "snapshots"),
    [
        pytest.param(_long_string, 4 * 1024, False, id="string"),
        pytest.param(_long_string, 4 * 1024, True, id="string-snapshots"),
        pytest.param(_nested_long_string, 4 * 1024, True, id="nested-string-snapshots"),
        pytest.param(_many_objects, 4 * 1024, False, id="objects"),
        pytest.param(_many_objects, 4 * 1024, True, id="objects-snapshots"),
        pytest.param(_long_number, 2 * 1024, False, id="number"),
    ],
)
def test_cost_is_linear(make: Callable[[int], str], size: int, snapshots: bool) -> None:
    small = _deltas(make(size))
    big = _deltas(make(16 * size))
    json.loads("".join(big))
    # Counted work, not time: the counts are the same on a busy machine (see
    # tests/_work.py).  Linear work gives about 16 per counter, quadratic 256.
    assert_linear(functools.partial(_parse, snapshots=snapshots), small, big)
