"""Issue 11, item 2: a crash after fetching loses nothing, and no run stays `running`.

A real `newswatch run` is held inside a stage (a test connection locks the table that stage
writes), then killed with SIGKILL, or its database connection is cut (a TCP proxy in front of
Postgres). Before issue 11 the feeds' ETags and body hashes were already stored, so the next
run got 304s and loaded 0 of the entries, and the killed run stayed `running` forever.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import yaml
from conftest import DEMO_LOADED_CASES, DEMO_TOPIC
from pgproxy import PgProxy
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row

NEWSWATCH = str(Path(sys.executable).parent / "newswatch")
MANIFEST = yaml.safe_load((DEMO_TOPIC.parent / "expected.yaml").read_text(encoding="utf-8"))
EXPECTED_NEW = sum(i["case"] in DEMO_LOADED_CASES for i in MANIFEST["items"])


def rows(db_url: str, query: str, *args) -> list[dict]:
    with psycopg.connect(db_url) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, args)
        return cur.fetchall()


@contextmanager
def held(db_url: str, table: str):
    """Hold an exclusive lock on `table`: the stage that writes it waits, mid-run."""
    conn = psycopg.connect(db_url)
    conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    try:
        yield conn
    finally:
        conn.rollback()
        conn.close()


def wait_until_blocked(db_url: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the run ended before reaching the held stage: {proc.returncode}\n{out[-2000:]}\n{err[-2000:]}")
        waiting = rows(db_url, """SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()
                                  AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()""")[0]["n"]
        if waiting:
            return
        time.sleep(0.2)
    pytest.fail("the run never reached the held stage")


def wait_for_backends_to_go(db_url: str, timeout: float = 30) -> None:
    """The killed run's server side ends when it notices its client gone (after the lock)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not rows(db_url, """SELECT pid FROM pg_stat_activity WHERE datname = current_database()
                               AND pid <> pg_backend_pid() AND backend_type = 'client backend'"""):
            return
        time.sleep(0.2)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("""SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE datname = current_database() AND pid <> pg_backend_pid()""")


def cli(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([NEWSWATCH, *args], capture_output=True, text=True, env=env, timeout=600, **kwargs)


@pytest.fixture
def env(db_url, demo_server, tmp_path):
    return {**os.environ, "NEWSWATCH_DATABASE_URL": db_url, "NEWSWATCH_OUTBOX_DIR": str(tmp_path / "outbox"),
            "NEWSWATCH_DEMO_BASE_URL": demo_server.base_url}


def start_run(env: dict) -> subprocess.Popen:
    return subprocess.Popen([NEWSWATCH, "run", "--topic", str(DEMO_TOPIC)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def check_everything_loaded_and_the_dead_run_closed(db_url: str, dead_run: str, why: str) -> None:
    loaded = rows(db_url, "SELECT count(*) AS n FROM articles WHERE NOT is_seed AND duplicate_of IS NULL")[0]["n"]
    assert loaded == EXPECTED_NEW  # every entry the killed run did not load
    runs = {r["run_id"]: r for r in rows(db_url, "SELECT * FROM runs")}
    assert runs[dead_run]["status"] == "failed" and runs[dead_run]["finished_at"] is not None
    assert why in runs[dead_run]["stats"]["failure"]["reason"]
    assert not [r for r in runs.values() if r["status"] == "running"]
    latest = max(runs.values(), key=lambda r: r["id"])
    assert latest["status"] == "success" and latest["stats"]["accounting"]["balanced"]


@pytest.mark.parametrize("stage, table", [("validate", "validation_results"), ("load", "entry_outcomes")])
def test_kill_9_during_a_stage_loses_nothing(db_url, env, stage, table):
    with held(db_url, table):
        proc = start_run(env)
        wait_until_blocked(db_url, proc)
        [killed] = rows(db_url, "SELECT run_id, status FROM runs")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    wait_for_backends_to_go(db_url)
    assert killed["status"] == "running"
    # the killed run fetched every feed, but stored no validator: nothing will answer 304
    assert rows(db_url, "SELECT count(*) AS n FROM feeds WHERE last_status = 'ok'")[0]["n"] == 3
    assert rows(db_url, "SELECT count(*) AS n FROM feeds WHERE etag IS NOT NULL OR body_hash IS NOT NULL")[0]["n"] == 0
    assert rows(db_url, "SELECT count(*) AS n FROM articles WHERE NOT is_seed")[0]["n"] == 0
    again = cli(["run", "--topic", str(DEMO_TOPIC)], env)
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"loaded: {EXPECTED_NEW} new articles" in again.stdout
    check_everything_loaded_and_the_dead_run_closed(db_url, killed["run_id"], "is gone")


def test_kill_9_during_load_then_the_dag_loads_everything(db_url, env, news_monitor_dag):
    run, sink = news_monitor_dag
    with held(db_url, "entry_outcomes"):
        proc = start_run(env)
        wait_until_blocked(db_url, proc)
        [killed] = rows(db_url, "SELECT run_id FROM runs")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    wait_for_backends_to_go(db_url)
    dag_run = run()
    assert dag_run.state == "success"
    check_everything_loaded_and_the_dead_run_closed(db_url, killed["run_id"], "is gone")
    assert len(sink.messages) == 1  # one digest, sent once


def test_the_database_lost_during_load_loses_nothing(db_url, env, pg_admin_url):
    proxy = PgProxy(pg_admin_url)
    via_proxy = {**env, "NEWSWATCH_DATABASE_URL": proxy.url(conninfo_to_dict(db_url)["dbname"])}
    with held(db_url, "entry_outcomes"):
        proc = start_run(via_proxy)
        wait_until_blocked(db_url, proc)
        [lost] = rows(db_url, "SELECT run_id FROM runs")
        proxy.cut()
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "Traceback" not in err, err[-3000:]
    assert "the database is unavailable" in err and "Nothing is lost" in err
    wait_for_backends_to_go(db_url)
    assert rows(db_url, "SELECT count(*) AS n FROM articles WHERE NOT is_seed")[0]["n"] == 0
    assert rows(db_url, "SELECT status, stats->'failure' AS f FROM runs") == [{"status": "running", "f": None}]
    proxy.restore()
    again = cli(["run", "--topic", str(DEMO_TOPIC)], via_proxy)
    assert again.returncode == 0, again.stderr[-2000:]
    check_everything_loaded_and_the_dead_run_closed(db_url, lost["run_id"], "is gone")
    proxy.cut()


def test_the_cli_closes_its_own_run_on_any_exception(db_url, env, tmp_path):
    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(
        "import newswatch.pipeline as p\n"
        "def broken(*args, **kwargs):\n"
        "    raise RuntimeError('simulated crash in dedupe')\n"
        "p.dedupe_batch = broken\n", encoding="utf-8")
    done = cli(["run", "--topic", str(DEMO_TOPIC)], {**env, "PYTHONPATH": str(inject)})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "failed: RuntimeError: simulated crash in dedupe" in done.stderr
    [run] = rows(db_url, "SELECT status, finished_at, stats FROM runs")
    assert run["status"] == "failed" and run["finished_at"] is not None
    assert run["stats"]["failure"] == {"stage": "dedupe", "reason": "RuntimeError: simulated crash in dedupe"}


def test_an_airflow_run_left_running_is_closed_by_the_next_airflow_run(db_url, demo_topic):
    from newswatch import pipeline
    from newswatch.store import run_state

    pipeline.start_run(demo_topic, "scheduled__1", db_url, owner=run_state.AIRFLOW)
    pipeline.start_run(demo_topic, "cli__elsewhere", db_url, owner="cli:some-other-host:4242")  # alive, elsewhere
    pipeline.start_run(demo_topic, "scheduled__2", db_url, owner=run_state.AIRFLOW)
    status = {r["run_id"]: r for r in rows(db_url, "SELECT run_id, status, stats FROM runs")}
    assert status["scheduled__1"]["status"] == "failed"
    assert "an earlier Airflow run still marked running" in status["scheduled__1"]["stats"]["failure"]["reason"]
    assert status["cli__elsewhere"]["status"] == "running"  # another host's live run is not ours to close
    assert status["scheduled__2"]["status"] == "running"
    with psycopg.connect(db_url) as conn:  # silent for longer than STALE_AFTER: closed whoever ran it
        conn.execute("UPDATE runs SET heartbeat_at = now() - interval '7 hours' WHERE run_id = 'cli__elsewhere'")
    pipeline.start_run(demo_topic, "scheduled__3", db_url, owner=run_state.AIRFLOW)
    status = {r["run_id"]: r["status"] for r in rows(db_url, "SELECT run_id, status FROM runs")}
    assert status == {"scheduled__1": "failed", "cli__elsewhere": "failed", "scheduled__2": "failed",
                      "scheduled__3": "running"}
