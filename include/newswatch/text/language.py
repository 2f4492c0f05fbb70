"""The language of an article, decided on the article's own text (headline and body), never on
the page's navigation or its <html lang>: a Hindi article under English menus is Hindi."""

from __future__ import annotations

from functools import lru_cache

import regex

_LETTER = regex.compile(r"\p{L}")
_LETTER_OR_MARK = regex.compile(r"[\p{L}\p{M}]")
_DEVANAGARI = regex.compile(r"\p{Devanagari}")
HINDI_SHARE = 0.25  # Hindi copy is full of English names and terms; a Latin-script article has ~no Devanagari


def devanagari_share(text: str, *, marks: bool) -> float | None:
    """The one script-share rule: Devanagari characters over letters, None when there are no
    letters. `marks=True` counts vowel signs and viramas among the letters (and every Devanagari
    character, digits included, as Devanagari): the article-level guess below. `marks=False`
    counts base letters only: the claims' sentence-level guess, whose thresholds were tuned so."""
    if marks:
        letters = len(_LETTER_OR_MARK.findall(text))
        devanagari = len(_DEVANAGARI.findall(text))
    else:
        found = _LETTER.findall(text)
        letters = len(found)
        devanagari = sum(1 for ch in found if "\u0900" <= ch <= "\u097f")
    return devanagari / letters if letters else None


def detect_language(text: str) -> str | None:
    """Hindi when Devanagari makes a quarter of the letters; other text is named by lingua."""
    share = devanagari_share(text, marks=True)
    if share is None:
        return None
    if share >= HINDI_SHARE:
        return "hi"
    if len(text.split()) < 12:  # a headline of names: too little for a statistical guess
        return "en"
    detected = _lingua().detect_language_of(text[:1000])  # low-accuracy mode: fast, and sure on article-length text
    return detected.iso_code_639_1.name.lower() if detected else "en"


@lru_cache(maxsize=1)
def _lingua():
    from lingua import Language, LanguageDetectorBuilder  # loads its models on first use (~1 s)

    return LanguageDetectorBuilder.from_languages(
        Language.ENGLISH, Language.FRENCH, Language.GERMAN, Language.SPANISH, Language.PORTUGUESE,
        Language.ITALIAN, Language.DUTCH, Language.INDONESIAN, Language.RUSSIAN).with_low_accuracy_mode().build()
