"""Exact dedupe layers against a real Postgres holding the seeds."""

from datetime import datetime, timezone

import psycopg
import pytest
from conftest import ROOT
from newswatch.dedupe import dedupe_articles, split_known_entries
from newswatch.records import Article, FeedEntry
from newswatch.seeds import load_seeds, read_seed
from newswatch.store import insert_article
from newswatch.textnorm import content_hash

SEEDS = ROOT / "include" / "seed_corpus"
NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)
NEW_TEXT = "रूस और उत्तर कोरिया ने उपग्रह तकनीक के हस्तांतरण पर नए समझौते पर हस्ताक्षर किए। " * 5


def _article(url: str, text: str, guid: str | None = None) -> Article:
    return Article(url=url, guid=guid or url, title="शीर्षक", text=text, language="hi", fetched_at=NOW,
                   content_hash=content_hash(text))


@pytest.fixture
def conn(db_url):
    with psycopg.connect(db_url) as conn:
        load_seeds(conn, "russia_north_korea", SEEDS)
        insert_article(conn, "russia_north_korea", _article("https://a.example/stored", NEW_TEXT + "x", "g-stored"), run=None)
        yield conn


def test_republished_seed_text_at_a_new_url_is_a_duplicate_of_the_seed(conn):
    seed = read_seed("russia_north_korea", SEEDS / "002_b301b58a1966a28f.txt")
    # other whitespace, danda spacing and nukta spelling: still the same text
    copy = seed.text.replace("\n\n", "\n").replace("ज़रूरत", "जरूरत")
    assert "ज़रूरत" in seed.text and "ज़रूरत" not in copy
    result = dedupe_articles(conn, [_article("https://other.example/copy", copy)])
    assert result.new == []
    [decision] = result.duplicates
    assert (decision.layer, decision.duplicate_of_url) == ("content_hash", seed.url)
    assert decision.article is not None  # the copy itself is stored, pointing at the seed


def test_stored_url_and_guid_are_duplicates_and_new_text_is_new(conn):
    result = dedupe_articles(conn, [
        _article("https://a.example/stored", "other text entirely " * 20),
        _article("https://b.example/moved", "yet another text " * 20, guid="g-stored"),
        _article("https://c.example/new", NEW_TEXT),
    ])
    assert [a.url for a in result.new] == ["https://c.example/new"]
    assert [(d.layer, d.duplicate_of_url) for d in result.duplicates] == [
        ("url", "https://a.example/stored"), ("guid", "https://a.example/stored")]


def test_same_text_twice_in_one_batch_keeps_the_first(conn):
    result = dedupe_articles(conn, [_article("https://c.example/1", NEW_TEXT), _article("https://d.example/2", NEW_TEXT)])
    assert [a.url for a in result.new] == ["https://c.example/1"]
    assert [(d.layer, d.duplicate_of_url) for d in result.duplicates] == [("content_hash", "https://c.example/1")]


def test_known_entries_are_dropped_before_their_pages_are_fetched(conn):
    def entry(url, guid, raw=None):
        return FeedEntry(feed_url="https://f.example/rss", guid=guid, url=url, raw_url=raw or url, title="t")

    fresh, known = split_known_entries(conn, [
        entry("https://a.example/stored", "g1"),
        entry("https://c.example/x", "g2"),
        entry("https://c.example/x", "g3", raw="https://c.example/x?utm_source=rss"),
        entry("https://e.example/y", "g2"),
    ])
    assert [e.guid for e in fresh] == ["g2"]
    assert [(d.layer, d.duplicate_of_url, d.raw_url) for d in known] == [
        ("url", "https://a.example/stored", None),
        ("url", "https://c.example/x", "https://c.example/x?utm_source=rss"),
        ("guid", "https://c.example/x", None),
    ]
