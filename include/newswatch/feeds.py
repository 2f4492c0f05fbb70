"""Feed parsing with feedparser: entries → typed FeedEntry records scored for relevance.

A bozo feed whose entries are usable is kept with a warning; a feed that yields nothing is a
parse error. Entries without a usable link are quarantined, never dropped silently.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timezone
from urllib.parse import quote_plus, urljoin

import feedparser
from bs4 import BeautifulSoup

from newswatch.config import Topic
from newswatch.records import FeedEntry, FeedResult, FeedSpec, QuarantineRecord
from newswatch.relevance import RelevanceScorer
from newswatch.urls import UnsafeUrlError, canonical_url

GOOGLE_NEWS_SEARCH = "https://news.google.com/rss/search?q={query}&hl={hl}&gl={gl}&ceid={gl}:{hl}"


def plan(topic: Topic) -> list[FeedSpec]:
    """The topic's feeds plus one Google News search feed per edition (e.g. hi-IN, en-IN)."""
    specs = [FeedSpec(url=f.url, name=f.name, language=f.language) for f in topic.feeds]
    if topic.search and topic.search.enabled:
        for edition in topic.search.editions:
            lang, _, country = edition.partition("-")
            query = search_query(topic, lang)
            url = GOOGLE_NEWS_SEARCH.format(query=quote_plus(query), hl=lang, gl=country or "IN")
            specs.append(FeedSpec(url=url, name=f"Google News search ({edition})", language=lang, kind="search"))
    return specs


def search_query(topic: Topic, lang: str) -> str:
    """AND of the required keyword groups, each an OR of its aliases in `lang`."""
    clauses = []
    for group in topic.keyword_groups:
        if not group.required:
            continue
        terms = getattr(group.terms, lang, None) or group.terms.all()
        clauses.append("(" + " OR ".join(f'"{term}"' for term in terms) + ")")
    return " ".join(clauses)


def _plain(html: str) -> str:
    if "<" not in html:
        return " ".join(html.split())
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def _entry_date(entry: feedparser.FeedParserDict) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)


def parse_feed(body: bytes, headers: dict[str, str], spec: FeedSpec, scorer: RelevanceScorer) -> FeedResult:
    """Parse a fetched feed body. Never raises for bad content: it is reported in the result."""
    parsed = feedparser.parse(body, response_headers=headers)
    result = FeedResult(feed_url=spec.url, feed_name=spec.name, status="ok", entries_seen=len(parsed.entries))
    if parsed.bozo:
        problem = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}"
        if not parsed.entries:
            result.status, result.error_class, result.error = "error", "parse_error", f"unparseable feed: {problem}"
            return result
        result.warnings.append(f"feed is malformed but its entries are usable ({problem})")
    base_url = headers.get("content-location") or spec.url
    seen_guids: set[str] = set()
    for entry in parsed.entries:
        title = _plain(entry.get("title", "")).strip()
        raw_link = (entry.get("link") or "").strip()
        guid = (entry.get("id") or "").strip()
        if not raw_link:
            result.quarantined.append(QuarantineRecord(
                stage="fetch", reason="entry has no link", item_key=guid or f"{spec.url}#{title[:80]}",
                feed_url=spec.url, payload={"title": title, "guid": guid}))
            continue
        try:
            url = canonical_url(urljoin(base_url, raw_link))
        except UnsafeUrlError:
            result.quarantined.append(QuarantineRecord(
                stage="fetch", reason="entry link is not http(s)", item_key=guid or raw_link[:200],
                feed_url=spec.url, value=raw_link[:200], payload={"title": title, "guid": guid}))
            continue
        guid = guid or url
        if guid in seen_guids:
            result.warnings.append(f"duplicate GUID in feed: {guid}")
            continue
        seen_guids.add(guid)
        summary = _plain(entry.get("summary", ""))
        relevance = scorer.score(f"{title}\n{summary}")
        if not relevance.relevant:
            result.irrelevant += 1
            continue
        result.entries.append(FeedEntry(
            feed_url=spec.url, guid=guid, url=url, raw_url=raw_link, title=title, summary=summary,
            published_at=_entry_date(entry), language=spec.language,
            relevance=relevance.score, matched_terms=relevance.matched_terms))
    return result
