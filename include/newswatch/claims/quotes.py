"""Quotations of a text: where each opens and closes, across sentences and paragraphs. Straight
and curly double quotes, `''` (two apostrophes, as Hindi sites often type a double quote),
guillemets and single quotes (an apostrophe between letters is no quote: Russia's). A quotation
left open at a paragraph's end goes on when the next paragraph opens with a quote mark (the
convention for a quote running over paragraphs); otherwise it ends with the paragraph."""

from __future__ import annotations

from dataclasses import dataclass

import regex

_DOUBLE = "\"“”„«»"
_SINGLE = "'‘’"
_OPENERS = "“„«‘"
_CLOSERS = "”»’"
_MARK = regex.compile(r"''|‘‘|’’|[\"“”„«»'‘’]")
_LETTER = regex.compile(r"[\p{L}\p{M}\p{N}]")
_OPEN_BEFORE = set(" \t([{—–-:;,") | set(_DOUBLE) | set(_SINGLE)
_CLOSE_AFTER = set(" \t.,;:!?।॥|)]}—–-") | set(_DOUBLE) | set(_SINGLE)
# Speech, not a term or a title ('axis of upheaval'): a sentence's end or a comma inside the marks,
# or a long quotation.
SPEECH_MIN_WORDS = 2
SPEECH_LONG_WORDS = 8
_SPEECH_END = regex.compile(r"[.?!।॥|,…:;]\s*(?:''|‘‘|’’|[\"“”„«»'‘’])?\s*$")


@dataclass(frozen=True)
class Quotation:
    start: int  # the opening mark's offset
    end: int  # after the closing mark, or the end of the paragraph it was left open in
    closed: bool
    words: int
    is_speech: bool

    def covers(self, i: int) -> bool:
        return self.start <= i < self.end


def _family(mark: str) -> str:
    return "single" if mark in _SINGLE else "double"  # '' ‘‘ ’’ count as double


def _roles(text: str, i: int, mark: str) -> tuple[bool, bool]:
    """(may open, may close) for the mark at text[i]."""
    before = text[i - 1] if i > 0 else " "
    j = i + len(mark)
    after = text[j] if j < len(text) else " "
    if mark in _SINGLE and _LETTER.match(before) and _LETTER.match(after):
        return False, False  # an apostrophe: Russia's, don't
    may_open = (before.isspace() or before in _OPEN_BEFORE or i == 0) and not after.isspace()
    may_close = (after.isspace() or after in _CLOSE_AFTER or j >= len(text)) and not before.isspace()
    if mark[0] in _OPENERS and mark != "’’":
        may_close = may_close and not may_open
    if mark[0] in _CLOSERS and mark != "‘‘":
        may_open = may_open and not may_close
    return may_open, may_close


def _words(text: str) -> int:
    return len(regex.findall(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*", text))


def _runs_on(text: str, paragraph: tuple[int, int], family: str) -> bool:
    """Whether a quotation open at a paragraph's end goes on into the next one: that paragraph
    opens with a quote mark (the convention for a quote over paragraphs), or its first mark of the
    family closes (a quoted post broken into lines: `"… Boeing.\n\nHe will be great!"`)."""
    first = _MARK.match(text, paragraph[0])
    if first and _family(first.group()) == family and _roles(text, first.start(), first.group())[0]:
        return True
    for m in _MARK.finditer(text, paragraph[0], paragraph[1]):
        if _family(m.group()) != family:
            continue
        may_open, may_close = _roles(text, m.start(), m.group())
        if may_open or may_close:
            return may_close and not may_open
    return False


def _quotation(text: str, start: int, end: int, closed: bool) -> Quotation:
    words = _words(text[start:end])
    speech = words >= SPEECH_LONG_WORDS or (words >= SPEECH_MIN_WORDS and (
        not closed or bool(_SPEECH_END.search(text[start:end]))))
    return Quotation(start, end, closed, words, speech)


def quotations(text: str, paragraphs: list[tuple[int, int]]) -> list[Quotation]:
    """Every quotation of the text, in order; `paragraphs` are (start, end) of its lines."""
    out: list[Quotation] = []
    open_at: int | None = None
    family = ""
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        for m in _MARK.finditer(text, p_start, p_end):
            mark, i = m.group(), m.start()
            may_open, may_close = _roles(text, i, mark)
            if open_at is None:
                if may_open:
                    open_at, family = i, _family(mark)
            elif _family(mark) == family and may_close and i > open_at:
                out.append(_quotation(text, open_at, m.end(), True))
                open_at = None
        if open_at is not None:
            nxt = paragraphs[p_index + 1] if p_index + 1 < len(paragraphs) else None
            if nxt and _runs_on(text, nxt, family):
                continue
            out.append(_quotation(text, open_at, p_end, False))
            open_at = None
    return out


def inside(quotes: list[Quotation], start: int, end: int) -> Quotation | None:
    """The speech quotation that holds most of text[start:end] (more than half of it), if any."""
    for q in quotes:
        if not q.is_speech or q.end <= start or q.start >= end:
            continue
        overlap = min(q.end, end) - max(q.start, start)
        if overlap * 2 > end - start:
            return q
    return None


def overlapping(quotes: list[Quotation], start: int, end: int) -> list[Quotation]:
    return [q for q in quotes if q.is_speech and q.start < end and q.end > start]
