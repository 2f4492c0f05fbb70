"""The analyst views of migration 0005 (v_runs, v_quarantine_reasons_daily, v_feed_health), read
for `newswatch report` and the newswatch view in Airflow's UI (plugins/newswatch_airflow/view_app.py)."""

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


def latest_runs(conn: psycopg.Connection, topics: list[str]) -> dict[str, dict[str, Any]]:
    """topic → its newest run (v_runs' counts), for the topics that have one."""
    rows = _rows(conn, """
        SELECT DISTINCT ON (topic) * FROM v_runs WHERE topic = ANY(%(topics)s)
        ORDER BY topic, id DESC""", {"topics": topics})
    return {row["topic"]: row for row in rows}


def run_of(conn: psycopg.Connection, topic: str, run_id: str) -> dict[str, Any] | None:
    """One run of the topic by its Airflow run id (v_runs' counts, and the run's primary key `id`)."""
    rows = _rows(conn, "SELECT * FROM v_runs WHERE topic = %(topic)s AND run_id = %(run_id)s",
                 {"topic": topic, "run_id": run_id})
    return rows[0] if rows else None
