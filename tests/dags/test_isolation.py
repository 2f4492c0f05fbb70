"""Issue 11, item 1: nothing one feed, entry or page does can stop the night's run.

Each crash the issue found is fed through the DAG (`dag.test()`) and through the CLI: an entry
link `http://[::1/x`, a page redirecting to port 99999, a page whose JSON-LD ImageObject.url is
a list and one with JSON-LD nested 100,000 deep (both raise inside the extractor today). So
that the proof does not depend on which crash someone fixes next, one bug per level is also
simulated (a page extractor, an entry's relevance scoring, a feed parser raising): each must
become a quarantine record of reason class `bug` while the run succeeds, loads the healthy
articles and says so in its summary.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from conftest import DEMO_TOPIC
from hostile_site import build, inject_bugs, patch_bugs, serve, topic_file
from newswatch.extract.article import extract_article
from newswatch.isolation import guarded
from psycopg.rows import dict_row

NEWSWATCH = str(Path(sys.executable).parent / "newswatch")
CRASHING_TODAY = {"imageobject.html": "TypeError", "deep-jsonld.html": "RecursionError"}


def rows(db_url: str, query: str, *args) -> list[dict]:
    with psycopg.connect(db_url) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, args)
        return cur.fetchall()


def test_the_guard_turns_an_unexpected_exception_into_a_bug_record():
    def explode(x):
        return {"a": 1}[x]

    record = guarded("extract", "https://x.example/1", explode, "b", feed_url="https://x.example/feed",
                     entry_position=3)
    assert (record.stage, record.reason_class, record.entry_position) == ("extract", "bug", 3)
    assert record.reason.startswith("unexpected error (bug) in extract: KeyError: ")
    assert record.payload["exception"]["class"] == "KeyError" and "explode" in record.payload["exception"]["where"]
    assert guarded("extract", "k", explode, "a") == 1


def test_database_errors_are_not_an_item_fault():
    def down():
        raise psycopg.OperationalError("connection refused")

    with pytest.raises(psycopg.OperationalError):
        guarded("fetch", "https://x.example/feed", down)


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    site = build(tmp_path)
    with serve(site) as server:
        monkeypatch.setenv("NEWSWATCH_DEMO_BASE_URL", server.base_url)
        yield server, site, topic_file(tmp_path)


def expected_page_outcome(site: Path, name: str) -> str | None:
    """The exception class the extractor raises on a page today, or None once it is fixed."""
    try:
        extract_article((site / "hostile" / name).read_bytes(), f"http://127.0.0.1/hostile/{name}", "text/html")
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__
    return None


def check_hostile_run(db_url: str, base: str, site: Path) -> dict:
    """What must hold after one run over the hostile site, however it was run."""
    [run] = rows(db_url, "SELECT * FROM runs ORDER BY id DESC LIMIT 1")
    assert run["status"] == "success", run["stats"].get("failure")
    stored = {r["canonical_url"] for r in rows(db_url, "SELECT canonical_url FROM articles WHERE NOT is_seed")}
    assert f"{base}/hostile/good.html" in stored  # the healthy page loads whatever the others do
    assert any(u.startswith(f"{base}/articles/") for u in stored)  # and so does the healthy Hindi feed
    quarantine = {(q["stage"], q["item_key"]): q for q in rows(db_url, "SELECT * FROM quarantine")}
    bugs = {k: q for k, q in quarantine.items() if q["reason_class"] == "bug"}

    assert "malformed" in quarantine[("fetch", "h-ipv6")]["reason"]  # the link http://[::1/x
    port = quarantine[("extract", f"{base}/go/bad-port")]
    assert port["reason_class"] == "input" and "99999" in port["reason"]
    for name, crash in CRASHING_TODAY.items():
        url = f"{base}/hostile/{name}"
        now = expected_page_outcome(site, name)
        if now:  # still raising inside the extractor: isolated as a bug
            assert crash == now and now in bugs[("extract", url)]["reason"]
        else:  # fixed meanwhile: an ordinary outcome, never a bug
            assert url in stored or quarantine[("extract", url)]["reason_class"] == "input"
    assert "RuntimeError: simulated extractor bug" in bugs[("extract", f"{base}/hostile/injected.html")]["reason"]
    assert "ZeroDivisionError: simulated relevance bug" in bugs[("fetch", "h-entry-bug")]["reason"]
    feed_bug = bugs[("fetch", f"{base}/feeds/feed-bug.xml")]
    assert "KeyError" in feed_bug["reason"] and feed_bug["payload"]["exception"]["class"] == "KeyError"

    stats = run["stats"]
    assert len(stats["bugs"]) == len(bugs) >= 3
    assert stats["accounting"]["balanced"], stats["accounting"]["problems"]
    health = {f["url"].rsplit("/", 1)[-1]: f for f in rows(db_url, "SELECT * FROM feeds")}
    assert health["feed-bug.xml"]["last_error_class"] == "bug" and health["hostile.xml"]["last_status"] == "ok"
    checked = rows(db_url, "SELECT success FROM validation_results WHERE suite = 'stored_articles'")
    assert checked == [{"success": True}]
    return stats


def test_each_crash_of_the_issue_through_the_dag(news_monitor_dag, hostile, db_url, monkeypatch):
    run, sink = news_monitor_dag
    server, site, topic = hostile
    monkeypatch.setenv("NEWSWATCH_TOPICS_DIR", str(topic))
    patch_bugs(monkeypatch)
    dag_run = run()
    assert dag_run.state == "success"
    # every task succeeded; a feed that failed shows as its skipped fetch, nothing else is skipped
    assert {ti.state for ti in dag_run.get_task_instances() if ti.task_id != "fetch_feed"} == {"success"}
    assert {ti.state for ti in dag_run.get_task_instances() if ti.task_id == "fetch_feed"} <= {"success", "skipped"}
    check_hostile_run(db_url, server.base_url, site)
    # the digest went out; no failure email (the run did not fail because of the bugs)
    subjects = [msg["Subject"] for _, msg in sink.messages]
    assert len(subjects) == 1 and "new development" in subjects[0], subjects
    from newswatch.config import load_topic
    from newswatch.report.summary import run_summary

    with psycopg.connect(db_url) as conn:
        text = run_summary(conn, load_topic(topic))
    assert "unexpected errors (bugs) isolated" in text and "⚠ bug [extract]" in text


def test_a_failure_email_names_the_runs_isolated_bugs(monkeypatch, airflow_home, db_url, tmp_path):
    """A run that fails for another reason and had bugs: whoever reads the failure email learns of both."""
    from email import message_from_bytes, policy
    from types import SimpleNamespace

    from newswatch import store
    from newswatch_airflow.notifiers import FailureEmail

    monkeypatch.setenv("NEWSWATCH_DEMO_BASE_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("NEWSWATCH_DATABASE_URL", db_url)
    monkeypatch.setenv("NEWSWATCH_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.delenv("AIRFLOW_CONN_SMTP_DEFAULT", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_NEWSWATCH_DB", raising=False)
    with psycopg.connect(db_url) as conn:
        run = store.ensure_run(conn, "russia_north_korea", "scheduled__2026-11-24T02:00:00+00:00")
        store.merge_run(conn, run, stats={"bugs": [{"stage": "extract", "item_key": "https://x.example/a",
                                                    "reason": "unexpected error (bug) in extract: TypeError: boom",
                                                    "feed": None}]})
    context = {"run_id": "scheduled__2026-11-24T02:00:00+00:00",
               "ti": SimpleNamespace(task_id="check_stored", try_number=3, log_url=None),
               "exception": RuntimeError("stored data inconsistent")}
    FailureEmail("task", str(DEMO_TOPIC)).notify(context)
    [eml] = (tmp_path / "outbox").glob("*.eml")
    text = message_from_bytes(eml.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
    assert "1 unexpected error (bugs) isolated" in text and "TypeError: boom" in text


def test_each_crash_of_the_issue_through_the_cli(hostile, db_url, tmp_path):
    server, site, topic = hostile
    env = {**os.environ, "NEWSWATCH_DATABASE_URL": db_url, "NEWSWATCH_OUTBOX_DIR": str(tmp_path / "outbox"),
           "NEWSWATCH_DEMO_BASE_URL": server.base_url,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(inject_bugs(tmp_path / "inject")),
                                                       os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([NEWSWATCH, "run", "--topic", str(topic)], capture_output=True, text=True, env=env,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    stats = check_hostile_run(db_url, server.base_url, site)
    assert f"⚠ {len(stats['bugs'])} unexpected errors (bugs) isolated" in done.stdout
    assert "simulated extractor bug" in done.stdout and "entry accounting: every entry in one bucket" in done.stdout


@pytest.mark.parametrize("url, message", [
    ("http://127.0.0.1:99999/", "Port out of range"),
    ("http://[::1/", "Invalid IPv6 URL"),
])
def test_feed_urls_that_crashed_run_are_refused_by_check_and_run_alike(tmp_path, url, message):
    topic = tmp_path / "bad.yaml"
    topic.write_text(f"extends: {DEMO_TOPIC}\nfeeds:\n  - {{name: bad, url: '{url}'}}\n", encoding="utf-8")
    env = {**os.environ, "NEWSWATCH_DEMO_BASE_URL": "http://127.0.0.1:1", "NEWSWATCH_DATABASE_URL": "postgresql:///none"}
    outputs = []
    for command in ("check", "run"):
        done = subprocess.run([NEWSWATCH, command, "--topic", str(topic)], capture_output=True, text=True, env=env,
                              timeout=120)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert str(topic) in done.stderr and "feeds.0.url" in done.stderr and message in done.stderr
        outputs.append(done.stderr)
    assert outputs[0] == outputs[1]  # run refuses with the very message check gave
