"""Speakers: the noun phrase a claim's cue names ("X ने कहा", "X के अनुसार", "X का कहना है",
"X said", "according to X", "said X"), or a pronoun / short reference ("उन्होंने", "he", "the
ministry") for the extractor to resolve, or nobody (generic and unaffiliated sources, impersonal
passives). Word lists are the lexicon's (`cues/<lang>.yaml`, section `speakers`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import regex

from newswatch.claims.cues import CueMatch
from newswatch.claims.folding import _NOT_LETTER_AFTER, _NOT_LETTER_BEFORE, _Span
from newswatch.claims.lexicon import Lexicon, lexicon


@dataclass(frozen=True)
class Found:
    """What a claim sentence says of its speaker."""

    text: str | None = None  # a speaker named in the sentence, as written
    pronoun: str | None = None  # a pronoun's kind (person, organisation, plural, ...): resolve it
    reference: str | None = None  # a short reference's head ("ministry"): the last full mention holding it
    anonymous: str | None = None  # a generic or unnamed source, and its kind: a later "he" / "they" means it


NOBODY = Found()
Actors = Callable[[str], list[tuple[int, int]]]
_TOKEN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}'’.-]*[\p{L}\p{M}\p{N}]|[\p{L}\p{N}][\p{M}]*|[,;:()\"“”‘’'—–]|--")
_STOP = {",", ";", ":", "—", "–", "--"}  # "WASHINGTON — Representative X said"
_SKIP = set("()\"“”‘’'")
_ARTICLES = {"the", "a", "an"}
_PARTY_TAG = regex.compile(r"\s*\((?:[DRI]|Dem|Rep|Ind)-[\p{L}. ]+\)?\s*$")
# Capitalised only because they open the sentence: no affiliation ("Several officials said").
_COMMON_OPENERS = {"some", "several", "many", "two", "three", "four", "few", "senior", "top", "local", "other",
                   "former", "unnamed", "anonymous", "one", "these", "those", "most", "both", "all"}


def _tokens(folded: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded, start, len(folded) if end is None else end)]


def phrase_back(folded: str, end: int, lex: Lexicon, *, floor: int = 0, max_words: int = 12,
                upper: Callable[[int], bool] | None = None, oblique: bool = False) -> _Span | None:
    """The phrase ending at `end`, extended back word by word to a boundary word, a comma or colon,
    or `floor`. English "and" stays inside between two capitalised names ("Russia and North Korea").
    `oblique`: the subject of ने, whose genitives agree with its head: "का" never stands inside it,
    nor "की" before a "के" ("इस कदम की | राजस्थान के मुख्यमंत्री अशोक गहलोत ने प्रशंसा की")."""
    words = lex.speakers
    toks = _tokens(folded, floor, end)
    picked: list[tuple[str, int, int]] = []
    stop_at = -1
    passed_ke = False
    for k in range(len(toks) - 1, -1, -1):
        tok, s, _ = toks[k]
        if tok in _SKIP:
            continue
        if tok in _STOP:
            stop_at = k
            break
        if oblique and (tok == "का" or (tok == "की" and passed_ke)):
            break
        passed_ke = passed_ke or tok == "के"
        if lex.language == "hi" and picked and _hindi_inner(tok, toks, k, picked, lex):
            picked.append(toks[k])
            continue
        if tok in words.boundary and not (tok in words.inner and picked):
            joined = (tok == "and" and picked and upper and upper(picked[-1][1]) and k > 0 and upper(toks[k - 1][1]))
            # "analysts at the Asan Institute", "officials in Seoul": an affiliation after the head
            affiliation = (tok in _AFFILIATION and picked and k > 0 and _is_head(toks[k - 1][0], lex))
            if not (joined or affiliation):
                break
        picked.append(toks[k])
        if len(picked) >= max_words:
            break
    while stop_at > 0 and picked and toks[stop_at][0] == "," and any(t[0] in _COORDINATORS for t in picked):
        # "बिहार, तेलंगाना और पंजाब ने", "Russia, China and North Korea said": a list of short names
        item: list[tuple[str, int, int]] = []
        k = stop_at - 1
        while k >= 0 and toks[k][0] not in _STOP and toks[k][0] not in words.boundary and len(item) < 3:
            if toks[k][0] not in _SKIP:
                item.append(toks[k])
            k -= 1
        if not item or (k >= 0 and toks[k][0] not in _STOP and toks[k][0] not in words.boundary):
            break
        picked.extend(item)
        stop_at = k if k >= 0 and toks[k][0] == "," else -1
    while picked and picked[-1][0] in words.inner | {"of"}:
        picked.pop()  # a phrase does not start with a postposition
    return _Span(picked[-1][1], picked[0][2]) if picked else None


_COORDINATORS = {"और", "व", "एवं", "and"}
_AFFILIATION = {"at", "from", "in", "of", "with", "for"}  # "analysts at X", "a spokeswoman for Speaker Y"
_HI_PARTICIPLE = {"वाले", "वाली", "वाला"}


def _hindi_inner(tok: str, toks: list[tuple[str, int, int]], k: int, picked: list, lex: Lexicon) -> bool:
    """Hindi words a speaker phrase runs on over though they are boundaries elsewhere: "की ओर से" in
    "मंत्रालय की ओर से जारी आदेश", "में" after an organisation ("गृह मंत्रालय में संयुक्त सचिव"), and
    anything but ने and कि in a participle phrase ("इस शोध को लीड करने वाले लक्ष्मी कांत द्विवेदी")."""
    before = toks[k - 1][0] if k > 0 else ""
    if tok == "से" and before in ("ओर", "तरफ"):
        return True
    if tok == "में" and lex.speakers.organisation.fullmatch(before):
        return True
    return any(t[0] in _HI_PARTICIPLE for t in picked) and tok not in ("ने", "कि") and tok not in _STOP


def _is_head(word: str, lex: Lexicon) -> bool:
    sp = lex.speakers
    return word in sp.vague_heads or bool(sp.group.fullmatch(word) or sp.person_titles.fullmatch(word))


def phrase_forward(folded: str, start: int, lex: Lexicon, max_words: int = 10) -> _Span | None:
    """The phrase that starts at `start`: "according to [US officials], ...", "said [John Kirby], ..."."""
    picked: list[tuple[str, int, int]] = []
    for tok, s, e in _tokens(folded, start):
        if tok in _STOP or tok in _SKIP or (picked and tok in {"and", "that", "who", "which", "on", "in", "at",
                                                               "during", "when", "after", "before", "while"}):
            break
        if not picked and tok in lex.speakers.boundary - _ARTICLES:
            return None
        picked.append((tok, s, e))
        if len(picked) >= max_words:
            break
    return _Span(picked[0][1], picked[-1][2]) if picked else None


def is_vague(words: list[str], capitalised: list[bool], lex: Lexicon) -> bool:
    """"a senior official", "कुछ अधिकारियों", "भागलपुर के एक छात्र", "reports": a head that names no
    one, with no affiliation among the other words; "US officials", "स्वास्थ्य विभाग के अधिकारियों",
    "police sources" name one."""
    sp = lex.speakers
    if not words or words[-1] not in sp.vague_heads:
        return False
    for word, cap in zip(words[:-1], capitalised[:-1]):
        if cap or word in sp.affiliations or word.removesuffix("'s").removesuffix("’s") in sp.affiliations \
                or sp.organisation.fullmatch(word) or sp.person_titles.fullmatch(word):
            return False
    return True


def clean(sentence: str, folded: str, where: list[int], span: _Span | None, lex: Lexicon) -> Found:
    """A phrase as a `Found`: a pronoun, a short reference, nobody (generic, vague, no noun), or
    the phrase as written without leading articles and fillers, quotes dropped."""
    if span is None:
        return NOBODY
    sp = lex.speakers
    toks = [t for t in _tokens(folded, span.start, span.end) if t[0] not in _SKIP and t[0] not in _STOP]
    whole = " ".join(t[0] for t in toks)
    if whole in sp.pronouns:
        return Found(pronoun=sp.pronouns[whole])
    toks_all = list(toks)
    while toks and (toks[0][0] in _ARTICLES or toks[0][0] in sp.not_a_noun):
        toks.pop(0)
    while toks and toks[-1][0] in sp.not_a_noun | sp.inner:
        toks.pop()
    if not toks or all(t[0] in sp.not_a_noun or t[0] in sp.boundary for t in toks):
        return NOBODY
    words = [t[0] for t in toks]
    key = " ".join(words)
    if key in sp.pronouns:
        return Found(pronoun=sp.pronouns[key])
    text = sentence[where[toks[0][1]]:where[toks[-1][2] - 1] + 1]
    text = regex.sub(r"[\"“”‘]|(?<![\p{L}\p{M}])['’]|['’](?![\p{L}\p{M}])", "", text)  # quotes, not Trump’s
    text = _PARTY_TAG.sub("", text)  # "Rep. Ted Lieu (D-Calif.)": the party and state are no part of the name
    text = regex.sub(r"\s+", " ", text).strip(" ,.;:")
    if text.count("(") > text.count(")"):
        text += ")"  # "निप्पॉन होसो क्योकाई (एनएचके)"
    key = sp.aliases.get(key, key)  # "सीएम" stands for "मुख्यमंत्री"
    definite = bool(toks_all) and toks_all[0][0] in ("the", "this", "that")
    # "the ministry" (not "the Kremlin", a name) / "मंत्रालय", "सीएम": a short reference
    reference = key if key in sp.references and (lex.language != "en" or (definite and not text[:1].isupper())) else None
    capitalised = [sentence[where[t[1]]].isupper() and (k > 0 or t[0] not in _COMMON_OPENERS) for k, t in enumerate(toks)]
    if key in sp.generic or is_vague(words, capitalised, lex):
        # nobody, unless a full mention before holds the word; a later "he" / "उसने" means nobody too
        plural = words[-1].endswith(("s", "ों", "ें", "ं")) or bool(sp.group.fullmatch(words[-1]))
        return Found(reference=reference, anonymous="plural" if plural else "person")
    return Found(text=text or None, reference=reference)


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


_LEADING_ADVERBIAL = {"in", "on", "at", "during", "after", "before", "meanwhile", "also", "earlier", "later",
                      "separately", "since", "last", "this", "by", "with", "for", "under", "amid", "despite"}


def _sentence_subject(sentence: str, folded: str, where: list[int], lex: Lexicon, end: int) -> _Span | None:
    """The noun phrase opening the main clause, for a participle cue ("Trump has stood by it, telling
    detractors ...", "The president downplayed the news, saying ..."): after a leading adverbial
    up to its comma, capitalised words, determiners and the lexicon's title, organisation and
    group words, up to the first other word."""
    sp = lex.speakers
    toks = [t for t in _tokens(folded, 0, end) if t[0] not in _SKIP]
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
        if tok in _STOP or (tok in sp.boundary and tok not in _ARTICLES) or not nominal:
            break
        picked.append((s, e))
    return _Span(picked[0][0], picked[-1][1]) if picked else None


def english_speaker(sentence: str, folded: str, where: list[int], match: CueMatch, actors: Actors) -> Found:
    lex = lexicon("en")
    rule = match.cue.speaker
    if rule == "none":
        return NOBODY

    def upper(i: int) -> bool:
        return sentence[where[i]].isupper()

    if rule in ("object", "anaphor"):
        return clean(sentence, folded, where, phrase_forward(folded, match.end, lex), lex)
    head = folded[:match.start]
    if folded[match.start:match.end].endswith("ing") and not regex.search(r"\b(?:is|are|was|were|been|be)\s*$", head):
        # "…, saying he had never met him", "She issued a statement saying": the main clause's subject
        return clean(sentence, folded, where, _sentence_subject(sentence, folded, where, lex, match.start), lex)
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
        return clean(sentence, folded, where, _Span(len(prev) - len(prev.split()[-1]), len(prev)), lex)
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
            middle = [t for t in _tokens(folded, commas[-2] + 1, commas[-1])]
            if 2 <= len(middle) <= 4 and all(upper(t[1]) for t in middle):
                return clean(sentence, folded, where, _Span(middle[0][1], middle[-1][2]), lex)
            span = phrase_back(folded, commas[-2], lex, upper=upper)
            found = clean(sentence, folded, where, span, lex)
            if found != NOBODY:
                return found
        forward = phrase_forward(folded, match.end, lex, max_words=6)
        if forward and (upper(forward.start) or regex.match(r"\s*(?:[,;:.!?\"”’')]|$)", folded[forward.end:])):
            return clean(sentence, folded, where, forward, lex)  # "…," said John Kirby / said the ministry.
        if prev.endswith(",") and not any(q in prev for q in _QUOTE_END):
            # "He paused, then added:": the subject of the clause before
            return clean(sentence, folded, where, _sentence_subject(sentence, folded, where, lex, match.start), lex)
        return NOBODY
    # the subject follows the last comma or closing quote before it: '"…," Kirby said', '"…" the congressman said'
    marks = [m.start() for m in regex.finditer(r"[,\"”’']", prev)
             if not (prev[m.start() - 1:m.start()].isalpha() and prev[m.start() + 1:m.start() + 2].isalpha())]
    floor = (marks[-1] + 1) if marks else 0
    return clean(sentence, folded, where, phrase_back(folded, len(prev), lex, floor=floor, upper=upper), lex)


_HI_NE = regex.compile(_NOT_LETTER_BEFORE + r"ने" + _NOT_LETTER_AFTER)
_HI_PRONOUN_NE = regex.compile(_NOT_LETTER_BEFORE + r"(?:उन्होंने|इसने|उसने|इन्होंने)" + _NOT_LETTER_AFTER)
_HI_CLAUSE_BREAK = regex.compile(r"[,;]|" + _NOT_LETTER_BEFORE + r"(?:कि|लेकिन|जबकि|मगर)" + _NOT_LETTER_AFTER)
_HI_SOURCE_IN = regex.compile(r"(?:की|के)\s+(?:रिपोर्ट|खबर|खबरों|बयान|पत्र|ट्वीट|पोस्ट)\s+में" + _NOT_LETTER_AFTER)
_HI_IN = regex.compile(r"\s+में\s*$")
_HI_TAILS = (regex.compile(r"\s*(?:की|के)\s+(?:रिपोर्ट|खबर|खबरों|बयान|पत्र)(?:\s+में)?$"),
             regex.compile(r"\s*(?:की\s+(?:तरफ|ओर)\s+से|द्वारा)$"), regex.compile(r"\s+(?:का|की|के)$"))
_HI_SIDE = regex.compile(r"\s*(?:की\s+(?:तरफ|ओर)\s+से|द्वारा)\s*$")
_HI_KA = regex.compile(r"\s+(?:का|की|के|को)\s*$")
_HI_PASSIVE = regex.compile(r"(?:^|\s)(?:(?:की|किया|किए|दी|दिया|दिए)\s+)?(?:गई|गयी|गया|गए|जा|जाता|जाती|जाते|जाएगा|जाएगी|जाएंगे)"
                            + _NOT_LETTER_AFTER)
_HI_POSTPOSITIONS = {"का", "की", "के", "को", "से", "में", "पर", "ने", "द्वारा"}
_HI_PRESENT = regex.compile(r"^(?:कहत|कहते|कहती|बोल|लिखत|लिखते|मानत|मानते|बतात|बताते|बताती)")
# Noun cues whose "X का <cue>" names the holder whatever X is ("X का कहना है", "X का मानना है");
# for the others ("हथियारों के लेन-देन का आरोप") X must look like a source.
_HI_HOLDER_CUES = {"कहा", "मानना है", "अनुमान", "आशंका", "उम्मीद है", "तर्क"}


def _hindi_tail_trim(folded: str, span: _Span) -> _Span:
    for tail in _HI_TAILS:
        m = tail.search(folded, span.start, span.end)
        if m and m.start() > span.start:
            span = _Span(span.start, m.start())
    return span


def _source_like(folded: str, span: _Span, lex: Lexicon, actors: Actors) -> bool:
    text = folded[span.start:span.end]
    sp = lex.speakers
    return bool(sp.person_titles.search(text) or sp.organisation.search(text) or sp.group.search(text)
                or actors(text) or text.strip() in sp.pronouns)


def hindi_speaker(sentence: str, folded: str, where: list[int], match: CueMatch, actors: Actors) -> Found:
    lex = lexicon("hi")
    rule = match.cue.speaker

    def finish(span: _Span | None) -> Found:
        return NOBODY if span is None else clean(sentence, folded, where, _hindi_tail_trim(folded, span), lex)

    if rule == "none":
        return NOBODY
    if rule == "anaphor":
        word = folded[match.start:match.end].split()[0]
        return Found(pronoun=lex.speakers.pronouns.get(word, "any"))
    if rule == "source":
        return finish(phrase_back(folded, match.start, lex))
    head = folded[:match.start].rstrip()
    # "X ने ... <cue>": the nearest ने before the cue, in the same clause.
    before = list(_HI_NE.finditer(folded, 0, match.start))
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
    after = _HI_NE.search(folded, match.end)
    if after and not _HI_CLAUSE_BREAK.search(folded, match.end, after.start()):
        span = phrase_back(folded, after.start(), lex, floor=match.end)
        if span:
            return finish(span)
    # "X का मानना है", "X को आशंका है" (a verbal noun "... करने का आरोप" is no speaker).
    ka = _HI_KA.search(head)
    if ka:
        span = phrase_back(folded, ka.start(), lex)
        if span and not folded[span.start:span.end].endswith(("ने", "ना")) and (
                match.name in _HI_HOLDER_CUES or _source_like(folded, span, lex, actors)):
            return finish(span)
    # "<नाम> कहती हैं, ..." / "X बोले": present and habitual verbs take no ने.
    span = phrase_back(folded, len(head), lex)
    if span and (_HI_PRESENT.match(folded[match.start:match.end])
                 or lex.speakers.person_titles.search(folded[span.start:span.end])):
        return finish(span)
    # "अमेरिका कई महीनों से ... का आरोप लगाता रहा है": an actor as the clause's subject.
    for start, end in actors(head):
        nxt = regex.match(r"\s*([\p{L}\p{M}]+)", folded[end:])
        if nxt and nxt.group(1) not in _HI_POSTPOSITIONS:
            return finish(_Span(start, end))
    if _HI_PASSIVE.search(folded[match.start:match.end]) or _HI_PASSIVE.match(folded, match.end):
        return NOBODY  # "अपील की गई", "कहा गया": impersonal, no one named
    # "(उन्होंने) अपील की है कि …": Hindi drops a subject the sentences before named
    return Found(pronoun="any")


_HI_LOCATIVE_NEXT = regex.compile(r"\s+(?:पर|में|तक|से)" + _NOT_LETTER_AFTER)


def subject_mention(sentence: str, folded: str, where: list[int], language: str, actors: Actors) -> str | None:
    """The subject of a narrating Hindi sentence when it is a source ("स्वास्थ्य विभाग ने रिपोर्ट जारी
    की"): a full mention that a later "इसके अनुसार" or "उन्होंने" refers to."""
    if language == "en":  # "The Institute for Population Studies released a report on Monday."
        lex = lexicon("en")
        span = _sentence_subject(sentence, folded, where, lex, len(folded))
        if span is None or not _source_like(folded, span, lex, actors) or span.end - span.start < 4:
            return None
        return clean(sentence, folded, where, span, lex).text
    if language != "hi":
        return None
    lex = lexicon("hi")
    ne = _HI_NE.search(folded)
    if not ne:
        return None
    span = phrase_back(folded, ne.start(), lex, oblique=True)
    if span is None or not _source_like(folded, span, lex, actors):
        return None
    return clean(sentence, folded, where, _hindi_tail_trim(folded, span), lex).text


def titled_mention(sentence: str, folded: str, where: list[int], language: str) -> str | None:
    """A source introduced without a cue, for later pronouns: "चीन के विदेश मंत्रालय के प्रवक्ता माओ
    निंग का बयान आया", "Kremlin spokesman Dmitry Peskov spoke to reporters"."""
    lex = lexicon(language)
    sp = lex.speakers
    for title in sp.person_titles.finditer(folded):
        name = []
        for tok, s, e in _tokens(folded, title.end()):
            if language == "en" and not sentence[where[s]].isupper():
                break
            if tok in sp.boundary or tok in _HI_POSTPOSITIONS or tok in _STOP or tok in _SKIP or len(name) >= 3:
                break
            if language == "hi" and _HI_LOCATIVE_NEXT.match(folded, e):
                break  # "मंत्री राजेश कुमार मंच पर आए": the word before a locative is a place
            name.append((s, e))
        if not name:
            continue
        span = phrase_back(folded, title.end(), lex)
        if span:
            found = clean(sentence, folded, where, _Span(span.start, name[-1][1]), lex)
            if found.text:
                return found.text
    return None
