"""The seed corpus: articles the user already knows. Stored once, marked is_seed, and from
then on deduplicated against exactly like any stored article: seeds are in the near-duplicate
index (article_bands) and have story ids."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import psycopg

from newswatch.config import DedupeSettings, Topic
from newswatch.entities import EntityMatcher
from newswatch.records import Article
from newswatch.store import insert_article, seed_ids, unindexed_ids
from newswatch.textnorm import content_hash


def seed_url(topic: str, path: Path) -> str:
    """Seeds have no web address; this stable pseudo-URL is their unique key."""
    return f"seed://{topic}/{path.name}"


def read_seed(topic: str, path: Path, matcher: EntityMatcher | None = None) -> Article:
    raw = path.read_text(encoding="utf-8")
    lines = raw.strip().splitlines()
    title = lines[0].strip()
    body = "\n".join(lines[1:]).strip() or title
    return Article(
        url=seed_url(topic, path),
        guid=seed_url(topic, path),
        title=title,
        text=body,
        language="hi",
        source="seed corpus",
        fetched_at=datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc),
        content_hash=content_hash(body),
        extraction_method="seed",
        is_seed=True,
        entities=matcher.match(raw).as_dict() if matcher else {},
    )


def load_seeds(conn: psycopg.Connection, topic: str, seed_dir: Path,
               matcher: EntityMatcher | None = None, dedupe: DedupeSettings | None = None) -> tuple[int, int]:
    """Insert the seeds that are not stored yet and index every seed of the topic that is not
    in the near-duplicate index (also those stored before it existed). Returns (inserted now,
    seeds in the folder)."""
    from newswatch.dedupe import index_articles  # dedupe imports store; keep this module light

    paths = sorted(seed_dir.glob("*.txt"))
    if not paths:
        raise FileNotFoundError(f"no seed articles (*.txt) in {seed_dir}")
    inserted = sum(
        insert_article(conn, topic, read_seed(topic, path, matcher), run=None) is not None for path in paths
    )
    index_articles(conn, dedupe, unindexed_ids(conn, topic, seeds_only=True))
    return inserted, len(paths)


def load_topic_seeds(conn: psycopg.Connection, topic: Topic) -> tuple[int, int]:
    """The topic's seed corpus, with its gazetteer entities, indexed, grouped into stories, and
    its claims stored as known: the one way every caller stores seeds."""
    from newswatch.claims.novelty import assess_seeds
    from newswatch.stories import assign_stories

    result = load_seeds(conn, topic.name, topic.seed_path(), EntityMatcher(topic.gazetteer), topic.dedupe)
    assign_stories(conn, topic, seed_ids(conn, topic.name))
    assess_seeds(conn, topic)  # after the stories: claims carry their story
    return result
