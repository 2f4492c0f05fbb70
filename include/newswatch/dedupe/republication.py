"""Storing a validated batch as originals and republications: a copy whose original is stored
points at it (`duplicate_of`); a copy whose original was refused by validation is the first of
its text kept, so it is stored as an original. Retries insert nothing twice (unique keys)."""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg

from newswatch import store
from newswatch.records import Article, DedupeBatch, ValidatedBatch


@dataclass
class StoredBatch:
    # URL → ('loaded' | 'copy' | 'conflict', article id): what the entry ledger counts
    outcomes: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    new_ids: list[int] = field(default_factory=list)  # originals stored now, in input order (claims are assessed)
    stored_ids: list[int] = field(default_factory=list)  # and the republications (indexed, given stories)
    copies: int = 0  # republications stored now


def store_batch(conn: psycopg.Connection, topic: str, run: int, validated: ValidatedBatch,
                deduped: DedupeBatch) -> StoredBatch:
    """Originals first, then republications (their originals may be in this batch). On a retry
    of a load that committed, nothing is new and the outcomes come from what is stored."""
    republished = {d.url: d for d in deduped.duplicates if d.article is not None}
    out = StoredBatch()
    for article in validated.valid:
        if article.url not in republished:
            extends = article.extends_id or (store.id_of_url(conn, article.extends_url) if article.extends_url else None)
            article_id = store.insert_article(conn, topic, article, run=run, extends=extends)
            if article_id is not None:
                out.new_ids.append(article_id)
            out.outcomes[article.url] = ("loaded", article_id) if article_id else _existing(conn, article, run)
    out.stored_ids = list(out.new_ids)
    for article in validated.valid:
        decision = republished.get(article.url)
        if decision is None:
            continue
        original = decision.duplicate_of_id or store.id_of_url(conn, decision.duplicate_of_url)
        if original is None:
            # its original was earlier in this batch and was not stored (quarantined by
            # validation): this copy is the first of its text we keep, so it is an original
            article_id = store.insert_article(conn, topic, article, run=run)
            if article_id is not None:
                out.new_ids.append(article_id)
                out.stored_ids.append(article_id)
            out.outcomes[article.url] = ("loaded", article_id) if article_id else _existing(conn, article, run)
            continue
        copy_id = store.insert_article(conn, topic, article, run=run, duplicate_of=original,
                                       duplicate_layer=decision.layer, similarity=decision.similarity)
        if copy_id is not None:
            out.copies += 1
            out.stored_ids.append(copy_id)
        kind, found = ("copy", copy_id) if copy_id else _existing(conn, article, run)
        out.outcomes[article.url] = ("copy" if kind == "loaded" else kind, found)
    return out


def _existing(conn: psycopg.Connection, article: Article, run: int) -> tuple[str, int | None]:
    """An insert that found the URL or GUID stored: by this run (a retried load) or another."""
    row = store.first_by_url_or_guid(conn, article.url, article.guid)
    if row is None:
        return "conflict", None
    return ("loaded" if row[1] == run else "conflict"), row[0]
