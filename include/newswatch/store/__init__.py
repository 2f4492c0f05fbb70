"""All SQL against the article store. Parametrised queries only; callers own transactions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from newswatch.records import Article, FeedSpec

# --- runs ---------------------------------------------------------------------------------

def ensure_run(conn: psycopg.Connection, topic: str, run_id: str) -> int:
    row = conn.execute(
        """INSERT INTO runs (topic, run_id) VALUES (%s, %s)
           ON CONFLICT (topic, run_id) DO UPDATE SET topic = EXCLUDED.topic
           RETURNING id""",
        (topic, run_id),
    ).fetchone()
    return row[0]


def run_pk(conn: psycopg.Connection, topic: str, run_id: str) -> int:
    row = conn.execute("SELECT id FROM runs WHERE topic = %s AND run_id = %s", (topic, run_id)).fetchone()
    if row is None:
        raise LookupError(f"no run {run_id!r} for topic {topic!r}: start_run must run first")
    return row[0]


def merge_run(conn: psycopg.Connection, run: int, *, stats: dict | None = None,
              durations: dict | None = None, status: str | None = None, finished: bool = False) -> None:
    """Overwrite keys in the run's stats/durations: re-running a stage replaces, never adds."""
    conn.execute(
        """UPDATE runs SET stats = stats || %s, durations = durations || %s,
                  status = COALESCE(%s, status), heartbeat_at = now(),
                  finished_at = CASE WHEN %s THEN now() ELSE finished_at END
           WHERE id = %s""",
        (Jsonb(stats or {}), Jsonb(durations or {}), status, finished, run),
    )


def mark_run_failed(conn: psycopg.Connection, topic: str, run_id: str, reason: str, stage: str) -> None:
    """Mark a run failed and finished; a failure a stage already recorded is kept, not replaced."""
    conn.execute(
        """UPDATE runs SET status = 'failed', finished_at = COALESCE(finished_at, now()),
                  stats = CASE WHEN stats ? 'failure' THEN stats
                               ELSE stats || jsonb_build_object('failure', jsonb_build_object(
                                      'stage', %s::text, 'reason', %s::text)) END
           WHERE topic = %s AND run_id = %s""",
        (stage, reason, topic, run_id),
    )


def get_run(conn: psycopg.Connection, topic: str, run_id: str | None = None) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        if run_id is None:
            cur.execute("SELECT * FROM runs WHERE topic = %s ORDER BY id DESC LIMIT 1", (topic,))
        else:
            cur.execute("SELECT * FROM runs WHERE topic = %s AND run_id = %s", (topic, run_id))
        return cur.fetchone()


# --- feeds --------------------------------------------------------------------------------

def sync_feeds(conn: psycopg.Connection, topic: str, specs: list[FeedSpec]) -> None:
    for spec in specs:
        conn.execute(
            """INSERT INTO feeds (topic, url, name, language, kind) VALUES (%s, %s, %s, %s, %s)
               ON CONFLICT (topic, url) DO UPDATE
               SET name = EXCLUDED.name, language = EXCLUDED.language, kind = EXCLUDED.kind""",
            (topic, spec.url, spec.name, spec.language, spec.kind),
        )


def due_feed_urls(conn: psycopg.Connection, topic: str, urls: list[str], due_by: datetime) -> set[str]:
    rows = conn.execute(
        """SELECT url FROM feeds WHERE topic = %s AND url = ANY(%s)
           AND (next_fetch_after IS NULL OR next_fetch_after <= %s)""",
        (topic, urls, due_by),
    ).fetchall()
    return {row[0] for row in rows}


def feed_state(conn: psycopg.Connection, topic: str, url: str) -> dict[str, Any]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT etag, last_modified, body_hash, failure_score FROM feeds WHERE topic = %s AND url = %s",
            (topic, url),
        )
        return cur.fetchone() or {}


def record_feed_fetch(conn: psycopg.Connection, topic: str, url: str, *, status: str,
                      http_status: int | None, error_class: str | None, error: str | None,
                      etag: str | None, last_modified: str | None, body_hash: str | None,
                      entries: int | None, failure_score: int, next_fetch_after: datetime | None,
                      now: datetime) -> None:
    """Store one fetch's outcome. Validators are kept from the last success; a success resets
    the failure counters, a failure starts or continues `failing_since`."""
    ok = status != "error"
    conn.execute(
        """UPDATE feeds SET
             last_status = %(status)s, last_http_status = %(http)s,
             last_error_class = %(eclass)s, last_error = %(error)s, last_fetched_at = %(now)s,
             etag = CASE WHEN %(ok)s THEN COALESCE(%(etag)s, etag) ELSE etag END,
             last_modified = CASE WHEN %(ok)s THEN COALESCE(%(lm)s, last_modified) ELSE last_modified END,
             body_hash = CASE WHEN %(ok)s THEN COALESCE(%(bh)s, body_hash) ELSE body_hash END,
             last_entries = COALESCE(%(entries)s, last_entries),
             last_success_at = CASE WHEN %(ok)s THEN %(now)s ELSE last_success_at END,
             failing_since = CASE WHEN %(ok)s THEN NULL ELSE COALESCE(failing_since, %(now)s) END,
             consecutive_failures = CASE WHEN %(ok)s THEN 0 ELSE consecutive_failures + 1 END,
             failure_score = %(score)s, next_fetch_after = %(next)s
           WHERE topic = %(topic)s AND url = %(url)s""",
        {"status": status, "http": http_status, "eclass": error_class, "error": error,
         "now": now, "ok": ok, "etag": etag, "lm": last_modified, "bh": body_hash, "entries": entries,
         "score": failure_score, "next": next_fetch_after, "topic": topic, "url": url},
    )


def forget_feed_validators(conn: psycopg.Connection, topic: str, feed_urls: list[str]) -> None:
    """Drop the feeds' ETag, Last-Modified and body hash: the next fetch reads them in full."""
    conn.execute(
        """UPDATE feeds SET etag = NULL, last_modified = NULL, body_hash = NULL
           WHERE topic = %s AND url = ANY(%s)""",
        (topic, feed_urls),
    )


def feed_health(conn: psycopg.Connection, topic: str) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT name, url, last_status, last_http_status, last_error_class, last_error, last_fetched_at,
                      last_success_at, failing_since, consecutive_failures, failure_score, next_fetch_after,
                      last_entries
               FROM feeds WHERE topic = %s ORDER BY name""",
            (topic,),
        )
        return cur.fetchall()


def feeds_failing_since(conn: psycopg.Connection, topic: str, before: datetime) -> list[dict[str, Any]]:
    """Feeds whose current failure streak started before `before`."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT name, url, last_error_class, last_error, failing_since, consecutive_failures,
                      next_fetch_after FROM feeds
               WHERE topic = %s AND failing_since IS NOT NULL AND failing_since <= %s ORDER BY failing_since""",
            (topic, before),
        )
        return cur.fetchall()


def recent_runs_entries(conn: psycopg.Connection, topic: str, limit: int) -> list[tuple[int, int]]:
    """(run id, entries seen) of the topic's latest runs that got as far as loading, newest first."""
    return conn.execute(
        """SELECT id, (stats->>'entries_seen')::int FROM runs
           WHERE topic = %s AND stats ? 'entries_seen' ORDER BY id DESC LIMIT %s""",
        (topic, limit),
    ).fetchall()


# --- articles -----------------------------------------------------------------------------

def known_by_url_or_guid(conn: psycopg.Connection, urls: list[str], guids: list[str]) -> dict[str, tuple[int, str, str]]:
    """Map each given URL or GUID that is already stored to (id, its canonical_url, 'url'|'guid')."""
    found: dict[str, tuple[int, str, str]] = {}
    for row in conn.execute(
        "SELECT id, canonical_url FROM articles WHERE canonical_url = ANY(%s)", (urls,)
    ):
        found[row[1]] = (row[0], row[1], "url")
    for row in conn.execute(
        "SELECT id, canonical_url, guid FROM articles WHERE guid = ANY(%s)", (guids,)
    ):
        found.setdefault(row[2], (row[0], row[1], "guid"))
    return found


def originals_by_content_hash(conn: psycopg.Connection, hashes: list[str],
                              topic: str | None = None) -> dict[str, tuple[int, str]]:
    """content_hash → (id, canonical_url) of the original of the earliest stored article with
    that text (a stored copy points at its original: copies never chain), within the topic."""
    rows = conn.execute(
        """SELECT DISTINCT ON (a.content_hash) a.content_hash, o.id, o.canonical_url
           FROM articles a JOIN articles o ON o.id = COALESCE(a.duplicate_of, a.id)
           WHERE a.content_hash = ANY(%s) AND (%s::text IS NULL OR a.topic = %s)
           ORDER BY a.content_hash, a.id""",
        (hashes, topic, topic),
    ).fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def insert_article(conn: psycopg.Connection, topic: str, article: Article, *, run: int | None,
                   duplicate_of: int | None = None, duplicate_layer: str | None = None,
                   similarity: float | None = None, extends: int | None = None) -> int | None:
    """Insert unless the URL or GUID is stored already (then None): retries are harmless.
    `extends`: the known article this one contains and adds text to (newswatch.dedupe.layers)."""
    row = conn.execute(
        """INSERT INTO articles (topic, canonical_url, guid, feed_url, source, title, text, summary,
               language, author, published_at, date_source, modified_at, image_url, is_paywalled, entities,
               fetched_at, content_hash, is_seed, duplicate_of, duplicate_layer, similarity, relevance,
               matched_terms, extraction_method, run_id, extends)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,
                   %s, %s, %s, %s, %s)
           ON CONFLICT DO NOTHING RETURNING id""",
        (topic, article.url, article.guid, article.feed_url, article.source, article.title,
         article.text, article.summary, article.language, article.author, article.published_at,
         article.date_source, article.modified_at, article.image_url, article.is_paywalled,
         Jsonb(article.entities), article.fetched_at, article.content_hash, article.is_seed, duplicate_of, duplicate_layer,
         similarity, article.relevance, article.matched_terms, article.extraction_method, run, extends),
    ).fetchone()
    return row[0] if row else None


# --- claims and novelty ------------------------------------------------------------------

def new_developments_of_run(conn: psycopg.Connection, run: int) -> list[dict[str, Any]]:
    """The run's stored new articles that are new developments, newest first within a story."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, canonical_url, title, source, language, published_at, story_id, novelty
               FROM articles WHERE run_id = %s AND duplicate_of IS NULL AND NOT is_seed AND is_new_development
               ORDER BY published_at DESC NULLS LAST, id""",
            (run,),
        )
        return cur.fetchall()


def count_not_new_of_run(conn: psycopg.Connection, run: int) -> int:
    return conn.execute(
        """SELECT count(*) FROM articles WHERE run_id = %s AND duplicate_of IS NULL AND NOT is_seed
           AND is_new_development IS FALSE""", (run,)).fetchone()[0]


def story_heads(conn: psycopg.Connection, story_ids: list[int]) -> dict[int, dict[str, Any]]:
    """story id → its first stored article (a seed, for a story the user already knows)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT DISTINCT ON (story_id) story_id, id, title, canonical_url, is_seed FROM articles
               WHERE story_id = ANY(%s) AND duplicate_of IS NULL ORDER BY story_id, id""",
            (story_ids,),
        )
        return {row["story_id"]: row for row in cur}


def article_texts(conn: psycopg.Connection, ids: list[int]) -> list[dict[str, Any]]:
    """What novelty reads of articles: text, language, story and run, in id order."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, topic, title, text, language, story_id, run_id, canonical_url, is_seed, source,
                      published_at, fetched_at, extends FROM articles
               WHERE id = ANY(%s) ORDER BY id""",
            (ids,),
        )
        return cur.fetchall()


def earlier_in_story(conn: psycopg.Connection, story_id: int, before_id: int, limit: int) -> list[dict[str, Any]]:
    """The story's articles stored before `before_id` (seeds first, then the newest), at most `limit`."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, title, text, language, canonical_url, is_seed, run_id FROM articles
               WHERE story_id = %s AND id < %s AND duplicate_of IS NULL
               ORDER BY is_seed DESC, id DESC LIMIT %s""",
            (story_id, before_id, limit),
        )
        return cur.fetchall()


def known_in_story(conn: psycopg.Connection, story_id: int, article_id: int, run: int | None) -> dict[str, Any] | None:
    """The story's first article the reader already knew of (a seed, or one stored by another
    run), or None: then the story is new in this run."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, title, canonical_url FROM articles
               WHERE story_id = %s AND id <> %s AND duplicate_of IS NULL AND (is_seed OR run_id IS DISTINCT FROM %s)
               ORDER BY id LIMIT 1""",
            (story_id, article_id, run),
        )
        return cur.fetchone()


def set_novelty(conn: psycopg.Connection, article_id: int, is_new: bool, novelty: dict[str, Any]) -> None:
    conn.execute("UPDATE articles SET is_new_development = %s, novelty = %s WHERE id = %s",
                 (is_new, Jsonb(novelty), article_id))


def unassessed_seeds(conn: psycopg.Connection, topic: str) -> list[int]:
    return [row[0] for row in conn.execute(
        "SELECT id FROM articles WHERE topic = %s AND is_seed AND is_new_development IS NULL ORDER BY id",
        (topic,))]


def run_counts(conn: psycopg.Connection, run: int) -> dict[str, int]:
    """What a run stored: articles, republications, new developments, stories opened, claims."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT count(*) FILTER (WHERE duplicate_of IS NULL) AS articles_loaded,
                      count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS republications_stored,
                      count(*) FILTER (WHERE is_new_development) AS new_developments,
                      count(*) FILTER (WHERE is_new_development IS FALSE) AS articles_not_new,
                      count(*) FILTER (WHERE (novelty->>'new_story')::boolean) AS new_stories,
                      (SELECT count(*) FROM claims c JOIN articles a ON a.id = c.article_id
                       WHERE a.run_id = %(run)s) AS claims_extracted,
                      (SELECT count(*) FROM claims c JOIN articles a ON a.id = c.article_id
                       WHERE a.run_id = %(run)s AND c.is_new) AS claims_new
               FROM articles WHERE run_id = %(run)s AND NOT is_seed""",
            {"run": run},
        )
        return cur.fetchone()


def novelty_of_run(conn: psycopg.Connection, run: int) -> list[dict[str, Any]]:
    """The run's new (non-duplicate) articles with their novelty decision, new developments first."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, title, is_new_development, novelty FROM articles
               WHERE run_id = %s AND duplicate_of IS NULL AND NOT is_seed
               ORDER BY is_new_development DESC NULLS LAST, id""",
            (run,),
        )
        return cur.fetchall()


# --- quarantine: newswatch.store.quarantine -----------------------------------------------

# --- near-duplicate index and stories ---------------------------------------------------

_PGCOPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_PGCOPY_TRAILER = (-1).to_bytes(2, "big", signed=True)
_BAND_ROW = [("nfields", ">i2"), ("l1", ">i4"), ("band", ">i2"), ("l2", ">i4"), ("hash", ">i8"),
             ("l3", ">i4"), ("article_id", ">i8")]


def texts_to_index(conn: psycopg.Connection, ids: list[int]) -> list[tuple[int, str, bool]]:
    """(id, text, is original) of those of `ids` with no MinHash signature stored yet."""
    return conn.execute(
        """SELECT id, text, duplicate_of IS NULL FROM articles
           WHERE id = ANY(%s) AND minhash IS NULL ORDER BY id""",
        (ids,),
    ).fetchall()


def unindexed_ids(conn: psycopg.Connection, topic: str, *, seeds_only: bool = False, limit: int = 5000) -> list[int]:
    """Articles of the topic without a signature (stored before the index existed), oldest first."""
    rows = conn.execute(
        """SELECT id FROM articles WHERE topic = %s AND minhash IS NULL AND (is_seed OR NOT %s)
           ORDER BY id LIMIT %s""",
        (topic, seeds_only, limit),
    ).fetchall()
    return [row[0] for row in rows]


def index_settings(conn: psycopg.Connection, topic: str) -> tuple[int, int, int] | None:
    """(shingle_size, bands, rows) the topic's stored index was built with, if recorded."""
    return conn.execute("SELECT shingle_size, bands, rows_per_band FROM dedupe_index WHERE topic = %s",
                        (topic,)).fetchone()


def record_index_settings(conn: psycopg.Connection, topic: str, settings: tuple[int, int, int]) -> None:
    conn.execute(
        """INSERT INTO dedupe_index (topic, shingle_size, bands, rows_per_band) VALUES (%s, %s, %s, %s)
           ON CONFLICT (topic) DO UPDATE SET shingle_size = EXCLUDED.shingle_size, bands = EXCLUDED.bands,
                  rows_per_band = EXCLUDED.rows_per_band, built_at = now()""",
        (topic, *settings),
    )


def clear_index(conn: psycopg.Connection, topic: str) -> None:
    """Drop the topic's signatures and band rows (before a rebuild with other settings)."""
    conn.execute("""DELETE FROM article_bands b USING articles a
                    WHERE a.id = b.article_id AND a.topic = %s""", (topic,))
    conn.execute("UPDATE articles SET minhash = NULL, shingle_count = NULL WHERE topic = %s", (topic,))


def seed_ids(conn: psycopg.Connection, topic: str) -> list[int]:
    return [row[0] for row in conn.execute(
        "SELECT id FROM articles WHERE topic = %s AND is_seed ORDER BY id", (topic,)).fetchall()]


def store_signatures(conn: psycopg.Connection, ids: list[int], blobs: list[bytes], shingle_counts: list[int]) -> None:
    """Set minhash and shingle_count of many articles in one statement."""
    conn.execute(
        """UPDATE articles a SET minhash = s.minhash, shingle_count = s.n
           FROM unnest(%s::bigint[], %s::bytea[], %s::int[]) AS s(id, minhash, n) WHERE a.id = s.id""",
        (ids, blobs, shingle_counts),
    )


_BAND_TABLES = {"article_bands": "article_id"}  # LSH index → the key it points at


def copy_bands(conn: psycopg.Connection, article_ids, band_hashes, table: str = "article_bands") -> int:
    """COPY (band, hash, id) rows into an LSH band table (article_bands) in Postgres' binary format, built with numpy: `band_hashes` is (n x bands)
    int64, `article_ids` n ids. Returns rows written."""
    import numpy as np

    hashes = np.asarray(band_hashes, dtype=np.int64)
    n, bands = hashes.shape
    if n == 0:
        return 0
    rows = np.empty(n * bands, dtype=_BAND_ROW)
    rows["nfields"], rows["l1"], rows["l2"], rows["l3"] = 3, 2, 8, 8
    rows["band"] = np.tile(np.arange(bands, dtype=np.int16), n)
    rows["hash"] = hashes.reshape(-1)
    rows["article_id"] = np.repeat(np.asarray(article_ids, dtype=np.int64), bands)
    statement = sql.SQL("COPY {} (band, hash, {}) FROM STDIN (FORMAT BINARY)").format(
        sql.Identifier(table), sql.Identifier(_BAND_TABLES[table]))
    with conn.cursor() as cur, cur.copy(statement) as copy:
        copy.write(_PGCOPY_HEADER)
        step = 1 << 18
        for start in range(0, len(rows), step):
            copy.write(rows[start : start + step].tobytes())
        copy.write(_PGCOPY_TRAILER)
    return len(rows)


_BAND_OWNERS = {"article_bands": "articles"}  # where each key's topic is


def band_candidates(conn: psycopg.Connection, query_index: list[int], bands: list[int],
                    hashes: list[int], table: str = "article_bands", topic: str | None = None) -> list[tuple[int, int]]:
    """(query index, stored id) for every stored article (or claim) of the topic (None: any)
    sharing a (band, hash) with a query: one indexed join for the whole batch, whatever the
    corpus size."""
    key = _BAND_TABLES[table]
    scope = sql.SQL("JOIN {owner} o ON o.id = b.{key} AND o.topic = %s" if topic is not None else "")
    statement = sql.SQL(
        """SELECT DISTINCT q.i, b.{key}
           FROM unnest(%s::int[], %s::smallint[], %s::bigint[]) AS q(i, band, hash)
           JOIN {table} b ON b.band = q.band AND b.hash = q.hash {scope}""").format(
        key=sql.Identifier(key), table=sql.Identifier(table),
        scope=scope.format(owner=sql.Identifier(_BAND_OWNERS[table]), key=sql.Identifier(key)))
    params = (query_index, bands, hashes) + ((topic,) if topic is not None else ())
    return conn.execute(statement, params).fetchall()


def texts_of(conn: psycopg.Connection, ids: list[int]) -> dict[int, str]:
    """id → text of the given articles."""
    return dict(conn.execute("SELECT id, text FROM articles WHERE id = ANY(%s)", (ids,)).fetchall())


def signatures_of(conn: psycopg.Connection, ids: list[int]) -> list[tuple[int, str, str, bytes, int]]:
    """(id, canonical_url, title, minhash, shingle_count) of the given articles that have one."""
    return conn.execute(
        """SELECT id, canonical_url, title, minhash, shingle_count FROM articles
           WHERE id = ANY(%s) AND minhash IS NOT NULL""",
        (ids,),
    ).fetchall()


def story_rows(conn: psycopg.Connection, ids: list[int]) -> list[dict[str, Any]]:
    """What story grouping needs of the given articles, oldest id first."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, topic, story_id, COALESCE(duplicate_of, extends) AS duplicate_of, is_seed, entities,
                      COALESCE(published_at, CASE WHEN is_seed THEN NULL ELSE fetched_at END) AS day
               FROM articles WHERE id = ANY(%s) ORDER BY id""",
            (ids,),
        )
        return cur.fetchall()


def story_candidates(conn: psycopg.Connection, topic: str, start: datetime | None, end: datetime | None,
                     exclude: list[int], limit: int = 5000) -> list[dict[str, Any]]:
    """Originals of the topic that have a story, published in [start, end], plus the undated
    ones (seeds): both halves are index range scans on (topic, published_at)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """(SELECT id, story_id, is_seed, entities, published_at AS day FROM articles
                WHERE topic = %(topic)s AND published_at BETWEEN %(start)s AND %(end)s
                  AND story_id IS NOT NULL AND duplicate_of IS NULL AND id <> ALL(%(exclude)s)
                ORDER BY published_at DESC LIMIT %(limit)s)
               UNION ALL
               (SELECT id, story_id, is_seed, entities,
                       CASE WHEN is_seed THEN NULL ELSE fetched_at END AS day FROM articles
                WHERE topic = %(topic)s AND published_at IS NULL
                  AND (is_seed OR fetched_at BETWEEN %(start)s AND %(end)s)
                  AND story_id IS NOT NULL AND duplicate_of IS NULL AND id <> ALL(%(exclude)s)
                LIMIT %(limit)s)""",
            {"topic": topic, "start": start, "end": end, "exclude": exclude, "limit": limit},
        )
        return cur.fetchall()


def set_stories(conn: psycopg.Connection, ids: list[int], story_ids: list[int]) -> None:
    """Set story_id of many articles in one statement; an article that has one keeps it."""
    conn.execute(
        """UPDATE articles a SET story_id = s.story FROM unnest(%s::bigint[], %s::bigint[]) AS s(id, story)
           WHERE a.id = s.id AND a.story_id IS NULL""",
        (ids, story_ids),
    )
