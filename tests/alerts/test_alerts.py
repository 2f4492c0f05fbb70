"""The digest and the outbox: escaping, delivery to a real loopback SMTP server, exactly once."""

from datetime import datetime, timezone
from email import message_from_bytes, policy

import psycopg
from conftest import ROOT
from newswatch import store
from newswatch.alerts import outbox
from newswatch.alerts.digest import Digest, DigestClaim, DigestItem, DigestStory
from newswatch.config import load_topic

TOPIC = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
WHEN = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
HOSTILE = DigestItem(
    article_id=1, title='<script>alert("x")</script> किम & पुतिन', link="https://example.com/a?x=1&y=2",
    source="example.com", language="hi", published_at=WHEN, new_story=False,
    why="1 new claim in a known story", nearest_title="<b>seed</b> title", nearest_link="javascript:alert(2)",
    nearest_similarity=0.41,
    claims=[DigestClaim(sentence='रूस ने कहा <img src=https://tracker.example/p.gif> "उपग्रह"', speaker="<i>वोरोनिन</i>",
                        similarity=0.12, nearest_sentence="किम ने कहा <script>x</script>", nearest_title="seed 000")])
NEW_STORY = DigestItem(article_id=2, title="Kim tours drone factory", link=None, source="The World Desk",
                       language="en", published_at=WHEN, new_story=True,
                       why="opens a new story", nearest_title="Putin-Kim Meeting", nearest_similarity=0.2)
DIGEST = Digest(stories=[
    DigestStory(story_id=7, new_story=False, headline="उत्तर कोरिया का तानाशाह किम जोंग उन पुतिन से मिलने रूस पहुंचा",
                items=[HOSTILE]),
    DigestStory(story_id=9, new_story=True, headline="Kim tours drone factory", items=[NEW_STORY]),
], not_new=3)


def test_digest_escapes_article_text_and_links_only_http():
    subject, text, html = outbox.render_digest(TOPIC, "run-1", DIGEST, [])
    assert subject == f"[newswatch] {TOPIC.title}: 2 new developments in 2 stories, 1 new claim"
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "<i>" not in html and "<b>seed" not in html  # text, never markup
    assert 'href="https://example.com/a?x=1&amp;y=2"' in html
    assert "javascript:" not in html
    assert "किम" in text and "https://example.com/a?x=1&y=2" in text


def test_digest_groups_by_story_and_says_why_each_item_is_new():
    _, text, html = outbox.render_digest(TOPIC, "run-1", DIGEST, [])
    known, new = text.index("== Known story: उत्तर कोरिया का तानाशाह"), text.index("== New story ==")
    assert known < text.index("1. <script>") < new < text.index("2. Kim tours drone factory")
    assert "Why it is new: 1 new claim in a known story" in text
    assert "Why it is new: opens a new story" in text
    # the new claim, quoted with its speaker; a new claim has nothing comparable known: no line for it
    assert 'said by: <i>वोरोनिन</i>' in text and "<i>" not in html
    assert "nothing comparable" not in text and "known (0.12" not in text
    assert "(no web link)" in text  # an item without an http(s) link is shown, not linked
    assert "3 other new articles only repeat what is already known" in text
    assert html.count("<h3>") == 2 and "<q>रूस ने कहा &lt;img" in html


def _claim(sentence, category="new", **kw):
    return DigestClaim(sentence=sentence, category=category, **kw)


def test_a_story_shows_its_three_most_important_claims_quoted_once_the_rest_behind_the_view_link(monkeypatch):
    monkeypatch.setenv("NEWSWATCH_AIRFLOW_URL", "https://airflow.example.org/")
    claims = [_claim("“Pilots were trained in Russia,” the report said."), _claim("A second new claim."),
              _claim("A third new claim."),
              _claim("Twelve drones were delivered.", "update", similarity=0.81, changed="12, was 2",
                     nearest_sentence="Two drones were delivered.", matched_speaker="TASS"),
              _claim("\"We never sent troops,\" the ministry said.", "contradicts", similarity=0.77,
                     nearest_sentence="“Troops were sent,” a source said.", changed="denies")]
    item = DigestItem(article_id=41, title="Kim tours drone factory", link="https://example.com/k", source="x",
                      language="en", published_at=WHEN, new_story=False, why="5 new claims in a known story",
                      claims=claims)
    digest = Digest(stories=[DigestStory(story_id=3, new_story=False, headline="Drones", items=[item])])
    _, text, html = outbox.render_digest(TOPIC, "manual__2026-11-20", digest, [])
    # contradiction, update, then the first new claim in text order; two left for the view
    for part in (text, html):
        assert "We never sent troops" in part and "Twelve drones" in part and "Pilots were trained" in part
        assert "A second new claim" not in part and "A third new claim" not in part
    assert "2 more new claims in the view" in html and "(2 more new claims in the view: " in text
    # no doubled quote marks: a quotation is not wrapped again, in either part
    assert "““" not in html + text and '"“' not in text and '""' not in text
    assert "<q>“Pilots" not in html and "“Pilots were trained in Russia,” the report said." in html
    assert "<q>Twelve drones were delivered.</q>" in html and '“Twelve drones were delivered.”' in text
    # the nearest known claim only where one is comparable (the update and the contradiction)
    assert text.count("known (0.") == 2 and "known (0.81): “Two drones were delivered.”" in text
    assert "12, was 2, said by TASS" in text
    # links: each item to the view, the footer to the view and to the Airflow run (one setting)
    view = f"https://airflow.example.org/newswatch/topics/{TOPIC.name}/runs/manual__2026-11-20"
    assert f'href="{view}#article-41"' in html and f"In the view: {view}#article-41" in text
    run = f"https://airflow.example.org/dags/newswatch__{TOPIC.name}/runs/manual__2026-11-20"
    assert f'href="{run}"' in html and f"Airflow run manual__2026-11-20: {run}" in text
    assert '"Noto Sans Devanagari", "Nirmala UI", "Mangal", sans-serif' in html
    assert 'name="viewport"' in html


def _enqueue(conn, run_id="run-1"):
    run = store.ensure_run(conn, TOPIC.name, run_id)
    return outbox.enqueue_digest(conn, TOPIC, run, run_id, DIGEST, [])


def test_enqueue_is_once_per_run_and_nothing_new_means_no_alert(db_url):
    with psycopg.connect(db_url) as conn:
        first = _enqueue(conn)
        assert _enqueue(conn) == first  # a retried load finds the same alert
        run = store.ensure_run(conn, TOPIC.name, "run-2")
        assert outbox.enqueue_digest(conn, TOPIC, run, "run-2", Digest(not_new=2), []) is None
        assert conn.execute("SELECT count(*) FROM alerts").fetchone()[0] == 1


def test_smtp_delivery_sends_once_and_marks_sent(db_url, smtp_server):
    sink, port = smtp_server
    deliver = outbox.smtp_deliverer("127.0.0.1", port)
    with psycopg.connect(db_url) as conn:
        _enqueue(conn)
        conn.commit()
        assert outbox.send_pending(conn, TOPIC.name, deliver).sent == 1
        assert outbox.send_pending(conn, TOPIC.name, deliver).sent == 0  # a retry sends nothing
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
    deliver = outbox.smtp_deliverer("127.0.0.1", port)
    with psycopg.connect(db_url) as conn:
        _enqueue(conn)
        conn.commit()
        failed = outbox.send_pending(conn, TOPIC.name, deliver)
        assert (failed.sent, failed.failed) == (0, 1)
        status, error = conn.execute("SELECT status, last_error FROM alerts").fetchone()
        assert status == "pending" and "550" in error
        sink.fail_with = None
        assert outbox.send_pending(conn, TOPIC.name, deliver).sent == 1
    assert len(sink.messages) == 1


def test_outbox_writes_one_eml_per_alert(db_url, tmp_path):
    deliver = outbox.outbox_deliverer(tmp_path)
    with psycopg.connect(db_url) as conn:
        _enqueue(conn)
        conn.commit()
        outbox.send_pending(conn, TOPIC.name, deliver)
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1
    msg = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["To"] == "analysts@example.org"
    assert "किम" in msg.get_body(("plain",)).get_content()


class SenderDied(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


def test_a_sender_dying_between_send_and_mark_never_causes_a_second_copy(db_url, smtp_server):
    sink, port = smtp_server
    smtp = outbox.smtp_deliverer("127.0.0.1", port)

    def send_then_die(msg, recipients):
        smtp(msg, recipients)
        raise SenderDied

    with psycopg.connect(db_url) as conn:
        alert_id = _enqueue(conn)
        conn.commit()
        try:
            outbox.send_pending(conn, TOPIC.name, send_then_die)
        except SenderDied:
            pass
    assert len(sink.messages) == 1
    with psycopg.connect(db_url) as conn:  # the next run, another process
        again = outbox.send_pending(conn, TOPIC.name, smtp)
        assert (again.sent, again.failed, again.in_doubt) == (0, 0, [alert_id])
        assert conn.execute("SELECT status FROM alerts").fetchone()[0] == "sending"
        # a person checks the mailbox and settles it; nothing is sent again
        assert outbox.release_in_doubt(conn, alert_id, delivered=True)
        assert outbox.send_pending(conn, TOPIC.name, smtp).sent == 0
        assert conn.execute("SELECT status FROM alerts").fetchone()[0] == "sent"
    assert len(sink.messages) == 1


def test_an_in_doubt_alert_released_as_not_delivered_is_sent_once(db_url, smtp_server):
    sink, port = smtp_server

    def die_before_smtp(msg, recipients):
        raise SenderDied

    with psycopg.connect(db_url) as conn:
        alert_id = _enqueue(conn)
        conn.commit()
        try:
            outbox.send_pending(conn, TOPIC.name, die_before_smtp)
        except SenderDied:
            pass
    with psycopg.connect(db_url) as conn:
        assert outbox.release_in_doubt(conn, alert_id, delivered=False)
        conn.commit()
        assert outbox.send_pending(conn, TOPIC.name, outbox.smtp_deliverer("127.0.0.1", port)).sent == 1
    assert len(sink.messages) == 1


def test_a_failing_quit_after_the_server_accepted_counts_as_sent(db_url, smtp_server, monkeypatch):
    import smtplib

    sink, port = smtp_server

    def broken_quit(self):
        raise smtplib.SMTPServerDisconnected("connection lost during QUIT")

    monkeypatch.setattr(smtplib.SMTP, "quit", broken_quit)
    with psycopg.connect(db_url) as conn:
        _enqueue(conn)
        conn.commit()
        assert outbox.send_pending(conn, TOPIC.name, outbox.smtp_deliverer("127.0.0.1", port)).sent == 1
        assert outbox.send_pending(conn, TOPIC.name, outbox.smtp_deliverer("127.0.0.1", port)).sent == 0
    assert len(sink.messages) == 1


def test_a_server_that_answers_too_late_leaves_the_alert_in_doubt_and_it_is_not_resent(db_url, smtp_server):
    sink, port = smtp_server
    sink.answer_after = 1.5  # accepts the message, but only after the client has stopped waiting
    with psycopg.connect(db_url) as conn:
        alert_id = _enqueue(conn)
        conn.commit()
        first = outbox.send_pending(conn, TOPIC.name, outbox.smtp_deliverer("127.0.0.1", port, timeout=0.5))
        assert (first.sent, first.failed, first.in_doubt) == (0, 0, [alert_id])
        status, error = conn.execute("SELECT status, last_error FROM alerts").fetchone()
        assert status == "sending" and error.startswith("in doubt: ")
        import time

        time.sleep(1.5)  # whatever the server did with it is done by now
        delivered = len(sink.messages)  # here 0: aiosmtpd drops a session whose client left
        sink.answer_after = 0
        assert outbox.send_pending(conn, TOPIC.name, outbox.smtp_deliverer("127.0.0.1", port)).sent == 0
        assert len(sink.messages) == delivered  # never resent on its own
        # a person finds it missing from the mailbox and puts it back: it goes out once
        assert outbox.release_in_doubt(conn, alert_id, delivered=False)
        conn.commit()
        assert outbox.send_pending(conn, TOPIC.name, outbox.smtp_deliverer("127.0.0.1", port)).sent == 1
    assert len(sink.messages) == delivered + 1


def test_a_refusal_before_the_message_went_out_is_not_in_doubt(db_url):
    import socket

    with socket.socket() as sock:  # a port nobody listens on: the connection is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with psycopg.connect(db_url) as conn:
        _enqueue(conn)
        conn.commit()
        result = outbox.send_pending(conn, TOPIC.name, outbox.smtp_deliverer("127.0.0.1", port, timeout=2))
        assert (result.failed, result.in_doubt) == (1, [])
        assert conn.execute("SELECT status FROM alerts").fetchone()[0] == "pending"


def test_a_failure_email_links_the_failed_tasks_log_and_the_run(monkeypatch):
    from types import SimpleNamespace

    from newswatch_airflow.notifiers import failure_message

    monkeypatch.setenv("NEWSWATCH_AIRFLOW_URL", "https://airflow.example.org")
    ti = SimpleNamespace(task_id="fetch_feed", try_number=2, map_index=3)
    context = {"ti": ti, "run_id": "scheduled__2026-11-20T05:00:00+00:00", "exception": RuntimeError("boom"),
               "dag": SimpleNamespace(dag_id="newswatch__demo")}
    for kind in ("task", "dag"):
        _, text = failure_message(kind, "demo", context)
        run = "https://airflow.example.org/dags/newswatch__demo/runs/scheduled__2026-11-20T05%3A00%3A00%2B00%3A00"
        assert f"Log of fetch_feed: {run}/tasks/fetch_feed/mapped/3?try_number=2" in text, text
        assert f"Run: {run}" in text
        assert "https://airflow.example.org/newswatch/topics/demo/runs/scheduled__2026-11-20T05%3A00%3A00%2B00%3A00" in text
