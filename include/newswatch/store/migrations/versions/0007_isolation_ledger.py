"""per-item isolation and accounting: quarantine reason classes and resolution, the entry
ledger (one row per feed entry per run, its outcome and why), run owners for closing runs
left `running` by a dead process

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UPGRADE = """
-- 'input': the record itself is bad (no link, 404, no text, fails an expectation);
-- 'bug': newswatch raised an unexpected exception on it. Bugs are counted apart and reported.
ALTER TABLE quarantine ADD COLUMN reason_class text NOT NULL DEFAULT 'input'
    CHECK (reason_class IN ('input', 'bug'));
-- A record refused one night may load on a later one (a 404 that comes back): the row stays,
-- linked to the article that resolved it.
ALTER TABLE quarantine ADD COLUMN resolved_at timestamptz;
ALTER TABLE quarantine ADD COLUMN resolved_by_article_id bigint REFERENCES articles (id) ON DELETE SET NULL;
CREATE INDEX quarantine_open_idx ON quarantine (topic, item_key) WHERE resolved_at IS NULL;

-- Who runs a run: 'airflow', or 'cli:<host>:<pid>'; heartbeat_at moves with every stage.
-- A run left 'running' by a dead process is closed when the next run of its topic starts.
ALTER TABLE runs ADD COLUMN owner text;
ALTER TABLE runs ADD COLUMN heartbeat_at timestamptz;

-- The ledger: every entry a feed yielded in a run ends in exactly one bucket, with the
-- stage that decided and the reason. Per feed: seen = irrelevant + quarantined + duplicate
-- + loaded (checked after every load and by the after-load suite).
CREATE TABLE entry_outcomes (
    run_id           bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    feed_url         text NOT NULL,
    position         integer NOT NULL,      -- the entry's index in the feed document
    outcome          text NOT NULL CHECK (outcome IN ('irrelevant', 'quarantined', 'duplicate', 'loaded')),
    stage            text NOT NULL,         -- relevance | fetch | extract | dedupe | validate | load
    reason           text NOT NULL,
    item_key         text,                  -- the entry's URL or GUID (the quarantine key when quarantined)
    title            text,
    article_id       bigint REFERENCES articles (id) ON DELETE SET NULL,  -- loaded, or a stored copy
    duplicate_of_url text,
    PRIMARY KEY (run_id, feed_url, position)
);
CREATE INDEX entry_outcomes_article_idx ON entry_outcomes (article_id);
"""

DOWNGRADE = """
DROP TABLE entry_outcomes;
ALTER TABLE runs DROP COLUMN heartbeat_at; ALTER TABLE runs DROP COLUMN owner;
DROP INDEX quarantine_open_idx;
ALTER TABLE quarantine DROP COLUMN resolved_by_article_id; ALTER TABLE quarantine DROP COLUMN resolved_at;
ALTER TABLE quarantine DROP COLUMN reason_class;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
