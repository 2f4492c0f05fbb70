"""Claims: the sentences of an article that attribute or assert something, and how alike two
claims are, within one language and across Hindi and English. Pure text: no database, no Airflow.

What the pipeline calls (one `ClaimExtractor(topic)` per run; it holds the compiled cues, the
topic's concept lexicon and gazetteer, and `topic.claims`, a `ClaimSettings`):

- `extractor.extract(text, language)` → the article's claims, each a frozen `Claim`: sentence as
  written, speaker or None, the cue, language, normalised text, `normalized_hash`, concept
  fingerprint (`concepts`), character shingles.
- `extractor.known_units(text, language)` → what a known article (a seed, any stored article)
  says: every statement, claim or not, and every two adjacent sentences of a paragraph joined,
  since a restatement often folds two sentences into one or repeats as a quote what the other
  said without one. New claims are compared with these units.
- `extractor.is_new(claim, candidates)` → (new?, nearest unit, similarity); or the parts:
  `nearest_known`, `claim_similarity(a, b, settings, weights)` in [0, 1], `claim_is_new`.
- `candidate_keys(claim)` → the keys to fetch candidate units by (a GIN-indexed text[] column).
- `extractor.claim(sentence, language, speaker=..., cue=...)` rebuilds a record from a stored row.

How it works:

- Sentences end at danda, double danda, the `|` some Hindi sites type for a danda, `.`, `?`, `!`
  and at every line break; a full stop does not end a sentence inside a number (3.5, 12.09.2023),
  after an abbreviation (Mr., Dr., No. 5, Jan.) or inside an initialism (U.S., ए.पी.); a piece
  starting with "कि" after a danda joins the sentence before it (the site meant a comma).
- A sentence is a claim when it carries a cue: Hindi (दावा, कहा कि, बताया कि, के अनुसार,
  के मुताबिक, के हवाले से, आरोप, चेतावनी, मानना है, आशंका, इनकार ...) or English (said, told,
  claimed, according to, alleged, warned ...), not negated. Cues are found with the `regex`
  module on text folded as `newswatch.textnorm` does (NFC, nukta folding, case), with
  letter-and-mark word boundaries, so a vowel sign never splits a Devanagari word. Sentences
  inside a quotation opened by a claim, up to its close or the paragraph's end, are that
  speaker's claims too. Titles and crossheads (a short line with no closing punctuation),
  teasers ("[…]"), read-more links and the headlines after them, and navigation are skipped.
- The speaker is the phrase the cue names: "X ने कहा", "X के अनुसार", "X के हवाले से",
  "इस बात का दावा X ने किया", "X का मानना है", "X की तरफ से", "X की रिपोर्ट में", "X said",
  "according to X", "said X"; a country or gazetteer actor as the clause's subject. Pronouns
  (उन्होंने, इसने, they, the officials) take the last speaker named before, also one introduced
  without a cue ("प्रवक्ता माओ निंग का बयान आया"); generic sources (रिपोर्ट, सूत्रों, खबरों,
  मीडिया, reports) give None.
- Similarity: within a language, character 4-gram shingles of the normalised text (mean of
  Jaccard and containment); always, a concept fingerprint: the claim's words (the speaker's
  left out) mapped to ids through the topic's gazetteer and its bilingual concept lexicon
  (`Topic.concepts`, lightly stemmed), numbers and months as concepts too. Fingerprints are
  compared by a weighted Dice coefficient: the topic's background concepts (Russia, North Korea,
  Kim, Putin: every claim names them) weigh little, lexicon entries carry their own weight
  (0.5 for words most claims use, 1.5 for the ones that make a different event: signed,
  sanctions), numbers weigh 1.5; two claims must share some weight beyond the background to
  count as alike at all, and claims whose numbers disagree are held apart. The similarity is
  the larger of the two measures; a claim is new below `ClaimSettings.new_threshold`.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from newswatch.config import ClaimSettings, Topic
from newswatch.textnorm import NUKTA, normalize_text, tokens

# ----------------------------------------------------------------------------- sentences

_NOT_LETTER_BEFORE = r"(?<![\p{L}\p{M}\p{N}])"
_NOT_LETTER_AFTER = r"(?![\p{L}\p{M}\p{N}])"
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


# ----------------------------------------------------------------------------- folding


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """The text NFC'd, nukta-folded and lower-cased, zero-width characters dropped, with the
    index in `text` of every folded character, so that a match maps back to the text as written."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch in "\u200b\u200c\u200d\u2060\ufeff":
            continue
        folded = unicodedata.normalize("NFC", unicodedata.normalize("NFD", ch).replace(NUKTA, "")).lower()
        for c in folded:
            out.append(c)
            where.append(i)
    return "".join(out), where


def _fold(text: str) -> str:
    return _fold_with_map(text)[0]


def _words(*phrases: str) -> str:
    """An alternation of phrases, nukta-folded, longest first, with any run of spaces between words."""
    alts = sorted({_fold(p) for p in phrases}, key=len, reverse=True)
    return "|".join(r"\s+".join(map(regex.escape, a.split())) for a in alts)


# ----------------------------------------------------------------------------- cues

# After कहा / बताया: the reported content follows (कि, a quote, a colon or comma) or the sentence
# ends; "मदद करने को कहा" (asked to) inside a longer sentence is not a cue on its own.
_HI_AUX = r"(?:\s+(?:भी|ही))?(?:\s+(?:था|थी|थे|है|हैं|गया|गई|गए|जाता|जा\s+रहा))*(?:\s+(?:है|हैं|था|थी|थे))?"
_HI_FOLLOW = r"(?=\s*[,:–—-]?\s*(?:कि" + _NOT_LETTER_AFTER + r"|[\"“”'‘’]|[।॥|.!?]|$))"
HI_CUES: list[tuple[str, str]] = [
    ("के अनुसार", _words("के अनुसार", "की मानें तो", "के मुताबिक", "के मुताबिक़")),
    ("के हवाले से", _words("के हवाले से")),
    ("दावा", _words("दावा", "दावे", "दावों")),
    ("कहा", r"(?:कहा|कहती|कहते|कहना)" + _HI_AUX + _HI_FOLLOW),
    ("बताया", r"(?:बताया|बताती|बताते|बताना)" + _HI_AUX + _HI_FOLLOW),
    ("आरोप", _words("आरोप", "आरोपों")),
    ("चेतावनी", _words("चेतावनी", "चेताया")),
    ("मानना है", _words("मानना है", "मानना था", "माना जा रहा", "मानते हैं", "मानती है")),
    ("आशंका", _words("आशंका", "आशंकाएं", "अंदेशा")),
    ("इनकार", _words("इनकार", "इंकार", "खंडन")),
    ("पुष्टि", _words("पुष्टि")),
    ("अपील", _words("अपील")),
    ("धमकी", _words("धमकी", "धमकियां", "धमकियों")),
    ("बयान", _words("बयान में", "बयान के")),
    ("जानकारी दी", _words("जानकारी दी", "जानकारी है कि")),
    ("संकेत", _words("संकेत मिलता", "संकेत दिया", "संकेत दिए")),
    ("खबर है", _words("खबर आई है कि", "खबर है कि", "खबरें हैं कि", "खबरें आई हैं कि")),
]
EN_CUES: list[tuple[str, str]] = [
    ("according to", _words("according to", "as per", "citing")),
    ("said", _words("said", "says", "say")),
    ("told", _words("told", "tells")),
    ("claimed", _words("claimed", "claims", "claim that", "claiming")),
    ("alleged", _words("alleged", "alleges", "alleging", "accused", "accuses")),
    ("warned", _words("warned", "warns", "warning that")),
    ("stated", _words("stated", "states that", "statement")),
    ("reported", _words("reported", "reports that")),
    ("believes", _words("believes", "believe", "believed")),
    ("denied", _words("denied", "denies")),
    ("added", _words("added")),
    ("announced", _words("announced", "announces")),
    ("confirmed", _words("confirmed", "confirms")),
    ("insisted", _words("insisted", "insists")),
    ("estimated", _words("estimated", "estimates")),
    ("noted", _words("noted", "argued", "asserted", "acknowledged", "admitted", "cautioned")),
]


def _compile_cues(cues: list[tuple[str, str]]) -> regex.Pattern[str]:
    body = "|".join(f"(?P<c{i}>{pattern})" for i, (_, pattern) in enumerate(cues))
    return regex.compile(_NOT_LETTER_BEFORE + f"(?:{body})" + _NOT_LETTER_AFTER)


_CUE_RE = {"hi": _compile_cues(HI_CUES), "en": _compile_cues(EN_CUES)}
_CUE_NAMES = {"hi": [name for name, _ in HI_CUES], "en": [name for name, _ in EN_CUES]}

# Lines that are never claims: read-more links, follow/subscribe boxes, bylines, datelines.
_BOILERPLATE = regex.compile(
    r"^\s*(?:" + _words("ये भी पढ़ें", "यह भी पढ़ें", "ये भी पढ़े", "इसे भी पढ़ें", "और पढ़ें", "फॉलो करें",
                         "सब्सक्राइब", "read more", "also read", "subscribe", "follow us", "click here",
                         "date updated", "updated", "advertisement", "विज्ञापन", "share") + r")"
    + _NOT_LETTER_AFTER, regex.I)
_HEADING_MAX_WORDS = 12


def _is_heading(paragraph: str, sentences: list[str]) -> bool:
    """A line of one short unpunctuated sentence: a title or crosshead, which restates the body."""
    return (len(sentences) == 1 and paragraph.rstrip()[-1:] not in "।॥|.?!\"”’'"
            and len(paragraph.split()) <= _HEADING_MAX_WORDS)


# ----------------------------------------------------------------------------- speakers

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


@dataclass(frozen=True)
class _Span:
    start: int
    end: int  # in the folded text


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
_EN_NEGATION = regex.compile(r"(?:\b(?:not|never|neither|nor|no|nobody|none)\b|n't)(?:\s+\w+){0,3}\s*$")


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


# ----------------------------------------------------------------------------- concepts

def _folded_keys(table: dict[str, int]) -> dict[str, int]:
    """A word table keyed the way `tokens` gives words (nukta folded, case-folded, NFC), so a
    key written with nukta (करोड़, हज़ार) matches the folded token (करोड, हजार)."""
    folded: dict[str, int] = {}
    for word, value in table.items():
        key = normalize_text(word)
        if folded.setdefault(key, value) != value:
            raise ValueError(f"{word!r} and another word fold to {key!r} with different values")
    return folded


_NUMBER_WORDS = _folded_keys({
    "तीन": 3, "चार": 4, "पांच": 5, "पाँच": 5, "छह": 6, "छः": 6, "सात": 7, "आठ": 8,
    "नौ": 9, "दस": 10, "बीस": 20, "तीस": 30, "चालीस": 40, "पचास": 50, "साठ": 60, "सत्तर": 70,
    "अस्सी": 80, "नब्बे": 90, "सौ": 100, "हजार": 1000, "हज़ार": 1000, "लाख": 100_000, "करोड़": 10_000_000,
    "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "million": 1_000_000,
    "billion": 1_000_000_000,
})
# "one"/"एक" is an article and "two"/"दो" mostly "the two countries" (दोनों देश): not counted.
_MONTHS = _folded_keys({
    "जनवरी": 1, "फरवरी": 2, "मार्च": 3, "अप्रैल": 4, "मई": 5, "जून": 6, "जुलाई": 7, "अगस्त": 8,
    "सितंबर": 9, "सितम्बर": 9, "अक्टूबर": 10, "अक्तूबर": 10, "नवंबर": 11, "नवम्बर": 11, "दिसंबर": 12,
    "दिसम्बर": 12, "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
})
_HI_SUFFIXES = sorted(["ियों", "ियां", "ियाँ", "ाओं", "ाएं", "ाएँ", "ों", "ें", "ीं", "ां", "ी", "े", "ा", "ि"],
                      key=len, reverse=True)
_EN_SUFFIXES = ["ies", "ed", "es", "s", "e"]  # not -ing: training ≠ train; list -ing forms


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """A light stem, the same for a word's common inflections, Hindi or English: हथियारों and
    हथियार, उपग्रहों and उपग्रह, missiles and missile, supplied and supply."""
    if not token or token.isdigit():
        return token
    if regex.match(r"\p{Devanagari}", token):
        for suffix in _HI_SUFFIXES:
            if token.endswith(suffix) and len(token) - len(suffix) >= 2:
                return token[: -len(suffix)]
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    for suffix in _EN_SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3 and not token.endswith("ss"):
            token = token[: -len(suffix)]
            break
    if token.endswith("e") and len(token) > 3:
        token = token[:-1]
    return token


# 10,000 / 1,50,000 (Indian grouping) / 3.5 / 2019: one number each.
_NUMBER = regex.compile(r"(?<![\p{N}.,])\d{1,12}(?:,\d{2,3})*(?:\.\d+)?(?![\p{N}])")


def _number_value(text: str) -> str:
    value = text.replace(",", "")
    if "." in value:
        return value.rstrip("0").rstrip(".")
    return str(int(value))


class ConceptIndex:
    """Phrases of the topic's gazetteer and concept lexicon, stemmed, mapped to concept ids."""

    def __init__(self, topic: Topic | None) -> None:
        self._phrases: dict[tuple[str, ...], set[str]] = {}
        if topic is not None:
            gazetteer = topic.gazetteer
            for entry in [*gazetteer.people, *gazetteer.places, *gazetteer.organisations]:
                self._add(entry.id, [*entry.hi, *entry.en])
            for concept in topic.concepts:
                self._add(concept.id, [*concept.hi, *concept.en])
        self._max_len = max((len(p) for p in self._phrases), default=1)

    def _add(self, concept_id: str, aliases: Iterable[str]) -> None:
        for alias in aliases:
            key = tuple(stem(t) for t in tokens(alias))
            if key:
                self._phrases.setdefault(key, set()).add(concept_id)

    def concepts(self, text: str) -> frozenset[str]:
        """Concept ids in the text: gazetteer ids, lexicon ids, `num:N`, `month:M`."""
        normalized = normalize_text(text)
        found: set[str] = {f"num:{_number_value(m)}" for m in _NUMBER.findall(normalized)}
        words = tokens(_NUMBER.sub(" ", normalized))
        stems = [stem(w) for w in words]
        i = 0
        while i < len(words):
            matched = 0
            for n in range(min(self._max_len, len(words) - i), 0, -1):
                ids = self._phrases.get(tuple(stems[i:i + n]))
                if ids:
                    found |= ids
                    matched = n
                    break
            if matched:
                i += matched
                continue
            word = words[i]
            if word in _NUMBER_WORDS:
                found.add(f"num:{_NUMBER_WORDS[word]}")
            elif word in _MONTHS:
                found.add(f"month:{_MONTHS[word]}")
            i += 1
        return frozenset(found)


# ----------------------------------------------------------------------------- records

SHINGLE_SIZE = 4


def normalize_claim(sentence: str) -> str:
    """The claim's comparable form: normalised (NFC, nukta, digits, case) words, single spaces."""
    return " ".join(tokens(sentence))


def shingles(normalized: str, size: int = SHINGLE_SIZE) -> frozenset[str]:
    padded = f" {normalized} "
    if len(padded) <= size:
        return frozenset({padded})
    return frozenset(padded[i:i + size] for i in range(len(padded) - size + 1))


@dataclass(frozen=True)
class Claim:
    """One claim (or, with `cue` None, one plain statement) of an article."""

    sentence: str  # as written
    speaker: str | None  # as written; None when unnamed or generic
    cue: str | None  # the cue that made it a claim ("के अनुसार", "said"); None: not a claim
    language: str  # "hi" | "en" | ...
    normalized: str  # normalize_claim(sentence)
    normalized_hash: str  # sha256 of `normalized`: equal for the same words whatever the markup
    concepts: frozenset[str] = field(default_factory=frozenset)  # concept fingerprint
    shingles: frozenset[str] = field(default_factory=frozenset, repr=False, compare=False)
    paragraph: int = 0  # index of its paragraph in the text
    index: int = 0  # index of its sentence in the text

    @property
    def is_claim(self) -> bool:
        return self.cue is not None

    def candidate_keys(self, settings: ClaimSettings | None = None) -> list[str]:
        """Keys to find possibly-similar known claims with (e.g. a GIN-indexed text[] column and
        `keys && %(keys)s`): its non-background concepts and its longer content words. Any
        known claim whose similarity could reach a threshold shares at least one of them."""
        return candidate_keys(self, settings)


def make_claim(sentence: str, language: str, concept_index: ConceptIndex, *, speaker: str | None = None,
               cue: str | None = None, paragraph: int = 0, index: int = 0) -> Claim:
    """A `Claim` record for a sentence with its features; also rebuilds one from a stored row
    (sentence, speaker, cue, language). The concept fingerprint is taken from what the claim
    says, the speaker's words left out: "रूसी अंतरिक्ष एजेंसी के ... ने कहा" says nothing about space."""
    normalized = normalize_claim(sentence)
    content = sentence.replace(speaker, " ", 1) if speaker else sentence
    return Claim(
        sentence=sentence, speaker=speaker, cue=cue, language=language, normalized=normalized,
        normalized_hash=hashlib.sha256(normalized.encode("utf-8")).hexdigest(),
        concepts=concept_index.concepts(content), shingles=shingles(normalized),
        paragraph=paragraph, index=index)


# ----------------------------------------------------------------------------- extraction


def _language_of(sentence: str, default: str | None) -> str:
    letters = regex.findall(r"\p{L}", sentence)
    if not letters:
        return default or "und"
    deva = sum(1 for ch in letters if "\u0900" <= ch <= "\u097f")
    if deva / len(letters) >= 0.3:
        return "hi"
    if default and default != "hi":
        return default
    return "en" if deva / len(letters) < 0.05 else (default or "hi")


def _find_cue(folded: str, language: str) -> tuple[str, _Span] | None:
    """The first cue of the sentence that really attributes: not negated ("has not confirmed",
    "पुष्टि नहीं की"), and a bare कहा/बताया at the sentence's end only after quoted words. A
    noun cue gives way to a verb after it: "In a statement, the agency said" names the agency."""
    found: tuple[str, _Span] | None = None
    for match in _CUE_RE[language].finditer(folded):
        name = next(n for i, n in enumerate(_CUE_NAMES[language]) if match.group(f"c{i}") is not None)
        before, after = folded[:match.start()], folded[match.end():]
        if language == "en" and name != "according to" and _EN_NEGATION.search(before):
            continue
        if language == "hi" and regex.match(r"\s*(?:\p{L}+\s+)?नहीं" + _NOT_LETTER_AFTER, after) \
                and name not in ("के अनुसार", "के हवाले से", "इनकार"):
            continue
        if language == "hi" and name in ("कहा", "बताया") and not regex.search(r"[\p{L}\p{N}]", after) \
                and not regex.search(r"[\"“”'‘’]", before):
            continue  # "पुतिन ने किम को रॉकेट्स के बारे में विस्तार से बताया।": telling, no claim
        if language == "en" and name == "stated" and folded[match.start():match.end()] == "statement":
            found = found or (name, _Span(match.start(), match.end()))
            continue
        return name, _Span(match.start(), match.end())
    return found


def _quote_state(sentence: str, open_quote: bool) -> bool:
    """Whether a quotation is still open after the sentence."""
    for i, ch in enumerate(sentence):
        if ch not in _QUOTES_OPEN and ch not in _QUOTES_CLOSE:
            continue
        before = sentence[i - 1] if i else " "
        after = sentence[i + 1] if i + 1 < len(sentence) else " "
        if regex.match(r"[\p{L}\p{M}\p{N}]", before) and regex.match(r"[\p{L}\p{M}\p{N}]", after):
            continue  # Russia's
        if not open_quote and ch in _QUOTES_OPEN and (before.isspace() or before in ",:;(-—–") \
                and not after.isspace():
            open_quote = True
        elif open_quote and ch in _QUOTES_CLOSE and not before.isspace():
            open_quote = False
    return open_quote


_TEASER_END = regex.compile(r"(?:\[\s*(?:…|\.\.\.)\s*\]|…)\s*$")
ACTOR_CONCEPTS = frozenset({"usa", "russia", "north_korea", "south_korea", "china", "japan", "west"})


class ClaimExtractor:
    """Claims of articles for one topic (its gazetteer and concept lexicon give the fingerprint
    and the actors a Hindi subject may name)."""

    def __init__(self, topic: Topic | None = None) -> None:
        self.topic = topic
        self.settings = topic.claims if topic is not None else ClaimSettings()
        self.concepts = ConceptIndex(topic)
        self._weights = {c.id: c.weight for c in topic.concepts} if topic is not None else {}
        aliases: list[str] = []
        if topic is not None:
            entries = [*topic.gazetteer.people, *topic.gazetteer.organisations,
                       *(c for c in topic.concepts if c.id in ACTOR_CONCEPTS)]
            aliases = [alias for entry in entries for alias in entry.hi]
        self._actor_re = (regex.compile(_NOT_LETTER_BEFORE + f"(?:{_words(*aliases)})"
                                        + rf"(?:\s+(?:और|व)\s+(?:{_words(*aliases)}))*" + _NOT_LETTER_AFTER)
                          if aliases else None)

    @property
    def weights(self) -> dict[str, float]:
        """Concept id → weight from the topic's lexicon (for `claim_similarity`)."""
        return self._weights

    def similarity(self, a: Claim, b: Claim) -> float:
        return claim_similarity(a, b, self.settings, self._weights)

    def nearest_known(self, candidate: Claim, known: Iterable[Claim]) -> tuple[Claim | None, float]:
        """The known claim most like the candidate and that similarity, with the topic's settings."""
        return nearest_known(candidate, known, self.settings, self._weights)

    def is_new(self, candidate: Claim, known: Iterable[Claim]) -> tuple[bool, Claim | None, float]:
        """(new?, nearest known claim, its similarity) for a candidate against known claims."""
        nearest, score = self.nearest_known(candidate, known)
        return claim_is_new(score, self.settings), nearest, score

    def _actors(self, folded: str) -> list[tuple[int, int]]:
        if self._actor_re is None:
            return []
        return [(m.start(), m.end()) for m in self._actor_re.finditer(folded)]

    def claim(self, sentence: str, language: str, **kwargs: object) -> Claim:
        """A record for one sentence (e.g. to rebuild a stored claim's features from its row)."""
        return make_claim(sentence, language, self.concepts, **kwargs)  # type: ignore[arg-type]

    def statements(self, text: str, language: str | None = None) -> list[Claim]:
        """Every content sentence of the text, claims (cue set) and plain statements (cue None).
        Headings, teasers, read-more links and what follows them, and navigation are left out."""
        out: list[Claim] = []
        index = 0
        last_speaker: str | None = None  # for pronouns: उन्होंने कहा, they said
        after_read_more = False
        for p_index, paragraph in enumerate(paragraphs(text)):
            sentences = _paragraph_sentences(paragraph)
            heading = _is_heading(paragraph, sentences)
            if _BOILERPLATE.match(_fold(paragraph)):
                after_read_more = True
            if after_read_more and (heading or _BOILERPLATE.match(_fold(paragraph))
                                    or paragraph[-1:] not in "।॥|.?!\"”’'"):
                index += len(sentences)
                continue  # the read-more list: headlines of other articles
            after_read_more = False
            if heading or _TEASER_END.search(paragraph):
                index += len(sentences)
                continue
            quote_open = False
            quote_claim: Claim | None = None
            for sentence in sentences:
                lang = _language_of(sentence, language)
                cue_lang = lang if lang in _CUE_RE else "en"
                folded, where = _fold_with_map(sentence)
                found = _find_cue(folded, cue_lang)
                speaker: str | None = None
                cue: str | None = None
                if found:
                    cue, cue_span = found
                    extract = _hindi_speaker if cue_lang == "hi" else _english_speaker
                    speaker, pronoun = extract(sentence, folded, where, cue, cue_span, self._actors)
                    if pronoun:
                        speaker = last_speaker
                    if speaker:
                        last_speaker = speaker
                elif quote_open and quote_claim is not None:
                    # Inside a quotation a claim opened: the same speaker goes on talking.
                    cue, speaker = "quote", quote_claim.speaker
                elif cue_lang == "hi":
                    last_speaker = _titled_person(sentence, folded, where) or last_speaker
                record = make_claim(sentence, lang, self.concepts, speaker=speaker, cue=cue,
                                    paragraph=p_index, index=index)
                out.append(record)
                index += 1
                was_open = quote_open
                quote_open = _quote_state(sentence, quote_open)
                if quote_open and not was_open:
                    quote_claim = record if record.is_claim else None
                elif not quote_open:
                    quote_claim = None
        return out

    def known_units(self, text: str, language: str | None = None) -> list[Claim]:
        """What a known article (a seed, an earlier article) says, as units to compare new claims
        with: every statement (claims and the rest), and every two adjacent sentences of a
        paragraph joined (cue "window"), since a restatement often folds two sentences into one."""
        statements = self.statements(text, language)
        units = list(statements)
        for first, second in zip(statements, statements[1:]):
            if first.paragraph == second.paragraph and second.index == first.index + 1:
                units.append(self.claim(f"{first.sentence} {second.sentence}", first.language,
                                        speaker=first.speaker or second.speaker, cue="window",
                                        paragraph=first.paragraph, index=first.index))
        return units

    def extract(self, text: str, language: str | None = None) -> list[Claim]:
        """The claims of the text, in order; a repeated sentence (same normalised hash) once."""
        seen: set[str] = set()
        claims = []
        for record in self.statements(text, language):
            if record.is_claim and record.normalized_hash not in seen:
                seen.add(record.normalized_hash)
                claims.append(record)
        return claims


_EXTRACTORS: dict[int, tuple[Topic | None, ClaimExtractor]] = {}


def extract_claims(text: str, language: str | None = None, topic: Topic | None = None) -> list[Claim]:
    """The claims of a text. Pass the topic for concept fingerprints (cross-language novelty)
    and actor names; without it the records carry numbers and months only."""
    cached = _EXTRACTORS.get(id(topic))
    if cached is None or cached[0] is not topic:
        if len(_EXTRACTORS) > 16:
            _EXTRACTORS.clear()
        cached = _EXTRACTORS[id(topic)] = (topic, ClaimExtractor(topic))
    return cached[1].extract(text, language)


# ----------------------------------------------------------------------------- similarity

Weights = Mapping[str, float]


def _weight(concept: str, settings: ClaimSettings, weights: Weights | None) -> float:
    if concept in settings.background_concepts:
        return settings.background_weight
    if concept.startswith(("num:", "month:")):
        return settings.number_weight
    return weights.get(concept, 1.0) if weights else 1.0


def _numbers(concepts: frozenset[str]) -> set[str]:
    return {c for c in concepts if c.startswith("num:")}


def concept_similarity(a: Claim, b: Claim, settings: ClaimSettings | None = None,
                       weights: Weights | None = None) -> float:
    """Weighted Dice coefficient of the two concept fingerprints (0 when either is thinner than
    `min_concept_weight` or they share less than `min_shared_weight` beyond the background
    concepts); scaled by `number_conflict_factor` when both give numbers and share none."""
    settings = settings or ClaimSettings()
    if not a.concepts or not b.concepts:
        return 0.0
    wa = sum(_weight(c, settings, weights) for c in a.concepts)
    wb = sum(_weight(c, settings, weights) for c in b.concepts)
    if min(wa, wb) < settings.min_concept_weight:
        return 0.0
    common = a.concepts & b.concepts
    if sum(_weight(c, settings, weights) for c in common
           if c not in settings.background_concepts) < settings.min_shared_weight:
        return 0.0  # sharing one word ("agreement") or two countries is no evidence of one claim
    shared = sum(_weight(c, settings, weights) for c in common)
    score = 2 * shared / (wa + wb)
    na, nb = _numbers(a.concepts), _numbers(b.concepts)
    if na and nb and not (na & nb):
        score *= settings.number_conflict_factor
    return min(1.0, score)


def text_similarity(a: Claim, b: Claim) -> float:
    """Character 4-gram shingles of the normalised text: mean of Jaccard and containment."""
    if a.normalized_hash == b.normalized_hash:
        return 1.0
    sa = a.shingles or shingles(a.normalized)
    sb = b.shingles or shingles(b.normalized)
    if not sa or not sb:
        return 0.0
    shared = len(sa & sb)
    jaccard = shared / len(sa | sb)
    containment = shared / min(len(sa), len(sb))
    return (jaccard + containment) / 2


def claim_similarity(a: Claim, b: Claim, settings: ClaimSettings | None = None,
                     weights: Weights | None = None) -> float:
    """How alike two claims are, in [0, 1]: within one language the larger of the text and the
    concept measure, across languages the concept measure. `weights`: concept id → weight
    (`ClaimExtractor.weights`, from the topic's lexicon); without it every concept weighs 1."""
    settings = settings or ClaimSettings()
    concept = concept_similarity(a, b, settings, weights)
    if a.language == b.language:
        text = text_similarity(a, b)
        na, nb = _numbers(a.concepts), _numbers(b.concepts)
        if na and nb and not (na & nb):
            text *= settings.number_conflict_factor
        return max(text, concept)
    return concept


def nearest_known(candidate: Claim, known: Iterable[Claim], settings: ClaimSettings | None = None,
                  weights: Weights | None = None) -> tuple[Claim | None, float]:
    """The known claim most like the candidate, and that similarity ((None, 0.0) for none)."""
    best: Claim | None = None
    best_score = 0.0
    for other in known:
        score = claim_similarity(candidate, other, settings, weights)
        if score > best_score:
            best, best_score = other, score
            if score >= 1.0:
                break
    return best, best_score


def claim_is_new(similarity: float, settings: ClaimSettings | None = None) -> bool:
    """A claim is new when its nearest known claim is less alike than `new_threshold`."""
    settings = settings or ClaimSettings()
    return similarity < settings.new_threshold


_KEY_WORD_MIN = 4


def candidate_keys(claim: Claim, settings: ClaimSettings | None = None) -> list[str]:
    """Keys to fetch the known claims worth comparing with: its concepts other than the topic's
    background ones, plus `w:<stem>` for its words of four or more letters. A known claim that
    shares none of them can only be alike through the background concepts or short words."""
    settings = settings or ClaimSettings()
    keys = {c for c in claim.concepts if c not in settings.background_concepts}
    keys |= {f"w:{stem(w)}" for w in claim.normalized.split()
             if len(w) >= _KEY_WORD_MIN and not w.isdigit()}
    return sorted(keys)


def precision_recall(predicted: Iterable[str], gold: Iterable[str]) -> tuple[float, float]:
    """Precision and recall of predicted against gold items (e.g. normalised claim hashes)."""
    p, g = set(predicted), set(gold)
    tp = len(p & g)
    return (tp / len(p) if p else 1.0, tp / len(g) if g else 1.0)


__all__ = [
    "Claim", "ClaimExtractor", "ConceptIndex", "EN_CUES", "HI_CUES", "candidate_keys", "claim_is_new",
    "claim_similarity", "concept_similarity", "extract_claims", "make_claim", "nearest_known",
    "normalize_claim", "paragraphs", "precision_recall", "shingles", "split_sentences", "stem",
    "text_similarity",
]
