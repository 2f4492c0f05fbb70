"""The analyst views of migration 0005 (v_runs, v_quarantine_reasons_daily, v_feed_health), read
for `newswatch report`."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row


def _rows(conn: psycopg.Connection, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params)
        return cur.fetchall()


def last_runs(conn: psycopg.Connection, topic: str, limit: int) -> list[dict[str, Any]]:
    """The topic's last runs, newest first, with the suites that failed and how many ran."""
    return _rows(conn, """
        SELECT v.*, r.durations,
               (SELECT string_agg(suite, ', ' ORDER BY id) FROM validation_results
                 WHERE run_id = v.id AND NOT success) AS failed_suites,
               (SELECT count(*) FROM validation_results WHERE run_id = v.id) AS suites
        FROM v_runs v JOIN runs r ON r.id = v.id
        WHERE v.topic = %(topic)s ORDER BY v.id DESC LIMIT %(limit)s""", {"topic": topic, "limit": limit})


def quarantine_reasons(conn: psycopg.Connection, topic: str, days: int) -> list[dict[str, Any]]:
    return _rows(conn, """
        SELECT day, stage, reason, records, example FROM v_quarantine_reasons_daily
        WHERE topic = %(topic)s AND day > (now() AT TIME ZONE 'UTC')::date - %(days)s
        ORDER BY day DESC, records DESC, stage, reason""", {"topic": topic, "days": days})


def feed_health(conn: psycopg.Connection, topic: str) -> list[dict[str, Any]]:
    """Every feed of the topic, those not ok first."""
    return _rows(conn, """
        SELECT * FROM v_feed_health WHERE topic = %(topic)s
        ORDER BY health <> 'ok', name""", {"topic": topic})
