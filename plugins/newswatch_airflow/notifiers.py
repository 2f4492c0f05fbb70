"""Failure emails for the topic DAGs (newswatch__<topic>).

Each DAG builds its notifiers with its own topic file (`FailureEmail("task", topic_file)`), so
the email names and goes to the topic whose run failed. `FailureEmail("task")` is every task's `on_failure_callback` (it fires once a task has failed
for good, after its retries) and carries the exception: "batch rejected, nothing loaded: ...".
`FailureEmail("dag")` is the DAG's: the run failed (also when no task could say so, e.g. a
timeout); it marks the run failed in Postgres if no stage did, and names the failed tasks.

With the `smtp_default` connection the mail goes through Airflow's SmtpNotifier (the SMTP
provider: TLS, login and the connection's from address are its business). Without it (the demo)
the same message is written as an .eml file to the outbox, like the alerts.
"""

from __future__ import annotations

import html
import logging
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Literal

from airflow.sdk import BaseNotifier
from newswatch.dag_ids import DAG_PREFIX, dag_id_for

from newswatch_airflow.conn_ids import SMTP_CONN_ID

log = logging.getLogger(__name__)


class FailureEmail(BaseNotifier):
    template_fields = ()  # the message is built in code: exception texts must not be run as Jinja

    def __init__(self, kind: Literal["task", "dag"] = "task", topic_file: str | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.topic_file = topic_file

    def render_template_fields(self, context: Any, jinja_env: Any = None) -> None:
        """Nothing to render; and the DAG-level callback may get a serialized DAG, which has no
        template environment to build (BaseNotifier would fail asking for one)."""

    def notify(self, context: Any) -> None:
        from newswatch.config import load_topic

        from newswatch_airflow.settings import airflow_connection

        if self.topic_file is None:
            raise ValueError("FailureEmail needs the topic file of its DAG")
        topic = load_topic(self.topic_file)
        if self.kind == "dag":
            _mark_run_failed(topic, context)
        subject, text = failure_message(self.kind, topic.name, context, _run_bugs(topic, context))
        to = [topic.contact]
        if airflow_connection(SMTP_CONN_ID) is not None:
            from airflow.providers.smtp.notifications.smtp import SmtpNotifier

            # notify(), not __call__: the text holds exception messages, never rendered as templates
            SmtpNotifier(to=to, from_email=topic.sender, subject=subject, smtp_conn_id=SMTP_CONN_ID,
                         html_content=f"<pre>{html.escape(text)}</pre>").notify(context)
            log.info("failure email sent through %s to %s: %s", SMTP_CONN_ID, to, subject)
            return
        from newswatch.alerts.outbox import outbox_deliverer

        msg = EmailMessage()
        msg["Subject"], msg["From"], msg["To"] = subject, topic.sender, ", ".join(to)
        msg["Date"], msg["Message-ID"] = formatdate(localtime=False), make_msgid("failure", "newswatch.local")
        msg.set_content(text)
        msg.add_alternative(f"<pre>{html.escape(text)}</pre>", subtype="html")
        where = outbox_deliverer()(msg, to)
        log.info("failure email written (no %s connection): %s", SMTP_CONN_ID, where)


def failure_message(kind: str, topic: str, context: Any, bugs: list[dict] | None = None) -> tuple[str, str]:
    """(subject, plain text) from the Airflow callback context; `bugs`: the run's isolated
    unexpected errors (they did not fail it, but whoever reads about a failure should know)."""
    dag_run = context.get("dag_run")
    run_id = context.get("run_id") or getattr(dag_run, "run_id", "?")
    dag_id = getattr(context.get("dag"), "dag_id", None) or getattr(dag_run, "dag_id", dag_id_for(topic))
    lines = [f"newswatch · topic {topic} · DAG {dag_id} · run {run_id}", ""]
    if kind == "task":
        ti = context.get("ti") or context.get("task_instance")
        task_id = getattr(ti, "task_id", "?")
        exception = context.get("exception")
        reason = f"{type(exception).__name__}: {exception}" if exception else "(no exception recorded)"
        subject = f"[newswatch] {topic}: task {task_id} failed: {_first_line(str(exception or 'failed'))}"
        lines += [f"Task {task_id} failed (try {getattr(ti, 'try_number', '?')}).", "", reason]
    else:
        failed = _failed_tasks(context)
        reason = context.get("reason") or "failed"
        subject = f"[newswatch] {topic}: run {run_id} failed"
        lines += [f"The run failed ({reason}).", f"Failed tasks: {', '.join(failed) or 'none recorded'}."]
    lines += ["", *_links(dag_id, run_id, context)]
    if bugs:
        from newswatch.isolation import bug_lines

        lines += ["", *bug_lines(bugs)]
    lines += ["", "What the run did and what it refused: `newswatch report` (runs, quarantine reasons, feed health)."]
    return subject[:200], "\n".join(lines)


def _links(dag_id: str, run_id: str, context: Any) -> list[str]:
    """The failed task's log and the run in Airflow's UI (NEWSWATCH_AIRFLOW_URL, one setting
    for every email: newswatch.alerts.links)."""
    from newswatch.alerts import links

    out = []
    ti = context.get("ti") or context.get("task_instance")
    if getattr(ti, "task_id", None):
        try_number = getattr(ti, "try_number", None)
        out.append(f"Log of {ti.task_id}: " + links.task_log_url(
            dag_id, run_id, ti.task_id, getattr(ti, "map_index", None),
            try_number if isinstance(try_number, int) else None))
    out.append(f"Run: {links.run_url(dag_id, run_id)}")
    out.append(f"newswatch view: {links.view_url(dag_id.removeprefix(DAG_PREFIX), run_id)}")
    return out


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 120 else line[:119] + "…"


def _failed_tasks(context: Any) -> list[str]:
    """Airflow builds a DAG callback's context around the task instance that decided the run."""
    ti = context.get("ti") or context.get("task_instance")
    return [ti.task_id] if getattr(ti, "task_id", None) else []


def _run_bugs(topic: Any, context: Any) -> list[dict]:
    """The run's isolated bugs as its stats record them (none if the database cannot say)."""
    try:
        from newswatch import store
        from newswatch.run_stats import RunStats
        from newswatch.store.db import connect

        run_id = context.get("run_id") or getattr(context.get("dag_run"), "run_id", None)
        url = _existing_database()
        if url is None:
            return []
        with connect(url) as conn:
            run = store.get_run(conn, topic.name, run_id)
        return list(RunStats.read((run or {}).get("stats")).bugs or [])
    except Exception as exc:  # noqa: BLE001 - never let bookkeeping stop the email
        log.warning("could not read the run's bugs: %s", exc)
        return []


def _existing_database() -> str | None:
    """The article store if one is configured or the embedded one runs; never starts one just
    to write an email."""
    import os

    from newswatch.store.db import newswatch_home
    from newswatch.store.embedded_pg import postmaster_pid

    from newswatch_airflow.conn_ids import DB_CONN_ID
    from newswatch_airflow.settings import airflow_connection, database_url

    if airflow_connection(DB_CONN_ID) is not None or os.environ.get("NEWSWATCH_DATABASE_URL"):
        return database_url()
    return database_url() if postmaster_pid(newswatch_home() / "pgdata") else None


def _mark_run_failed(topic: Any, context: Any) -> None:
    """A run that failed where no stage recorded it (a crash, a timeout) is marked failed too."""
    try:
        from newswatch import store
        from newswatch.store.db import connect

        from newswatch_airflow.settings import database_url

        dag_run = context.get("dag_run")
        run_id = context.get("run_id") or getattr(dag_run, "run_id", None)
        with connect(database_url()) as conn:
            store.mark_run_failed(conn, topic.name, run_id,
                                  f"run failed ({context.get('reason') or 'task failure'})", stage="airflow")
    except Exception as exc:  # noqa: BLE001 - never let bookkeeping stop the email
        log.warning("could not mark run failed in Postgres: %s", exc)
