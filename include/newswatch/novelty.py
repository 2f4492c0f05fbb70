"""Which new articles are new developments, and why.

An article is a new development when it opens a new story (no article of an earlier run, and
no seed, is in its story) or carries at least one new claim (no known claim, from the seeds
and every earlier article, is a near-duplicate of it). The decision and its explanation (the
nearest known article, and for each claim the nearest known claim with its similarity) are
stored with the article and its claims, in the load transaction; the digest reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg
from psycopg.types.json import Jsonb

from newswatch.config import Topic


@dataclass
class Assessment:
    """What `assess_articles` decided, for the run's stats."""

    new_developments: list[int] = field(default_factory=list)
    not_new: list[int] = field(default_factory=list)
    new_stories: int = 0
    claims_total: int = 0
    claims_new: int = 0

    def stats(self) -> dict[str, int]:
        return {"new_developments": len(self.new_developments), "articles_not_new": len(self.not_new),
                "new_stories": self.new_stories, "claims_extracted": self.claims_total,
                "claims_new": self.claims_new}


def assess_articles(conn: psycopg.Connection, topic: Topic, article_ids: list[int]) -> Assessment:
    """Decide, in id order, for the articles stored by this load (an article's claims become
    known before the next article of the batch is judged)."""
    result = Assessment()
    for article_id in article_ids:
        title, story_id, run = conn.execute(
            "SELECT title, story_id, run_id FROM articles WHERE id = %s", (article_id,)).fetchone()
        new_story, nearest = _story_novelty(conn, article_id, story_id, run)
        why = "opens a new story" if new_story else "known story"
        is_new = new_story
        result.new_stories += new_story
        (result.new_developments if is_new else result.not_new).append(article_id)
        conn.execute("UPDATE articles SET is_new_development = %s, novelty = %s WHERE id = %s",
                     (is_new, Jsonb({"new_story": new_story, "why": why, "nearest": nearest}), article_id))
    return result


def _story_novelty(conn: psycopg.Connection, article_id: int, story_id: int | None,
                   run: int | None) -> tuple[bool, dict | None]:
    """(opens a new story, the story's first known article). A story is new when none of its
    articles is a seed or came in an earlier run."""
    if story_id is None:
        return True, None
    row = conn.execute(
        """SELECT id, title, canonical_url FROM articles
           WHERE story_id = %s AND id <> %s AND duplicate_of IS NULL AND (is_seed OR run_id IS DISTINCT FROM %s)
           ORDER BY id LIMIT 1""", (story_id, article_id, run)).fetchone()
    if row is None:
        return True, None
    return False, {"id": row[0], "title": row[1], "url": row[2]}
