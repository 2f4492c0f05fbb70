"""Turn Airflow connections into newswatch settings. Only tasks call these (never parse time).

- `newswatch_db` (Postgres) → the article store; absent → NEWSWATCH_DATABASE_URL → embedded.
- `smtp_default` (SMTP) → alerts sent through Airflow's SMTP provider; absent → .eml outbox.
"""

from __future__ import annotations

import os
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

from airflow.sdk import BaseHook, get_current_context
from airflow.sdk.exceptions import AirflowNotFoundException
from newswatch import paths
from newswatch.config import Topic, load_topic

from newswatch_airflow.conn_ids import DB_CONN_ID, SMTP_CONN_ID

if TYPE_CHECKING:
    from newswatch.alerts.outbox import Deliver

# newswatch.store.db and newswatch.alerts.outbox (psycopg, Jinja2) are imported inside the functions:
# the DAG file imports this module at parse time.

DEFAULT_TOPIC = paths.DEFAULT_TOPIC


def topic_file() -> Path:
    return Path(os.environ.get("NEWSWATCH_TOPIC") or DEFAULT_TOPIC)


def airflow_connection(conn_id: str):
    """The Airflow connection `conn_id`, or None when it is not defined."""
    try:
        return BaseHook.get_connection(conn_id)
    except AirflowNotFoundException:
        return None


def database_url() -> str:
    from newswatch.store.db import database_url as newswatch_database_url

    conn = airflow_connection(DB_CONN_ID)
    return newswatch_database_url(conn.get_uri() if conn else None)


def deliverer() -> "Deliver":
    from newswatch.alerts import outbox

    if airflow_connection(SMTP_CONN_ID) is None:
        return outbox.outbox_deliverer()

    def deliver(msg: EmailMessage, recipients: list[str]) -> str:
        from airflow.providers.smtp.hooks.smtp import SmtpHook

        with SmtpHook(smtp_conn_id=SMTP_CONN_ID) as hook:
            # The hook owns connecting, TLS and login; we send our own multipart message
            # (text + HTML, stable Message-ID), which send_email_smtp cannot build. The provider
            # leaves no public way to the logged-in smtplib client (SmtpHook.get_conn() returns
            # the hook itself, send_email_smtp builds its own message), hence _smtp_client.
            outbox.send_message(hook._smtp_client, msg, recipients)  # tells "in doubt" from "not sent"
            return f"smtp:{SMTP_CONN_ID}:{hook.host}:{hook.port}"

    return deliver


def stage_context() -> tuple[Topic, str, str]:
    """(topic, Airflow run_id, database URL) for the running task."""
    return load_topic(topic_file()), get_current_context()["run_id"], database_url()
