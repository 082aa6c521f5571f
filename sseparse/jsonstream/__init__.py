"""Layer 2: incremental JSON, a partial value after every delta, exact at the end."""

from __future__ import annotations

from sseparse.jsonstream._events import (
    ContainerStarted,
    JSONEvent,
    StringDelta,
    ValueDone,
)
from sseparse.jsonstream._parser import (
    IncompleteJSON,
    JSONStreamParser,
    ParserState,
    Path,
    parse_partial,
)
from sseparse.jsonstream._value import MISSING, Missing

__all__ = [
    "MISSING",
    "ContainerStarted",
    "IncompleteJSON",
    "JSONEvent",
    "JSONStreamParser",
    "Missing",
    "ParserState",
    "Path",
    "StringDelta",
    "ValueDone",
    "parse_partial",
]
