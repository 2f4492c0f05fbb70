"""The `alerts` table: the outbox. A row goes pending → sending → sent; one whose sender died
mid-send stays 'sending' (in doubt) until a person releases it. Callers own transactions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row


def insert_alert(conn: psycopg.Connection, *, topic: str, run: int, key: str, kind: str, recipients: list[str],
                 sender: str, subject: str, text: str, html: str, message_id: str, article_ids: list[int]) -> int:
    """The alert of this dedupe key, inserted unless it exists already; returns its id."""
    conn.execute(
        """INSERT INTO alerts (topic, run_id, dedupe_key, kind, recipients, sender, subject, body_text, body_html,
                               message_id, article_ids)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (dedupe_key) DO NOTHING""",
        (topic, run, key, kind, recipients, sender, subject, text, html, message_id, article_ids),
    )
    return conn.execute("SELECT id FROM alerts WHERE dedupe_key = %s", (key,)).fetchone()[0]


def pending_ids(conn: psycopg.Connection, topic: str) -> list[int]:
    return [row[0] for row in conn.execute(
        "SELECT id FROM alerts WHERE topic = %s AND status = 'pending' ORDER BY id", (topic,))]


def claim_for_sending(conn: psycopg.Connection, alert_id: int) -> dict[str, Any] | None:
    """Pending → sending, unless another sender holds or took it; the whole row, or None."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("""UPDATE alerts SET status = 'sending', sending_since = now(), attempts = attempts + 1
                       WHERE id = (SELECT id FROM alerts WHERE id = %s AND status = 'pending'
                                   FOR UPDATE SKIP LOCKED)
                       RETURNING *""", (alert_id,))
        return cur.fetchone()


def note_in_doubt(conn: psycopg.Connection, alert_id: int, error: str) -> None:
    conn.execute("UPDATE alerts SET last_error = %s WHERE id = %s", (error[:500], alert_id))


def back_to_pending(conn: psycopg.Connection, alert_id: int, error: str) -> None:
    conn.execute("""UPDATE alerts SET status = 'pending', sending_since = NULL, last_error = %s
                    WHERE id = %s""", (error[:500], alert_id))


def mark_sent(conn: psycopg.Connection, alert_id: int, sent_at: datetime, destination: str) -> None:
    conn.execute("""UPDATE alerts SET status = 'sent', sent_at = %s, sending_since = NULL,
                           destination = %s, last_error = NULL WHERE id = %s""",
                 (sent_at, destination, alert_id))


def unsent(conn: psycopg.Connection, topic: str) -> list[dict[str, Any]]:
    """Alerts not sent: pending ones, and in-doubt ones (status 'sending')."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("""SELECT id, kind, status, subject, message_id, created_at, sending_since, attempts, last_error
                       FROM alerts
                       WHERE topic = %s AND status IN ('pending', 'sending') ORDER BY id""", (topic,))
        return cur.fetchall()


def release_in_doubt(conn: psycopg.Connection, alert_id: int, *, delivered: bool) -> bool:
    """Mark an in-doubt alert sent, or put it back to be sent; False when it was not in doubt."""
    status = "sent" if delivered else "pending"
    row = conn.execute(
        """UPDATE alerts SET status = %s, sending_since = NULL,
                  sent_at = CASE WHEN %s THEN now() ELSE sent_at END,
                  last_error = 'released by hand after an interrupted send'
           WHERE id = %s AND status = 'sending' RETURNING id""", (status, delivered, alert_id)).fetchone()
    return row is not None


def alerts_of_run(conn: psycopg.Connection, run: int) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("""SELECT id, kind, status, subject, destination, last_error, message_id FROM alerts
                       WHERE run_id = %s""", (run,))
        return cur.fetchall()
