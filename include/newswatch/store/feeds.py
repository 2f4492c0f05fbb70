"""The `feeds` table: the topic's feeds, their fetch health and conditional-GET validators. Parametrised queries only; callers own transactions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row

from newswatch.records import FeedResult, FeedSpec


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


def forget_feed_validators(conn: psycopg.Connection, topic: str, feed_urls: list[str]) -> None:
    """Drop the feeds' ETag, Last-Modified and body hash: the next fetch reads them in full."""
    conn.execute(
        """UPDATE feeds SET etag = NULL, last_modified = NULL, body_hash = NULL
           WHERE topic = %s AND url = ANY(%s)""",
        (topic, feed_urls),
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


# A feed's conditional-GET state follows its data: the ETag, Last-Modified and body hash of a
# fetch take effect only in the load transaction that stores (or quarantines) that fetch's
# entries. `fetch_feed` records the fetch's health at once (that describes the fetch), but only
# carries the validators in its FeedResult; a run killed or failing before the load commits
# leaves the validators of the last loaded fetch, so the next run gets a full body and loads
# what this one could not. (A 304 or an unchanged body has nothing new to commit.)
def commit_validators(conn: psycopg.Connection, topic: str, results: list[FeedResult]) -> int:
    """Store the validators of the feeds whose entries this transaction loads. Returns how many."""
    rows = [(r.feed_url, r.etag, r.last_modified, r.body_hash) for r in results
            if r.status == "ok" and (r.etag or r.last_modified or r.body_hash)]
    for url, etag, last_modified, body_hash in rows:
        conn.execute(
            """UPDATE feeds SET etag = COALESCE(%s, etag), last_modified = COALESCE(%s, last_modified),
                      body_hash = COALESCE(%s, body_hash)
               WHERE topic = %s AND url = %s""",
            (etag, last_modified, body_hash, topic, url))
    return len(rows)
