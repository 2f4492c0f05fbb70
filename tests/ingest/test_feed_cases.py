"""Feed ingestion case by case: a loopback server plays each case, `fetch_feed` runs against
a real Postgres, and each case ends in a defined state in the `feeds` table. Nothing raises."""

from __future__ import annotations

import gzip
import time
from datetime import datetime, timezone

import psycopg
import pytest
import yaml
from conftest import DEMO_SITE, DEMO_TOPIC, ROOT
from newswatch import pipeline, store
from newswatch.config import HttpSettings, load_topic
from newswatch.fixture_server import FixtureServer
from newswatch.records import FeedSpec
from psycopg.rows import dict_row

HINDI_FEED = (DEMO_SITE / "feeds" / "hindi-news.xml").read_bytes()


def _rss(items: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            f"<link>http://example.org/</link><description>d</description>{items}</channel></rss>").encode()


def _item(guid: str, link: str, title: str = "किम जोंग उन ने रूस में पुतिन से मुलाकात की") -> str:
    return (f"<item><title>{title}</title><link>{link}</link><guid>{guid}</guid>"
            "<pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate></item>")


def respond(status: int, body: bytes = b"", headers: dict[str, str] | None = None):
    def handler(req):
        req.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            req.send_header(name, value)
        req.end_headers()
        req.wfile.write(body)
    return handler


def stream(chunks, delay: float = 0.0, headers: dict[str, str] | None = None):
    """Write chunks one by one (no Content-Length unless given); stop when the client hangs up."""
    def handler(req):
        req.send_response(200)
        for name, value in (headers or {}).items():
            req.send_header(name, value)
        req.end_headers()
        try:
            for chunk in chunks():
                req.wfile.write(chunk)
                req.wfile.flush()
                time.sleep(delay)
        except (BrokenPipeError, ConnectionResetError):
            pass
    return handler


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    return gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)  # 200 MB of zeros in ~200 KB


@pytest.fixture
def server(gzip_bomb):
    with FixtureServer(DEMO_SITE) as srv:
        srv.route("/404", respond(404))
        srv.route("/500", respond(500))
        srv.route("/429", respond(429, headers={"Retry-After": "7200"}))
        srv.route("/drip", stream(lambda: (b"<" for _ in range(100)), delay=0.1,
                                  headers={"Content-Type": "application/rss+xml"}))
        srv.route("/50mb", stream(lambda: (b"\0" * 65536 for _ in range(800)),
                                  headers={"Content-Length": str(50 * 1024 * 1024)}))
        srv.route("/50mb-undeclared", stream(lambda: (b"\0" * 65536 for _ in range(800))))
        srv.route("/bomb", respond(200, gzip_bomb, {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"}))
        srv.route("/loop", respond(302, headers={"Location": "/loop"}))
        srv.route("/private", respond(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}))
        srv.route("/malformed", respond(200, b"<rss><channel><title>x</title><item><title>a</ti"))
        srv.route("/cp1252", respond(200, HINDI_FEED.replace(b'encoding="utf-8"', b'encoding="windows-1252"').replace(
            b'encoding="UTF-8"', b'encoding="windows-1252"').replace(b"__BASE_URL__", srv.base_url.encode()),
            {"Content-Type": "application/rss+xml; charset=windows-1252"}))
        srv.route("/empty", respond(200, _rss("")))
        srv.route("/dup-guids", respond(200, _rss(_item("same", "/a.html") + _item("same", "/b.html"))))
        srv.route("/relative", respond(200, _rss(_item("r1", "../articles/x.html?utm_source=rss&fbclid=1")
                                                  + _item("r2", "/articles/x.html?utm_medium=feed"))))
        srv.route("/no-validators", respond(200, _rss(_item("n1", "/n.html"))))
        yield srv


@pytest.fixture
def topic(demo_server):
    base = load_topic(DEMO_TOPIC)
    return base.model_copy(update={"http": HttpSettings(timeout_s=0.5, max_bytes=10 * 1024 * 1024, allow_loopback=True)})


def fetch(db_url, topic, server, path, loaded: bool = True):
    """fetch_feed, then (`loaded`) what the load transaction does once the entries are stored:
    commit the fetch's validators (issue 11: never before)."""
    spec = FeedSpec(url=f"{server.base_url}{path}", name=path, language="hi")
    with psycopg.connect(db_url) as conn:
        store.sync_feeds(conn, topic.name, [spec])
    result = pipeline.fetch_feed(topic, spec, db_url)
    if loaded:
        with psycopg.connect(db_url) as conn:
            store.commit_validators(conn, topic.name, [result])
    with psycopg.connect(db_url) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT * FROM feeds WHERE url = %s", (spec.url,))
        return result, cur.fetchone()


def _hours_ahead(when: datetime) -> float:
    return (when - datetime.now(timezone.utc)).total_seconds() / 3600


HINDI_ITEMS = sum(i["feed"] == "hindi-news.xml" for i in yaml.safe_load(
    (ROOT / "include" / "demo" / "expected.yaml").read_text(encoding="utf-8"))["items"])


def test_200_then_304_costs_no_parsing(db_url, topic, server):
    first, row = fetch(db_url, topic, server, "/feeds/hindi-news.xml")
    assert (first.status, first.http_status, row["last_status"]) == ("ok", 200, "ok")
    assert first.entries_seen == HINDI_ITEMS and row["etag"] and row["last_entries"] == HINDI_ITEMS
    second, row = fetch(db_url, topic, server, "/feeds/hindi-news.xml")
    assert (second.status, second.http_status, second.entries_seen) == ("not_modified", 304, 0)
    assert server.requests[-1][1]["if-none-match"] == row["etag"]
    assert row["consecutive_failures"] == 0 and row["last_entries"] == HINDI_ITEMS


def test_validators_take_effect_only_when_the_entries_are_loaded(db_url, topic, server):
    """Issue 11: a run that fetched but never loaded (killed, Postgres gone, batch rejected) must
    not leave the new validators behind: the next fetch reads the feed in full again."""
    first, row = fetch(db_url, topic, server, "/feeds/hindi-news.xml", loaded=False)
    assert first.status == "ok" and first.etag and first.body_hash
    assert (row["etag"], row["last_modified"], row["body_hash"]) == (None, None, None)
    again, row = fetch(db_url, topic, server, "/feeds/hindi-news.xml", loaded=False)
    assert (again.status, again.http_status, again.entries_seen) == ("ok", 200, HINDI_ITEMS)  # no 304: nothing lost
    assert "if-none-match" not in server.requests[-1][1]
    third, row = fetch(db_url, topic, server, "/feeds/hindi-news.xml")  # now loaded: validators stored
    assert row["etag"] == third.etag and row["body_hash"] == third.body_hash
    assert fetch(db_url, topic, server, "/feeds/hindi-news.xml")[0].status == "not_modified"


def test_unchanged_body_without_validators_is_skipped_by_hash(db_url, topic, server):
    assert fetch(db_url, topic, server, "/no-validators")[0].status == "ok"
    again, row = fetch(db_url, topic, server, "/no-validators")
    assert (again.status, again.http_status, again.entries_seen) == ("not_modified", 200, 0)
    assert row["body_hash"]


@pytest.mark.parametrize("path, error_class, status, score, wait_hours", [
    ("/404", "http_4xx", 404, 2, 1.0),      # persistent: grade 2 → 30 min × 2
    ("/500", "http_5xx", 500, 1, 0.5),      # transient: grade 1 → 30 min
    ("/429", "http_4xx", 429, 1, 2.0),      # transient, but Retry-After: 7200 is the floor
    ("/drip", "timeout", 200, 1, 0.5),
    ("/50mb", "too_large", 200, 2, 1.0),
    ("/50mb-undeclared", "too_large", 200, 2, 1.0),
    ("/bomb", "too_large", 200, 2, 1.0),
    ("/loop", "redirects", None, 2, 1.0),
    ("/private", "blocked", None, 3, 2.0),
    ("/malformed", "parse_error", 200, 2, 1.0),
    ("/empty", "empty", 200, 2, 1.0),
])
def test_failures_are_recorded_with_class_and_backoff(db_url, topic, server, path, error_class, status, score,
                                                      wait_hours):
    result, row = fetch(db_url, topic, server, path)
    assert (result.status, result.error_class) == ("error", error_class)
    assert (row["last_status"], row["last_error_class"], row["last_http_status"]) == ("error", error_class, status)
    assert row["consecutive_failures"] == 1 and row["failure_score"] == score and row["failing_since"]
    assert _hours_ahead(row["next_fetch_after"]) == pytest.approx(wait_hours, abs=0.02)


def test_gzip_bomb_stops_at_the_cap_without_inflating_it_all(db_url, topic, server):
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    fetch(db_url, topic, server, "/bomb")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100  # the body is 200 MB inflated; we stop at the 10 MB cap


def test_backoff_doubles_caps_at_a_day_never_gives_up_and_recovery_resets(db_url, topic, server):
    for _ in range(12):
        _, row = fetch(db_url, topic, server, "/404")
    assert row["consecutive_failures"] == 12
    assert _hours_ahead(row["next_fetch_after"]) == pytest.approx(24, abs=0.05)  # capped, still scheduled
    server.route("/404", respond(200, _rss(_item("back", "/back.html"))))  # the feed comes back
    result, row = fetch(db_url, topic, server, "/404")
    assert result.status == "ok"
    assert (row["consecutive_failures"], row["failure_score"], row["failing_since"], row["next_fetch_after"]) == (
        0, 0, None, None)


def test_backed_off_feeds_are_not_planned_until_due(db_url, topic, server, monkeypatch):
    spec_ok = FeedSpec(url=f"{server.base_url}/feeds/hindi-news.xml", name="ok")
    monkeypatch.setattr(pipeline.feeds, "plan", lambda _topic: [spec_ok, FeedSpec(url=f"{server.base_url}/404", name="bad")])
    pipeline.start_run(topic, "r1", db_url)
    assert len(pipeline.plan_feeds(topic, "r1", db_url)) == 2
    for _ in range(4):  # score 8: next try 24 h away
        fetch(db_url, topic, server, "/404")
    assert [s.name for s in pipeline.plan_feeds(topic, "r1", db_url)] == ["ok"]


def test_hindi_feed_declared_windows_1252_is_read_as_utf8(db_url, topic, server):
    result, _ = fetch(db_url, topic, server, "/cp1252")
    assert result.status == "ok" and result.entries
    assert all("\u00e0\u00a4" not in e.title for e in result.entries)  # no mojibake
    assert any("उत्तर कोरिया" in e.title or "रूस" in e.title for e in result.entries)
    assert any("declares windows-1252" in w for w in result.warnings)


def test_duplicate_guids_relative_links_and_tracking_parameters(db_url, topic, server):
    dup, _ = fetch(db_url, topic, server, "/dup-guids")
    assert len(dup.entries) == 1 and dup.warnings == ["duplicate GUID in feed: same"]
    rel, _ = fetch(db_url, topic, server, "/relative")
    assert {e.url for e in rel.entries} == {f"{server.base_url}/articles/x.html"}  # one canonical URL
    assert [e.guid for e in rel.entries] == ["r1", "r2"]  # both entries, deduped later by URL


def test_entries_without_dates_fall_back_to_fetch_time_and_are_flagged(db_url, topic, server):
    server.route("/undated", respond(200, _rss(_item("u1", "/u.html").replace(
        "<pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate>", ""))))
    result, row = fetch(db_url, topic, server, "/undated")
    [entry] = result.entries
    assert entry.date_source == "fetch_time"
    assert abs((entry.published_at - row["last_fetched_at"]).total_seconds()) < 1
