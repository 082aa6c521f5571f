"""Incremental, bounded undoing of ``Content-Encoding: gzip`` / ``deflate``.

Theory of operation
-------------------
An :class:`Inflater` turns compressed body bytes into plain bytes as they come,
with the standard library's ``zlib``.  Output is produced in pieces of at most
``PIECE`` bytes (``decompress(data, max_length)`` keeps the rest of the input in
``unconsumed_tail``), so a small compressed chunk that inflates to gigabytes
never sits in memory at once: each piece goes straight to the SSE decoder, whose
own limits bound what it keeps.

``gzip`` (and ``x-gzip``) may hold several members one after another; each new
member gets a new decompressor.  ``deflate`` is meant to be zlib-wrapped
(RFC 9110), but some servers send raw deflate; the first two bytes decide,
as browsers do.  Several encodings are undone in reverse order of listing.

Cost: zlib's, linear in the input and output; the Python loop runs once per
output piece and once per feed.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["PIECE", "SUPPORTED", "InflateError", "Inflater"]

PIECE = 64 * 1024
SUPPORTED = frozenset({"gzip", "x-gzip", "deflate"})
_GZIP_WBITS = 16 + zlib.MAX_WBITS
# Input bytes between two checkpoints of a decompressor (see _Stage).
_CHECKPOINT = 64 * 1024


class InflateError(Exception):
    """Compressed data is corrupt or cut short (the connection re-raises it)."""


class _Stage:
    """Undoes one encoding.

    zlib drops the output of a ``decompress()`` call that fails, so what came
    out before corrupt data would depend on how the input was cut.  To make it
    not, the stage keeps a copy of the decompressor taken at most
    ``_CHECKPOINT`` input bytes ago, and the input since; on an error it replays
    that input from the copy one byte at a time and yields the output the
    failing call lost (the output of a one-byte feed before the bad byte).  The
    copy costs one zlib state per ``_CHECKPOINT`` bytes; the replay runs once.
    """

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding != "deflate"
        self._head = b""  # deflate: bytes held until the wrapper is known
        self._obj: zlib._Decompress | None = None
        self._started = False  # a gzip member has begun since the last end
        self._copy: zlib._Decompress | None = None  # the checkpoint
        self._since: list[bytes] = []  # input fed to _obj since the checkpoint
        self._since_size = 0
        self._out_since = 0  # output yielded since the checkpoint
        if self._gzip:
            self._use(zlib.decompressobj(_GZIP_WBITS))

    def _use(self, obj: zlib._Decompress) -> None:
        self._obj = obj
        self._checkpoint(obj)

    def _checkpoint(self, obj: zlib._Decompress) -> None:
        self._copy = obj.copy()
        self._since = []
        self._since_size = 0
        self._out_since = 0

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._obj is None:
            data = self._choose_deflate(data)
            if self._obj is None:
                return
        while data:
            obj = self._obj
            if obj.eof:
                if not self._gzip:
                    raise InflateError(
                        f"{len(data)} bytes after the end of the deflate stream"
                    )
                obj = zlib.decompressobj(_GZIP_WBITS)
                self._use(obj)
            self._started = True
            yield from self._drain(obj, data)
            data = obj.unused_data if obj.eof else b""

    def _choose_deflate(self, data: bytes) -> bytes:
        head = self._head + data
        if len(head) < 2:
            self._head = head
            return b""
        self._head = b""
        # A zlib header: compression method 8, and the two bytes a multiple of 31.
        wrapped = head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
        self._use(zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS))
        return head

    def _drain(self, obj: zlib._Decompress, data: bytes) -> Iterator[bytes]:
        if self._since_size >= _CHECKPOINT:
            self._checkpoint(obj)
        self._since.append(data)
        self._since_size += len(data)
        try:
            while True:
                out = obj.decompress(data, PIECE)
                if out:
                    self._out_since += len(out)
                    yield out
                data = obj.unconsumed_tail
                if not data and len(out) < PIECE:
                    return
        except zlib.error as exc:
            yield from self._replay()
            raise InflateError(str(exc)) from exc

    def _replay(self) -> Iterator[bytes]:
        """From the checkpoint, byte by byte: the output lost to an error."""
        assert self._copy is not None
        obj = self._copy.copy()
        skip = self._out_since
        for byte in b"".join(self._since):
            try:
                out = obj.decompress(bytes((byte,)))
            except zlib.error:
                return
            if skip:
                cut = min(skip, len(out))
                out = out[cut:]
                skip -= cut
            if out:
                yield out

    def finish(self) -> None:
        obj = self._obj
        if obj is None:
            if self._head:
                raise InflateError("the compressed stream ended inside its header")
            return
        if not obj.eof and (self._started or not self._gzip):
            raise InflateError("the compressed stream ended before its end marker")


class Inflater:
    """Undo a list of content codings, in pieces of at most :data:`PIECE` bytes."""

    def __init__(self, encodings: list[str]) -> None:
        # Listed in the order applied, so undone last to first.
        self._stages = [_Stage(name) for name in reversed(encodings)]

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield the plain bytes that *data* completes.

        Raises:
            InflateError: the data is corrupt.
        """
        if len(self._stages) == 1:  # the common case: no generator chain
            return self._stages[0].feed(data)
        return self._through(0, data)

    def _through(self, level: int, data: bytes) -> Iterator[bytes]:
        if level == len(self._stages):
            yield data
            return
        for piece in self._stages[level].feed(data):
            yield from self._through(level + 1, piece)

    def finish(self) -> None:
        """Check that every compressed stream reached its end.

        Raises:
            InflateError: a stream was cut short.
        """
        for stage in self._stages:
            stage.finish()
