"""Finding the cues of a sentence that really attribute (the lexicon is data: `cues/<lang>.yaml`),
and the lines that are never claims."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from newswatch.claims.folding import NOT_LETTER_AFTER, Span, phrase_alternation
from newswatch.claims.lexicon import QUOTE_CHARS, Cue, Lexicon, languages, lexicon


@dataclass(frozen=True)
class CueMatch:
    """A cue found in a sentence's folded text; `end` includes the auxiliaries after it."""

    name: str
    start: int
    end: int
    cue: Cue

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


_HAS_CONTENT = regex.compile(r"[\p{L}\p{N}]")
_QUOTE = regex.compile(f"[{regex.escape(QUOTE_CHARS)}]")
_AGENT = regex.compile(r"(?<![\p{L}\p{M}])(?:ने|द्वारा|की\s+ओर\s+से|की\s+तरफ\s+से)" + NOT_LETTER_AFTER)
_KI = regex.compile(r"(?<![\p{L}\p{M}])कि" + NOT_LETTER_AFTER)
_LOOK_BACK = 80  # characters of context the conditions before a cue look at


def _clause(folded: str, lex: Lexicon, start: int, end: int) -> tuple[int, int]:
    """The clause around folded[start:end]: from the last clause break before to the next after."""
    left = 0
    for m in lex.clause_break.finditer(folded, 0, start):
        left = m.end()
    nxt = lex.clause_break.search(folded, end)
    return left, nxt.start() if nxt else len(folded)


def _holds(folded: str, lex: Lexicon, cue: Cue, start: int, end: int, blocked: list[tuple[int, int]]) -> bool:
    before, after = folded[max(0, start - _LOOK_BACK):start], folded[end:]
    if cue.unless_prev and cue.unless_prev.search(before):
        return False
    if cue.unless_next and cue.unless_next.match(after):
        return False
    if cue.next and not cue.next.match(after):
        return False
    if cue.negatable and ((lex.negation_before and lex.negation_before.search(before))
                          or (lex.negation_after and lex.negation_after.match(after))):
        return False
    if cue.at_end and not _HAS_CONTENT.search(after):
        marks = _QUOTE if cue.at_end == "quote_before" else regex.compile(f"[{regex.escape(QUOTE_CHARS)},–—-]")
        if not marks.search(folded[:start]):
            return False
    if cue.needs:
        clause_start = _clause(folded, lex, start, end)[0]
        ok = (("agent_before" in cue.needs and _AGENT.search(folded, clause_start, start))
              or ("ki_after" in cue.needs and _KI.search(after))
              or ("quote" in cue.needs and _QUOTE.search(after)))
        if not ok:
            return False
    return not any(left <= start < right for left, right in blocked)


def cue_matches(folded: str, language: str) -> list[CueMatch]:
    """Every cue of the sentence that holds, in order: conditions met, not negated, not in the
    clause of a non-response ("declined to say", "टिप्पणी करने से इनकार")."""
    lex = lexicon(language)
    blocked = ([_clause(folded, lex, m.start(), m.end()) for m in lex.non_claims.finditer(folded)]
               if lex.non_claims else [])
    found: list[CueMatch] = []
    for m in lex.finder.finditer(folded):
        cue = lex.cue_of(m.group())
        end = m.end()
        if cue.aux and lex.aux:
            aux = lex.aux.match(folded, end)
            end = aux.end() if aux else end
        if _holds(folded, lex, cue, m.start(), end, blocked):
            found.append(CueMatch(cue.name, m.start(), end, cue))
    return found


def pick_cue(matches: list[CueMatch], inside_quote=None) -> CueMatch | None:
    """The cue that attributes the sentence: the first strong one (a weak cue, "in a statement",
    "reportedly", gives way to a later strong one), preferring cues outside quoted words."""
    for pool in ([m for m in matches if not inside_quote(m.start)], matches) if inside_quote else (matches,):
        strong = [m for m in pool if not m.cue.weak]
        if strong or pool:
            return (strong or pool)[0]
    return None


def cue_language(language: str | None) -> str:
    """The lexicon to read a sentence of `language` with (English for one we have none for)."""
    return language if language in languages() else "en"


def _find_cue(folded: str, language: str) -> tuple[str, Span] | None:
    """(cue name, its span) of the sentence's attributing cue, or None."""
    match = pick_cue(cue_matches(folded, cue_language(language)))
    return (match.name, match.span) if match else None


# Lines that are never claims: read-more links, follow/subscribe boxes, bylines, datelines.
BOILERPLATE = regex.compile(
    r"^\s*(?:" + phrase_alternation("ये भी पढ़ें", "यह भी पढ़ें", "ये भी पढ़े", "इसे भी पढ़ें", "और पढ़ें", "फॉलो करें",
                         "सब्सक्राइब", "read more", "also read", "subscribe", "follow us", "click here",
                         "date updated", "updated", "advertisement", "विज्ञापन", "share") + r")"
    + NOT_LETTER_AFTER, regex.I)
_HEADING_MAX_WORDS = 12


def is_heading(paragraph: str, sentences: list[str]) -> bool:
    """A line of one short unpunctuated sentence: a title or crosshead, which restates the body."""
    return (len(sentences) == 1 and paragraph.rstrip()[-1:] not in "।॥|.?!\"”’'"
            and len(paragraph.split()) <= _HEADING_MAX_WORDS)
