"""Run-level behaviour of ingestion: robots.txt for pages, silent zero, all feeds failing."""

from __future__ import annotations

import json

import psycopg
import pytest
from conftest import DEMO_TOPIC
from newswatch import pipeline
from newswatch.alerts import outbox
from newswatch.config import load_topic
from newswatch.records import FeedEntry
from test_feed_cases import respond


def _entry(base: str, path: str) -> FeedEntry:
    url = f"{base}{path}"
    return FeedEntry(feed_url=f"{base}/feeds/hindi-news.xml", guid=path, url=url, raw_url=url, title="t",
                     relevance=1.0)


def _run_with(topic, db_url, results):
    pipeline.start_run(topic, "r1", db_url)
    return pipeline.extract(topic, "r1", results, db_url)


@pytest.mark.parametrize("robots, expected_blocked", [
    (respond(200, b"User-agent: *\nDisallow: /articles/rus-\n"), {"/articles/rus-uttar-korea-vayu-raksha-pranali.html"}),
    (respond(404), set()),  # no robots.txt: no rules
    (respond(503), {"/articles/rus-uttar-korea-vayu-raksha-pranali.html",
                    "/articles/rusi-raksha-pratinidhimandal-pyongyang.html"}),  # unreachable: assume disallow
])
def test_robots_txt_is_respected_for_article_pages(db_url, demo_server, robots, expected_blocked):
    from newswatch.records import FeedResult

    demo_server.route("/robots.txt", robots)
    topic = load_topic(DEMO_TOPIC)
    paths = ["/articles/rus-uttar-korea-vayu-raksha-pranali.html", "/articles/rusi-raksha-pratinidhimandal-pyongyang.html"]
    result = FeedResult(feed_url="x", status="ok", entries=[_entry(demo_server.base_url, p) for p in paths])
    batch = _run_with(topic, db_url, [result])
    blocked = {q.item_key.removeprefix(demo_server.base_url) for q in batch.quarantined}
    assert blocked == expected_blocked
    assert all(q.reason == "robots.txt disallows fetching this page" for q in batch.quarantined)
    assert len(batch.articles) == len(paths) - len(expected_blocked)
    assert sum(path == "/robots.txt" for path, _ in demo_server.requests) == 1  # once per site


def test_silent_zero_alerts_once_per_streak(db_url, demo_server, tmp_path):
    topic = load_topic(DEMO_TOPIC)
    deliver = outbox.outbox_deliverer(tmp_path)
    summaries = [pipeline.run_once(topic, deliver, f"run-{i}", db_url) for i in range(1, 6)]
    # run 1 reads the feeds; runs 2-5 get 304s: no entries. With silent_zero_runs = 3 the
    # alert goes out after run 4, once, and run 5 (same streak) adds none.
    with psycopg.connect(db_url) as conn:
        rows = conn.execute("SELECT kind, status, subject FROM alerts ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["digest", "silent_zero"]
    assert rows[1][1] == "sent" and "no entries from any feed for 3 runs" in rows[1][2]
    assert "silent_zero" in summaries[3] and "silent_zero" not in summaries[4]


def test_all_feeds_failing_fails_the_dag_run_with_the_reasons(news_monitor_dag, monkeypatch, db_url):
    from conftest import ROOT
    from newswatch.fixture_server import FixtureServer

    run, sink = news_monitor_dag
    with FixtureServer(ROOT / "tests") as empty_site:  # serves no feeds: every feed 404s
        monkeypatch.setenv("NEWSWATCH_DEMO_BASE_URL", empty_site.base_url)
        dag_run = run()
    assert dag_run.state == "failed"
    with psycopg.connect(db_url) as conn:
        status, stats = conn.execute("SELECT status, stats FROM runs").fetchone()
        failed_tasks = {t.task_id: t.state for t in dag_run.get_task_instances() if t.state == "failed"}
    assert status == "failed" and stats["feeds_failed"] == 4
    assert {e["class"] for e in stats["feed_errors"]} == {"http_4xx"}
    assert "extract" in failed_tasks
    assert json.dumps(stats)  # the reasons are stored for the report
    # and the people watching are told, through the SMTP connection, with the reason
    subjects = [msg["Subject"] for _, msg in sink.messages]
    assert any("task extract failed: all 4 feeds" in subject for subject in subjects), subjects
