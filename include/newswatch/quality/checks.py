"""Batch-level checks before load, the after-load suite, and where validation results are kept.

- `batch_checks`: does the incoming batch as a whole look broken? (most fetched pages without
  text; no relevant entry at all where the last successful runs had many). Thresholds come from
  the topic's `validation` section. A failing check rejects the whole batch: nothing is loaded.
- `check_stored`: the Great Expectations suite include/expectations/stored_articles.json run
  against Postgres after load (unique canonical URLs, duplicates pointing at real articles,
  no article without a run, the run's counts matching its stats).
- the results are kept in `validation_results` (newswatch.store.quality), one row per (run, suite).
"""

from __future__ import annotations

import json
import os
import statistics
from typing import Any

import psycopg

from newswatch import paths
from newswatch.config import ValidationRules
from newswatch.records import Article, ExtractBatch, FeedResult, ValidatedBatch
from newswatch.store import quality as quality_rows

STORED_SUITE_PATH = paths.EXPECTATIONS / "stored_articles.json"
NO_TEXT_PREFIX = "extraction failed"  # newswatch.extract.pages: a page was fetched but gave no article


class BatchRejectedError(RuntimeError):
    """The batch as a whole looks broken: nothing of it is loaded and the run fails."""


class StoredDataError(RuntimeError):
    """The stored tables broke the after-load suite."""


# --- batch level ------------------------------------------------------------------------------

def batch_checks(rules: ValidationRules, results: list[FeedResult], extracted: ExtractBatch,
                 recent_relevant: list[int]) -> list[dict[str, Any]]:
    """Each check: name, success, observed, threshold, message. `recent_relevant` holds the
    relevant-entry counts of the topic's last successful runs that saw entries, newest first."""
    return [_text_share(rules, extracted), _relevant_vs_usual(rules, results, recent_relevant)]


def _lacks_text(article: Article, rules: ValidationRules) -> bool:
    return len(article.text.strip()) < max(rules.min_text_chars, 1)


def _text_share(rules: ValidationRules, extracted: ExtractBatch) -> dict[str, Any]:
    refused = [q for q in extracted.quarantined if q.reason.startswith(NO_TEXT_PREFIX)]
    fetched_pages = len(extracted.articles) + len(refused)
    without = len(refused) + sum(_lacks_text(a, rules) for a in extracted.articles)
    share = without / fetched_pages if fetched_pages else 0.0
    judged = fetched_pages >= rules.batch_min_pages
    success = not judged or share <= rules.batch_max_without_text
    message = (f"{without} of {fetched_pages} fetched pages have no usable text ({share:.0%}; "
               f"more than {rules.batch_max_without_text:.0%} means the batch is broken)")
    if not judged:
        message += f"; not judged under {rules.batch_min_pages} pages"
    return {"name": "pages_with_text", "success": success, "observed": round(share, 3),
            "threshold": rules.batch_max_without_text, "message": message,
            "details": {"pages": fetched_pages, "without_text": without}}


def _relevant_vs_usual(rules: ValidationRules, results: list[FeedResult], recent: list[int]) -> dict[str, Any]:
    seen = sum(r.entries_seen for r in results)
    relevant = sum(len(r.entries) for r in results)
    usual = statistics.median(recent) if len(recent) >= rules.relevant_baseline_runs else None
    judged = seen > 0 and usual is not None
    success = not judged or relevant > 0 or usual < rules.relevant_baseline_min
    if usual is None:
        context = f"fewer than {rules.relevant_baseline_runs} earlier runs to compare with"
    else:
        context = f"the last {len(recent)} successful runs had a median of {usual:g}"
    message = f"{relevant} relevant of {seen} entries seen; {context}"
    if seen == 0:
        message += "; no entries came in (feeds unchanged or failing), not judged"
    return {"name": "relevant_entries", "success": success, "observed": relevant,
            "threshold": rules.relevant_baseline_min, "message": message,
            "details": {"entries_seen": seen, "recent_relevant": recent}}


def store_validation(conn: psycopg.Connection, run: int, validated: ValidatedBatch,
                     checks: list[dict[str, Any]]) -> None:
    """The row-level suite's and the batch checks' results, one row each with the run."""
    summary = {k: v for k, v in validated.results.items() if k != "evaluated"}
    quality_rows.store_result(conn, run, "incoming_articles", "validate", success=not validated.quarantined,
                              evaluated=len(summary), failed=sum(not v["success"] for v in summary.values()),
                              summary=summary, result=validated.gx_result)
    quality_rows.store_result(conn, run, "incoming_batch", "validate", success=all(c["success"] for c in checks),
                              evaluated=len(checks), failed=sum(not c["success"] for c in checks),
                              summary={c["name"]: c for c in checks}, result={"checks": checks})


def rejection_reason(checks: list[dict[str, Any]]) -> str | None:
    failed = [c for c in checks if not c["success"]]
    if not failed:
        return None
    return "batch rejected, nothing loaded: " + "; ".join(f"{c['name']}: {c['message']}" for c in failed)


# --- after load -----------------------------------------------------------------------------

def check_stored(db_url: str | None, run: int) -> dict[str, Any]:
    """Run the after-load suite; returns {success, evaluated, failed, summary, result} where
    summary maps each expectation's name to {success, unexpected_count, sample}."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from newswatch.quality.incoming import compact_result

    spec = json.loads(STORED_SUITE_PATH.read_text(encoding="utf-8"))
    expectations = []
    for item in spec["expectations"]:
        kwargs = dict(item["kwargs"])
        kwargs["unexpected_rows_query"] = kwargs["unexpected_rows_query"].replace(":run", str(int(run)))
        expectations.append({**item, "kwargs": kwargs})
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    # add_sql, not add_postgres: the latter insists on a host, and the embedded server is a socket
    source = context.data_sources.add_sql("newswatch_db", connection_string=_sqlalchemy_url(db_url))
    try:
        batch = source.add_table_asset("articles", table_name="articles").add_batch_definition_whole_table("all")
        suite = gx.ExpectationSuite(name=spec["name"], expectations=expectations, notes=spec.get("notes"))
        if len(suite.expectations) != len(expectations):
            raise ValueError(f"{STORED_SUITE_PATH}: an expectation is not understood by Great Expectations")
        suite = context.suites.add(suite)
        outcome = batch.get_batch().validate(suite, result_format="COMPLETE")
    finally:
        source.get_engine().dispose()
    summary: dict[str, Any] = {}
    for result in outcome.results:
        name = (result.expectation_config.meta or {}).get("name") or result.expectation_config.type
        info = result.exception_info or {}
        errors = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
        messages = [str(e.get("exception_message")) for e in errors if e.get("raised_exception")]
        if messages:  # GX reports an erroring query as a failed expectation with no rows
            raise RuntimeError(f"Great Expectations could not evaluate {name}: {'; '.join(messages)}")
        rows = (result.result.get("details") or {}).get("unexpected_rows") or []
        summary[name] = {"success": bool(result.success),
                         "unexpected_count": int(result.result.get("observed_value") or 0),
                         "description": result.expectation_config.description,
                         "sample": json.loads(json.dumps(rows[:5], default=str))}
    failed = sum(not s["success"] for s in summary.values())
    return {"success": failed == 0, "evaluated": len(summary), "failed": failed, "summary": summary,
            "result": compact_result(outcome.to_json_dict())}


def _sqlalchemy_url(db_url: str | None) -> str:
    """The database as a SQLAlchemy URL for GX. Parsed the way libpq parses it (an Airflow
    connection percent-encodes a socket directory into the host, which SQLAlchemy would take
    literally); a socket directory goes in the query, as SQLAlchemy expects."""
    from psycopg.conninfo import conninfo_to_dict
    from sqlalchemy.engine import URL

    from newswatch.store.db import database_url

    info = conninfo_to_dict(database_url(db_url))
    host = info.pop("host", None)
    socket = host is not None and host.startswith("/")
    query = {k: str(v) for k, v in info.items() if k not in {"user", "password", "port", "dbname"}}
    if socket:
        query["host"] = host
    url = URL.create("postgresql+psycopg", username=info.get("user"), password=info.get("password") or None,
                     host=None if socket else host, port=int(info["port"]) if info.get("port") else None,
                     database=info.get("dbname"), query=query)
    return url.render_as_string(hide_password=False)


def describe_failures(summary: dict[str, Any]) -> str:
    return "; ".join(f"{name}: {s['unexpected_count']} row(s), e.g. {s['sample'][:2]}"
                     for name, s in summary.items() if not s["success"])
