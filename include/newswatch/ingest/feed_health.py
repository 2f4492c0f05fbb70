"""Feed health: graded failures and exponential backoff that never gives up.

A persistent failure (the feed is gone, blocked, broken, empty) weighs more than a transient
one (timeout, 5xx): the score grows by the grade, the wait doubles with the score up to a
cap (24 h), and the feed is retried after that, forever. One success resets everything.
A Retry-After from the host is a floor under the wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

BASE_WAIT = timedelta(minutes=30)
MAX_WAIT = timedelta(hours=24)
FAILING_LONG = timedelta(days=1)  # the summary and the digest name feeds failing this long
# How much each kind of failure adds to the score.
GRADES = {"timeout": 1, "connect": 1, "http_5xx": 1, "decode": 1,
          "http_4xx": 2, "http_3xx": 2, "dns": 2, "too_large": 2, "parse_error": 2, "empty": 2,
          "redirects": 2, "blocked": 3, "bug": 1}  # bug: ours, not the feed's: retried soon


@dataclass(frozen=True)
class HealthUpdate:
    failure_score: int
    next_fetch_after: datetime | None


TRANSIENT_STATUSES = {408, 425, 429}  # client-side codes that say "later", not "never"
DUE_SLACK = timedelta(hours=1)  # a nightly run a few minutes early still fetches a feed due "tomorrow"


def after_fetch(ok: bool, error_class: str | None, previous_score: int, now: datetime,
                status: int | None = None, retry_after_s: float | None = None) -> HealthUpdate:
    if ok:
        return HealthUpdate(0, None)
    grade = 1 if status in TRANSIENT_STATUSES else GRADES.get(error_class or "", 1)
    score = previous_score + grade
    wait = min(BASE_WAIT * 2 ** (score - 1), MAX_WAIT)
    if retry_after_s:
        wait = max(wait, min(timedelta(seconds=retry_after_s), MAX_WAIT))
    return HealthUpdate(score, now + wait)
