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
from contextlib import contextmanager
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

from newswatch.fixture_server import FixtureServer  # noqa: E402
from newswatch.store.db import create_database, drop_database, with_database  # noqa: E402
from newswatch.store.migrate import migrate  # noqa: E402

DEMO_SITE = ROOT / "include" / "demo" / "site"
DEMO_TOPIC = ROOT / "include" / "demo" / "topic.yaml"
# The cases of include/demo/expected.yaml that a first demo run stores as new articles.
DEMO_LOADED_CASES = frozenset({"relevant", "restates_seed_claim", "new_claim", "update_claim", "contradicts_claim"})


# Marked `slow` (so `pytest -m "not slow"` is the fast loop): the labelled-set evaluations, the
# tests on real texts, the compose check and every test that runs Airflow.
SLOW_MODULES = {"test_dedupe_set.py", "test_extraction_set.py", "test_claims_extract_eval.py", "test_compose.py"}
SLOW_FIXTURES = {"news_monitor_dag", "airflow_home", "celery_airflow"}


def pytest_collection_modifyitems(config, items):
    """A `realtext(MANIFEST)` test runs only when that manifest's texts are in the local folder.
    Otherwise it is deselected (reported as such), never skipped and counted as done."""
    from newswatch import devsets

    for item in items:  # before pytest's own -m selection, which runs after this hook
        if (item.path.name in SLOW_MODULES or item.get_closest_marker("realtext") is not None
                or SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))):
            item.add_marker(pytest.mark.slow)
    keep, dropped = [], []
    for item in items:
        marker = item.get_closest_marker("realtext")
        if marker is not None:
            manifest = devsets.read_manifest(marker.args[0])
            if len(devsets.load(manifest)) < len(manifest.sources):
                dropped.append(item)
                continue
        keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
        _DESELECTED_REALTEXT.extend(item.nodeid for item in dropped)


_DESELECTED_REALTEXT: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    if _DESELECTED_REALTEXT:
        terminalreporter.write_line(f"real-text checks not run ({len(_DESELECTED_REALTEXT)}): their texts are not in the "
                                    "local folder (`newswatch devset fill MANIFEST`)")


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


@contextmanager
def fresh_database(pg_admin_url: str) -> Iterator[str]:
    """A fresh UTF-8 database, dropped at the end; for a test that needs two."""
    name = f"nw_test_{uuid.uuid4().hex[:10]}"
    create_database(pg_admin_url, name)
    try:
        yield with_database(pg_admin_url, name)
    finally:
        drop_database(pg_admin_url, name)


@pytest.fixture
def empty_db_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh UTF-8 database, dropped after the test."""
    with fresh_database(pg_admin_url) as url:
        yield url


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


@contextmanager
def smtp_sink_server() -> Iterator[tuple[SmtpSink, int]]:
    """A loopback SMTP server (aiosmtpd) and what it receives; for a test that needs two."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[tuple[SmtpSink, int]]:
    with smtp_sink_server() as server:
        yield server


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


def newswatch_dag_env(db_url: str, smtp_port: int, topic: Path = DEMO_TOPIC) -> dict[str, str]:
    """What newswatch's DAGs read from the environment in a test: the topics folder (here one
    topic file, so one DAG), the `newswatch_db` connection on the test database,
    `smtp_default` on a loopback SMTP server."""
    import json

    from newswatch_airflow.conn_ids import DB_CONN_ID, SMTP_CONN_ID

    return {
        "NEWSWATCH_TOPICS_DIR": str(topic),
        f"AIRFLOW_CONN_{DB_CONN_ID.upper()}": airflow_db_conn(db_url),
        f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}": json.dumps({
            "conn_type": "smtp", "host": "127.0.0.1", "port": smtp_port,
            "extra": {"disable_tls": True, "disable_ssl": True, "from_email": "newswatch@example.org"}}),
    }


@pytest.fixture
def news_monitor_dag(monkeypatch, airflow_home, db_url, smtp_server):
    """Runs the topic's DAG (newswatch__<topic>) through Airflow (`dag.test()`) on the demo topic
    (or the one file a test sets in NEWSWATCH_TOPICS_DIR), its `newswatch_db` connection on the
    test database and `smtp_default` on the loopback SMTP server. Returns (run, sink): run()
    gives the DagRun, sink counts the messages."""
    sink, port = smtp_server
    for name, value in newswatch_dag_env(db_url, port).items():
        monkeypatch.setenv(name, value)

    def run():
        from airflow.dag_processing.dagbag import DagBag

        dagbag = DagBag(dag_folder=str(ROOT / "dags"))
        assert dagbag.import_errors == {}
        [dag] = dagbag.dags.values()  # one topic file, one DAG
        return dag.test()

    return run, sink


@pytest.fixture
def celery_airflow(pg_admin_url, request):
    """Starts Airflow on CeleryExecutor as subprocesses on loopback (tests/airflow_stack.py):
    metadata DB on a fresh database of the test Postgres server, the machine's Redis as broker
    (a database number of its own), api-server, dag-processor, scheduler, `airflow celery worker`.

        stack = celery_airflow(env={...DAG environment...}, pools={"newswatch_fetch": 4})
        run = stack.run_dag("newswatch__russia_north_korea")  # REST trigger, waits (timeout_s=900)
        stack.task_instances(run["dag_id"], run["dag_run_id"]); stack.worker_hostname

    Everything is stopped after the test (or by the test: `stack.stop()` returns the stray
    processes it had to kill). When the test fails, the components' log tails are added to its
    report and the stack's folder (logs, task logs) is kept; otherwise it is removed."""
    import shutil

    from airflow_stack import CeleryStack

    stacks: list[CeleryStack] = []
    request.node.airflow_stacks = stacks  # read by pytest_runtest_makereport below

    def start(env: dict[str, str] | None = None, pools: dict[str, int] | None = None,
              worker_concurrency: int = 2) -> CeleryStack:
        workdir = Path(tempfile.mkdtemp(prefix="celery-stack-", dir=_STATE))
        stack = CeleryStack(pg_admin_url, workdir, env=env, pools=pools, worker_concurrency=worker_concurrency)
        stacks.append(stack)
        return stack.start()

    yield start
    for stack in stacks:
        stack.stop()
        if not getattr(request.node, "newswatch_failed", False):  # on failure the report names the folder
            shutil.rmtree(stack.workdir, ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        item.newswatch_failed = True
        if call.when == "call":
            for stack in getattr(item, "airflow_stacks", []):
                report.sections.append((f"Airflow stack {stack.token} logs", stack.report()))
    return report


@pytest.fixture
def browser_page(tmp_path):
    """A Playwright page in Debian's headless Chromium (tests/browser.py), fresh profile under
    the test's tmp dir, loopback only (`page.blocked_requests` lists what it refused).
    Without /usr/bin/chromium the test fails with the install command: it is never skipped."""
    from browser import chromium_missing, chromium_page

    if missing := chromium_missing():
        pytest.fail(missing, pytrace=False)
    with chromium_page(tmp_path / "chromium-profile") as (page, guard):
        page.blocked_requests = guard.blocked
        yield page
