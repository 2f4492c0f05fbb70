"""Which new articles are new developments, and what each of their claims is to what is known.

Known is the topic's seeds and every earlier article. Each new claim is embedded once (its
content, `representation`), compared with the known statements most like it (`matching`): the
same words anywhere (normalised hash), the stored claims nearest in meaning anywhere in history
(any language), and every statement, and every two adjacent sentences, of the story's earlier
articles. Those whose cosine reaches `claims.candidate_floor` go to `judging`, which scores
each (`scoring`: P(match), P(same), verification's change) and gives the claim one category:

- restates (not alerted): a known claim says the same and its speaker is the same or unknown;
- confirms: every known claim that says the same was said by another named source;
- update / contradicts: none says the same; the nearest match changed a fact / denies or reverses.

An article is a new development when it opens a story, or has at least one claim that is new,
update, contradicts or confirms ("confirms" alerts: a second source for a claim is news to a
reader who weighs sources). Everything is decided in the load transaction and stored with each
claim (category, the known claim matched, what changed, similarity) and article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import psycopg

from newswatch import store
from newswatch.claims import matching
from newswatch.claims.explain import explain
from newswatch.claims.extractor import ClaimExtractor
from newswatch.claims.judging import judge
from newswatch.claims.matching import Known
from newswatch.claims.records import Claim
from newswatch.claims.representation import Embedder, content_text, embedder_for, from_bytes, to_bytes
from newswatch.claims.scoring import background_of
from newswatch.claims.timing import Timing
from newswatch.claims.vectors import Vectors
from newswatch.claims.verification import ALERTED, NEW, RESTATES, Change, Verdict
from newswatch.config import Topic
from newswatch.store import claims as store_claims

STORY_ARTICLES = 40  # earlier articles of the story compared with (the seeds, then the newest)


@dataclass
class Assessment:
    """What one `assess_articles` call decided (the run's counts come from the database)."""

    new_developments: list[int] = field(default_factory=list)
    not_new: list[int] = field(default_factory=list)
    new_stories: int = 0
    claims_total: int = 0
    claims_new: int = 0
    categories: dict[str, int] = field(default_factory=dict)
    embedded: int = 0  # texts the model embedded in this call
    cached: int = 0  # texts read from the embedding cache (embedded on an earlier call)
    reused: int = 0  # texts asked for again within this call
    model_s: float = 0.0  # of timing.embed, the seconds in the model
    model_cpu_s: float = 0.0  # the CPU seconds of this process in the model
    timing: Timing = field(default_factory=Timing)  # seconds per part


_extractors: dict[int, tuple[Topic, ClaimExtractor]] = {}


def extractor_for(topic: Topic) -> ClaimExtractor:
    """One extractor per topic per process (it compiles the topic's cue and actor patterns)."""
    cached = _extractors.get(id(topic))
    if cached is None or cached[0] is not topic:
        cached = _extractors[id(topic)] = (topic, ClaimExtractor(topic))
    return cached[1]


def assess_articles(conn: psycopg.Connection, topic: Topic, article_ids: list[int]) -> Assessment:
    """Decide for the articles this load stored, in id order: an article's claims are known
    before the next article of the batch is judged. An article already assessed is left alone.
    Known is what the article's own topic stored (another topic's claims are news to its readers)."""
    embedder = embedder_for(topic.claims.embedder, threads=topic.claims.embed_threads)
    vectors = Vectors(embedder, conn)
    result = Assessment()
    assessed = store_claims.articles_with_claims(conn, article_ids)
    articles = [a for a in store.article_texts(conn, article_ids) if a["id"] not in assessed]
    for name in dict.fromkeys(a["topic"] for a in articles):
        _assess_topic(conn, topic, name, [a for a in articles if a["topic"] == name], vectors, result)
    result.embedded, result.cached, result.reused = vectors.embedded, vectors.cached, vectors.reused
    result.timing.embed, result.model_s = vectors.seconds, vectors.model_seconds
    result.model_cpu_s = vectors.model_cpu_seconds
    return result


def _assess_topic(conn: psycopg.Connection, topic: Topic, name: str, articles: list[dict[str, Any]],
                  vectors: Vectors, result: Assessment) -> None:
    settings = topic.claims
    extractor = extractor_for(topic)
    embedder = vectors.embedder
    timing = result.timing
    clock = lambda: vectors.seconds  # noqa: E731 - embedding inside a part is counted as embed
    with timing.part("embed"):
        ensure_embeddings(conn, name, vectors)
    with timing.part("extract"):
        claims = {a["id"]: extractor.extract(a["text"], a["language"]) for a in articles}
    flat = [(a, c) for a in articles for c in claims[a["id"]]]
    matrix = vectors.get([content_text(c.sentence, c.speaker) for _, c in flat])
    langs = [c.language for _, c in flat]
    offset = matching.Offsets()  # raw cosines: the scorer weighs the language pair
    floor = settings.candidate_floor
    background = background_of(topic)
    batch_ids = {a["id"] for a in articles}
    with timing.part("retrieve", clock):
        index = matching.ensure_index(conn, name, embedder)
        retrieved = matching.retrieve(conn, name, embedder, index, matrix, langs, offset, floor, batch_ids)
        exact = _exact_known(conn, name, [c.normalized_hash for _, c in flat], embedder, batch_ids)
        story_units = _story_units(conn, extractor, vectors, articles)
    earlier = _Pool(embedder.dim)  # claims of this call's earlier articles
    position = 0
    for article in articles:
        mine = claims[article["id"]]
        vectors_of = matrix[position:position + len(mine)]
        with timing.part("retrieve", clock):
            mine_langs = [c.language for c in mine]
            from_earlier = earlier.nearest(vectors_of, mine_langs, offset, floor)
            units = story_units.get(article["id"], [])
            from_story = _nearest(vectors_of, mine_langs, np.vstack([u.vector for u in units]) if units else None,
                                  [u.language for u in units], units, offset, floor)
        rows = []
        with timing.part("judge", clock):
            for k, claim in enumerate(mine):
                candidates = list(retrieved[position + k])
                if claim.normalized_hash in exact:
                    candidates.insert(0, (1.0, exact[claim.normalized_hash]))
                candidates += from_earlier[k] + from_story[k]
                candidates.sort(key=lambda c: -c[0])
                verdict = judge(claim, candidates[: matching.TOP_K * 3], settings, background=background)
                rows.append(_claim_row(topic, article, claim, len(rows), verdict, vectors_of[k], embedder))
        with timing.part("store", clock):
            ids = _store(conn, name, index, rows, list(vectors_of))
            head = (store.known_in_story(conn, article["story_id"], article["id"], article["run_id"])
                    if article["story_id"] is not None else None)
            new_story = head is None
            alerted = [r for r in rows if r["is_new"]]
            is_new = new_story or bool(alerted)
            store.set_novelty(conn, article["id"], is_new, explain(new_story, head, rows, article.get("extends")))
        seen = article.get("published_at") or article.get("fetched_at")
        earlier.add([Known(c.sentence, c.speaker, c.language, vectors_of[k], article["id"], claim_id=ids.get(k),
                           title=article["title"], url=article["canonical_url"], seen=seen, source=article.get("source"))
                     for k, c in enumerate(mine)])
        position += len(mine)
        result.claims_total += len(rows)
        result.claims_new += len(alerted)
        result.new_stories += new_story
        for r in rows:
            result.categories[r["category"]] = result.categories.get(r["category"], 0) + 1
        (result.new_developments if is_new else result.not_new).append(article["id"])


def _nearest(queries: np.ndarray, langs: list[str], matrix: np.ndarray | None, unit_langs: list[str],
             units: list[Known], offset: matching.Offsets, floor: float) -> list[list[tuple[float, Known]]]:
    """For each query row the units most like it (≥ floor, best first, at most TOP_K): one
    matrix product for all the rows."""
    if matrix is None or not len(units) or not len(queries):
        return [[] for _ in range(len(queries))]
    scores = np.minimum(queries @ matrix.T + offset.matrix(np.asarray(langs), np.asarray(unit_langs)), 1.0)
    out = []
    for row in scores:
        order = np.argsort(-row)[: matching.TOP_K]
        out.append([(float(row[i]), units[i]) for i in order if row[i] >= floor])
    return out


class _Pool:
    """The claims of this call's earlier articles, their vectors in one growing matrix (a new
    article is compared with all of them in one product, not by stacking them anew per claim)."""

    def __init__(self, dim: int) -> None:
        self._matrix = np.zeros((256, dim), dtype=np.float32)
        self.units: list[Known] = []
        self.langs: list[str] = []

    def add(self, units: list[Known]) -> None:
        n = len(self.units)
        while n + len(units) > len(self._matrix):
            self._matrix = np.vstack([self._matrix, np.zeros_like(self._matrix)])
        for k, u in enumerate(units):
            self._matrix[n + k] = u.vector
        self.units += units
        self.langs += [u.language for u in units]

    def nearest(self, queries: np.ndarray, langs: list[str], offset: matching.Offsets,
                floor: float) -> list[list[tuple[float, Known]]]:
        n = len(self.units)
        return _nearest(queries, langs, self._matrix[:n] if n else None, self.langs, self.units, offset, floor)


def _exact_known(conn: psycopg.Connection, name: str, hashes: list[str], embedder: Embedder,
                 exclude: set[int]) -> dict[str, Known]:
    """Stored claims of the topic with the same words, the earliest of each."""
    found: dict[str, Known] = {}
    for row in store_claims.claims_by_hash(conn, name, hashes, embedder.name):
        if row["article_id"] not in exclude and row["normalized_hash"] not in found:
            found[row["normalized_hash"]] = Known(
                row["sentence"], row["speaker"], row["language"] or "", from_bytes([row["embedding"]], embedder.dim)[0],
                row["article_id"], claim_id=row["id"], title=row["title"], url=row["canonical_url"], seen=row["seen"],
                source=row["source"])
    return found


def _story_units(conn: psycopg.Connection, extractor: ClaimExtractor, vectors: Vectors,
                 articles: list[dict[str, Any]]) -> dict[int, list[Known]]:
    """article id → the statements (and adjacent pairs) of its story's earlier articles stored
    before this call (the articles of this call are compared by their claims). The statements of
    an article are embedded the first time a later article of its story needs them, all such
    articles of the call in one batch, and stored (its claims' texts come from the cache)."""
    batch = {a["id"] for a in articles}  # their claims are compared as claims of this call
    earlier = {a["id"]: [e for e in store_claims.story_articles(conn, a["story_id"], a["id"], STORY_ARTICLES)
                         if e["id"] not in batch]
               for a in articles if a["story_id"] is not None}
    todo = {e["id"]: e for rows in earlier.values() for e in rows if not e["has_statements"]}
    texts, owners = [], []
    for known in todo.values():
        for position, st in enumerate(extractor.statements(known["text"], known["language"])):
            owners.append({"article_id": known["id"], "position": position, "paragraph": st.paragraph,
                           "sentence": st.sentence, "speaker": st.speaker, "cue": st.cue, "language": st.language})
            texts.append(content_text(st.sentence, st.speaker))
    if texts:
        embedded = vectors.get(texts)
        for owner, vector in zip(owners, embedded):
            owner.update(embedding=to_bytes(vector), embedder=vectors.embedder.name)
        store_claims.insert_statements(conn, owners)
    ids = sorted({e["id"] for rows in earlier.values() for e in rows})
    meta = {e["id"]: e for rows in earlier.values() for e in rows}
    rows = store_claims.statements_of(conn, ids, vectors.embedder.name)
    stored = from_bytes([r["embedding"] for r in rows], vectors.embedder.dim)
    by_article: dict[int, list[Known]] = {}
    previous: dict[str, Any] | None = None
    for r, vector in zip(rows, stored):
        m = meta[r["article_id"]]

        def unit(sentence: str, speaker: str | None, v: np.ndarray, parts: tuple[str, str] | None = None) -> Known:
            return Known(sentence, speaker, r["language"] or "", v, r["article_id"], title=m["title"],
                         url=m["canonical_url"], seen=m["seen"], source=m["source"], parts=parts)

        units = by_article.setdefault(r["article_id"], [])
        units.append(unit(r["sentence"], r["speaker"], vector))
        if (previous is not None and previous["article_id"] == r["article_id"]
                and previous["paragraph"] == r["paragraph"] and previous["position"] + 1 == r["position"]):
            # two adjacent sentences: a restatement often folds them into one
            pair = previous["vector"] + vector
            units.append(unit(f"{previous['sentence']} {r['sentence']}", previous["speaker"] or r["speaker"],
                              pair / max(float(np.linalg.norm(pair)), 1e-9), (previous["sentence"], r["sentence"])))
        previous = {**r, "vector": vector}
    return {a: [u for e in rows_ for u in by_article.get(e["id"], [])] for a, rows_ in earlier.items()}


def _claim_row(topic: Topic, article: dict[str, Any], claim: Claim, position: int, verdict: Verdict | None,
               vector: np.ndarray, embedder: Embedder) -> dict[str, Any]:
    known: Known | None = verdict.matched if verdict is not None else None  # type: ignore[assignment]
    change: Change = verdict.change if verdict is not None else Change()
    changed = None
    if verdict is not None and verdict.category not in (NEW, RESTATES):
        changed = {**change.as_dict(), "text": change.describe()}
        if verdict.category == "confirms" and known is not None:
            changed["speaker"] = known.speaker
    return {
        "topic": article["topic"], "article_id": article["id"], "sentence": claim.sentence, "speaker": claim.speaker,
        "normalized_hash": claim.normalized_hash, "language": claim.language, "cue": claim.cue,
        "position": position, "story_id": article["story_id"], "is_seed": article["is_seed"],
        "concepts": sorted(claim.concepts),
        "category": "seed" if verdict is None else verdict.category,
        "is_new": verdict is not None and verdict.category in ALERTED,
        "matched_claim_id": known.claim_id if known is not None and verdict.category != NEW else None,
        "changed": changed,
        "nearest_article_id": known.article_id if known is not None else None,
        "nearest_sentence": known.sentence if known is not None else None,
        "similarity": round(verdict.similarity, 3) if verdict is not None and known is not None else None,
        "nearest_title": known.title if known is not None else None,
        "nearest_url": known.url if known is not None else None,
        "embedding": to_bytes(vector), "embedder": embedder.name,
    }


def _store(conn: psycopg.Connection, name: str, index: matching.CellIndex | None, rows: list[dict[str, Any]],
           vectors: list[np.ndarray]) -> dict[int, int]:
    """Insert the claims; file the ones inserted now under their cells (a retry adds nothing).
    Returns {index in rows: claim id} of those inserted."""
    inserted = store_claims.insert_claims(conn, rows)
    if inserted and index is not None:
        matching.file_claims(conn, name, index, [i for _, i in inserted], np.vstack([vectors[k] for k, _ in inserted]))
    return dict(inserted)


def assess_seeds(conn: psycopg.Connection, topic: Topic) -> int:
    """Store the claims of seeds not yet assessed, with their representations: known from the
    start, never new."""
    extractor = extractor_for(topic)
    embedder = embedder_for(topic.claims.embedder, threads=topic.claims.embed_threads)
    ids = store.unassessed_seeds(conn, topic.name)
    seeds = store.article_texts(conn, ids)
    claims = {s["id"]: extractor.extract(s["text"], s["language"]) for s in seeds}
    flat = [c for s in seeds for c in claims[s["id"]]]
    matrix = Vectors(embedder, conn).get([content_text(c.sentence, c.speaker) for c in flat])
    index = matching.ensure_index(conn, topic.name, embedder)
    k = 0
    for seed in seeds:
        mine = claims[seed["id"]]
        rows = [_claim_row(topic, seed, c, p, None, matrix[k + p], embedder) for p, c in enumerate(mine)]
        _store(conn, topic.name, index, rows, [matrix[k + p] for p in range(len(mine))])
        k += len(mine)
        store.set_novelty(conn, seed["id"], False, {"seed": True, "why": "seed corpus: known from the start",
                                                    "new_claims": 0, "known_claims": len(rows)})
    return len(ids)


def ensure_embeddings(conn: psycopg.Connection, name: str, vectors: Vectors, chunk: int = 2000) -> int:
    """Embed the topic's stored claims that have no representation from this embedder (claims
    stored before migration 0008, or after a change of embedder), through the cache. One query
    when there is nothing to do."""
    embedder, done = vectors.embedder, 0
    while True:
        rows = store_claims.unembedded_claims(conn, name, embedder.name, chunk)
        if not rows:
            break
        made = vectors.get([content_text(s, sp) for _, s, sp in rows])
        store_claims.set_embeddings(conn, embedder.name, [r[0] for r in rows], [to_bytes(v) for v in made])
        done += len(rows)
    if done:
        store_claims.drop_index(conn, name)  # rebuilt over the new representations
    return done
