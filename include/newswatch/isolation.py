"""Per-item isolation: one guard for every per-feed, per-entry and per-page step.

A step that raises an exception nobody planned for (a parser meeting a value it was never
shown, a library bug) must cost that one item, never the batch or the night. `guarded` runs the
step; on an unexpected exception it logs the traceback and returns a quarantine record of
reason class `bug` (stage, item, exception class and message, where it was raised). The caller
puts that record where its other refusals go; the run counts bugs apart (`run_stats["bugs"]`),
its summary and failure email list them, and it does not fail because of them.

What is *not* an item's fault is re-raised: MemoryError (the process is in trouble) and
database errors (the step's infrastructure is down: the task must fail and be retried, not
quarantine every item it meets).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg

from newswatch.records import QuarantineRecord

log = logging.getLogger("newswatch")
T = TypeVar("T")

NOT_AN_ITEM_FAULT: tuple[type[BaseException], ...] = (MemoryError, psycopg.Error)


def bug_record(stage: str, item_key: str, exc: BaseException, *, feed_url: str | None = None,
               entry_position: int | None = None, payload: dict[str, Any] | None = None) -> QuarantineRecord:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno} in {frames[-1].name}" if frames else "?"
    message = str(exc) or repr(exc)
    return QuarantineRecord(
        stage=stage, reason_class="bug", item_key=item_key or "(unknown item)", feed_url=feed_url,
        entry_position=entry_position,
        reason=f"unexpected error (bug) in {stage}: {type(exc).__name__}: {message}",
        value=message[:500],
        payload={**(payload or {}), "exception": {
            "class": type(exc).__name__, "message": message[:2000], "where": where,
            "traceback": "".join(traceback.format_list(frames[-8:]))[-4000:]}})


def guarded(stage: str, item_key: str, step: Callable[..., T], *args: Any, feed_url: str | None = None,
            entry_position: int | None = None, payload: dict[str, Any] | None = None,
            **kwargs: Any) -> T | QuarantineRecord:
    """`step(*args, **kwargs)`, or a `bug` quarantine record if it raised unexpectedly."""
    try:
        return step(*args, **kwargs)
    except NOT_AN_ITEM_FAULT:
        raise
    except Exception as exc:  # noqa: BLE001 - the point: whatever it is, it costs one item
        record = bug_record(stage, item_key, exc, feed_url=feed_url, entry_position=entry_position, payload=payload)
        # one line where people read; the traceback goes with the record (quarantine.payload)
        log.error("bug isolated in %s for %s: %s: %s (at %s)", stage, item_key, type(exc).__name__, exc,
                  record.payload["exception"]["where"])
        log.debug("bug isolated in %s for %s", stage, item_key, exc_info=True)
        return record


def is_bug(record: Any) -> bool:
    return isinstance(record, QuarantineRecord) and record.reason_class == "bug"


def bug_lines(bugs: list[dict[str, Any]]) -> list[str]:
    """What the summary and the failure email say about a run's isolated bugs."""
    if not bugs:
        return []
    lines = [f"⚠ {len(bugs)} unexpected error{'s' if len(bugs) != 1 else ''} (bugs) isolated: each item is "
             "quarantined with reason class 'bug' and the run went on. Please report them:"]
    for bug in bugs[:20]:
        lines.append(f"  ⚠ [{bug['stage']}] {bug['item_key'][:120]}: {bug['reason'][:300]}")
    if len(bugs) > 20:
        lines.append(f"  ... and {len(bugs) - 20} more (SELECT * FROM quarantine WHERE reason_class = 'bug')")
    return lines
