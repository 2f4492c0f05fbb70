"""The `runs` table: a run's row, its stats and failure, and the counts read back from it. Parametrised queries only; callers own transactions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb


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
                  status = COALESCE(%s, status), heartbeat_at = now(),
                  finished_at = CASE WHEN %s THEN now() ELSE finished_at END
           WHERE id = %s""",
        (Jsonb(stats or {}), Jsonb(durations or {}), status, finished, run),
    )


def mark_run_failed(conn: psycopg.Connection, topic: str, run_id: str, reason: str, stage: str) -> None:
    """Mark a run failed and finished; a failure a stage already recorded is kept, not replaced."""
    conn.execute(
        """UPDATE runs SET status = 'failed', finished_at = COALESCE(finished_at, now()),
                  stats = CASE WHEN stats ? 'failure' THEN stats
                               ELSE stats || jsonb_build_object('failure', jsonb_build_object(
                                      'stage', %s::text, 'reason', %s::text)) END
           WHERE topic = %s AND run_id = %s""",
        (stage, reason, topic, run_id),
    )


def get_run(conn: psycopg.Connection, topic: str, run_id: str | None = None) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        if run_id is None:
            cur.execute("SELECT * FROM runs WHERE topic = %s ORDER BY id DESC LIMIT 1", (topic,))
        else:
            cur.execute("SELECT * FROM runs WHERE topic = %s AND run_id = %s", (topic, run_id))
        return cur.fetchone()


def recent_runs_entries(conn: psycopg.Connection, topic: str, limit: int) -> list[tuple[int, int]]:
    """(run id, entries seen) of the topic's latest runs that got as far as loading, newest first."""
    return conn.execute(
        """SELECT id, (stats->>'entries_seen')::int FROM runs
           WHERE topic = %s AND stats ? 'entries_seen' ORDER BY id DESC LIMIT %s""",
        (topic, limit),
    ).fetchall()


def run_counts(conn: psycopg.Connection, run: int) -> dict[str, int]:
    """What a run stored: articles, republications, new developments, stories opened, claims."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT count(*) FILTER (WHERE duplicate_of IS NULL) AS articles_loaded,
                      count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS republications_stored,
                      count(*) FILTER (WHERE is_new_development) AS new_developments,
                      count(*) FILTER (WHERE is_new_development IS FALSE) AS articles_not_new,
                      count(*) FILTER (WHERE (novelty->>'new_story')::boolean) AS new_stories,
                      (SELECT count(*) FROM claims c JOIN articles a ON a.id = c.article_id
                       WHERE a.run_id = %(run)s) AS claims_extracted,
                      (SELECT count(*) FROM claims c JOIN articles a ON a.id = c.article_id
                       WHERE a.run_id = %(run)s AND c.is_new) AS claims_new
               FROM articles WHERE run_id = %(run)s AND NOT is_seed""",
            {"run": run},
        )
        return cur.fetchone()


def run_started_at(conn: psycopg.Connection, run: int) -> datetime | None:
    row = conn.execute("SELECT started_at FROM runs WHERE id = %s", (run,)).fetchone()
    return row[0] if row else None
