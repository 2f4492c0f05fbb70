"""validation results, batch checks and analyst views

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UPGRADE = r"""
-- One row per (run, suite): the Great Expectations result (compacted: no full lists of
-- unexpected values) or newswatch's own batch checks. A retried task overwrites its row.
CREATE TABLE validation_results (
    id          bigserial PRIMARY KEY,
    run_id      bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    suite       text NOT NULL,             -- incoming_articles | incoming_batch | stored_articles
    stage       text NOT NULL,             -- validate | check_stored
    success     boolean NOT NULL,
    evaluated   integer NOT NULL DEFAULT 0,      -- expectations (or batch checks) evaluated
    failed      integer NOT NULL DEFAULT 0,      -- of which failed
    summary     jsonb NOT NULL DEFAULT '{}'::jsonb,  -- expectation → {success, unexpected_count}
    result      jsonb NOT NULL DEFAULT '{}'::jsonb,  -- the GX suite validation result
    validated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, suite)
);

-- Analysts: new articles per day (UTC day stored), source and language; seeds excluded.
CREATE VIEW v_new_articles_daily AS
SELECT a.topic,
       (a.created_at AT TIME ZONE 'UTC')::date AS day,
       COALESCE(a.source, '(unknown)') AS source,
       COALESCE(a.language, '?') AS language,
       count(*) FILTER (WHERE a.duplicate_of IS NULL) AS new_articles,
       count(*) FILTER (WHERE a.duplicate_of IS NOT NULL) AS republications
FROM articles a
WHERE NOT a.is_seed
GROUP BY 1, 2, 3, 4;

-- Quarantine reasons per day (the day of the run that last refused the record). The reason
-- class is the expectation for validation, else the reason without its parenthesised detail.
CREATE VIEW v_quarantine_reasons_daily AS
SELECT q.topic,
       (COALESCE(r.started_at, q.updated_at) AT TIME ZONE 'UTC')::date AS day,
       q.stage,
       COALESCE(q.expectation, btrim(regexp_replace(q.reason, '\s*\([^)]*\)', '', 'g'))) AS reason,
       count(*) AS records,
       min(q.reason) AS example
FROM quarantine q LEFT JOIN runs r ON r.id = q.last_run_id
GROUP BY 1, 2, 3, 4;

-- Feed health: the state of each feed and what it brought in the last 7 days.
CREATE VIEW v_feed_health AS
SELECT f.topic, f.name, f.url, f.language,
       CASE WHEN f.last_fetched_at IS NULL THEN 'never fetched'
            WHEN f.failing_since IS NULL THEN 'ok'
            WHEN f.failing_since < now() - interval '1 day' THEN 'failing for over a day'
            ELSE 'failing' END AS health,
       f.last_status, f.last_http_status, f.last_error_class, f.last_error,
       f.last_fetched_at, f.last_success_at, f.failing_since, f.consecutive_failures,
       f.failure_score, f.next_fetch_after, f.last_entries,
       (SELECT count(*) FROM articles a
         WHERE a.feed_url = f.url AND NOT a.is_seed AND a.duplicate_of IS NULL
           AND a.created_at > now() - interval '7 days') AS new_articles_7d,
       (SELECT count(*) FROM quarantine q
         WHERE q.feed_url = f.url AND q.updated_at > now() - interval '7 days') AS quarantined_7d
FROM feeds f;

-- What the two counts above read, per feed: without these each feed scans both tables. The
-- articles index holds only the rows the view counts (no seeds, no republications).
CREATE INDEX articles_feed_new_idx ON articles (feed_url, created_at)
    WHERE NOT is_seed AND duplicate_of IS NULL;
CREATE INDEX quarantine_feed_updated_idx ON quarantine (feed_url, updated_at);

-- Runs, one line each: status, the counts per stage and the time taken.
CREATE VIEW v_runs AS
SELECT r.id, r.topic, r.run_id, r.status, r.started_at, r.finished_at,
       round(extract(epoch FROM (r.finished_at - r.started_at))::numeric, 1) AS seconds,
       (r.stats->>'feeds_ok')::int AS feeds_ok,
       (r.stats->>'feeds_not_modified')::int AS feeds_not_modified,
       (r.stats->>'feeds_failed')::int AS feeds_failed,
       (r.stats->>'entries_seen')::int AS entries_seen,
       (r.stats->>'entries_relevant')::int AS entries_relevant,
       (r.stats->>'articles_extracted')::int AS articles_extracted,
       (r.stats->>'duplicates')::int AS duplicates,
       (r.stats->>'validated')::int AS validated,
       (r.stats->>'quarantined')::int AS quarantined,
       (r.stats->>'articles_loaded')::int AS articles_loaded,
       (r.stats->>'new_developments')::int AS new_developments,  -- the articles the digest lists
       (r.stats->>'claims_new')::int AS claims_new,
       (SELECT bool_and(v.success) FROM validation_results v WHERE v.run_id = r.id) AS validation_success,
       r.stats->'failure'->>'reason' AS failure
FROM runs r;
"""

DOWNGRADE = """
DROP VIEW v_runs; DROP VIEW v_feed_health; DROP VIEW v_quarantine_reasons_daily;
DROP INDEX quarantine_feed_updated_idx; DROP INDEX articles_feed_new_idx;
DROP VIEW v_new_articles_daily; DROP TABLE validation_results;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
