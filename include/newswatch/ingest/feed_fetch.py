"""One feed's fetch: a conditional GET from the stored validators, the parse, and what the
outcome does to the feed's health. Any failure is the result's status, never raised (an
unexpected exception too: newswatch.isolation)."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime, timedelta
from typing import Any

from newswatch.config import Topic
from newswatch.ingest import feed_health, feeds
from newswatch.ingest.http import FetchError, fetch
from newswatch.ingest.relevance import RelevanceScorer
from newswatch.isolation import guarded
from newswatch.records import FeedResult, FeedSpec


def fetch_feed(topic: Topic, spec: FeedSpec, state: dict[str, Any],
               fetched_at: datetime) -> tuple[FeedResult, feed_health.HealthUpdate]:
    """The feed's result (timed) and its health after it. `state`: the feed's stored row
    (validators, body hash of the last load, failure score)."""
    started = time.perf_counter()
    outcome = guarded("fetch", spec.url, fetch_and_parse, topic, spec, state, fetched_at, feed_url=spec.url,
                      payload={"feed": spec.model_dump()})
    if isinstance(outcome, FeedResult):
        result = outcome
    else:  # a bug: the feed counts as failed this time, its record says why
        result = FeedResult(feed_url=spec.url, feed_name=spec.name, status="error", error_class="bug",
                            error=outcome.reason, quarantined=[outcome])
    result.elapsed_s = round(time.perf_counter() - started, 3)
    health = feed_health.after_fetch(result.status != "error", result.error_class, state.get("failure_score") or 0,
                                     fetched_at, result.http_status, result.retry_after_s)
    return result, health


def fetch_and_parse(topic: Topic, spec: FeedSpec, state: dict[str, Any], fetched_at: datetime) -> FeedResult:
    """A 304, or a body identical to the last one loaded (hosts that send no validators), costs
    no parsing. The fetch's validators ride in the result and take effect when the load stores
    its entries (newswatch.store.feeds)."""
    headers = {}
    if state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    try:
        response = fetch(spec.url, topic.http, topic.contact, headers)
    except FetchError as exc:
        return FeedResult(feed_url=spec.url, feed_name=spec.name, status="error", http_status=exc.status,
                          error_class=exc.error_class, error=str(exc), retry_after_s=exc.retry_after_s)
    etag, last_modified = response.headers.get("etag"), response.headers.get("last-modified")
    body_hash = hashlib.sha256(response.body).hexdigest() if response.status != 304 else None
    if response.status == 304 or body_hash == state.get("body_hash"):
        return FeedResult(feed_url=spec.url, feed_name=spec.name, status="not_modified", http_status=response.status)
    result = feeds.parse_feed(response.body, response.headers, spec, RelevanceScorer(topic), fetched_at,
                              timedelta(hours=topic.validation.entry_max_future_hours), response.url)
    result.http_status = response.status
    if result.status == "ok":
        result.etag, result.last_modified, result.body_hash = etag, last_modified, body_hash
    return result
