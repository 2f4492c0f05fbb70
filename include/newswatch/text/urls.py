"""Canonical URLs: one article, one key, whatever tracking junk, AMP or mobile variant a feed links to.

`canonical_url` is courlan's normalisation of scheme, host, port and path (lower-case scheme and
host, punycode shown as Unicode, default ports and the fragment dropped, path percent-encoded),
followed by our own rules, one helper per family:

- host: `www.`, `m.`, `mobile.` and `amp.` leading labels dropped (`_site_host`);
- path: AMP markers dropped (`_drop_amp_path`);
- query: tracking and AMP switches dropped, the rest kept and sorted (`_clean_query`).

The query is filtered by a *deny* list (TRACKING_PARAMS) rather than courlan's strict allow list:
the allow list keeps only id/p/page-style names and would merge different articles addressed as
`?story=1` and `?story=2`. An unknown tracking parameter costs at worst a missed URL duplicate,
which the content-hash layer of the deduplication still catches; a merged article is lost.

The scheme is kept as given (the loopback demo serves http). The key is what we store and compare;
it is not guaranteed to be the address the publisher prefers (e.g. it has no `www.`).
"""

from __future__ import annotations

import ipaddress
import re
import string
from urllib.parse import parse_qsl, quote_plus, urljoin, urlsplit, urlunsplit

import courlan

SAFE_SCHEMES = ("http", "https")

# Query parameters that only say where a click came from, never which article it is.
# Compared lower-cased (so the Guardian's `CMP` is `cmp` here).
TRACKING_PARAMS = frozenset({
    # ad and social click ids
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
    "igshid", "li_fat_id",
    # analytics and e-mail campaign tools (Google Analytics, Mailchimp, HubSpot, Marketo,
    # Webtrends, Comscore, AT Internet as used by the BBC, MSN, Alibaba)
    "_ga", "_gl", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "wt_mc", "wt.mc_id",
    "ns_campaign", "ns_mchannel", "ns_source",
    "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
    "ocid", "taid", "spm",
    # publishers' own referral and campaign tags (`cmp`: the Guardian's CMP, `smid`: NYT shares,
    # `pfrom`: NDTV's "which box on the home page" tag)
    "ref", "ref_src", "ref_url", "cmpid", "cmp", "icid", "ito", "smid", "pfrom",
})
TRACKING_PREFIXES = ("utm_",)
# Deliberately NOT in the list: `from` (Times of India adds `from=mdr`, but `from` is a real
# parameter elsewhere, e.g. date ranges), `src`, `s`, `share`, `cid`, `source`: too often meaningful.

# Query switches that only ask for the AMP rendering: name → values that mean AMP (None: any value).
AMP_QUERY = {"amp": None, "outputtype": {"amp"}}

# Leading host labels that name a rendering of the same site, not a different site.
# www.example.com and example.com are the same site, so they get one key (no `www.`).
SITE_PREFIX_LABELS = ("www", "m", "mobile", "amp")

_AMP_SEGMENT = "amp"
# Times of India / Navbharat Times: /amp_articleshow/123.cms is /articleshow/123.cms
_AMP_PAGE_TYPE = re.compile(r"^amp_([a-z]*show|liveblog|photostory)$")
# story.amp.html is story.html; BBC's c0abc.amp is c0abc
_AMP_SUFFIX = re.compile(r"(?<=[^.])\.amp(?=(?:\.html?)?$)")
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
_HOST_ASCII = frozenset(string.ascii_lowercase + string.digits + "-._")


class UnsafeUrlError(ValueError):
    """Not an http(s) URL we are willing to fetch or link to."""


def canonical_url(url: str) -> str:
    """The one key for an article URL; idempotent. Raises UnsafeUrlError for non-http(s) URLs."""
    parts = _checked_split(url.strip())
    # courlan normalises everything but the query, which we filter ourselves (see module doc)
    base = urlsplit(courlan.normalize_url(urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")),
                                          strict=True))
    host = _site_host(base.hostname or "")
    if not _valid_host(host):
        raise UnsafeUrlError(f"URL has no usable host: {url[:200]!r}")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = f"{host}:{base.port}" if base.port else host  # courlan dropped default ports
    path = _upper_escapes(_drop_amp_path(_resolve_dots(base.path)))
    return urlunsplit((base.scheme, netloc, path, _clean_query(parts.query), ""))


def _checked_split(url: str):
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a non-numeric or out-of-range port
    except ValueError as exc:  # also a broken [IPv6] host
        raise UnsafeUrlError(f"malformed URL ({exc}): {url[:200]!r}") from None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.hostname:
        raise UnsafeUrlError(f"not an http(s) URL: {url[:200]!r}")
    return parts


def _valid_host(host: str) -> bool:
    """A DNS name (ASCII letters, digits, '-', '_' and '.', or any printable non-ASCII letter of an
    IDN such as उदाहरण.भारत), an IPv4 address, or an IPv6 literal. No '&', '|', spaces, controls."""
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    return bool(host) and all(
        ch in _HOST_ASCII if ch.isascii() else ch.isprintable() and not ch.isspace() for ch in host)


def _site_host(host: str) -> str:
    """m.example.com, mobile.example.com, amp.example.com, www.example.com → example.com;
    m.hindi.example.com → hindi.example.com. Two labels always remain (amp.dev stays)."""
    labels = host.rstrip(".").split(".")
    while len(labels) > 2 and labels[0] in SITE_PREFIX_LABELS:
        labels.pop(0)
    return ".".join(labels)


def _resolve_dots(path: str) -> str:
    """/a/./b/../c → /a/c, as a browser would (RFC 3986 §5.2.4); courlan only drops a leading /..
    The path is already percent-encoded by courlan, so urljoin cannot mistake it for a query."""
    return urlsplit(urljoin("http://h/", path)).path


def _drop_amp_path(path: str) -> str:
    """/amp/world/story.html, /world/story.html/amp, /world/story.amp.html → /world/story.html;
    /amp_articleshow/1.cms → /articleshow/1.cms; NDTV's /story-123/amp/1 → /story-123.
    Only whole segments count: /amplifier/ and /camp.html are not AMP markers.
    Applied until nothing changes (each step shortens the path), so the result is idempotent
    even for odd stacks such as /x.amp/amp."""
    while (shorter := _drop_amp_markers(path)) != path:
        path = shorter
    return path


def _drop_amp_markers(path: str) -> str:
    segments = [s for s in path.split("/") if s]
    if segments[-2:] == [_AMP_SEGMENT, "1"]:
        segments.pop()
    amp_was_last = bool(segments) and segments[-1] == _AMP_SEGMENT
    segments = [_AMP_PAGE_TYPE.sub(r"\1", s) for s in segments if s != _AMP_SEGMENT]
    if not segments:
        return "/"  # root: "" and "/" are the same page
    segments[-1] = _AMP_SUFFIX.sub("", segments[-1])
    # keep the trailing slash as published (/slug/amp/ → /slug/), except after a file name
    # (The Hindu's /article1.ece/amp/ → /article1.ece)
    slash = path.endswith("/") and not (amp_was_last and "." in segments[-1])
    return "/" + "/".join(segments) + ("/" if slash else "")


def _clean_query(query: str) -> str:
    """Drop tracking parameters and AMP switches; keep the rest, sorted by name (stable for repeats).
    A blank value is kept as a bare name: `?12345` can be the article id."""
    kept = []
    for name, value in parse_qsl(query, keep_blank_values=True, errors="surrogateescape"):
        key = name.lower()
        if not (name or value):
            continue  # `?&` or `?=`
        if key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES):
            continue
        if key in AMP_QUERY and (AMP_QUERY[key] is None or value.lower() in AMP_QUERY[key]):
            continue
        kept.append((name, value))
    kept.sort(key=lambda pair: pair[0])
    return "&".join(_encode(name) + (f"={_encode(value)}" if value else "") for name, value in kept)


def _encode(text: str) -> str:
    return quote_plus(text, errors="surrogateescape")


def _upper_escapes(path: str) -> str:
    """%e0%a4 and %E0%A4 are the same bytes (RFC 3986 §6.2.2.1)."""
    return _ESCAPE.sub(lambda m: m.group(0).upper(), path)


def is_http_url(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in SAFE_SCHEMES and bool(parts.hostname)


def source_of(url: str) -> str:
    """The publishing site, for display and grouping: host without a leading www."""
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host
