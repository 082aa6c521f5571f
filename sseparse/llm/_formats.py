"""What the caller asked to parse: response formats and tools, normalised once.

Theory of operation
-------------------
The three accumulators take the same three options, ``response_format=``,
``tools=`` and ``strict=``, and hand them to :func:`parse_options`, which
checks them once, at construction, and returns one frozen record,
:class:`ParseOptions`: what the content is (plain text or JSON), the tools by
name, and whether *parsing was asked for* (which makes a length or
content-filter finish an error at ``close()``).  Nothing here runs per event
except :meth:`ToolNameCheck.check`, once per tool call.

Accepted ``response_format`` values, whatever the accumulator (a user switching
providers passes what they have):

============================  ==============================================
``None``                      plain text
chat ``response_format``      ``{"type": "json_schema", "json_schema": {...}}``,
                              ``{"type": "json_object"}``, ``{"type": "text"}``
Anthropic ``output_format``   ``{"type": "json_schema", "schema": {...}}``
Responses ``text.format``     ``{"type": "json_schema", "name": ..., "schema":
                              ..., "strict": ...}`` (or ``json_object``,
                              ``text``), and the whole ``text`` config
                              (``{"format": {...}, "verbosity": ...}``)
a JSON Schema                 a dict whose ``type`` is ``"object"`` or
                              ``"array"``: JSON, with that schema
a class                       attrs, dataclass, TypedDict, pydantic model:
                              JSON, the class kept as ``target_type``
============================  ==============================================

Accepted ``tools`` (a list or tuple of):

============================  ==============================================
chat function tool            ``{"type": "function", "function": {"name",
                              "parameters", "strict"}}``; chat custom tool
                              ``{"type": "custom", "custom": {"name", ...}}``
Anthropic tool                ``{"name", "input_schema", "strict"?, ...}``;
                              server tools (``{"type": "web_search_...",
                              "name": ...}``)
Responses function tool       ``{"type": "function", "name", "parameters",
                              "strict"}``; custom tool ``{"type": "custom",
                              "name", ...}``; built-in tools
                              (``{"type": "web_search"}``, ...)
a function definition         ``{"name", "parameters"?, "strict"?}``
a JSON Schema                 ``{"type": "object", "title": name, ...}``
a class                       as for ``response_format``; its name is the
                              class's ``__name__`` (as openai's
                              ``pydantic_function_tool`` names it)
============================  ==============================================

A function tool that does not say whether it is ``strict`` takes its
protocol's default: chat ``False`` (the API's default), Responses ``True``
(the API's default), Anthropic ``True`` (tool input is always JSON, and the
input of any tool given is parsed); a class is always strict.  Custom and
built-in tools take free text or run at the provider: never parsed.

Parsing is asked for when the format is JSON or a function tool is strict.

Typed outputs: a class or a JSON Schema (a schema format, a function tool's
``parameters`` / ``input_schema``) is compiled once, here, with
:meth:`sseparse.structured.Target.of`; one it refuses is a ``UsageError`` at
construction.  The accumulators arm the text slots with these targets (the
content's, and a tool call's once its name names such a tool): delta events
then show the typed partial view (``partial``), done events the final value
(``parsed`` / ``parsed_arguments``: the typed object for a class, the JSON
value for a schema).  At each done event the value is validated once;
a value that is not JSON or does not validate is a :class:`ToolProblem`
(``"invalid_output"``, ``"invalid_arguments"``) in ``problems`` and on the
event (``problem``), raised there only with ``strict=True``.  A text cut
short is no problem here: the finish (``complete=False``, the length error
at ``close()``) says so.  Without targets, nothing of this runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeAlias

import attrs

from sseparse.errors import (
    ContentFilterFinishReasonError,
    LengthFinishReasonError,
    UnknownTool,
    UsageError,
    excerpt,
)
from sseparse.structured import Target

if TYPE_CHECKING:
    from sseparse.llm._text import TextSlot
    from sseparse.llm.events import FinishReason

__all__ = [
    "ParseOptions",
    "ParsingOptions",
    "ResponseFormat",
    "ResponseFormatArg",
    "ToolNameCheck",
    "ToolProblem",
    "ToolSpec",
    "ToolsArg",
    "is_target_type",
    "parse_options",
]

Protocol = Literal["chat", "anthropic", "responses"]

ResponseFormatArg: TypeAlias = "Mapping[str, Any] | type | None"
"""What ``response_format=`` takes (checked at run time: see the module doc)."""
ToolsArg: TypeAlias = "Sequence[Mapping[str, Any] | type] | None"
"""What ``tools=`` takes (checked at run time: see the module doc)."""

# A function tool's ``strict`` when the tool does not say (see the docstring).
_STRICT_DEFAULT: dict[Protocol, bool] = {
    "chat": False,
    "anthropic": True,
    "responses": True,
}
_FORMAT_TYPES = ("text", "json_object", "json_schema")
_SCHEMA_TYPES = ("object", "array")  # a bare JSON Schema's top-level type
_TEXT_CONFIG_KEYS = frozenset({"format", "verbosity"})

_FORMATS_EXPECTED = (
    "None, a format dict (chat {'type': 'json_schema', 'json_schema': {...}}, "
    "{'type': 'json_object'} or {'type': 'text'}; Anthropic "
    "{'type': 'json_schema', 'schema': {...}}; Responses text.format or the "
    "whole text config), a JSON Schema dict, or a class (attrs, dataclass, "
    "TypedDict, pydantic model)"
)
_TOOL_EXPECTED = (
    "a tool dict (chat {'type': 'function', 'function': {'name': ...}}, "
    "Anthropic {'name': ..., 'input_schema': {...}}, Responses "
    "{'type': 'function', 'name': ...}, a built-in tool), a function "
    "definition {'name': ..., 'parameters': {...}}, a JSON Schema with a "
    "'title', or a class (attrs, dataclass, TypedDict, pydantic model)"
)


@attrs.frozen(kw_only=True)
class ResponseFormat:
    """The ``response_format`` asked for, in one shape whatever its form.

    Attributes:
        kind: ``"text"``, ``"json_object"`` or ``"json_schema"``.
        name: the schema's name, when the format or the class gives one.
        schema: the JSON Schema, when the format carries one.
        strict: the format's ``strict``, ``None`` when it does not say.
        target_type: the class passed as ``response_format``, else ``None``.
        target: the compiled class or schema (``Target.of``), else ``None``:
            what content deltas' ``partial`` and ``ContentDone.parsed`` use.
    """

    kind: Literal["text", "json_object", "json_schema"]
    name: str | None = None
    schema: Mapping[str, Any] | None = None
    strict: bool | None = None
    target_type: type | None = None
    target: Target[Any] | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def json(self) -> bool:
        """Whether the content is JSON (any kind but ``"text"``)."""
        return self.kind != "text"


@attrs.frozen(kw_only=True)
class ToolSpec:
    """One tool given, in one shape whatever its form.

    Attributes:
        name: the name tool calls use; ``None`` for a built-in tool without
            one (Responses ``{"type": "web_search"}``).
        kind: ``"function"`` (JSON input), ``"custom"`` (free-text input) or
            ``"builtin"`` (run by the provider).
        schema: the input's JSON Schema, when given.
        strict: the tool's ``strict``; ``None`` when it does not say.
        target_type: the class passed as the tool, else ``None``.
        target: the compiled class or input schema (``Target.of``), else
            ``None``: what its calls' ``partial`` and ``parsed_arguments`` use.
    """

    name: str | None
    kind: Literal["function", "custom", "builtin"]
    schema: Mapping[str, Any] | None = None
    strict: bool | None = None
    target_type: type | None = None
    target: Target[Any] | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class ToolProblem:
    """Something wrong with one tool call or typed output, found while streaming.

    Accumulators list these in their ``problems`` (readable after
    ``close()``); with ``strict=True`` they raise instead, at the event.

    Attributes:
        choice_index: the call's choice (0 where a protocol has one).
        index: the call's position in the provider's numbering (chat
            tool-call index, Anthropic block index, Responses
            ``output_index``; ``None`` for chat's legacy ``function_call``).
        id: the call's id, when known.
        name: the name the call used (``None`` when it sent none).
        kind: what is wrong: ``"unknown_tool"``, a name not among the tools
            given; ``"invalid_arguments"``, a call's arguments that are not
            JSON or do not fit its tool's type or schema;
            ``"invalid_output"``, content that is not JSON or does not fit
            the ``response_format`` (then ``id`` is ``None``, ``name`` the
            format's name, ``index`` the content's part index).
        message: the same, in words.
        error: the ``ValidationError`` or ``JSONStreamError`` found, for the
            two ``invalid_*`` kinds; else ``None``.
    """

    choice_index: int
    index: int | None
    id: Any
    name: str | None
    kind: Literal["unknown_tool", "invalid_arguments", "invalid_output"]
    message: str
    error: BaseException | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True)
class ParseOptions:
    """The accumulator options, checked and normalised (see the module doc).

    Attributes:
        response_format: what the content is.
        tools: the named tools given, by name.
        tools_given: whether any tool was given (named or built-in): tool
            call names are checked only then.
        strict: raise at the event, not just report, a problem of a tool call.
        parsing: parsing was asked for (a JSON format or a strict function
            tool): a length / content-filter finish raises at ``close()``.
    """

    response_format: ResponseFormat
    tools: Mapping[str, ToolSpec]
    tools_given: bool
    strict: bool
    parsing: bool


_TEXT = ResponseFormat(kind="text")


def parse_options(
    protocol: Protocol,
    owner: str,
    *,
    response_format: Any,
    tools: Any,
    strict: Any,
) -> ParseOptions:
    """Check and normalise what the caller passed to an accumulator.

    Args:
        protocol: whose defaults apply to what a tool leaves unsaid.
        owner: the accumulator's class name, for messages.
        response_format, tools, strict: as passed.

    Raises:
        UsageError: a value is none of the accepted forms.
    """
    if type(strict) is not bool:
        raise _refuse(f"{owner}: strict", "True or False", strict)
    fmt = _format(response_format, f"{owner}: response_format")
    specs = _tools(tools, f"{owner}: tools")
    default = _STRICT_DEFAULT[protocol]
    strict_tool = any(
        spec.kind == "function" and (default if spec.strict is None else spec.strict)
        for spec in specs
    )
    return ParseOptions(
        response_format=fmt,
        tools={spec.name: spec for spec in specs if spec.name is not None},
        tools_given=bool(specs),
        strict=strict,
        parsing=fmt.json or strict_tool,
    )


# -- response formats ----------------------------------------------------------------


def _refuse(where: str, expected: str, value: Any) -> UsageError:
    shown = (
        f"the class {value.__qualname__}" if isinstance(value, type) else repr(value)
    )
    if len(shown) > 40:
        shown = shown[:40] + "…"
    return UsageError(f"{where}: expected {expected}, got {shown}")


def is_target_type(value: Any) -> bool:
    """Whether *value* is a class the typed layer can target: an attrs class,
    a dataclass, a TypedDict or a pydantic model (found without importing
    pydantic)."""
    if not isinstance(value, type):
        return False
    return (
        attrs.has(value)
        or dataclasses.is_dataclass(value)
        or (issubclass(value, dict) and hasattr(value, "__required_keys__"))
        or (
            callable(getattr(value, "model_validate_json", None))
            and hasattr(value, "model_fields")
        )
    )


def _format(value: Any, where: str) -> ResponseFormat:
    if value is None:
        return _TEXT
    if isinstance(value, type):
        if not is_target_type(value):
            raise _refuse(where, _FORMATS_EXPECTED, value)
        return ResponseFormat(
            kind="json_schema",
            name=value.__name__,
            strict=True,
            target_type=value,
            target=_compile(value, where),
        )
    if not isinstance(value, Mapping):
        raise _refuse(where, _FORMATS_EXPECTED, value)
    kind = value.get("type")
    if kind is None and set(value) <= _TEXT_CONFIG_KEYS:
        inner = value.get("format")  # the whole Responses ``text`` config
        if inner is None:
            return _TEXT
        if not isinstance(inner, Mapping) or "format" in inner:
            raise _refuse(f"{where}['format']", "a text.format dict", inner)
        return _format(inner, f"{where}['format']")
    if kind in _SCHEMA_TYPES:
        return ResponseFormat(
            kind="json_schema",
            name=_optional(value, "title", str, where, "a string"),
            schema=value,
            target=_compile(value, where),
        )
    if kind not in _FORMAT_TYPES:
        raise _refuse(
            f"{where}['type']" if kind is not None else where,
            "a format type among 'text', 'json_object', 'json_schema' "
            "(or a JSON Schema's 'object' / 'array')"
            if kind is not None
            else _FORMATS_EXPECTED,
            kind if kind is not None else value,
        )
    if kind != "json_schema":
        return _TEXT if kind == "text" else ResponseFormat(kind="json_object")
    spec: Any = value.get("json_schema")
    inner_where = where
    if spec is None:
        spec = value  # Anthropic's and Responses' flat form
    elif not isinstance(spec, Mapping):
        raise _refuse(f"{where}['json_schema']", "an object", spec)
    else:
        inner_where = f"{where}['json_schema']"
    schema = _optional(spec, "schema", Mapping, inner_where, "a JSON Schema object")
    return ResponseFormat(
        kind="json_schema",
        name=_optional(spec, "name", str, inner_where, "a string"),
        schema=schema,
        strict=_optional(spec, "strict", bool, inner_where, "True or False"),
        target=None if schema is None else _compile(schema, f"{inner_where}['schema']"),
    )


def _compile(source: Any, where: str) -> Target[Any]:
    """``Target.of(source)``, its refusal said as this option's."""
    try:
        return Target.of(source)
    except UsageError as exc:
        raise UsageError(
            f"{where}: cannot be parsed into typed objects: {exc}"
        ) from exc


def _optional(
    source: Mapping[str, Any], key: str, kind: type, where: str, expected: str
) -> Any:
    value = source.get(key)
    if value is not None and not isinstance(value, kind):
        raise _refuse(f"{where}[{key!r}]", expected, value)
    return value


# -- tools ---------------------------------------------------------------------------


def _tools(value: Any, where: str) -> list[ToolSpec]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise _refuse(where, "a list of tools", value)
    specs: list[ToolSpec] = []
    seen: set[str] = set()
    for position, tool in enumerate(value):
        spec = _tool(tool, f"{where}[{position}]")
        if spec.name is not None:
            if spec.name in seen:
                raise UsageError(
                    f"{where}[{position}]: a second tool named {spec.name!r} "
                    "(tool calls name their tool: names must be unique)"
                )
            seen.add(spec.name)
        specs.append(spec)
    return specs


def _tool(tool: Any, where: str) -> ToolSpec:
    if isinstance(tool, type):
        if not is_target_type(tool):
            raise _refuse(where, _TOOL_EXPECTED, tool)
        return ToolSpec(
            name=tool.__name__,
            kind="function",
            strict=True,
            target_type=tool,
            target=_compile(tool, where),
        )
    if not isinstance(tool, Mapping):
        raise _refuse(where, _TOOL_EXPECTED, tool)
    kind = tool.get("type")
    if kind is not None and type(kind) is not str:
        raise _refuse(f"{where}['type']", "a string", kind)
    if kind == "function" or kind == "custom":
        nested = tool.get(kind)  # chat's {"type": ..., kind: {"name": ...}}
        if nested is not None and not isinstance(nested, Mapping):
            raise _refuse(f"{where}[{kind!r}]", "an object", nested)
        if nested is not None:
            source: Mapping[str, Any] = nested
            where = f"{where}[{kind!r}]"
        else:
            source = tool
        if kind == "custom" and "input_schema" not in source:
            return ToolSpec(name=_name(source, where), kind="custom", strict=False)
        return _function(source, where, "input_schema" in source)
    if kind in _SCHEMA_TYPES:
        title = tool.get("title")
        if type(title) is not str or not title:
            raise _refuse(where, "a JSON Schema tool with its name as 'title'", tool)
        return ToolSpec(
            name=title, kind="function", schema=tool, target=_compile(tool, where)
        )
    if kind is None:
        return _function(tool, where, "input_schema" in tool)
    # A built-in or server tool: the provider runs it.
    name = tool.get("name")
    if name is not None and (type(name) is not str or not name):
        raise _refuse(f"{where}['name']", "a non-empty string", name)
    return ToolSpec(name=name, kind="builtin", strict=False)


def _name(source: Mapping[str, Any], where: str) -> str:
    name = source.get("name")
    if type(name) is not str or not name:
        raise _refuse(
            f"{where}['name']" if "name" in source else where,
            "a tool with a non-empty string 'name'",
            name if "name" in source else source,
        )
    return name


def _function(source: Mapping[str, Any], where: str, anthropic: bool) -> ToolSpec:
    key = "input_schema" if anthropic else "parameters"
    schema = _optional(source, key, Mapping, where, "a JSON Schema object")
    return ToolSpec(
        name=_name(source, where),
        kind="function",
        schema=schema,
        strict=_optional(source, "strict", bool, where, "True or False"),
        target=None if schema is None else _compile(schema, f"{where}[{key!r}]"),
    )


# -- checks while streaming ----------------------------------------------------------


class ToolNameCheck:
    """Checks each tool call's name against the tools given; keeps problems."""

    __slots__ = ("_names", "_strict", "problems")

    def __init__(self, options: ParseOptions) -> None:
        self._names = options.tools if options.tools_given else None
        self._strict = options.strict
        self.problems: list[ToolProblem] = []

    def check(
        self, name: Any, *, choice_index: int, index: int | None, call_id: Any
    ) -> UnknownTool | None:
        """Record a problem when tools were given and *name* is not one.

        Returns:
            The error to raise at the event when ``strict=True``, else ``None``.
        """
        names = self._names
        if names is None or (type(name) is str and name in names):
            return None
        known = ", ".join(repr(n) for n in names) or "(none has a name)"
        if len(known) > 120:
            known = known[:120] + "…"
        where = f"tool call {index}" if index is not None else "the function_call"
        message = (
            f"{where} (choice {choice_index}) names tool {excerpt(str(name))}, "
            f"expected one of the tools given: {known}"
            if name is not None
            else f"{where} (choice {choice_index}) names no tool, expected one "
            f"of the tools given: {known}"
        )
        problem = ToolProblem(
            choice_index=choice_index,
            index=index,
            id=call_id,
            name=name if type(name) is str else None,
            kind="unknown_tool",
            message=message,
        )
        self.problems.append(problem)
        if not self._strict:
            return None
        return UnknownTool(
            message,
            name=problem.name,
            choice_index=choice_index,
            index=index,
            known=tuple(names),
        )


class ParsingOptions:
    """What the three accumulators share of ``response_format=``, ``tools=``
    and ``strict=``: the checked options, the problems found, the finish
    errors.  A base class: :meth:`_take_options` is called by ``__init__``."""

    _options: ParseOptions
    _tool_names: ToolNameCheck

    def _take_options(
        self, protocol: Protocol, response_format: Any, tools: Any, strict: Any
    ) -> ParseOptions:
        """Check and keep the options (see :func:`parse_options`).

        Raises:
            UsageError: an option is none of the accepted forms.
        """
        options = parse_options(
            protocol,
            type(self).__name__,
            response_format=response_format,
            tools=tools,
            strict=strict,
        )
        self._options = options
        self._tool_names = ToolNameCheck(options)
        return options

    @property
    def options(self) -> ParseOptions:
        """The ``response_format``, ``tools`` and ``strict`` given, normalised."""
        return self._options

    @property
    def problems(self) -> tuple[ToolProblem, ...]:
        """What was wrong so far, in stream order; readable after ``close()``:
        tool call names not among the tools given, arguments and content that
        do not fit their tool's or format's type or schema (see
        :class:`ToolProblem`)."""
        return tuple(self._tool_names.problems)

    def _check_tool(
        self, name: Any, *, choice_index: int, index: int | None, call_id: Any
    ) -> None:
        """Check a tool call's name (see :meth:`ToolNameCheck.check`); with
        ``strict=True`` an unknown one fails the accumulator."""
        error = self._tool_names.check(
            name, choice_index=choice_index, index=index, call_id=call_id
        )
        if error is not None:
            self._fail(error)

    def _arm_content(self, slot: TextSlot) -> None:
        """Read a content slot as the ``response_format``'s target, if any."""
        fmt = self._options.response_format
        if fmt.target is not None:
            slot.arm(fmt.target, typed=fmt.target_type is not None)

    def _arm_call(self, slot: TextSlot, name: Any) -> None:
        """Read a tool call's arguments as its named tool's target, if any."""
        if type(name) is str and slot.parsed:
            spec = self._options.tools.get(name)
            if spec is not None and spec.target is not None:
                slot.arm(spec.target, typed=spec.target_type is not None)

    def _settle_typed(
        self,
        slot: TextSlot,
        *,
        choice_index: int,
        index: int | None,
        call_id: Any = None,
        call: bool,
        name: Any = None,
    ) -> None:
        """Validate an armed slot's whole value at its done event, once.

        An invalid value (not JSON, or not fitting the target) is a problem,
        on the slot (the done event's ``problem``) and in ``problems``; with
        ``strict=True`` its error is raised.  An unarmed slot costs a test.
        """
        if slot.target is None or slot.problem is not None:
            return
        error = slot.settle()
        if error is None:
            return
        if call:
            where = f"tool call {index}" if index is not None else "the function_call"
            message = (
                f"{where} (choice {choice_index}): the arguments do not fit "
                f"tool {excerpt(str(name))}: {error}"
            )
        else:
            name = self._options.response_format.name
            message = (
                f"the content (choice {choice_index}, index {index}) does not fit "
                f"the response_format {name!r}: {error}"
            )
        problem = ToolProblem(
            choice_index=choice_index,
            index=index,
            id=call_id,
            name=name if type(name) is str else None,
            kind="invalid_arguments" if call else "invalid_output",
            message=message,
            error=error,
        )
        slot.problem = problem
        self._tool_names.problems.append(problem)
        if self._options.strict:
            self._fail(error)

    def _fail(self, exc: BaseException) -> NoReturn:
        """Enter the sticky error state and raise *exc* (each accumulator's)."""
        raise NotImplementedError

    def _finish_error(
        self,
        reason: FinishReason,
        *,
        what: str,
        raw: str,
        snapshot: dict[str, Any],
    ) -> LengthFinishReasonError | ContentFilterFinishReasonError | None:
        """The error ``close()`` raises for a normalised finish *reason*:
        ``None`` when parsing was not asked for or the reason is no error.

        Args:
            reason: the normalised finish reason.
            what: what finished, for the message (``"choice 0"``).
            raw: the protocol's own value, as the message names it
                (``"finish_reason 'length'"``).
            snapshot: the object, carried by the error with its ``usage``.
        """
        if not self._options.parsing:
            return None
        return _finish_error(
            reason, what=what, raw=raw, snapshot=snapshot, usage=snapshot.get("usage")
        )


def _finish_error(
    reason: FinishReason, *, what: str, raw: str, snapshot: Any, usage: Any
) -> LengthFinishReasonError | ContentFilterFinishReasonError | None:
    if reason == "length":
        return LengthFinishReasonError(
            f"{what} was cut by the length limit ({raw}) before its output "
            "was complete",
            snapshot=snapshot,
            usage=usage,
        )
    if reason == "content_filter":
        return ContentFilterFinishReasonError(
            f"{what} was stopped by a content filter ({raw})",
            snapshot=snapshot,
            usage=usage,
        )
    return None
