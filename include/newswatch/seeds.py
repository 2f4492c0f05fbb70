"""The seed corpus: articles the user already knows. Stored once, marked is_seed, and from
then on deduplicated against exactly like any stored article: seeds are in the near-duplicate
index (article_bands) and have story ids."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import psycopg

from newswatch.config import SeedCorpusError, Topic
from newswatch.extract.entities import EntityMatcher
from newswatch.records import Article
from newswatch.store import insert_article, seed_ids


def seed_url(topic: str, path: Path) -> str:
    """Seeds have no web address; this stable pseudo-URL is their unique key."""
    return f"seed://{topic}/{path.name}"


def seed_paths(seed_dir: Path) -> list[Path]:
    """The seed files (*.txt) of a folder; a missing or empty folder is an error naming it."""
    if not seed_dir.is_dir():
        raise SeedCorpusError(f"seed folder {seed_dir} does not exist (seed_dir is relative to the topic "
                              "file that sets it)")
    paths = sorted(seed_dir.glob("*.txt"))
    if not paths:
        raise SeedCorpusError(f"no seed articles (*.txt) in {seed_dir}")
    return paths


def read_seed_text(path: Path) -> str:
    """A seed file's text: UTF-8, a title line and a body. Errors name the file."""
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SeedCorpusError(f"{path}: not UTF-8 (byte {exc.object[exc.start]:#04x} at offset {exc.start}); "
                              "save the seed file as UTF-8") from None
    except OSError as exc:
        raise SeedCorpusError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not raw.strip():
        raise SeedCorpusError(f"{path}: the seed file is empty")
    return raw


def corpus_problems(seed_dir: Path) -> list[str]:
    """Everything loading the seed folder would refuse, one message per problem (for `check`)."""
    try:
        paths = seed_paths(seed_dir)
    except SeedCorpusError as exc:
        return [str(exc)]
    problems = []
    for path in paths:
        try:
            read_seed_text(path)
        except SeedCorpusError as exc:
            problems.append(str(exc))
    return problems


def read_seed(topic: str, path: Path, matcher: EntityMatcher | None = None) -> Article:
    raw = read_seed_text(path)
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
        extraction_method="seed",
        is_seed=True,
        entities=matcher.match(raw).as_dict() if matcher else {},
    )


def load_seeds(conn: psycopg.Connection, topic: str, seed_dir: Path,
               matcher: EntityMatcher | None = None) -> tuple[int, int]:
    """Insert the seeds that are not stored yet. Returns (inserted now, seeds in the folder).
    Indexing, stories and claims follow in load_topic_seeds (newswatch.after_store)."""
    paths = seed_paths(seed_dir)
    articles = [read_seed(topic, path, matcher) for path in paths]  # every file readable, or none stored
    inserted = sum(insert_article(conn, topic, article, run=None) is not None for article in articles)
    return inserted, len(paths)


def load_topic_seeds(conn: psycopg.Connection, topic: Topic) -> tuple[int, int]:
    """The topic's seed corpus, with its gazetteer entities, indexed (also seeds stored before
    the index existed), grouped into stories, and its claims stored as known: the one way every
    caller stores seeds."""
    from newswatch.after_store import after_store  # the claims stack: not for `check`, which only reads files

    result = load_seeds(conn, topic.name, topic.seed_path(), EntityMatcher(topic.gazetteer))
    after_store(conn, topic, seed_ids(conn, topic.name), seeds=True)
    return result
