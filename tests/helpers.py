"""Shared feeding helpers: every parser is fed whole, byte by byte and in chunks.

Each helper builds a fresh decoder from ``decoder_factory``, feeds it, calls
``close()`` and returns every item the decoder produced (feeds and close).
"""

from __future__ import annotations

import contextlib
import itertools
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol


class Decoder(Protocol):
    """The feed/close shape shared by every sseparse machine."""

    def feed(self, data: bytes) -> list[Any]: ...

    def close(self) -> list[Any]: ...


DecoderFactory = Callable[[], Decoder]


def collect(decoder: Decoder, chunks: Iterable[bytes]) -> list[Any]:
    """Feed ``chunks`` in order, then close; return all items produced."""
    items: list[Any] = []
    for chunk in chunks:
        items.extend(decoder.feed(chunk))
    items.extend(decoder.close())
    return items


def split_chunks(data: bytes, sizes_or_cut_points: int | Sequence[int]) -> list[bytes]:
    """Cut ``data``: an int is a fixed chunk size, a sequence lists cut offsets."""
    if isinstance(sizes_or_cut_points, int):
        size = sizes_or_cut_points
        if size < 1:
            raise ValueError("chunk size must be positive")
        return [data[i : i + size] for i in range(0, len(data), size)]
    cuts = sorted({min(max(c, 0), len(data)) for c in sizes_or_cut_points})
    bounds = [0, *cuts, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def feed_whole(decoder_factory: DecoderFactory, data: bytes) -> list[Any]:
    """Feed ``data`` in one call."""
    return collect(decoder_factory(), [data])


def feed_bytewise(decoder_factory: DecoderFactory, data: bytes) -> list[Any]:
    """Feed ``data`` one byte per call."""
    return collect(decoder_factory(), [data[i : i + 1] for i in range(len(data))])


def feed_chunks(
    decoder_factory: DecoderFactory,
    data: bytes,
    sizes_or_cut_points: int | Sequence[int],
) -> list[Any]:
    """Feed ``data`` cut as :func:`split_chunks` describes."""
    return collect(decoder_factory(), split_chunks(data, sizes_or_cut_points))


def feed_bytewise_with_empty_feeds(
    decoder_factory: DecoderFactory, data: bytes
) -> list[Any]:
    """Feed ``data`` one byte per call, with an empty feed before every byte."""
    chunks = [b""]
    for i in range(len(data)):
        chunks += [data[i : i + 1], b""]
    return collect(decoder_factory(), chunks)


def _fixed(sizes_or_cut_points: int | Sequence[int]) -> Feeder:
    def feed(decoder_factory: DecoderFactory, data: bytes) -> list[Any]:
        return feed_chunks(decoder_factory, data, sizes_or_cut_points)

    return feed


Feeder = Callable[[DecoderFactory, bytes], list[Any]]

# Every way a table row is fed; all of them must give the same result.
FEED_WAYS: dict[str, Feeder] = {
    "whole": feed_whole,
    "bytewise": feed_bytewise,
    "bytewise-with-empty-feeds": feed_bytewise_with_empty_feeds,
    "chunks-2": _fixed(2),
    "chunks-3": _fixed(3),
    "chunks-7": _fixed(7),
    "cut-points": _fixed([1, 3, 4, 9, 10, 11, 17]),
}


@contextlib.contextmanager
def int_digit_limit(limit: int) -> Iterator[None]:
    """Set ``sys.set_int_max_str_digits(limit)`` for the block, then restore it."""
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(limit)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(old)


def unseen_features(
    strategy: Any, features: dict[str, Callable[[Any], bool]], *, budget: int = 4000
) -> list[str]:
    """The names of *features* that no draw of *strategy* shows, within *budget*.

    One derandomized run of 400 draws first; then, for each feature that run
    missed, a search of up to *budget* more draws that stops at the first one
    showing it.  A single fixed run is too thin a margin for a rare feature:
    which draws a derandomized run makes depends on the hypothesis version and
    the machine, and CI once drew 300 without a feature that every local run
    had.  The search costs nothing while the first run sees everything.
    """
    from hypothesis import HealthCheck, Phase, find, given, settings
    from hypothesis.errors import NoSuchExample

    seen: set[str] = set()

    @settings(max_examples=400, derandomize=True, database=None)
    @given(strategy)
    def draw(value: Any) -> None:
        seen.update(name for name, test in features.items() if test(value))

    draw()
    search = settings(
        max_examples=budget,
        database=None,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
    )

    def found(test: Callable[[Any], bool]) -> bool:
        try:
            find(strategy, test, settings=search)
        except NoSuchExample:
            return False
        return True

    return [name for name in sorted(set(features) - seen) if not found(features[name])]
