"""Matching: the known statements most like each new claim, from representations stored once.

Similarity here is the cosine of the two content embeddings (capped at 1); candidates at or
above `claims.candidate_floor` go to `judging`, whose scorer (`scoring`) weighs the language
pair, the words and the facts. `Offsets` can still add a constant per language pair to the
cosine; the pipeline passes none.

Candidates stay bounded as history grows, with the same answers on any PostgreSQL (no
extension needed): below `CELLS_FROM` claims a topic's stored claims are all compared (one
query, one matrix product); from then on a coarse-cell index (k-means centroids of the centred
representations, in `claim_index`) files every claim under its `FILE_UNDER` nearest cells
(`claim_cells`), and a new claim is compared with the claims of its `PROBE` nearest cells only.
The index is rebuilt when the topic's claims have grown `REBUILD_GROWTH` times since it was
built (or the embedder changed), with more cells (about √n).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import numpy as np
import psycopg

from newswatch.claims.representation import Embedder, from_bytes
from newswatch.claims.verification import Facts, combined, facts
from newswatch.store import claims as store_claims

CELLS_FROM = 5000  # claims of a topic before cells are used
PROBE, FILE_UNDER = 8, 2  # cells a query looks in; cells a claim is filed under
REBUILD_GROWTH = 4
TOP_K = 8  # candidates kept per claim (verification looks at those above the threshold)
KMEANS_SAMPLE, KMEANS_ROUNDS = 20_000, 12


@dataclass
class Known:
    """A known statement a new claim is compared with: a stored claim or a statement of a
    known article (claim_id None), with its article."""

    sentence: str
    speaker: str | None
    language: str
    vector: np.ndarray = field(repr=False)
    article_id: int
    claim_id: int | None = None
    title: str | None = None
    url: str | None = None
    seen: datetime | None = None  # when its article was published (or fetched)
    source: str | None = None
    parts: tuple[str, str] | None = None  # two adjacent sentences read as one unit

    @cached_property
    def facts(self) -> Facts:
        if self.parts:
            return combined(facts(self.parts[0], self.language), facts(self.parts[1], self.language))
        return facts(self.sentence, self.language)


@dataclass(frozen=True)
class Offsets:
    """What is added to a cosine for the languages of the pair (ClaimSettings)."""

    cross: float = 0.0
    same: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of(cls, settings) -> "Offsets":
        """None: the scorer weighs the language pair (ClaimSettings has no offsets any more)."""
        return cls()

    def matrix(self, query_langs: np.ndarray, langs: np.ndarray) -> np.ndarray:
        """(len(query_langs), len(langs)) offsets."""
        q, k = np.asarray(query_langs)[:, None], np.asarray(langs)[None, :]
        out = np.where(q != k, self.cross, 0.0)
        for lang, value in self.same:
            out = out + np.where((q == lang) & (k == lang), value, 0.0)
        return out


def similarities(query: np.ndarray, query_lang: str, vectors: np.ndarray, langs: list[str], offsets: Offsets) -> np.ndarray:
    """Similarity of one claim's vector with many: cosine plus the language offsets, ≤ 1."""
    if len(vectors) == 0:
        return np.zeros(0, dtype=np.float32)
    scores = vectors @ query + offsets.matrix(np.asarray([query_lang]), np.asarray(langs))[0]
    return np.minimum(scores, 1.0)


@dataclass
class CellIndex:
    embedder: str
    centroids: np.ndarray  # (cells, dim), unit rows, of centred vectors
    mean: np.ndarray
    built_claims: int

    def nearest_cells(self, vectors: np.ndarray, n: int) -> np.ndarray:
        centred = vectors - self.mean
        centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-9)
        scores = centred @ self.centroids.T
        n = min(n, scores.shape[1])
        return np.argpartition(-scores, n - 1, axis=1)[:, :n]


def _kmeans(vectors: np.ndarray, cells: int, seed: int = 12) -> np.ndarray:
    """Spherical k-means (cosine): a few Lloyd rounds from a seeded random start."""
    rng = np.random.default_rng(seed)
    centroids = vectors[rng.choice(len(vectors), size=cells, replace=False)].copy()
    for _ in range(KMEANS_ROUNDS):
        assign = np.argmax(vectors @ centroids.T, axis=1)
        for c in range(cells):
            members = vectors[assign == c]
            if len(members):
                centroids[c] = members.sum(axis=0)
        centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-9)
    return centroids.astype(np.float32)


def ensure_index(conn: psycopg.Connection, topic: str, embedder: Embedder) -> CellIndex | None:
    """The topic's cell index, built or rebuilt when due; None while the topic is small."""
    count = store_claims.embedded_count(conn, topic, embedder.name)
    row = store_claims.load_index(conn, topic)
    if row is not None and row["embedder"] == embedder.name and count < REBUILD_GROWTH * row["built_claims"]:
        return CellIndex(row["embedder"], np.frombuffer(row["centroids"], dtype=np.float32).reshape(row["cells"], row["dim"]),
                         np.frombuffer(row["mean"], dtype=np.float32), row["built_claims"])
    if count < CELLS_FROM:
        if row is not None:
            store_claims.drop_index(conn, topic)
        return None
    ids, blobs = store_claims.sample_embeddings(conn, topic, embedder.name, KMEANS_SAMPLE)
    sample = from_bytes(blobs, embedder.dim)
    mean = sample.mean(axis=0).astype(np.float32)
    centred = sample - mean
    centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-9)
    cells = int(min(1024, max(16, round(np.sqrt(count))), len(sample)))
    index = CellIndex(embedder.name, _kmeans(centred, cells), mean, count)
    store_claims.save_index(conn, topic, embedder.name, embedder.dim, cells, index.centroids.tobytes(),
                            mean.tobytes(), count)
    for chunk_ids, chunk_blobs in store_claims.iter_embeddings(conn, topic, embedder.name):
        file_claims(conn, topic, index, chunk_ids, from_bytes(chunk_blobs, embedder.dim))
    return index


def file_claims(conn: psycopg.Connection, topic: str, index: CellIndex | None, ids: list[int],
                vectors: np.ndarray) -> None:
    """File stored claims under their nearest cells (nothing to do while there are no cells)."""
    if index is None or not ids:
        return
    cells = index.nearest_cells(vectors, FILE_UNDER)
    store_claims.insert_cells(conn, topic, np.repeat(np.asarray(ids), cells.shape[1]).tolist(),
                              cells.reshape(-1).tolist())


def retrieve(conn: psycopg.Connection, topic: str, embedder: Embedder, index: CellIndex | None,
             vectors: np.ndarray, langs: list[str], offsets: Offsets, floor: float,
             exclude_articles: set[int] | None = None, top_k: int = TOP_K) -> list[list[tuple[float, Known]]]:
    """For each query vector the stored claims of the topic most like it (similarity ≥ floor),
    best first (equal scores: the older claim first), at most `top_k`. Claims of
    `exclude_articles` (the batch itself) are left out. The candidates' vectors are read as
    binary in one query, each cell's queries scored in one matrix product, and only the
    winners' sentences and articles are read, by primary key."""
    out: list[list[tuple[float, Known]]] = [[] for _ in range(len(vectors))]
    if len(vectors) == 0:
        return out
    if index is None:
        groups: dict[int | None, np.ndarray] = {None: np.arange(len(vectors))}
    else:
        probed = index.nearest_cells(vectors, PROBE)
        groups = {}
        for cell in np.unique(probed):
            groups[int(cell)] = np.nonzero((probed == cell).any(axis=1))[0]
    ids, article_ids, row_langs, blobs, cells = store_claims.vectors_in_cells(
        conn, topic, embedder.name, None if index is None else sorted(groups))
    exclude = exclude_articles or set()
    keep = np.asarray([a not in exclude for a in article_ids], dtype=bool)
    if not keep.any():
        return out
    matrix = from_bytes(blobs, embedder.dim)
    ids_arr, row_langs_arr = np.asarray(ids, dtype=np.int64), np.asarray(row_langs)
    members_of: dict[int | None, list[int]] = {}
    for k, claim_cells in enumerate(cells):
        if keep[k]:
            for cell in claim_cells:
                members_of.setdefault(cell, []).append(k)
    query_langs = np.asarray(langs)
    found_q, found_m, found_s = [], [], []
    for cell, queries in groups.items():
        members = np.asarray(members_of.get(cell, []), dtype=np.int64)
        if len(members) == 0:
            continue
        scores = np.minimum(vectors[queries] @ matrix[members].T
                            + offsets.matrix(query_langs[queries], row_langs_arr[members]), 1.0)
        k = min(top_k, len(members))
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        found_q.append(np.repeat(queries, k))
        found_m.append(members[top].ravel())
        found_s.append(np.take_along_axis(scores, top, axis=1).ravel())
    if not found_q:
        return out
    q, m, sc = np.concatenate(found_q), np.concatenate(found_m), np.concatenate(found_s)
    above = sc >= floor
    q, m, sc = q[above], m[above], sc[above]
    order = np.lexsort((ids_arr[m], -sc, q))  # by query, best first, older first
    q, m, sc = q[order], m[order], sc[order]
    picked: list[tuple[int, int, float]] = []
    seen: set[tuple[int, int]] = set()
    count: dict[int, int] = {}
    for qi, mi, score in zip(q.tolist(), m.tolist(), sc.tolist()):
        if (qi, mi) in seen or count.get(qi, 0) >= top_k:
            continue  # a claim filed under two probed cells is one candidate
        seen.add((qi, mi))
        count[qi] = count.get(qi, 0) + 1
        picked.append((qi, mi, score))
    details = store_claims.claims_by_id(conn, sorted({ids[mi] for _, mi, _ in picked}))
    for qi, mi, score in picked:
        row = details[ids[mi]]
        out[qi].append((score, Known(
            sentence=row["sentence"], speaker=row["speaker"], language=row["language"] or "",
            vector=matrix[mi], article_id=row["article_id"], claim_id=row["id"], title=row["title"],
            url=row["canonical_url"], seen=row["seen"], source=row["source"])))
    return out
