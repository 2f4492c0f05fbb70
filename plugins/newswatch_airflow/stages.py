"""Task bodies for the news_monitor DAG: read the Airflow context and connections, call the
newswatch stage, and turn its typed records into the JSON that XCom stores (and back).

`newswatch.pipeline` (and with it trafilatura, feedparser, Great Expectations) is imported
inside each function, so parsing the DAG file stays light.
"""

from __future__ import annotations

from typing import Any

from newswatch.records import DedupeBatch, ExtractBatch, FeedResult, FeedSpec, ValidatedBatch, dump_list, load_list

from newswatch_airflow.settings import deliverer, stage_context

Json = dict[str, Any]


def start_run() -> int:
    from newswatch import pipeline
    from newswatch.store import run_state

    topic, run_id, db = stage_context()
    return pipeline.start_run(topic, run_id, db, owner=run_state.AIRFLOW)  # closes runs left running


def ensure_seeds() -> Json:
    from airflow.sdk.exceptions import AirflowFailException
    from newswatch import pipeline
    from newswatch.config import SeedCorpusError

    try:
        return pipeline.ensure_seeds(*stage_context())
    except SeedCorpusError as exc:
        raise AirflowFailException(str(exc)) from exc  # a missing or unreadable seed file: retrying cannot help


def plan_feeds() -> list[Json]:
    from newswatch import pipeline

    return dump_list(pipeline.plan_feeds(*stage_context()))


def fetch_feed(feed: Json) -> Json:
    from newswatch import pipeline

    topic, _, db = stage_context()
    return pipeline.fetch_feed(topic, FeedSpec.model_validate(feed), db).model_dump(mode="json")


def extract(results: list[Json]) -> Json:
    from airflow.sdk.exceptions import AirflowFailException
    from newswatch import pipeline

    topic, run_id, db = stage_context()
    try:
        return pipeline.extract(topic, run_id, load_list(FeedResult, results), db).model_dump(mode="json")
    except pipeline.AllFeedsFailedError as exc:
        raise AirflowFailException(str(exc)) from exc  # retrying cannot help: fail the run now, loudly


def dedupe(extracted: Json) -> Json:
    from newswatch import pipeline

    topic, run_id, db = stage_context()
    return pipeline.dedupe_batch(topic, run_id, ExtractBatch.model_validate(extracted), db).model_dump(mode="json")


def validate(deduped: Json, extracted: Json, results: list[Json]) -> Json:
    from airflow.sdk.exceptions import AirflowFailException
    from newswatch import pipeline
    from newswatch.quality import checks

    topic, run_id, db = stage_context()
    try:
        return pipeline.validate(topic, run_id, DedupeBatch.model_validate(deduped), db,
                                 results=load_list(FeedResult, results),
                                 extracted=ExtractBatch.model_validate(extracted)).model_dump(mode="json")
    except checks.BatchRejectedError as exc:
        raise AirflowFailException(str(exc)) from exc  # the batch is broken: a retry would judge it the same


def load(results: list[Json], extracted: Json, deduped: Json, validated: Json) -> Json:
    from newswatch import pipeline

    topic, run_id, db = stage_context()
    return pipeline.load(
        topic, run_id, load_list(FeedResult, results), ExtractBatch.model_validate(extracted),
        DedupeBatch.model_validate(deduped), ValidatedBatch.model_validate(validated), db,
    ).model_dump(mode="json")


def check_stored() -> Json:
    from airflow.sdk.exceptions import AirflowFailException
    from newswatch import pipeline
    from newswatch.quality import checks

    try:
        return pipeline.check_stored(*stage_context())
    except checks.StoredDataError as exc:
        raise AirflowFailException(str(exc)) from exc  # the data will not change by retrying


def send_alerts() -> Json:
    from newswatch import pipeline

    topic, run_id, db = stage_context()
    return pipeline.send_alerts(topic, run_id, deliverer(), db).model_dump(mode="json")


def summary() -> str:
    from newswatch import pipeline

    text = pipeline.finish_run(*stage_context())
    print(text)  # the task log ends with the run's summary
    return text
