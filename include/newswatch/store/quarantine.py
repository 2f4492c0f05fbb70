"""The `quarantine` table: every refused record once per (topic, stage, key), seen again in
later runs; `bug` records apart from bad input; and a record that loads on a later night
(a 404 that came back) linked to the article that resolved it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from newswatch.records import QuarantineRecord


def upsert_quarantine(conn: psycopg.Connection, topic: str, run: int, records: Iterable[QuarantineRecord]) -> int:
    """Insert or refresh each record; a record refused again is open again (not resolved)."""
    count = 0
    for rec in records:
        conn.execute(
            """INSERT INTO quarantine (topic, stage, item_key, reason, reason_class, feed_url, expectation, value,
                                       payload, first_run_id, last_run_id)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
               ON CONFLICT (topic, stage, item_key) DO UPDATE SET
                 reason = EXCLUDED.reason, reason_class = EXCLUDED.reason_class,
                 expectation = EXCLUDED.expectation, value = EXCLUDED.value,
                 payload = EXCLUDED.payload, updated_at = now(),
                 resolved_at = NULL, resolved_by_article_id = NULL,
                 times_seen = quarantine.times_seen
                              + CASE WHEN quarantine.last_run_id = EXCLUDED.last_run_id THEN 0 ELSE 1 END,
                 last_run_id = EXCLUDED.last_run_id""",
            (topic, rec.stage, rec.item_key, rec.reason, rec.reason_class, rec.feed_url, rec.expectation,
             rec.value, Jsonb(rec.payload), run, run),
        )
        count += 1
    return count


def resolve(conn: psycopg.Connection, topic: str, article_ids: list[int]) -> list[dict[str, Any]]:
    """Open quarantine rows of the topic about an article stored now (its canonical URL or its
    GUID was the key) are resolved by it. Returns the rows resolved."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """UPDATE quarantine q SET resolved_at = now(), resolved_by_article_id = a.id
               FROM articles a
               WHERE a.id = ANY(%s) AND q.topic = %s AND q.resolved_at IS NULL
                 AND (q.item_key = a.canonical_url OR q.item_key = a.guid)
               RETURNING q.stage, q.item_key, q.reason, q.first_run_id, a.id AS article_id""",
            (article_ids, topic))
        return cur.fetchall()


def quarantine_of_run(conn: psycopg.Connection, run: int) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT stage, item_key, reason, reason_class, feed_url, expectation, times_seen FROM quarantine
               WHERE last_run_id = %s ORDER BY reason_class DESC, stage, item_key""",
            (run,),
        )
        return cur.fetchall()


def resolved_in_run(conn: psycopg.Connection, run: int) -> list[dict[str, Any]]:
    """Records refused on an earlier night that this run's articles resolved."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT q.stage, q.item_key, q.reason, q.first_run_id, q.resolved_by_article_id
               FROM quarantine q JOIN articles a ON a.id = q.resolved_by_article_id
               WHERE a.run_id = %s ORDER BY q.item_key""",
            (run,))
        return cur.fetchall()
