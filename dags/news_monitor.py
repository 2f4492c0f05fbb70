"""
### news_monitor

Nightly news monitoring for one topic (`NEWSWATCH_TOPIC`, default
`include/topics/russia_north_korea.yaml`):

plan feeds → fetch each feed (mapped) → extract relevant pages → dedupe against the seeds and
every stored article → validate → load (one transaction, the digest written to the outbox in
it) → check the stored tables, and send pending alerts → summary.

**Validation** (Great Expectations, suites in `include/expectations/`): each article breaking
an expectation of `incoming_articles` is quarantined with the expectation and the value; the
rest load. A batch that looks broken as a whole (most pages without text; no relevant entry
where the last runs had many — thresholds in the topic's `validation:`) is rejected in
`validate`: nothing loads, the run is recorded failed with the reason. After load,
`check_stored` runs `stored_articles` against Postgres (unique URLs, duplicates pointing at
real articles, no article without a run, counts matching the run's stats).

**Where to look**: `runs` (counts per stage, durations, failure reason), `validation_results`
(every suite's result per run), `quarantine`, the views `v_runs`, `v_new_articles_daily`,
`v_quarantine_reasons_daily`, `v_feed_health`; `newswatch report` in a terminal; Data Docs
with `make docs`. Each task's log ends with its counts.

**Failures** email the topic's contact through `smtp_default` (Airflow's SmtpNotifier); with
no such connection the email is written to the outbox as an `.eml`. A failing feed is
recorded, not fatal.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task
from newswatch.config import load_topic
from newswatch_airflow import stages
from newswatch_airflow.conn_ids import FETCH_POOL
from newswatch_airflow.notifiers import FailureEmail
from newswatch_airflow.settings import topic_file

TOPIC = load_topic(topic_file())  # a small local YAML file, read for the schedule and tags


@dag(
    dag_id="news_monitor",
    schedule=TOPIC.schedule,
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "newswatch", "retries": 2, "retry_delay": timedelta(minutes=2),
                  "show_return_value_in_logs": False,  # records are big; each task logs its counts
                  "on_failure_callback": FailureEmail("task")},  # after the last retry, with the reason
    on_failure_callback=FailureEmail("dag"),
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
    validated = task(stages.validate)(deduped, extracted, results)  # rejects a broken batch whole
    loaded = task(stages.load)(results, extracted, deduped, validated)
    # The after-load check does not hold the digest back; a failure fails the run and emails.
    loaded >> [task(stages.check_stored)(), task(stages.send_alerts)()] >> task(stages.summary)()


news_monitor()
