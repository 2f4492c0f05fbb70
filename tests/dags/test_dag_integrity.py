"""The DAG folder as Airflow's DAG processor sees it."""


import pytest


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag
    from conftest import ROOT

    return DagBag(dag_folder=str(ROOT / "dags"))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "news_monitor" in dagbag.dags


def test_every_dag_has_tags_retries_no_catchup_one_active_run(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, dag_id
        assert dag.catchup is False, dag_id
        assert dag.max_active_runs == 1, dag_id
        assert dag.default_args.get("retries", 0) >= 1, dag_id
        assert dag.doc_md, dag_id


def test_news_monitor_reads_like_the_diagram(dagbag):
    dag = dagbag.dags["news_monitor"]
    down = {tid: set(t.downstream_task_ids) for tid, t in dag.task_dict.items()}
    assert "fetch_feed" in down["plan_feeds"]
    assert "extract" in down["fetch_feed"]
    assert down["extract"] >= {"dedupe"}
    assert "dedupe" in down["ensure_seeds"]
    assert "validate" in down["dedupe"]
    assert "load" in down["validate"]
    assert down["load"] == {"send_alerts", "check_stored"}  # the after-load suite does not hold the digest
    assert down["send_alerts"] == {"summary"} and down["check_stored"] == {"summary"}
    assert type(dag.task_dict["fetch_feed"]).__name__.endswith("MappedOperator")  # one task per feed


def test_parsing_imports_no_pipeline_modules():
    """Parse-time stays light: the heavy stage modules load only inside tasks."""
    import subprocess
    import sys

    from conftest import ROOT

    code = ("import sys, runpy; runpy.run_path(%r); "
            "heavy = [m for m in ('newswatch.pipeline', 'trafilatura', 'great_expectations', 'feedparser', 'psycopg') "
            "if m in sys.modules]; print(heavy)") % str(ROOT / "dags" / "news_monitor.py")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
