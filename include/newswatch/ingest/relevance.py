"""Topic relevance: weighted keyword groups, Hindi and English aliases, on normalised tokens.

score = matched group weight / total group weight; an entry that misses a required group, or
names an excluded term, scores 0. Matching is on token sequences of NFC, nukta-folded,
case-folded text, so "क़िम जोंग-उन" matches the alias "किम जोंग उन".
"""

from __future__ import annotations

from dataclasses import dataclass

from newswatch.config import Topic
from newswatch.text.normalize import contains_phrase, tokens


@dataclass(frozen=True)
class Relevance:
    score: float
    matched_terms: list[str]
    relevant: bool


class RelevanceScorer:
    def __init__(self, topic: Topic) -> None:
        self.threshold = topic.relevance_threshold
        self._groups = [
            (group.required, group.weight, [(term, tokens(term)) for term in group.terms.all()])
            for group in topic.keyword_groups
        ]
        self._total = sum(group.weight for group in topic.keyword_groups)
        self._excluded = [(term, tokens(term)) for term in topic.exclude_terms.all()]

    def score(self, text: str) -> Relevance:
        words = tokens(text)
        present = set(words)

        def contains(phrase: list[str]) -> bool:  # the set test skips most scans outright
            return bool(phrase) and phrase[0] in present and contains_phrase(words, phrase)

        excluded = [term for term, phrase in self._excluded if contains(phrase)]
        if excluded:
            return Relevance(0.0, [f"-{term}" for term in excluded], False)
        matched: list[str] = []
        weight = 0.0
        missing_required = False
        for required, group_weight, terms in self._groups:
            hits = [term for term, phrase in terms if contains(phrase)]
            if hits:
                matched.extend(hits)
                weight += group_weight
            elif required:
                missing_required = True
        score = 0.0 if missing_required else round(weight / self._total, 4)
        return Relevance(score, matched, score >= self.threshold and score > 0)
