"""Exact dedupe layers, cheapest first: canonical URL → GUID → normalised content hash,
against the seeds, every stored article, and the rest of the batch.

A copy at a URL we already store is not stored again (the decision is counted in the run);
a copy at a new URL (a republication) is stored with `duplicate_of` pointing at the original.
"""

from __future__ import annotations

import psycopg

from newswatch.records import Article, DedupeBatch, DuplicateDecision, FeedEntry
from newswatch.store import known_by_url_or_guid, originals_by_content_hash


def split_known_entries(conn: psycopg.Connection, entries: list[FeedEntry]) -> tuple[list[FeedEntry], list[DuplicateDecision]]:
    """Before fetching pages: drop entries whose URL or GUID is stored or earlier in the batch."""
    known = known_by_url_or_guid(conn, [e.url for e in entries], [e.guid for e in entries])
    fresh: list[FeedEntry] = []
    decisions: list[DuplicateDecision] = []
    batch_urls: set[str] = set()
    batch_guids: dict[str, str] = {}  # GUID → URL of the entry that carried it first
    for entry in entries:
        hit = known.get(entry.url) or known.get(entry.guid)
        if hit:
            article_id, original_url, layer = hit
        elif entry.url in batch_urls:
            article_id, original_url, layer = None, entry.url, "url"
        elif entry.guid in batch_guids:
            article_id, original_url, layer = None, batch_guids[entry.guid], "guid"
        else:
            batch_urls.add(entry.url)
            batch_guids[entry.guid] = entry.url
            fresh.append(entry)
            continue
        decisions.append(DuplicateDecision(
            url=entry.url, raw_url=entry.raw_url if entry.raw_url != entry.url else None, guid=entry.guid,
            title=entry.title, layer=layer, duplicate_of_id=article_id, duplicate_of_url=original_url))
    return fresh, decisions


def dedupe_articles(conn: psycopg.Connection, articles: list[Article]) -> DedupeBatch:
    """After extraction: the page's own canonical URL may reveal a stored article, and the
    text may be a known article's at another address."""
    known = known_by_url_or_guid(conn, [a.url for a in articles], [a.guid for a in articles if a.guid])
    originals = originals_by_content_hash(conn, [a.content_hash for a in articles])
    batch = DedupeBatch()
    seen_urls: set[str] = set()
    batch_hashes: dict[str, str] = {}
    for article in articles:
        hit = known.get(article.url) or (known.get(article.guid) if article.guid else None)
        if hit or article.url in seen_urls:
            article_id, original_url, layer = hit if hit else (None, article.url, "url")
            batch.duplicates.append(DuplicateDecision(
                url=article.url, guid=article.guid, title=article.title, layer=layer,
                duplicate_of_id=article_id, duplicate_of_url=original_url))
            continue
        seen_urls.add(article.url)
        original = originals.get(article.content_hash)
        if original or article.content_hash in batch_hashes:
            original_id, original_url = original if original else (None, batch_hashes[article.content_hash])
            batch.duplicates.append(DuplicateDecision(
                url=article.url, guid=article.guid, title=article.title, layer="content_hash",
                duplicate_of_id=original_id, duplicate_of_url=original_url, article=article))
            continue
        batch_hashes[article.content_hash] = article.url
        batch.new.append(article)
    return batch
