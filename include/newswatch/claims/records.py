"""The `Claim` record and its features (normalised form, hash, concept fingerprint, shingles), and
the keys to look up known claims by."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from newswatch.claims.concepts import ConceptIndex, stem
from newswatch.config import ClaimSettings
from newswatch.text.normalize import tokens

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
    start: int = -1  # its offsets in the text it was extracted from: text[start:end] (-1: rebuilt from a row)
    end: int = -1

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
