"""Hindi speakers: "X ने … कहा", "X के अनुसार", "X का कहना है", "X की रिपोर्ट में", "X की ओर से",
"इस बात का दावा X ने किया", "<नाम> कहती हैं", an actor as the subject, and a dropped subject
(the speaker before)."""

from __future__ import annotations

import regex

from newswatch.claims.cues import CueMatch
from newswatch.claims.folding import NOT_LETTER_AFTER, NOT_LETTER_BEFORE, Span
from newswatch.claims.lexicon import lexicon
from newswatch.claims.speakers import NOBODY, Actors, Found, clean, phrase_back, source_like

HI_NE = regex.compile(NOT_LETTER_BEFORE + r"ने" + NOT_LETTER_AFTER)
_HI_PRONOUN_NE = regex.compile(NOT_LETTER_BEFORE + r"(?:उन्होंने|इसने|उसने|इन्होंने)" + NOT_LETTER_AFTER)
_HI_CLAUSE_BREAK = regex.compile(r"[,;]|" + NOT_LETTER_BEFORE + r"(?:कि|लेकिन|जबकि|मगर)" + NOT_LETTER_AFTER)
_HI_SOURCE_IN = regex.compile(r"(?:की|के)\s+(?:रिपोर्ट|खबर|खबरों|बयान|पत्र|ट्वीट|पोस्ट)\s+में" + NOT_LETTER_AFTER)
_HI_IN = regex.compile(r"\s+में\s*$")
_HI_TAILS = (regex.compile(r"\s*(?:की|के)\s+(?:रिपोर्ट|खबर|खबरों|बयान|पत्र)(?:\s+में)?$"),
             regex.compile(r"\s*(?:की\s+(?:तरफ|ओर)\s+से|द्वारा)$"), regex.compile(r"\s+(?:का|की|के)$"))
_HI_SIDE = regex.compile(r"\s*(?:की\s+(?:तरफ|ओर)\s+से|द्वारा)\s*$")
_HI_KA = regex.compile(r"\s+(?:का|की|के|को)\s*$")
_HI_PASSIVE = regex.compile(r"(?:^|\s)(?:(?:की|किया|किए|दी|दिया|दिए)\s+)?(?:गई|गयी|गया|गए|जा|जाता|जाती|जाते|जाएगा|जाएगी|जाएंगे)"
                            + NOT_LETTER_AFTER)
_HI_DWARA = regex.compile(r"\s+द्वारा" + NOT_LETTER_AFTER)
_HI_IMPERFECTIVE = regex.compile(r"(?:^|\s)(?:(?:कर|दे)\s+)?(?:रहा|रहे|रही|रहीं|करते|करती|करता|देते|देती)"
                                 + NOT_LETTER_AFTER + r"|(?:ते|ती|ता)$")
HI_POSTPOSITIONS = {"का", "की", "के", "को", "से", "में", "पर", "ने", "द्वारा"}
_HI_PRESENT = regex.compile(r"^(?:कहत|कहते|कहती|बोल|लिखत|लिखते|मानत|मानते|बतात|बताते|बताती)")
# Noun cues whose "X का <cue>" names the holder whatever X is ("X का कहना है", "X का मानना है");
# for the others ("हथियारों के लेन-देन का आरोप") X must look like a source.
_HI_HOLDER_CUES = {"कहा", "मानना है", "अनुमान", "आशंका", "उम्मीद है", "तर्क"}


def hindi_tail_trim(folded: str, span: Span) -> Span:
    for tail in _HI_TAILS:
        m = tail.search(folded, span.start, span.end)
        if m and m.start() > span.start:
            span = Span(span.start, m.start())
    return span


def hindi_speaker(sentence: str, folded: str, where: list[int], match: CueMatch, actors: Actors) -> Found:
    lex = lexicon("hi")
    rule = match.cue.speaker

    def finish(span: Span | None) -> Found:
        return NOBODY if span is None else clean(sentence, folded, where, hindi_tail_trim(folded, span), lex)

    if rule == "none":
        return NOBODY
    if rule == "anaphor":
        word = folded[match.start:match.end].split()[0]
        return Found(pronoun=lex.speakers.pronouns.get(word, "any"))
    if rule == "source":
        return finish(phrase_back(folded, match.start, lex))
    head = folded[:match.start].rstrip()
    # "X ने ... <cue>": the nearest ने before the cue, in the same clause.
    before = list(HI_NE.finditer(folded, 0, match.start))
    if before and not _HI_CLAUSE_BREAK.search(folded, before[-1].end(), match.start):
        return finish(phrase_back(folded, before[-1].start(), lex, oblique=True))
    pronoun = list(_HI_PRONOUN_NE.finditer(folded, 0, match.start))
    if pronoun and not _HI_CLAUSE_BREAK.search(folded, pronoun[-1].end(), match.start):
        return Found(pronoun=lex.speakers.pronouns.get(pronoun[-1].group(), "any"))
    # "X की रिपोर्ट में (इस बात का) दावा", "बयान में कहा गया": the document or its author.
    source = list(_HI_SOURCE_IN.finditer(head)) or list(_HI_IN.finditer(head))
    if source:
        return finish(phrase_back(folded, source[-1].start(), lex))
    side = _HI_SIDE.search(head)  # "X की तरफ से दावा किया गया"
    if side:
        return finish(phrase_back(folded, side.start(), lex))
    # "इस बात का दावा X ने किया है": X between the cue and a following ने, in the same clause.
    after = HI_NE.search(folded, match.end)
    if after and not _HI_CLAUSE_BREAK.search(folded, match.end, after.start()):
        span = phrase_back(folded, after.start(), lex, floor=match.end)
        if span:
            return finish(span)
    # "मुख्यमंत्री द्वारा छूट के एलान": the agent of द्वारा
    agent = list(_HI_DWARA.finditer(head))
    if agent:
        return finish(phrase_back(folded, agent[-1].start(), lex))
    # "X का मानना है", "X को आशंका है" (a verbal noun "... करने का आरोप" is no speaker).
    ka = _HI_KA.search(head)
    if ka:
        span = phrase_back(folded, ka.start(), lex)
        if span and not folded[span.start:span.end].endswith(("ने", "ना")):
            found = finish(span)
            if match.name in _HI_HOLDER_CUES or source_like(folded, span, lex, actors) or found.anonymous:
                return found  # "इन छात्रों की मांग थी": the students, unnamed
    # "<नाम> कहती हैं, ..." / "X बोले": present and habitual verbs take no ने.
    span = phrase_back(folded, len(head), lex)
    if span and (_HI_PRESENT.match(folded[match.start:match.end])
                 or lex.speakers.person_titles.search(folded[span.start:span.end])):
        return finish(span)
    # "अमेरिका कई महीनों से ... का आरोप लगाता रहा है": an actor as the clause's subject.
    for start, end in actors(head):
        nxt = regex.match(r"\s*([\p{L}\p{M}]+)", folded[end:])
        if nxt and nxt.group(1) not in HI_POSTPOSITIONS:
            return finish(Span(start, end))
    if _HI_PASSIVE.search(folded[match.start:match.end]) or _HI_PASSIVE.match(folded, match.end):
        return NOBODY  # "अपील की गई", "कहा गया": impersonal, no one named
    if _HI_IMPERFECTIVE.search(folded[match.start:match.end]) or _HI_IMPERFECTIVE.match(folded, match.end):
        return NOBODY  # "मजदूर ... मांग कर रहे थे": its subject stands in the sentence, without ने
    # "(उन्होंने) अपील की है कि …": Hindi drops a subject the sentences before named
    return Found(pronoun="any")
