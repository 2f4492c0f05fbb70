"""
### news_monitor

Nightly news monitoring for one topic (`NEWSWATCH_TOPIC`, default
`include/topics/russia_north_korea.yaml`):

plan feeds → fetch each feed (mapped) → extract relevant pages → dedupe against the seeds and
every stored article → validate (Great Expectations) → load (one transaction, the digest
written to the outbox in it) → send pending alerts → summary.

Each task is a thin call into `newswatch.pipeline` (via `newswatch_airflow.stages`) and logs
its counts; the `runs` table holds each run's stats. A failing feed is recorded, not fatal.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task
from newswatch.config import load_topic
from newswatch_airflow import stages
from newswatch_airflow.conn_ids import FETCH_POOL
from newswatch_airflow.settings import topic_file

TOPIC = load_topic(topic_file())  # a small local YAML file, read for the schedule and tags


@dag(
    dag_id="news_monitor",
    schedule=TOPIC.schedule,
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "newswatch", "retries": 2, "retry_delay": timedelta(minutes=2),
                  "show_return_value_in_logs": False},  # records are big; each task logs its counts
    tags=["newswatch", TOPIC.name],
    doc_md=__doc__,
)
def news_monitor():
    started = task(stages.start_run)()
    seeds = task(stages.ensure_seeds)()
    feeds = task(stages.plan_feeds)()
    started >> [seeds, feeds]
    # The pool caps feed fetches across all topics' runs; the per-DAG cap keeps one run polite.
    results = task(stages.fetch_feed, pool=FETCH_POOL, max_active_tis_per_dag=4).expand(feed=feeds)
    extracted = task(stages.extract)(results)
    deduped = task(stages.dedupe)(extracted)
    seeds >> deduped  # every dedupe sees the seed corpus
    validated = task(stages.validate)(deduped)
    loaded = task(stages.load)(results, extracted, deduped, validated)
    loaded >> task(stages.send_alerts)() >> task(stages.summary)()


news_monitor()
