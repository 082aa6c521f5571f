"""Find a real bug in a naive SSE decoder with sseparse.testing's strategies.

``naive_decode`` is the decoder many SDKs start with: decode each read, split it
on blank lines, strip the spaces after each colon.  It passes every hand-written
test of whole, one-read streams with plain values.  The property below, the one
any SSE consumer can borrow, compares it with sseparse's ``SSEDecoder`` on
events drawn by ``event_streams()``, encoded by ``SSEEncoder`` and cut into
reads by ``chunkings()``.  Hypothesis finds an input where the two disagree,
shrinks it to a small one, and this script prints it, what each decoder made of
it, and which bug it shows.

Run it with ``python examples/find_a_decoder_bug.py`` (needs the ``testing``
extra: ``pip install 'sseparse[testing]'``).  It exits 0 when the bug is found.
The search is derandomized, so each run finds the same counterexample.
"""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from sseparse import Comment, ServerSentEvent, SSEDecoder, SSEEncoder
from sseparse.testing import chunkings, event_streams

Pair = tuple[str, str]
"""What this consumer reads of an event: its type and its data."""


def naive_decode(reads: list[bytes]) -> list[Pair]:
    """A deliberately naive decoder: each read on its own, every space stripped."""
    events: list[Pair] = []
    for read in reads:
        for block in read.decode("utf-8", "replace").split("\n\n"):
            name, data = "message", []
            for line in block.split("\n"):
                field, _, value = line.partition(":")
                value = value.lstrip(" ")  # the spec strips one space, not all
                if field == "data":
                    data.append(value)
                elif field == "event":
                    name = value
            if data:
                events.append((name, "\n".join(data)))
    return events


def sseparse_decode(reads: list[bytes]) -> list[Pair]:
    """The reference: sseparse's SSEDecoder, fed the same reads."""
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    for read in reads:
        events += decoder.feed(read)
    events += decoder.close()
    return [(event.event, event.data) for event in events]


def diagnose(reads: list[bytes]) -> str:
    """Which of the naive decoder's bugs *reads* shows."""
    whole = [b"".join(reads)]
    if naive_decode(whole) == sseparse_decode(whole):
        return "it decodes each read on its own, so an event cut across reads is lost"
    stripped = [(name, data.lstrip(" ")) for name, data in sseparse_decode(whole)]
    if naive_decode(whole) == stripped:
        return "it strips every space after the colon, where the spec strips one"
    return "its events differ from the specification's"


found: list[list[bytes]] = []
"""The reads of each failing example; hypothesis replays the shrunk one last."""


@settings(derandomize=True, database=None, max_examples=500, print_blob=False)
@given(
    event_streams(with_comments=False, retries=False, max_text_size=8),
    st.data(),
)
def test_naive_decoder(
    stream: list[ServerSentEvent | Comment], data: st.DataObject
) -> None:
    """The property: any chunking of any stream decodes as sseparse decodes it."""
    body = b"".join(SSEEncoder().encode(item) for item in stream)
    reads = data.draw(chunkings(body), label="reads")
    if naive_decode(reads) != sseparse_decode(reads):
        found.append(reads)
        raise AssertionError("naive_decode disagrees with SSEDecoder")


def main() -> int:
    """Run the search; print the shrunk counterexample and the bug it shows."""
    try:
        test_naive_decoder()
    except AssertionError as error:
        reads = found[-1]
        print("Hypothesis found a counterexample and shrank it:")
        for note in getattr(error, "__notes__", []):
            print("  " + note.replace("\n", "\n  "))
        print(f"  reads:          {reads!r}")
        print(f"  SSEDecoder:     {sseparse_decode(reads)!r}")
        print(f"  naive_decode:   {naive_decode(reads)!r}")
        print(f"bug: {diagnose(reads)}")
        return 0
    print("no counterexample found: is naive_decode still naive?")
    return 1


if __name__ == "__main__":
    sys.exit(main())
