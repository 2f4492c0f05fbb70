"""The DAG folder as Airflow's DAG processor sees it: one DAG per topic file, every task bound
to its topic file, and a broken topic file reported on its own without taking the others down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

REAL_TOPIC = ROOT / "include" / "topics" / "russia_north_korea.yaml"
AIRFLOW = Path(sys.executable).parent / "airflow"


def dagbag(monkeypatch, topics: str | None):
    from airflow.dag_processing.dagbag import DagBag

    if topics is None:
        monkeypatch.delenv("NEWSWATCH_TOPICS_DIR", raising=False)
    else:
        monkeypatch.setenv("NEWSWATCH_TOPICS_DIR", topics)
    monkeypatch.delenv("NEWSWATCH_TOPIC", raising=False)
    return DagBag(dag_folder=str(ROOT / "dags"))


@pytest.fixture
def topics_folder(tmp_path) -> Path:
    """Two good topics (the real one and a variant under another name) and a broken one."""
    folder = tmp_path / "topics"
    folder.mkdir()
    (folder / "a_real.yaml").write_text(f"extends: {REAL_TOPIC}\n", encoding="utf-8")
    (folder / "b_variant.yaml").write_text(
        f"extends: {REAL_TOPIC}\nname: arms_deals\ntitle: Arms deals\nschedule: '30 3 * * *'\n"
        "owner: desk-b@example.org\n", encoding="utf-8")
    (folder / "c_broken.yaml").write_text(f"extends: {REAL_TOPIC}\nname: broken_one\nschedule: every night\n",
                                          encoding="utf-8")
    (folder / "notes.txt").write_text("not a topic\n", encoding="utf-8")
    return folder


def test_the_default_topics_folder_gives_one_dag_per_topic_file(monkeypatch):
    bag = dagbag(monkeypatch, None)
    assert bag.import_errors == {}
    files = sorted((ROOT / "include" / "topics").glob("*.yaml"))
    assert sorted(bag.dags) == sorted(f"newswatch__{f.stem}" for f in files)  # each file names its topic after itself


def test_every_dag_has_tags_owner_docs_retries_no_catchup_one_active_run(monkeypatch, topics_folder):
    bag = dagbag(monkeypatch, str(topics_folder))
    assert set(bag.dags) == {"newswatch__russia_north_korea", "newswatch__arms_deals"}
    for dag_id, dag in bag.dags.items():
        assert dag.catchup is False and dag.max_active_runs == 1, dag_id
        assert dag.default_args.get("retries", 0) >= 1, dag_id
        assert "newswatch" in dag.tags and dag.doc_md, dag_id
    variant = bag.dags["newswatch__arms_deals"]
    assert variant.tags >= {"newswatch", "arms_deals"} and variant.owner == "desk-b@example.org"
    assert variant.doc_md.startswith("### Arms deals")
    assert variant.timetable.expression == "30 3 * * *"
    assert bag.dags["newswatch__russia_north_korea"].owner == "newswatch-ops@example.org"  # the contact


def test_every_task_is_bound_to_its_own_topic_file(monkeypatch, topics_folder):
    bag = dagbag(monkeypatch, str(topics_folder))
    for dag_id, path in (("newswatch__russia_north_korea", "a_real.yaml"), ("newswatch__arms_deals", "b_variant.yaml")):
        dag = bag.dags[dag_id]
        for task in dag.tasks:
            kwargs = task.partial_kwargs["op_kwargs"] if hasattr(task, "partial_kwargs") else task.op_kwargs
            assert kwargs["topic_file"] == str(topics_folder / path), (dag_id, task.task_id)
        assert dag.task_dict["load"].outlets[0].uri == f"newswatch://{dag_id.removeprefix('newswatch__')}/new_developments"


def test_a_task_refuses_a_topic_file_that_now_names_another_topic(tmp_path):
    from newswatch_airflow.settings import TopicMismatchError, bound_topic

    copied = tmp_path / "copied.yaml"
    copied.write_text(f"extends: {REAL_TOPIC}\n", encoding="utf-8")  # still says russia_north_korea
    assert bound_topic(copied, "newswatch__russia_north_korea").name == "russia_north_korea"
    with pytest.raises(TopicMismatchError, match="defines topic 'russia_north_korea'.*this is DAG newswatch__arms_deals"):
        bound_topic(copied, "newswatch__arms_deals")


def test_a_broken_topic_file_is_an_import_error_of_its_own_file(monkeypatch, topics_folder):
    bag = dagbag(monkeypatch, str(topics_folder))
    assert set(bag.dags) == {"newswatch__russia_north_korea", "newswatch__arms_deals"}  # the others load
    [(where, error)] = bag.import_errors.items()
    assert where.endswith("newswatch_topic_errors.py")
    assert f"{topics_folder / 'c_broken.yaml'}: schedule: " in error and "cron expression" in error


def test_two_files_with_one_topic_name_the_second_is_refused(monkeypatch, topics_folder):
    (topics_folder / "d_same_name.yaml").write_text(f"extends: {REAL_TOPIC}\ntitle: Copy\n", encoding="utf-8")
    bag = dagbag(monkeypatch, str(topics_folder))
    assert bag.dags["newswatch__russia_north_korea"].doc_md.startswith("### Russia–North Korea")  # the first file
    [error] = bag.import_errors.values()
    assert f"{topics_folder / 'd_same_name.yaml'}: name: topic 'russia_north_korea' is already defined by" in error


def test_through_airflows_metadata_db_the_broken_topic_leaves_the_others_up(topics_folder, tmp_path):
    """As the DAG processor records it: an import error marks every DAG of its file stale, so
    the error must sit on a file of its own; `airflow dags list` shows the good topics."""
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path / "airflow"), "NEWSWATCH_TOPICS_DIR": str(topics_folder)}
    env.pop("NEWSWATCH_TOPIC", None)

    def airflow(*args: str, exit_code: int = 0) -> str:
        done = subprocess.run([str(AIRFLOW), *args], capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == exit_code, done.stdout[-2000:] + done.stderr[-2000:]
        return done.stdout

    airflow("db", "migrate")
    airflow("dags", "reserialize")
    [error] = json.loads(airflow("dags", "list-import-errors", "-o", "json", exit_code=1).strip().splitlines()[-1])
    assert error["filepath"] == "newswatch_topic_errors.py"
    assert f"{topics_folder / 'c_broken.yaml'}: schedule: " in error["error"]
    listed = json.loads(airflow("dags", "list", "-o", "json").strip().splitlines()[-1])
    assert {d["dag_id"] for d in listed} == {"newswatch__russia_north_korea", "newswatch__arms_deals"}


def test_the_deprecated_single_topic_variable_still_chooses_the_dag(monkeypatch, tmp_path):
    from airflow.dag_processing.dagbag import DagBag

    variant = tmp_path / "one.yaml"
    variant.write_text(f"extends: {REAL_TOPIC}\nname: only_this\n", encoding="utf-8")
    monkeypatch.delenv("NEWSWATCH_TOPICS_DIR", raising=False)
    monkeypatch.setenv("NEWSWATCH_TOPIC", str(variant))
    bag = DagBag(dag_folder=str(ROOT / "dags"))
    assert set(bag.dags) == {"newswatch__only_this"} and bag.import_errors == {}


def test_the_topic_dag_reads_like_the_diagram(monkeypatch):
    dag = dagbag(monkeypatch, None).dags["newswatch__russia_north_korea"]
    down = {tid: set(t.downstream_task_ids) for tid, t in dag.task_dict.items()}
    assert "fetch_feed" in down["plan_feeds"]
    assert "extract" in down["fetch_feed"]
    assert down["extract"] >= {"dedupe"}
    assert "dedupe" in down["ensure_seeds"]
    assert "validate" in down["dedupe"]
    assert "load" in down["validate"]
    assert down["load"] == {"send_alerts", "check_stored"}  # the after-load suite does not hold the digest
    assert down["send_alerts"] == {"summary"} and down["check_stored"] == {"summary"}
    fetch = dag.task_dict["fetch_feed"]
    assert type(fetch).__name__.endswith("MappedOperator")  # one task per feed
    assert fetch.map_index_template == "{{ task.op_kwargs['feed']['name'] }}"
    # a skipped (failed) feed does not stop the tasks that read the fetch results
    assert {t: dag.task_dict[t].trigger_rule for t in ("extract", "validate", "load")} == dict.fromkeys(
        ("extract", "validate", "load"), "none_failed")


def test_parsing_imports_no_pipeline_modules():
    """Parse-time stays light: the heavy stage modules load only inside tasks."""
    code = ("import sys, runpy; runpy.run_path(%r); runpy.run_path(%r); "
            "heavy = [m for m in ('newswatch.pipeline', 'trafilatura', 'great_expectations', 'feedparser', 'psycopg') "
            "if m in sys.modules]; print(heavy)") % (str(ROOT / "dags" / "newswatch_topics.py"),
                                                    str(ROOT / "dags" / "newswatch_topic_errors.py"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
