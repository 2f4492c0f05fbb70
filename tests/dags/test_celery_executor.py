"""The demo topic through Airflow on CeleryExecutor: a real `airflow celery worker`, the
machine's Redis as broker, Airflow's metadata DB on Postgres (tests/airflow_stack.py).

The result must be the one the in-process run of tests/dags/test_e2e_dag.py (`dag.test()`) gives
on the same sample site: the same articles stored, the same duplicates and stories, the same
quarantine and feed health, one digest with the same content. And the tasks must really have
run on the worker: each task instance carries the worker's hostname, its Celery task id is in
the result backend as done by that worker, and the worker's log received it.
"""

from __future__ import annotations

import json
import socket
from urllib.parse import quote

import psycopg
import yaml
from conftest import DEMO_LOADED_CASES, ROOT, fresh_database, newswatch_dag_env, smtp_sink_server
from newswatch.store.migrate import migrate
from newswatch.text.urls import canonical_url
from newswatch_airflow.conn_ids import FETCH_POOL
from psycopg.rows import dict_row

DAG_ID = "newswatch__russia_north_korea"  # the DAG of the demo topic file (include/demo/topic.yaml)
MANIFEST = yaml.safe_load((ROOT / "include" / "demo" / "expected.yaml").read_text(encoding="utf-8"))


def _rows(db_url: str, query: str, *args) -> list[dict]:
    with psycopg.connect(db_url) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, args)
        return cur.fetchall()


def outcome(db_url: str, sink, volatile: dict[str, str]) -> dict[str, list]:
    """What a run leaves for its users, without ids and clocks: the rows an analyst queries
    and the digest a reader gets; `volatile` strings (the run id, the SMTP server's port) are
    replaced by names, as they differ between any two runs."""
    parts = {
        "articles": _rows(db_url, """
            SELECT a.canonical_url, a.is_seed, a.title, a.language, a.content_hash, a.duplicate_layer,
                   d.canonical_url AS duplicate_of, s.canonical_url AS story_head, a.is_new_development
            FROM articles a LEFT JOIN articles d ON d.id = a.duplicate_of LEFT JOIN articles s ON s.id = a.story_id
            ORDER BY a.canonical_url"""),
        "claims": _rows(db_url, """SELECT a.canonical_url, c.sentence, c.speaker, c.is_new FROM claims c
                                   JOIN articles a ON a.id = c.article_id ORDER BY 1, 2"""),
        "quarantine": _rows(db_url, "SELECT stage, item_key, reason, times_seen FROM quarantine ORDER BY 1, 2"),
        "feeds": _rows(db_url, "SELECT url, last_status, last_error_class, consecutive_failures FROM feeds ORDER BY url"),
        # the claims' seconds per part are clocks; their counts are kept
        "runs": _rows(db_url, """SELECT status, stats - 'claims_parts' AS stats,
                                        stats->'claims_parts'->>'claims' AS claims_assessed,
                                        stats->'claims_parts'->>'texts_embedded' AS texts_embedded
                                 FROM runs ORDER BY id"""),
        "alerts": _rows(db_url, "SELECT kind, status, recipients, subject, destination FROM alerts ORDER BY id"),
        "digests": [{"to": rcpts, "subject": msg["Subject"], "text": msg.get_body(("plain",)).get_content(),
                     "html": msg.get_body(("html",)).get_content()} for rcpts, msg in sink.messages],
    }
    text = json.dumps(parts, default=str, ensure_ascii=False)
    for value, name in volatile.items():  # as written, and as the digest's links quote it
        text = text.replace(quote(value, safe=""), name).replace(value, name)
    return json.loads(text)


def test_the_demo_topic_on_a_celery_worker_gives_the_in_process_result(
        celery_airflow, news_monitor_dag, smtp_server, db_url, pg_admin_url, demo_server):
    # the reference: the same DAG on the same site through dag.test(), as in test_e2e_dag.py
    run_in_process, local_sink = news_monitor_dag
    local_smtp_port = smtp_server[1]
    reference = run_in_process()
    assert reference.state == "success"
    expected = outcome(db_url, local_sink, {reference.run_id: "<run id>", f"127.0.0.1:{local_smtp_port}": "<smtp server>"})

    with fresh_database(pg_admin_url) as celery_db, smtp_sink_server() as (sink, smtp_port):
        migrate(celery_db)
        stack = celery_airflow(env={**newswatch_dag_env(celery_db, smtp_port),
                                    "NEWSWATCH_DEMO_BASE_URL": demo_server.base_url},
                               pools={FETCH_POOL: 4})
        run = stack.run_dag(DAG_ID, timeout_s=900)
        assert run["state"] == "success", stack.task_report(DAG_ID, run["dag_run_id"])
        run_id = run["dag_run_id"]
        got = outcome(celery_db, sink, {run_id: "<run id>", f"127.0.0.1:{smtp_port}": "<smtp server>"})

        # every task ran on the worker, as Airflow, Celery's result backend and the worker's log tell
        tis = stack.task_instances(DAG_ID, run_id)
        assert sorted((ti["task_id"], ti["map_index"]) for ti in tis) == sorted(
            (ti.task_id, ti.map_index) for ti in reference.get_task_instances())
        # the same states as in process: every task succeeded but the broken feed's fetch, skipped
        assert {(ti["task_id"], ti["map_index"]): ti["state"] for ti in tis} == {
            (ti.task_id, ti.map_index): ti.state for ti in reference.get_task_instances()}
        assert {ti["state"] for ti in tis if ti["task_id"] != "fetch_feed"} == {"success"}
        assert {ti["hostname"] for ti in tis} == {stack.worker_hostname}
        celery_ids = [r["external_executor_id"] for r in stack.metadata_rows(
            "SELECT external_executor_id FROM task_instance WHERE dag_id = %s AND run_id = %s", DAG_ID, run_id)]
        assert len(celery_ids) == len(tis) and all(celery_ids)
        results = stack.celery_results(celery_ids)
        assert {r["status"] for r in results.values()} == {"SUCCESS"}
        assert {r["worker"] for r in results.values()} == {f"{stack.worker_hostname}@{socket.gethostname()}"}
        worker_log = stack.component("celery-worker").log.read_text(errors="replace")
        assert all(f"execute_workload[{celery_id}] received" in worker_log for celery_id in celery_ids)
        strays = stack.stop()
    assert strays == [], f"processes left after SIGTERM: {strays}"
    print("celery stack seconds:", {phase: round(t, 1) for phase, t in stack.timings.items()})

    # the same outcome as in process, part by part (a diff names the part)
    for part in expected:
        assert got[part] == expected[part], part

    # and that outcome is the labelled one, not merely the same twice
    base = demo_server.base_url
    loaded = {canonical_url(i["link"].replace("__BASE_URL__", base)) for i in MANIFEST["items"]
              if i["case"] in DEMO_LOADED_CASES}
    stored = {a["canonical_url"] for a in got["articles"] if not a["is_seed"] and a["duplicate_of"] is None}
    assert loaded <= stored
    republication = next(i for i in MANIFEST["items"] if i["case"] == "seed_republication")
    [copy] = [a for a in got["articles"] if a["canonical_url"] == canonical_url(republication["link"].replace("__BASE_URL__", base))]
    assert copy["duplicate_layer"] == "content_hash" and copy["duplicate_of"].startswith("seed://")
    no_link = next(i["guid"] for i in MANIFEST["items"] if i["case"] == "no_link")
    assert {"stage": "fetch", "item_key": no_link, "reason": "entry has no link", "times_seen": 1} in got["quarantine"]
    assert [f["last_error_class"] for f in got["feeds"] if f["last_status"] == "error"] == ["parse_error"]
    [digest] = got["digests"]
    assert digest["to"] == ["analysts@example.org"] and digest["subject"].startswith("[newswatch]")
    new_developments = [a["title"] for a in got["articles"] if a["is_new_development"] and not a["is_seed"]]
    assert new_developments and all(title in digest["text"] for title in new_developments)
    assert [a["status"] for a in got["alerts"]] == ["sent"]
