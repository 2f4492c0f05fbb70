"""Decoding bytes from the web: declared charsets are often wrong on Hindi sites.

Order: BOM, then valid UTF-8 (a page or feed labelled windows-1252/ISO-8859-1 whose bytes
are valid UTF-8 is UTF-8: Latin text is almost never valid UTF-8 by accident), then the
declared charsets in the order given, then detection (charset-normalizer).
"""

from __future__ import annotations

import codecs

import regex
from charset_normalizer import from_bytes

_HEADER_CHARSET = regex.compile(r"charset=[\"']?([A-Za-z0-9_\-.:]+)", regex.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class UndecodableError(ValueError):
    """No charset, declared or detected, turns these bytes into text."""


def header_charset(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def decode(body: bytes, declared: list[str | None]) -> tuple[str, str]:
    """(text, charset used)."""
    for bom, charset in _BOMS:
        if body.startswith(bom):
            try:
                return body.decode(charset), charset
            except UnicodeDecodeError:  # a BOM, then bytes that are not that (feedparser's own test case)
                return _decode_unmarked(body[len(bom):], declared, fallback=charset)
    return _decode_unmarked(body, declared)


def _decode_unmarked(body: bytes, declared: list[str | None], fallback: str | None = None) -> tuple[str, str]:
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for charset in filter(None, declared):
        try:
            return body.decode(charset), charset.lower()
        except (LookupError, UnicodeDecodeError):
            continue
    best = from_bytes(body).best()
    if best is None or best.encoding is None:
        if fallback:  # the BOM's charset, the bad bytes replaced: readable, and the warning says so
            return body.decode(fallback.replace("-sig", ""), errors="replace"), f"{fallback} (invalid bytes replaced)"
        raise UndecodableError("no declared charset fits and none could be detected")
    return str(best), best.encoding
