"""Sentences of Hindi and English text, with their character offsets in the text as given: danda,
double danda, the `|` some Hindi sites type for a danda, `.`, `?`, `!` and every line break; a
full stop does not end a sentence inside a number, after an abbreviation or inside an initialism
(U.S., ए.पी.). The splitter is pluggable (`Splitter`), so another one (pysbd) can be measured
against ours on the same text."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import regex

from newswatch.claims.folding import NOT_LETTER_AFTER

_QUOTES_OPEN = "\"“‘'’«„"
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


@dataclass(frozen=True)
class SentenceSpan:
    """A sentence as `text[start:end]` (stripped), in paragraph `paragraph` (a line with words)."""

    start: int
    end: int
    paragraph: int


# A splitter gives the (start, end) spans of the sentences of one paragraph (a line), in its language.
Splitter = Callable[[str, str | None], list[tuple[int, int]]]


def _is_initial_before(text: str, i: int) -> bool:
    """True when text[:i] ends in a one-letter initial (the U of U.S., the ए of ए.पी.)."""
    return bool(_INITIAL.search(text[max(0, i - 4):i]))


def _word_before(text: str, i: int) -> str:
    match = regex.search(r"([\p{L}\p{M}]+)$", text[max(0, i - 40):i])
    return match.group(1).casefold() if match else ""


def _dot_ends_sentence(text: str, i: int) -> bool:
    """Whether the '.' at text[i] ends a sentence."""
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if before.isdigit() and after.isdigit():
        return False  # 3.5, 12.09.2023
    if after == ".":
        return False  # an ellipsis or '..' ends at its last dot
    if regex.match(r"[\"”’')\]]*\s+\p{Ll}", text[i + 1:i + 8]):
        return False  # no sentence opens in lower case: "Sen. Warren (D-Mass.) tweeted", "hear ... the truth"
    word = _word_before(text, i)
    rest = text[i + 1:i + 40].lstrip(" ")
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


_SUBORDINATE_START = regex.compile(r"^(?:कि|की\s+कि)" + NOT_LETTER_AFTER)


def newswatch_splitter(paragraph: str, language: str | None = None) -> list[tuple[int, int]]:
    """Our splitter: (start, end) of each sentence of one paragraph, stripped."""
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(paragraph)
    while i < n:
        ch = paragraph[i]
        if ch in _HARD_ENDS or (ch == "." and _dot_ends_sentence(paragraph, i)):
            end = i + 1
            while end < n and (paragraph[end] in _HARD_ENDS or paragraph[end] == "."):
                end += 1  # '?!', '।।', '..'
            while end < n and paragraph[end] in _CLOSERS:
                end += 1  # the closing quote belongs to the sentence it closes
            _append(spans, paragraph, start, end)
            start = i = end
        else:
            i += 1
    _append(spans, paragraph, start, n)
    return spans


def _append(spans: list[tuple[int, int]], paragraph: str, start: int, end: int) -> None:
    piece = paragraph[start:end]
    stripped = piece.strip()
    if not _has_words(stripped):
        if spans and stripped:
            spans[-1] = (spans[-1][0], end - (len(piece) - len(piece.rstrip())))  # a stray '।' or quote
        return
    s = start + len(piece) - len(piece.lstrip())
    e = end - (len(piece) - len(piece.rstrip()))
    if spans and _SUBORDINATE_START.match(stripped):
        # "...ने कहा था| कि मंत्रालय ...": a Hindi sentence never starts with कि; the site put a
        # danda where a comma belongs, so the clause joins the sentence before it.
        spans[-1] = (spans[-1][0], e)
        return
    spans.append((s, e))


def _has_words(text: str) -> bool:
    return bool(regex.search(r"[\p{L}\p{N}]", text))


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of the text that has words, stripped; every line break ends a
    paragraph (\\r\\n, \\r and \\n alike)."""
    spans = []
    for m in regex.finditer(r"[^\r\n]+", text):
        line = m.group()
        if _has_words(line):
            lead = len(line) - len(line.lstrip())
            spans.append((m.start() + lead, m.start() + len(line.rstrip())))
    return spans


def sentence_spans(text: str, language: str | None = None, splitter: Splitter | None = None) -> list[SentenceSpan]:
    """Every sentence of the text as offsets into it, paragraph by paragraph."""
    split = splitter or newswatch_splitter
    out = []
    for p_index, (p_start, p_end) in enumerate(paragraph_spans(text)):
        for s, e in split(text[p_start:p_end], language):
            out.append(SentenceSpan(p_start + s, p_start + e, p_index))
    return out


def paragraphs(text: str) -> list[str]:
    """Lines of the text with words in them, NFC; every line break ends a paragraph."""
    return [unicodedata.normalize("NFC", text[s:e]) for s, e in paragraph_spans(text)]


def split_sentences(text: str) -> list[str]:
    """Sentences of a Hindi or English text, as written (stripped, NFC)."""
    return [unicodedata.normalize("NFC", text[s.start:s.end]) for s in sentence_spans(text)]


def _paragraph_sentences(paragraph: str) -> list[str]:
    return [paragraph[s:e] for s, e in newswatch_splitter(paragraph)]
