"""The seed corpus: articles the user already knows. Stored once, marked is_seed, and from
then on deduplicated against exactly like any stored article."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import psycopg

from newswatch.config import Topic
from newswatch.entities import EntityMatcher
from newswatch.records import Article
from newswatch.store import insert_article
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
               matcher: EntityMatcher | None = None) -> tuple[int, int]:
    """Insert the seeds that are not stored yet. Returns (inserted now, seeds in the folder)."""
    paths = sorted(seed_dir.glob("*.txt"))
    if not paths:
        raise FileNotFoundError(f"no seed articles (*.txt) in {seed_dir}")
    inserted = sum(
        insert_article(conn, topic, read_seed(topic, path, matcher), run=None) is not None for path in paths
    )
    return inserted, len(paths)


def load_topic_seeds(conn: psycopg.Connection, topic: Topic) -> tuple[int, int]:
    """The topic's seed corpus, with its gazetteer entities: the one way every caller stores seeds."""
    return load_seeds(conn, topic.name, topic.seed_path(), EntityMatcher(topic.gazetteer))
