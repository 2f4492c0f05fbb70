"""Turn Airflow connections into newswatch settings. Only tasks call these (never parse time).

- `newswatch_db` (Postgres) → the article store; absent → NEWSWATCH_DATABASE_URL → embedded.
- `smtp_default` (SMTP) → alerts sent through Airflow's SMTP provider; absent → .eml outbox.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

from airflow.sdk import BaseHook, get_current_context
from airflow.sdk.exceptions import AirflowNotFoundException
from newswatch.config import Topic, load_topic

from newswatch_airflow.conn_ids import DB_CONN_ID, SMTP_CONN_ID

if TYPE_CHECKING:
    from newswatch.alerts.outbox import Deliver

# newswatch.store.db and newswatch.alerts.outbox (psycopg, Jinja2) are imported inside the functions:
# the DAG file imports this module at parse time.


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


class TopicMismatchError(RuntimeError):
    """The topic file a DAG was built from now names another topic."""


def bound_topic(topic_file: str | Path, dag_id: str | None = None) -> Topic:
    """The topic of the task's own DAG: the file the DAG was built from (a task argument, never
    the environment), checked against the DAG id, so an edited or copied file cannot make this
    DAG run, and write under, another topic."""
    from newswatch.dag_ids import dag_id_for

    topic = load_topic(topic_file)
    if dag_id is not None and dag_id_for(topic.name) != dag_id:
        raise TopicMismatchError(f"{topic_file} now defines topic {topic.name!r} ({dag_id_for(topic.name)}), "
                                 f"but this is DAG {dag_id}: wait for the DAG processor to parse it again")
    return topic


def stage_context(topic_file: str | Path) -> tuple[Topic, str, str]:
    """(topic, Airflow run_id, database URL) for the running task of this topic's DAG."""
    from airflow.sdk.exceptions import AirflowFailException
    from newswatch.config import TopicConfigError

    context = get_current_context()
    try:
        topic = bound_topic(topic_file, context["dag"].dag_id)
    except (TopicConfigError, TopicMismatchError) as exc:
        raise AirflowFailException(str(exc)) from exc  # the file is wrong: retrying cannot help
    return topic, context["run_id"], database_url()
