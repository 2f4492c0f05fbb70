"""Concept fingerprints: the topic's gazetteer and bilingual concept lexicon, lightly stemmed, plus
numbers and months, mapped to concept ids."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import regex

from newswatch.config import Topic
from newswatch.text.dates import MONTHS
from newswatch.text.normalize import normalize_text, tokens


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
# text.dates' month table, less "may" (in running English text mostly the verb) and the spelling
# अप्रेल, which the fingerprints never counted (kept out: issue 13 changes no behaviour).
_MONTHS = _folded_keys({word: month for word, month in MONTHS.items() if word not in ("may", "अप्रेल")})
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
