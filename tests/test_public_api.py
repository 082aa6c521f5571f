"""What ``import sseparse`` offers and how ``help()`` presents it.

The export list, its grouping (entry points before errors), the package
docstring's map of the layers, and the pydoc pages of the package and of
``Request`` (no attrs machinery in it).
"""

from __future__ import annotations

import inspect
import pickle
import pydoc
import subprocess
import sys

import pytest

import sseparse
import sseparse.errors
import sseparse.jsonstream
from sseparse.transport import Request


def _render(obj: object) -> str:
    # pydoc.plaintext (a TextDoc without the overstrike bold) is missing from
    # typeshed; plain() strips that bold from the default text renderer's page.
    return pydoc.plain(pydoc.render_doc(obj, renderer=pydoc.text))


def test_every_exported_name_exists() -> None:
    for name in sseparse.__all__:
        assert hasattr(sseparse, name), name
    assert len(set(sseparse.__all__)) == len(sseparse.__all__)


def test_every_error_is_exported_at_the_top_level() -> None:
    """The whole tree, IncompleteJSON included, is importable from sseparse."""
    errors = {
        name
        for name in sseparse.errors.__all__
        if inspect.isclass(getattr(sseparse.errors, name))
    }
    missing = (errors | {"IncompleteJSON"}) - set(sseparse.__all__)
    assert missing == set()
    assert sseparse.IncompleteJSON is sseparse.jsonstream.IncompleteJSON
    assert issubclass(sseparse.IncompleteJSON, sseparse.JSONStreamError)


def _is_error(name: str) -> bool:
    value = getattr(sseparse, name)
    return inspect.isclass(value) and issubclass(value, BaseException)


def test_the_export_list_puts_entry_points_before_errors() -> None:
    """__all__ leads with the decoder; the errors come as one group after."""
    names = [n for n in sseparse.__all__ if n != "__version__"]
    assert names[:3] == ["SSEDecoder", "iter_events", "aiter_events"]
    kinds = [_is_error(n) for n in names]
    first_error = kinds.index(True)
    assert all(kinds[first_error:]), "an error group interrupted by another name"
    assert names[first_error] == "SseparseError"


@pytest.mark.parametrize(
    "fragment",
    [
        "sseparse.jsonstream",
        "JSONStreamParser",
        "sseparse.llm",
        "OpenAIChatAccumulator",
        "sseparse.transport",
        "EventStreamConnection",
        "sseparse.testing",
        "python -m sseparse",
        "SSEDecoder",
        "iter_events",
        "sseparse.errors",
    ],
)
def test_the_package_docstring_maps_the_layers(fragment: str) -> None:
    assert fragment in (sseparse.__doc__ or "")


def test_the_package_docstring_is_not_the_old_road_map() -> None:
    assert "is here now" not in (sseparse.__doc__ or "")


def test_help_of_the_package_leads_with_the_entry_points() -> None:
    """The first screen of help(sseparse) names the decoder and the layers."""
    text = _render(sseparse)
    first_screen = "\n".join(text.splitlines()[:40])
    assert "Start here:" in first_screen
    assert "SSEDecoder" in first_screen
    assert text.index("Start here:") < text.index("class BadContentEncoding")


def test_help_of_request_shows_no_attrs_machinery() -> None:
    text = _render(Request)
    for clutter in ("attrs", "__attrs", "_frozen", "__getstate__", "__weakref__"):
        assert clutter not in text, clutter
    for api in ("get(", "post_json(", "authority", "url", "headers", "body"):
        assert api in text


def test_request_is_an_immutable_hashable_value() -> None:
    a = Request(url="http://example.com/x", headers={"X-A": "1"}, body=b"b")
    b = Request(url="http://example.com/x", headers=[("X-A", "1")], body=b"b")
    assert a == b
    assert hash(a) == hash(b)
    assert a != Request(url="http://example.com/x", headers={"X-A": "1"})
    assert a != Request(url="http://example.com/x", body=b"b")
    assert a != Request(url="http://example.com/x", method="POST", body=b"b")
    assert a != "http://example.com/x"
    assert pickle.loads(pickle.dumps(a)) == a
    assert repr(a) == (
        "Request(url='http://example.com/x', method='GET', "
        "headers=(('X-A', '1'),), body=b'b')"
    )
    with pytest.raises(AttributeError):
        a.url = "http://other/"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        a.extra = 1  # type: ignore[attr-defined]


def test_request_takes_keywords_only() -> None:
    with pytest.raises(TypeError):
        Request("http://example.com/")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"url": "ftp://x/"}, "expected an http:// or https:// URL"),
        ({"url": "http://x/", "method": "GE T"}, "invalid HTTP method"),
        ({"url": "http://x/", "body": "text"}, "expected body as bytes, got str"),
        ({"url": b"http://x/"}, "expected the URL as str, got bytes"),
        ({"url": "http://x/", "headers": {"X A": "1"}}, "invalid header"),
    ],
)
def test_request_refuses_what_it_cannot_send(
    kwargs: dict[str, object], fragment: str
) -> None:
    with pytest.raises(sseparse.UsageError, match=fragment):
        Request(**kwargs)  # type: ignore[arg-type]


def test_import_sseparse_loads_only_the_sse_layer() -> None:
    # ChatStreamEvent is exported lazily: SSE decoding alone must not pay for
    # importing the LLM accumulators and the JSON parser under them.
    code = (
        "import sys, sseparse\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('sseparse'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    assert "sseparse.sse" in out
    assert not [m for m in out if m.startswith(("sseparse.llm", "sseparse.jsonstream"))]


@pytest.mark.parametrize(
    "name",
    [
        "ChatStreamEvent",
        "AnthropicStreamEvent",
        "ResponsesStreamEvent",
        "AnyStreamEvent",
    ],
)
def test_the_lazy_exports_are_the_unions(name: str) -> None:
    from sseparse.llm import events

    assert getattr(sseparse, name) is getattr(events, name)
    assert name in dir(sseparse)
    assert name in sseparse.__all__


def test_unknown_names_still_fail() -> None:
    with pytest.raises(AttributeError, match="no attribute 'NoSuchName'"):
        sseparse.NoSuchName  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'ContentDelta'"):
        sseparse.ContentDelta  # noqa: B018  (the classes live in sseparse.llm)


def test_every_event_class_is_exported_from_sseparse_llm() -> None:
    import sseparse.llm
    from sseparse.llm import events
    from sseparse.llm._anthropic import AnthropicMessagesAccumulator
    from sseparse.llm._openai_chat import OpenAIChatAccumulator
    from sseparse.llm._responses import OpenAIResponsesAccumulator

    assert sseparse.llm.AnthropicMessagesAccumulator is AnthropicMessagesAccumulator
    assert sseparse.llm.OpenAIChatAccumulator is OpenAIChatAccumulator
    assert sseparse.llm.OpenAIResponsesAccumulator is OpenAIResponsesAccumulator

    assert set(events.__all__) <= set(sseparse.llm.__all__)
    for name in events.__all__:
        assert getattr(sseparse.llm, name) is getattr(events, name)


def test_incomplete_json_lives_in_the_error_tree() -> None:
    assert sseparse.errors.IncompleteJSON is sseparse.IncompleteJSON
    assert sseparse.jsonstream.IncompleteJSON is sseparse.IncompleteJSON
    assert issubclass(sseparse.IncompleteJSON, sseparse.JSONStreamError)
