"""Feed parsing with feedparser: entries → typed FeedEntry records scored for relevance.

A bozo feed whose entries are usable is kept with a warning; a feed that yields nothing is a
parse error. Entries without a usable link are quarantined, never dropped silently; an entry
repeated in its feed is a duplicate of its first copy.
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
from datetime import datetime, timedelta, timezone
from urllib.parse import quote_plus, urljoin

import feedparser
import regex
from bs4 import BeautifulSoup

from newswatch.config import Topic
from newswatch.ingest import google_news
from newswatch.ingest.relevance import RelevanceScorer
from newswatch.isolation import guarded
from newswatch.records import DuplicateDecision, EntryNote, FeedEntry, FeedResult, FeedSpec, QuarantineRecord
from newswatch.text.charsets import UndecodableError, decode, header_charset
from newswatch.text.sanitize import MAX_URL
from newswatch.text.urls import UnsafeUrlError, canonical_url

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
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
    except (ValueError, OverflowError, OSError, TypeError):  # a year 99999, a broken struct: no date
        return None


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
    """Parse a fetched feed body. Never raises for bad content: it is reported in the result.

    Every entry of a feed that parses ends in exactly one place (newswatch.quality.accounting): relevant
    (`entries`), not relevant (`irrelevant_entries`), refused (`quarantined`, with the reason) or
    the same entry again (`duplicates`: a repeated GUID, or an identical link-less entry). Each
    entry is handled under the isolation guard: one that makes us raise is a `bug` record. A feed
    that does not parse (or parses to nothing) is a feed error and yields no entries."""
    result = FeedResult(feed_url=spec.url, feed_name=spec.name, status="ok")
    try:
        utf8, warning = _as_utf8(body, headers)
    except UndecodableError as exc:
        result.status, result.error_class, result.error = "error", "parse_error", f"undecodable feed: {exc}"
        return result
    if warning:
        result.warnings.append(warning)
    parsed = feedparser.parse(utf8, response_headers={"content-type": "application/xml; charset=utf-8"})
    if parsed.bozo:
        problem = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}"
        if not any(entry.get("link") for entry in parsed.entries):  # truncated or garbage: nothing usable
            partial = f" ({len(parsed.entries)} partial entries without links not read)" if parsed.entries else ""
            result.status, result.error_class = "error", "parse_error"
            result.error = f"unparseable feed: {problem}{partial}"
            return result
        result.warnings.append(f"feed is malformed but its entries are usable ({problem})")
    if not parsed.entries:
        result.status, result.error_class, result.error = "error", "empty", "the feed has no entries"
        return result
    result.entries_seen = len(parsed.entries)
    reader = _EntryReader(spec, scorer, fetched_at, max_future, base_url or spec.url)
    for position, entry in enumerate(parsed.entries):
        outcome = guarded("fetch", _label(entry, spec, position), reader.read, entry, position,
                          feed_url=spec.url, entry_position=position,
                          payload={"title": str(entry.get("title", ""))[:300], "link": str(entry.get("link", ""))[:500]})
        if isinstance(outcome, FeedEntry):
            result.entries.append(outcome)
        elif isinstance(outcome, QuarantineRecord):
            result.quarantined.append(outcome)
        elif isinstance(outcome, EntryNote):
            result.irrelevant_entries.append(outcome)
        else:
            result.duplicates.append(outcome)
            if outcome.layer == "guid":
                result.warnings.append(f"duplicate GUID in feed: {outcome.guid}")
    result.irrelevant = len(result.irrelevant_entries)
    return result


def _label(entry: feedparser.FeedParserDict, spec: FeedSpec, position: int) -> str:
    return str(entry.get("id") or entry.get("link") or f"{spec.url}#entry-{position}")[:500]


class _EntryReader:
    """One feed entry → FeedEntry | QuarantineRecord | EntryNote | DuplicateDecision."""

    def __init__(self, spec: FeedSpec, scorer: RelevanceScorer, fetched_at: datetime, max_future: timedelta,
                 base: str) -> None:
        self.spec, self.scorer, self.fetched_at, self.max_future, self.base = spec, scorer, fetched_at, max_future, base
        self.first: dict[str, tuple[int, str]] = {}  # entry key → (position, URL or key) of its first entry

    def _again(self, key: str, position: int, title: str, guid: str, url: str | None):
        """The same entry earlier in this feed: a DuplicateDecision; else None (and remember it)."""
        if key not in self.first:
            self.first[key] = (position, url or key)
            return None
        earlier, earlier_url = self.first[key]
        return DuplicateDecision(url=url or key, guid=guid or None, title=title or "(no title)",
                                 feed_url=self.spec.url, entry_position=position,
                                 layer="guid" if guid else "url", duplicate_of_url=earlier_url,
                                 rule=None, similarity=1.0)

    def read(self, entry: feedparser.FeedParserDict, position: int):
        spec = self.spec
        title = _plain(str(entry.get("title", ""))).strip()
        raw_link = str(entry.get("link") or "").strip()
        guid = str(entry.get("id") or "").strip()
        summary = _plain(str(entry.get("summary", "")))

        def refuse(reason: str, key: str, value: str | None = None) -> QuarantineRecord:
            return QuarantineRecord(
                stage="fetch", reason=reason, item_key=key, feed_url=spec.url, entry_position=position,
                value=value, payload={"title": title, "guid": guid, "link": raw_link[:500]})

        if not raw_link:
            # no GUID either: the entry's own content is its key, so two different link-less
            # entries are two records and the same one repeated is a duplicate, not a second refusal
            key = guid or f"{spec.url}#nolink:{_digest(title, summary, str(entry.get('published', '')))}"
            return self._again(key, position, title, guid, None) or refuse("entry has no link", key)
        try:
            link = urljoin(self.base, raw_link)
            if spec.kind == "search" and google_news.is_google_news(link):
                link = google_news.publisher_url(link) or link  # opaque new-style ids stay Google links
            url = canonical_url(link)
        except UnsafeUrlError as exc:
            why = "entry link is not http(s)" if str(exc).startswith("not an http(s) URL") \
                else f"entry link is malformed ({exc})"
            return self._again(guid or raw_link, position, title, guid, None) or \
                refuse(why, guid or raw_link[:300], raw_link[:200])
        except ValueError as exc:  # urljoin on a broken [IPv6] host: http://[::1/x
            return self._again(guid or raw_link, position, title, guid, None) or \
                refuse(f"entry link is malformed ({exc})", guid or raw_link[:300], raw_link[:200])
        if len(url) > MAX_URL or len(link) > MAX_URL:
            return refuse(f"entry link is longer than {MAX_URL} characters", guid[:300] or url[:300], link[:200])
        duplicate = self._again(guid or url, position, title, guid, url)
        if duplicate:
            return duplicate
        published = _entry_date(entry)
        if published and published > self.fetched_at + self.max_future:
            return refuse("entry date is in the future", guid or url, published.isoformat())
        relevance = self.scorer.score(f"{title}\n{summary}")
        if not relevance.relevant:
            terms = f"; matched {', '.join(relevance.matched_terms)}" if relevance.matched_terms else ""
            return EntryNote(position=position, item_key=guid or url, title=title,
                             reason=f"not relevant: score {relevance.score:.2f}, threshold {self.scorer.threshold}{terms}")
        return FeedEntry(
            feed_url=spec.url, position=position, guid=guid or url, url=url, raw_url=link, title=title,
            summary=summary, published_at=published or self.fetched_at,
            date_source="feed" if published else "fetch_time", language=spec.language,
            relevance=relevance.score, matched_terms=relevance.matched_terms)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]
