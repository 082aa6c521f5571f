"""The one JSON loader of the LLM layer: ``json.loads``, faster when it can be.

Theory of operation
-------------------
Every chunk of an LLM stream is a JSON text, and parsing it is the floor of the
pipeline's cost.  :func:`loads` returns exactly what ``json.loads`` returns
(value and type) and raises when ``json.loads`` raises, with ``json.loads``'s
own exception.  When the optional fast parser is installed
(``pip install sseparse[fast]``: msgspec), it parses first, and ``json.loads``
parses again whenever the fast parser refuses the text.

msgspec, not orjson: both take about a third of ``json.loads``'s time on a chat
chunk, but orjson turns an integer beyond 64 bits into a float without an error,
which no fallback can notice without re-scanning the text, while msgspec keeps
integers exact and refuses everything else where it would differ from
``json.loads``: ``NaN`` / ``Infinity``, numbers that overflow a float
(``1e400``), lone surrogates, integers past ``sys.get_int_max_str_digits()``,
nesting past the recursion limit.  Duplicate keys (the last wins), ``-0.0``,
U+2028/2029, whitespace and a leading BOM (refused) agree already; the
differential property test of ``tests/llm/test_loads.py`` keeps it so.

Accumulators take the loader from :func:`loads_function` when they are
constructed (so tests can switch the fast path off with :func:`use_fast`), and
call it directly per chunk; everything in ``sseparse.llm`` that parses chunk
JSON goes through this module.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["fast_parser", "first_parser", "loads", "loads_function", "use_fast"]

_json_loads = json.loads
_decode: Callable[[str], Any] | None = None
_enabled = True  # use the fast parser when it is installed
_resolved: Callable[[str], Any] | None = None


def _loads_fast(text: str) -> Any:
    """``json.loads(text)``, parsed by msgspec when msgspec accepts the text."""
    try:
        return _decode(text)  # type: ignore[misc]  # set before this is in use
    except Exception:  # refused (or a recursion limit): json.loads decides
        return _json_loads(text)


def loads_function() -> Callable[[str], Any]:
    """The loader in use: exactly ``json.loads``, faster with msgspec installed.

    msgspec is imported on the first call, not with ``sseparse`` (whose import
    pulls in attrs only).  Accumulators call this when they are constructed.
    """
    global _decode, _resolved
    if _resolved is None:
        if _enabled:
            try:
                import msgspec
            except ImportError:
                pass
            else:
                _decode = msgspec.json.Decoder().decode
        _resolved = _loads_fast if _enabled and _decode is not None else _json_loads
    return _resolved


def first_parser() -> Callable[[str], Any]:
    """What :func:`loads_function`'s loader tries first: the fast parser's own
    decode when it is in use, else ``json.loads``.

    For a caller that inlines the loader on its hot path: call this, and on
    *any* exception call :func:`loads_function`'s loader, which decides (and
    raises ``json.loads``'s own exception).  Saves a Python call per text.
    """
    loader = loads_function()
    if loader is _loads_fast and _decode is not None:
        return _decode
    return loader


def loads(text: str) -> Any:
    """Exactly ``json.loads(text)``: value, type, and whether it raises."""
    return loads_function()(text)


def fast_parser() -> str | None:
    """The fast parser in use (``"msgspec"``), or ``None``."""
    return "msgspec" if loads_function() is _loads_fast else None


def use_fast(enabled: bool) -> Callable[[str], Any]:
    """Switch the fast parser on (when installed) or off; returns the loader.

    Only accumulators constructed afterwards use the new loader.
    """
    global _enabled, _resolved
    _enabled = enabled
    _resolved = None
    return loads_function()
