"""What Airflow itself records of a topic run (one real `dag.test()` of the demo topic on the
sample site): the fetches labelled by feed name, the broken feed skipped and the run green, the
run note, the summary in the summary task's log, and the topic's asset event with its counts,
queued for a DAG that a team scheduled on that asset."""

from __future__ import annotations

import logging
import re
import textwrap

import psycopg
import pytest
import yaml
from conftest import DEMO_TOPIC, ROOT

MANIFEST = yaml.safe_load((ROOT / "include" / "demo" / "expected.yaml").read_text(encoding="utf-8"))
CONSUMER = "team_reads_new_developments"


def _consumer_dag_on_the_topic_asset(tmp_path):
    """A team's DAG scheduled on the demo topic's asset, written to Airflow's metadata DB as the
    DAG processor would (a bundle of its own, so the topic DAGs' bundle is left alone)."""
    from airflow.dag_processing.dagbag import BundleDagBag, sync_bag_to_db
    from airflow.models.dagbundle import DagBundleModel
    from airflow.utils.session import create_session

    folder = tmp_path / "team_dags"
    folder.mkdir()
    (folder / "team_dag.py").write_text(textwrap.dedent(f"""
        from airflow.providers.standard.operators.empty import EmptyOperator
        from airflow.sdk import DAG
        from newswatch_airflow.dag_factory import new_developments_asset

        with DAG({CONSUMER!r}, schedule=[new_developments_asset("russia_north_korea")], catchup=False):
            EmptyOperator(task_id="read_them")
    """), encoding="utf-8")
    bag = BundleDagBag(dag_folder=str(folder), bundle_path=str(folder), bundle_name="team-bundle")
    assert bag.import_errors == {} and CONSUMER in bag.dags
    with create_session() as session:
        session.merge(DagBundleModel(name="team-bundle"))
    sync_bag_to_db(bag, "team-bundle", None)
    from airflow.models.dag import DagModel

    with create_session() as session:
        session.get(DagModel, CONSUMER).is_paused = False  # a paused DAG is not queued by asset events


@pytest.fixture
def demo_run(news_monitor_dag, demo_server, db_url, tmp_path, capfd, caplog):
    run, _ = news_monitor_dag
    _consumer_dag_on_the_topic_asset(tmp_path)
    capfd.readouterr()
    caplog.set_level(logging.INFO, logger="newswatch_airflow.stages")
    dag_run = run()
    # dag.test() writes the tasks' log events to stdout as structlog lines; once an earlier test has
    # configured Airflow's logging in this process they reach the standard logging handlers instead
    captured = capfd.readouterr()
    lines = re.findall(r"\[info\s*\] (.*?) \[newswatch_airflow\.stages\]", captured.out + captured.err)
    lines += [r.getMessage() for r in caplog.records if r.name == "newswatch_airflow.stages" and r.levelno == logging.INFO]
    return dag_run, db_url, lines


def test_a_run_as_airflow_shows_it(demo_run):
    from airflow.models.asset import AssetDagRunQueue, AssetEvent, AssetModel
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from newswatch.report.run_note import run_counts, run_note
    from sqlalchemy import select

    dag_run, db_url, task_logs = demo_run
    assert dag_run.state == "success"  # the broken feed does not fail the run
    dag_id, run_id = dag_run.dag_id, dag_run.run_id
    assert dag_id == "newswatch__russia_north_korea"  # the demo topic file's DAG

    with create_session() as session:
        fetches = session.scalars(select(TaskInstance).where(
            TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id,
            TaskInstance.task_id == "fetch_feed")).all()
        by_label = {ti.rendered_map_index: ti.state for ti in fetches}
        note = session.scalars(select(DagRun).where(DagRun.dag_id == dag_id, DagRun.run_id == run_id)).one().note
        events = session.scalars(select(AssetEvent).join(AssetModel, AssetEvent.asset_id == AssetModel.id).where(
            AssetModel.uri == "newswatch://russia_north_korea/new_developments",
            AssetEvent.source_run_id == run_id)).all()  # earlier tests' runs of the topic emitted theirs
        queued = session.scalars(select(AssetDagRunQueue).where(AssetDagRunQueue.target_dag_id == CONSUMER)).all()

    # mapped fetches are labelled by feed name; the broken feed is visible as skipped, the rest succeeded
    feeds = {f["name"]: f for f in yaml.safe_load(DEMO_TOPIC.read_text(encoding="utf-8"))["feeds"]}
    broken = {f["file"] for f in MANIFEST["feeds"] if f["broken"]}
    expected = {name: "skipped" if f["url"].rsplit("/", 1)[-1] in broken else "success" for name, f in feeds.items()}
    assert by_label == expected and "skipped" in by_label.values()

    # the run note: the counts of the run, as the library words them
    with psycopg.connect(db_url) as conn:
        counts = run_counts(conn, "russia_north_korea", run_id)
    assert counts.new_developments > 0 and counts.feeds_failed == 1 and counts.quarantined > 0
    assert note == run_note(counts)
    assert note.startswith(f"{counts.new_developments} new developments · 1 failing feed · ")

    # the summary is in the summary task's log, line by line, as log events of the stages'
    # logger at INFO (a print() would carry neither level nor logger)
    logged = task_logs
    assert f"newswatch run {run_id} · topic russia_north_korea · success" in logged
    assert "feeds: 3 ok, 0 not modified, 1 failed (of 4 due, 4 configured)" in logged
    assert f"run note: {note}" in logged

    # one asset event, its extra the run's counts; the team's DAG on that asset is queued to run
    [event] = events
    assert event.source_dag_id == dag_id and event.source_task_id == "load" and event.source_run_id == run_id
    assert event.extra["new_developments"] == counts.new_developments
    assert event.extra["feeds_failed"] == 1 and event.extra["topic"] == "russia_north_korea"
    assert len(queued) == 1
