"""Speakers: the phrase a claim's cue names ("X ने कहा", "X के अनुसार", "X said", "according to X",
"said X"), a country or gazetteer actor as the clause's subject; pronouns are reported so the
extractor can give the last speaker named."""

from __future__ import annotations

from collections.abc import Callable

import regex

from newswatch.claims.folding import _NOT_LETTER_AFTER, _NOT_LETTER_BEFORE, _fold, _Span, _words

_BOUNDARY_WORDS_HI = {_fold(w) for w in (
    "कि", "ने", "दरअसल", "वहीं", "इधर", "उधर", "गौरतलब", "है", "हैं", "था", "थी", "लेकिन", "जबकि", "तो",
    "पर", "बल्कि", "साथ", "ही", "भी", "इससे", "पहले", "इसके", "बाद", "अब", "फिर", "जहां", "और", "एवं",
    "इस", "बात", "का", "की", "को", "में", "से", "बताया", "कहा", "मंगलवार", "बुधवार", "गुरुवार",
    "शुक्रवार", "शनिवार", "रविवार", "सोमवार", "पिछले", "बीते", "हफ्ते", "सप्ताह", "महीने", "साल", "वर्ष",
    "आज", "कल", "जब", "यह", "वह", "अपने", "अपनी", "केवल", "तक", "इतना", "यहां", "वहां")}
# Words that may sit inside a Hindi speaker phrase even though they are boundaries elsewhere.
_INNER_HI = {_fold(w) for w in ("के", "की", "का", "और")}
_BOUNDARY_WORDS_EN = {"that", "and", "but", "while", "as", "when", "which", "who", "if", "because",
                      "has", "have", "had", "also", "previously", "before", "earlier", "reportedly",
                      "repeatedly", "publicly", "privately", "on", "last", "this", "week",
                      "said", "told", "is", "was", "were", "are", "will", "would", "today",
                      "yesterday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                      "sunday", "then", "later", "now", "not", "never", "once", "again", "so"}
_PRONOUNS = {_fold(w) for w in ("उन्होंने", "उसने", "इसने", "इन्होंने", "वह", "वे", "उनका", "उनके", "उसका",
                                "he", "she", "they", "it", "we", "i", "officials", "the officials",
                                "the same account", "the account")}
# Sources too unspecific to name a speaker.
_GENERIC_SOURCES = {_fold(w) for w in (
    "रिपोर्ट", "रिपोर्ट्स", "खबर", "खबरों", "खबरें", "सूत्रों", "सूत्र", "सूत्रों से मिली जानकारी", "मीडिया",
    "मीडिया की खबरों", "विशेषज्ञों", "जानकारी", "रिपोर्ट में", "मिली जानकारी", "report", "reports", "sources",
    "media reports", "experts", "the report", "a report", "reports say")}
_TITLE_HI = _words("प्रवक्ता", "मंत्री", "अधिकारी", "अधिकारियों", "राजदूत", "निदेशक", "महानिदेशक",
                   "उप महानिदेशक", "सचिव", "राष्ट्रपति", "प्रधानमंत्री", "सलाहकार", "विशेषज्ञ", "प्रमुख")
_TITLE_HI_RE = regex.compile(_NOT_LETTER_BEFORE + f"(?:{_TITLE_HI})" + _NOT_LETTER_AFTER)
_TOKEN_SPANS = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}'’.-]*[\p{L}\p{M}\p{N}]|[\p{L}\p{N}]|[,;:()\"“”‘’']")
_HI_REPORT_TAIL = regex.compile(r"\s*(?:की|के)\s+(?:रिपोर्ट|खबर|खबरों|बयान)(?:\s+में)?$")
_HI_SIDE_TAIL = regex.compile(r"\s*(?:की\s+(?:तरफ|ओर)\s+से|द्वारा)$")
_HI_NE = regex.compile(_NOT_LETTER_BEFORE + r"ने" + _NOT_LETTER_AFTER)
_HI_KA = regex.compile(r"\s+(?:का|की|के)$")


def _tokens_with_spans(folded: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN_SPANS.finditer(folded)]


_STOP_PUNCT = set(",;:")
_SKIP_PUNCT = set("()\"“”‘’'")


def _phrase_back(folded: str, end: int, language: str, max_words: int = 12, floor: int = 0) -> _Span | None:
    """The phrase that ends at `end` (exclusive), extended back word by word to a boundary word,
    a comma or colon, or `floor`. Quotes and brackets inside it are kept ("(एनएचके)")."""
    toks = [t for t in _tokens_with_spans(folded) if t[2] <= end and t[1] >= floor]
    boundary = _BOUNDARY_WORDS_HI if language == "hi" else _BOUNDARY_WORDS_EN
    picked: list[tuple[str, int, int]] = []
    stop_at = -1
    for k in range(len(toks) - 1, -1, -1):
        tok = toks[k][0]
        if tok in _SKIP_PUNCT:
            continue
        if tok in _STOP_PUNCT:
            stop_at = k
            break
        if tok in boundary and not (language == "hi" and tok in _INNER_HI and picked):
            break
        picked.append(toks[k])
        if len(picked) >= max_words:
            break
    if stop_at > 0 and picked and toks[stop_at][0] == ",":
        # "अमेरिका, दक्षिण कोरिया और उनके सहयोगियों": a short list running from the sentence start.
        head = [t for t in toks[:stop_at] if t[0] not in _SKIP_PUNCT]
        if 0 < len(head) <= 2 and not any(t[0] in boundary or t[0] in _STOP_PUNCT for t in head):
            picked.extend(reversed(head))
    while picked and picked[-1][0] in _INNER_HI | {"of"}:
        picked.pop()  # a phrase does not start with a postposition
    if not picked:
        return None
    return _Span(picked[-1][1], picked[0][2])


def _phrase_forward(folded: str, start: int, max_words: int = 10) -> _Span | None:
    """The English phrase that starts at `start`: "according to [US officials], ..."."""
    picked: list[tuple[str, int, int]] = []
    for tok, s, e in _tokens_with_spans(folded):
        if s < start:
            continue
        if tok in _STOP_PUNCT or tok in _SKIP_PUNCT or (picked and tok in {"and", "that", "who", "which"}):
            break
        picked.append((tok, s, e))
        if len(picked) >= max_words:
            break
    if not picked:
        return None
    return _Span(picked[0][1], picked[-1][2])


def _clean_speaker(text: str, folded_span: str) -> str | None:
    """None for pronouns and generic sources; the phrase as written (quotes dropped) otherwise."""
    folded_span = regex.sub(r"[\"“”‘’']", "", folded_span).strip(" ,.;:")
    key = regex.sub(r"^(?:the|a|an)\s+", "", folded_span)
    if not key or folded_span in _PRONOUNS or key in _PRONOUNS:
        return None
    if folded_span in _GENERIC_SOURCES or key in _GENERIC_SOURCES:
        return None
    text = regex.sub(r"[\"“”‘’]|(?<![\p{L}\p{M}])'|'(?![\p{L}\p{M}])", "", text)
    text = _SPACES.sub(" ", text).strip(" ,.;:")
    if text.count("(") > text.count(")"):
        text += ")"  # "निप्पॉन होसो क्योकाई (एनएचके)"
    return text or None


_SPACES = regex.compile(r"\s+")


def _span_text(sentence: str, where: list[int], span: _Span) -> str:
    return sentence[where[span.start]: where[span.end - 1] + 1]


_HI_SOURCE_IN = regex.compile(r"(?:की|के)\s+(?:रिपोर्ट|खबर|खबरों|बयान)\s+में" + _NOT_LETTER_AFTER)
_HI_PRONOUN_NE = regex.compile(_NOT_LETTER_BEFORE + r"(?:उन्होंने|इसने|उसने|इन्होंने)" + _NOT_LETTER_AFTER)
_HI_CLAUSE_BREAK = regex.compile(r"[,;]|" + _NOT_LETTER_BEFORE + r"(?:कि|लेकिन|जबकि|मगर)" + _NOT_LETTER_AFTER)
_HI_POSTPOSITIONS = {_fold(w) for w in ("का", "की", "के", "को", "से", "में", "पर", "ने", "द्वारा")}

def _hindi_speaker(sentence: str, folded: str, where: list[int], cue: str, cue_span: _Span,
                   actors: Callable[[str], list[tuple[int, int]]]) -> tuple[str | None, bool]:
    """(speaker, is_pronoun) for a Hindi claim sentence."""

    def finish(span: _Span | None) -> tuple[str | None, bool]:
        if span is None:
            return None, False
        text_f = folded[span.start:span.end]
        for tail in (_HI_REPORT_TAIL, _HI_SIDE_TAIL, _HI_KA):
            m = tail.search(text_f)
            if m and m.start() > 0:
                span = _Span(span.start, span.start + m.start())
                text_f = folded[span.start:span.end]
        if text_f.strip() in _PRONOUNS:
            return None, True
        return _clean_speaker(_span_text(sentence, where, span), text_f), False

    head = folded[:cue_span.start].rstrip()
    if cue in ("के अनुसार", "के हवाले से"):
        return finish(_phrase_back(folded, cue_span.start, "hi"))
    # "X ने ... <cue>": the nearest ने before the cue, in the same clause.
    before = list(_HI_NE.finditer(folded, 0, cue_span.start))
    if before and not _HI_CLAUSE_BREAK.search(folded, before[-1].end(), cue_span.start):
        return finish(_phrase_back(folded, before[-1].start(), "hi"))
    pronoun = list(_HI_PRONOUN_NE.finditer(folded, 0, cue_span.start))
    if pronoun and not _HI_CLAUSE_BREAK.search(folded, pronoun[-1].end(), cue_span.start):
        return None, True
    # "X की रिपोर्ट में इस बात का भी दावा किया गया है".
    source = list(_HI_SOURCE_IN.finditer(head))
    if source:
        return finish(_phrase_back(folded, source[-1].start(), "hi"))
    # "X की तरफ से दावा किया गया".
    side = _HI_SIDE_TAIL.search(head)
    if side:
        return finish(_phrase_back(folded, side.start(), "hi"))
    # "इस बात का दावा X ने किया है": X between the cue and a following ने, in the same clause.
    after = _HI_NE.search(folded, cue_span.end)
    if after and not _HI_CLAUSE_BREAK.search(folded, cue_span.end, after.start()):
        span = _phrase_back(folded, after.start(), "hi", floor=cue_span.end)
        if span:
            return finish(span)
    # "X का मानना है" / "X को आशंका है" (not "... करने का आरोप": a verbal noun is no speaker).
    ka = regex.search(r"\s+(?:का|की|के|को)$", head)
    if ka:
        span = _phrase_back(folded, ka.start(), "hi")
        if span and not folded[span.start:span.end].endswith("ने"):
            return finish(span)
    # "X कहा है कि" (ने dropped): the phrase before the cue when it holds a title.
    span = _phrase_back(folded, len(head), "hi")
    if span and _TITLE_HI_RE.search(folded[span.start:span.end]):
        return finish(span)
    # "अमेरिका कई महीनों से ... का आरोप लगाता रहा है": an actor as the clause's subject.
    for start, end in actors(head):
        nxt = regex.match(r"\s*([\p{L}\p{M}]+)", folded[end:])
        if nxt and nxt.group(1) not in _HI_POSTPOSITIONS:
            return finish(_Span(start, end))
    return None, False


def _titled_person(sentence: str, folded: str, where: list[int]) -> str | None:
    """"चीन के विदेश मंत्रालय के प्रवक्ता माओ निंग का भी बयान आया": a title with the name after it,
    which later pronouns (उन्होंने कहा) refer to."""
    for title in _TITLE_HI_RE.finditer(folded):
        name = []
        for tok, s, e in _tokens_with_spans(folded[title.end():]):
            if tok in _BOUNDARY_WORDS_HI or tok in _HI_POSTPOSITIONS or tok in _STOP_PUNCT or len(name) >= 3:
                break
            name.append((s + title.end(), e + title.end()))
        if not name:
            continue
        span = _phrase_back(folded, title.end(), "hi")
        if span:
            return _clean_speaker(_span_text(sentence, where, _Span(span.start, name[-1][1])),
                                  folded[span.start:name[-1][1]])
    return None


_EN_AUX = regex.compile(r"(?:\s+(?:has|have|had|also|previously|before|earlier|reportedly|repeatedly|"
                        r"publicly|privately|again|once|now|already|had|would|will|was|were|is|are|been))+\s*$")


def _english_speaker(sentence: str, folded: str, where: list[int], cue: str, cue_span: _Span,
                     actors: Callable[[str], list[tuple[int, int]]]) -> tuple[str | None, bool]:
    def finish(span: _Span | None) -> tuple[str | None, bool]:
        if span is None:
            return None, False
        text_f = folded[span.start:span.end].strip()
        key = regex.sub(r"^(?:the|a|an)\s+", "", text_f)
        if text_f in _PRONOUNS or key in _PRONOUNS:
            return None, True
        return _clean_speaker(_span_text(sentence, where, span), text_f), False

    if cue == "according to":
        return finish(_phrase_forward(folded, cue_span.end))
    head = folded[:cue_span.start]
    aux = _EN_AUX.search(head)
    end = aux.start() if aux else len(head.rstrip())
    prev = head[:end].rstrip()
    if prev and prev.split()[-1] in _PRONOUNS:
        return None, True  # "what it said", "as he told reporters": the speaker named before
    if "," in prev and prev[-1] not in ",\"”’'":
        # "In a statement posted online, the agency said": the subject follows the last comma
        return finish(_phrase_back(folded, len(prev), "en", floor=prev.rindex(",") + 1))
    if not prev or prev[-1] in ",\"”’'":
        # "..., said John Kirby, a spokesman." — the speaker follows the cue, and is a name.
        if prev.endswith(",") and prev.count(",") >= 2:
            # "John Kirby, a White House spokesman, said that ...": the name and its apposition
            return finish(_phrase_back(folded, len(prev) - 1, "en", max_words=12))
        forward = _phrase_forward(folded, cue_span.end, max_words=6)
        if forward and (sentence[where[forward.start]].isupper()  # a name, or a phrase that is all
                        or regex.match(r"\s*(?:[,;:.!?\"”’')]|$)", folded[forward.end:])):  # there is: "said the ministry."
            return finish(forward)
        return None, False
    return finish(_phrase_back(folded, len(prev), "en"))
