"""One HTTP client for feeds, pages and robots.txt.

- connect/read timeouts, plus a total deadline (3 x `timeout_s`) over everything from the
  connect through the headers to the last body byte, so a slow drip of headers or body cannot
  hold a worker;
- a body cap enforced while streaming, on the *decompressed* bytes (we inflate ourselves,
  bounded per step, so a gzip bomb stops at the cap instead of filling memory);
- at most 5 redirects, each hop checked again;
- the SSRF guard (newswatch.ingest.netguard): only http(s) URLs with a valid host and port, and a
  connection only to globally reachable addresses (an allow-list), to the very address that
  was checked (no second DNS resolution), unless the topic allows loopback (demo and tests);
- a User-Agent naming newswatch and the topic's contact; `Retry-After` parsed on 429/503.
"""

from __future__ import annotations

import ssl
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from newswatch import __version__
from newswatch.config import HttpSettings
from newswatch.ingest.netguard import Deadline, GuardRefusal, PinnedBackend, resolve_checked

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


def check_url(url: str) -> None:
    """Refuse what no fetch may start with: other schemes, no host, a broken host or port."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError: port out of range, not a number, broken [IPv6]
    except ValueError as exc:
        raise FetchError("blocked", f"refusing malformed URL {url[:200]!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("blocked", f"refusing non-http(s) URL {url[:200]!r}")


def check_target(url: str, allow_loopback: bool) -> None:
    """The guard on its own, before any fetch (fetch applies it at connect time, per hop)."""
    check_url(url)
    parts = urlsplit(url)
    try:
        resolve_checked(parts.hostname, parts.port or 0, allow_loopback)
    except GuardRefusal as exc:
        raise FetchError(exc.error_class, str(exc)) from exc


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport on a connection pool whose network backend is the guard."""

    def __init__(self, backend: PinnedBackend, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context, trust_env=False)
        self._pool.close()
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=backend,
                                             max_connections=10, max_keepalive_connections=5)


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
    deadline = Deadline(settings.timeout_s * 3)
    backend = PinnedBackend(settings.allow_loopback, deadline)
    with httpx.Client(timeout=timeout, follow_redirects=False, transport=GuardedTransport(backend, _TLS)) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url)  # the address is checked when the backend connects, on this hop too
            response = _get(client, url, request_headers, settings.max_bytes, deadline)
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("location")
                if not location:
                    raise FetchError("http_3xx", f"redirect without Location from {url}", response.status)
                try:
                    url = urljoin(url, location.strip())
                except ValueError as exc:  # e.g. Location: http://[::1/x
                    raise FetchError("blocked", f"malformed redirect from {url} to {location[:200]!r}: {exc}",
                                     response.status) from None
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


def _get(client: httpx.Client, url: str, headers: dict[str, str], max_bytes: int, deadline: Deadline) -> HttpResponse:
    try:
        with client.stream("GET", url, headers=headers) as response:
            resp_headers = {k.lower(): v for k, v in response.headers.items()}
            if not 200 <= response.status_code < 300:  # error pages, redirects, 304: no body needed
                return HttpResponse(str(response.url), response.status_code, resp_headers)
            declared = resp_headers.get("content-length", "")
            encoding = resp_headers.get("content-encoding", "")
            if declared.isdigit() and int(declared) > max_bytes and not encoding:
                raise FetchError("too_large", f"{url} declares {declared} bytes (cap {max_bytes})", 200)
            try:
                body = _read_capped(response, _decoder(encoding), url, max_bytes, deadline)
            except httpx.TimeoutException as exc:  # the headers came; the body did not in time
                raise FetchError("timeout", f"{url} too slow: {exc}", response.status_code) from exc
            return HttpResponse(str(response.url), response.status_code, resp_headers, body)
    except GuardRefusal as exc:
        raise FetchError(exc.error_class, str(exc)) from exc
    except httpx.TimeoutException as exc:
        raise FetchError("timeout", f"timeout fetching {url}: {type(exc).__name__}: {exc}") from exc
    except httpx.ConnectError as exc:
        raise FetchError("connect", f"cannot connect to {url}: {exc}") from exc
    except httpx.RemoteProtocolError as exc:
        if "location header" in str(exc).lower():  # httpx parses Location even when not following it
            raise FetchError("http_3xx", f"invalid redirect from {url}: {exc}") from exc
        raise FetchError("connect", f"HTTP error fetching {url}: {exc}") from exc
    except httpx.HTTPError as exc:
        raise FetchError("connect", f"HTTP error fetching {url}: {exc}") from exc
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:  # a host httpx cannot even encode
        raise FetchError("blocked", f"refusing malformed URL {url[:200]!r}: {exc}") from exc


def _read_capped(response: httpx.Response, decoder, url: str, max_bytes: int, deadline: Deadline) -> bytes:
    out = bytearray()
    for raw in response.iter_raw():  # as received: a chunk size would buffer a slow drip past the deadline
        if time.monotonic() > deadline.at:
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
