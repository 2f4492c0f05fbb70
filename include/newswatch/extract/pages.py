"""Article pages: fetched in parallel (at most `http.per_host` at once to one site), only
where robots.txt allows, extracted, and turned into Article records or quarantine records.
Each page runs under the isolation guard: a page that makes us raise unexpectedly is a `bug`
quarantine record, and the other pages go on."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from urllib.parse import urlsplit

from newswatch.config import Topic
from newswatch.extract.article import ExtractionError, extract_article
from newswatch.extract.entities import EntityMatcher
from newswatch.ingest.http import FetchError, fetch
from newswatch.ingest.robots import RobotsCache
from newswatch.isolation import guarded
from newswatch.records import Article, FeedEntry, QuarantineRecord
from newswatch.text.sanitize import LIMITS, plain_text
from newswatch.text.urls import UnsafeUrlError, canonical_url


def fetch_articles(topic: Topic, entries: list[FeedEntry]) -> tuple[list[Article], list[QuarantineRecord]]:
    """Articles and refusals, in feed order whatever finishes first."""
    robots = RobotsCache(topic.http, topic.contact) if topic.http.respect_robots else None
    matcher = EntityMatcher(topic.gazetteer)
    hosts = {urlsplit(e.raw_url).netloc: threading.Semaphore(topic.http.per_host) for e in entries}

    def one(entry: FeedEntry) -> Article | QuarantineRecord:
        with hosts[urlsplit(entry.raw_url).netloc]:
            return guarded("extract", entry.url, _extract_one, topic, entry, robots, matcher,
                           feed_url=entry.feed_url, entry_position=entry.position,
                           payload=entry.model_dump(mode="json"))

    articles: list[Article] = []
    refused: list[QuarantineRecord] = []
    with ThreadPoolExecutor(max_workers=topic.http.max_parallel) as pool:
        for outcome in pool.map(one, entries):
            (articles if isinstance(outcome, Article) else refused).append(outcome)
    return articles, refused


def _extract_one(topic: Topic, entry: FeedEntry, robots: RobotsCache | None,
                 matcher: EntityMatcher) -> Article | QuarantineRecord:
    def refuse(reason: str) -> QuarantineRecord:
        return QuarantineRecord(stage="extract", reason=reason, item_key=entry.url, feed_url=entry.feed_url,
                                entry_position=entry.position, payload=entry.model_dump(mode="json"))

    if robots is not None and not robots.allowed(entry.raw_url):
        return refuse("robots.txt disallows fetching this page")
    try:
        response = fetch(entry.raw_url, topic.http, topic.contact)
        return _article_from_page(entry, response.body, response.content_type, response.url, matcher,
                                  topic.timezone_for(response.url, entry.feed_url))
    except FetchError as exc:
        return refuse(f"page fetch failed ({exc.error_class}): {exc}")
    except ExtractionError as exc:
        return refuse(f"extraction failed: {exc}")


def _article_from_page(entry: FeedEntry, body: bytes, content_type: str, final_url: str,
                       matcher: EntityMatcher, site_tz: str | None = None) -> Article:
    # site_tz: the publisher's zone for page times written without an offset (Topic.timezone_for)
    page = extract_article(body, final_url, content_type, feed_summary=entry.summary, site_tz=site_tz)
    if not page.text.strip():
        raise ExtractionError("the page has no article text")
    if page.is_paywalled:
        # A teaser is never taken as the article: its text would hash, dedupe and alert wrongly.
        raise ExtractionError("paywalled or teaser page: the visible text is shorter than the feed's summary "
                              "or the page carries paywall markers")
    url = entry.url
    if page.canonical_url:
        try:
            url = canonical_url(page.canonical_url)
        except (UnsafeUrlError, ValueError, TypeError):
            pass  # a hostile rel=canonical cannot redirect our key; keep the feed's URL
    # The record cleans every field (newswatch.text.sanitize: plain text, http(s) URLs, bounded) and
    # hashes the text as stored; a markup-only site name falls back to the host.
    return Article(
        url=url, guid=entry.guid, feed_url=entry.feed_url, entry_position=entry.position,
        title=plain_text(page.title or "", LIMITS["title"]) or entry.title, text=page.text,
        summary=entry.summary or page.summary, language=page.language or entry.language,
        source=page.site_name, author="; ".join(page.authors) or None,
        published_at=page.published_at or entry.published_at,
        date_source="page" if page.published_at else entry.date_source, modified_at=page.modified_at,
        image_url=page.image_url, is_paywalled=page.is_paywalled,
        entities=matcher.match(f"{page.title}\n{page.text}").as_dict(), fetched_at=datetime.now(timezone.utc),
        relevance=entry.relevance, matched_terms=entry.matched_terms, extraction_method=page.method,
    )
