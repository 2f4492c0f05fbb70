"""Sources named without a cue, which later pronouns and references point back at: a title with a
name ("चीन के विदेश मंत्रालय के प्रवक्ता माओ निंग का बयान आया", "Kremlin spokesman Dmitry Peskov
spoke"), or the subject of a narrating sentence when it is a source ("स्वास्थ्य विभाग ने रिपोर्ट जारी
की", "The Institute for Population Studies released a report")."""

from __future__ import annotations

import regex

from newswatch.claims.folding import NOT_LETTER_AFTER, Span
from newswatch.claims.lexicon import lexicon
from newswatch.claims.speakers import SKIP, STOP, Actors, clean, folded_tokens, phrase_back, source_like
from newswatch.claims.speakers_en import sentence_subject
from newswatch.claims.speakers_hi import HI_NE, HI_POSTPOSITIONS, hindi_tail_trim

_HI_LOCATIVE_NEXT = regex.compile(r"\s+(?:पर|में|तक|से)" + NOT_LETTER_AFTER)


def subject_mention(sentence: str, folded: str, where: list[int], language: str, actors: Actors) -> str | None:
    """The subject of a narrating Hindi sentence when it is a source ("स्वास्थ्य विभाग ने रिपोर्ट जारी
    की"): a full mention that a later "इसके अनुसार" or "उन्होंने" refers to."""
    if language == "en":  # "The Institute for Population Studies released a report on Monday."
        lex = lexicon("en")
        span = sentence_subject(sentence, folded, where, lex, len(folded))
        if span is None or not source_like(folded, span, lex, actors) or span.end - span.start < 4:
            return None
        return clean(sentence, folded, where, span, lex).text
    if language != "hi":
        return None
    lex = lexicon("hi")
    ne = HI_NE.search(folded)
    if not ne:
        return None
    span = phrase_back(folded, ne.start(), lex, oblique=True)
    if span is None or not source_like(folded, span, lex, actors):
        return None
    return clean(sentence, folded, where, hindi_tail_trim(folded, span), lex).text


def titled_mention(sentence: str, folded: str, where: list[int], language: str) -> str | None:
    """A source introduced without a cue, for later pronouns: "चीन के विदेश मंत्रालय के प्रवक्ता माओ
    निंग का बयान आया", "Kremlin spokesman Dmitry Peskov spoke to reporters"."""
    lex = lexicon(language)
    sp = lex.speakers
    for title in sp.person_titles.finditer(folded):
        name = []
        for tok, s, e in folded_tokens(folded, title.end()):
            if language == "en" and not sentence[where[s]].isupper():
                break
            if tok in sp.boundary or tok in HI_POSTPOSITIONS or tok in STOP or tok in SKIP or len(name) >= 3:
                break
            if language == "hi" and _HI_LOCATIVE_NEXT.match(folded, e):
                break  # "मंत्री राजेश कुमार मंच पर आए": the word before a locative is a place
            name.append((s, e))
        if not name:
            continue
        span = phrase_back(folded, title.end(), lex)
        if span:
            found = clean(sentence, folded, where, Span(span.start, name[-1][1]), lex)
            if found.text:
                return found.text
    return None
