"""A feed's conditional-GET state follows its data: the ETag, Last-Modified and body hash of a
fetch take effect only in the load transaction that stores (or quarantines) that fetch's
entries. `fetch_feed` records the fetch's health at once (that describes the fetch), but only
carries the validators in its FeedResult; a run killed or failing before the load commits
leaves the validators of the last loaded fetch, so the next run gets a full body and loads
what this one could not. (A 304 or an unchanged body has nothing new to commit.)
"""

from __future__ import annotations

import psycopg

from newswatch.records import FeedResult


def commit_validators(conn: psycopg.Connection, topic: str, results: list[FeedResult]) -> int:
    """Store the validators of the feeds whose entries this transaction loads. Returns how many."""
    rows = [(r.feed_url, r.etag, r.last_modified, r.body_hash) for r in results
            if r.status == "ok" and (r.etag or r.last_modified or r.body_hash)]
    for url, etag, last_modified, body_hash in rows:
        conn.execute(
            """UPDATE feeds SET etag = COALESCE(%s, etag), last_modified = COALESCE(%s, last_modified),
                      body_hash = COALESCE(%s, body_hash)
               WHERE topic = %s AND url = %s""",
            (etag, last_modified, body_hash, topic, url))
    return len(rows)
