"""The embedding cache (migration 0009): a text's vector by embedder name and the sha256 of the
text the model read (claims.vectors), so no text is embedded twice across nights."""

from __future__ import annotations

import psycopg


def cached_vectors(conn: psycopg.Connection, embedder: str, shas: list[bytes]) -> list[tuple[bytes, bytes]]:
    """(sha, float32 little-endian bytes) of the texts the cache holds for this embedder."""
    with conn.cursor(binary=True) as cur:
        cur.execute("SELECT sha, vector FROM embedding_cache WHERE embedder = %s AND sha = ANY(%s)",
                    (embedder, shas))
        return [(bytes(sha), blob) for sha, blob in cur.fetchall()]


def cache_vectors(conn: psycopg.Connection, embedder: str, shas: list[bytes], blobs: list[bytes]) -> None:
    """Store vectors in one statement; a text already cached keeps its row (same text, same model)."""
    conn.execute(
        """INSERT INTO embedding_cache (embedder, sha, vector)
           SELECT %s, s.sha, s.vector FROM unnest(%s::bytea[], %s::bytea[]) AS s(sha, vector)
           ON CONFLICT DO NOTHING""", (embedder, shas, blobs))
