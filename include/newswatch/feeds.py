"""Feed parsing with feedparser: entries → typed FeedEntry records scored for relevance.

A bozo feed whose entries are usable is kept with a warning; a feed that yields nothing is a
parse error. Entries without a usable link are quarantined, never dropped silently.
"""

from __future__ import annotations

import calendar
import codecs
from datetime import datetime, timedelta, timezone
from urllib.parse import quote_plus, urljoin

import feedparser
import regex
from bs4 import BeautifulSoup

from newswatch import google_news
from newswatch.charsets import UndecodableError, decode, header_charset
from newswatch.config import Topic
from newswatch.records import FeedEntry, FeedResult, FeedSpec, QuarantineRecord
from newswatch.relevance import RelevanceScorer
from newswatch.urls import UnsafeUrlError, canonical_url

_XML_ENCODING = regex.compile(rb"""^\s*(?:\xef\xbb\xbf)?<\?xml[^>]*encoding=["']([A-Za-z0-9_\-.]+)["']""")
_XML_DECL = regex.compile(r"^\s*<\?xml[^>]*\?>")
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


def _same_charset(a: str, b: str) -> bool:
    try:
        return codecs.lookup(a).name == codecs.lookup(b).name
    except LookupError:  # an unknown label never matches
        return False


def _as_utf8(body: bytes, headers: dict[str, str]) -> tuple[bytes, str | None]:
    """Re-encode the feed as UTF-8 with a matching XML declaration, so feedparser never trusts
    a wrong label (Hindi feeds served as windows-1252 are common). Returns (bytes, warning)."""
    decl = _XML_ENCODING.search(body[:512])
    declared = [header_charset(headers.get("content-type")), decl.group(1).decode("ascii") if decl else None]
    text, used = decode(body, declared)
    stated = next((c.lower() for c in declared if c), None)
    warning = None
    if stated and not _same_charset(stated, used.replace("-sig", "")):
        warning = f"feed declares {stated} but its bytes are {used}: decoded as {used}"
    text = _XML_DECL.sub('<?xml version="1.0" encoding="utf-8"?>', text.lstrip("\ufeff"), count=1)
    return text.encode("utf-8"), warning


def parse_feed(body: bytes, headers: dict[str, str], spec: FeedSpec, scorer: RelevanceScorer,
               fetched_at: datetime, max_future: timedelta = timedelta(hours=24),
               base_url: str | None = None) -> FeedResult:
    """Parse a fetched feed body. Never raises for bad content: it is reported in the result."""
    result = FeedResult(feed_url=spec.url, feed_name=spec.name, status="ok")
    try:
        utf8, warning = _as_utf8(body, headers)
    except UndecodableError as exc:
        result.status, result.error_class, result.error = "error", "parse_error", f"undecodable feed: {exc}"
        return result
    if warning:
        result.warnings.append(warning)
    parsed = feedparser.parse(utf8, response_headers={"content-type": "application/xml; charset=utf-8"})
    result.entries_seen = len(parsed.entries)
    if parsed.bozo:
        problem = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}"
        if not any(entry.get("link") for entry in parsed.entries):  # truncated or garbage: nothing usable
            result.status, result.error_class, result.error = "error", "parse_error", f"unparseable feed: {problem}"
            return result
        result.warnings.append(f"feed is malformed but its entries are usable ({problem})")
    if not parsed.entries:
        result.status, result.error_class, result.error = "error", "empty", "the feed has no entries"
        return result
    base = base_url or spec.url
    seen_guids: set[str] = set()
    for entry in parsed.entries:
        title = _plain(entry.get("title", "")).strip()
        raw_link = (entry.get("link") or "").strip()
        guid = (entry.get("id") or "").strip()

        def refuse(reason: str, value: str | None = None) -> None:
            result.quarantined.append(QuarantineRecord(
                stage="fetch", reason=reason, item_key=guid or raw_link[:300] or f"{spec.url}#{title[:80]}",
                feed_url=spec.url, value=value, payload={"title": title, "guid": guid, "link": raw_link[:500]}))

        if not raw_link:
            refuse("entry has no link")
            continue
        link = urljoin(base, raw_link)
        if spec.kind == "search" and google_news.is_google_news(link):
            link = google_news.publisher_url(link) or link  # opaque new-style ids stay Google links
        try:
            url = canonical_url(link)
        except UnsafeUrlError:
            refuse("entry link is not http(s)", raw_link[:200])
            continue
        published = _entry_date(entry)
        if published and published > fetched_at + max_future:
            refuse("entry date is in the future", published.isoformat())
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
            feed_url=spec.url, guid=guid, url=url, raw_url=link, title=title, summary=summary,
            published_at=published or fetched_at, date_source="feed" if published else "fetch_time",
            language=spec.language, relevance=relevance.score, matched_terms=relevance.matched_terms))
    return result
