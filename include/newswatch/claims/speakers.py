"""Speakers: the noun phrase a claim's cue names ("X ने कहा", "X के अनुसार", "X का कहना है",
"X said", "according to X", "said X"), or a pronoun / short reference ("उन्होंने", "he", "the
ministry") for the extractor to resolve, or nobody (generic and unaffiliated sources, impersonal
passives). Word lists are the lexicon's (`cues/<lang>.yaml`, section `speakers`). This module holds
what both languages share (phrases, cleaning, vague sources); `speakers_en` and `speakers_hi` read
each language's clause, `mentions` the sources named without a cue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import regex

from newswatch.claims.folding import Span
from newswatch.claims.lexicon import Lexicon


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
STOP = {",", ";", ":", "—", "–", "--"}  # "WASHINGTON — Representative X said"
SKIP = set("()\"“”‘’'")
_ARTICLES = {"the", "a", "an"}
_PARTY_TAG = regex.compile(r"\s*\((?:[DRI]|Dem|Rep|Ind)-[\p{L}. ]+\)?\s*$")
# Capitalised only because they open the sentence: no affiliation ("Several officials said").
_COMMON_OPENERS = {"some", "several", "many", "two", "three", "four", "few", "senior", "top", "local", "other",
                   "former", "unnamed", "anonymous", "one", "these", "those", "most", "both", "all"}


def folded_tokens(folded: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded, start, len(folded) if end is None else end)]


def phrase_back(folded: str, end: int, lex: Lexicon, *, floor: int = 0, max_words: int = 12,
                upper: Callable[[int], bool] | None = None, oblique: bool = False) -> Span | None:
    """The phrase ending at `end`, extended back word by word to a boundary word, a comma or colon,
    or `floor`. English "and" stays inside between two capitalised names ("Russia and North Korea").
    `oblique`: the subject of ने, whose genitives agree with its head: "का" never stands inside it,
    nor "की" before a "के" ("इस कदम की | राजस्थान के मुख्यमंत्री अशोक गहलोत ने प्रशंसा की")."""
    words = lex.speakers
    toks = folded_tokens(folded, floor, end)
    picked: list[tuple[str, int, int]] = []
    stop_at = -1
    passed_ke = False
    for k in range(len(toks) - 1, -1, -1):
        tok, s, _ = toks[k]
        if tok in SKIP:
            continue
        if tok in STOP:
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
        while k >= 0 and toks[k][0] not in STOP and toks[k][0] not in words.boundary and len(item) < 3:
            if toks[k][0] not in SKIP:
                item.append(toks[k])
            k -= 1
        if not item or (k >= 0 and toks[k][0] not in STOP and toks[k][0] not in words.boundary):
            break
        picked.extend(item)
        stop_at = k if k >= 0 and toks[k][0] == "," else -1
    while picked and picked[-1][0] in words.inner | {"of"}:
        picked.pop()  # a phrase does not start with a postposition
    return Span(picked[-1][1], picked[0][2]) if picked else None


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
    return any(t[0] in _HI_PARTICIPLE for t in picked) and tok not in ("ने", "कि") and tok not in STOP


def _is_head(word: str, lex: Lexicon) -> bool:
    sp = lex.speakers
    return word in sp.vague_heads or bool(sp.group.fullmatch(word) or sp.person_titles.fullmatch(word))


def phrase_forward(folded: str, start: int, lex: Lexicon, max_words: int = 10) -> Span | None:
    """The phrase that starts at `start`: "according to [US officials], ...", "said [John Kirby], ..."."""
    picked: list[tuple[str, int, int]] = []
    for tok, s, e in folded_tokens(folded, start):
        if tok in STOP or tok in SKIP or (picked and tok in {"and", "that", "who", "which", "on", "in", "at",
                                                               "during", "when", "after", "before", "while"}):
            break
        if not picked and tok in lex.speakers.boundary - _ARTICLES:
            return None
        picked.append((tok, s, e))
        if len(picked) >= max_words:
            break
    return Span(picked[0][1], picked[-1][2]) if picked else None


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


def clean(sentence: str, folded: str, where: list[int], span: Span | None, lex: Lexicon) -> Found:
    """A phrase as a `Found`: a pronoun, a short reference, nobody (generic, vague, no noun), or
    the phrase as written without leading articles and fillers, quotes dropped."""
    if span is None:
        return NOBODY
    sp = lex.speakers
    toks = [t for t in folded_tokens(folded, span.start, span.end) if t[0] not in SKIP and t[0] not in STOP]
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
    # "the ministry", "the defense secretary" (not "the Kremlin", a name) / "मंत्रालय", "सीएम": a short reference
    head = sp.aliases.get(words[-1], words[-1])
    is_reference = key in sp.references or (lex.language == "en" and head in sp.references and len(words) <= 3)
    reference = key if is_reference and (lex.language != "en" or (definite and not text[:1].isupper())) else None
    capitalised = [sentence[where[t[1]]].isupper() and (k > 0 or t[0] not in _COMMON_OPENERS) for k, t in enumerate(toks)]
    if key in sp.generic or is_vague(words, capitalised, lex):
        # nobody, unless a full mention before holds the word; a later "he" / "उसने" means nobody too
        plural = words[-1].endswith(("s", "ों", "ें", "ं")) or bool(sp.group.fullmatch(words[-1]))
        return Found(reference=reference, anonymous="plural" if plural else "person")
    return Found(text=text or None, reference=reference)


def source_like(folded: str, span: Span, lex: Lexicon, actors: Actors) -> bool:
    text = folded[span.start:span.end]
    sp = lex.speakers
    return bool(sp.person_titles.search(text) or sp.organisation.search(text) or sp.group.search(text)
                or actors(text) or text.strip() in sp.pronouns)
