"""English speakers: the subject before the cue ("X said", "X, a spokesman, said", "X on Friday
said"), after it ("…," said X; "according to X"), the main clause's subject for a participle
("…, saying"), the agent of a passive ("was reported by X")."""

from __future__ import annotations

import regex

from newswatch.claims.cues import CueMatch
from newswatch.claims.folding import Span
from newswatch.claims.lexicon import Lexicon, lexicon
from newswatch.claims.speakers import (
    _ARTICLES,
    NOBODY,
    SKIP,
    STOP,
    Actors,
    Found,
    _is_head,
    clean,
    folded_tokens,
    phrase_back,
    phrase_forward,
)

_EN_AUX = regex.compile(r"(?:\s+(?:has|have|had|also|previously|before|earlier|reportedly|repeatedly|publicly|"
                        r"privately|again|once|now|already|would|will|was|were|is|are|been|later|then|"
                        r"separately|further|flatly|strongly|firmly|openly|quickly|recently|both|all|jointly|each))+\s*$")
_QUOTE_END = set("\"”’'")
_BY_AGENT = regex.compile(r"(?:\s+(?:on|last|this)?\s*(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                          r"today|yesterday|here|there|first|initially))*\s+by\s+")
_DAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|weekend|month|year|night|morning|" \
        r"evening|afternoon|statement|tweet|interview|letter|post|speech|briefing|call)"
_EN_WHEN = regex.compile(r"(?:\s+(?:on|last|this|late|early|in|at|during|over|earlier|later)(?:\s+[\p{L}\p{N}'’-]+){0,3}?\s+"
                         + _DAYS + r"|\s+(?:today|yesterday|tonight|himself|herself|itself|themselves|initially|"
                         r"first|then|too|again|once|twice|privately|publicly))\s*,?$")


_BY_SOURCE = regex.compile(r"\s*(?:an?|the)?\s*[\p{L}-]+\s+(?:published|released|issued|compiled|conducted|"
                           r"prepared)(?:\s+[\p{L}\p{N}-]+){0,3}?\s+by\s+")
_LEADING_ADVERBIAL = {"in", "on", "at", "during", "after", "before", "meanwhile", "also", "earlier", "later",
                      "separately", "since", "last", "this", "by", "with", "for", "under", "amid", "despite"}


def sentence_subject(sentence: str, folded: str, where: list[int], lex: Lexicon, end: int) -> Span | None:
    """The noun phrase opening the main clause, for a participle cue ("Trump has stood by it, telling
    detractors ...", "The president downplayed the news, saying ..."): after a leading adverbial
    up to its comma, capitalised words, determiners and the lexicon's title, organisation and
    group words, up to the first other word."""
    sp = lex.speakers
    toks = [t for t in folded_tokens(folded, 0, end) if t[0] not in SKIP]
    if toks and toks[0][0] in _LEADING_ADVERBIAL:
        comma = next((k for k, t in enumerate(toks) if t[0] == ","), None)
        toks = toks[comma + 1:] if comma is not None else []
    picked = []
    for j, (tok, s, e) in enumerate(toks):
        if picked and tok in ("for", "of", "in", "at", "on") and j + 1 < len(toks) and sentence[where[toks[j + 1][1]]].isupper():
            picked.append((s, e))  # "Institute for Population Studies in Mumbai"
            continue
        nominal = (sentence[where[s]].isupper() or tok in _ARTICLES or tok in sp.references
                   or _is_head(tok, lex) or bool(sp.organisation.fullmatch(tok)) or tok.endswith(("'s", "’s")))
        if tok in STOP or (tok in sp.boundary and tok not in _ARTICLES) or not nominal:
            break
        picked.append((s, e))
    return Span(picked[0][0], picked[-1][1]) if picked else None


def english_speaker(sentence: str, folded: str, where: list[int], match: CueMatch, actors: Actors) -> Found:
    lex = lexicon("en")
    rule = match.cue.speaker
    if rule == "none":
        return NOBODY

    def upper(i: int) -> bool:
        return sentence[where[i]].isupper()

    if rule in ("object", "anaphor"):
        agent = _BY_SOURCE.match(folded, match.end)  # "according to an analysis published Sunday by a research group"
        start = agent.end() if agent else match.end
        return clean(sentence, folded, where, phrase_forward(folded, start, lex), lex)
    head = folded[:match.start]
    if folded[match.start:match.end].endswith("ing") and not regex.search(r"\b(?:is|are|was|were|been|be)\s*$", head):
        # "…, saying he had never met him", "She issued a statement saying": the main clause's subject
        return clean(sentence, folded, where, sentence_subject(sentence, folded, where, lex, match.start), lex)
    by_agent = _BY_AGENT.match(folded, match.end)
    if by_agent and regex.search(r"\b(?:is|are|was|were|been|being)(?:\s+\w+)?\s*$", head):
        # "The tweet was first reported Saturday by BigGovernment.com"
        return clean(sentence, folded, where, phrase_forward(folded, by_agent.end(), lex), lex)
    prev = head.rstrip()
    while True:  # "X has also said", "X on Saturday said", "Trump himself said", "he suddenly announced"
        trail = _EN_AUX.search(prev) or _EN_WHEN.search(prev)
        adverb = regex.search(r"\s+([\p{L}]+ly)$", prev)
        if adverb and sentence[where[adverb.start(1)]].islower():
            trail = adverb
        if not trail or trail.start() == 0:
            break
        prev = prev[:trail.start()].rstrip()
    if prev and prev.split()[-1] in lex.speakers.pronouns and not prev.endswith(","):
        return clean(sentence, folded, where, Span(len(prev) - len(prev.split()[-1]), len(prev)), lex)
    if not prev or prev[-1] in _QUOTE_END or prev.endswith(","):
        commas = [i for i, ch in enumerate(prev) if ch == ","]
        if prev.endswith(",") and len(commas) >= 3 and prev[commas[0] - 1:commas[0]] not in _QUOTE_END:
            # "Jack Levin, the chief executive of yFrog, the service that ..., said": the name first
            span = phrase_back(folded, commas[0], lex, upper=upper)
            if span and span.start <= 1 and upper(span.start):
                return clean(sentence, folded, where, span, lex)
        if prev.endswith(",") and len(commas) >= 2 and prev[commas[-2] - 1:commas[-2]] not in _QUOTE_END:
            # "John Kirby, a White House spokesman, said" / "X, who ..., said": the name before it;
            # "BuzzFeed's editor in chief, Ben Smith, said": the name between the commas
            middle = [t for t in folded_tokens(folded, commas[-2] + 1, commas[-1])]
            if 2 <= len(middle) <= 4 and all(upper(t[1]) for t in middle):
                return clean(sentence, folded, where, Span(middle[0][1], middle[-1][2]), lex)
            span = phrase_back(folded, commas[-2], lex, upper=upper)
            found = clean(sentence, folded, where, span, lex)
            if found != NOBODY:
                return found
        forward = phrase_forward(folded, match.end, lex, max_words=6)
        if forward and (upper(forward.start) or regex.match(r"\s*(?:[,;:.!?\"”’')]|$)", folded[forward.end:])):
            return clean(sentence, folded, where, forward, lex)  # "…," said John Kirby / said the ministry.
        if prev.endswith(",") and not any(q in prev for q in _QUOTE_END):
            # "He paused, then added:": the subject of the clause before
            return clean(sentence, folded, where, sentence_subject(sentence, folded, where, lex, match.start), lex)
        return NOBODY
    # the subject follows the last comma or closing quote before it: '"…," Kirby said', '"…" the congressman said'
    marks = [m.start() for m in regex.finditer(r"[,\"”’']", prev)
             if not (prev[m.start() - 1:m.start()].isalpha() and prev[m.start() + 1:m.start() + 2].isalpha())]
    floor = (marks[-1] + 1) if marks else 0
    return clean(sentence, folded, where, phrase_back(folded, len(prev), lex, floor=floor, upper=upper), lex)
