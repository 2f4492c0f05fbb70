"""Novelty per article (`articles.novelty`, `is_new_development`) and what the digest reads of a run. Parametrised queries only; callers own transactions."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb


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


def story_heads(conn: psycopg.Connection, story_ids: list[int]) -> dict[int, dict[str, Any]]:
    """story id → its first stored article (a seed, for a story the user already knows)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT DISTINCT ON (story_id) story_id, id, title, canonical_url, is_seed FROM articles
               WHERE story_id = ANY(%s) AND duplicate_of IS NULL ORDER BY story_id, id""",
            (story_ids,),
        )
        return {row["story_id"]: row for row in cur}


def earlier_in_story(conn: psycopg.Connection, story_id: int, before_id: int, limit: int) -> list[dict[str, Any]]:
    """The story's articles stored before `before_id` (seeds first, then the newest), at most `limit`."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, title, text, language, canonical_url, is_seed, run_id FROM articles
               WHERE story_id = %s AND id < %s AND duplicate_of IS NULL
               ORDER BY is_seed DESC, id DESC LIMIT %s""",
            (story_id, before_id, limit),
        )
        return cur.fetchall()


def known_in_story(conn: psycopg.Connection, story_id: int, article_id: int, run: int | None) -> dict[str, Any] | None:
    """The story's first article the reader already knew of (a seed, or one stored by another
    run), or None: then the story is new in this run."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, title, canonical_url FROM articles
               WHERE story_id = %s AND id <> %s AND duplicate_of IS NULL AND (is_seed OR run_id IS DISTINCT FROM %s)
               ORDER BY id LIMIT 1""",
            (story_id, article_id, run),
        )
        return cur.fetchone()


def set_novelty(conn: psycopg.Connection, article_id: int, is_new: bool, novelty: dict[str, Any]) -> None:
    conn.execute("UPDATE articles SET is_new_development = %s, novelty = %s WHERE id = %s",
                 (is_new, Jsonb(novelty), article_id))


def unassessed_seeds(conn: psycopg.Connection, topic: str) -> list[int]:
    return [row[0] for row in conn.execute(
        "SELECT id FROM articles WHERE topic = %s AND is_seed AND is_new_development IS NULL ORDER BY id",
        (topic,))]


def novelty_of_run(conn: psycopg.Connection, run: int) -> list[dict[str, Any]]:
    """The run's new (non-duplicate) articles with their novelty decision, new developments first."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, title, is_new_development, novelty FROM articles
               WHERE run_id = %s AND duplicate_of IS NULL AND NOT is_seed
               ORDER BY is_new_development DESC NULLS LAST, id""",
            (run,),
        )
        return cur.fetchall()
