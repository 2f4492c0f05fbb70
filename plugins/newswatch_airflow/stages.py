"""Task bodies for the topic DAGs (newswatch__<topic>): read the Airflow context and
connections, call the newswatch stage, and turn its typed records into the JSON that XCom stores
(and back).

Every task gets `topic_file`, the file its DAG was built from, as an argument (op_kwargs, shown
under the task's Rendered Templates): nothing in the environment decides the topic at run time.

`newswatch.pipeline` (and with it trafilatura, feedparser, Great Expectations) is imported
inside each function, so parsing the DAG file stays light.
"""

from __future__ import annotations

import logging
from typing import Any

from newswatch.records import DedupeBatch, ExtractBatch, FeedResult, FeedSpec, ValidatedBatch, dump_list, load_list

from newswatch_airflow.settings import deliverer, stage_context

Json = dict[str, Any]
log = logging.getLogger(__name__)

RUN_NOTE_KEY = "run_note"  # the summary's XCom that the run-note listener copies to the DagRun note


def start_run(topic_file: str) -> int:
    from newswatch import pipeline
    from newswatch.store import run_state

    topic, run_id, db = stage_context(topic_file)
    return pipeline.start_run(topic, run_id, db, owner=run_state.AIRFLOW)  # closes runs left running


def ensure_seeds(topic_file: str) -> Json:
    from airflow.sdk.exceptions import AirflowFailException
    from newswatch import pipeline
    from newswatch.config import SeedCorpusError

    try:
        return pipeline.ensure_seeds(*stage_context(topic_file))
    except SeedCorpusError as exc:
        raise AirflowFailException(str(exc)) from exc  # a missing or unreadable seed file: retrying cannot help


def plan_feeds(topic_file: str) -> list[Json]:
    from newswatch import pipeline

    return dump_list(pipeline.plan_feeds(*stage_context(topic_file)))


def fetch_feed(topic_file: str, feed: Json) -> Json:
    """One feed (a mapped task, labelled by the feed's name). A feed that failed ends *skipped*:
    visible in the grid, not retried, and not failing the run; its result (the error, for the
    feed's health) is pushed as the return value all the same, and the downstream tasks use
    trigger rule none_failed, so they read it with the others."""
    from airflow.sdk import get_current_context
    from airflow.sdk.exceptions import AirflowSkipException
    from newswatch import pipeline

    topic, _, db = stage_context(topic_file)
    result = pipeline.fetch_feed(topic, FeedSpec.model_validate(feed), db).model_dump(mode="json")
    if result["status"] == "error":
        get_current_context()["ti"].xcom_push("return_value", result)
        log.warning("feed %s failed: [%s] %s", result["feed_name"] or result["feed_url"], result["error_class"],
                    result["error"])
        raise AirflowSkipException(f"feed failed: [{result['error_class']}] {result['error']}")
    return result


def extract(topic_file: str, results: list[Json]) -> Json:
    from airflow.sdk.exceptions import AirflowFailException
    from newswatch import pipeline

    topic, run_id, db = stage_context(topic_file)
    try:
        return pipeline.extract(topic, run_id, load_list(FeedResult, results), db).model_dump(mode="json")
    except pipeline.AllFeedsFailedError as exc:
        raise AirflowFailException(str(exc)) from exc  # retrying cannot help: fail the run now, loudly


def dedupe(topic_file: str, extracted: Json) -> Json:
    from newswatch import pipeline

    topic, run_id, db = stage_context(topic_file)
    return pipeline.dedupe_batch(topic, run_id, ExtractBatch.model_validate(extracted), db).model_dump(mode="json")


def validate(topic_file: str, deduped: Json, extracted: Json, results: list[Json]) -> Json:
    from airflow.sdk.exceptions import AirflowFailException
    from newswatch import pipeline
    from newswatch.quality import checks

    topic, run_id, db = stage_context(topic_file)
    try:
        return pipeline.validate(topic, run_id, DedupeBatch.model_validate(deduped), db,
                                 results=load_list(FeedResult, results),
                                 extracted=ExtractBatch.model_validate(extracted)).model_dump(mode="json")
    except checks.BatchRejectedError as exc:
        raise AirflowFailException(str(exc)) from exc  # the batch is broken: a retry would judge it the same


def load(topic_file: str, results: list[Json], extracted: Json, deduped: Json, validated: Json) -> Json:
    from airflow.sdk import get_current_context
    from newswatch import pipeline
    from newswatch.report.run_note import run_counts
    from newswatch.store.db import connect

    topic, run_id, db = stage_context(topic_file)
    loaded = pipeline.load(
        topic, run_id, load_list(FeedResult, results), ExtractBatch.model_validate(extracted),
        DedupeBatch.model_validate(deduped), ValidatedBatch.model_validate(validated), db,
    )
    # The topic's asset event ("new developments for topic X"): its extra carries the counts,
    # so a team's DAG scheduled on the asset can read them from its triggering events.
    with connect(db) as conn:
        counts = run_counts(conn, topic.name, run_id)
    context = get_current_context()
    for outlet in context["task"].outlets:
        context["outlet_events"][outlet].extra = counts.model_dump(mode="json") if counts else {}
    return loaded.model_dump(mode="json")


def check_stored(topic_file: str) -> Json:
    from airflow.sdk.exceptions import AirflowFailException
    from newswatch import pipeline
    from newswatch.quality import checks

    try:
        return pipeline.check_stored(*stage_context(topic_file))
    except checks.StoredDataError as exc:
        raise AirflowFailException(str(exc)) from exc  # the data will not change by retrying


def send_alerts(topic_file: str) -> Json:
    from newswatch import pipeline

    topic, run_id, db = stage_context(topic_file)
    return pipeline.send_alerts(topic, run_id, deliverer(), db).model_dump(mode="json")


def summary(topic_file: str) -> str:
    """The run's summary in this task's log (through logging, so it is in the log's main part,
    line by line), and its one-line note, pushed for the run-note listener (plugins/
    newswatch_airflow/run_note_listener.py) to put on the DagRun."""
    from airflow.sdk import get_current_context
    from newswatch import pipeline
    from newswatch.report.run_note import run_counts, run_note
    from newswatch.store.db import connect

    topic, run_id, db = stage_context(topic_file)
    text = pipeline.finish_run(topic, run_id, db)
    for line in text.splitlines():
        log.info("%s", line)
    with connect(db) as conn:
        counts = run_counts(conn, topic.name, run_id)
    if counts is not None:
        note = run_note(counts)
        log.info("run note: %s", note)
        get_current_context()["ti"].xcom_push(RUN_NOTE_KEY, note)
    return text
