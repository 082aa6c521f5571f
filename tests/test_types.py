"""Public types as a user's type checker sees them, and what events' ``==`` means.

1. ``mypy --strict`` (the project's own configuration) accepts every Python block
   of README.md, every script in examples/, and a generated program that narrows
   the accumulator's event union on ``type`` (``==`` and ``match``) and on
   ``isinstance`` for every event class; a control program with known mistakes
   gets exactly its known errors, so the check cannot pass by checking nothing.
2. Each event class has its own ``Literal`` ``type``, a class constant that is no
   ``__init__`` argument, and is a member of the union ``feed()`` returns.
3. Events compare by value and are unhashable, every class alike
   (``sseparse/llm/events.py`` argues why).
4. Every event class is made by one machinery (``sseparse/llm/_eventclass.py``,
   whose own rules tests/llm/test_eventclass.py checks): a frozen value backed
   by a tuple, no sequence, copied and pickled by value, read by attrs as its
   fields, and seen by mypy as a frozen keyword-only class.
"""

from __future__ import annotations

import collections.abc
import copy
import pickle
import re
import typing
from pathlib import Path
from typing import Any

import attrs
import pytest
from mypy import api as mypy_api

import sseparse
from sseparse import ServerSentEvent, SSEDecoder
from sseparse.llm import (
    AnthropicStreamEvent,
    AnyStreamEvent,
    ChatStreamEvent,
    OpenAIChatAccumulator,
    ResponsesStreamEvent,
    StreamEvent,
    _eventclass,
    events,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
README = REPO_ROOT / "README.md"
EXAMPLES = sorted((REPO_ROOT / "examples").glob("*.py"))
PYPROJECT = REPO_ROOT / "pyproject.toml"

EVENT_CLASSES: list[type[StreamEvent]] = [
    cls
    for cls in vars(events).values()
    if isinstance(cls, type) and issubclass(cls, StreamEvent) and cls is not StreamEvent
]
# What the chat accumulator's feed() returns, and every class of the vocabulary.
UNION_MEMBERS: tuple[type[StreamEvent], ...] = typing.get_args(ChatStreamEvent)
ALL_MEMBERS: tuple[type[StreamEvent], ...] = typing.get_args(AnyStreamEvent)
ANTHROPIC_MEMBERS: tuple[type[StreamEvent], ...] = typing.get_args(AnthropicStreamEvent)
RESPONSES_MEMBERS: tuple[type[StreamEvent], ...] = typing.get_args(ResponsesStreamEvent)


# --------------------------------------------------------------------- mypy

_FENCE = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def readme_blocks(text: str) -> list[tuple[int, str]]:
    """``(first line number, code)`` of each ```python block of *text*."""
    return [
        (text.count("\n", 0, match.start(1)) + 1, match.group(1))
        for match in _FENCE.finditer(text)
    ]


def narrowing_program() -> str:
    """A program that needs every event class narrowed out of the union.

    Each branch assigns the narrowed item to a variable of the exact class, which
    mypy accepts only if ``feed()`` returns a union and the comparison (or
    ``isinstance``) narrowed it to that one member.
    """
    names = [cls.__name__ for cls in ALL_MEMBERS]
    lines = [
        "from __future__ import annotations",
        "from typing import Any",
        "from sseparse import AnthropicStreamEvent, AnyStreamEvent, ServerSentEvent",
        "from sseparse import ResponsesStreamEvent",
        f"from sseparse.llm import OpenAIChatAccumulator, {', '.join(names)}",
        "",
        "def by_type(acc: OpenAIChatAccumulator, e: ServerSentEvent) -> None:",
        "    for ev in acc.feed(e) + acc.take_events():",
    ]
    for cls in UNION_MEMBERS:
        lines += [
            f"        if ev.type == {cls.type!r}:",
            f"            as_{cls.__name__}: {cls.__name__} = ev",
        ]
    lines += [
        "",
        "def by_match(acc: OpenAIChatAccumulator, chunk: dict[str, Any]) -> None:",
        "    for ev in acc.feed_chunk(chunk):",
        "        match ev.type:",
    ]
    for cls in UNION_MEMBERS:
        lines += [
            f"            case {cls.type!r}:",
            f"                m_{cls.__name__}: {cls.__name__} = ev",
        ]
    lines += [
        "",
        "def by_class(acc: OpenAIChatAccumulator, e: ServerSentEvent) -> None:",
        "    for ev in acc.feed(e):",
    ]
    for cls in UNION_MEMBERS:
        lines += [
            f"        if isinstance(ev, {cls.__name__}):",
            f"            i_{cls.__name__}: {cls.__name__} = ev",
        ]
    for union, members in (
        ("AnthropicStreamEvent", ANTHROPIC_MEMBERS),
        ("ResponsesStreamEvent", RESPONSES_MEMBERS),
        ("AnyStreamEvent", ALL_MEMBERS),
    ):
        lines += [
            "",
            f"def over_{union}(items: list[{union}]) -> None:",
            "    for ev in items:",
        ]
        for cls in members:
            lines += [
                f"        if ev.type == {cls.type!r}:",
                f"            {union}_{cls.__name__}: {cls.__name__} = ev",
            ]
        lines += ["        match ev.type:"]
        for cls in members:
            lines += [
                f"            case {cls.type!r}:",
                f"                {union}_m_{cls.__name__}: {cls.__name__} = ev",
            ]
    lines += [
        "",
        "def readme(acc: OpenAIChatAccumulator, e: ServerSentEvent) -> str:",
        "    out = ''",
        "    for ev in acc.feed(e):",
        "        if ev.type == 'content.delta':",
        "            out += ev.delta + ev.snapshot",
        "        elif ev.type == 'tool_calls.function.arguments.delta':",
        "            out += ev.arguments_delta + ev.arguments",
        "            out += ev.delta + ev.snapshot",
        "        elif ev.type == 'finish':",
        "            out += ev.reason",
        "    return out",
    ]
    return "\n".join(lines) + "\n"


# Mistakes a user can make; mypy must report each on its line (the control).
CONTROL = """\
from __future__ import annotations
from sseparse import AnyStreamEvent, ServerSentEvent
from sseparse.llm import ChoiceFinished, ContentDelta, OpenAIChatAccumulator

def wrong(acc: OpenAIChatAccumulator, e: ServerSentEvent) -> None:
    for ev in acc.feed(e):
        ev.delta  # E1: not narrowed
        if ev.type == "content.done":
            ev.delta  # E2: narrowed to the wrong class
        if ev.type == "content.deltaa": ...  # E3: a typo (unreachable branch)
        if ev.type == "part.started": ...  # E5: chat emits no parts (unreachable)
    ContentDelta(type="content.delta", choice_index=0, delta="")  # E4: no such argument

def wrong_any(items: list[AnyStreamEvent]) -> None:
    for ev in items:
        if ev.type == "part.started":
            ev.signature  # E6: a part has no signature
        if ev.type == "reasoning.signature":
            ev.signature.upper()
    ChoiceFinished(choice_index=0, finish_reason="x", reason="halt")  # E7: not a reason

def wrong_build(ev: ContentDelta) -> None:
    ev.delta = "x"  # E8: events are frozen
    ContentDelta(0, "x", slot=None, end=0, json=False)  # E9: keywords only
"""
CONTROL_ERRORS = {"E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9"}


@pytest.fixture(scope="module")
def mypy_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """One ``mypy --strict`` run over everything: error lines keyed by source.

    Keys are ``README.md:LINE`` (a README block's first line), an example's
    file name, ``narrowing`` and ``control``; an error is rewritten to point at
    the README line it comes from.
    """
    work = tmp_path_factory.mktemp("mypy")
    sources: dict[Path, tuple[str, int]] = {}
    for number, (line, code) in enumerate(readme_blocks(README.read_text("utf-8"))):
        path = work / f"readme_block_{number}.py"
        path.write_text(code, encoding="utf-8")
        sources[path] = (f"README.md:{line}", line)
    for path in EXAMPLES:
        sources[path] = (path.name, 1)
    (work / "narrowing.py").write_text(narrowing_program(), encoding="utf-8")
    sources[work / "narrowing.py"] = ("narrowing", 1)
    (work / "control.py").write_text(CONTROL, encoding="utf-8")
    sources[work / "control.py"] = ("control", 1)
    stdout, stderr, _status = mypy_api.run(
        [
            "--strict",
            "--config-file",
            str(PYPROJECT),
            "--cache-dir",
            str(work / ".mypy_cache"),
            # Report on these files only, as for a user of the installed
            # package: sseparse's own strictness is .ci/run's business.
            "--follow-imports=silent",
            "--show-error-codes",
            "--no-color-output",
            "--no-error-summary",
            *(str(path) for path in sources),
        ]
    )
    assert not stderr, stderr
    report: dict[str, list[str]] = {key: [] for key, _ in sources.values()}
    by_name = {str(path): key_line for path, key_line in sources.items()}
    by_name.update({path.name: key_line for path, key_line in sources.items()})
    for message in stdout.splitlines():
        if ": note: " in message:
            continue
        name, _, rest = message.partition(":")
        found = by_name.get(name) or by_name.get(Path(name).name)
        assert found is not None, f"mypy reported on an unexpected file: {message}"
        key, first = found
        at, _, text = rest.partition(":")
        if key.startswith("README.md:"):
            message = f"README.md:{first + int(at) - 1}:{text}"
        report[key].append(message)
    return report


def test_mypy_checked_every_source(mypy_report: dict[str, list[str]]) -> None:
    readme = [key for key in mypy_report if key.startswith("README.md:")]
    assert len(readme) >= 7
    assert len(EXAMPLES) >= 7
    assert {path.name for path in EXAMPLES} <= set(mypy_report)


def test_readme_blocks_type_check(mypy_report: dict[str, list[str]]) -> None:
    errors = [
        e
        for key, found in mypy_report.items()
        if key.startswith("README")
        for e in found
    ]
    assert errors == [], "mypy --strict rejects README code:\n" + "\n".join(errors)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_example_type_checks(mypy_report: dict[str, list[str]], example: Path) -> None:
    assert mypy_report[example.name] == []


def test_union_narrows_on_type_and_isinstance(
    mypy_report: dict[str, list[str]],
) -> None:
    assert mypy_report["narrowing"] == []


def test_mypy_reports_each_mistake_of_the_control(
    mypy_report: dict[str, list[str]],
) -> None:
    """The check is live: each known mistake gives an error on its own line."""
    lines = CONTROL.splitlines()
    marked = {
        re.findall(r"E\d", line)[0]: number
        for number, line in enumerate(lines, start=1)
        if re.search(r"# E\d", line)
    }
    assert set(marked) == CONTROL_ERRORS
    reported = {int(error.split(":")[1]) for error in mypy_report["control"]}
    assert reported == set(marked.values()), "\n".join(mypy_report["control"])


def test_readme_shows_the_narrowing() -> None:
    """The README's accumulator example narrows on ``type`` and on a class."""
    code = "\n".join(block for _, block in readme_blocks(README.read_text("utf-8")))
    assert 'if item.type == "content.delta":' in code
    assert "print(item.delta" in code
    assert "isinstance(item, " in code


# ---------------------------------------------------------- event classes


# The classes of each protocol's union, as vocab.md lists them.
CHAT_CLASSES = {
    "ChunkReceived",
    "ContentDelta",
    "ContentDone",
    "RefusalDelta",
    "RefusalDone",
    "ReasoningDelta",
    "ReasoningDone",
    "ToolCallStarted",
    "ToolCallArgumentsDelta",
    "ToolCallArgumentsDone",
    "LogprobsContentDelta",
    "LogprobsContentDone",
    "LogprobsRefusalDelta",
    "LogprobsRefusalDone",
    "UsageUpdated",
    "ChoiceFinished",
    "StreamDone",
    "UnknownEvent",
}
ANTHROPIC_CLASSES = {
    "ChunkReceived",
    "MessageStarted",
    "UsageUpdated",
    "PartStarted",
    "PartDone",
    "ContentDelta",
    "ContentDone",
    "CitationAdded",
    "ReasoningDelta",
    "ReasoningDone",
    "ReasoningSignature",
    "ReasoningRedacted",
    "ToolCallStarted",
    "ServerToolCallStarted",
    "ToolCallArgumentsDelta",
    "ToolCallArgumentsDone",
    "ServerToolResult",
    "ChoiceFinished",
    "StreamDone",
    "UnknownEvent",
}

RESPONSES_CLASSES = {
    "ChunkReceived",
    "MessageStarted",
    "ResponseUpdated",
    "UsageUpdated",
    "SequenceGap",
    "PartStarted",
    "PartDone",
    "ContentDelta",
    "ContentDone",
    "CitationAdded",
    "RefusalDelta",
    "RefusalDone",
    "ReasoningDelta",
    "ReasoningDone",
    "ToolCallStarted",
    "ServerToolCallStarted",
    "ServerToolStatus",
    "ToolCallArgumentsDelta",
    "ToolCallArgumentsDone",
    "ServerToolOutputDelta",
    "ServerToolOutputDone",
    "ServerToolResult",
    "ImagePartial",
    "AudioDelta",
    "AudioDone",
    "LogprobsContentDelta",
    "LogprobsContentDone",
    "ValueCorrected",
    "ChoiceFinished",
    "StreamDone",
    "UnknownEvent",
}


def test_every_event_class_is_in_the_union() -> None:
    assert sorted(cls.__name__ for cls in ALL_MEMBERS) == sorted(
        cls.__name__ for cls in EVENT_CLASSES
    )
    assert {cls.__name__ for cls in UNION_MEMBERS} == CHAT_CLASSES
    assert {cls.__name__ for cls in ANTHROPIC_MEMBERS} == ANTHROPIC_CLASSES
    assert {cls.__name__ for cls in RESPONSES_MEMBERS} == RESPONSES_CLASSES
    assert set(events.__all__) >= {cls.__name__ for cls in EVENT_CLASSES}
    for name, union in (
        ("ChatStreamEvent", ChatStreamEvent),
        ("AnthropicStreamEvent", AnthropicStreamEvent),
        ("ResponsesStreamEvent", ResponsesStreamEvent),
        ("AnyStreamEvent", AnyStreamEvent),
    ):
        assert getattr(sseparse, name) is union
        assert name in sseparse.__all__
        assert name in events.__all__
        assert name in sseparse.llm.__all__


def test_each_type_is_its_own_literal_class_constant() -> None:
    types = [cls.type for cls in ALL_MEMBERS]
    assert len(set(types)) == len(types), "two classes share a type string"
    for cls in ALL_MEMBERS:
        assert cls.__annotations__["type"] == f"ClassVar[Literal[{cls.type!r}]]"
        assert cls.__annotations__["type"].replace("'", '"') in _declared(cls)
        assert "type" not in attrs.fields_dict(cls)


def _declared(cls: type) -> str:
    """The annotation of ``type`` as written in events.py."""
    source = Path(events.__file__).read_text(encoding="utf-8")
    body = source.split(f"class {cls.__name__}(StreamEvent):", 1)[1]
    match = re.search(r"type: (ClassVar\[Literal\[[^\]]*\]\])", body)
    assert match is not None, cls
    return match.group(1)


def test_type_is_not_an_init_argument() -> None:
    with pytest.raises(TypeError, match="type"):
        events.StreamDone(type="done")  # type: ignore[call-arg]


RECORDED = REPO_ROOT / "tests" / "data" / "openai_chat"


@pytest.mark.parametrize(
    "name", ["openai_parallel_tools_logprobs", "openrouter_reasoning", "refusal"]
)
def test_what_the_accumulator_emits_is_in_the_union(name: str) -> None:
    """At run time too: every event fed back is a member of ``ChatStreamEvent``."""
    decoder = SSEDecoder(comments=True)
    acc = OpenAIChatAccumulator()
    emitted: list[Any] = []
    items = decoder.feed((RECORDED / f"{name}.sse").read_bytes()) + decoder.close()
    for item in items:
        emitted += acc.feed(item)
    acc.close()
    emitted += acc.take_events()
    emitted += acc.__class__().feed(ServerSentEvent(event="x", data="{}"))
    assert len(emitted) > 10
    assert [ev for ev in emitted if not isinstance(ev, ChatStreamEvent)] == []


# ------------------------------------------------------ equality and hashing

# A value for each field annotation in events.py; a new annotation must be added.
SAMPLES: dict[str, Any] = {
    "int": 3,
    "int | None": 1,
    "str": "text",
    "str | None": "name",
    "bool": True,
    "FinishReason": "stop",
    "Any": {"any": ["json"]},
    "dict[str, Any]": {"prompt_tokens": 1},
    "list[Any]": [{"token": "a", "logprob": -0.5}],
    "ServerSentEvent | None": ServerSentEvent(event="ping", data="{}"),
}
PRIVATE_SAMPLES: dict[str, Any] = {"slot": object(), "end": 1, "json": False, "all": []}


def build(cls: type[StreamEvent], **changes: Any) -> Any:
    """An instance of *cls* from :data:`SAMPLES`, with *changes* applied."""
    kwargs: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if field.name.startswith("_"):
            kwargs[field.alias] = PRIVATE_SAMPLES[field.alias]
        else:
            assert field.type in SAMPLES, f"add {field.type!r} to SAMPLES"
            kwargs[field.alias] = SAMPLES[field.type]
    kwargs.update(changes)
    return cls(**kwargs)


def _changed(value: Any) -> Any:
    """A value of the same kind as *value* that is not equal to it."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "!"
    if isinstance(value, dict):
        return {**value, "more": 1}
    if isinstance(value, list):
        return [*value, 0]
    assert isinstance(value, ServerSentEvent)
    return ServerSentEvent(event=value.event, data=value.data + " ")


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.__name__)
def test_events_are_unhashable_every_class_alike(cls: type[StreamEvent]) -> None:
    event = build(cls)
    with pytest.raises(TypeError, match=rf"^unhashable type: '{cls.__name__}'$"):
        hash(event)
    assert not isinstance(event, collections.abc.Hashable)
    with pytest.raises(TypeError, match="unhashable"):
        {event}  # noqa: B018


def test_the_issue_example_is_unhashable_with_a_clear_message() -> None:
    with pytest.raises(TypeError, match=r"^unhashable type: 'ChunkReceived'$"):
        hash(events.ChunkReceived(chunk={}))


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.__name__)
def test_events_compare_by_their_public_fields(cls: type[StreamEvent]) -> None:
    event = build(cls)
    assert event == build(cls)
    assert not event != build(cls)  # noqa: SIM202
    for field in attrs.fields(cls):
        if field.name.startswith("_"):
            # What backs a lazy view is no part of the fact.
            other = build(cls, **{field.alias: object()})
            assert event == other, field.name
        else:
            value = getattr(event, field.name)
            other = build(cls, **{field.alias: _changed(value)})
            assert event != other, field.name


def test_events_of_different_classes_differ() -> None:
    fields: dict[str, Any] = {"choice_index": 0, "delta": "a", "slot": object()}
    # Typed as object: mypy already knows these never compare equal.
    content: object = events.ContentDelta(**fields, end=1, json=False)
    refusal: object = events.RefusalDelta(**fields, end=1)
    assert content != refusal
    done = events.StreamDone()
    assert done == events.StreamDone()
    assert done != typing.cast("object", events.UsageUpdated(usage={}))


def test_frozen_events_refuse_rebinding() -> None:
    event = build(events.ContentDelta)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.delta = "other"


# ------------------------------------------------------------- the machinery


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.__name__)
def test_every_event_class_is_made_by_the_machinery(cls: type[StreamEvent]) -> None:
    assert isinstance(cls, _eventclass._EventMeta)
    assert issubclass(cls, _eventclass.Event)
    names = [field.name for field in attrs.fields(cls)]
    layout = cls._event_layout  # type: ignore[attr-defined]
    public = [name for name in names if not name.startswith("_")]
    assert list(layout) == public + [name for name in names if name.startswith("_")]
    event = build(cls)
    assert not hasattr(event, "__dict__")
    assert [getattr(event, name) for name in layout] == list(tuple.__iter__(event))


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.__name__)
def test_events_are_true_and_no_sequence(cls: type[StreamEvent]) -> None:
    event = build(cls)
    assert bool(event)
    with pytest.raises(TypeError, match="has no len"):
        len(event)
    with pytest.raises(TypeError, match="is not iterable"):
        iter(event)
    fields = attrs.fields_dict(cls)
    for name in ("index", "count"):
        if name not in fields:  # the tuple's methods do not show through
            assert getattr(event, name, None) is None, name


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.__name__)
def test_events_copy_pickle_and_evolve_by_value(cls: type[StreamEvent]) -> None:
    event = build(cls, **{alias: 1 for alias in ("slot", "all") if _has(cls, alias)})
    for other in (
        copy.copy(event),
        copy.deepcopy(event),
        pickle.loads(pickle.dumps(event)),
        attrs.evolve(event),
    ):
        assert type(other) is cls
        assert other == event
        assert repr(other) == repr(event)
        for field in attrs.fields(cls):
            assert getattr(other, field.name) == getattr(event, field.name)


def _has(cls: type, alias: str) -> bool:
    return any(field.alias == alias for field in attrs.fields(cls))
