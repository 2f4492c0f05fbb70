"""The run summary a person reads at the end of the demo, the CLI run and the DAG's last task."""

from __future__ import annotations

from datetime import datetime, timezone

import psycopg

from newswatch import isolation, store
from newswatch.config import Topic
from newswatch.ingest.feed_health import FAILING_LONG
from newswatch.run_stats import RunStats
from newswatch.store import alerts as alert_rows
from newswatch.store import quality as quality_rows
from newswatch.store import quarantine


def run_summary(conn: psycopg.Connection, topic: Topic, run_id: str | None = None) -> str:
    run = store.get_run(conn, topic.name, run_id)
    if run is None:
        return f"no run recorded for topic {topic.name}"
    s = RunStats.read(run["stats"])
    lines = [f"newswatch run {run['run_id']} · topic {topic.name} · {run['status']}"]
    if s.failure:
        lines.append(f"  ✗ failed in {s.failure['stage']}: {s.failure['reason']}")
    lines += isolation.bug_lines(s.bugs or [])
    failed = s.feed_errors or []
    lines.append(f"feeds: {s.feeds_ok or 0} ok, {s.feeds_not_modified or 0} not modified, "
                 f"{s.feeds_failed or 0} failed (of {s.feeds_planned or 0} due, "
                 f"{s.feeds_configured or 0} configured)")
    for err in failed:
        lines.append(f"  ✗ {err['feed']}: [{err['class']}] {err['error']}")
    for feed in store.feeds_failing_since(conn, topic.name, datetime.now(timezone.utc) - FAILING_LONG):
        lines.append(f"  ✗✗ {feed['name']} failing since {feed['failing_since']:%Y-%m-%d %H:%M} UTC "
                     f"({feed['consecutive_failures']} failures; next try {feed['next_fetch_after']:%Y-%m-%d %H:%M} UTC)")
    for warn in s.feed_warnings or []:
        lines.append(f"  ! {warn['feed']}: {warn['warning']}")
    lines.append(f"entries: {s.entries_seen or 0} seen: {s.entries_relevant or 0} relevant, "
                 f"{s.entries_irrelevant or 0} not relevant to the topic, "
                 f"{s.entries_unusable or 0} unusable (quarantined)")
    lines += ledger_lines(s)
    lines.append(f"seeds: {s.seeds_total or 0} in corpus ({s.seeds_inserted or 0} stored this run)")
    lines.append(f"duplicates: {s.duplicates or 0} {s.duplicates_by_layer or {}}")
    for dup in s.duplicate_details or []:
        how = dup["layer"] if not dup.get("rule") else f"{dup['layer']}: {dup['rule']} {dup['similarity']:.2f}"
        lines.append(f"  = {dup['title'][:70]} · {dup['url']}\n      [{how}] duplicates {dup['of']}")
    quarantined = quarantine.quarantine_of_run(conn, run["id"])
    lines.append(f"quarantined: {len(quarantined)}")
    for q in quarantined:
        mark = "⚠ bug" if q["reason_class"] == "bug" else "⊘"
        lines.append(f"  {mark} [{q['stage']}] {q['item_key']}: {q['reason']}")
    for q in quarantine.resolved_in_run(conn, run["id"]):
        lines.append(f"  ✓ resolved: {q['item_key']} (refused since run {q['first_run_id']}: "
                     f"{q['reason'][:80]}) loaded now as article {q['resolved_by_article_id']}")
    counts = store.loaded_counts_of_run(conn, run["id"])
    lines.append(f"loaded: {counts['new']} new articles, {counts['dup']} republications stored as duplicates")
    lines += novelty_lines(conn, run["id"], s)
    lines += validation_lines(conn, run["id"])
    alerts = alert_rows.alerts_of_run(conn, run["id"])
    if not alerts:
        lines.append("alert: none (nothing new)")
    for alert in alerts:
        where = alert["destination"] or f"pending ({alert['last_error'] or 'not sent yet'})"
        if alert["status"] == "sending":  # its sender died mid-send: see newswatch alerts
            where = "IN DOUBT: the sender stopped mid-send; check the mailbox, then `newswatch alerts`"
        lines.append(f"alert #{alert['id']} ({alert['kind']}) {alert['status']}: {alert['subject']} → {where} "
                     f"[Message-ID {alert['message_id']}]")
    durations = ", ".join(f"{k} {v:.2f}s" for k, v in sorted(run["durations"].items()))
    if durations:
        lines.append(f"durations: {durations}")
    lines += claims_time_lines(s, run["durations"])
    return "\n".join(lines)


def claims_time_lines(stats: RunStats, durations: dict) -> list[str]:
    """Where the claims assessment's time went (newswatch.claims.timing), and its share of the load."""
    parts = stats.claims_parts
    if not parts:
        return []
    claims_s, load_s = durations.get("claims", 0.0), durations.get("load", 0.0)
    share = f" = {claims_s / load_s:.0%} of load {load_s:.2f}s" if load_s else ""
    split = ", ".join(f"{p} {parts[p]:.2f}s" for p in ("extract", "embed", "retrieve", "judge", "store") if p in parts)
    return [f"claims: {claims_s:.2f}s{share} ({split}); {parts.get('claims', 0)} claims, "
            f"{parts.get('texts_embedded', 0)} texts embedded, {parts.get('texts_cached', 0)} from the cache"]


def ledger_lines(stats: RunStats) -> list[str]:
    """Per feed: seen = not relevant + quarantined + duplicates + loaded (newswatch.quality.accounting)."""
    feeds = stats.feeds_ledger or {}
    if not feeds:
        return []
    problems = (stats.accounting or {}).get("problems") or []
    lines = [f"entry accounting: {'every entry in one bucket' if not problems else 'COUNTS DO NOT ADD UP'} "
             "(seen = not relevant + quarantined + duplicates + loaded)"]
    for url, c in feeds.items():
        lines.append(f"  {url}: {c['seen']} = {c['irrelevant']} + {c['quarantined']} + {c['duplicates']} + {c['loaded']}")
    lines += [f"  ✗ {problem}" for problem in problems]
    return lines


def validation_lines(conn: psycopg.Connection, run: int) -> list[str]:
    """One line per suite stored with the run, naming what failed."""
    lines = []
    for v in quality_rows.results_of_run(conn, run):
        what = "batch checks passed" if v["suite"] == "incoming_batch" else "expectations met"
        if not v["evaluated"]:
            lines.append(f"validation {v['suite']}: nothing to validate")
            continue
        lines.append(f"validation {v['suite']}: {v['evaluated'] - v['failed']} of {v['evaluated']} {what}")
        for name, item in v["summary"].items():
            if item.get("success", True):
                continue
            detail = item.get("message") or f"{item.get('unexpected_count', 0)} row(s)"
            lines.append(f"  ✗ {name}: {detail}")
    return lines


def novelty_lines(conn: psycopg.Connection, run: int, stats: RunStats) -> list[str]:
    """Which new articles are new developments (in the digest) and why the others are not."""
    rows = store.novelty_of_run(conn, run)
    if not rows:
        return []
    new = [r for r in rows if r["is_new_development"]]
    lines = [f"new developments: {len(new)} of {len(rows)} new articles ({stats.new_stories or 0} new "
             f"stories; {stats.claims_new or 0} new claims of {stats.claims_extracted or 0})"]
    for row in rows:
        novelty = row["novelty"] or {}
        mark = "★" if row["is_new_development"] else "○ not alerted:"
        nearest = novelty.get("nearest") or {}
        against = f"; nearest known: {nearest['title'][:60]} ({nearest['why']})" if nearest.get("title") else ""
        lines.append(f"  {mark} {row['title'][:70]} — {novelty.get('why', '?')}{against}")
    return lines
