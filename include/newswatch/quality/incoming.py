"""Validation stage: each batch of extracted articles is checked with Great Expectations against
the suite in include/expectations/incoming_articles.json.

An article that breaks any expectation is quarantined once, with every reason in words; the rest
pass on in input order. The topic's values (languages, text bounds, the publication window) are
GX suite parameters (`{"$PARAMETER": name}` in the JSON) supplied on each call, so the context
and suite are built once per process while nothing from one batch reaches the next.

Two checks need more than one plain column: the title must not be the site name (derived
columns `title_key`/`site_name_key`, compared as text), and a canonical URL must be unique in
the batch (GX flags every copy; the first one is kept and only the later copies quarantined).
"""

from __future__ import annotations

import html
import json
import os
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from newswatch import paths

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # read when gx is imported: no telemetry

import great_expectations as gx  # noqa: E402
import pandas as pd  # noqa: E402
from great_expectations.core.batch_definition import BatchDefinition  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402

from newswatch.config import ValidationRules  # noqa: E402
from newswatch.records import Article, QuarantineRecord, ValidatedBatch  # noqa: E402
from newswatch.text.normalize import tokens  # noqa: E402

SUITE_PATH = paths.EXPECTATIONS / "incoming_articles.json"
DATETIME_COLUMNS = {"published_at", "fetched_at"}
BLANK = r"^\s*$"
MAX_VALUE_CHARS = 200
UNIQUE = "expect_column_values_to_be_unique"
NOT_SITE_NAME = "expect_select_column_values_to_be_unique_within_record"


def _as_compared(text: str | None) -> str | None:
    words = tokens(text or "")
    return " ".join(words) or None


# Columns computed from an article rather than read from it: (how, the field shown as the value).
DERIVED: dict[str, tuple[Any, str]] = {
    "title_key": (lambda a: _as_compared(a.title), "title"),
    "site_name_key": (lambda a: _as_compared(a.source), "title"),
}


def validate_batch(articles: list[Article], languages: list[str], rules: ValidationRules,
                   now: datetime | None = None) -> ValidatedBatch:
    """Split `articles` into valid ones and quarantine records, one per failing article."""
    if not articles:
        return ValidatedBatch()
    now = _utc(now or datetime.now(timezone.utc))
    parameters = {
        "languages": list(languages),
        "min_text_chars": rules.min_text_chars,
        "max_text_chars": rules.max_text_chars,
        "min_published_at": now - timedelta(days=rules.max_age_days) if rules.max_age_days else None,
        "max_published_at": now + timedelta(minutes=rules.max_future_minutes),
    }
    batch_definition, suite = _gx_suite()
    batch = batch_definition.get_batch(batch_parameters={"dataframe": _frame(articles, suite)})
    outcome = batch.validate(suite, result_format="COMPLETE", expectation_parameters=parameters)

    failures: dict[int, list[tuple[str, str, str | None]]] = {}  # row → [(expectation, reason, value)]
    results: dict[str, Any] = {"evaluated": len(articles)}
    for label, kind, kwargs, result in _in_suite_order(outcome.results, suite):
        _raise_if_errored(label, result)
        rows = list(result.result.get("unexpected_index_list") or [])
        if kind == UNIQUE:
            rows = _later_copies(rows, [getattr(articles[row], kwargs["column"]) for row in rows])
        results[label] = {"success": bool(result.success),
                          "unexpected_count": int(result.result.get("unexpected_count", 0))}
        for row in rows:
            value = _value(articles[row], kwargs)
            failures.setdefault(row, []).append((label, _reason(kind, kwargs, value), _shown(value)))

    valid = [article for row, article in enumerate(articles) if row not in failures]
    quarantined = [_quarantine(articles[row], failures[row]) for row in sorted(failures)]
    return ValidatedBatch(valid=valid, quarantined=quarantined, results=results,
                          gx_result=compact_result(outcome.to_json_dict()))


def compact_result(result: dict[str, Any]) -> dict[str, Any]:
    """A GX suite validation result fit to store with the run and render in Data Docs: the
    full lists of unexpected values and row indexes dropped, long values cut, and every string
    in an expectation's `result` (unexpected values, their counts, sampled rows: article data)
    HTML-escaped. GX renders those into the Data Docs pages as they are, so an article whose
    text is markup would otherwise run as markup there; escaped, it reads as the text it is."""
    def cut(node: Any, escape: bool = False) -> Any:
        if isinstance(node, dict):
            return {k: v if k == "expectation_config" else cut(v, escape or k == "result")
                    for k, v in node.items()
                    if k not in {"unexpected_list", "unexpected_index_list", "unexpected_index_query"}}
        if isinstance(node, list):
            return [cut(v, escape) for v in node[:20]]
        if isinstance(node, str):
            text = node if len(node) <= MAX_VALUE_CHARS else node[: MAX_VALUE_CHARS - 1] + "…"
            return html.escape(text) if escape else text
        return node

    return cut(json.loads(json.dumps(result, default=str)))


def _later_copies(rows: list[int], values: list[Any]) -> list[int]:
    """Of the rows sharing a value, all but the first in input order."""
    seen: set[Any] = set()
    later = []
    for row, value in sorted(zip(rows, values)):
        if value in seen:
            later.append(row)
        seen.add(value)
    return later


def _columns(kwargs: dict[str, Any]) -> list[str]:
    return [kwargs["column"]] if "column" in kwargs else list(kwargs["column_list"])


def _value(article: Article, kwargs: dict[str, Any]) -> Any:
    """The offending value as the article holds it (a derived column shows its source field)."""
    column = _columns(kwargs)[0]
    return getattr(article, DERIVED[column][1] if column in DERIVED else column)


@lru_cache(maxsize=1)
def _gx_suite() -> tuple[BatchDefinition, gx.ExpectationSuite]:
    """The batch definition and the suite, built once per process (the first build is slow)."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # tqdm bars flood task logs
    batch_definition = (context.data_sources.add_pandas("newswatch")
                        .add_dataframe_asset("incoming_articles")
                        .add_batch_definition_whole_dataframe("batch"))
    spec = json.loads(SUITE_PATH.read_text(encoding="utf-8"))
    suite = gx.ExpectationSuite(name=spec["name"], expectations=spec["expectations"], notes=spec.get("notes"))
    # GX logs and skips an expectation whose type it does not know instead of raising.
    if len(suite.expectations) != len(spec["expectations"]):
        raise ValueError(f"{SUITE_PATH}: {len(spec['expectations']) - len(suite.expectations)} expectation(s) "
                         "not understood by Great Expectations (see the log above)")
    labels = [_label(e.expectation_type, _columns(e.configuration.kwargs)) for e in suite.expectations]
    if len(set(labels)) != len(labels):
        raise ValueError(f"{SUITE_PATH}: an expectation type is repeated on one column")
    return batch_definition, context.suites.add(suite)


def _label(kind: str, columns: list[str]) -> str:
    """How an expectation is named in results and quarantine records."""
    return f"{kind}({', '.join(columns)})"


def _in_suite_order(results: list[Any], suite: gx.ExpectationSuite) -> list[tuple[str, str, dict[str, Any], Any]]:
    """(label, type, kwargs with parameters filled in, result) per expectation. GX groups results
    its own way; the JSON's order makes a row's reasons read the same on every run."""
    order = {_label(e.expectation_type, _columns(e.configuration.kwargs)): i for i, e in enumerate(suite.expectations)}
    labelled = []
    for result in results:
        kind, kwargs = result.expectation_config.type, result.expectation_config.kwargs
        labelled.append((_label(kind, _columns(kwargs)), kind, kwargs, result))
    return sorted(labelled, key=lambda item: order[item[0]])


def _frame(articles: list[Article], suite: gx.ExpectationSuite) -> pd.DataFrame:
    """One row per article (index = position in the list), only the columns the suite checks."""
    columns = sorted({c for e in suite.expectations for c in _columns(e.configuration.kwargs)})
    frame = pd.DataFrame({column: [DERIVED[column][0](a) if column in DERIVED else getattr(a, column)
                                   for a in articles] for column in columns})
    for column in DATETIME_COLUMNS & set(columns):
        # One UTC dtype for the column: GX compares it to an aware max_value, and pandas
        # refuses to compare naive with aware. Naive values (feeds without offset) count as UTC.
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def _raise_if_errored(label: str, result: Any) -> None:
    """GX catches errors inside an expectation and reports it failed with no rows; that would
    let every row through, so fail the task instead."""
    info = result.exception_info or {}
    errors = [info] if "raised_exception" in info else list(info.values())
    messages = [e.get("exception_message") for e in errors if e.get("raised_exception")]
    if messages:
        raise RuntimeError(f"Great Expectations could not evaluate {label}: {'; '.join(map(str, messages))}")


def _reason(kind: str, kwargs: dict[str, Any], value: Any) -> str:
    """Why this value breaks this expectation, for a person reading the quarantine."""
    column = _columns(kwargs)[0]
    if kind == NOT_SITE_NAME:
        return f"title is the site name ({_shown(value, 60)})"
    if kind == UNIQUE:
        return f"{column} appears more than once in the batch (an earlier copy is kept)"
    if kind == "expect_column_values_to_not_be_null":
        return f"{column} is missing"
    if kind == "expect_column_values_to_not_match_regex" and kwargs["regex"] == BLANK:
        return f"{column} is empty"
    if kind == "expect_column_values_to_match_regex" and column == "url":
        return f"url is not an http(s) URL ({_shown(value, 60)})"
    if kind == "expect_column_values_to_be_in_set":
        return f"{column} {value!r} is not one of the topic's {list(kwargs['value_set'])}"
    if kind == "expect_column_value_lengths_to_be_between":
        length, low, high = len(value), kwargs.get("min_value"), kwargs.get("max_value")
        if low is not None and length < low:
            return f"{column} shorter than {low} characters ({length})"
        return f"{column} longer than {high} characters ({length})"
    if kind == "expect_column_values_to_be_between" and isinstance(value, datetime):
        high, low = kwargs.get("max_value"), kwargs.get("min_value")
        if high is not None and _utc(value) > _utc(high):
            return (f"{column} is in the future ({_utc(value):%Y-%m-%d %H:%M} UTC, "
                    f"latest allowed {_utc(high):%Y-%m-%d %H:%M} UTC)")
        return (f"{column} is too old ({_utc(value):%Y-%m-%d %H:%M} UTC, "
                f"earliest allowed {_utc(low):%Y-%m-%d %H:%M} UTC)")
    if kind == "expect_column_values_to_be_between":
        return f"{column} {value!r} is not between {kwargs.get('min_value')} and {kwargs.get('max_value')}"
    return f"{column} fails {kind} ({_shown(value, 60)})"  # an expectation added to the JSON later


def _quarantine(article: Article, failures: list[tuple[str, str, str | None]]) -> QuarantineRecord:
    labels, reasons, values = zip(*failures)
    shown = [value for value in values if value is not None]
    return QuarantineRecord(
        stage="validate",
        reason="; ".join(reasons),
        item_key=article.url or article.guid or article.title or "(no url, guid or title)",
        feed_url=article.feed_url,
        entry_position=article.entry_position,
        expectation="; ".join(labels),
        value=_shown("; ".join(shown)) if shown else None,
        payload=article.model_dump(mode="json"),
    )


def _shown(value: Any, limit: int = MAX_VALUE_CHARS) -> str | None:
    """The value as text for the quarantine, cut to `limit` characters."""
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
