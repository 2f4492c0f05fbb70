"""Folding for matching: text NFC'd, nukta-folded and lower-cased with a map back to the text as
written, and phrase alternations built on it. Letter-and-mark boundaries, so a vowel sign never
splits a Devanagari word."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from newswatch.text.normalize import ZERO_WIDTH, fold_nukta

NOT_LETTER_BEFORE = r"(?<![\p{L}\p{M}\p{N}])"
NOT_LETTER_AFTER = r"(?![\p{L}\p{M}\p{N}])"


_FOLDED: dict[str, str] = {}  # character → its fold; a night folds the same few hundred characters


def _fold_char(ch: str) -> str:
    folded = _FOLDED.get(ch)
    if folded is None:
        # text.normalize's nukta fold and zero-width set, one character at a time to keep the map
        folded = "" if ord(ch) in ZERO_WIDTH else fold_nukta(ch).lower()
        _FOLDED[ch] = folded
    return folded


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """The text NFC'd, nukta-folded and lower-cased, zero-width characters dropped, with the
    index in `text` of every folded character, so that a match maps back to the text as written."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = _FOLDED.get(ch)
        if folded is None:
            folded = _fold_char(ch)
        if len(folded) == 1:
            out.append(folded)
            where.append(i)
        else:
            for c in folded:
                out.append(c)
                where.append(i)
    return "".join(out), where


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    return fold_with_map(text)[0]


def phrase_alternation(*phrases: str) -> str:
    """An alternation of phrases, nukta-folded, longest first, with any run of spaces between words."""
    alts = sorted({fold(p) for p in phrases}, key=len, reverse=True)
    return "|".join(r"\s+".join(map(regex.escape, a.split())) for a in alts)


@dataclass(frozen=True)
class Span:
    start: int
    end: int  # in the folded text
