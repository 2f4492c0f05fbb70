"""The digest and the outbox: escaping, delivery to a real loopback SMTP server, exactly once."""

from datetime import datetime, timezone
from email import message_from_bytes, policy

import psycopg
from conftest import ROOT
from newswatch import alerts, store
from newswatch.config import load_topic

TOPIC = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
HOSTILE = {
    "id": 1, "canonical_url": "https://example.com/a?x=1&y=2", "title": '<script>alert("x")</script> किम & पुतिन',
    "source": "example.com", "language": "hi", "published_at": datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc),
    "summary": "<img src=https://tracker.example/p.gif> summary", "author": None, "relevance": 0.8,
    "matched_terms": ["पुतिन"],
}


def test_digest_escapes_article_text_and_links_only_http():
    unsafe_link = {**HOSTILE, "id": 2, "canonical_url": "javascript:alert(1)", "title": "second"}
    subject, text, html = alerts.render_digest(TOPIC, "run-1", [HOSTILE, unsafe_link], [])
    assert subject == f"[newswatch] {TOPIC.title}: 2 new articles"
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html  # summaries are text, never markup: no remote images
    assert 'href="https://example.com/a?x=1&amp;y=2"' in html
    assert "javascript:" not in html
    assert "किम" in text and "https://example.com/a?x=1&y=2" in text


def _enqueue(conn, run_id="run-1"):
    run = store.ensure_run(conn, TOPIC.name, run_id)
    return alerts.enqueue_digest(conn, TOPIC, run, run_id, [HOSTILE], [])


def test_enqueue_is_once_per_run_and_nothing_new_means_no_alert(db_url):
    with psycopg.connect(db_url) as conn:
        first = _enqueue(conn)
        assert _enqueue(conn) == first  # a retried load finds the same alert
        run = store.ensure_run(conn, TOPIC.name, "run-2")
        assert alerts.enqueue_digest(conn, TOPIC, run, "run-2", [], []) is None
        assert conn.execute("SELECT count(*) FROM alerts").fetchone()[0] == 1


def test_smtp_delivery_sends_once_and_marks_sent(db_url, smtp_server):
    sink, port = smtp_server
    deliver = alerts.smtp_deliverer("127.0.0.1", port)
    with psycopg.connect(db_url) as conn:
        _enqueue(conn)
        conn.commit()
        assert alerts.send_pending(conn, TOPIC.name, deliver).sent == 1
        assert alerts.send_pending(conn, TOPIC.name, deliver).sent == 0  # a retry sends nothing
        status, destination = conn.execute("SELECT status, destination FROM alerts").fetchone()
    assert len(sink.messages) == 1
    rcpts, msg = sink.messages[0]
    assert rcpts == TOPIC.recipients
    assert msg.get_body(("plain",)).get_content().startswith(TOPIC.title)
    assert "&lt;script&gt;" in msg.get_body(("html",)).get_content()
    assert (status, destination) == ("sent", f"smtp:127.0.0.1:{port}")


def test_smtp_outage_leaves_alert_pending_then_recovers(db_url, smtp_server):
    sink, port = smtp_server
    sink.fail_with = 550
    deliver = alerts.smtp_deliverer("127.0.0.1", port)
    with psycopg.connect(db_url) as conn:
        _enqueue(conn)
        conn.commit()
        failed = alerts.send_pending(conn, TOPIC.name, deliver)
        assert (failed.sent, failed.failed) == (0, 1)
        status, error = conn.execute("SELECT status, last_error FROM alerts").fetchone()
        assert status == "pending" and "550" in error
        sink.fail_with = None
        assert alerts.send_pending(conn, TOPIC.name, deliver).sent == 1
    assert len(sink.messages) == 1


def test_outbox_writes_one_eml_per_alert(db_url, tmp_path):
    deliver = alerts.outbox_deliverer(tmp_path)
    with psycopg.connect(db_url) as conn:
        _enqueue(conn)
        conn.commit()
        alerts.send_pending(conn, TOPIC.name, deliver)
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1
    msg = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["To"] == "analysts@example.org"
    assert "किम" in msg.get_body(("plain",)).get_content()
