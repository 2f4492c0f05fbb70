"""near-duplicate index (MinHash signatures, LSH bands) and story grouping

articles.minhash: the 128 MinHash values (uint32, little-endian, 512 bytes) of the article's
word shingles; articles.shingle_count: how many distinct shingles, so that containment (a
truncated copy inside its original) can be estimated from the Jaccard. article_bands (0001) is
the LSH index; its primary key (band, hash, article_id) serves the (band, hash) lookups.
Stories: story_id is the id of the story's first article.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        ALTER TABLE articles ADD COLUMN minhash bytea
            CHECK (minhash IS NULL OR octet_length(minhash) = 512);
        ALTER TABLE articles ADD COLUMN shingle_count integer CHECK (shingle_count >= 0);
        CREATE INDEX articles_story_idx ON articles (story_id);
        -- story candidates: same topic, published within a window
        CREATE INDEX articles_topic_published_idx ON articles (topic, published_at);
        -- what the stored signatures and bands were built with, per topic: when the topic file
        -- changes them, the index no longer fits and is rebuilt (newswatch.dedupe.layers.ensure_index)
        CREATE TABLE dedupe_index (
            topic        text PRIMARY KEY,
            shingle_size integer NOT NULL,
            bands        integer NOT NULL,
            rows_per_band integer NOT NULL,
            built_at     timestamptz NOT NULL DEFAULT now()
        );
    """)


def downgrade() -> None:
    op.execute("""
        DROP TABLE dedupe_index;
        DROP INDEX articles_topic_published_idx;
        DROP INDEX articles_story_idx;
        ALTER TABLE articles DROP COLUMN minhash, DROP COLUMN shingle_count;
    """)
