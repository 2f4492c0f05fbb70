"""The near-duplicate index (MinHash signatures, `article_bands`) and story ids. Parametrised queries only; callers own transactions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

_PGCOPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")


_PGCOPY_TRAILER = (-1).to_bytes(2, "big", signed=True)


_BAND_ROW = [("nfields", ">i2"), ("l1", ">i4"), ("band", ">i2"), ("l2", ">i4"), ("hash", ">i8"),
             ("l3", ">i4"), ("article_id", ">i8")]


def texts_to_index(conn: psycopg.Connection, ids: list[int]) -> list[tuple[int, str, bool]]:
    """(id, text, is original) of those of `ids` with no MinHash signature stored yet."""
    return conn.execute(
        """SELECT id, text, duplicate_of IS NULL FROM articles
           WHERE id = ANY(%s) AND minhash IS NULL ORDER BY id""",
        (ids,),
    ).fetchall()


def unindexed_ids(conn: psycopg.Connection, topic: str, *, seeds_only: bool = False, limit: int = 5000) -> list[int]:
    """Articles of the topic without a signature (stored before the index existed), oldest first."""
    rows = conn.execute(
        """SELECT id FROM articles WHERE topic = %s AND minhash IS NULL AND (is_seed OR NOT %s)
           ORDER BY id LIMIT %s""",
        (topic, seeds_only, limit),
    ).fetchall()
    return [row[0] for row in rows]


def index_settings(conn: psycopg.Connection, topic: str) -> tuple[int, int, int] | None:
    """(shingle_size, bands, rows) the topic's stored index was built with, if recorded."""
    return conn.execute("SELECT shingle_size, bands, rows_per_band FROM dedupe_index WHERE topic = %s",
                        (topic,)).fetchone()


def record_index_settings(conn: psycopg.Connection, topic: str, settings: tuple[int, int, int]) -> None:
    conn.execute(
        """INSERT INTO dedupe_index (topic, shingle_size, bands, rows_per_band) VALUES (%s, %s, %s, %s)
           ON CONFLICT (topic) DO UPDATE SET shingle_size = EXCLUDED.shingle_size, bands = EXCLUDED.bands,
                  rows_per_band = EXCLUDED.rows_per_band, built_at = now()""",
        (topic, *settings),
    )


def clear_index(conn: psycopg.Connection, topic: str) -> None:
    """Drop the topic's signatures and band rows (before a rebuild with other settings)."""
    conn.execute("""DELETE FROM article_bands b USING articles a
                    WHERE a.id = b.article_id AND a.topic = %s""", (topic,))
    conn.execute("UPDATE articles SET minhash = NULL, shingle_count = NULL WHERE topic = %s", (topic,))


def store_signatures(conn: psycopg.Connection, ids: list[int], blobs: list[bytes], shingle_counts: list[int]) -> None:
    """Set minhash and shingle_count of many articles in one statement."""
    conn.execute(
        """UPDATE articles a SET minhash = s.minhash, shingle_count = s.n
           FROM unnest(%s::bigint[], %s::bytea[], %s::int[]) AS s(id, minhash, n) WHERE a.id = s.id""",
        (ids, blobs, shingle_counts),
    )


_BAND_TABLES = {"article_bands": "article_id"}  # LSH index → the key it points at


def copy_bands(conn: psycopg.Connection, article_ids, band_hashes, table: str = "article_bands") -> int:
    """COPY (band, hash, id) rows into an LSH band table (article_bands) in Postgres' binary format, built with numpy: `band_hashes` is (n x bands)
    int64, `article_ids` n ids. Returns rows written."""
    import numpy as np

    hashes = np.asarray(band_hashes, dtype=np.int64)
    n, bands = hashes.shape
    if n == 0:
        return 0
    rows = np.empty(n * bands, dtype=_BAND_ROW)
    rows["nfields"], rows["l1"], rows["l2"], rows["l3"] = 3, 2, 8, 8
    rows["band"] = np.tile(np.arange(bands, dtype=np.int16), n)
    rows["hash"] = hashes.reshape(-1)
    rows["article_id"] = np.repeat(np.asarray(article_ids, dtype=np.int64), bands)
    statement = sql.SQL("COPY {} (band, hash, {}) FROM STDIN (FORMAT BINARY)").format(
        sql.Identifier(table), sql.Identifier(_BAND_TABLES[table]))
    with conn.cursor() as cur, cur.copy(statement) as copy:
        copy.write(_PGCOPY_HEADER)
        step = 1 << 18
        for start in range(0, len(rows), step):
            copy.write(rows[start : start + step].tobytes())
        copy.write(_PGCOPY_TRAILER)
    return len(rows)


_BAND_OWNERS = {"article_bands": "articles"}  # where each key's topic is


def band_candidates(conn: psycopg.Connection, query_index: list[int], bands: list[int],
                    hashes: list[int], table: str = "article_bands", topic: str | None = None) -> list[tuple[int, int]]:
    """(query index, stored id) for every stored article (or claim) of the topic (None: any)
    sharing a (band, hash) with a query: one indexed join for the whole batch, whatever the
    corpus size."""
    key = _BAND_TABLES[table]
    scope = sql.SQL("JOIN {owner} o ON o.id = b.{key} AND o.topic = %s" if topic is not None else "")
    statement = sql.SQL(
        """SELECT DISTINCT q.i, b.{key}
           FROM unnest(%s::int[], %s::smallint[], %s::bigint[]) AS q(i, band, hash)
           JOIN {table} b ON b.band = q.band AND b.hash = q.hash {scope}""").format(
        key=sql.Identifier(key), table=sql.Identifier(table),
        scope=scope.format(owner=sql.Identifier(_BAND_OWNERS[table]), key=sql.Identifier(key)))
    params = (query_index, bands, hashes) + ((topic,) if topic is not None else ())
    return conn.execute(statement, params).fetchall()


def signatures_of(conn: psycopg.Connection, ids: list[int]) -> list[tuple[int, str, str, bytes, int]]:
    """(id, canonical_url, title, minhash, shingle_count) of the given articles that have one."""
    return conn.execute(
        """SELECT id, canonical_url, title, minhash, shingle_count FROM articles
           WHERE id = ANY(%s) AND minhash IS NOT NULL""",
        (ids,),
    ).fetchall()


def story_rows(conn: psycopg.Connection, ids: list[int]) -> list[dict[str, Any]]:
    """What story grouping needs of the given articles, oldest id first."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, topic, story_id, COALESCE(duplicate_of, extends) AS duplicate_of, is_seed, entities,
                      COALESCE(published_at, CASE WHEN is_seed THEN NULL ELSE fetched_at END) AS day
               FROM articles WHERE id = ANY(%s) ORDER BY id""",
            (ids,),
        )
        return cur.fetchall()


def story_candidates(conn: psycopg.Connection, topic: str, start: datetime | None, end: datetime | None,
                     exclude: list[int], limit: int = 5000) -> list[dict[str, Any]]:
    """Originals of the topic that have a story, published in [start, end], plus the undated
    ones (seeds): both halves are index range scans on (topic, published_at)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """(SELECT id, story_id, is_seed, entities, published_at AS day FROM articles
                WHERE topic = %(topic)s AND published_at BETWEEN %(start)s AND %(end)s
                  AND story_id IS NOT NULL AND duplicate_of IS NULL AND id <> ALL(%(exclude)s)
                ORDER BY published_at DESC LIMIT %(limit)s)
               UNION ALL
               (SELECT id, story_id, is_seed, entities,
                       CASE WHEN is_seed THEN NULL ELSE fetched_at END AS day FROM articles
                WHERE topic = %(topic)s AND published_at IS NULL
                  AND (is_seed OR fetched_at BETWEEN %(start)s AND %(end)s)
                  AND story_id IS NOT NULL AND duplicate_of IS NULL AND id <> ALL(%(exclude)s)
                LIMIT %(limit)s)""",
            {"topic": topic, "start": start, "end": end, "exclude": exclude, "limit": limit},
        )
        return cur.fetchall()


def set_stories(conn: psycopg.Connection, ids: list[int], story_ids: list[int]) -> None:
    """Set story_id of many articles in one statement; an article that has one keeps it."""
    conn.execute(
        """UPDATE articles a SET story_id = s.story FROM unnest(%s::bigint[], %s::bigint[]) AS s(id, story)
           WHERE a.id = s.id AND a.story_id IS NULL""",
        (ids, story_ids),
    )
