"""Issue 11, item 5: per feed, entries seen = not relevant + quarantined + duplicates + loaded,
and every entry that is not loaded has a row saying why (newswatch.quality.accounting)."""

from __future__ import annotations

from datetime import datetime, timezone

import psycopg
import pytest
from hostile_site import HOSTILE_ITEMS, build, serve, topic_file
from newswatch import pipeline
from newswatch.alerts import outbox
from newswatch.config import load_topic
from newswatch.ingest.feeds import parse_feed
from newswatch.ingest.relevance import RelevanceScorer
from newswatch.quality import accounting, checks
from newswatch.records import Article, DedupeBatch, ExtractBatch, FeedEntry, FeedResult, FeedSpec, ValidatedBatch
from psycopg.rows import dict_row

NOW = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)


def rows(db_url: str, query: str, *args) -> list[dict]:
    with psycopg.connect(db_url) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, args)
        return cur.fetchall()


@pytest.fixture
def hostile_run(tmp_path, monkeypatch, db_url):
    site = build(tmp_path)
    with serve(site) as server:
        monkeypatch.setenv("NEWSWATCH_DEMO_BASE_URL", server.base_url)
        topic = load_topic(topic_file(tmp_path))
        summary = pipeline.run_once(topic, outbox.outbox_deliverer(tmp_path / "outbox"), "r1", db_url)
        yield server, topic, summary


def test_a_feed_that_does_not_parse_yields_no_entries(demo_topic):
    """Before: its partial entries were counted as seen and landed in no bucket."""
    body = b"<rss><channel><title>x</title><item><title>a</title></item><item><title>b</ti"
    result = parse_feed(body, {}, FeedSpec(url="http://e.example/f", name="f"), RelevanceScorer(demo_topic), NOW)
    assert (result.status, result.error_class, result.entries_seen) == ("error", "parse_error", 0)
    assert "partial entries without links not read" in result.error


def test_every_entry_of_every_feed_lands_in_one_bucket_with_a_reason(hostile_run, db_url):
    server, topic, summary = hostile_run
    [run] = rows(db_url, "SELECT id, stats FROM runs")
    ledger = run["stats"]["feeds_ledger"]
    hostile = f"{server.base_url}/feeds/hostile.xml"
    counts = ledger[hostile]
    # no bugs simulated here: 4 healthy pages load; the link http://[::1/x, the port-99999 redirect,
    # the link-less entry and the two pages the extractor raises on today are quarantined (the
    # latter two load instead once the extractor is fixed); one repeat of each kind; cricket
    assert (counts["seen"], counts["irrelevant"], counts["duplicates"]) == (len(HOSTILE_ITEMS), 1, 2)
    assert counts["quarantined"] + counts["loaded"] == 9 and counts["loaded"] >= 4 and counts["quarantined"] >= 3
    for feed in ledger.values():
        assert feed["seen"] == feed["irrelevant"] + feed["quarantined"] + feed["duplicates"] + feed["loaded"]
    assert f"{server.base_url}/feeds/broken.xml" not in ledger  # a parse error: a feed error, no entries
    outcomes = rows(db_url, "SELECT * FROM entry_outcomes WHERE feed_url = %s ORDER BY position", hostile)
    assert [o["position"] for o in outcomes] == list(range(len(HOSTILE_ITEMS)))
    assert all(o["reason"].strip() for o in outcomes)
    by_case = {}
    for (_, case), outcome in zip(HOSTILE_ITEMS, outcomes):
        by_case.setdefault(case, []).append(outcome)
    # two link-less entries with the same title and no GUID: one refusal and one repeat, not "2 refused, 1 row"
    first, second = by_case["no_link_twice"]
    assert (first["outcome"], second["outcome"]) == ("quarantined", "duplicate")
    assert second["reason"] == "duplicate: the same entry earlier in this feed"
    assert rows(db_url, "SELECT count(*) AS n FROM quarantine WHERE reason = 'entry has no link' AND feed_url = %s",
                hostile) == [{"n": 1}]
    # a second entry with the same GUID and another link: a duplicate on record, not a log line
    [same_guid] = by_case["duplicate_guid_other_link"]
    assert same_guid["outcome"] == "duplicate" and same_guid["duplicate_of_url"] == f"{server.base_url}/hostile/good.html"
    assert same_guid["reason"] == "duplicate: the same entry earlier in this feed (same GUID)"
    [cricket] = by_case["irrelevant"]
    assert cricket["outcome"] == "irrelevant" and cricket["reason"].startswith("not relevant: score 0.00")
    assert [o["outcome"] for o in by_case["good"]] == ["loaded"] and by_case["good"][0]["article_id"]
    assert "entry accounting: every entry in one bucket" in summary
    assert f"  {hostile}: 12 = 1 + {counts['quarantined']} + 2 + {counts['loaded']}" in summary
    checked = rows(db_url, "SELECT summary FROM validation_results WHERE suite = 'stored_articles'")[0]["summary"]
    assert all(checked[name]["success"] for name in ("entries_add_up", "loaded_entries_are_stored",
                                                     "drops_have_a_reason_row"))


def test_the_after_load_suite_fails_a_run_whose_rows_do_not_add_up(hostile_run, db_url):
    server, topic, _ = hostile_run
    with psycopg.connect(db_url) as conn:
        conn.execute("DELETE FROM entry_outcomes WHERE position = 0 AND feed_url LIKE '%%hostile.xml'")
    with pytest.raises(checks.StoredDataError, match="entries_add_up"):
        pipeline.check_stored(topic, "r1", db_url)


def test_an_entry_that_vanishes_between_stages_is_reported():
    entry = FeedEntry(feed_url="http://e.example/f", position=0, guid="g", url="http://e.example/a",
                      raw_url="http://e.example/a", title="t")
    lost = Article(url="http://e.example/a", feed_url="http://e.example/f", entry_position=0, title="t",
                   text="x" * 300, fetched_at=NOW)
    results = [FeedResult(feed_url="http://e.example/f", status="ok", entries_seen=2, entries=[entry])]
    ledger = accounting.build(results, ExtractBatch(articles=[lost]), DedupeBatch(), ValidatedBatch(), {})
    assert not ledger.balanced
    assert any("extracted but neither loaded" in p for p in ledger.problems)
    assert any("2 entries seen but 0 accounted for" in p for p in ledger.problems)
