"""One HTTP client for feeds, pages and robots.txt.

- connect/read timeouts, plus a total deadline so a slow drip cannot hold a worker;
- a body cap enforced while streaming, on the *decompressed* bytes (we inflate ourselves,
  bounded per step, so a gzip bomb stops at the cap instead of filling memory);
- at most 5 redirects, each hop re-checked by the SSRF guard;
- the SSRF guard: only http(s), and no host resolving to a private, loopback, link-local,
  reserved, multicast or unspecified address (cloud metadata 169.254.169.254 included),
  unless the config allows loopback (the demo and tests only);
- a User-Agent naming newswatch and the topic's contact; `Retry-After` parsed on 429/503.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from newswatch import __version__
from newswatch.config import HttpSettings

MAX_REDIRECTS = 5
_TLS = ssl.create_default_context()  # loading the CA bundle costs ~18 ms: once per process, not per fetch


class FetchError(Exception):
    """A fetch that produced no usable body; `error_class` is what the feed health records."""

    def __init__(self, error_class: str, message: str, status: int | None = None,
                 retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.status = status
        self.retry_after_s = retry_after_s


@dataclass
class HttpResponse:
    url: str  # after redirects
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def user_agent(contact: str) -> str:
    return f"newswatch/{__version__} (+news monitoring; contact {contact})"


def check_target(url: str, allow_loopback: bool) -> None:
    """Refuse what a hostile feed could point us at: other schemes, internal addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("blocked", f"refusing non-http(s) URL {url[:200]!r}")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 0, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError("dns", f"cannot resolve {parts.hostname}: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_loopback and allow_loopback:
            continue
        if (address.is_private or address.is_loopback or address.is_link_local
                or address.is_reserved or address.is_multicast or address.is_unspecified):
            raise FetchError("blocked", f"refusing {parts.hostname}: resolves to internal address {address}")


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait, from either form of Retry-After (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def fetch(url: str, settings: HttpSettings, contact: str, headers: dict[str, str] | None = None) -> HttpResponse:
    """GET `url`. Returns 2xx and 304 responses; raises FetchError for everything else."""
    request_headers = {"User-Agent": user_agent(contact), "Accept-Encoding": "gzip, deflate"}
    request_headers.update(headers or {})
    timeout = httpx.Timeout(settings.timeout_s, connect=min(10.0, settings.timeout_s))
    deadline = time.monotonic() + settings.timeout_s * 3
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, verify=_TLS) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_target(url, settings.allow_loopback)
            response = _get(client, url, request_headers, settings.max_bytes, deadline)
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("location")
                if not location:
                    raise FetchError("http_3xx", f"redirect without Location from {url}", response.status)
                url = urljoin(url, location)
                continue
            if response.status == 304 or 200 <= response.status < 300:
                return response
            kind = "http_4xx" if 400 <= response.status < 500 else "http_5xx"
            retry_after = parse_retry_after(response.headers.get("retry-after")) \
                if response.status in (429, 503) else None
            raise FetchError(kind, f"HTTP {response.status} from {url}", response.status, retry_after)
    raise FetchError("redirects", f"more than {MAX_REDIRECTS} redirects starting at {url}")


def _decoder(content_encoding: str):
    encoding = content_encoding.strip().lower()
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS | 32)
    if encoding in ("", "identity"):
        return None
    raise FetchError("decode", f"unsupported content encoding {content_encoding!r}")


def _get(client: httpx.Client, url: str, headers: dict[str, str], max_bytes: int, deadline: float) -> HttpResponse:
    try:
        with client.stream("GET", url, headers=headers) as response:
            resp_headers = {k.lower(): v for k, v in response.headers.items()}
            if not 200 <= response.status_code < 300:  # error pages, redirects, 304: no body needed
                return HttpResponse(str(response.url), response.status_code, resp_headers)
            declared = resp_headers.get("content-length", "")
            encoding = resp_headers.get("content-encoding", "")
            if declared.isdigit() and int(declared) > max_bytes and not encoding:
                raise FetchError("too_large", f"{url} declares {declared} bytes (cap {max_bytes})", 200)
            body = _read_capped(response, _decoder(encoding), url, max_bytes, deadline)
            return HttpResponse(str(response.url), response.status_code, resp_headers, body)
    except httpx.TimeoutException as exc:
        raise FetchError("timeout", f"timeout fetching {url}: {type(exc).__name__}") from exc
    except httpx.ConnectError as exc:
        raise FetchError("connect", f"cannot connect to {url}: {exc}") from exc
    except httpx.HTTPError as exc:
        raise FetchError("connect", f"HTTP error fetching {url}: {exc}") from exc


def _read_capped(response: httpx.Response, decoder, url: str, max_bytes: int, deadline: float) -> bytes:
    out = bytearray()
    for raw in response.iter_raw():  # as received: a chunk size would buffer a slow drip past the deadline
        if time.monotonic() > deadline:
            raise FetchError("timeout", f"{url} too slow: gave up at the total deadline", response.status_code)
        if decoder is None:
            out += raw
        else:
            data = raw
            while data:  # inflate at most what still fits under the cap, one bounded step at a time
                try:
                    out += decoder.decompress(data, max_bytes + 1 - len(out))
                except zlib.error as exc:
                    raise FetchError("decode", f"corrupt compressed body from {url}: {exc}") from exc
                data = decoder.unconsumed_tail
                if len(out) > max_bytes:
                    break
        if len(out) > max_bytes:
            raise FetchError("too_large", f"{url} body exceeds {max_bytes} bytes", 200)
    return bytes(out)
