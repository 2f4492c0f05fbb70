"""The `validation_results` and `entry_outcomes` tables: each suite's result per run, the ledger of
entries, and the recent counts the batch checks compare with. Callers own transactions."""

from __future__ import annotations

import json
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb


def recent_relevant(conn: psycopg.Connection, topic: str, run: int, limit: int) -> list[int]:
    """Relevant-entry counts of the topic's latest successful runs that saw entries (not this run)."""
    rows = conn.execute(
        """SELECT (stats->>'entries_relevant')::int FROM runs
           WHERE topic = %s AND id <> %s AND status = 'success' AND (stats->>'entries_seen')::int > 0
             AND stats ? 'entries_relevant'
           ORDER BY id DESC LIMIT %s""",
        (topic, run, limit),
    ).fetchall()
    return [row[0] for row in rows]


def store_result(conn: psycopg.Connection, run: int, suite: str, stage: str, *, success: bool,
                 evaluated: int, failed: int, summary: dict[str, Any], result: dict[str, Any]) -> None:
    conn.execute(
        """INSERT INTO validation_results (run_id, suite, stage, success, evaluated, failed, summary, result)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (run_id, suite) DO UPDATE SET
             stage = EXCLUDED.stage, success = EXCLUDED.success, evaluated = EXCLUDED.evaluated,
             failed = EXCLUDED.failed, summary = EXCLUDED.summary, result = EXCLUDED.result,
             validated_at = now()""",
        (run, suite, stage, success, evaluated, failed, Jsonb(summary),
         Jsonb(json.loads(json.dumps(result, default=str)))),
    )


def results_of_run(conn: psycopg.Connection, run: int) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("""SELECT suite, stage, success, evaluated, failed, summary, validated_at
                       FROM validation_results WHERE run_id = %s ORDER BY id""", (run,))
        return cur.fetchall()


def insert_entry_outcomes(conn: psycopg.Connection, run: int, outcomes: list) -> None:
    """One `entry_outcomes` row per entry (newswatch.quality.accounting); a retried load keeps its rows."""
    with conn.cursor() as cur:
        cur.executemany(
            """INSERT INTO entry_outcomes (run_id, feed_url, position, outcome, stage, reason, item_key, title,
                                           article_id, duplicate_of_url)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING""",
            [(run, o.feed_url, o.position, o.outcome, o.stage, o.reason[:2000], o.item_key, (o.title or "")[:500],
              o.article_id, o.duplicate_of_url) for o in outcomes])


def stored_gx_results(conn: psycopg.Connection, topic: str | None, runs: int) -> list[dict[str, Any]]:
    """The Great Expectations results of the last `runs` runs (of one topic, or all), oldest first."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT v.suite, v.result, r.topic, r.run_id, r.started_at FROM validation_results v
               JOIN runs r ON r.id = v.run_id
               WHERE v.run_id IN (SELECT id FROM runs WHERE %(topic)s::text IS NULL OR topic = %(topic)s
                                  ORDER BY id DESC LIMIT %(runs)s)
                 AND v.result ? 'statistics'
               ORDER BY v.id""",
            {"topic": topic, "runs": runs},
        )
        return cur.fetchall()

