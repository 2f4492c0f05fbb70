"""The pipeline's stages as plain functions: orchestration only (each stage's rules live in its
package). The DAG calls each from its own task; the CLI's `run` calls them in sequence. Each
takes and returns typed records and opens its one connection, so any stage can be retried alone
and leaves the same state.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone

import psycopg

from newswatch import store
from newswatch.after_store import after_store, ensure_index
from newswatch.alerts import outbox
from newswatch.alerts.digest import build_digest
from newswatch.config import Topic
from newswatch.dedupe import layers, republication
from newswatch.extract.pages import fetch_articles
from newswatch.ingest import feed_fetch, feed_health, feeds
from newswatch.quality import accounting
from newswatch.records import (
    DedupeBatch,
    ExtractBatch,
    FeedResult,
    FeedSpec,
    LoadResult,
    SendResult,
    ValidatedBatch,
)
from newswatch.run_stats import RunStats, run_stats
from newswatch.seeds import load_topic_seeds
from newswatch.store import quality as quality_rows
from newswatch.store import quarantine, run_state
from newswatch.store.db import connect
from newswatch.store.migrate import migrate
from newswatch.wired import dedupe_articles

log = logging.getLogger("newswatch")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class RunBook:
    """The run's row as a stage writes it, on the stage's connection: the one place that finds
    the run and merges a stage's stats (its keys overwrite: a retry replaces), durations and status."""

    def __init__(self, conn: psycopg.Connection, topic: Topic, run_id: str) -> None:
        self.conn = conn
        self.pk = store.run_pk(conn, topic.name, run_id)

    def record(self, stats: RunStats | None = None, *, durations: dict[str, float] | None = None,
               status: str | None = None, finished: bool = False) -> None:
        store.merge_run(self.conn, self.pk, stats=stats.as_json() if stats else None, durations=durations,
                        status=status, finished=finished)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Record how long the stage took in the run's durations (a retry overwrites)."""
        started = time.perf_counter()
        yield
        self.record(durations={stage: round(time.perf_counter() - started, 3)})


def start_run(topic: Topic, run_id: str, db_url: str | None = None, owner: str | None = None) -> int:
    """Migrate if needed, create (or find) the run's row with its owner ('airflow' or
    'cli:<host>:<pid>'), and close the topic's runs left `running` by a dead process."""
    migrate(db_url)
    with connect(db_url) as conn:
        run = store.ensure_run(conn, topic.name, run_id)
        run_state.claim(conn, run, owner or "")
        for stale in run_state.close_stale_runs(conn, topic.name, run_id, owner or ""):
            log.warning("run %s: %s", stale["run_id"], stale["reason"])
        return run


def ensure_seeds(topic: Topic, run_id: str, db_url: str | None = None) -> dict[str, int]:
    with connect(db_url) as conn:
        book = RunBook(conn, topic, run_id)
        with book.timed("seeds"):
            inserted, total = load_topic_seeds(conn, topic)
            backfilled = ensure_index(conn, topic)  # older articles; a rebuild after a settings change
            stats = RunStats(seeds_total=total, seeds_inserted=inserted, articles_backfilled=backfilled)
            book.record(stats)
    log.info("seeds: %d in corpus, %d newly stored", total, inserted)
    return stats.as_json()


def plan_feeds(topic: Topic, run_id: str, db_url: str | None = None) -> list[FeedSpec]:
    """Register the topic's feeds and return those due now (backoff may hold some back)."""
    specs = feeds.plan(topic)
    with connect(db_url) as conn:
        store.sync_feeds(conn, topic.name, specs)
        due = store.due_feed_urls(conn, topic.name, [s.url for s in specs], utcnow() + feed_health.DUE_SLACK)
        planned = [s for s in specs if s.url in due]
        RunBook(conn, topic, run_id).record(RunStats(feeds_planned=len(planned), feeds_configured=len(specs)))
    log.info("plan: %d of %d feeds due", len(planned), len(specs))
    return planned


def fetch_feed(topic: Topic, spec: FeedSpec, db_url: str | None = None) -> FeedResult:
    """Fetch and parse one feed (newswatch.ingest.feed_fetch: conditional GET, health); any
    failure is recorded on the feed and returned, not raised."""
    fetched_at = utcnow()
    with connect(db_url) as conn:
        state = store.feed_state(conn, topic.name, spec.url)
        conn.commit()  # no transaction held open over the network
        result, health = feed_fetch.fetch_feed(topic, spec, state, fetched_at)
        store.record_feed_fetch(conn, topic.name, spec.url, status=result.status, http_status=result.http_status,
                                error_class=result.error_class, error=result.error, etag=None,
                                last_modified=None, body_hash=None,
                                entries=result.entries_seen if result.status == "ok" else None,
                                failure_score=health.failure_score, next_fetch_after=health.next_fetch_after,
                                now=fetched_at)
    log.info("feed %s: %s, %d entries, %d relevant, %d irrelevant, %d quarantined, %d repeated%s", spec.url,
             result.status, result.entries_seen, len(result.entries), result.irrelevant, len(result.quarantined),
             len(result.duplicates), f" ({result.error})" if result.error else "")
    return result


class AllFeedsFailedError(RuntimeError):
    """Every feed of the topic failed: the run must fail loudly, with the reasons."""


def extract(topic: Topic, run_id: str, results: list[FeedResult], db_url: str | None = None) -> ExtractBatch:
    """Fetch and extract the page of every relevant entry not known already (newswatch.extract.pages)."""
    entries = [entry for result in results for entry in result.entries]
    batch = ExtractBatch()
    with connect(db_url) as conn:
        book = RunBook(conn, topic, run_id)
        if results and all(r.status == "error" for r in results):
            reasons = "; ".join(f"{r.feed_name or r.feed_url}: [{r.error_class}] {r.error}" for r in results)
            book.record(run_stats(results, ExtractBatch(), DedupeBatch(), ValidatedBatch(),
                                  [q for r in results for q in r.quarantined]), status="failed")
            conn.commit()
            raise AllFeedsFailedError(f"all {len(results)} feeds of topic {topic.name} failed: {reasons}")
        with book.timed("extract"):
            fresh, batch.known = layers.split_known_entries(conn, entries)
            conn.commit()  # no transaction held open while the pages are fetched
            batch.articles, batch.quarantined = fetch_articles(topic, fresh)
    log.info("extract: %d entries, %d already known, %d extracted, %d quarantined",
             len(entries), len(batch.known), len(batch.articles), len(batch.quarantined))
    return batch


def dedupe_batch(topic: Topic, run_id: str, batch: ExtractBatch, db_url: str | None = None) -> DedupeBatch:
    with connect(db_url) as conn:
        book = RunBook(conn, topic, run_id)
        with book.timed("dedupe"):
            result = dedupe_articles(conn, batch.articles, topic.dedupe, topic.name)
    log.info("dedupe: %d new, %d duplicates (%s), %d near-duplicate candidates verified", len(result.new),
             len(result.duplicates), dict(Counter(d.layer for d in result.duplicates)), result.candidates_checked)
    return result


def validate(topic: Topic, run_id: str, batch: DedupeBatch, db_url: str | None = None, *,
             results: list[FeedResult] | None = None, extracted: ExtractBatch | None = None) -> ValidatedBatch:
    """Validate every article about to be stored (new ones and republications) row by row, then
    judge the batch as a whole (newswatch.quality.checks). Both results are stored with the run. A
    broken batch is rejected here, before load: the run is recorded failed with the reason and
    BatchRejectedError is raised, so nothing of it is loaded."""
    from newswatch.quality import checks
    from newswatch.quality.incoming import validate_batch  # Great Expectations: import only when used

    results, extracted = results or [], extracted or ExtractBatch()
    to_store = batch.new + [d.article for d in batch.duplicates if d.article is not None]
    with connect(db_url) as conn:
        book = RunBook(conn, topic, run_id)
        with book.timed("validate"):
            result = validate_batch(to_store, topic.languages, topic.validation)
            batch_checks = checks.batch_checks(topic.validation, results, extracted, quality_rows.recent_relevant(
                conn, topic.name, book.pk, topic.validation.relevant_baseline_runs))
            checks.store_validation(conn, book.pk, result, batch_checks)
            reason = checks.rejection_reason(batch_checks)
            if reason:
                quarantined = [q for r in results for q in r.quarantined] + extracted.quarantined + result.quarantined
                book.record(replace(run_stats(results, extracted, batch, result, quarantined),
                                    articles_loaded=0, republications_stored=0, batch_checks=batch_checks,
                                    failure={"stage": "validate", "reason": reason}), status="failed", finished=True)
                # the next run must read these feeds in full, not get a 304 and skip what this run refused
                store.forget_feed_validators(conn, topic.name, [r.feed_url for r in results if r.status == "ok"])
    log.info("validate: %d valid, %d quarantined; batch checks: %s", len(result.valid), len(result.quarantined),
             "; ".join(f"{c['name']} {'ok' if c['success'] else 'FAILED'} ({c['message']})" for c in batch_checks))
    if reason:
        raise checks.BatchRejectedError(reason)
    return result.model_copy(update={"gx_result": {}})  # stored above; XCom need not carry it


def check_stored(topic: Topic, run_id: str, db_url: str | None = None) -> dict:
    """The after-load suite against the stored tables; results stored with the run. An
    inconsistency marks the run failed and raises StoredDataError."""
    from newswatch.quality import checks

    with connect(db_url) as conn:
        book = RunBook(conn, topic, run_id)
        with book.timed("check_stored"):
            conn.commit()  # the suite reads on its own connection
            outcome = checks.check_stored(db_url, book.pk)
            quality_rows.store_result(conn, book.pk, "stored_articles", "check_stored", success=outcome["success"],
                                      evaluated=outcome["evaluated"], failed=outcome["failed"],
                                      summary=outcome["summary"], result=outcome["result"])
            if not outcome["success"]:
                reason = "stored data inconsistent: " + checks.describe_failures(outcome["summary"])
                book.record(RunStats(failure={"stage": "check_stored", "reason": reason}), status="failed",
                            finished=True)
    log.info("check_stored: %d of %d expectations met%s", outcome["evaluated"] - outcome["failed"],
             outcome["evaluated"], "" if outcome["success"] else f"; {checks.describe_failures(outcome['summary'])}")
    if not outcome["success"]:
        raise checks.StoredDataError(reason)
    return {k: outcome[k] for k in ("success", "evaluated", "failed", "summary")}


def load(topic: Topic, run_id: str, results: list[FeedResult], extracted: ExtractBatch, deduped: DedupeBatch,
         validated: ValidatedBatch, db_url: str | None = None) -> LoadResult:
    """One transaction: articles, quarantine, the entry ledger, the feeds' validators, run stats
    and the digest in the outbox. A retry inserts nothing twice (unique keys) and finds the
    alert it already wrote; a crash before the commit leaves nothing of it, validators included."""
    quarantined = [q for r in results for q in r.quarantined] + extracted.quarantined + validated.quarantined
    started = time.perf_counter()
    with connect(db_url) as conn:
        book = RunBook(conn, topic, run_id)
        run = book.pk
        stored = republication.store_batch(conn, topic.name, run, validated, deduped)
        quarantine.upsert_quarantine(conn, topic.name, run, quarantined)
        resolved = quarantine.resolve(conn, topic.name, stored.stored_ids)  # refused earlier, stored now
        ledger = accounting.build(results, extracted, deduped, validated, stored.outcomes)
        accounting.store_ledger(conn, run, ledger)
        store.commit_validators(conn, topic.name, results)  # only now: the entries are stored
        done = after_store(conn, topic, stored.stored_ids, assess=stored.new_ids)
        assessed = done.assessment
        # counted from what the run stored: a retry of a load that committed stores nothing new
        # and must not overwrite the counts with zeros
        stats = replace(run_stats(results, extracted, deduped, validated, quarantined), **store.run_counts(conn, run),
                        quarantine_resolved=len(resolved) or None).merged(accounting.stats(ledger))
        if assessed and (assessed.new_developments or assessed.not_new):  # a retry that assessed nothing keeps the first's
            stats = replace(stats, claims_parts={**assessed.timing.as_dict(), "claims": assessed.claims_total,
                                                 "texts_embedded": assessed.embedded, "texts_cached": assessed.cached})
        book.record(stats, durations={"fetch_total": round(sum(r.elapsed_s for r in results), 3),
                                      "load": round(time.perf_counter() - started, 3), "claims": done.claims_s})
        failing = [{"name": f["name"], "error": f"[{f['last_error_class']}] {f['last_error']}",
                    "since": f"{f['failing_since']:%Y-%m-%d %H:%M} UTC"}
                   for f in store.feeds_failing_since(conn, topic.name, utcnow() - feed_health.FAILING_LONG)]
        alert_id = outbox.enqueue_digest(conn, topic, run, run_id, build_digest(conn, run), failing)
        outbox.enqueue_silent_zero(conn, topic, run)
    if not ledger.balanced:
        log.error("entry counts do not add up: %s", "; ".join(ledger.problems))
    log.info("load: %d new articles, %d republications stored, %d quarantined (%d resolved from earlier), alert %s",
             len(stored.new_ids), stored.copies, len(quarantined), len(resolved), alert_id)
    return LoadResult(run_id=run_id, loaded=len(stored.new_ids), duplicates_stored=stored.copies,
                      quarantined=len(quarantined), alert_id=alert_id)


def send_alerts(topic: Topic, run_id: str, deliver: outbox.Deliver, db_url: str | None = None) -> SendResult:
    with connect(db_url) as conn:
        result = outbox.send_pending(conn, topic.name, deliver)
        RunBook(conn, topic, run_id).record(RunStats(alerts_sent=result.sent, alerts_failed=result.failed,
                                                     alert_destinations=result.destinations))
    log.info("alerts: %d sent, %d failed %s", result.sent, result.failed, result.destinations)
    if result.failed and not result.sent:
        log.warning("alert delivery failed; alerts stay pending for the next run: %s", result.errors)
    return result


def finish_run(topic: Topic, run_id: str, db_url: str | None = None) -> str:
    """Mark the run done and return its readable summary."""
    from newswatch.report.summary import run_summary

    with connect(db_url) as conn:
        RunBook(conn, topic, run_id).record(status="success", finished=True)
        return run_summary(conn, topic, run_id)


def run_once(topic: Topic, deliver: outbox.Deliver, run_id: str | None = None, db_url: str | None = None,
             owner: str | None = None) -> str:
    """One pass of the same stages the DAG runs, in this process (the CLI's `run`). Whatever
    stops it (an exception, Ctrl-C), the run is closed as failed with the stage and the reason
    before the exception goes on; only a kill -9 or a database gone leaves it to the next run."""
    run_id = run_id or new_run_id()
    stage = "start_run"
    try:
        start_run(topic, run_id, db_url, owner=owner or run_state.cli_owner())
        stage = "seeds"
        ensure_seeds(topic, run_id, db_url)
        stage = "fetch"
        results = [fetch_feed(topic, spec, db_url) for spec in plan_feeds(topic, run_id, db_url)]
        stage = "extract"
        extracted = extract(topic, run_id, results, db_url)
        stage = "dedupe"
        deduped = dedupe_batch(topic, run_id, extracted, db_url)
        stage = "validate"
        validated = validate(topic, run_id, deduped, db_url, results=results, extracted=extracted)
        stage = "load"
        load(topic, run_id, results, extracted, deduped, validated, db_url)
        stage = "send_alerts"
        send_alerts(topic, run_id, deliver, db_url)  # as in the DAG: a failing check does not hold the digest back
        stage = "check_stored"
        check_stored(topic, run_id, db_url)
        stage = "summary"
        return finish_run(topic, run_id, db_url)
    except BaseException as exc:
        close_failed(topic, run_id, db_url, stage, exc)
        raise


def new_run_id() -> str:
    return f"cli__{utcnow():%Y-%m-%dT%H:%M:%S.%f}"


def close_failed(topic: Topic, run_id: str, db_url: str | None, stage: str, exc: BaseException) -> None:
    """Record the run failed at `stage` (a failure a stage recorded itself is kept). Never raises:
    with the database gone, the next run of the topic closes this one."""
    reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else f"{type(exc).__name__}: {exc}"
    try:
        with connect(db_url) as conn:
            store.mark_run_failed(conn, topic.name, run_id, reason[:2000], stage=stage)
    except Exception as db_exc:  # noqa: BLE001 - the original error is what the caller reports
        log.warning("could not record run %s as failed (%s); the next run will close it", run_id, db_exc)
