"""Adapters that drive each SSE decoder through its best honest bytes-in path.

Every adapter takes the whole list of network reads (``bytes`` chunks), feeds them
to the decoder in order, signals end of input, and returns the list of decoded
event objects (all materialised). Every event object has a ``.data`` attribute.

The peers are driven exactly as their own streaming code drives them:

- httpx-sse: httpx decodes the body with an incremental UTF-8 decoder
  (``errors="replace"``, empty texts dropped), ``SSELineDecoder`` splits lines and
  ``EventSource.iter_sse`` hands each ``line.rstrip("\\n")`` to ``SSEDecoder.decode``.
- openai / anthropic: ``SSEDecoder().iter_bytes(iter(chunks))``.
- sseclient-py: ``SSEClient(iter(chunks)).events()``.

An adapter whose library cannot be imported is reported as unavailable, with the
reason, instead of failing the whole benchmark.
"""

from __future__ import annotations

import codecs
import importlib
import importlib.metadata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

RunFn = Callable[[Sequence[bytes]], list[Any]]


@dataclass(frozen=True)
class Impl:
    """One decoder under test."""

    name: str
    distribution: str
    module: str
    run: RunFn

    @property
    def version(self) -> str:
        try:
            return importlib.metadata.version(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            pass
        try:
            return str(importlib.import_module(self.module).__version__)
        except (ImportError, AttributeError):
            return "?"


@dataclass(frozen=True)
class Unavailable:
    """A decoder that could not be loaded, and why."""

    name: str
    reason: str


# --------------------------------------------------------------------------- #
# sseparse (the decoder being measured)
# --------------------------------------------------------------------------- #


def make_sseparse() -> RunFn:
    mod = importlib.import_module("sseparse")
    decoder_cls: Any = mod.SSEDecoder

    def run(chunks: Sequence[bytes]) -> list[Any]:
        dec = decoder_cls()
        feed = dec.feed
        events: list[Any] = []
        extend = events.extend
        for chunk in chunks:
            out = feed(chunk)
            if out:
                extend(out)
        extend(dec.close())
        return events

    return run


# --------------------------------------------------------------------------- #
# peers
# --------------------------------------------------------------------------- #


def make_httpx_sse() -> RunFn:
    decoders = importlib.import_module("httpx_sse._decoders")
    line_decoder_cls: Any = decoders.SSELineDecoder
    event_decoder_cls: Any = decoders.SSEDecoder
    utf8_incremental = codecs.getincrementaldecoder("utf-8")

    def run(chunks: Sequence[bytes]) -> list[Any]:
        text_decoder = utf8_incremental(errors="replace")
        lines = line_decoder_cls()
        decoder = event_decoder_cls()
        decode_text = text_decoder.decode
        decode_lines = lines.decode
        decode_line = decoder.decode
        events: list[Any] = []
        append = events.append
        for chunk in chunks:
            text = decode_text(chunk)
            if text:  # httpx's TextChunker drops empty texts
                for line in decode_lines(text):
                    sse = decode_line(line.rstrip("\n"))
                    if sse is not None:
                        append(sse)
        text = decode_text(b"", True)
        tail: list[str] = decode_lines(text) if text else []
        tail.extend(lines.flush())
        for line in tail:
            sse = decode_line(line.rstrip("\n"))
            if sse is not None:
                append(sse)
        return events

    return run


def make_openai() -> RunFn:
    streaming = importlib.import_module("openai._streaming")
    decoder_cls: Any = streaming.SSEDecoder

    def run(chunks: Sequence[bytes]) -> list[Any]:
        return list(decoder_cls().iter_bytes(iter(chunks)))

    return run


def make_anthropic() -> RunFn:
    streaming = importlib.import_module("anthropic._streaming")
    decoder_cls: Any = streaming.SSEDecoder

    def run(chunks: Sequence[bytes]) -> list[Any]:
        return list(decoder_cls().iter_bytes(iter(chunks)))

    return run


def make_sseclient() -> RunFn:
    mod = importlib.import_module("sseclient")
    client_cls: Any = mod.SSEClient

    def run(chunks: Sequence[bytes]) -> list[Any]:
        return list(client_cls(iter(chunks)).events())

    return run


# name, distribution (for the version), top-level module, factory
Spec = tuple[str, str, str, Callable[[], RunFn]]

SSEPARSE: Spec = ("sseparse", "sseparse", "sseparse", make_sseparse)
PEERS: tuple[Spec, ...] = (
    ("httpx-sse", "httpx-sse", "httpx_sse", make_httpx_sse),
    ("openai", "openai", "openai", make_openai),
    ("anthropic", "anthropic", "anthropic", make_anthropic),
    ("sseclient-py", "sseclient-py", "sseclient", make_sseclient),
)


def load(spec: Spec) -> Impl | Unavailable:
    """Build one implementation, or explain why it is not available."""
    name, dist, module, factory = spec
    try:
        run = factory()
    except (ImportError, AttributeError) as exc:  # skip, with a note
        return Unavailable(name, f"{type(exc).__name__}: {exc}")
    return Impl(name, dist, module, run)
