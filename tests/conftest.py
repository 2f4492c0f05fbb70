"""Shared fixtures: real Postgres (a fresh database per test), the loopback HTTP server with
the sample site, a loopback SMTP server, and an Airflow home for running the DAG.

Environment for Airflow is set here, before anything imports airflow.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_STATE = Path(tempfile.mkdtemp(prefix="newswatch-tests-"))
os.environ["AIRFLOW_HOME"] = str(_STATE / "airflow")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(ROOT / "plugins")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["GX_ANALYTICS_ENABLED"] = "False"
# Real-text dev sets stay where `newswatch devset fill` put them (the caller's NEWSWATCH_HOME or
# .local/), although every test gets a fresh NEWSWATCH_HOME.
os.environ.setdefault("NEWSWATCH_REALTEXT",
                      str(Path(os.environ.get("NEWSWATCH_HOME") or ROOT / ".local") / "realtext"))
os.environ["NEWSWATCH_HOME"] = str(_STATE / "home")
os.environ.pop("NEWSWATCH_DATABASE_URL", None)  # tests choose their database explicitly

from newswatch.db import create_database, drop_database, with_database  # noqa: E402
from newswatch.fixture_server import FixtureServer  # noqa: E402
from newswatch.migrate import migrate  # noqa: E402

DEMO_SITE = ROOT / "include" / "demo" / "site"
DEMO_TOPIC = ROOT / "include" / "demo" / "topic.yaml"


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A Postgres server: NEWSWATCH_TEST_DATABASE_URL (e.g. CI's), else an embedded one."""
    url = os.environ.get("NEWSWATCH_TEST_DATABASE_URL")
    if url:
        yield url
        return
    import pgserver

    server = pgserver.get_server(_STATE / "pgdata", cleanup_mode="stop")
    yield server.get_uri("postgres")
    server.cleanup()
    # pgserver logs again from atexit, after pytest has closed the streams it logs to.
    import logging

    logging.getLogger("pgserver").disabled = True


@pytest.fixture
def empty_db_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh UTF-8 database, dropped after the test."""
    name = f"nw_test_{uuid.uuid4().hex[:10]}"
    create_database(pg_admin_url, name)
    yield with_database(pg_admin_url, name)
    drop_database(pg_admin_url, name)


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """A fresh database with the schema migrated."""
    migrate(empty_db_url)
    return empty_db_url


@pytest.fixture
def demo_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FixtureServer]:
    """The bundled sample site on a loopback port; the demo topic's feeds point at it."""
    with FixtureServer(DEMO_SITE) as server:
        monkeypatch.setenv("NEWSWATCH_DEMO_BASE_URL", server.base_url)
        yield server


@pytest.fixture
def demo_topic(demo_server: FixtureServer):
    from newswatch.config import load_topic

    return load_topic(DEMO_TOPIC)


class SmtpSink:
    """Collects what a loopback SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list = []
        self.fail_with: int | None = None  # set to an SMTP code to refuse mail
        self.answer_after: float = 0.0  # seconds to wait before answering DATA (a slow server)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's naming)
        if self.answer_after:
            import asyncio

            await asyncio.sleep(self.answer_after)
        if self.fail_with:
            return f"{self.fail_with} mailbox unavailable"
        from email import message_from_bytes, policy

        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted"


@pytest.fixture
def smtp_server() -> Iterator[tuple[SmtpSink, int]]:
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


@pytest.fixture(scope="session")
def airflow_home() -> Path:
    """Airflow's metadata database (SQLite in the test's temp home), migrated once."""
    airflow = Path(sys.executable).parent / "airflow"
    done = subprocess.run([str(airflow), "db", "migrate"], capture_output=True, text=True, env=os.environ.copy())
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return Path(os.environ["AIRFLOW_HOME"])


def airflow_db_conn(db_url: str) -> str:
    """The test database as an Airflow connection (JSON form), as a deployment would set it."""
    import json
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(db_url)
    host = parts.hostname or dict(q.split("=", 1) for q in parts.query.split("&") if q).get("host")
    return unquote(json.dumps({"conn_type": "postgres", "host": host, "port": parts.port or 5432,
                               "login": parts.username or "postgres", "password": parts.password or "",
                               "schema": parts.path.lstrip("/")}))


@pytest.fixture
def news_monitor_dag(monkeypatch, airflow_home, db_url, smtp_server):
    """Runs the news_monitor DAG through Airflow (`dag.test()`) on the demo topic, its
    `newswatch_db` connection on the test database and `smtp_default` on the loopback SMTP
    server. Returns (run, sink): run() gives the DagRun, sink counts the messages."""
    import json

    from newswatch_airflow.conn_ids import DB_CONN_ID, SMTP_CONN_ID

    sink, port = smtp_server
    monkeypatch.setenv("NEWSWATCH_TOPIC", str(DEMO_TOPIC))
    monkeypatch.setenv(f"AIRFLOW_CONN_{DB_CONN_ID.upper()}", airflow_db_conn(db_url))
    monkeypatch.setenv(f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}", json.dumps({
        "conn_type": "smtp", "host": "127.0.0.1", "port": port,
        "extra": {"disable_tls": True, "disable_ssl": True, "from_email": "newswatch@example.org"}}))

    def run():
        from airflow.dag_processing.dagbag import DagBag

        dagbag = DagBag(dag_folder=str(ROOT / "dags"))
        assert dagbag.import_errors == {}
        return dagbag.get_dag("news_monitor").test()

    return run, sink
