"""SQL of claims: their stored representations, the cell index over them, the statements of
known articles, and novelty per claim. Parametrised queries only; callers own transactions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

_CLAIM_COLUMNS = """c.id, c.article_id, c.sentence, c.speaker, c.language, c.cue, c.normalized_hash,
                    a.title, a.canonical_url, a.source, COALESCE(a.published_at, a.fetched_at) AS seen"""


def embedded_count(conn: psycopg.Connection, topic: str, embedder: str) -> int:
    return conn.execute("SELECT count(*) FROM claims WHERE topic = %s AND embedder = %s",
                        (topic, embedder)).fetchone()[0]


def load_index(conn: psycopg.Connection, topic: str) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT * FROM claim_index WHERE topic = %s", (topic,))
        return cur.fetchone()


def drop_index(conn: psycopg.Connection, topic: str) -> None:
    conn.execute("DELETE FROM claim_cells WHERE topic = %s", (topic,))
    conn.execute("DELETE FROM claim_index WHERE topic = %s", (topic,))


def unembedded_claims(conn: psycopg.Connection, topic: str, embedder: str, limit: int) -> list[tuple[Any, ...]]:
    """(id, sentence, speaker) of the topic's claims with no representation from `embedder`, oldest first."""
    return conn.execute(
        """SELECT id, sentence, speaker FROM claims WHERE topic = %s AND embedder IS DISTINCT FROM %s
           ORDER BY id LIMIT %s""", (topic, embedder, limit)).fetchall()


def set_embeddings(conn: psycopg.Connection, embedder: str, claim_ids: list[int], blobs: list[bytes]) -> None:
    conn.execute(
        """UPDATE claims c SET embedding = s.e, embedder = %s
           FROM unnest(%s::bigint[], %s::bytea[]) AS s(id, e) WHERE c.id = s.id""",
        (embedder, claim_ids, blobs))


def save_index(conn: psycopg.Connection, topic: str, embedder: str, dim: int, cells: int, centroids: bytes,
               mean: bytes, built_claims: int) -> None:
    drop_index(conn, topic)
    conn.execute(
        """INSERT INTO claim_index (topic, embedder, dim, cells, centroids, mean, built_claims)
           VALUES (%s, %s, %s, %s, %s, %s, %s)""",
        (topic, embedder, dim, cells, centroids, mean, built_claims))


def sample_embeddings(conn: psycopg.Connection, topic: str, embedder: str, limit: int) -> tuple[list[int], list[bytes]]:
    """Up to `limit` of the topic's claim representations, spread over its history (by id)."""
    rows = conn.execute(
        """SELECT id, embedding FROM (
             SELECT id, embedding, row_number() OVER (ORDER BY id) AS k, count(*) OVER () AS n
             FROM claims WHERE topic = %s AND embedder = %s) s
           WHERE k %% GREATEST(1, n / %s) = 0 ORDER BY id LIMIT %s""",
        (topic, embedder, limit, limit)).fetchall()
    return [r[0] for r in rows], [r[1] for r in rows]


def iter_embeddings(conn: psycopg.Connection, topic: str, embedder: str,
                    chunk: int = 20_000) -> Iterator[tuple[list[int], list[bytes]]]:
    last = 0
    while True:
        rows = conn.execute(
            """SELECT id, embedding FROM claims WHERE topic = %s AND embedder = %s AND id > %s
               ORDER BY id LIMIT %s""", (topic, embedder, last, chunk)).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield [r[0] for r in rows], [r[1] for r in rows]


def insert_cells(conn: psycopg.Connection, topic: str, claim_ids: list[int], cells: list[int]) -> None:
    conn.execute(
        """INSERT INTO claim_cells (topic, cell, claim_id)
           SELECT %s, c, i FROM unnest(%s::int[], %s::bigint[]) AS s(c, i) ON CONFLICT DO NOTHING""",
        (topic, cells, claim_ids))


def vectors_in_cells(conn: psycopg.Connection, topic: str, embedder: str, cells: list[int] | None
                     ) -> tuple[list[int], list[int], list[str], list[bytes], list[list[int | None]]]:
    """The topic's embedded claims (cells None: all of them, filed under cell None) or those
    filed under any of the given cells, once each: ids, article ids, languages, representations
    and the given cells each is filed under. Read as binary (no hex text for the vectors)."""
    with conn.cursor(binary=True) as cur:
        if cells is None:
            cur.execute("""SELECT id, article_id, COALESCE(language, ''), embedding FROM claims
                           WHERE topic = %s AND embedder = %s ORDER BY id""", (topic, embedder))
            rows = [(*r, [None]) for r in cur.fetchall()]
        else:
            cur.execute("""SELECT c.id, c.article_id, COALESCE(c.language, ''), c.embedding, f.cells
                           FROM (SELECT claim_id, array_agg(cell) AS cells FROM claim_cells
                                 WHERE topic = %s AND cell = ANY(%s) GROUP BY claim_id) f
                           JOIN claims c ON c.id = f.claim_id WHERE c.embedder = %s ORDER BY c.id""",
                        (topic, cells, embedder))
            rows = cur.fetchall()
    return ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [bytes(r[3]) for r in rows],
            [list(r[4]) for r in rows])


def claims_by_id(conn: psycopg.Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Stored claims with their article, by primary key."""
    if not ids:
        return {}
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(f"""SELECT {_CLAIM_COLUMNS} FROM claims c JOIN articles a ON a.id = c.article_id
                        WHERE c.id = ANY(%s)""", (ids,))
        return {r["id"]: r for r in cur.fetchall()}


def claims_by_hash(conn: psycopg.Connection, topic: str, hashes: list[str], embedder: str) -> list[dict[str, Any]]:
    """The topic's stored claims with these normalised hashes (the same words), oldest first."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(f"""SELECT {_CLAIM_COLUMNS}, c.embedding, c.embedder FROM claims c
                        JOIN articles a ON a.id = c.article_id
                        WHERE c.topic = %s AND c.normalized_hash = ANY(%s) ORDER BY c.id""", (topic, hashes))
        return [r for r in cur.fetchall() if r["embedder"] == embedder]


def story_articles(conn: psycopg.Connection, story_id: int, before_id: int, limit: int) -> list[dict[str, Any]]:
    """The story's articles stored before `before_id` (seeds first, then the newest): what a
    new article of the story is measured against, with whether their statements are stored."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT a.id, a.title, a.text, a.language, a.canonical_url, a.source,
                      COALESCE(a.published_at, a.fetched_at) AS seen,
                      EXISTS (SELECT 1 FROM statements s WHERE s.article_id = a.id) AS has_statements
               FROM articles a WHERE a.story_id = %s AND a.id < %s AND a.duplicate_of IS NULL
               ORDER BY a.is_seed DESC, a.id DESC LIMIT %s""",
            (story_id, before_id, limit))
        return cur.fetchall()


def insert_statements(conn: psycopg.Connection, rows: list[dict[str, Any]]) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            """INSERT INTO statements (article_id, position, paragraph, sentence, speaker, cue, language,
                                       embedding, embedder)
               VALUES (%(article_id)s, %(position)s, %(paragraph)s, %(sentence)s, %(speaker)s, %(cue)s,
                       %(language)s, %(embedding)s, %(embedder)s)
               ON CONFLICT DO NOTHING""", rows)


def statements_of(conn: psycopg.Connection, article_ids: list[int], embedder: str) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("""SELECT article_id, position, paragraph, sentence, speaker, cue, language, embedding
                       FROM statements WHERE article_id = ANY(%s) AND embedder = %s
                       ORDER BY article_id, position""", (article_ids, embedder))
        return cur.fetchall()


def insert_claims(conn: psycopg.Connection, rows: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Insert claims in one pipelined executemany (a retry finds them stored: ON CONFLICT keeps
    the first). Returns (index in rows, id) of the rows inserted now."""
    if not rows:
        return []
    inserted = []
    with conn.cursor() as cur:
        cur.executemany(
            """INSERT INTO claims (topic, article_id, sentence, speaker, normalized_hash, is_new, language, cue,
                                   position, story_id, is_seed, concepts, nearest_article_id, nearest_sentence,
                                   similarity, category, matched_claim_id, changed, embedding, embedder)
               VALUES (%(topic)s, %(article_id)s, %(sentence)s, %(speaker)s, %(normalized_hash)s, %(is_new)s,
                       %(language)s, %(cue)s, %(position)s, %(story_id)s, %(is_seed)s, %(concepts)s,
                       %(nearest_article_id)s, %(nearest_sentence)s, %(similarity)s, %(category)s,
                       %(matched_claim_id)s, %(changed)s, %(embedding)s, %(embedder)s)
               ON CONFLICT (article_id, normalized_hash) DO NOTHING RETURNING id""",
            [{**row, "changed": Jsonb(row["changed"]) if row.get("changed") is not None else None} for row in rows],
            returning=True)
        k = 0
        while True:
            found = cur.fetchone()
            if found:
                inserted.append((k, found[0]))
            k += 1
            if not cur.nextset():
                break
    return inserted


def reported_claims_of_articles(conn: psycopg.Connection, article_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """article id → its alerted claims (new, update, contradicts, confirms) in text order, each
    with the known claim it was judged against (sentence, speaker, article, date)."""
    found: dict[int, list[dict[str, Any]]] = {}
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT c.article_id, c.sentence, c.speaker, c.similarity, c.category, c.changed,
                      c.nearest_sentence, na.title AS nearest_title,
                      m.speaker AS matched_speaker, CASE WHEN ma.is_seed THEN NULL ELSE ma.source END AS matched_source,
                      CASE WHEN ma.is_seed THEN ma.published_at ELSE COALESCE(ma.published_at, ma.fetched_at) END
                        AS matched_seen, ma.is_seed AS matched_is_seed
               FROM claims c LEFT JOIN articles na ON na.id = c.nearest_article_id
               LEFT JOIN claims m ON m.id = c.matched_claim_id
               LEFT JOIN articles ma ON ma.id = COALESCE(m.article_id, c.nearest_article_id)
               WHERE c.article_id = ANY(%s) AND c.is_new ORDER BY c.article_id, c.position""",
            (article_ids,),
        )
        for row in cur:
            found.setdefault(row.pop("article_id"), []).append(row)
    return found


def articles_with_claims(conn: psycopg.Connection, article_ids: list[int]) -> set[int]:
    """Those of the articles that have claims stored (assessed already)."""
    return {r[0] for r in conn.execute("SELECT DISTINCT article_id FROM claims WHERE article_id = ANY(%s)",
                                       (article_ids,))}


def cached_vectors(conn: psycopg.Connection, embedder: str, keys: list[bytes]) -> list[tuple[bytes, bytes]]:
    """(sha, vector) rows of `embedding_cache` for these keys, read in binary."""
    with conn.cursor(binary=True) as cur:
        cur.execute("SELECT sha, vector FROM embedding_cache WHERE embedder = %s AND sha = ANY(%s)",
                    (embedder, keys))
        return cur.fetchall()


def cache_vectors(conn: psycopg.Connection, embedder: str, keys: list[bytes], blobs: list[bytes]) -> None:
    conn.execute(
        """INSERT INTO embedding_cache (embedder, sha, vector)
           SELECT %s, s.sha, s.vector FROM unnest(%s::bytea[], %s::bytea[]) AS s(sha, vector)
           ON CONFLICT DO NOTHING""", (embedder, keys, blobs))
