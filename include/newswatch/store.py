"""All SQL against the article store. Parametrised queries only; callers own transactions."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from newswatch.records import Article, FeedSpec, QuarantineRecord

# --- runs ---------------------------------------------------------------------------------

def ensure_run(conn: psycopg.Connection, topic: str, run_id: str) -> int:
    row = conn.execute(
        """INSERT INTO runs (topic, run_id) VALUES (%s, %s)
           ON CONFLICT (topic, run_id) DO UPDATE SET topic = EXCLUDED.topic
           RETURNING id""",
        (topic, run_id),
    ).fetchone()
    return row[0]


def run_pk(conn: psycopg.Connection, topic: str, run_id: str) -> int:
    row = conn.execute("SELECT id FROM runs WHERE topic = %s AND run_id = %s", (topic, run_id)).fetchone()
    if row is None:
        raise LookupError(f"no run {run_id!r} for topic {topic!r}: start_run must run first")
    return row[0]


def merge_run(conn: psycopg.Connection, run: int, *, stats: dict | None = None,
              durations: dict | None = None, status: str | None = None, finished: bool = False) -> None:
    """Overwrite keys in the run's stats/durations: re-running a stage replaces, never adds."""
    conn.execute(
        """UPDATE runs SET stats = stats || %s, durations = durations || %s,
                  status = COALESCE(%s, status),
                  finished_at = CASE WHEN %s THEN now() ELSE finished_at END
           WHERE id = %s""",
        (Jsonb(stats or {}), Jsonb(durations or {}), status, finished, run),
    )


def get_run(conn: psycopg.Connection, topic: str, run_id: str | None = None) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        if run_id is None:
            cur.execute("SELECT * FROM runs WHERE topic = %s ORDER BY id DESC LIMIT 1", (topic,))
        else:
            cur.execute("SELECT * FROM runs WHERE topic = %s AND run_id = %s", (topic, run_id))
        return cur.fetchone()


# --- feeds --------------------------------------------------------------------------------

def sync_feeds(conn: psycopg.Connection, topic: str, specs: list[FeedSpec]) -> None:
    for spec in specs:
        conn.execute(
            """INSERT INTO feeds (topic, url, name, language, kind) VALUES (%s, %s, %s, %s, %s)
               ON CONFLICT (topic, url) DO UPDATE
               SET name = EXCLUDED.name, language = EXCLUDED.language, kind = EXCLUDED.kind""",
            (topic, spec.url, spec.name, spec.language, spec.kind),
        )


def due_feed_urls(conn: psycopg.Connection, topic: str, urls: list[str], due_by: datetime) -> set[str]:
    rows = conn.execute(
        """SELECT url FROM feeds WHERE topic = %s AND url = ANY(%s)
           AND (next_fetch_after IS NULL OR next_fetch_after <= %s)""",
        (topic, urls, due_by),
    ).fetchall()
    return {row[0] for row in rows}


def feed_state(conn: psycopg.Connection, topic: str, url: str) -> dict[str, Any]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT etag, last_modified, body_hash, failure_score FROM feeds WHERE topic = %s AND url = %s",
            (topic, url),
        )
        return cur.fetchone() or {}


def record_feed_fetch(conn: psycopg.Connection, topic: str, url: str, *, status: str,
                      http_status: int | None, error_class: str | None, error: str | None,
                      etag: str | None, last_modified: str | None, body_hash: str | None,
                      entries: int | None, failure_score: int, next_fetch_after: datetime | None,
                      now: datetime) -> None:
    """Store one fetch's outcome. Validators are kept from the last success; a success resets
    the failure counters, a failure starts or continues `failing_since`."""
    ok = status != "error"
    conn.execute(
        """UPDATE feeds SET
             last_status = %(status)s, last_http_status = %(http)s,
             last_error_class = %(eclass)s, last_error = %(error)s, last_fetched_at = %(now)s,
             etag = CASE WHEN %(ok)s THEN COALESCE(%(etag)s, etag) ELSE etag END,
             last_modified = CASE WHEN %(ok)s THEN COALESCE(%(lm)s, last_modified) ELSE last_modified END,
             body_hash = CASE WHEN %(ok)s THEN COALESCE(%(bh)s, body_hash) ELSE body_hash END,
             last_entries = COALESCE(%(entries)s, last_entries),
             last_success_at = CASE WHEN %(ok)s THEN %(now)s ELSE last_success_at END,
             failing_since = CASE WHEN %(ok)s THEN NULL ELSE COALESCE(failing_since, %(now)s) END,
             consecutive_failures = CASE WHEN %(ok)s THEN 0 ELSE consecutive_failures + 1 END,
             failure_score = %(score)s, next_fetch_after = %(next)s
           WHERE topic = %(topic)s AND url = %(url)s""",
        {"status": status, "http": http_status, "eclass": error_class, "error": error,
         "now": now, "ok": ok, "etag": etag, "lm": last_modified, "bh": body_hash, "entries": entries,
         "score": failure_score, "next": next_fetch_after, "topic": topic, "url": url},
    )


def feed_health(conn: psycopg.Connection, topic: str) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT name, url, last_status, last_http_status, last_error_class, last_error, last_fetched_at,
                      last_success_at, failing_since, consecutive_failures, failure_score, next_fetch_after,
                      last_entries
               FROM feeds WHERE topic = %s ORDER BY name""",
            (topic,),
        )
        return cur.fetchall()


def feeds_failing_since(conn: psycopg.Connection, topic: str, before: datetime) -> list[dict[str, Any]]:
    """Feeds whose current failure streak started before `before`."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT name, url, last_error_class, last_error, failing_since, consecutive_failures,
                      next_fetch_after FROM feeds
               WHERE topic = %s AND failing_since IS NOT NULL AND failing_since <= %s ORDER BY failing_since""",
            (topic, before),
        )
        return cur.fetchall()


def recent_runs_entries(conn: psycopg.Connection, topic: str, limit: int) -> list[tuple[int, int]]:
    """(run id, entries seen) of the topic's latest runs that got as far as loading, newest first."""
    return conn.execute(
        """SELECT id, (stats->>'entries_seen')::int FROM runs
           WHERE topic = %s AND stats ? 'entries_seen' ORDER BY id DESC LIMIT %s""",
        (topic, limit),
    ).fetchall()


# --- articles -----------------------------------------------------------------------------

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


def originals_by_content_hash(conn: psycopg.Connection, hashes: list[str]) -> dict[str, tuple[int, str]]:
    """content_hash → (id, canonical_url) of the earliest stored article with that text."""
    rows = conn.execute(
        """SELECT DISTINCT ON (content_hash) content_hash, id, canonical_url FROM articles
           WHERE content_hash = ANY(%s) ORDER BY content_hash, id""",
        (hashes,),
    ).fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def insert_article(conn: psycopg.Connection, topic: str, article: Article, *, run: int | None,
                   duplicate_of: int | None = None, duplicate_layer: str | None = None,
                   similarity: float | None = None) -> int | None:
    """Insert unless the URL or GUID is stored already (then None): retries are harmless."""
    row = conn.execute(
        """INSERT INTO articles (topic, canonical_url, guid, feed_url, source, title, text, summary,
               language, author, published_at, date_source, modified_at, image_url, is_paywalled, entities,
               fetched_at, content_hash, is_seed, duplicate_of, duplicate_layer, similarity, relevance,
               matched_terms, extraction_method, run_id)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,
                   %s, %s, %s, %s)
           ON CONFLICT DO NOTHING RETURNING id""",
        (topic, article.url, article.guid, article.feed_url, article.source, article.title,
         article.text, article.summary, article.language, article.author, article.published_at,
         article.date_source, article.modified_at, article.image_url, article.is_paywalled,
         Jsonb(article.entities), article.fetched_at, article.content_hash, article.is_seed, duplicate_of, duplicate_layer,
         similarity, article.relevance, article.matched_terms, article.extraction_method, run),
    ).fetchone()
    return row[0] if row else None


# --- claims and novelty ------------------------------------------------------------------

def new_developments_of_run(conn: psycopg.Connection, run: int) -> list[dict[str, Any]]:
    """The run's stored new articles that are new developments, newest first within a story."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, canonical_url, title, source, language, published_at, story_id, novelty
               FROM articles WHERE run_id = %s AND duplicate_of IS NULL AND NOT is_seed AND is_new_development
               ORDER BY published_at DESC NULLS LAST, id""",
            (run,),
        )
        return cur.fetchall()


def count_not_new_of_run(conn: psycopg.Connection, run: int) -> int:
    return conn.execute(
        """SELECT count(*) FROM articles WHERE run_id = %s AND duplicate_of IS NULL AND NOT is_seed
           AND is_new_development IS FALSE""", (run,)).fetchone()[0]


def new_claims_of_articles(conn: psycopg.Connection, article_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """article id → its new claims in text order, each with the nearest known claim."""
    found: dict[int, list[dict[str, Any]]] = {}
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT c.article_id, c.sentence, c.speaker, c.similarity, n.sentence AS nearest_sentence,
                      na.title AS nearest_title
               FROM claims c LEFT JOIN claims n ON n.id = c.nearest_claim_id
                             LEFT JOIN articles na ON na.id = n.article_id
               WHERE c.article_id = ANY(%s) AND c.is_new ORDER BY c.article_id, c.position""",
            (article_ids,),
        )
        for row in cur:
            found.setdefault(row.pop("article_id"), []).append(row)
    return found


def story_heads(conn: psycopg.Connection, story_ids: list[int]) -> dict[int, dict[str, Any]]:
    """story id → its first stored article (a seed, for a story the user already knows)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT DISTINCT ON (story_id) story_id, id, title, canonical_url, is_seed FROM articles
               WHERE story_id = ANY(%s) AND duplicate_of IS NULL ORDER BY story_id, id""",
            (story_ids,),
        )
        return {row["story_id"]: row for row in cur}


# --- quarantine ---------------------------------------------------------------------------

def upsert_quarantine(conn: psycopg.Connection, topic: str, run: int, records: Iterable[QuarantineRecord]) -> int:
    count = 0
    for rec in records:
        conn.execute(
            """INSERT INTO quarantine (topic, stage, item_key, reason, feed_url, expectation, value,
                                       payload, first_run_id, last_run_id)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
               ON CONFLICT (topic, stage, item_key) DO UPDATE SET
                 reason = EXCLUDED.reason, expectation = EXCLUDED.expectation, value = EXCLUDED.value,
                 payload = EXCLUDED.payload, updated_at = now(),
                 times_seen = quarantine.times_seen
                              + CASE WHEN quarantine.last_run_id = EXCLUDED.last_run_id THEN 0 ELSE 1 END,
                 last_run_id = EXCLUDED.last_run_id""",
            (topic, rec.stage, rec.item_key, rec.reason, rec.feed_url, rec.expectation, rec.value,
             Jsonb(json.loads(json.dumps(rec.payload, default=str))), run, run),
        )
        count += 1
    return count


def quarantine_of_run(conn: psycopg.Connection, run: int) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT stage, item_key, reason, feed_url, expectation, times_seen FROM quarantine
               WHERE last_run_id = %s ORDER BY stage, item_key""",
            (run,),
        )
        return cur.fetchall()
