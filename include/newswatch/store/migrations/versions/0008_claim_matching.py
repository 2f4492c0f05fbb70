"""claim matching: each claim's representation stored once, a coarse-cell index over them,
statements of known articles with their representations, novelty per claim (category, the
known claim matched, what changed), and articles that extend a known one

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        -- Novelty per claim: one category, the known claim it was judged against, what changed.
        ALTER TABLE claims ADD COLUMN category text
            CHECK (category IN ('seed', 'new', 'update', 'contradicts', 'confirms', 'restates'));
        ALTER TABLE claims ADD COLUMN matched_claim_id bigint REFERENCES claims (id) ON DELETE SET NULL;
        -- {"numbers": [{"now", "was", "now_value", "was_value", "unit"}], "polarity": "denies",
        --  "modality": "...", "predicates": [{"now", "was"}], "speaker": "...", "text": "12, was 2"}
        ALTER TABLE claims ADD COLUMN changed jsonb;
        -- The claim's content embedded once, when its article is stored (float16, little-endian),
        -- and the embedder that made it (a new embedder rebuilds them: newswatch.claims.matching).
        ALTER TABLE claims ADD COLUMN embedding bytea;
        ALTER TABLE claims ADD COLUMN embedder text;
        CREATE INDEX claims_topic_hash_idx ON claims (topic, normalized_hash);
        UPDATE claims SET category = CASE WHEN is_seed THEN 'seed' WHEN is_new THEN 'new' ELSE 'restates' END;

        -- The character-shingle LSH of 0006 is replaced by the cell index below.
        DROP TABLE claim_bands;

        -- Coarse cells (k-means centroids of the topic's claim representations): a claim is
        -- filed under its nearest cells, a new claim looks in its nearest few. Below
        -- newswatch.claims.matching.CELLS_FROM claims a topic has no cells: all are compared.
        CREATE TABLE claim_index (
            topic       text PRIMARY KEY,
            embedder    text NOT NULL,
            dim         integer NOT NULL,
            cells       integer NOT NULL,
            centroids   bytea NOT NULL,      -- cells x dim float32
            mean        bytea NOT NULL,      -- dim float32, subtracted before assigning
            built_claims integer NOT NULL,   -- how many claims it was built over
            built_at    timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE claim_cells (
            cell     integer NOT NULL,
            claim_id bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
            topic    text NOT NULL,
            PRIMARY KEY (topic, cell, claim_id)
        );
        CREATE INDEX claim_cells_claim_idx ON claim_cells (claim_id);

        -- Every statement of a known article (claims and the rest), with its representation:
        -- filled the first time a later article of its story is assessed, then kept.
        CREATE TABLE statements (
            article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            position   integer NOT NULL,
            paragraph  integer NOT NULL,
            sentence   text NOT NULL,
            speaker    text,
            cue        text,
            language   text,
            embedding  bytea NOT NULL,
            embedder   text NOT NULL,
            PRIMARY KEY (article_id, position)
        );

        -- A new article that contains a known one and adds text (a follow-up on reused
        -- background): stored as an original, assessed for claims, pointing at what it extends.
        ALTER TABLE articles ADD COLUMN extends bigint REFERENCES articles (id) ON DELETE SET NULL;
    """)


def downgrade() -> None:
    op.execute("""
        ALTER TABLE articles DROP COLUMN extends;
        DROP TABLE statements;
        DROP TABLE claim_cells;
        DROP TABLE claim_index;
        CREATE TABLE claim_bands (
            band     smallint NOT NULL,
            hash     bigint NOT NULL,
            claim_id bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
            PRIMARY KEY (band, hash, claim_id)
        );
        DROP INDEX claims_topic_hash_idx;
        ALTER TABLE claims DROP COLUMN embedder, DROP COLUMN embedding, DROP COLUMN changed,
                           DROP COLUMN matched_claim_id, DROP COLUMN category;
    """)
