"""The digest email and the alert outbox.

The digest is rendered (Jinja2; HTML autoescaped, plain text alongside) and written to the
`alerts` table in the load transaction; `send_pending` delivers pending rows later and marks
them sent. Delivery goes to an SMTP server, or, with none configured, to `.eml` files in a
local outbox folder. Links are only ever http(s); no remote images.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
from collections.abc import Callable
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

import psycopg
from jinja2 import Environment, PackageLoader, select_autoescape

from newswatch import store
from newswatch.alerts import links
from newswatch.alerts.digest import Digest
from newswatch.alerts.highlights import claim_view, pick_claims
from newswatch.config import Topic
from newswatch.dag_ids import dag_id_for
from newswatch.records import SendResult
from newswatch.store import alerts as alert_rows
from newswatch.store.db import newswatch_home
from newswatch.text.urls import is_http_url

Deliver = Callable[[EmailMessage, list[str]], str]  # returns where the message went

_env = Environment(
    loader=PackageLoader("newswatch.alerts", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
    trim_blocks=True, lstrip_blocks=True,
)


def render_digest(topic: Topic, run_id: str, digest: Digest,
                  failing_feeds: list[dict[str, str]]) -> tuple[str, str, str]:
    """(subject, text, html) of one run's digest: new developments grouped by story, each story
    with its most important new claims (alerts/highlights.py), links to the view and the run."""
    subject = digest.subject(topic.title)
    numbered, number = [], 0
    for story in digest.stories:
        shown = pick_claims(story)
        items, hidden = [], 0
        for i, item in enumerate(story.items):
            number += 1
            claims = [claim_view(c.model_dump()) for j, c in enumerate(item.claims) if (i, j) in shown]
            hidden += len(item.claims) - len(claims)
            items.append({**item.model_dump(exclude={"claims"}), "number": number, "claims": claims,
                          # links are http(s) or not links at all
                          "link": _http(item.link), "nearest_link": _http(item.nearest_link),
                          "view_link": links.view_url(topic.name, run_id, f"article-{item.article_id}")})
        numbered.append({**story.model_dump(exclude={"items"}), "articles": items, "more_claims": hidden,
                         "view_link": items[0]["view_link"]})
    context = {"subject": subject, "subject_line": subject.removeprefix("[newswatch] "),
               "topic_title": topic.title, "topic_name": topic.name, "run_id": run_id, "stories": numbered,
               "not_new": digest.not_new, "failing_feeds": failing_feeds, "recipients": topic.recipients,
               "run_link": links.run_url(dag_id_for(topic.name), run_id),
               "view_link": links.view_url(topic.name, run_id)}
    text = _env.get_template("digest.txt.j2").render(**context)
    html = _env.get_template("digest.html.j2").render(**context)
    return subject, text, html


def _http(url: str | None) -> str | None:
    return url if is_http_url(url) else None


def enqueue_digest(conn: psycopg.Connection, topic: Topic, run: int, run_id: str, digest: Digest,
                   failing_feeds: list[dict[str, str]]) -> int | None:
    """Write the run's digest to the outbox (once per topic and run, whatever retries happen).
    Returns the alert id, or None when nothing is new and empty digests are off."""
    if not digest.items and not topic.send_empty_digest:
        return None
    subject, text, html = render_digest(topic, run_id, digest, failing_feeds)
    return _enqueue(conn, topic, run, f"digest:{topic.name}:{run_id}", "digest", subject, text, html,
                    [item.article_id for item in digest.items])


def enqueue_silent_zero(conn: psycopg.Connection, topic: Topic, run: int) -> int | None:
    """When the topic's last `silent_zero_runs` runs saw no entries at all, write one alert
    for the streak (keyed by the run that started it, so a longer silence is not re-alerted)."""
    streak: list[int] = []
    for run_pk, entries in store.recent_runs_entries(conn, topic.name, 1000):
        if entries:
            break
        streak.append(run_pk)
    if len(streak) < topic.silent_zero_runs or run not in streak:
        return None
    feeds = store.feed_health(conn, topic.name)
    subject = (f"[newswatch] {datetime.now(timezone.utc):%Y-%m-%d} {topic.title}: no entries from any feed "
               f"for {len(streak)} runs")
    context = {"subject": subject, "topic_title": topic.title, "topic_name": topic.name, "runs": len(streak),
               "feeds": feeds}
    text = _env.get_template("silent_zero.txt.j2").render(**context)
    html = _env.get_template("silent_zero.html.j2").render(**context)
    key = f"silent_zero:{topic.name}:{streak[-1]}"
    return _enqueue(conn, topic, run, key, "silent_zero", subject, text, html, [])


def _enqueue(conn: psycopg.Connection, topic: Topic, run: int, key: str, kind: str, subject: str, text: str,
             html: str, article_ids: list[int]) -> int:
    message_id = f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@newswatch>"
    return alert_rows.insert_alert(conn, topic=topic.name, run=run, key=key, kind=kind, recipients=topic.recipients,
                                   sender=topic.sender, subject=subject, text=text, html=html, message_id=message_id,
                                   article_ids=article_ids)


def build_message(alert: dict[str, Any]) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = alert["subject"]
    msg["From"] = alert["sender"]
    msg["To"] = ", ".join(alert["recipients"])
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = alert["message_id"]  # stable: a resend is recognisable as the same mail
    msg.set_content(alert["body_text"])
    msg.add_alternative(alert["body_html"], subtype="html")
    return msg


def send_pending(conn: psycopg.Connection, topic: str, deliver: Deliver) -> SendResult:
    """Deliver every pending alert of the topic, exactly once.

    Each alert goes pending → sending (committed before any byte reaches SMTP) → sent. An SMTP
    error puts it back to pending with the error, for the next run. A sender that dies between
    the send and the mark leaves it 'sending': in doubt. It is never resent on its own (a
    duplicate alert is worse than a late one); `in_doubt` lists it for the summary and the
    report, and `release_in_doubt` hands it back to the queue once a person has checked."""
    result = SendResult()
    ids = alert_rows.pending_ids(conn, topic)
    conn.commit()
    for alert_id in ids:
        with conn.transaction():
            alert = alert_rows.claim_for_sending(conn, alert_id)
            # Built before the commit: a message that cannot be built stays pending.
            message = build_message(alert) if alert else None
        if alert is None:
            continue  # taken meanwhile by another sender
        try:
            destination = deliver(message, list(alert["recipients"]))
        except DeliveryInDoubt as exc:  # the message went out, the answer did not come back
            with conn.transaction():
                alert_rows.note_in_doubt(conn, alert_id, f"in doubt: {exc}")
            result.errors.append(f"alert {alert_id}: in doubt: {exc}")
            continue
        except Exception as exc:  # the deliverer reports a failed send by raising; any other error means "not sent"
            with conn.transaction():
                alert_rows.back_to_pending(conn, alert_id, f"{type(exc).__name__}: {exc}")
            result.failed += 1
            result.errors.append(f"alert {alert_id}: {exc}")
            continue
        with conn.transaction():
            alert_rows.mark_sent(conn, alert_id, datetime.now(timezone.utc), destination)
        result.sent += 1
        result.destinations.append(destination)
    result.in_doubt = [row["id"] for row in in_doubt(conn, topic)]
    return result


def unsent(conn: psycopg.Connection, topic: str) -> list[dict[str, Any]]:
    """Alerts not sent: pending ones, and in-doubt ones (status 'sending')."""
    return alert_rows.unsent(conn, topic)


def in_doubt(conn: psycopg.Connection, topic: str) -> list[dict[str, Any]]:
    """Alerts whose sender died mid-send: maybe delivered, maybe not. A person decides."""
    return [a for a in unsent(conn, topic) if a["status"] == "sending"]


def release_in_doubt(conn: psycopg.Connection, alert_id: int, *, delivered: bool) -> bool:
    """After checking the mailbox: mark an in-doubt alert sent, or put it back to be sent."""
    return alert_rows.release_in_doubt(conn, alert_id, delivered=delivered)


def outbox_dir() -> Path:
    path = Path(os.environ.get("NEWSWATCH_OUTBOX_DIR") or newswatch_home() / "outbox")
    path.mkdir(parents=True, exist_ok=True)
    return path


def outbox_deliverer(directory: Path | None = None) -> Deliver:
    """Write each message as <message-id>.eml; rewriting the same alert overwrites one file."""
    def deliver(msg: EmailMessage, recipients: list[str]) -> str:
        folder = directory or outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        name = msg["Message-ID"].strip("<>").split("@")[0]
        path = folder / f"{name}.eml"
        tmp = path.with_suffix(".eml.tmp")
        tmp.write_bytes(bytes(msg))
        tmp.replace(path)  # atomic: a reader never sees half a message
        return f"outbox:{path}"
    return deliver


def smtp_deliverer(host: str, port: int, user: str | None = None, password: str | None = None,
                   starttls: bool = False, timeout: float = 30.0, implicit_tls: bool = False) -> Deliver:
    """SMTP outside Airflow: plain, STARTTLS (587) or implicit TLS (465); certificates are
    verified against the system's CA store (smtplib's own default would not verify)."""
    import ssl

    def deliver(msg: EmailMessage, recipients: list[str]) -> str:
        context = ssl.create_default_context()
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context) if implicit_tls \
            else smtplib.SMTP(host, port, timeout=timeout)
        try:
            if starttls and not implicit_tls:
                client.starttls(context=context)
                client.ehlo()
            if user and password:
                client.login(user, password)
            send_message(client, msg, recipients)
        except BaseException:
            client.close()
            raise
        quit_quietly(client)
        return f"smtp:{host}:{port}"
    return deliver


class DeliveryInDoubt(Exception):
    """The message went out but the server's answer did not come back (a timeout, a dropped
    connection): it may have been accepted. Sending it again could make a second copy."""


_END_OF_DATA = b"\r\n.\r\n"


def send_message(client: smtplib.SMTP, msg: EmailMessage, recipients: list[str]) -> None:
    """`client.send_message`, telling an ambiguous failure from a clear one: an error before
    the message's last line went out, or an error reply from the server, means "not sent"; a
    lost connection or a timeout after it raises DeliveryInDoubt."""
    body_sent = False
    raw_send = client.send

    def send(data: bytes | str) -> None:
        nonlocal body_sent
        raw_send(data)
        if isinstance(data, bytes) and data.endswith(_END_OF_DATA):
            body_sent = True  # what follows is only the server's verdict

    client.send = send  # on this client only
    try:
        client.send_message(msg, to_addrs=recipients)
    except smtplib.SMTPResponseException:
        raise  # the server answered with an error code: not accepted
    except (smtplib.SMTPException, OSError) as exc:
        if body_sent:
            raise DeliveryInDoubt(f"{type(exc).__name__} after the message was sent: {exc}") from exc
        raise
    finally:
        del client.send


def quit_quietly(client: smtplib.SMTP) -> None:
    """Once the server has accepted the message it is sent: a failing QUIT must not turn
    into "not sent" (and so into a second copy on the next run)."""
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()
