"""The word lists verification reads facts by, one data file per language
(`claims/data/facts_<lang>.yaml`): number words and scales, negation and denial words, modality
markers, antonymous predicates. Keys are folded the way `textnorm.tokens` folds words (NFC,
nukta folded, case-folded), so a list may write करोड़ or करोड, हज़ार or हजार."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from newswatch.text.normalize import normalize_text

DATA = Path(__file__).with_name("data")


def _fold(word: str) -> str:
    return normalize_text(str(word))


def _phrases(words: list[str]) -> frozenset[tuple[str, ...]]:
    """Each entry as a tuple of folded words (a phrase: "ruled out", "कभी नहीं")."""
    for w in words:
        if not isinstance(w, str):  # YAML reads a bare no/yes/on/off as a boolean: quote it
            raise ValueError(f"word list entry {w!r} is not a string (quote it in the data file)")
    return frozenset(tuple(_fold(w).split()) for w in words if w.strip())


@dataclass(frozen=True)
class Lexicon:
    language: str
    units: dict[str, float] = field(default_factory=dict)  # number words: तीन 3, thirteen 13, ढाई 2.5
    scales: dict[str, float] = field(default_factory=dict)  # hundred, हजार, लाख, करोड़, million
    modifiers: dict[str, float] = field(default_factory=dict)  # साढ़े +0.5 (to the next number word)
    joiners: frozenset[str] = frozenset()  # "and" in "two hundred and fifty"
    percent: frozenset[tuple[str, ...]] = frozenset()
    approximate: frozenset[tuple[str, ...]] = frozenset()
    weak: frozenset[str] = frozenset()  # "one"/"एक" alone: an article, not a quantity
    months: frozenset[str] = frozenset()  # a number next to a month is a date
    negation: frozenset[tuple[str, ...]] = frozenset()
    denial: frozenset[tuple[str, ...]] = frozenset()
    modality: frozenset[tuple[str, ...]] = frozenset()
    antonyms: dict[str, dict[str, frozenset[tuple[str, ...]]]] = field(default_factory=dict)  # pair → side → words
    roles: frozenset[str] = frozenset()  # words of a speaker phrase that name a role, not a person

    @property
    def max_phrase(self) -> int:
        lists = [self.percent, self.approximate, self.negation, self.denial, self.modality,
                 *(side for pair in self.antonyms.values() for side in pair.values())]
        return max((len(p) for words in lists for p in words), default=1)


@lru_cache(maxsize=8)
def lexicon(language: str) -> Lexicon:
    """The lexicon of a language; a language with no data file gets the English one (most
    foreign-language copy on an English site quotes English)."""
    path = DATA / f"facts_{language}.yaml"
    if not path.exists():
        path = DATA / "facts_en.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    numbers = raw.get("numbers", {})
    return Lexicon(
        language=language,
        units={_fold(k): float(v) for k, v in numbers.get("units", {}).items()},
        scales={_fold(k): float(v) for k, v in numbers.get("scales", {}).items()},
        modifiers={_fold(k): float(v) for k, v in numbers.get("modifiers", {}).items()},
        joiners=frozenset(_fold(w) for w in numbers.get("joiners", [])),
        percent=_phrases(numbers.get("percent", [])),
        approximate=_phrases(numbers.get("approximate", [])),
        weak=frozenset(_fold(w) for w in numbers.get("weak", [])),
        months=frozenset(_fold(w) for w in numbers.get("months", [])),
        negation=_phrases(raw.get("negation", [])),
        denial=_phrases(raw.get("denial", [])),
        modality=_phrases(raw.get("modality", [])),
        antonyms={pair: {side: _phrases(words) for side, words in sides.items()}
                  for pair, sides in (raw.get("antonyms") or {}).items()},
        roles=frozenset(_fold(w) for w in raw.get("speaker_roles", [])),
    )
