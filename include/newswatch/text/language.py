"""The language of an article, decided on the article's own text (headline and body), never on
the page's navigation or its <html lang>: a Hindi article under English menus is Hindi."""

from __future__ import annotations

from functools import lru_cache

import regex

_DEVANAGARI = regex.compile(r"\p{Devanagari}")
_LETTER = regex.compile(r"[\p{L}\p{M}]")
HINDI_SHARE = 0.25  # Hindi copy is full of English names and terms; a Latin-script article has ~no Devanagari


def detect_language(text: str) -> str | None:
    """Hindi when Devanagari makes a quarter of the letters; other text is named by lingua."""
    devanagari = len(_DEVANAGARI.findall(text))
    letters = len(_LETTER.findall(text))
    if letters == 0:
        return None
    if devanagari >= HINDI_SHARE * letters:
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
