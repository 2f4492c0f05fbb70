"""Text normalisation used everywhere text is compared or hashed.

Hindi first: NFC, nukta folding (क़ → क), zero-width joiners dropped, danda treated as
punctuation, Devanagari digits mapped to ASCII. Tokenising uses the `regex` module, whose
\\w keeps Devanagari vowel signs inside words (stdlib `re` splits "किम" at the matra).
"""

from __future__ import annotations

import hashlib
import unicodedata

import regex

NUKTA = "\u093c"
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
DEVANAGARI_DIGITS = {ord("०") + i: str(i) for i in range(10)}
# A word: letters/digits plus the combining marks that belong to them (matras, virama, anusvara).
TOKEN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*")
_SPACE = regex.compile(r"\s+")


def fold_nukta(text: str) -> str:
    """क़ → क, ड़ → ड ...: outlets write the same word with and without nukta."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", decomposed.replace(NUKTA, ""))


def normalize_text(text: str) -> str:
    """Canonical form for comparing: NFC, nukta folded, no zero-width chars, ASCII digits,
    case-folded, single spaces. Punctuation (danda included) is kept; see `tokens`."""
    text = unicodedata.normalize("NFC", text)
    text = fold_nukta(text).translate(ZERO_WIDTH).translate(DEVANAGARI_DIGITS)
    return _SPACE.sub(" ", text).strip().casefold()


def tokens(text: str) -> list[str]:
    """Words of the normalised text; danda, double danda and all other punctuation drop out."""
    return TOKEN.findall(normalize_text(text))


def content_hash(text: str) -> str:
    """sha256 of the token sequence: stable across whitespace, punctuation, nukta and digit
    variants, so a republication with other markup hashes the same as its original."""
    return hashlib.sha256(" ".join(tokens(text)).encode("utf-8")).hexdigest()


def contains_phrase(haystack: list[str], phrase: list[str]) -> bool:
    """True when the token list `phrase` occurs contiguously in `haystack`."""
    n = len(phrase)
    if n == 0:
        return False
    first = phrase[0]
    return any(
        haystack[i] == first and haystack[i : i + n] == phrase
        for i in range(len(haystack) - n + 1)
    )
