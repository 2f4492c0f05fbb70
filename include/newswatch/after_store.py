"""What follows storing articles, in one place for the load, the seeds and the backfill: the
near-duplicate index, then stories, then claims (novelty reads the stories; claims carry their
story). Each step skips what it already did, so a retried load repeats nothing."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import psycopg

from newswatch import store
from newswatch.claims import novelty
from newswatch.config import Topic
from newswatch.dedupe import layers, stories


@dataclass
class AfterStore:
    indexed: int = 0  # band rows written
    stories: dict[int, int] = field(default_factory=dict)  # article id → story id, newly assigned
    assessment: novelty.Assessment | None = None  # None: no claims assessed this call
    claims_s: float = 0.0  # time spent on claims


def after_store(conn: psycopg.Connection, topic: Topic, stored: Sequence[int], *,
                assess: Sequence[int] | None = None, seeds: bool = False) -> AfterStore:
    """Index and group into stories the `stored` articles; then assess the claims of `assess`
    (the load's new originals, not its republications) or, with `seeds`, store the topic's
    unassessed seeds' claims as known."""
    done = AfterStore(indexed=layers.index_articles(conn, topic, stored))
    done.stories = stories.assign_stories(conn, topic, stored)
    started = time.perf_counter()
    if seeds:
        novelty.assess_seeds(conn, topic)
    elif assess is not None:  # the load asks even with nothing new (a retried load)
        done.assessment = novelty.assess_articles(conn, topic, list(assess))
    done.claims_s = round(time.perf_counter() - started, 3)
    return done


def index_unindexed(conn: psycopg.Connection, topic: Topic, chunk: int = 5000) -> int:
    """Backfill: index every article of the topic stored before the index existed, and give
    those without a story one. One query when there is nothing to do (every run asks)."""
    total = 0
    while ids := store.unindexed_ids(conn, topic.name, limit=chunk):
        total += len(ids)
        after_store(conn, topic, ids)
    return total


def reindex(conn: psycopg.Connection, topic: Topic, chunk: int = 5000) -> int:
    """Rebuild the topic's index (after changing shingle_size, bands or rows)."""
    store.clear_index(conn, topic.name)
    return index_unindexed(conn, topic, chunk)


def ensure_index(conn: psycopg.Connection, topic: Topic) -> int:
    """Keep the topic's index fitting its settings: after a change of shingle_size, bands or
    rows in the topic file, the stored band hashes match nothing new, so rebuild them (once);
    then index whatever was stored before the index existed. Returns articles (re)indexed."""
    wanted = (topic.dedupe.shingle_size, topic.dedupe.bands, topic.dedupe.rows)
    built = store.index_settings(conn, topic.name)
    store.record_index_settings(conn, topic.name, wanted)
    if built is not None and tuple(built) != wanted:
        return reindex(conn, topic)
    return index_unindexed(conn, topic)
