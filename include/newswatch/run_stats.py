"""A run's counts per stage as one typed record: what `runs.stats` keeps (JSON with these keys;
the analyst view of migration 0005 reads them by name), the summary prints and the report lists.

Each stage writes the fields it knows and leaves the others None; `as_json` drops the Nones, so
merging a stage's record into the stored stats (`stats || new`) overwrites that stage's keys only
and a retried stage replaces rather than adds. Readers get a record back with `RunStats.read`."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, fields
from typing import Any

from newswatch.records import DedupeBatch, DuplicateDecision, ExtractBatch, FeedResult, QuarantineRecord, ValidatedBatch


@dataclass
class RunStats:
    # seeds
    seeds_total: int | None = None
    seeds_inserted: int | None = None
    articles_backfilled: int | None = None
    # plan
    feeds_planned: int | None = None
    feeds_configured: int | None = None
    # fetch, extract, dedupe, validate (from the stages' records: `from_batches`)
    feeds_ok: int | None = None
    feeds_not_modified: int | None = None
    feeds_failed: int | None = None
    feed_errors: list[dict[str, Any]] | None = None  # feed, url, class, error
    feed_warnings: list[dict[str, Any]] | None = None  # feed, warning
    entries_seen: int | None = None
    entries_relevant: int | None = None
    entries_irrelevant: int | None = None
    entries_unusable: int | None = None
    entries_repeated: int | None = None
    articles_extracted: int | None = None
    duplicates: int | None = None
    duplicates_by_layer: dict[str, int] | None = None
    duplicate_details: list[dict[str, Any]] | None = None  # url, title, layer, of, similarity, rule
    validated: int | None = None
    quarantined: int | None = None
    quarantined_by_stage: dict[str, int] | None = None
    validation: dict[str, Any] | None = None
    bugs: list[dict[str, Any]] | None = None  # stage, item_key, reason, feed
    batch_checks: list[dict[str, Any]] | None = None  # only when the batch was rejected
    # load: counted from what the run stored (newswatch.store.run_counts) and the entry ledger
    articles_loaded: int | None = None
    republications_stored: int | None = None
    new_developments: int | None = None
    articles_not_new: int | None = None
    new_stories: int | None = None
    claims_extracted: int | None = None
    claims_new: int | None = None
    claims_parts: dict[str, Any] | None = None  # the claims assessment's seconds per part, claims, texts embedded / cached
    feeds_ledger: dict[str, dict[str, int]] | None = None  # feed URL → seen, irrelevant, quarantined, ...
    accounting: dict[str, Any] | None = None  # balanced, problems
    quarantine_resolved: int | None = None
    # send_alerts
    alerts_sent: int | None = None
    alerts_failed: int | None = None
    alert_destinations: list[str] | None = None
    # why the run failed, if it did: stage, reason
    failure: dict[str, str] | None = None

    def as_json(self) -> dict[str, Any]:
        """The fields this record sets, for merging into `runs.stats`."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def read(cls, stats: dict[str, Any] | None) -> RunStats:
        """A stored `runs.stats` back as a record (keys it does not know are left out)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (stats or {}).items() if k in known})

    def merged(self, other: RunStats) -> RunStats:
        """This record with the fields `other` sets overwritten (as the database merges them)."""
        return RunStats.read({**self.as_json(), **other.as_json()})


def run_stats(results: list[FeedResult], extracted: ExtractBatch, deduped: DedupeBatch,
              validated: ValidatedBatch, quarantined: list[QuarantineRecord]) -> RunStats:
    """The counts of fetch, extract, dedupe and validate, from the records they hand on."""
    duplicates: list[DuplicateDecision] = [d for r in results for d in r.duplicates] + extracted.known \
        + deduped.duplicates
    return RunStats(
        feeds_ok=sum(r.status == "ok" for r in results),
        feeds_not_modified=sum(r.status == "not_modified" for r in results),
        feeds_failed=sum(r.status == "error" for r in results),
        feed_errors=[{"feed": r.feed_name or r.feed_url, "url": r.feed_url, "class": r.error_class, "error": r.error}
                     for r in results if r.status == "error"],
        feed_warnings=[{"feed": r.feed_name or r.feed_url, "warning": w} for r in results for w in r.warnings],
        entries_seen=sum(r.entries_seen for r in results),
        entries_relevant=sum(len(r.entries) for r in results),
        entries_irrelevant=sum(r.irrelevant for r in results),
        entries_unusable=sum(q.entry_position is not None for r in results for q in r.quarantined),
        entries_repeated=sum(len(r.duplicates) for r in results),
        articles_extracted=len(extracted.articles),
        duplicates=len(duplicates),
        duplicates_by_layer=dict(Counter(d.layer for d in duplicates)),
        duplicate_details=[{"url": d.raw_url or d.url, "title": d.title, "layer": d.layer,
                            "of": d.duplicate_of_url, "similarity": d.similarity, "rule": d.rule}
                           for d in duplicates][:200],
        validated=len(validated.valid),
        quarantined=len(quarantined),
        quarantined_by_stage=dict(Counter(q.stage for q in quarantined)),
        validation=validated.results,
        bugs=[{"stage": q.stage, "item_key": q.item_key, "reason": q.reason, "feed": q.feed_url}
              for q in quarantined if q.reason_class == "bug"][:100],
    )
