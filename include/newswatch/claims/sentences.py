"""Sentences of Hindi and English text: danda, double danda, the `|` some Hindi sites type for a
danda, `.`, `?`, `!` and every line break; a full stop does not end a sentence inside a number,
after an abbreviation or inside an initialism (U.S., ए.पी.)."""

from __future__ import annotations

import unicodedata

import regex

from newswatch.claims.folding import _NOT_LETTER_AFTER

_QUOTES_OPEN = "\"“‘'’«"
_QUOTES_CLOSE = "\"”’'‘»"
_CLOSERS = set(_QUOTES_CLOSE) | set(")]}")
# Words after which a full stop is not a sentence end (compared case-folded, without the dot).
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "lt", "col", "maj", "capt", "cmdr",
    "adm", "sgt", "gov", "sen", "rep", "pres", "rev", "hon", "amb", "inc", "ltd", "co", "corp",
    "vs", "etc", "approx", "est", "dept", "fig", "vol", "ed", "al", "eg", "ie", "mt", "ft",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "डॉ", "श्री", "श्रीमती", "प्रो", "सं",
}
_ABBREVIATIONS_BEFORE_NUMBER = {"no", "nos", "art", "sec", "p", "pp", "para", "ch", "op"}
# A one-letter part of an initialism: a Latin letter, or a Devanagari consonant with its signs.
_INITIAL = regex.compile(r"(?:^|[^\p{L}\p{M}])((?:[\p{Latin}]|[\p{Devanagari}&&\p{L}][\p{M}]*))$")
_HARD_ENDS = "।॥|?!"


def _is_initial_before(text: str, i: int) -> bool:
    """True when text[:i] ends in a one-letter initial (the U of U.S., the ए of ए.पी.)."""
    return bool(_INITIAL.search(text[max(0, i - 4):i]))


def _word_before(text: str, i: int) -> str:
    match = regex.search(r"([\p{L}\p{M}]+)$", text[:i])
    return match.group(1).casefold() if match else ""


def _dot_ends_sentence(text: str, i: int) -> bool:
    """Whether the '.' at text[i] ends a sentence."""
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if before.isdigit() and after.isdigit():
        return False  # 3.5, 12.09.2023
    if after == ".":
        return False  # an ellipsis or '..' ends at its last dot
    word = _word_before(text, i)
    rest = text[i + 1:].lstrip(" ")
    if word in _ABBREVIATIONS and not rest.startswith("\n"):
        return False
    if word in _ABBREVIATIONS_BEFORE_NUMBER and rest[:1].isdigit():
        return False  # No. 5
    if _is_initial_before(text, i) and not rest.startswith("\n") and rest:
        # Initialisms (U.S., ए.पी.): a dot inside one never ends a sentence, nor the last one
        # ("the U.S. said" is far more common than a sentence ending in one); a line break does.
        if after and not after.isspace():
            return False  # the first dot of U.S.
        before_initial = i - len(word) - 1
        if (before_initial >= 0 and text[before_initial] == ".") or len(word) == 1:
            return False
    if after and not (after.isspace() or after in _CLOSERS):
        # A dot glued to the next word: "Inc.com", "ए.पी", a URL.
        return False
    return True


def _paragraph_sentences(paragraph: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    i = 0
    n = len(paragraph)
    while i < n:
        ch = paragraph[i]
        end = None
        if ch in _HARD_ENDS or (ch == "." and _dot_ends_sentence(paragraph, i)):
            end = i + 1
            while end < n and (paragraph[end] in _HARD_ENDS or paragraph[end] == "."):
                end += 1  # '?!', '।।', '..'
            while end < n and paragraph[end] in _CLOSERS:
                end += 1  # the closing quote belongs to the sentence it closes
        if end is not None:
            _append_sentence(sentences, paragraph[start:end])
            start = end
            i = end
        else:
            i += 1
    _append_sentence(sentences, paragraph[start:])
    return sentences


_SUBORDINATE_START = regex.compile(r"^(?:कि|की\s+कि)" + _NOT_LETTER_AFTER)


def _append_sentence(sentences: list[str], piece: str) -> None:
    piece = piece.strip()
    if not _has_words(piece):
        return
    if sentences and _SUBORDINATE_START.match(piece):
        # "...ने कहा था| कि मंत्रालय ...": a Hindi sentence never starts with कि; the site put a
        # danda where a comma belongs, so the clause joins the sentence before it.
        sentences[-1] = f"{sentences[-1]} {piece}"
        return
    sentences.append(piece)


def _has_words(text: str) -> bool:
    return bool(regex.search(r"[\p{L}\p{N}]", text))


def paragraphs(text: str) -> list[str]:
    """Lines of the text with words in them; every line break ends a paragraph."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return [line.strip() for line in text.split("\n") if _has_words(line)]


def split_sentences(text: str) -> list[str]:
    """Sentences of a Hindi or English text, as written (stripped)."""
    return [s for paragraph in paragraphs(text) for s in _paragraph_sentences(paragraph)]
