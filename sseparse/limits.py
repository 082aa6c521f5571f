"""Bounds on every buffer sseparse keeps.

Each field is named with its unit.  Defaults are generous enough for real LLM
streams (multi-megabyte tool arguments, base64 images in one event) and small
enough that a hostile or broken peer cannot exhaust memory: going past a bound
raises :class:`~sseparse.errors.LimitExceeded` at once, never ``MemoryError``.
"""

from __future__ import annotations

import attrs

from sseparse.errors import UsageError

__all__ = ["Limits"]

_MIB = 1024 * 1024


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value < 1:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "…"
        raise UsageError(
            f"Limits.{attribute.name}: expected an int of at least 1, got "
            f"{type(value).__name__} {shown}"
        )


@attrs.frozen(kw_only=True)
class Limits:
    """Bounds for the buffers of every machine; pass one to any constructor.

    Every field is an ``int`` of at least 1 (``bool`` is refused too); anything
    else raises :class:`~sseparse.errors.UsageError` (also a ``ValueError``)
    naming the field, the bound and the value.

    Attributes:
        max_line_bytes: bytes in one SSE line, its terminator excluded.
        max_event_chars: characters in one SSE event's data buffer, counting one
            line feed per ``data`` line.
        max_retry_digits: significant digits of an SSE ``retry`` value.  Any
            shorter value is read as an exact integer; the bound exists because
            turning decimal text into an int costs quadratic time in CPython.
        max_json_depth: nesting of arrays and objects in one JSON document.
        max_json_string_chars: characters of one decoded JSON string or key.
        max_json_number_chars: characters of one JSON number or literal.
        max_json_chars: characters of one JSON document, whitespace included.
        max_text_chars: characters of text one LLM accumulator keeps (content,
            refusals, reasoning, tool-call arguments, all choices together).
        max_stream_items: choices, tool calls, content parts and logprob
            entries one LLM accumulator keeps.
        max_header_bytes: bytes of one HTTP response head (status line and
            headers) in ``sseparse.transport``; it also bounds how much of an
            incomplete chunk-size line or trailer is buffered (a chunk-size
            line that arrives whole within one read is not measured).
        max_error_body_bytes: bytes of a rejected response's body kept for its
            error (``BadResponse.body``); the rest is not read.
        max_inflate_ratio: how many times its compressed size a gzip/deflate
            body may grow to (counted over the whole body, after a first MiB
            that is always allowed).  Event streams compress 5-30 times; a
            decompression bomb 1000 times or more.
    """

    max_line_bytes: int = attrs.field(default=16 * _MIB, validator=_positive)
    max_event_chars: int = attrs.field(default=64 * _MIB, validator=_positive)
    max_retry_digits: int = attrs.field(default=4300, validator=_positive)
    max_json_depth: int = attrs.field(default=1000, validator=_positive)
    max_json_string_chars: int = attrs.field(default=64 * _MIB, validator=_positive)
    max_json_number_chars: int = attrs.field(default=_MIB, validator=_positive)
    max_json_chars: int = attrs.field(default=256 * _MIB, validator=_positive)
    max_text_chars: int = attrs.field(default=256 * _MIB, validator=_positive)
    max_stream_items: int = attrs.field(default=1_000_000, validator=_positive)
    max_header_bytes: int = attrs.field(default=64 * 1024, validator=_positive)
    max_error_body_bytes: int = attrs.field(default=64 * 1024, validator=_positive)
    max_inflate_ratio: int = attrs.field(default=100, validator=_positive)


DEFAULT_LIMITS = Limits()
