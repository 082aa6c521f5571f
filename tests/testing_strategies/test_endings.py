"""Cut and failed LLM streams (``truncation=True``, ``error_events=True``).

For the three protocols, a drawn stream's ``expected_error`` and ``expected``
say what a consumer must conclude; sseparse's accumulators, fed the stream's
bytes through ``SSEDecoder`` in any chunking, conclude exactly that: the
final object, or the named error with ``expected`` as its snapshot (and the
error body as sent).  The ``tail`` of a cut stream (its next event, cut before
the blank line) is never dispatched.  Every ending is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse import SSEDecoder
from sseparse.errors import IncompleteStream, StreamError
from sseparse.llm import (
    AnthropicMessagesAccumulator,
    OpenAIChatAccumulator,
    OpenAIResponsesAccumulator,
)
from sseparse.testing import (
    anthropic_message_streams,
    chunkings,
    openai_chat_streams,
    openai_responses_streams,
)
from tests.helpers import unseen_features

if TYPE_CHECKING:
    from collections.abc import Callable

    from sseparse.testing import AnthropicStream, ChatStream, ResponsesStream

    AnyStream = ChatStream | AnthropicStream | ResponsesStream

PROTOCOLS: dict[str, tuple[st.SearchStrategy[Any], Callable[[], Any]]] = {
    "chat": (
        openai_chat_streams(truncation=True, error_events=True),
        OpenAIChatAccumulator,
    ),
    "anthropic": (
        anthropic_message_streams(truncation=True, error_events=True),
        AnthropicMessagesAccumulator,
    ),
    "responses": (
        openai_responses_streams(truncation=True, error_events=True, interleave=True),
        OpenAIResponsesAccumulator,
    ),
}


def _conclude(stream: AnyStream, chunks: list[bytes], make: Callable[[], Any]) -> Any:
    """What sseparse concludes: (error name or None, final or snapshot, body)."""
    decoder = SSEDecoder()
    accumulator = make()
    try:
        for chunk in chunks:
            for event in decoder.feed(chunk):
                accumulator.feed(event)
        for event in decoder.close():
            accumulator.feed(event)
        return None, accumulator.close(), None
    except IncompleteStream as error:
        return "IncompleteStream", error.snapshot, None
    except StreamError as error:
        return "StreamError", error.snapshot, error.body


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
@given(data=st.data())
def test_sseparse_concludes_what_the_stream_says(
    protocol: str, data: st.DataObject
) -> None:
    strategy, make = PROTOCOLS[protocol]
    stream = data.draw(strategy)
    chunks = data.draw(chunkings(stream.to_sse()))
    error, value, body = _conclude(stream, chunks, make)
    assert error == stream.expected_error
    assert value == stream.expected
    assert body == stream.error_body


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
@given(data=st.data())
def test_the_tail_is_never_dispatched(protocol: str, data: st.DataObject) -> None:
    stream = data.draw(PROTOCOLS[protocol][0])
    decoder = SSEDecoder()
    whole = decoder.feed(stream.to_sse()) + decoder.close()
    assert whole == stream.to_events()
    assert decoder.truncated is bool(stream.tail)


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_every_ending_is_drawn(protocol: str) -> None:
    features: dict[str, Callable[[Any], bool]] = {
        "complete": lambda s: s.expected_error is None,
        "cut": lambda s: s.expected_error == "IncompleteStream",
        "cut with a tail": lambda s: bool(s.tail),
        "error": lambda s: s.expected_error == "StreamError",
    }
    assert unseen_features(PROTOCOLS[protocol][0], features) == []


@pytest.mark.parametrize(
    "strategy",
    [openai_chat_streams(), anthropic_message_streams(), openai_responses_streams()],
)
@given(data=st.data())
def test_without_the_options_every_stream_is_whole(
    strategy: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    stream = data.draw(strategy)
    assert stream.expected_error is None
    assert stream.error_body is None
    assert stream.tail == b""
