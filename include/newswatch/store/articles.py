"""The `articles` table: what is stored already, inserting an article, reading texts back. Parametrised queries only; callers own transactions."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from newswatch.records import Article


def known_by_url_or_guid(conn: psycopg.Connection, urls: list[str], guids: list[str]) -> dict[str, tuple[int, str, str]]:
    """Map each given URL or GUID that is already stored to (id, its canonical_url, 'url'|'guid')."""
    found: dict[str, tuple[int, str, str]] = {}
    for row in conn.execute(
        "SELECT id, canonical_url FROM articles WHERE canonical_url = ANY(%s)", (urls,)
    ):
        found[row[1]] = (row[0], row[1], "url")
    for row in conn.execute(
        "SELECT id, canonical_url, guid FROM articles WHERE guid = ANY(%s)", (guids,)
    ):
        found.setdefault(row[2], (row[0], row[1], "guid"))
    return found


def originals_by_content_hash(conn: psycopg.Connection, hashes: list[str],
                              topic: str | None = None) -> dict[str, tuple[int, str]]:
    """content_hash → (id, canonical_url) of the original of the earliest stored article with
    that text (a stored copy points at its original: copies never chain), within the topic."""
    rows = conn.execute(
        """SELECT DISTINCT ON (a.content_hash) a.content_hash, o.id, o.canonical_url
           FROM articles a JOIN articles o ON o.id = COALESCE(a.duplicate_of, a.id)
           WHERE a.content_hash = ANY(%s) AND (%s::text IS NULL OR a.topic = %s)
           ORDER BY a.content_hash, a.id""",
        (hashes, topic, topic),
    ).fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def insert_article(conn: psycopg.Connection, topic: str, article: Article, *, run: int | None,
                   duplicate_of: int | None = None, duplicate_layer: str | None = None,
                   similarity: float | None = None, extends: int | None = None) -> int | None:
    """Insert unless the URL or GUID is stored already (then None): retries are harmless.
    `extends`: the known article this one contains and adds text to (newswatch.dedupe.layers)."""
    row = conn.execute(
        """INSERT INTO articles (topic, canonical_url, guid, feed_url, source, title, text, summary,
               language, author, published_at, date_source, modified_at, image_url, is_paywalled, entities,
               fetched_at, content_hash, is_seed, duplicate_of, duplicate_layer, similarity, relevance,
               matched_terms, extraction_method, run_id, extends)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,
                   %s, %s, %s, %s, %s)
           ON CONFLICT DO NOTHING RETURNING id""",
        (topic, article.url, article.guid, article.feed_url, article.source, article.title,
         article.text, article.summary, article.language, article.author, article.published_at,
         article.date_source, article.modified_at, article.image_url, article.is_paywalled,
         Jsonb(article.entities), article.fetched_at, article.content_hash, article.is_seed, duplicate_of, duplicate_layer,
         similarity, article.relevance, article.matched_terms, article.extraction_method, run, extends),
    ).fetchone()
    return row[0] if row else None


def article_texts(conn: psycopg.Connection, ids: list[int]) -> list[dict[str, Any]]:
    """What novelty reads of articles: text, language, story and run, in id order."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, topic, title, text, language, story_id, run_id, canonical_url, is_seed, source,
                      published_at, fetched_at, extends FROM articles
               WHERE id = ANY(%s) ORDER BY id""",
            (ids,),
        )
        return cur.fetchall()


def seed_ids(conn: psycopg.Connection, topic: str) -> list[int]:
    return [row[0] for row in conn.execute(
        "SELECT id FROM articles WHERE topic = %s AND is_seed ORDER BY id", (topic,)).fetchall()]


def texts_of(conn: psycopg.Connection, ids: list[int]) -> dict[int, str]:
    """id → text of the given articles."""
    return dict(conn.execute("SELECT id, text FROM articles WHERE id = ANY(%s)", (ids,)).fetchall())


def first_by_url_or_guid(conn: psycopg.Connection, url: str, guid: str | None) -> tuple[int, int] | None:
    """(id, run) of the first article stored at this canonical URL or with this GUID."""
    return conn.execute("SELECT id, run_id FROM articles WHERE canonical_url = %s OR guid = %s ORDER BY id LIMIT 1",
                        (url, guid)).fetchone()


def id_of_url(conn: psycopg.Connection, url: str) -> int | None:
    row = conn.execute("SELECT id FROM articles WHERE canonical_url = %s", (url,)).fetchone()
    return row[0] if row else None


def loaded_counts_of_run(conn: psycopg.Connection, run: int) -> dict[str, int]:
    """{new, dup}: the run's stored originals and republications."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("""SELECT count(*) FILTER (WHERE duplicate_of IS NULL) AS new,
                              count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS dup FROM articles
                       WHERE run_id = %s""", (run,))
        return cur.fetchone()
