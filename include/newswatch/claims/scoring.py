"""How likely a new claim says what a known one says: P(same) = P(match) x P(agree).

Two small logistic regressions, their weights in `claims/data/scoring.json` (fitted by
bench/claims_fit.py on the real-text dev set's tune split only, balanced per language pair,
L2-regularised; plain numpy here):

- **match**: are the two about the same thing? The e5 cosine with a slope and an intercept per
  language pair (en-en, hi-hi, hi-en: e5 puts two Hindi claims of a topic closer than two English
  ones, a translation a little further), IDF-weighted word containment (within a language: word
  stems; across: consonant skeletons, `romanise`), the IDF-weighted share of words only one side
  has, names met across scripts, a shared number, the same or another speaker.
- **agree**: given a match, do the facts agree? Verification's `Change`: a number changed, a
  denial, a bare negation, a change of modality, an antonymous predicate.

`judging` turns the two probabilities and the change into a category; bench/claims.py measures
through the same code.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

import numpy as np
import regex

from newswatch.claims.romanise import skeleton
from newswatch.claims.verification import Change, Facts, compare, same_speaker
from newswatch.text.normalize import normalize_text, tokens

PAIR_KINDS = ("en-en", "hi-hi", "hi-en")
MATCH_FEATURES = ("cos_en-en", "cos_hi-hi", "cos_hi-en", "en-en", "hi-hi", "hi-en",
                  "containment", "unshared", "names", "shared_number", "speaker", "rarest_unmatched")
AGREE_FEATURES = ("number_changed", "denial", "negation", "modality", "antonym",
                  "number_close", "denial_close", "negation_close", "modality_close")


def pair_kind(la: str, lb: str) -> str:
    """en-en, hi-hi or hi-en (another language counts as English: its words are compared alike)."""
    if la == lb:
        return "hi-hi" if la == "hi" else "en-en"
    return "hi-en"


@dataclass(frozen=True)
class Side:
    """One claim as scoring reads it: the sentence, its language, its speaker, its facts."""

    sentence: str
    language: str
    speaker: str | None
    facts: Facts


@dataclass(frozen=True)
class Score:
    match: float
    agree: float
    change: Change = field(default_factory=Change)
    close: float = 0.0  # how near the wording is (`closeness`)
    across: bool = False  # Hindi against English

    @property
    def same(self) -> float:
        return self.match * self.agree


@cache
def _stopwords(language: str) -> frozenset[str]:
    path = resources.files("newswatch.claims") / "data" / f"stopwords_{'hi' if language == 'hi' else 'en'}.txt"
    return frozenset(w.strip() for w in path.read_text(encoding="utf-8").splitlines()
                     if w.strip() and not w.startswith("#"))


_HI_ENDINGS = ("ियों", "ाओं", "ाएं", "ाएँ", "ों", "ें", "ीं", "ाँ", "ां", "ी", "े", "ा", "ि", "ु", "ू")
_EN_ENDINGS = ("ing", "ies", "ed", "es", "s")


def stem(word: str, language: str) -> str:
    """A crude stem, enough to meet inflections of one word (soldiers/soldier, सैनिकों/सैनिक)."""
    endings = _HI_ENDINGS if language == "hi" else _EN_ENDINGS
    for end in endings:
        if word.endswith(end) and len(word) - len(end) >= 3:
            return word[: -len(end)]
    return word


@dataclass(frozen=True)
class Background:
    """The stems of the words every claim of a topic says (the terms of its required keyword
    groups: the two countries, their leaders and capitals, in both scripts). Sharing them is
    weak evidence that two claims say one thing: containment, names met and the rarest
    unmatched word weigh them by `weight` (scoring.json's `background.weight`, chosen on the
    tune split by bench/claims_fit.py; 0 would leave them out, 1 count them like any word)."""

    stems: frozenset[str] = frozenset()
    weight: float = 1.0

    def __contains__(self, word_stem: str) -> bool:
        return word_stem in self.stems

    def of(self, word_stem: str) -> float:
        """How much a word counts: `weight` for a background word, else 1."""
        return self.weight if word_stem in self.stems else 1.0


NO_BACKGROUND = Background()


def background_of(topic, weight: float | None = None) -> Background:
    """A topic's background: the stems of its required groups' terms, per language, weighed by
    `weight` (default: the shipped weights' background weight)."""
    found: set[str] = set()
    for group in topic.keyword_groups:
        if group.required:
            for language, terms in (("hi", group.terms.hi), ("en", group.terms.en)):
                found.update(stem(w, language) for t in terms for w in tokens(normalize_text(t)))
    return Background(frozenset(found), shipped_weights().background if weight is None else weight)


def content_words(text: str, language: str) -> tuple[str, ...]:
    """The stems of a text's words that say what it is about (no stopwords, no digits)."""
    stop = _stopwords(language)
    return tuple(dict.fromkeys(stem(w, language) for w in tokens(text)
                               if w not in stop and not w.isdigit() and len(w) > 1))


_NAME = regex.compile(r"(?<![.!?]\s)(?<!^)\b\p{Lu}[\p{Ll}\p{Lu}'-]+")


def _names(text: str, background: Background = NO_BACKGROUND) -> dict[str, float]:
    """Skeletons of the capitalised Latin words of a text not opening it (names, mostly), each
    with what meeting it counts (a topic's own name: the background weight)."""
    out: dict[str, float] = {}
    for w in _NAME.findall(text):
        for t in tokens(w):
            if len(s := skeleton(t)) >= 2:
                out[s] = max(out.get(s, 0.0), background.of(stem(t, "en")))
    return out


@dataclass(frozen=True)
class Model:
    weights: np.ndarray
    bias: float

    def probability(self, x: np.ndarray) -> float:
        z = float(x @ self.weights + self.bias)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Weights:
    match: Model
    agree: Model
    idf: dict[str, float]
    idf_default: float
    background: float = 1.0  # how much the topic's own names count (Background.weight)

    @classmethod
    def from_dict(cls, data: dict) -> "Weights":
        def model(part: dict, names: tuple[str, ...]) -> Model:
            return Model(np.asarray([part["weights"][n] for n in names], dtype=float), float(part["bias"]))
        return cls(model(data["match"], MATCH_FEATURES), model(data["agree"], AGREE_FEATURES),
                   dict(data["idf"]["words"]), float(data["idf"]["default"]),
                   float(data.get("background", {}).get("weight", 1.0)))


@cache
def shipped_weights() -> Weights:
    path = resources.files("newswatch.claims") / "data" / "scoring.json"
    return Weights.from_dict(json.loads(path.read_text(encoding="utf-8")))


def _idf(words, idf: dict[str, float], default: float, background: Background = NO_BACKGROUND) -> float:
    return sum(idf.get(w, default) * background.of(w) for w in words)


@lru_cache(maxsize=65536)
def _words(text: str, language: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """(content stems, skeletons of all its words) of one text."""
    stems = content_words(text, language)
    return stems, frozenset(s for w in tokens(text) if len(s := skeleton(w)) >= 2)


def word_overlap(a: Side, b: Side, idf: dict[str, float], default: float,
                 background: Background = NO_BACKGROUND) -> tuple[float, float]:
    """(containment, unshared): the IDF mass of the words both say over the smaller side's, and
    the share of the IDF mass of the words only one side says, a background word's IDF weighed
    by `Background.weight` (at 0 left out). Across scripts a word is met by its consonant
    skeleton; only the Latin side's words are weighed (the other's are unknown)."""
    wa, sa = _words(content(a), a.language)
    wb, sb = _words(content(b), b.language)
    wa = tuple(w for w in wa if background.of(w) > 0)
    wb = tuple(w for w in wb if background.of(w) > 0)
    if not wa or not wb:
        return 0.0, 1.0
    if (a.language == "hi") == (b.language == "hi"):
        shared = set(wa) & set(wb)
        total_a, total_b = _idf(wa, idf, default, background), _idf(wb, idf, default, background)
        both = _idf(shared, idf, default, background)
        union = total_a + total_b - both
        return both / max(min(total_a, total_b), 1e-9), 1.0 - both / max(union, 1e-9)
    latin, other = (wa, sb) if b.language == "hi" else (wb, sa)
    total = _idf(latin, idf, default, background)
    met = _idf([w for w in latin if skeleton(w) in other], idf, default, background)
    return met / max(total, 1e-9), 1.0 - met / max(total, 1e-9)


def rarest_unmatched(a: Side, b: Side, idf: dict[str, float], default: float,
                     background: Background = NO_BACKGROUND) -> float:
    """Same frame, other content ("three soldiers were wounded" / "three bridges were
    destroyed"): the IDF of the rarest word each side says and the other does not, the smaller
    of the two, over the largest IDF (within a language; across scripts the Latin side's rarest
    word whose skeleton the other side does not write). A background word's IDF counts
    `Background.weight` (a topic name one side leaves out says little)."""
    wa, sa = _words(content(a), a.language)
    wb, sb = _words(content(b), b.language)

    def rarity(w: str) -> float:
        return idf.get(w, default) * background.of(w)

    if (a.language == "hi") == (b.language == "hi"):
        only_a, only_b = set(wa) - set(wb), set(wb) - set(wa)
        if not only_a or not only_b:
            return 0.0
        shared = max((rarity(w) for w in set(wa) & set(wb)), default=0.0)
        own = min(max(rarity(w) for w in only_a), max(rarity(w) for w in only_b))
        return max(own - shared, 0.0) / default
    latin, other = (wa, sb) if b.language == "hi" else (wb, sa)
    unmet = [w for w in latin if skeleton(w) not in other]
    return max((rarity(w) for w in unmet), default=0.0) / default


def names_met(a: Side, b: Side, background: Background = NO_BACKGROUND) -> float:
    """Across scripts, the weighted share of the Latin side's names whose skeleton the other
    side writes ("Lavrov" in "लावरोव ने कहा"), a topic's own name weighing `Background.weight`
    (every claim of a Russia–North Korea topic names Kim or Putin; at 0 left out); within a
    language 0 (containment counts names already)."""
    if (a.language == "hi") == (b.language == "hi"):
        return 0.0
    latin, other = (a, b) if b.language == "hi" else (b, a)
    names = _names(content(latin), background)
    if not names:
        return 0.0
    skeletons = _words(content(other), other.language)[1]
    return sum(k for n, k in names.items() if n in skeletons) / max(sum(names.values()), 1e-9)


def content(side: Side) -> str:
    if side.speaker and side.speaker in side.sentence:
        return " ".join(side.sentence.replace(side.speaker, " ", 1).split())
    return side.sentence


def shared_number(a: Facts, b: Facts) -> bool:
    """Both state one number of one thing ("three soldiers" and "three bridges" share none); a
    year is background, and a unit only one side names (or across languages) does not differ."""
    counts = [q for q in a.numbers if q.unit != "year"]
    across = a.language != b.language
    return any(q.same_as(k) and (across or q.unit is None or k.unit is None or q.unit == k.unit)
               for q in b.numbers if q.unit != "year" for k in counts)


def same_source(a: str | None, b: str | None) -> bool | None:
    """Whether two speakers are one source: verification's word overlap within a script; across
    scripts the same when their words' consonant skeletons overlap (पुतिन / Putin), else
    unknown (a title translated, "गृह मंत्रालय" / "home ministry", shares no skeleton)."""
    verdict = same_speaker(a, b)
    if verdict is not None or not a or not b:
        return verdict
    ka = {s for w in tokens(a) if len(s := skeleton(w)) >= 2}
    kb = {s for w in tokens(b) if len(s := skeleton(w)) >= 2}
    if ka and kb and len(ka & kb) / min(len(ka), len(kb)) >= 0.5:
        return True
    return None


def match_features(cosine: float, a: Side, b: Side, speakers: bool | None, weights: Weights,
                   background: Background = NO_BACKGROUND) -> np.ndarray:
    kind = pair_kind(a.language, b.language)
    onehot = [float(kind == k) for k in PAIR_KINDS]
    contained, unshared = word_overlap(a, b, weights.idf, weights.idf_default, background)
    return np.asarray([cosine * o for o in onehot] + onehot + [
        contained, unshared, names_met(a, b, background), float(shared_number(a.facts, b.facts)),
        {True: 1.0, False: -1.0, None: 0.0}[speakers],
        rarest_unmatched(a, b, weights.idf, weights.idf_default, background)], dtype=float)


def agree_features(change: Change, close: float) -> np.ndarray:
    """The change, and each kind of change times how close the wording is (`closeness`): a
    tense or a "not" that differs between two loosely worded restatements is often another
    clause's; between two near-identical sentences it is the edit."""
    negation = bool(change.polarity) and not change.denial
    kinds = [float(bool(change.numbers)), float(change.denial), float(negation), float(bool(change.modality))]
    return np.asarray(kinds + [float(bool(change.predicates))] + [k * close for k in kinds], dtype=float)


def closeness(a: Side, b: Side, features: np.ndarray) -> float:
    """How near the wording is, for weighing a change: the IDF containment within a language;
    across scripts (where containment meets only names and loanwords) the larger of it and the
    share of names met."""
    contained = float(features[MATCH_FEATURES.index("containment")])
    if pair_kind(a.language, b.language) != "hi-en":
        return contained
    return max(contained, float(features[MATCH_FEATURES.index("names")]))


def score(cosine: float, known: Side, new: Side, speakers: bool | None = None,
          weights: Weights | None = None, background: Background = NO_BACKGROUND) -> Score:
    """P(match), P(agree) and the change of a new claim against a known one, from the cosine of
    their content embeddings (`speakers`: same_source of their speakers, when already known;
    `background`: the topic's own names, `background_of`)."""
    weights = weights or shipped_weights()
    if speakers is None:
        speakers = same_source(known.speaker, new.speaker)
    change = compare(known.facts, new.facts, known.sentence, new.sentence)
    features = match_features(cosine, known, new, speakers, weights, background)
    match = weights.match.probability(features)
    close = closeness(known, new, features)
    agree = weights.agree.probability(agree_features(change, close))
    return Score(match, agree, change, close, pair_kind(known.language, new.language) == "hi-en")


def idf_table(texts: list[tuple[str, str]]) -> tuple[dict[str, float], float]:
    """{stem: idf} over (text, language) documents, and the idf of a word none of them has."""
    df: dict[str, int] = {}
    for text, language in texts:
        for w in set(content_words(normalize_text(text), language)):
            df[w] = df.get(w, 0) + 1
    n = len(texts)
    default = math.log((n + 1) / 1) + 1
    return {w: round(math.log((n + 1) / (d + 1)) + 1, 3) for w, d in sorted(df.items()) if d > 1}, round(default, 3)
