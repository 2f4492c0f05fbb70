"""One DAG per topic file: `newswatch__<topic>`, its schedule, tags, owner and docs from the file,
every task bound to it (the file's path is each task's `topic_file` argument).

plan feeds → fetch each feed (mapped, labelled by the feed's name) → extract relevant pages →
dedupe against the seeds and every stored article → validate → load (one transaction, the
digest written to the outbox in it; emits the topic's asset event) → check the stored tables,
and send pending alerts → summary (in its log; the run note from its counts).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import DAG, Asset, dag, task
from newswatch.dag_ids import dag_id_for

from newswatch_airflow import stages
from newswatch_airflow.conn_ids import FETCH_POOL
from newswatch_airflow.notifiers import FailureEmail
from newswatch_airflow.topics import TopicFile, owner_of

# A failing feed's fetch ends skipped (see stages.fetch_feed): the tasks that read the fetch
# results go on when fetches are skipped, and still stop when one failed or was upstream_failed.
AFTER_FETCH = "none_failed"


def new_developments_asset(topic_name: str) -> Asset:
    """The asset a team schedules its own DAG on: "new developments for topic X"."""
    return Asset(uri=f"newswatch://{topic_name}/new_developments", name=f"{dag_id_for(topic_name)}__new_developments",
                 group="newswatch")


def topic_doc(source: TopicFile) -> str:
    topic = source.topic
    feeds = "\n".join(f"- {f.name} ({f.language})" for f in topic.feeds) or "- (search feeds only)"
    return f"""### {topic.title}

Topic `{topic.name}` from `{source.path}` · schedule `{topic.schedule}` · alerts to
{", ".join(topic.recipients)} · owner {owner_of(topic)}.

plan feeds → fetch each feed (mapped, labelled by feed name; a failing feed ends **skipped**,
the run goes on) → extract → dedupe against the seeds and every stored article → validate (a
broken batch is rejected whole) → load (one transaction, the digest in the outbox; emits the asset
`newswatch://{topic.name}/new_developments` with the run's counts) → check the stored tables, send
the digest → summary (the task log; the run note says e.g. "3 new developments · 1 failing feed ·
2 quarantined").

**Feeds**

{feeds}

**Where to look**: the `summary` task's log; `runs`, `quarantine`, `validation_results`, the
views `v_runs`, `v_feed_health`; `newswatch report`; Data Docs with `make docs`. Failures email
{topic.contact} (`smtp_default`, else an `.eml` in the outbox).
"""


def build_topic_dag(source: TopicFile) -> DAG:
    topic, path = source.topic, str(source.path)
    fail_task = FailureEmail("task", path)

    @dag(
        dag_id=source.dag_id,
        dag_display_name=f"newswatch · {topic.title}",
        schedule=topic.schedule,
        start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
        catchup=False,
        max_active_runs=1,
        default_args={"owner": owner_of(topic), "retries": 2, "retry_delay": timedelta(minutes=2),
                      "show_return_value_in_logs": False,  # records are big; each task logs its counts
                      "on_failure_callback": fail_task},  # after the last retry, with the reason
        on_failure_callback=FailureEmail("dag", path),
        tags=["newswatch", topic.name, *topic.languages],
        doc_md=topic_doc(source),
    )
    def topic_dag():
        bound = {"topic_file": path}
        started = task(stages.start_run)(**bound)
        seeds = task(stages.ensure_seeds)(**bound)
        feeds = task(stages.plan_feeds)(**bound)
        started >> [seeds, feeds]
        # The pool caps feed fetches across all topics' runs; the per-DAG cap keeps one run polite.
        results = task(stages.fetch_feed, pool=FETCH_POOL, max_active_tis_per_dag=4,
                       map_index_template="{{ task.op_kwargs['feed']['name'] }}",
                       on_failure_callback=fail_task).partial(**bound).expand(feed=feeds)
        extracted = task(stages.extract, trigger_rule=AFTER_FETCH)(results=results, **bound)
        deduped = task(stages.dedupe)(extracted=extracted, **bound)
        seeds >> deduped  # every dedupe sees the seed corpus
        validated = task(stages.validate, trigger_rule=AFTER_FETCH)(  # rejects a broken batch whole
            deduped=deduped, extracted=extracted, results=results, **bound)
        loaded = task(stages.load, trigger_rule=AFTER_FETCH, outlets=[new_developments_asset(topic.name)])(
            results=results, extracted=extracted, deduped=deduped, validated=validated, **bound)
        # The after-load check does not hold the digest back; a failure fails the run and emails.
        loaded >> [task(stages.check_stored)(**bound), task(stages.send_alerts)(**bound)] >> \
            task(stages.summary)(**bound)

    return topic_dag()
