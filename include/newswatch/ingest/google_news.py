"""Google News search-feed links, resolved offline where the link itself carries the publisher URL.

A Google News search feed (https://news.google.com/rss/search?q=...&hl=hi&gl=IN&ceid=IN:hi) does
not link to the article: each item's <link> is `https://news.google.com/rss/articles/<id>?oc=5`,
and the publisher's site is only in `<source url="https://publisher.example">Publisher</source>`.
The <id> is base64url (unpadded) of a small protobuf message: field 1 a varint, then field 4
(tag byte 0x22, a varint length, then that many bytes) holding the payload. Ids therefore start
`CBMi` (bytes 08 13 22) or, in older feeds, `CAIi` (08 02 22). The prefix does not tell the two
formats apart; the content of field 4 does:

- Old format: field 4 is the publisher's URL itself (bytes `http...`), often followed by field 26
  (tag d2 01) holding its AMP URL. `publisher_url` walks the fields (varint lengths of any size,
  so URLs over 127 bytes work) and returns the first field that is an http(s) URL, offline.
- New format (what Google serves now, for most items): field 4 is an opaque token beginning
  `AU_yqL`. Turning it into a URL needs online calls to Google (fetch the article page for a
  signature and timestamp, then POST them to an internal `batchexecute` endpoint). newswatch does
  not make them: the endpoint is undocumented, rate-limited and changes without notice, and the
  pipeline must work offline. `publisher_url` returns None for these, as for anything it cannot
  decode: non-Google links, other news.google.com paths, bad base64, truncated or garbled ids.

What newswatch does with a link that does not resolve: the caller keeps the Google link as the
entry URL (canonicalised like any other, so the entry has a stable key and is deduplicated across
runs) and records the publisher's site from <source url>. The page fetch then goes to
news.google.com, which answers with its own HTML (a JavaScript redirect or a consent page), not the
article, or with an error or 429. So that fetch, the extraction or the validation may fail, and the
entry is then quarantined with the reason (e.g. "page fetch failed (...)", "extraction failed:
..."), never dropped silently. Publishers' own feeds are unaffected.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import urlsplit

GOOGLE_NEWS_HOST = "news.google.com"

# /rss/articles/<id>, /articles/<id>, and the older /__i/rss/rd/articles/<id>
_ARTICLE_PATH = re.compile(r"^(?:/__i/rss/rd|/rss)?/articles/([A-Za-z0-9_-]+={0,2})/?$")
_URL_START = re.compile(r"https?://", re.IGNORECASE)
_MAX_ID_CHARS = 4096


def is_google_news(url: str) -> bool:
    """Whether `url` is an http(s) URL on news.google.com (articles, search feeds, anything)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
    except (ValueError, AttributeError):
        return False
    return parts.scheme.lower() in ("http", "https") and host == GOOGLE_NEWS_HOST


def publisher_url(link: str) -> str | None:
    """The publisher URL carried inside an old-format Google News article link, else None.

    Never raises: garbage, new-format (opaque) ids and non-Google links all give None."""
    if not is_google_news(link):
        return None
    match = _ARTICLE_PATH.match(urlsplit(link.strip()).path)
    if not match or len(match.group(1)) > _MAX_ID_CHARS:
        return None
    payload = _b64url_decode(match.group(1))
    if payload is None:
        return None
    return _first_url_field(payload)


def _b64url_decode(text: str) -> bytes | None:
    text = text.rstrip("=")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _first_url_field(data: bytes, depth: int = 2) -> str | None:
    """Walk the protobuf fields; the first length-delimited one that is an http(s) URL.
    Fields that are not URLs are tried as nested messages, `depth` levels down."""
    pos = 0
    while pos < len(data):
        tag, pos = _varint(data, pos)
        if tag is None:
            return None
        wire_type = tag & 7
        if wire_type == 0:
            _, pos = _varint(data, pos)
            if pos is None:
                return None
        elif wire_type in (1, 5):  # fixed 64 / 32 bits
            pos += 8 if wire_type == 1 else 4
        elif wire_type == 2:  # length-delimited: varint length, then the bytes
            length, pos = _varint(data, pos)
            if length is None or pos + length > len(data):
                return None  # truncated: better no URL than a cut-off one
            field = data[pos:pos + length]
            url = _as_url(field) or (_first_url_field(field, depth - 1) if depth else None)
            if url:
                return url
            pos += length
        else:
            return None
    return None


def _varint(data: bytes, pos: int) -> tuple[int | None, int | None]:
    """Decode a protobuf varint (7 bits a byte, little-endian, high bit = more). At most 10 bytes."""
    value = 0
    for shift in range(0, 70, 7):
        if pos >= len(data):
            return None, None
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
    return None, None


def _as_url(field: bytes) -> str | None:
    """The field as a URL if it is one: UTF-8, http(s)://, a host, no spaces or control characters."""
    try:
        text = field.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not _URL_START.match(text) or any(ch.isspace() or not ch.isprintable() for ch in text):
        return None
    try:
        return text if urlsplit(text).hostname else None
    except ValueError:
        return None
