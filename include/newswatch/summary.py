"""The run summary a person reads at the end of the demo, the CLI run and the DAG's last task."""

from __future__ import annotations

from datetime import datetime, timezone

import psycopg
from psycopg.rows import dict_row

from newswatch import store
from newswatch.config import Topic
from newswatch.feed_health import FAILING_LONG


def run_summary(conn: psycopg.Connection, topic: Topic, run_id: str | None = None) -> str:
    run = store.get_run(conn, topic.name, run_id)
    if run is None:
        return f"no run recorded for topic {topic.name}"
    s = run["stats"]
    lines = [f"newswatch run {run['run_id']} · topic {topic.name} · {run['status']}"]
    failed = s.get("feed_errors", [])
    lines.append(f"feeds: {s.get('feeds_ok', 0)} ok, {s.get('feeds_not_modified', 0)} not modified, "
                 f"{s.get('feeds_failed', 0)} failed (of {s.get('feeds_planned', 0)} due, "
                 f"{s.get('feeds_configured', 0)} configured)")
    for err in failed:
        lines.append(f"  ✗ {err['feed']}: [{err['class']}] {err['error']}")
    for feed in store.feeds_failing_since(conn, topic.name, datetime.now(timezone.utc) - FAILING_LONG):
        lines.append(f"  ✗✗ {feed['name']} failing since {feed['failing_since']:%Y-%m-%d %H:%M} UTC "
                     f"({feed['consecutive_failures']} failures; next try {feed['next_fetch_after']:%Y-%m-%d %H:%M} UTC)")
    for warn in s.get("feed_warnings", []):
        lines.append(f"  ! {warn['feed']}: {warn['warning']}")
    lines.append(f"entries: {s.get('entries_seen', 0)} seen: {s.get('entries_relevant', 0)} relevant, "
                 f"{s.get('entries_irrelevant', 0)} not relevant to the topic, "
                 f"{s.get('entries_unusable', 0)} unusable (quarantined)")
    lines.append(f"seeds: {s.get('seeds_total', 0)} in corpus ({s.get('seeds_inserted', 0)} stored this run)")
    lines.append(f"duplicates: {s.get('duplicates', 0)} {s.get('duplicates_by_layer', {})}")
    for dup in s.get("duplicate_details", []):
        lines.append(f"  = {dup['title'][:70]} · {dup['url']}\n      [{dup['layer']}] duplicates {dup['of']}")
    with conn.cursor(row_factory=dict_row) as cur:
        quarantined = store.quarantine_of_run(conn, run["id"])
        lines.append(f"quarantined: {len(quarantined)}")
        for q in quarantined:
            lines.append(f"  ⊘ [{q['stage']}] {q['item_key']}: {q['reason']}")
        cur.execute("""SELECT count(*) FILTER (WHERE duplicate_of IS NULL) AS new,
                              count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS dup FROM articles
                       WHERE run_id = %s""", (run["id"],))
        counts = cur.fetchone()
        lines.append(f"loaded: {counts['new']} new articles, {counts['dup']} republications stored as duplicates")
        cur.execute("SELECT id, kind, status, subject, destination, last_error FROM alerts WHERE run_id = %s",
                    (run["id"],))
        alerts = cur.fetchall()
    if not alerts:
        lines.append("alert: none (nothing new)")
    for alert in alerts:
        where = alert["destination"] or f"pending ({alert['last_error'] or 'not sent yet'})"
        lines.append(f"alert #{alert['id']} ({alert['kind']}) {alert['status']}: {alert['subject']} → {where}")
    durations = ", ".join(f"{k} {v:.2f}s" for k, v in sorted(run["durations"].items()))
    if durations:
        lines.append(f"durations: {durations}")
    return "\n".join(lines)
