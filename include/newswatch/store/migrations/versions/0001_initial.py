"""initial schema: feeds, runs, articles, article_bands, claims, alerts, quarantine

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UPGRADE = """
CREATE TABLE runs (
    id            bigserial PRIMARY KEY,
    topic         text NOT NULL,
    run_id        text NOT NULL,              -- the Airflow run_id, or cli__<timestamp>
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    status        text NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'success', 'failed')),
    stats         jsonb NOT NULL DEFAULT '{}'::jsonb,  -- counts per stage, feed errors
    durations     jsonb NOT NULL DEFAULT '{}'::jsonb,  -- seconds per stage
    UNIQUE (topic, run_id)
);

CREATE TABLE feeds (
    id                   bigserial PRIMARY KEY,
    topic                text NOT NULL,
    url                  text NOT NULL,
    name                 text NOT NULL,
    language             text,
    kind                 text NOT NULL DEFAULT 'rss',
    etag                 text,
    last_modified        text,
    body_hash            text,
    last_status          text,
    last_http_status     integer,
    last_error_class     text,
    last_error           text,
    last_fetched_at      timestamptz,
    last_success_at      timestamptz,
    failing_since        timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0,
    next_fetch_after     timestamptz,
    UNIQUE (topic, url)
);

CREATE TABLE articles (
    id                bigserial PRIMARY KEY,
    topic             text NOT NULL,
    canonical_url     text NOT NULL UNIQUE,
    guid              text UNIQUE,
    feed_url          text,
    source            text,
    title             text NOT NULL,
    text              text NOT NULL,
    summary           text NOT NULL DEFAULT '',
    language          text,
    author            text,
    published_at      timestamptz,
    fetched_at        timestamptz NOT NULL,
    content_hash      text NOT NULL,
    is_seed           boolean NOT NULL DEFAULT false,
    duplicate_of      bigint REFERENCES articles (id),
    duplicate_layer   text,
    similarity        real,
    story_id          bigint,
    relevance         real,
    matched_terms     text[] NOT NULL DEFAULT '{}',
    extraction_method text,
    run_id            bigint REFERENCES runs (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (duplicate_of IS NULL OR duplicate_of <> id)
);
CREATE INDEX articles_content_hash_idx ON articles (content_hash);
CREATE INDEX articles_run_idx ON articles (run_id);
CREATE INDEX articles_published_idx ON articles (published_at);

-- MinHash-LSH index kept in Postgres: (band, hash) -> article.
CREATE TABLE article_bands (
    band       smallint NOT NULL,
    hash       bigint NOT NULL,
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, hash, article_id)
);

CREATE TABLE claims (
    id              bigserial PRIMARY KEY,
    article_id      bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    sentence        text NOT NULL,
    speaker         text,
    normalized_hash text NOT NULL,
    first_seen      timestamptz NOT NULL DEFAULT now(),
    is_new          boolean NOT NULL,
    UNIQUE (article_id, normalized_hash)
);
CREATE INDEX claims_hash_idx ON claims (normalized_hash);

-- The outbox: an alert row is written in the load transaction and sent by its own task.
CREATE TABLE alerts (
    id          bigserial PRIMARY KEY,
    topic       text NOT NULL,
    run_id      bigint REFERENCES runs (id),
    dedupe_key  text NOT NULL UNIQUE,     -- one alert per (topic, run), whatever retries happen
    kind        text NOT NULL DEFAULT 'digest',
    recipients  text[] NOT NULL,
    sender      text NOT NULL,
    subject     text NOT NULL,
    body_text   text NOT NULL,
    body_html   text NOT NULL,
    message_id  text NOT NULL UNIQUE,
    article_ids bigint[] NOT NULL DEFAULT '{}',
    status      text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'failed')),
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text,
    destination text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz
);
CREATE INDEX alerts_pending_idx ON alerts (status) WHERE status = 'pending';

-- Every rejected record, once per (topic, stage, key); re-seen in later runs bumps the count.
CREATE TABLE quarantine (
    id           bigserial PRIMARY KEY,
    topic        text NOT NULL,
    stage        text NOT NULL,
    item_key     text NOT NULL,
    reason       text NOT NULL,
    feed_url     text,
    expectation  text,
    value        text,
    payload      jsonb NOT NULL DEFAULT '{}'::jsonb,
    first_run_id bigint REFERENCES runs (id),
    last_run_id  bigint REFERENCES runs (id),
    times_seen   integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (topic, stage, item_key)
);
"""

DOWNGRADE = """
DROP TABLE quarantine; DROP TABLE alerts; DROP TABLE claims; DROP TABLE article_bands;
DROP TABLE articles; DROP TABLE feeds; DROP TABLE runs;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
