"""Folding for matching: text NFC'd, nukta-folded and lower-cased with a map back to the text as
written, and phrase alternations built on it. Letter-and-mark boundaries, so a vowel sign never
splits a Devanagari word."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

from newswatch.text.normalize import NUKTA

_NOT_LETTER_BEFORE = r"(?<![\p{L}\p{M}\p{N}])"
_NOT_LETTER_AFTER = r"(?![\p{L}\p{M}\p{N}])"


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """The text NFC'd, nukta-folded and lower-cased, zero-width characters dropped, with the
    index in `text` of every folded character, so that a match maps back to the text as written."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch in "\u200b\u200c\u200d\u2060\ufeff":
            continue
        folded = unicodedata.normalize("NFC", unicodedata.normalize("NFD", ch).replace(NUKTA, "")).lower()
        for c in folded:
            out.append(c)
            where.append(i)
    return "".join(out), where


def _fold(text: str) -> str:
    return _fold_with_map(text)[0]


def _words(*phrases: str) -> str:
    """An alternation of phrases, nukta-folded, longest first, with any run of spaces between words."""
    alts = sorted({_fold(p) for p in phrases}, key=len, reverse=True)
    return "|".join(r"\s+".join(map(regex.escape, a.split())) for a in alts)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int  # in the folded text
