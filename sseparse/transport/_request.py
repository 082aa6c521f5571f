"""The request an event-stream connection sends: URL, method, headers, body."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

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


@attrs.frozen(kw_only=True)
class Request:
    """What to send to open an event stream.

    Build one with :meth:`get` or :meth:`post_json`, or directly.  The URL is
    checked at construction.

    Attributes:
        url: an absolute ``http://`` or ``https://`` URL.
        method: the HTTP method.
        headers: the caller's headers; they replace the connection's own
            headers of the same name.
        body: the request body (sent with ``Content-Length``).
    """

    url: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = attrs.field(
        default=(), converter=_header_pairs
    )
    body: bytes = b""
    _parts: tuple[str, str, int, str] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        if not self.method or not self.method.isalpha():
            raise UsageError(f"invalid HTTP method {excerpt(self.method)}")
        if not isinstance(self.body, bytes):
            raise UsageError(f"expected body as bytes, got {type(self.body).__name__}")
        object.__setattr__(self, "_parts", _split_url(self.url))

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
