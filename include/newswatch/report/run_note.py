"""A run's headline counts, and the one-line note made of them.

One function for everyone who shows a run in a line: the Airflow run note, the asset event's
extra, and later the newswatch view and the digest footer. The counts are the run's own stats
(written by the load, in the load's transaction), so they agree with the summary.
"""

from __future__ import annotations

import psycopg
from pydantic import BaseModel

from newswatch import store


class RunCounts(BaseModel):
    topic: str
    run_id: str
    status: str
    new_developments: int = 0
    articles_loaded: int = 0
    claims_new: int = 0
    feeds_planned: int = 0
    feeds_failed: int = 0
    quarantined: int = 0


def counts_from_stats(topic: str, run_id: str, status: str, stats: dict) -> RunCounts:
    return RunCounts(topic=topic, run_id=run_id, status=status,
                     new_developments=int(stats.get("new_developments") or 0),
                     articles_loaded=int(stats.get("articles_loaded") or 0),
                     claims_new=int(stats.get("claims_new") or 0),
                     feeds_planned=int(stats.get("feeds_planned") or 0),
                     feeds_failed=int(stats.get("feeds_failed") or 0),
                     quarantined=int(stats.get("quarantined") or 0))


def run_counts(conn: psycopg.Connection, topic: str, run_id: str) -> RunCounts | None:
    run = store.get_run(conn, topic, run_id)
    if run is None:
        return None
    return counts_from_stats(topic, run_id, run["status"], run["stats"] or {})


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def run_note(counts: RunCounts) -> str:
    """E.g. "3 new developments · 1 failing feed · 2 quarantined" (zeros of the last two left out)."""
    parts = [_plural(counts.new_developments, "new development")]
    if counts.feeds_failed:
        parts.append(_plural(counts.feeds_failed, "failing feed"))
    if counts.quarantined:
        parts.append(f"{counts.quarantined} quarantined")
    if counts.status not in ("success", "running"):
        parts.append(counts.status)
    return " · ".join(parts)
