"""Which new articles are new developments, and why.

An article is a new development when it opens a new story (no seed and no article of an
earlier run is in its story) or carries at least one new claim: a claim with no near-duplicate
among what is already known. Known is the seeds and every earlier article, reached three ways,
each bounded whatever the corpus size:

- the same words: claims with the same normalised hash (indexed);
- the same claim in the same language, anywhere in history: MinHash-LSH over each claim's
  character 4-grams (`claim_bands`, like `article_bands` for articles);
- the same claim in other words or another language: every statement (and every two adjacent
  sentences) of the earlier articles of the same story, compared by `newswatch.claims`
  (character n-grams within a language, concept fingerprints across Hindi and English).

The decision and its explanation (the nearest known statement, its article and similarity) are
stored with each claim and article in the load transaction; the digest reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg

from newswatch import minhash, store
from newswatch.claims import Claim, ClaimExtractor, claim_is_new
from newswatch.config import Topic

# Claim LSH: 32 bands of 4 rows. Claims sharing half their character 4-grams (Jaccard 0.5)
# meet with P = 0.87, at 0.6 with 0.98; unrelated claims of the topic (0.1) with P = 0.003, so
# the candidates per claim stay few as history grows. Lower similarities are the same-story
# comparison's job.
CLAIM_BANDS, CLAIM_ROWS, CLAIM_SHINGLE = 32, 4, 4
STORY_ARTICLES = 40  # earlier articles of the story compared with (the seeds, then the newest)


@dataclass
class Assessment:
    """What one `assess_articles` call decided (the run's counts come from the database)."""

    new_developments: list[int] = field(default_factory=list)
    not_new: list[int] = field(default_factory=list)
    new_stories: int = 0
    claims_total: int = 0
    claims_new: int = 0


@dataclass
class Nearest:
    """The known statement most like a claim."""

    similarity: float = 0.0
    sentence: str | None = None
    article_id: int | None = None
    title: str | None = None
    url: str | None = None

    def offer(self, similarity: float, sentence: str, known: dict[str, Any]) -> None:
        """`known`: the article (id, title, canonical_url) the sentence comes from."""
        if similarity > self.similarity:
            self.similarity, self.sentence = similarity, sentence
            self.article_id, self.title, self.url = known["id"], known["title"], known["canonical_url"]


_extractors: dict[int, tuple[Topic, ClaimExtractor]] = {}


def extractor_for(topic: Topic) -> ClaimExtractor:
    """One extractor per topic per process (it compiles the topic's cue and actor patterns)."""
    cached = _extractors.get(id(topic))
    if cached is None or cached[0] is not topic:
        cached = _extractors[id(topic)] = (topic, ClaimExtractor(topic))
    return cached[1]


def assess_articles(conn: psycopg.Connection, topic: Topic, article_ids: list[int]) -> Assessment:
    """Decide for the articles this load stored, in id order: an article's claims are known
    before the next article of the batch is judged."""
    extractor = extractor_for(topic)
    result = Assessment()
    units: dict[int, list[Claim]] = {}  # article id → its known units, computed once per call
    for article in store.article_texts(conn, article_ids):
        claims = extractor.extract(article["text"], article["language"])
        story, head = [], None  # an article without a story has nothing earlier and opens one
        if article["story_id"] is not None:
            story = store.earlier_in_story(conn, article["story_id"], article["id"], STORY_ARTICLES)
            head = store.known_in_story(conn, article["story_id"], article["id"], article["run_id"])
        new_story = head is None  # two articles of one new story in a run both open it: it is new to the reader
        nearest = _nearest_known(conn, extractor, article, claims, story, units)
        rows = [_claim_row(topic, article, claim, position, near, extractor)
                for position, (claim, near) in enumerate(zip(claims, nearest))]
        _store_claims(conn, rows, claims)
        new_claims = sum(row["is_new"] for row in rows)
        is_new = new_story or new_claims > 0
        store.set_novelty(conn, article["id"], is_new, _explain(new_story, head, rows))
        result.claims_total += len(rows)
        result.claims_new += new_claims
        result.new_stories += new_story
        (result.new_developments if is_new else result.not_new).append(article["id"])
    return result


def assess_seeds(conn: psycopg.Connection, topic: Topic) -> int:
    """Store the claims of seeds not yet assessed: known from the start, never new."""
    extractor = extractor_for(topic)
    ids = store.unassessed_seeds(conn, topic.name)
    for seed in store.article_texts(conn, ids):
        claims = extractor.extract(seed["text"], seed["language"])
        rows = [_claim_row(topic, seed, claim, position, None, extractor) for position, claim in enumerate(claims)]
        _store_claims(conn, rows, claims)
        store.set_novelty(conn, seed["id"], False, {"seed": True, "why": "seed corpus: known from the start",
                                                    "new_claims": 0, "known_claims": len(rows)})
    return len(ids)


def _nearest_known(conn: psycopg.Connection, extractor: ClaimExtractor, article: dict[str, Any],
                   claims: list[Claim], story: list[dict[str, Any]], units: dict[int, list[Claim]]) -> list[Nearest]:
    nearest = [Nearest() for _ in claims]
    if not claims:
        return nearest
    topic = article["topic"]  # only this topic's claims are known to its readers
    # 1. the same words, in any earlier article
    by_hash = {}
    for row in store.known_claims(conn, topic, hashes=[c.normalized_hash for c in claims]):
        if row["id"] != article["id"]:
            by_hash.setdefault(row["normalized_hash"], row)
    # 2. near-duplicates in the same language, anywhere in history (LSH candidates, verified)
    candidates: dict[int, set[int]] = {}
    signatures = _signatures(claims)
    hashes = minhash.band_hashes(signatures.values, CLAIM_BANDS, CLAIM_ROWS)
    query = [(i, band, int(h)) for i in range(len(claims)) for band, h in enumerate(hashes[i])]
    for i, claim_id in store.band_candidates(conn, [q[0] for q in query], [q[1] for q in query],
                                             [q[2] for q in query], table="claim_bands", topic=topic):
        candidates.setdefault(claim_id, set()).add(i)
    lsh_rows = store.known_claims(conn, topic, ids=list(candidates))
    # 3. every statement of the story's earlier articles, in any language
    for earlier in story:
        if earlier["id"] not in units:
            units[earlier["id"]] = extractor.known_units(earlier["text"], earlier["language"])
    for i, claim in enumerate(claims):
        best = nearest[i]
        exact = by_hash.get(claim.normalized_hash)
        if exact:
            best.offer(1.0, exact["sentence"], exact)
            continue
        for row in lsh_rows:
            if i in candidates[row["claim_id"]] and row["id"] != article["id"]:
                known = extractor.claim(row["sentence"], row["language"], speaker=row["speaker"], cue=row["cue"])
                best.offer(extractor.similarity(claim, known), row["sentence"], row)
        for earlier in story:
            unit, score = extractor.nearest_known(claim, units[earlier["id"]])
            if unit is not None:
                best.offer(score, unit.sentence, earlier)
    return nearest


def _signatures(claims: list[Claim]) -> minhash.Signatures:
    """MinHash of each claim's character 4-grams (of its normalised text)."""
    return minhash.signatures_from_shingles(
        [minhash.shingle_hashes(list(f" {c.normalized} "), CLAIM_SHINGLE) for c in claims])


def _claim_row(topic: Topic, article: dict[str, Any], claim: Claim, position: int, near: Nearest | None,
               extractor: ClaimExtractor) -> dict[str, Any]:
    known = near is None  # a seed's claims are known from the start
    return {
        "topic": topic.name, "article_id": article["id"], "sentence": claim.sentence, "speaker": claim.speaker,
        "normalized_hash": claim.normalized_hash, "language": claim.language, "cue": claim.cue,
        "position": position, "story_id": article["story_id"], "is_seed": article["is_seed"],
        "concepts": sorted(claim.concepts),
        "is_new": False if known else claim_is_new(near.similarity, extractor.settings),
        "nearest_article_id": None if known else near.article_id,
        "nearest_sentence": None if known else near.sentence,
        "similarity": None if known else round(near.similarity, 3),
        "nearest_title": None if known else near.title,
        "nearest_url": None if known else near.url,
    }


def _store_claims(conn: psycopg.Connection, rows: list[dict[str, Any]], claims: list[Claim]) -> None:
    """Insert the claims and index the ones inserted now in claim_bands (a retry adds nothing)."""
    ids = store.insert_claims(conn, rows)
    if len(ids) != len(rows):  # a retry, or a repeated sentence: index only what was inserted
        inserted = {r["normalized_hash"] for r in store.known_claims(conn, rows[0]["topic"], ids=ids)}
        claims = [c for c in claims if c.normalized_hash in inserted]
    if ids:
        store.copy_bands(conn, ids, minhash.band_hashes(_signatures(claims).values, CLAIM_BANDS, CLAIM_ROWS),
                         table="claim_bands")


def _explain(new_story: bool, head: dict | None, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The article's novelty as stored: counts, a sentence for the reader, the nearest known article."""
    new_claims = [r for r in rows if r["is_new"]]
    if new_story:
        why = "opens a new story"
        if new_claims:
            why += f" with {len(new_claims)} new claim{'s' if len(new_claims) != 1 else ''}"
    elif new_claims:
        why = f"{len(new_claims)} new claim{'s' if len(new_claims) != 1 else ''} in a known story"
    elif rows:
        why = f"known story; all {len(rows)} of its claims are already known"
    else:
        why = "known story; no claim in it"
    return {"new_story": new_story, "why": why, "new_claims": len(new_claims),
            "known_claims": len(rows) - len(new_claims), "nearest": _nearest_article(head, rows)}


def _nearest_article(head: dict | None, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The known article this one is measured against: the one most of its claims came closest
    to (the mean similarity of those), else the known article of its story."""
    matched: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row["nearest_article_id"] is not None:
            matched.setdefault(row["nearest_article_id"], []).append(row)
    if matched:
        article_id, closest = max(matched.items(), key=lambda kv: (len(kv[1]), max(r["similarity"] for r in kv[1])))
        return {"id": article_id, "title": closest[0]["nearest_title"], "url": closest[0]["nearest_url"],
                "similarity": round(sum(r["similarity"] for r in closest) / len(closest), 3),
                "why": f"closest to {len(closest)} of its {len(rows)} claims"}
    if head is not None:
        return {"id": head["id"], "title": head["title"], "url": head["canonical_url"], "why": "in its story"}
    return None
