"""A broken batch through Airflow (`dag.test()`): the sample site with every article page
emptied (a CMS gone wrong). Nothing is loaded, the run is recorded failed with the reason, and
the failure email reaches the loopback SMTP server through the `smtp_default` connection."""

from __future__ import annotations

import shutil

import psycopg
import pytest
import yaml
from conftest import DEMO_SITE, ROOT
from newswatch.fixture_server import FixtureServer
from newswatch_airflow.conn_ids import SMTP_CONN_ID
from psycopg.rows import dict_row

MANIFEST = yaml.safe_load((ROOT / "include" / "demo" / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def emptied_site(tmp_path, monkeypatch):
    """The demo site, every article page replaced by the demo's page with no text."""
    site = tmp_path / "site"
    shutil.copytree(DEMO_SITE, site)
    empty = next(i["page"] for i in MANIFEST["items"] if i["case"] == "page_empty")
    for page in (site / "articles").glob("*.html"):
        shutil.copyfile(DEMO_SITE / empty, page)
    with FixtureServer(site) as server:
        monkeypatch.setenv("NEWSWATCH_DEMO_BASE_URL", server.base_url)
        yield server


def rows(db_url: str, query: str, *args) -> list[dict]:
    with psycopg.connect(db_url) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, args)
        return cur.fetchall()


def test_a_broken_batch_loads_nothing_fails_the_run_and_emails(news_monitor_dag, db_url, emptied_site):
    run, sink = news_monitor_dag
    dag_run = run()

    assert dag_run.state == "failed"
    states = {ti.task_id: ti.state for ti in dag_run.get_task_instances()}
    assert states["validate"] == "failed"
    assert states["load"] == "upstream_failed"

    # nothing of the batch is stored: no article but the seeds, no quarantine row, no digest
    assert rows(db_url, "SELECT count(*) AS n FROM articles WHERE NOT is_seed")[0]["n"] == 0
    assert rows(db_url, "SELECT count(*) AS n FROM quarantine")[0]["n"] == 0
    assert rows(db_url, "SELECT count(*) AS n FROM alerts")[0]["n"] == 0

    # the run is recorded failed, with the reason and its counts; the checks' results are stored
    run = rows(db_url, "SELECT * FROM runs")[0]
    assert run["status"] == "failed" and run["finished_at"] is not None
    reason = run["stats"]["failure"]["reason"]
    assert reason.startswith("batch rejected, nothing loaded: pages_with_text: ")
    assert run["stats"]["failure"]["stage"] == "validate"
    assert run["stats"]["articles_loaded"] == 0 and run["stats"]["entries_relevant"] > 0
    results = {r["suite"]: r for r in rows(db_url, "SELECT * FROM validation_results")}
    assert results["incoming_batch"]["success"] is False
    assert results["incoming_batch"]["summary"]["pages_with_text"]["observed"] == 1.0

    # the failure email went out through the SMTP connection, to the topic's contact, with the reason
    subjects = [msg["Subject"] for _, msg in sink.messages]
    task_mail = [(rcpts, msg) for rcpts, msg in sink.messages if "task validate failed" in msg["Subject"]]
    assert len(task_mail) == 1, subjects
    rcpts, msg = task_mail[0]
    assert rcpts == ["newswatch-ops@example.org"]
    assert msg["From"] == "newswatch@example.org"
    assert "batch rejected, nothing loaded" in msg["Subject"]
    body = msg.get_body(("html",)).get_content()
    assert "pages_with_text" in body and "of" in body and "fetched pages have no usable text" in body
    assert not any("digest" in s.lower() or "new article" in s.lower() for s in subjects)

    # and the DAG's own callback: the run failed, naming the failed task (the reason recorded stays)
    run_mail = [msg for _, msg in sink.messages if msg["Subject"].endswith(f"run {dag_run.run_id} failed")]
    assert len(run_mail) == 1, subjects
    assert "Failed tasks: validate." in run_mail[0].get_body(("html",)).get_content()
    assert len(sink.messages) == 2
    assert rows(db_url, "SELECT stats->'failure'->>'reason' AS r FROM runs")[0]["r"] == reason


def test_without_an_smtp_connection_the_failure_email_goes_to_the_outbox(monkeypatch, airflow_home, tmp_path):
    from email import message_from_bytes, policy
    from types import SimpleNamespace

    from newswatch_airflow.notifiers import FailureEmail

    monkeypatch.setenv("NEWSWATCH_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.delenv(f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}", raising=False)
    context = {"run_id": "scheduled__2026-11-23T02:00:00+00:00",
               "ti": SimpleNamespace(task_id="check_stored", try_number=1, log_url=None),
               "exception": RuntimeError("stored data inconsistent: article_has_run: 1 row(s) {{ not a template }}")}
    FailureEmail("task", str(ROOT / "include" / "topics" / "russia_north_korea.yaml")).notify(context)
    [eml] = (tmp_path / "outbox").glob("*.eml")
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["To"] == "newswatch-ops@example.org" and msg["From"] == "newswatch@example.org"
    assert " ".join(msg["Subject"].split()) == ("[newswatch] russia_north_korea: task check_stored failed: stored data "
                                                "inconsistent: article_has_run: 1 row(s) {{ not a template }}")
    text = msg.get_body(("plain",)).get_content()
    assert "Task check_stored failed (try 1)." in text and "RuntimeError: stored data inconsistent" in text
    assert "&lt;" not in text and "{{ not a template }}" in msg.get_body(("html",)).get_content()
