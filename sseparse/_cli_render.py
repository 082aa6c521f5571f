"""How the command line shows a stream to people.

Theory of operation.  :class:`LiveView` prints the vocabulary events of
:func:`sseparse.llm.stream` as they come: the text as it is, reasoning dimmed,
refusals and tool calls under a label, each tool call's arguments filling in.
Output is cut into *sections*: a section is one kind of output of one choice
(text, reasoning, refusal) or one tool call; a new section starts on a fresh
line after a blank one, with its label.  Sections interleave when the
provider interleaves (parallel tool calls, several choices); a section
resumed after another is labelled again, on the next line.  The view
writes each delta once; its cost is O(1) per event plus the size of the delta.

:class:`Style` adds ANSI colour, or nothing when colour is off (standard
output not a terminal, ``NO_COLOR`` set, ``--color never``).

:func:`summary` is the demo's closing summary: the text, each tool call with
its parsed arguments, the usage and the finish, in a few lines.

:func:`event_line` is one vocabulary event as a JSON line, for ``events``:
its ``type``, then its public fields (``attrs.fields``, in their order; the
private ones that back the lazy views are skipped), plus ``delta`` where the
event's text is a lazy property (tool arguments: ``arguments_delta``).  The
views of the text so far (``snapshot``, a delta's ``arguments``, the parsed
values) are left out: printing them on every delta would make the output
quadratic in the stream.  A line costs O(the event's fields).
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Final, TextIO

import attrs

from sseparse.jsonstream import MISSING
from sseparse.llm import (
    ChoiceFinished,
    ContentDelta,
    ReasoningDelta,
    RefusalDelta,
    ServerToolCallStarted,
    ToolCallArgumentsDelta,
    ToolCallArgumentsDone,
    ToolCallStarted,
)
from sseparse.sse import ServerSentEvent

if TYPE_CHECKING:
    from sseparse.llm import AnyStreamEvent, LLMStream

_CallEvent = (
    ToolCallStarted
    | ServerToolCallStarted
    | ToolCallArgumentsDelta
    | ToolCallArgumentsDone
)

__all__ = ["LiveView", "Style", "event_line", "raw_line", "summary", "use_color"]

_RESET: Final = "\x1b[0m"
_CODES: Final = {
    "dim": "\x1b[2m",
    "bold": "\x1b[1m",
    "label": "\x1b[1;36m",  # bold cyan: tool calls, event names
    "server": "\x1b[1;35m",  # bold magenta: tools the provider runs
    "refusal": "\x1b[33m",  # yellow
    "problem": "\x1b[1;31m",  # bold red
}


def use_color(choice: str, out: TextIO) -> bool:
    """Whether to colour *out* for ``--color`` *choice*.

    ``auto`` colours a terminal unless ``NO_COLOR`` is set to anything but
    the empty string (no-color.org) or ``TERM`` is ``dumb``.
    """
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())


class Style:
    """ANSI styles, or none."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, kind: str, text: str) -> str:
        """*text* in style *kind* (see ``_CODES``)."""
        if not self.color or not text:
            return text
        return f"{_CODES[kind]}{text}{_RESET}"


def raw_line(event: ServerSentEvent, style: Style) -> str:
    """One SSE event on one line: ``name: data`` (line breaks shown as ``\\n``)."""
    data = event.data.replace("\r", "\\r").replace("\n", "\\n")
    line = f"{style('label', event.event)}: {data}"
    if event.id:
        line += style("dim", f"  (id {event.id})")
    return line + "\n"


def _json_value(value: object) -> object:
    """*value* as JSON shows it: a nested SSE event (a named tuple, which
    ``json`` would write as a list) as an object, ``MISSING`` as null."""
    if isinstance(value, ServerSentEvent):
        return {"event": value.event, "data": value.data, "id": value.id}
    if value is MISSING:  # a partial value before any of it arrived
        return None
    return value


def _not_json(value: object) -> object:
    """``json``'s last resort (``default=``), for a value inside a field:
    ``MISSING`` is null; anything else (no event holds such a value today)
    its ``repr``, so that a new one never ends the command with a traceback."""
    return None if value is MISSING else repr(value)


def event_line(event: AnyStreamEvent) -> str:
    """*event* as one JSON line: ``type``, then its public fields (see the
    module; ``delta`` added where it is a lazy text property)."""
    cls = type(event)
    line: dict[str, object] = {"type": event.type}
    for field in attrs.fields(cls):
        if not field.name.startswith("_"):
            line[field.name] = _json_value(getattr(event, field.name))
    if "delta" not in line and isinstance(getattr(cls, "delta", None), property):
        delta = getattr(event, "delta")  # noqa: B009 -- not every class has one
        if isinstance(delta, str):  # text (tool arguments), not logprob entries
            line["delta"] = delta
    return json.dumps(line, ensure_ascii=False, default=_not_json) + "\n"


class LiveView:
    """Print vocabulary events to *out* as they arrive (see the module)."""

    def __init__(self, out: TextIO, style: Style) -> None:
        self._out = out
        self._style = style
        self._section: tuple[Any, ...] | None = None
        self._seen: set[tuple[Any, ...]] = set()
        self._choices = False  # whether more than one choice was seen
        self._line_start = True
        # Tool calls whose arguments were shown as deltas (the others are
        # shown whole when done: Anthropic may send the input in its start).
        self._streamed: set[tuple[int, int | None]] = set()
        self._names: dict[tuple[int, int | None], str] = {}

    def _write(self, text: str, kind: str | None = None) -> None:
        if not text:
            return
        self._out.write(self._style(kind, text) if kind else text)
        self._line_start = text.endswith("\n")

    def _enter(self, section: tuple[Any, ...], label: str, kind: str) -> None:
        """Start *section* on a fresh line, with *label*; a blank line before
        a new section, none before one resumed (interleaved output)."""
        if section == self._section:
            return
        if self._section is not None:
            self.end_line()
            if section not in self._seen:
                self._write("\n")
        self._section = section
        self._seen.add(section)
        if label:
            self._write(label, kind)
            self._write(" ")

    def end_line(self) -> None:
        """End the current line, if anything is on it."""
        if not self._line_start:
            self._write("\n")

    def show(self, event: AnyStreamEvent) -> None:
        """Print one event (events with nothing to show print nothing)."""
        choice = getattr(event, "choice_index", None) or 0
        self._choices = self._choices or bool(choice)
        # Once a second choice shows up, every choice is labelled.
        prefix = f"[choice {choice}] " if self._choices else ""
        if isinstance(event, ContentDelta):
            self._enter(("text", choice), prefix.strip(), "dim")
            self._write(event.delta)
        elif isinstance(event, ReasoningDelta):
            part = ("reasoning", choice, event.index, event.content_index)
            self._enter(part, f"{prefix}[reasoning]", "bold")
            self._write(event.delta, "dim")
        elif isinstance(event, RefusalDelta):
            self._enter(("refusal", choice), f"{prefix}[refusal]", "refusal")
            self._write(event.delta, "refusal")
        elif isinstance(event, ServerToolCallStarted):
            self._names[event.choice_index, event.index] = "server tool"
            self._call(event, prefix)
        elif isinstance(event, ToolCallStarted):
            self._names[event.choice_index, event.index] = "tool call"
            self._call(event, prefix)
        elif isinstance(event, ToolCallArgumentsDelta):
            self._streamed.add(self._call(event, prefix))
            self._write(event.delta)
        elif isinstance(event, ToolCallArgumentsDone):
            self._call_done(event, prefix)
        elif isinstance(event, ChoiceFinished):
            self._enter(("finish", choice), "", "dim")
            self._write(f"{prefix}[finish: {event.finish_reason}]", "dim")

    def _call(self, event: _CallEvent, prefix: str) -> tuple[int, int | None]:
        key: tuple[int, int | None] = (event.choice_index, event.index)
        what = self._names.get(key)
        if what is None:
            executed = getattr(event, "provider_executed", False)
            what = self._names[key] = "server tool" if executed else "tool call"
        # Responses' server tools have no name: their item type says what.
        name = event.name or event.call_type or "(no name)"
        kind = "server" if what == "server tool" else "label"
        self._enter(("call", *key), f"{prefix}[{what} {name}]", kind)
        return key

    def _call_done(self, event: ToolCallArgumentsDone, prefix: str) -> None:
        key = (event.choice_index, event.index)
        if key not in self._streamed:  # arguments sent whole: show them now
            self._call(event, prefix)
            self._write(event.arguments)
        if event.complete is False:
            self._call(event, prefix)
            self._write(" (cut short: not a call to run)", "problem")

    def final(self, value: dict[str, Any], heading: str) -> None:
        """The final object (or a snapshot) as indented JSON under *heading*."""
        self.end_line()
        if self._section is not None:
            self._write("\n")
        self._write(heading + "\n", "bold")
        self._write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
        self._section = ("final",)


def _count(usage: dict[str, Any], *names: str) -> Any:
    for name in names:
        value = usage.get(name)
        if value is not None:
            return value
    return None


def _usage_line(usage: dict[str, Any] | None) -> str:
    if not usage:
        return "none sent"
    given = _count(usage, "prompt_tokens", "input_tokens")
    made = _count(usage, "completion_tokens", "output_tokens")
    total = _count(usage, "total_tokens")
    if total is None and isinstance(given, int) and isinstance(made, int):
        total = given + made
    return f"{given} input + {made} output = {total} tokens"


def _shorten(text: str, limit: int = 72) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summary(s: LLMStream, style: Style) -> list[str]:
    """The lines of a short summary of *s* for people."""
    lines = [style("bold", "Summary")]
    text = s.text
    lines.append(f'  text:      {len(text)} characters: "{_shorten(text)}"')
    for call in s.tool_calls:
        lines.append(f"  tool call: {style('label', call.name or '(no name)')}")
        parsed = call.parsed_arguments
        if isinstance(parsed, dict):
            for key, value in parsed.items():
                shown = _shorten(json.dumps(value, ensure_ascii=False))
                lines.append(f"               {key} = {shown}")
        else:
            lines.append(f"               {_shorten(call.arguments)}")
    lines.append(f"  usage:     {_usage_line(s.usage)}")
    lines.append(f"  finish:    {s.finish_reason or 'none'}")
    return lines
