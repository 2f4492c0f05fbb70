"""What a stored field may hold, enforced at one boundary: the typed records (newswatch.records
runs these in its validators, so no Article, FeedEntry or QuarantineRecord exists that breaks
them, whoever built it).

- URLs: http(s) with a host, no whitespace or control characters, at most MAX_URL characters;
  anything else (`javascript:`, `data:`, a broken IPv6 literal) is no URL at all (None).
- Text fields: plain text. Markup is removed (script and style elements with their content),
  entities are unescaped, repeatedly until nothing changes (`&amp;lt;b&amp;gt;` is markup after
  two rounds); control characters, NUL (Postgres refuses it in text and jsonb), lone
  surrogates and bidi overrides are dropped. Zero-width joiners stay: Hindi needs them.
- Lengths are bounded per field (LIMITS), cut at a character, never mid-surrogate.

The readers of the database (the digest, the coming UI, an analyst's notebook) can then take a
title as a title and an image URL as an image URL, escaping or not.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

MAX_URL = 2048
LIMITS = {"title": 1000, "summary": 10_000, "text": 1_000_000, "source": 200, "author": 500,
          "guid": MAX_URL, "reason": 2000, "value": 500, "item_key": MAX_URL, "method": 64}

_OPEN_CONTENT_ELEMENT = re.compile(r"<\s*(script|style|template|noscript)\b[^>]*>", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(-->|$)", re.DOTALL)
_TAG = re.compile(r"<[A-Za-z!/?][^<>]*>")  # <img/src=x onerror=...> included: anything up to '>'
_UNCLOSED_TAG = re.compile(r"<[A-Za-z][A-Za-z0-9-]*[\s/][^<>]*=[^<>]*$")  # <img src=x onerror=..., cut off at the end
# C0 controls but tab and newline, DEL and C1, lone surrogates, bidi embeddings/overrides/isolates
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
_BLANK_RUNS = re.compile(r"[ \t]+")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def strip_controls(value: str) -> str:
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _drop_content_elements(value: str) -> str:
    """<script>...</script> and the like go with their content. One forward scan (a regex with
    a lazy body would go quadratic on a page of unclosed <script> tags)."""
    lowered = value.lower()
    out, pos = [], 0
    while (found := _OPEN_CONTENT_ELEMENT.search(value, pos)) is not None:
        out.append(value[pos:found.start()])
        close = lowered.find(f"</{found.group(1).lower()}", found.end())
        if close < 0:
            return "".join(out) + " "  # never closed: a browser would treat the rest as its content
        end = lowered.find(">", close)
        pos = len(value) if end < 0 else end + 1
        out.append(" ")
    out.append(value[pos:])
    return "".join(out)


def _strip_markup_once(value: str) -> str:
    value = _drop_content_elements(value)
    value = _COMMENT.sub(" ", value)
    value = _TAG.sub(" ", value)
    value = _UNCLOSED_TAG.sub(" ", value)
    return html.unescape(value)


def plain_text(value: str | None, limit: int, *, multiline: bool = False) -> str:
    """Markup-free, entity-free, control-free text of at most `limit` characters. Idempotent."""
    if not value:
        return ""
    text = strip_controls(value[: limit * 2])  # what is cut anyway is not worth cleaning
    for _ in range(20):  # each round peels one level of escaping; real pages need one or two
        if "<" not in text and "&" not in text:
            break
        cleaned = strip_controls(_strip_markup_once(text))
        if cleaned == text:
            break
        text = cleaned
    if multiline:
        lines = [_BLANK_RUNS.sub(" ", line).strip() for line in text.split("\n")]
        text = "\n".join(lines).strip()
        text = re.sub(r"\n{3,}", "\n\n", text)
    else:
        text = _SPACES.sub(" ", text).strip()
    return text[:limit].rstrip() if len(text) > limit else text


def http_url(value: str | None) -> str | None:
    """The URL when it is an http(s) URL with a host that we would store and link; else None."""
    if not value or not isinstance(value, str):
        return None
    url = value.strip()
    if len(url) > MAX_URL or _CONTROL.search(url) or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def key_text(value: str | None, limit: int = MAX_URL) -> str:
    """An identifier (GUID, quarantine key): kept as given but for control characters, bounded."""
    return strip_controls(value or "")[:limit]


def language_code(value: str | None) -> str | None:
    """A BCP 47-looking language tag ('hi', 'en', 'en-IN'), else None."""
    if not value:
        return None
    value = value.strip()
    return value if _LANGUAGE.match(value) else None


def json_safe(node: Any, depth: int = 0) -> Any:
    """A payload for a jsonb column: strings without NUL or lone surrogates, bounded depth."""
    if depth > 20:
        return None
    if isinstance(node, str):
        return strip_controls(node)[:20_000]
    if isinstance(node, dict):
        return {strip_controls(str(k))[:200]: json_safe(v, depth + 1) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [json_safe(v, depth + 1) for v in node]
    return node
