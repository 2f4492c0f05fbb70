"""A run's counts per stage, from the typed records the stages hand on (what `runs.stats`
keeps, the summary prints and the report lists)."""

from __future__ import annotations

from collections import Counter

from newswatch.records import DedupeBatch, DuplicateDecision, ExtractBatch, FeedResult, QuarantineRecord, ValidatedBatch


def run_stats(results: list[FeedResult], extracted: ExtractBatch, deduped: DedupeBatch,
              validated: ValidatedBatch, quarantined: list[QuarantineRecord]) -> dict:
    duplicates: list[DuplicateDecision] = [d for r in results for d in r.duplicates] + extracted.known \
        + deduped.duplicates
    return {
        "feeds_ok": sum(r.status == "ok" for r in results),
        "feeds_not_modified": sum(r.status == "not_modified" for r in results),
        "feeds_failed": sum(r.status == "error" for r in results),
        "feed_errors": [{"feed": r.feed_name or r.feed_url, "url": r.feed_url, "class": r.error_class, "error": r.error}
                        for r in results if r.status == "error"],
        "feed_warnings": [{"feed": r.feed_name or r.feed_url, "warning": w} for r in results for w in r.warnings],
        "entries_seen": sum(r.entries_seen for r in results),
        "entries_relevant": sum(len(r.entries) for r in results),
        "entries_irrelevant": sum(r.irrelevant for r in results),
        "entries_unusable": sum(q.entry_position is not None for r in results for q in r.quarantined),
        "entries_repeated": sum(len(r.duplicates) for r in results),
        "articles_extracted": len(extracted.articles),
        "duplicates": len(duplicates),
        "duplicates_by_layer": dict(Counter(d.layer for d in duplicates)),
        "duplicate_details": [{"url": d.raw_url or d.url, "title": d.title, "layer": d.layer,
                               "of": d.duplicate_of_url, "similarity": d.similarity, "rule": d.rule}
                              for d in duplicates][:200],
        "validated": len(validated.valid),
        "quarantined": len(quarantined),
        "quarantined_by_stage": dict(Counter(q.stage for q in quarantined)),
        "validation": validated.results,
        "bugs": [{"stage": q.stage, "item_key": q.item_key, "reason": q.reason, "feed": q.feed_url}
                 for q in quarantined if q.reason_class == "bug"][:100],
    }
