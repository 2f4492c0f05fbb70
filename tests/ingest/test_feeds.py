"""Feed parsing and relevance on Hindi and English entries (no network: bytes in, records out)."""

from datetime import datetime, timezone

import pytest
from conftest import ROOT
from newswatch.config import load_topic
from newswatch.ingest.feeds import parse_feed, plan
from newswatch.ingest.relevance import RelevanceScorer
from newswatch.records import FeedSpec

TOPIC = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
NOW = datetime(2026, 11, 21, tzinfo=timezone.utc)
SPEC = FeedSpec(url="https://hindi.example/feeds/world.xml", name="Hindi world", language="hi")


def _rss(items: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            f"<link>https://hindi.example/</link><description>d</description>{items}</channel></rss>").encode()


def _item(title: str, link: str | None, guid: str, description: str = "") -> str:
    link_xml = f"<link>{link}</link>" if link is not None else ""
    return (f"<item><title>{title}</title>{link_xml}<guid isPermaLink=\"false\">{guid}</guid>"
            f"<description>{description}</description><pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate></item>")


@pytest.fixture(scope="module")
def scorer():
    return RelevanceScorer(TOPIC)


def test_relative_links_resolve_and_tracking_params_go(scorer):
    body = _rss(_item("किम जोंग उन ने पुतिन से मुलाकात की", "/world/kim-putin.html?utm_source=rss", "g1"))
    result = parse_feed(body, {"content-type": "application/rss+xml"}, SPEC, scorer, NOW)
    [entry] = result.entries
    assert entry.url == "https://hindi.example/world/kim-putin.html"
    assert entry.published_at.isoformat() == "2026-11-20T08:00:00+00:00"
    assert entry.relevance > 0.5 and "पुतिन" in entry.matched_terms


def test_entries_without_a_safe_link_are_quarantined_with_the_reason(scorer):
    body = _rss(_item("रूस उत्तर कोरिया", None, "no-link") + _item("रूस उत्तर कोरिया", "javascript:alert(1)", "js"))
    result = parse_feed(body, {}, SPEC, scorer, NOW)
    assert result.entries == []
    assert [(q.item_key, q.reason) for q in result.quarantined] == [
        ("no-link", "entry has no link"), ("js", "entry link is not http(s)")]


def test_duplicate_guid_in_one_feed_is_kept_once_with_a_warning(scorer):
    item = _item("Kim Jong Un meets Putin", "https://hindi.example/a.html", "same")
    result = parse_feed(_rss(item + item.replace("a.html", "b.html")), {}, SPEC, scorer, NOW)
    assert len(result.entries) == 1 and result.warnings == ["duplicate GUID in feed: same"]
    # issue 11: the second entry is not just a log line: it is a duplicate of the first, on record
    [dup] = result.duplicates
    assert (dup.entry_position, dup.layer, dup.url, dup.duplicate_of_url) == (
        1, "guid", "https://hindi.example/b.html", "https://hindi.example/a.html")


@pytest.mark.parametrize("title, relevant", [
    ("उत्तर कोरिया के तानाशाह किम जोंग उन रूस पहुंचे", True),
    ("क़िम जोंग-उन और पुतिन की मुलाक़ात", True),  # nukta and hyphen variants
    ("Putin and Kim Jong-un sign arms pact", True),
    ("North Korea fires missiles into the sea", False),  # no Russia
    ("रूस ने यूक्रेन पर ड्रोन हमला किया", False),  # no North Korea
    ("भारत ने तीसरा वनडे जीता", False),
])
def test_relevance_needs_both_countries_in_either_language(scorer, title, relevant):
    body = _rss(_item(title, "https://hindi.example/x.html", "g"))
    result = parse_feed(body, {}, SPEC, scorer, NOW)
    assert (len(result.entries) == 1) is relevant
    assert result.irrelevant == (0 if relevant else 1)


def test_unparseable_feed_is_an_error_and_malformed_but_usable_is_kept(scorer):
    broken = parse_feed(b"<html><body>Service temporarily unavailable", {}, SPEC, scorer, NOW)
    assert (broken.status, broken.error_class) == ("error", "parse_error")
    usable = parse_feed(_rss(_item("Putin and Kim Jong Un & arms", "https://hindi.example/x.html", "g")), {}, SPEC, scorer, NOW)
    assert usable.status == "ok" and len(usable.entries) == 1 and usable.warnings


def test_search_feeds_per_edition_from_required_groups():
    search = [s for s in plan(TOPIC) if s.kind == "search"]
    assert [s.language for s in search] == ["hi", "en"]
    assert all(s.url.startswith("https://news.google.com/rss/search?q=") for s in search)
    assert "ceid=IN:hi" in search[0].url and "ceid=IN:en" in search[1].url


def test_search_feed_links_resolve_to_the_publisher_where_the_id_allows(scorer):
    from test_google_news import _link, _old_style_id

    publisher = "https://www.bhaskar.example/international/news/kim-putin-meeting-133.html"
    opaque = "https://news.google.com/rss/articles/AU_yqLPqIlW6p8bVxIJ-opaque?oc=5"
    body = _rss(_item("किम जोंग उन और पुतिन की मुलाकात", _link(_old_style_id(publisher)), "g1")
                + _item("Kim Jong Un meets Putin", opaque, "g2"))
    search = FeedSpec(url="https://news.google.com/rss/search?q=x", name="search", language="hi", kind="search")
    first, second = parse_feed(body, {}, search, scorer, NOW).entries
    assert (first.raw_url, first.url) == (publisher, "https://bhaskar.example/international/news/kim-putin-meeting-133.html")
    assert second.raw_url == opaque  # documented limitation: fetched as is, quarantined if it yields no article


@pytest.mark.parametrize("body", [
    # RSS 1.0 (RDF)
    b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="https://r.example/">'
    b"<title>r</title><link>https://r.example/</link><description>d</description></channel>"
    b'<item rdf:about="https://r.example/a.html"><title>Putin hosts Kim Jong Un</title><link>https://r.example/a.html</link>'
    b"<dc:date>2026-11-20T08:00:00Z</dc:date></item></rdf:RDF>",
    # RSS 0.91
    b'<?xml version="1.0"?><rss version="0.91"><channel><title>o</title><link>https://r.example/</link>'
    b"<description>d</description><item><title>Putin hosts Kim Jong Un</title><link>https://r.example/a.html</link>"
    b"</item></channel></rss>",
    # Atom 1.0
    b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>a</title><id>urn:a</id>'
    b"<updated>2026-11-20T08:00:00Z</updated><entry><title>Putin hosts Kim Jong Un</title><id>urn:a:1</id>"
    b'<link href="https://r.example/a.html"/><updated>2026-11-20T08:00:00Z</updated></entry></feed>',
])
def test_feed_formats(scorer, body):
    result = parse_feed(body, {}, SPEC, scorer, NOW)
    assert result.status == "ok"
    assert [e.url for e in result.entries] == ["https://r.example/a.html"]
