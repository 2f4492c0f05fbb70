"""Issue 11, item 6: every stored field is what it claims to be, enforced at one boundary (the
typed records): URLs http(s) only, text fields plain text, lengths bounded."""

from __future__ import annotations

from datetime import datetime, timezone

import psycopg
import pytest
import regex
from hostile_site import build, serve, topic_file
from newswatch import pipeline
from newswatch.alerts import outbox
from newswatch.config import load_topic
from newswatch.records import Article, FeedEntry, QuarantineRecord
from newswatch.text.sanitize import LIMITS, plain_text
from psycopg.rows import dict_row

NOW = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)
# markup a browser would act on, or a URL scheme that runs code
ACTIVE = regex.compile(r"<\s*/?\s*[a-z!][^>]*>|javascript:|vbscript:|data:text/html|\bon[a-z]+\s*=", regex.I)


def test_the_article_record_keeps_only_plain_text_and_http_urls():
    article = Article(
        url="https://news.example/a", title="Russia &amp; North Korea: &lt;b&gt;missile&lt;/b&gt; talks",
        text="<p>First</p><script>alert(1)</script>\n\n\n<p>Second &amp; last</p>", fetched_at=NOW,
        source="<img src=x onerror=alert(1)>", author="&lt;script&gt;alert(3)&lt;/script&gt;Test Desk",
        image_url="javascript:alert(2)", summary="&amp;lt;i&amp;gt;doubly escaped&amp;lt;/i&amp;gt;",
        feed_url="http://[::1/feed", guid="g\x00uid")
    assert article.title == "Russia & North Korea: missile talks"
    assert article.text == "First\n\nSecond & last"
    assert article.source == "news.example"  # markup only: the host stands in
    assert article.author == "Test Desk" and article.summary == "doubly escaped"
    assert article.image_url is None and article.feed_url is None and article.guid == "guid"
    assert Article.model_validate(article.model_dump(mode="json")) == article  # idempotent through XCom


def test_lengths_are_bounded_and_nul_never_reaches_postgres():
    article = Article(url="https://news.example/a", title="t" * 5000, text="x\x00" * 10, fetched_at=NOW,
                      author="a" * 2000, image_url="https://img.example/" + "i" * 3000)
    assert len(article.title) == LIMITS["title"] and len(article.author) == LIMITS["author"]
    assert article.text == "x" * 10 and article.image_url is None  # an over-long URL is no URL
    record = QuarantineRecord(stage="fetch", reason="r\x00" * 2000, item_key="k\x00", payload={"t": "a\x00b"})
    assert "\x00" not in record.reason + record.item_key + record.payload["t"]
    assert len(record.reason) == LIMITS["reason"]


@pytest.mark.parametrize("value, plain", [
    ("<img/src=x onerror=alert(1)>Site", "Site"), ("a<b and c", "a<b and c"), ("5 < 6", "5 < 6"),
    ("AT&T", "AT&T"), ("&#039;For You&#039;", "'For You'"), ("किम\u200dजोंग", "किम\u200dजोंग"),
    ("<scr<script>x</script>ipt>alert(1)</script>", "alert(1)"), ("x\u202egnp.exe", "xgnp.exe"),
])
def test_plain_text(value, plain):
    assert plain_text(value, 100) == plain
    assert plain_text(plain, 100) == plain


def test_feed_entries_are_plain_text_and_http_only():
    entry = FeedEntry(feed_url="https://e.example/f", guid="g", url="https://e.example/a", raw_url="https://e.example/a",
                      title="<b>Kim</b> &amp; Putin", summary="<a href='javascript:x()'>read</a> more")
    assert (entry.title, entry.summary) == ("Kim & Putin", "read more")
    with pytest.raises(ValueError):
        FeedEntry(feed_url="f", guid="g", url="javascript:alert(1)", raw_url="javascript:alert(1)", title="t")


def test_nothing_active_is_stored_from_the_hostile_site(tmp_path, monkeypatch, db_url):
    site = build(tmp_path)
    with serve(site) as server:
        monkeypatch.setenv("NEWSWATCH_DEMO_BASE_URL", server.base_url)
        pipeline.run_once(load_topic(topic_file(tmp_path)), outbox.outbox_deliverer(tmp_path / "outbox"), "r1", db_url)
        base = server.base_url
    with psycopg.connect(db_url) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute("""SELECT canonical_url, title, text, summary, source, author, image_url, feed_url, guid
                       FROM articles WHERE NOT is_seed""")
        articles = cur.fetchall()
        cur.execute("SELECT * FROM articles WHERE canonical_url = %s", (f"{base}/hostile/fields.html",))
        fields = cur.fetchone()
    assert articles
    for row in articles:
        for column in ("title", "text", "summary", "source", "author"):
            assert not ACTIVE.search(row[column] or ""), (row["canonical_url"], column, row[column])
        for column in ("canonical_url", "image_url", "feed_url"):
            assert row[column] is None or row[column].startswith(("http://", "https://")), (column, row[column])
    # the page with og:site_name <img src=x onerror=...>, og:image javascript:, a <script> author
    assert fields["title"] == "Russia & North Korea: missile talks"
    assert fields["image_url"] is None and fields["source"] == "127.0.0.1"
    assert "alert" not in (fields["author"] or "")
