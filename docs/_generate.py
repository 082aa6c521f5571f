"""The tables of the docs that come from the code, so that they cannot drift.

An mkdocs hook (``hooks:`` in ``mkdocs.yml``): every line of a page that is
exactly ``<!-- generated: NAME -->`` is replaced by the Markdown that
``TABLES[NAME]()`` returns.  An unknown name fails the build.

What it generates:

* tables read from the code's own tables: the Anthropic and Responses
  ``TRANSITIONS``, ``DELTAS`` and ``ITEM_EVENTS``, the merge tables
  (``render()``), the finish tables, the event classes of each protocol's
  union;
* the members of each state enum, with the comment the source gives each;
* observed transitions: each machine is driven through a fixed set of small
  scenarios (the ``observe()`` calls below; the JSON parser over a corpus,
  one character at a time), and every distinct ``(state, input) -> state``
  step it takes is a row.  The inputs are chosen here; what the machine does
  with them is read from the machine, and every member of its state enum must
  be reached, else the build fails;
* the ``:::`` block of ``sseparse.llm``'s reference, from its ``__all__``;
* the front page's speed tables, from what ``python -m benchmarks`` measured
  (``benchmarks/results/*.json``): every workload's ratios, every goal.

It also keeps griffe's warnings about grouped docstring entries out of the
strict build (:class:`GroupedNames`).

``tests/docs/test_generated.py`` imports this module by path and checks the
same things without a build.
"""

from __future__ import annotations

import enum
import inspect
import json
import logging
import re
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

MARKER = re.compile(r"^<!-- generated: ([a-z0-9-]+) -->$", re.MULTILINE)


# ------------------------------------------------------------------ helpers


def _code(text: object) -> str:
    return f"`{text}`"


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [cell.replace("|", "\\|").replace("\n", " ") for cell in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def member_notes(cls: type[enum.Enum]) -> dict[str, str]:
    """The comment of each member of *cls*: ``#:`` lines above it or ``# ...``
    after it in the source, else its value."""
    notes: dict[str, str] = {}
    above: list[str] = []
    for line in inspect.getsource(cls).splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            above.append(stripped.lstrip("#:").strip())
            continue
        match = re.match(r"([A-Z_]+) = .*?(?:#\s*(.*))?$", stripped)
        if match:
            comment = " ".join([*above, match.group(2) or ""]).strip()
            notes[match.group(1)] = comment or str(cls[match.group(1)].value)
        above = []
    return notes


def states_table(cls: type[enum.Enum]) -> str:
    notes = member_notes(cls)
    return _table(
        ["state", "meaning"],
        ([_code(member.name), notes[member.name]] for member in cls),
    )


# ------------------------------------------------------- observed machines

# A step of a scenario: a label for the table, a method and its arguments.
Step = tuple[str, str, tuple[Any, ...]]
Row = tuple[str, str, str, str]


def _step(label: str, method: str, *args: Any) -> Step:
    return (label, method, args)


def observe(
    state_of: Callable[[Any], enum.Enum | str],
    scenarios: Iterable[tuple[Callable[[], Any], list[Step]]],
) -> list[Row]:
    """Run each scenario; the distinct ``(state, input, next state, raises)``.

    A scenario is a factory and its steps.  An error a step raises is
    recorded by its class name, and the scenario goes on (a machine's error
    state is part of what is shown).
    """
    rows: list[Row] = []
    for factory, steps in scenarios:
        machine = factory()
        for label, method, args in steps:
            before = state_of(machine)
            raised = ""
            try:
                getattr(machine, method)(*args)
            except Exception as exc:
                raised = type(exc).__name__
            row = (_name(before), label, _name(state_of(machine)), raised)
            if row not in rows:
                rows.append(row)
    return rows


def _name(state: enum.Enum | str) -> str:
    return state.name if isinstance(state, enum.Enum) else state


def transitions_table(rows: list[Row], every: Iterable[str] = ()) -> str:
    """*rows* as Markdown; fails when a state of *every* is never reached."""
    reached = {row[0] for row in rows} | {
        state for row in rows for state in row[2].split(" or ")
    }
    missing = [name for name in every if name not in reached]
    if missing:
        raise RuntimeError(f"the scenarios never reach {missing}: add one")
    return _table(
        ["state", "input", "next state", "raises"],
        (
            [
                _code(before),
                label,
                " or ".join(_code(state) for state in after.split(" or ")),
                _code(raised) if raised else "",
            ]
            for before, label, after, raised in rows
        ),
    )


# The SSE decoder.

_EVENT = b"data: hi\n\n"


def _sse() -> str:
    from sseparse import DecoderState, Limits, SSEDecoder

    def small() -> SSEDecoder[Any]:
        return SSEDecoder(limits=Limits(max_line_bytes=8))

    event = _step("`feed(b'data: hi\\n\\n')`", "feed", _EVENT)
    close = _step("`close()`", "close")
    long_line = _step("`feed()`: a line past `max_line_bytes`", "feed", b"data: " * 4)
    rows = observe(
        lambda d: d.state,
        [
            (SSEDecoder, [_step("`feed(b'')`", "feed", b"")]),
            (
                SSEDecoder,
                [_step("`feed(b'\\xef\\xbb')`: half a BOM", "feed", b"\xef\xbb")],
            ),
            (SSEDecoder, [event, event, close, event, close]),
            (SSEDecoder, [close]),
            (small, [event, long_line, event, close]),
        ],
    )
    return transitions_table(rows, (s.name for s in DecoderState))


# The JSON parser, fed one character at a time.

_JSON_CORPUS = (
    '{"a": [1, -2.5e3, "x\\n\\u00e9y", true, null, {}], "b" : {"c": false}}',
    " [ ] ",
    '"s"',
    "12",
    "NaN",
    '[{"k": []} , [ 1 ,2] ]',
    "{ }",
)
_JSON_ERRORS = ("[1 x]", '{"a" 1}', "}")


def _char_class(char: str) -> str:
    if char in " \t\r\n":
        return "whitespace"
    if char.isdigit():
        return "a digit"
    if char.isalpha():
        return "a letter"
    return _code(char)


class _JSONSteps:
    """The steps of JSON parsers, merged by ``(state, input)``."""

    def __init__(self) -> None:
        self.after: dict[tuple[str, str], list[str]] = {}
        self.raises: dict[tuple[str, str], str] = {}

    def step(self, parser: Any, label: str, method: str, *args: Any) -> None:
        before = parser.state.name
        try:
            getattr(parser, method)(*args)
        except Exception as exc:
            self.raises[(before, label)] = type(exc).__name__
        targets = self.after.setdefault((before, label), [])
        if parser.state.name not in targets:
            targets.append(parser.state.name)

    def rows(self) -> list[Row]:
        return [
            (before, label, " or ".join(after), self.raises.get((before, label), ""))
            for (before, label), after in self.after.items()
        ]


def json_rows() -> list[Row]:
    """The parser's steps over the corpus, one character per ``feed()``."""
    from sseparse.jsonstream import JSONStreamParser

    steps = _JSONSteps()
    for text in _JSON_CORPUS:
        parser = JSONStreamParser()
        for char in text:
            steps.step(parser, _char_class(char), "feed", char)
        steps.step(parser, "`close()`", "close")
        steps.step(parser, "`feed()` after `close()`", "feed", " ")
    for text in _JSON_ERRORS:
        parser = JSONStreamParser()
        for char in text:
            steps.step(parser, _char_class(char), "feed", char)
            if parser.state.name == "ERROR":
                steps.step(parser, "`feed()` after an error", "feed", " ")
                break
    parser = JSONStreamParser()
    parser.feed("[1")
    steps.step(parser, "`close()` of a cut document", "close")
    return steps.rows()


def _json() -> str:
    from sseparse.jsonstream import ParserState

    order = {state.name: n for n, state in enumerate(ParserState)}
    rows = sorted(json_rows(), key=lambda row: order[row[0]])
    table = transitions_table(rows, (s.name for s in ParserState))
    return table.replace("| input |", "| next character (or call) |", 1)


# The three accumulators' public state.


def _sse_event(data: Mapping[str, Any] | str) -> Any:
    from sseparse import ServerSentEvent

    text = data if isinstance(data, str) else json.dumps(data)
    return ServerSentEvent(data=text)


def _chat(delta: dict[str, Any], finish: str | None = None) -> Any:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return _sse_event(
        {"object": "chat.completion.chunk", "id": "c", "choices": [choice]}
    )


def _anthropic_events() -> list[Any]:
    usage = {"input_tokens": 1, "output_tokens": 0}
    message = {"id": "m", "type": "message", "role": "assistant", "usage": usage}
    text = {"type": "text_delta", "text": "Hi"}
    payloads: list[dict[str, Any]] = [
        {"type": "message_start", "message": {**message, "content": []}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text"}},
        {"type": "content_block_delta", "index": 0, "delta": text},
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}},
    ]
    return [_sse_event(payload) for payload in payloads]


def _responses_events() -> list[Any]:
    response = {"id": "r", "object": "response", "status": "in_progress"}
    item = {"id": "i", "type": "message", "role": "assistant", "content": []}
    payloads: list[dict[str, Any]] = [
        {"type": "response.created", "response": {**response, "output": []}},
        {"type": "response.output_item.added", "output_index": 0, "item": item},
    ]
    return [_sse_event(payload) for payload in payloads]


class _Fed:
    """An accumulator with a ``feed_all`` step: several events at once."""

    def __init__(self, acc: Any) -> None:
        self.acc = acc

    def __getattr__(self, name: str) -> Any:
        return getattr(self.acc, name)

    def feed_all(self, events: list[Any]) -> None:
        for event in events:
            self.acc.feed(event)


def _accumulators() -> str:
    from sseparse.llm import (
        AccumulatorState,
        AnthropicMessagesAccumulator,
        OpenAIChatAccumulator,
        OpenAIResponsesAccumulator,
    )

    def chat() -> _Fed:
        return _Fed(OpenAIChatAccumulator())

    def anthropic() -> _Fed:
        return _Fed(AnthropicMessagesAccumulator())

    def responses() -> _Fed:
        return _Fed(OpenAIResponsesAccumulator())

    hello = _chat({"content": "Hi"})
    end = "the end: `data: [DONE]`, `message_stop`, a terminal `response.*`"
    terminal = {"type": "response.completed", "response": {"status": "completed"}}
    error = {"type": "error", "error": {"type": "overloaded_error"}}
    chunks = _step("events", "feed_all", [hello])
    close = _step("`close()`", "close")
    feed = _step("`feed()`", "feed", hello)
    early = _step("`close()` before the end", "close")
    rows = observe(
        lambda fed: fed.acc.state,
        [
            (
                chat,
                [
                    chunks,
                    _step(end, "feed", _sse_event("[DONE]")),
                    _step("any event after the end", "feed", hello),
                    close,
                    feed,
                    close,
                ],
            ),
            (
                chat,
                [
                    _step("events", "feed_all", [hello, _chat({}, "stop")]),
                    _step("`close()`, every chat choice finished", "close"),
                ],
            ),
            (chat, [chunks, early, feed]),
            (chat, [_step("an error", "feed", _sse_event({"error": {}}))]),
            (
                anthropic,
                [
                    _step("events", "feed_all", _anthropic_events()),
                    _step(end, "feed", _sse_event({"type": "message_stop"})),
                    close,
                ],
            ),
            (
                anthropic,
                [_step("an event out of order", "feed_all", [_anthropic_events()[2]])],
            ),
            (anthropic, [_step("an error", "feed", _sse_event(error))]),
            (
                responses,
                [
                    _step("events", "feed_all", _responses_events()),
                    _step(end, "feed", _sse_event(terminal)),
                    close,
                ],
            ),
            (responses, [_step("events", "feed_all", _responses_events()), early]),
        ],
    )
    return transitions_table(rows, (s.name for s in AccumulatorState))


def _phases(module: Any, phase: type[enum.Enum]) -> str:
    table: Mapping[tuple[enum.Enum, str], tuple[Callable[..., Any], enum.Enum]]
    table = module.TRANSITIONS
    rows = [
        [_code(at.name), _code(kind), _code(after.name), _code(handler.__name__)]
        for state in phase
        for (at, kind), (handler, after) in table.items()
        if at is state
    ]
    return _table(["phase", "payload `type`", "next phase", "handler"], rows)


def _by_kind(mapping: Iterable[tuple[enum.Enum, str]], headers: list[str]) -> str:
    grouped: dict[enum.Enum, list[str]] = {}
    for kind, event in mapping:
        grouped.setdefault(kind, []).append(_code(event))
    return _table(
        headers,
        ([_code(kind.name), ", ".join(events)] for kind, events in grouped.items()),
    )


# The HTTP connection and the reconnector.

_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
_CHUNKED = _HEAD + b"Transfer-Encoding: chunked\r\n\r\n"
_NO_CONTENT = b"HTTP/1.1 204 No Content\r\n\r\n"
_REFUSED = b"HTTP/1.1 429 Too Many Requests\r\nContent-Length: 11\r\n\r\n"
_URL = "http://example.com/events"


def _connection() -> str:
    from sseparse.transport import ConnectionState, EventStreamConnection, Request

    def new() -> EventStreamConnection[Any]:
        return EventStreamConnection(Request.get(_URL))

    head = _step("`feed()`: a 2xx `text/event-stream` head", "feed", _CHUNKED)
    feed = _step("`feed()`", "feed", b"x")
    rows = observe(
        lambda c: c.state,
        [
            (
                new,
                [
                    head,
                    _step("`feed()`: body bytes", "feed", b"a\r\n" + _EVENT + b"\r\n"),
                    _step("`feed()`: the body's end", "feed", b"0\r\n\r\n"),
                    _step("`close()`", "close"),
                    feed,
                ],
            ),
            (
                new,
                [
                    _step("`feed()`: a head without a length", "feed", _HEAD + b"\r\n"),
                    _step("`close()`: the peer closed", "close"),
                ],
            ),
            (
                new,
                [
                    head,
                    _step("`feed()`: part of a chunk", "feed", b"ff\r\ndata"),
                    _step("`close()` inside a chunk", "close"),
                    feed,
                ],
            ),
            (new, [_step("`feed()`: a `204 No Content` head", "feed", _NO_CONTENT)]),
            (
                new,
                [
                    _step(
                        "`feed()`: a non-2xx head, or a wrong type", "feed", _REFUSED
                    ),
                    _step("`feed()`: the start of its body", "feed", b'{"error":1'),
                    _step("`feed()`: the rest of its body", "feed", b"}"),
                ],
            ),
            (new, [_step("`feed()`: bytes that are not HTTP", "feed", b"hi\r\n\r\n")]),
        ],
    )
    return transitions_table(rows, (s.name for s in ConnectionState))


def _reconnector() -> str:
    from sseparse.transport import Reconnector, ReconnectorState, Request

    def new() -> Reconnector[Any]:
        return Reconnector(Request.get(_URL), random=lambda: 0.0)

    connect = _step("`connect()`", "connect")
    head = _step("`feed()`: a 2xx `text/event-stream` head", "feed", _HEAD + b"\r\n")
    lost = _step(
        "`connection_lost()`: a clean end, a cut, a network error",
        "connection_lost",
        OSError("reset"),
    )
    given_up = _step(
        "`connection_lost()` after a 204 (or a non-2xx status, a wrong type,"
        " `max_attempts` failures)",
        "connection_lost",
    )
    rows = observe(
        lambda r: r.state,
        [
            (
                new,
                [
                    _step("`feed()`", "feed", b"x"),
                    connect,
                    head,
                    _step("`feed()`: events", "feed", b"id: 1\n" + _EVENT),
                    _step("`close()`", "close"),
                    lost,
                    connect,
                    lost,
                    connect,
                    head,
                    _step("`cancel()`", "cancel"),
                    _step("`connection_lost()`", "connection_lost"),
                    connect,
                ],
            ),
            (
                new,
                [
                    connect,
                    _step("`feed()`: a `204 No Content` head", "feed", _NO_CONTENT),
                    given_up,
                ],
            ),
        ],
    )
    return transitions_table(rows, (s.name for s in ReconnectorState))


# stream()'s driver: its state is what it has decided so far.


def driver_state(driver: Any) -> str:
    """The phase of a ``stream()`` driver, from what it has decided."""
    if driver.verdict is not None:
        return "FINAL" if driver.verdict[0] else "FAILED"
    if driver.acc is not None:
        return "DECIDED"
    return "UNDECIDED" if driver._kind is not None else "EMPTY"


DRIVER_STATES = {
    "EMPTY": 'no item yet, with `protocol="auto"`',
    "UNDECIDED": "items came, none told the protocol: payloads are held (at most"
    " `MAX_UNDECIDED`)",
    "DECIDED": "the accumulator is built (and was fed the held payloads); events flow",
    "FINAL": "the verdict is the final object (`final` returns it)",
    "FAILED": "the verdict is an error (`final` raises it): a cut stream, a"
    " provider error, an unknown protocol",
}


def _driver() -> str:
    from sseparse.llm._stream import _Driver

    def make(protocol: str) -> Callable[[], Any]:
        return lambda: _Driver(protocol, None, None, False, None)  # type: ignore[arg-type]

    def sse(payload: Mapping[str, Any] | str) -> bytes:
        text = payload if isinstance(payload, str) else json.dumps(payload)
        return f"data: {text}\n\n".encode()

    chunk = sse({"object": "chat.completion.chunk", "choices": []})
    ping = _step("`push()`: a `ping`, a proxy's event", "push", sse({"type": "ping"}))
    tells = _step("`push()`: a payload that tells the protocol", "push", chunk)
    error = sse({"type": "error", "error": {}})
    rows = observe(
        driver_state,
        [
            (
                make("auto"),
                [
                    ping,
                    tells,
                    _step(
                        "`push()`: the stream's end (`[DONE]`)", "push", sse("[DONE]")
                    ),
                    _step("`end()`: the source ran out", "end"),
                    _step("`end()`", "end"),
                    _step("`cut()`", "cut"),
                ],
            ),
            (make("chat"), [tells, _step("`end()` before the stream's end", "end")]),
            (make("auto"), [ping, _step("`push()`: an error payload", "push", error)]),
            (make("auto"), [_step("`end()`: nothing told the protocol", "end")]),
            (make("auto"), [tells, _step("`cut()`: the caller left early", "cut")]),
        ],
    )
    states = _table(
        ["state", "meaning"], ([_code(k), v] for k, v in DRIVER_STATES.items())
    )
    return states + "\n\n" + transitions_table(rows, DRIVER_STATES)


# ------------------------------------------------------------ code tables


def _merge(tables: str) -> Callable[[], str]:
    def render() -> str:
        from sseparse.llm import _anthropic, _merge, _responses

        source = {
            "chat": _merge.OPENAI_CHAT,
            "anthropic": _anthropic.ANTHROPIC_MESSAGES,
            "responses": _responses.OPENAI_RESPONSES,
        }[tables]
        return "```text\n" + _merge.render(source) + "\n```"

    return render


def _finish() -> str:
    from sseparse.llm import _finish

    rows = [
        [protocol, _code(wire), _code(reason)]
        for protocol, table in _finish.TABLES.items()
        for wire, reason in table.items()
    ]
    return _table(["protocol", "wire value", "`reason`"], rows)


def _unions() -> str:
    from sseparse.llm import events

    unions = {
        "chat": events.ChatStreamEvent,
        "anthropic": events.AnthropicStreamEvent,
        "responses": events.ResponsesStreamEvent,
    }
    members = {name: set(typing.get_args(union)) for name, union in unions.items()}
    rows = []
    for cls in typing.get_args(events.AnyStreamEvent):
        marks = ["yes" if cls in members[name] else "" for name in unions]
        rows.append(
            [
                _code(cls.type),
                f"[`{cls.__name__}`][sseparse.llm.events.{cls.__name__}]",
                *marks,
            ]
        )
    return _table(
        [
            "`type`",
            "class",
            "Chat Completions",
            "Anthropic Messages",
            "OpenAI Responses",
        ],
        rows,
    )


def _state_enum(path: str) -> Callable[[], str]:
    def render() -> str:
        module_name, _, name = path.rpartition(".")
        module = __import__(module_name, fromlist=[name])
        return states_table(getattr(module, name))

    return render


def _anthropic_phases() -> str:
    from sseparse.llm import _anthropic

    return _phases(_anthropic, _anthropic.MessageState)


def _responses_phases() -> str:
    from sseparse.llm import _responses

    return _phases(_responses, _responses.ResponseState)


def _anthropic_deltas() -> str:
    from sseparse.llm import _anthropic

    return _by_kind(_anthropic.DELTAS, ["block kind", "delta types it takes"])


def _responses_items() -> str:
    from sseparse.llm import _responses

    return _by_kind(_responses.ITEM_EVENTS, ["item kind", "event types it takes"])


def _api_llm() -> str:
    """The ``:::`` block of ``sseparse.llm``: every public name but the event
    classes (on their own page), read from ``__all__``."""
    import sseparse.llm
    from sseparse.llm import events

    lead = ["stream", "astream", "LLMStream", "AsyncLLMStream", "ToolCall"]
    public = [
        name
        for name in sseparse.llm.__all__
        if name != "events" and name not in events.__all__
    ]
    shown = [name for name in lead if name in public]
    shown += [name for name in public if name not in lead]
    members = "".join(f"        - {name}\n" for name in shown)
    return (
        "::: sseparse.llm\n"
        "    options:\n"
        "      inherited_members: true\n"
        "      members:\n" + members
    )


# ------------------------------------------------------------ benchmarks

BENCH_RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results"
BENCH_LAYERS = ("sse", "jsonstream", "structured", "llm", "transport")


def bench_results() -> list[dict[str, Any]]:
    """What ``python -m benchmarks`` last measured, one dict per layer."""
    return [
        json.loads((BENCH_RESULTS / f"{name}.json").read_text(encoding="utf-8"))
        for name in BENCH_LAYERS
    ]


def _ratio(value: float, unit: str = "x") -> str:
    return f"{value:.3g}{unit}" if value < 100 else f"{value:.0f}{unit}"


def _bench_comparison() -> str:
    """Each workload: every other implementation's time over sseparse's."""
    rows = []
    for result in bench_results():
        versions = result["versions"]
        for case in result["cases"]:
            ours = next(f for f in case["figures"] if f["role"] == "sseparse")
            others = [
                f"{f['name']} {versions.get(f['name'], '')}".strip()
                + (" (floor)" if f["role"] == "floor" else "")
                + f": {_ratio(f['median_s'] / ours['median_s'])}"
                for f in case["figures"]
                if f is not ours
            ]
            rows.append(
                [result["layer"], case["title"], ours["name"], "; ".join(others)]
            )
    header = ["layer", "workload", "sseparse", "their time over sseparse's"]
    return _table(header, rows)


def _bench_goals() -> str:
    """Every goal of the benchmarks, as measured."""
    verdicts = {True: "met", False: "**not met**", None: "not measured"}
    rows = [
        [
            result["layer"],
            goal["text"],
            "—" if goal["value"] is None else _ratio(goal["value"], goal["unit"]),
            f"{goal['op']} {goal['bound']:g}{goal['unit']}",
            verdicts[goal["met"]],
        ]
        for result in bench_results()
        for goal in result["goals"]
    ]
    return _table(["layer", "goal", "measured", "bound", ""], rows)


TABLES: dict[str, Callable[[], str]] = {
    "sse-states": _state_enum("sseparse.sse.DecoderState"),
    "sse-transitions": _sse,
    "json-states": _state_enum("sseparse.jsonstream.ParserState"),
    "json-transitions": _json,
    "field-states": _state_enum("sseparse.structured.FieldStatus"),
    "accumulator-states": _state_enum("sseparse.llm.AccumulatorState"),
    "accumulator-transitions": _accumulators,
    "anthropic-phases": _state_enum("sseparse.llm._anthropic.MessageState"),
    "anthropic-transitions": _anthropic_phases,
    "anthropic-blocks": _state_enum("sseparse.llm._anthropic.BlockState"),
    "anthropic-deltas": _anthropic_deltas,
    "responses-phases": _state_enum("sseparse.llm._responses.ResponseState"),
    "responses-transitions": _responses_phases,
    "responses-items": _state_enum("sseparse.llm._responses.ItemState"),
    "responses-item-events": _responses_items,
    "connection-states": _state_enum("sseparse.transport.ConnectionState"),
    "connection-transitions": _connection,
    "reconnector-states": _state_enum("sseparse.transport.ReconnectorState"),
    "reconnector-transitions": _reconnector,
    "driver": _driver,
    "merge-chat": _merge("chat"),
    "merge-anthropic": _merge("anthropic"),
    "merge-responses": _merge("responses"),
    "finish": _finish,
    "unions": _unions,
    "api-llm": _api_llm,
    "bench-comparison": _bench_comparison,
    "bench-goals": _bench_goals,
}


def expand(markdown: str) -> str:
    """*markdown* with every marker replaced by its table."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in TABLES:
            raise KeyError(f"no generated table named {name!r} (docs/_generate.py)")
        return TABLES[name]()

    return MARKER.sub(replace, markdown)


class GroupedNames(logging.Filter):
    """Drop griffe's warnings about a docstring entry that names several
    parameters or exceptions at once (``delay, max_delay: the policy``): the
    docstrings group them on purpose.  Every other warning stays, and fails
    the strict build."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not re.search(r"'[^']*, [^']*'", record.getMessage())


def on_config(config: Any, **_kwargs: Any) -> Any:
    """The mkdocs hook: install :class:`GroupedNames` on griffe's loggers."""
    for name in ("griffe", "mkdocs.plugins.griffe"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, GroupedNames) for f in logger.filters):
            logger.addFilter(GroupedNames())
    return config


def on_page_markdown(markdown: str, **_kwargs: Any) -> str:
    """The mkdocs hook."""
    return expand(markdown)
