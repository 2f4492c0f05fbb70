"""How alike two claims are: character shingles within a language, concept fingerprints always,
numbers held apart when they disagree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from newswatch.claims.records import Claim, shingles
from newswatch.config import ClaimSettings

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


def precision_recall(predicted: Iterable[str], gold: Iterable[str]) -> tuple[float, float]:
    """Precision and recall of predicted against gold items (e.g. normalised claim hashes)."""
    p, g = set(predicted), set(gold)
    tp = len(p & g)
    return (tp / len(p) if p else 1.0, tp / len(g) if g else 1.0)
