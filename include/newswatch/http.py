"""One HTTP client for feeds and pages: timeouts, a body cap enforced while streaming (on
the decompressed bytes, so a gzip bomb stops at the cap), at most 5 redirects each re-checked,
and a guard that refuses non-http(s) schemes and hosts resolving to private, loopback,
link-local or reserved addresses (loopback only when the config allows it: demo and tests).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from newswatch import __version__
from newswatch.config import HttpSettings

MAX_REDIRECTS = 5


class FetchError(Exception):
    """A fetch that produced no usable body; `error_class` is what the feed health records."""

    def __init__(self, error_class: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.status = status


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


def fetch(url: str, settings: HttpSettings, contact: str, headers: dict[str, str] | None = None) -> HttpResponse:
    """GET `url`. Returns 2xx and 304 responses; raises FetchError for everything else."""
    request_headers = {"User-Agent": user_agent(contact), "Accept-Encoding": "gzip, deflate"}
    request_headers.update(headers or {})
    timeout = httpx.Timeout(settings.timeout_s, connect=min(10.0, settings.timeout_s))
    deadline = time.monotonic() + settings.timeout_s * 3  # a slow drip cannot hold us forever
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
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
            raise FetchError(kind, f"HTTP {response.status} from {url}", response.status)
    raise FetchError("redirects", f"more than {MAX_REDIRECTS} redirects starting at {url}")


def _get(client: httpx.Client, url: str, headers: dict[str, str], max_bytes: int, deadline: float) -> HttpResponse:
    try:
        with client.stream("GET", url, headers=headers) as response:
            resp_headers = {k.lower(): v for k, v in response.headers.items()}
            declared = resp_headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError("too_large", f"{url} declares {declared} bytes (cap {max_bytes})", response.status_code)
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():  # decompressed bytes: the cap covers gzip bombs
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError("too_large", f"{url} body exceeds {max_bytes} bytes", response.status_code)
                if time.monotonic() > deadline:
                    raise FetchError("timeout", f"{url} too slow: gave up after the total deadline")
                chunks.append(chunk)
            return HttpResponse(str(response.url), response.status_code, resp_headers, b"".join(chunks))
    except httpx.TimeoutException as exc:
        raise FetchError("timeout", f"timeout fetching {url}: {type(exc).__name__}") from exc
    except httpx.ConnectError as exc:
        raise FetchError("connect", f"cannot connect to {url}: {exc}") from exc
    except httpx.DecodingError as exc:
        raise FetchError("decode", f"undecodable content encoding from {url}: {exc}") from exc
    except httpx.HTTPError as exc:
        raise FetchError("connect", f"HTTP error fetching {url}: {exc}") from exc
