"""`newswatch report`: the last runs, the quarantine reasons and the feed health, read from
Postgres (the analyst views of migration 0005) and laid out for a terminal."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timezone
from typing import Any

import psycopg

from newswatch.store import views

MARK = {"success": "✓", "failed": "✗", "running": "…"}


def report(conn: psycopg.Connection, topic: str, runs: int = 10, days: int = 7) -> str:
    now = datetime.now(timezone.utc)
    out = [f"newswatch report · topic {topic} · {now:%Y-%m-%d %H:%M} UTC", ""]
    out += _runs(conn, topic, runs)
    out += [""] + _quarantine(conn, topic, days)
    out += [""] + _feeds(conn, topic)
    return "\n".join(out).rstrip() + "\n"


def _runs(conn: psycopg.Connection, topic: str, limit: int) -> list[str]:
    rows = views.last_runs(conn, topic, limit)
    lines = [f"Last runs ({len(rows)})"]
    if not rows:
        return lines + ["  no run recorded yet"]
    table = [["", "run", "started (UTC)", "took", "feeds ok/unchanged/failed", "seen", "relevant", "extracted",
              "dups", "quarantined", "loaded", "alerted", "checks"]]
    notes: dict[int, list[str]] = {}
    for i, r in enumerate(rows):
        checks = "–" if not r["suites"] else ("all passed" if not r["failed_suites"] else f"✗ {r['failed_suites']}")
        took = r["seconds"] if r["seconds"] is not None else sum((r["durations"] or {}).values()) or None
        table.append([MARK.get(r["status"], "?"), r["run_id"], f"{r['started_at']:%m-%d %H:%M}",
                      f"{float(took):.0f}s" if took is not None else "–",
                      f"{_n(r['feeds_ok'])}/{_n(r['feeds_not_modified'])}/{_n(r['feeds_failed'])}", _n(r["entries_seen"]),
                      _n(r["entries_relevant"]), _n(r["articles_extracted"]), _n(r["duplicates"]),
                      _n(r["quarantined"]), _n(r["articles_loaded"]), _n(r["new_developments"]), checks])
        if r["failure"]:
            notes[i + 1] = [f"    ↳ {r['failure']}"]
    return lines + _layout(table, notes, right={4, 5, 6, 7, 8, 9, 10, 11})


def _quarantine(conn: psycopg.Connection, topic: str, days: int) -> list[str]:
    rows = views.quarantine_reasons(conn, topic, days)
    lines = [f"Quarantine reasons, last {days} days ({sum(r['records'] for r in rows)} records)"]
    if not rows:
        return lines + ["  nothing quarantined"]
    table = [["day", "stage", "records", "reason"]]
    for r in rows:
        reason = r["reason"] if r["reason"] == r["example"] or r["records"] > 1 else r["example"]
        table.append([f"{r['day']:%Y-%m-%d}", r["stage"], str(r["records"]), _cut(reason, 90)])
    return lines + _layout(table, {}, right={2})


def _feeds(conn: psycopg.Connection, topic: str) -> list[str]:
    rows = views.feed_health(conn, topic)
    bad = sum(r["health"] != "ok" for r in rows)
    lines = [f"Feed health ({len(rows)} feeds, {bad} not ok)"]
    if not rows:
        return lines + ["  no feed registered yet"]
    table = [["", "feed", "health", "last fetch (UTC)", "status", "entries", "new 7d", "quarantined 7d", "next try"]]
    notes: dict[int, list[str]] = {}
    for i, r in enumerate(rows):
        mark = "✓" if r["health"] == "ok" else ("·" if r["health"] == "never fetched" else "✗")
        status = r["last_status"] or "–"
        if r["last_http_status"]:
            status += f" {r['last_http_status']}"
        table.append([mark, _cut(r["name"], 34), r["health"], _when(r["last_fetched_at"]), status,
                      _n(r["last_entries"]), str(r["new_articles_7d"]), str(r["quarantined_7d"]),
                      _when(r["next_fetch_after"]) if r["failing_since"] else ""])
        if r["last_error"] and r["failing_since"]:
            since = f"failing since {r['failing_since']:%Y-%m-%d %H:%M} UTC, {r['consecutive_failures']} in a row"
            notes[i + 1] = [f"    ↳ [{r['last_error_class']}] {_cut(r['last_error'], 100)} ({since})"]
    return lines + _layout(table, notes, right={5, 6, 7})


def _n(value: Any) -> str:
    return "–" if value is None else str(value)


def _when(moment: datetime | None) -> str:
    return f"{moment.astimezone(timezone.utc):%m-%d %H:%M}" if moment else "–"


def _cut(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if _width(text) <= limit else text[: limit - 1] + "…"


def _width(text: str) -> int:
    """Terminal columns: combining marks (Devanagari vowel signs, virama) take none."""
    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in {"Mn", "Me", "Cf"} else
               2 if unicodedata.east_asian_width(c) in {"W", "F"} else 1 for c in text)


def _layout(table: list[list[str]], notes: dict[int, list[str]], right: set[int]) -> list[str]:
    widths = [max(_width(row[col]) for row in table) for col in range(len(table[0]))]
    lines = []
    for index, row in enumerate(table):
        cells = []
        for col, cell in enumerate(row):
            pad = " " * (widths[col] - _width(cell))
            cells.append(pad + cell if col in right else cell + pad)
        lines.append(("  " + "  ".join(cells)).rstrip())
        lines += notes.get(index, [])
    return lines
