"""The request an event-stream connection sends: URL, method, headers, body."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import Any

from sseparse.errors import UsageError, excerpt

__all__ = ["HeadersLike", "Request"]

HeadersLike = Mapping[str, str] | Iterable[tuple[str, str]]
"""Headers as a mapping or as ``(name, value)`` pairs (repeats allowed)."""

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _header_pairs(headers: HeadersLike | None) -> tuple[tuple[str, str], ...]:
    if headers is None:
        return ()
    items = headers.items() if isinstance(headers, Mapping) else headers
    pairs = tuple((str(name), str(value)) for name, value in items)
    for name, value in pairs:
        if (
            not name
            or any(c in name for c in " \t\r\n:")
            or "\r" in value
            or ("\n" in value)
        ):
            raise UsageError(f"invalid header {excerpt(name)}: {excerpt(value)}")
    return pairs


def _split_url(url: str) -> tuple[str, str, int, str]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise UsageError(f"expected an http:// or https:// URL, got {excerpt(url)}")
    try:
        port = parts.port
    except ValueError as exc:
        raise UsageError(f"invalid port in URL {excerpt(url)}") from exc
    host = parts.hostname
    if not host:
        raise UsageError(f"expected a host in URL {excerpt(url)}")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return scheme, host, port or _DEFAULT_PORTS[scheme], target


class Request:
    """What to send to open an event stream: an immutable, hashable value.

    Build one with :meth:`get` or :meth:`post_json`, or directly with keyword
    arguments.  The URL is checked at construction.

    Attributes:
        url: an absolute ``http://`` or ``https://`` URL.
        method: the HTTP method.
        headers: the caller's headers, as ``(name, value)`` pairs; they replace
            the connection's own headers of the same name.
        body: the request body (sent with ``Content-Length``).
    """

    # A plain slotted class, not an attrs one: help(Request) then shows the API
    # instead of attrs' generated dunders, __attrs_attrs__ and friends.
    __slots__ = ("_body", "_headers", "_method", "_parts", "_url")

    def __init__(
        self,
        *,
        url: str,
        method: str = "GET",
        headers: HeadersLike | None = (),
        body: bytes = b"",
    ) -> None:
        """Check and keep the request's parts.

        Raises:
            UsageError: the URL is not absolute ``http(s)``, the method is not a
                token of letters, a header cannot be sent, or *body* is not
                ``bytes``.
        """
        if not isinstance(method, str) or not method or not method.isalpha():
            raise UsageError(f"invalid HTTP method {excerpt(str(method))}")
        if not isinstance(body, bytes):
            raise UsageError(f"expected body as bytes, got {type(body).__name__}")
        if not isinstance(url, str):
            raise UsageError(f"expected the URL as str, got {type(url).__name__}")
        self._parts = _split_url(url)
        self._url = url
        self._method = method
        self._headers = _header_pairs(headers)
        self._body = body

    @property
    def url(self) -> str:
        """The absolute URL."""
        return self._url

    @property
    def method(self) -> str:
        """The HTTP method."""
        return self._method

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        """The caller's headers, as ``(name, value)`` pairs."""
        return self._headers

    @property
    def body(self) -> bytes:
        """The request body."""
        return self._body

    def _key(self) -> tuple[str, str, tuple[tuple[str, str], ...], bytes]:
        return (self._url, self._method, self._headers, self._body)

    def __eq__(self, other: object) -> bool:
        """Equal to a request with the same URL, method, headers and body."""
        if type(other) is not Request:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"Request(url={self._url!r}, method={self._method!r}, "
            f"headers={self._headers!r}, body={self._body!r})"
        )

    @classmethod
    def get(cls, url: str, *, headers: HeadersLike | None = None) -> Request:
        """A ``GET`` of *url*."""
        return cls(url=url, headers=_header_pairs(headers))

    @classmethod
    def post_json(
        cls, url: str, payload: Any, *, headers: HeadersLike | None = None
    ) -> Request:
        """A ``POST`` of *payload* as JSON (how LLM APIs open their streams)."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        pairs = (("Content-Type", "application/json"), *_header_pairs(headers))
        return cls(url=url, method="POST", headers=pairs, body=body)

    @property
    def scheme(self) -> str:
        """``"http"`` or ``"https"``."""
        return self._parts[0]

    @property
    def host(self) -> str:
        """The host to connect to (an IPv6 address without brackets)."""
        return self._parts[1]

    @property
    def port(self) -> int:
        """The port to connect to (80 or 443 unless the URL names one)."""
        return self._parts[2]

    @property
    def target(self) -> str:
        """The request target: path and query."""
        return self._parts[3]

    @property
    def authority(self) -> str:
        """The ``Host`` header value: the host, and the port unless default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.port == _DEFAULT_PORTS[self.scheme]:
            return host
        return f"{host}:{self.port}"
