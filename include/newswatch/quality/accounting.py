"""Counts that add up: every entry a feed yields ends in exactly one bucket, with a row.

Per feed and run:  seen = irrelevant + quarantined + duplicates + loaded, where

- **seen**: the entries in the feed document as parsed. A feed that fails (fetch error,
  parse error, empty) or is not modified yields none: its failure is the feed's record (the
  `feeds` table and the run's `feed_errors`), not its entries';
- **irrelevant**: below the topic's relevance threshold (the score and the terms say why);
- **quarantined**: refused at any stage (fetch: no or unsafe link, future date; extract: the
  page failed, no text, paywall, robots, a `bug`; validate: an expectation), with a quarantine row;
- **duplicates**: the same entry again in its feed (a repeated GUID, an identical link-less
  entry), a URL or GUID already stored or earlier in the batch, the same or nearly the same
  text as a known article (a republication at a new address is stored with `duplicate_of`);
- **loaded**: stored as a new article by this run.

`build` follows each entry through the stage records by (feed URL, position in the feed) and
writes one `entry_outcomes` row per entry; an entry found in no bucket or in two is a
problem the run reports, and the after-load suite (stored_articles.json) fails the run when a
feed's rows do not add up to what it saw.
"""

from __future__ import annotations

from typing import Literal

import psycopg

from newswatch.records import (
    DedupeBatch,
    DuplicateDecision,
    ExtractBatch,
    FeedResult,
    QuarantineRecord,
    Record,
    ValidatedBatch,
)
from newswatch.run_stats import RunStats
from newswatch.store import quality as quality_rows

Outcome = Literal["irrelevant", "quarantined", "duplicate", "loaded"]
BUCKETS = {"irrelevant": "irrelevant", "quarantined": "quarantined", "duplicate": "duplicates", "loaded": "loaded"}


class EntryOutcome(Record):
    feed_url: str
    position: int
    outcome: Outcome
    stage: str
    reason: str
    item_key: str | None = None
    title: str | None = None
    article_id: int | None = None
    duplicate_of_url: str | None = None


class Ledger(Record):
    outcomes: list[EntryOutcome]
    feeds: dict[str, dict[str, int]]  # feed URL → seen and the four buckets
    problems: list[str]

    @property
    def balanced(self) -> bool:
        return not self.problems


def _duplicate(d: DuplicateDecision, stage: str, article_id: int | None = None) -> EntryOutcome:
    why = {"url": "URL already stored or earlier in the batch", "guid": "GUID already stored or earlier",
           "content_hash": "the same text as a known article",
           "minhash": f"nearly the same text as a known article ({d.rule} {d.similarity:.2f})"}[d.layer]
    if stage == "fetch":
        why = "the same entry earlier in this feed" + (" (same GUID)" if d.layer == "guid" else "")
    return EntryOutcome(feed_url=d.feed_url or "", position=d.entry_position, outcome="duplicate", stage=stage,
                        reason=f"duplicate: {why}", item_key=d.url, title=d.title, article_id=article_id,
                        duplicate_of_url=d.duplicate_of_url)


def _quarantined(q: QuarantineRecord, title: str | None = None) -> EntryOutcome:
    return EntryOutcome(feed_url=q.feed_url or "", position=q.entry_position, outcome="quarantined", stage=q.stage,
                        reason=q.reason, item_key=q.item_key, title=title or (q.payload or {}).get("title"))


def build(results: list[FeedResult], extracted: ExtractBatch, deduped: DedupeBatch, validated: ValidatedBatch,
          stored: dict[str, tuple[str, int | None]]) -> Ledger:
    """`stored` maps each article URL of the load to ('loaded' | 'copy' | 'conflict', article id)."""
    decided: dict[tuple[str, int], EntryOutcome] = {}
    problems: list[str] = []

    def put(outcome: EntryOutcome) -> None:
        key = (outcome.feed_url, outcome.position)
        if key in decided:
            problems.append(f"{outcome.feed_url} entry {outcome.position} is both {decided[key].outcome} "
                            f"({decided[key].stage}) and {outcome.outcome} ({outcome.stage})")
            return
        decided[key] = outcome

    tracked = {r.feed_url for r in results if r.status == "ok"}

    def ours(feed_url: str | None, position: int | None) -> bool:
        return feed_url in tracked and position is not None and position >= 0

    for result in results:
        if result.status != "ok":
            continue
        for note in result.irrelevant_entries:
            put(EntryOutcome(feed_url=result.feed_url, position=note.position, outcome="irrelevant",
                             stage="relevance", reason=note.reason, item_key=note.item_key, title=note.title))
        for q in result.quarantined:
            if q.entry_position is not None:
                put(_quarantined(q))
        for d in result.duplicates:
            put(_duplicate(d, "fetch"))
    for d in extracted.known:
        if ours(d.feed_url, d.entry_position):
            put(_duplicate(d, "dedupe"))
    for q in extracted.quarantined:
        if ours(q.feed_url, q.entry_position):
            put(_quarantined(q))
    refused = {(q.feed_url, q.entry_position): q for q in validated.quarantined}
    copies = {(d.feed_url, d.entry_position): d for d in deduped.duplicates}
    for article in extracted.articles:
        key = (article.feed_url, article.entry_position)
        if not ours(*key):
            continue
        kind, article_id = stored.get(article.url, (None, None))
        if key in refused:
            put(_quarantined(refused[key], article.title))
        elif kind == "loaded":
            put(EntryOutcome(feed_url=article.feed_url, position=article.entry_position, outcome="loaded",
                             stage="load", reason="stored as a new article", item_key=article.url,
                             title=article.title, article_id=article_id))
        elif key in copies:
            put(_duplicate(copies[key], "dedupe", article_id if kind == "copy" else None))
        elif kind == "conflict":
            put(EntryOutcome(feed_url=article.feed_url, position=article.entry_position, outcome="duplicate",
                             stage="load", reason="duplicate: URL or GUID stored by another run meanwhile",
                             item_key=article.url, title=article.title, article_id=article_id,
                             duplicate_of_url=article.url))
        else:
            problems.append(f"{article.feed_url} entry {article.entry_position} ({article.url}) was extracted "
                            "but neither loaded, refused nor a duplicate")
    feeds: dict[str, dict[str, int]] = {}
    for result in results:
        if result.status != "ok":
            continue
        counts = {"seen": result.entries_seen, "irrelevant": 0, "quarantined": 0, "duplicates": 0, "loaded": 0}
        for (feed_url, _), outcome in decided.items():
            if feed_url == result.feed_url:
                counts[BUCKETS[outcome.outcome]] += 1
        feeds[result.feed_url] = counts
        accounted = sum(v for k, v in counts.items() if k != "seen")
        if accounted != counts["seen"]:
            missing = sorted(set(range(result.entries_seen)) - {p for f, p in decided if f == result.feed_url})
            problems.append(f"{result.feed_url}: {counts['seen']} entries seen but {accounted} accounted for"
                            + (f" (positions {missing[:10]} in no bucket)" if missing else ""))
    return Ledger(outcomes=sorted(decided.values(), key=lambda o: (o.feed_url, o.position)), feeds=feeds,
                  problems=problems)


def store_ledger(conn: psycopg.Connection, run: int, ledger: Ledger) -> int:
    """One row per entry; a retried load finds its rows and keeps them."""
    quality_rows.insert_entry_outcomes(conn, run, ledger.outcomes)
    return len(ledger.outcomes)


def stats(ledger: Ledger) -> RunStats:
    """What the run's stats keep of the ledger (the after-load suite compares the rows with it)."""
    return RunStats(feeds_ledger=ledger.feeds,
                    accounting={"balanced": ledger.balanced, "problems": ledger.problems[:50]})
