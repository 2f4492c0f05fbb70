"""Canonical URLs: one article, one key, whatever tracking junk a feed adds to its links."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import courlan

_DEFAULT_PORTS = {"http": 80, "https": 443}
SAFE_SCHEMES = ("http", "https")


class UnsafeUrlError(ValueError):
    """Not an http(s) URL we are willing to fetch or link to."""


def canonical_url(url: str) -> str:
    """courlan's normalisation (lower-case host, sorted query, tracking parameters such as
    utm_*, fbclid, gclid and ref removed, fragment dropped) plus default ports removed."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.hostname:
        raise UnsafeUrlError(f"not an http(s) URL: {url[:200]!r}")
    normalized = courlan.normalize_url(url, strict=True)
    parts = urlsplit(normalized)
    netloc = parts.hostname or ""
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def is_http_url(url: str | None) -> bool:
    if not url:
        return False
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in SAFE_SCHEMES and bool(parts.hostname)


def source_of(url: str) -> str:
    """The publishing site, for display and grouping: host without a leading www."""
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host
