"""claims with novelty (nearest known statement, similarity, concepts), claim LSH bands,
article novelty (new development, why), and a write-ahead 'sending' state for alerts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        -- A sender marks the alert 'sending' (committed) before it talks to SMTP, and 'sent'
        -- after. A sender that dies in between leaves 'sending': in doubt, never resent
        -- automatically (a duplicate alert is the failure users hate most); reported instead.
        ALTER TABLE alerts DROP CONSTRAINT alerts_status_check;
        ALTER TABLE alerts ADD CONSTRAINT alerts_status_check
            CHECK (status IN ('pending', 'sending', 'sent', 'failed'));
        ALTER TABLE alerts ADD COLUMN sending_since timestamptz;

        ALTER TABLE claims ADD COLUMN topic text NOT NULL;
        ALTER TABLE claims ADD COLUMN language text;
        ALTER TABLE claims ADD COLUMN cue text;
        ALTER TABLE claims ADD COLUMN position integer NOT NULL DEFAULT 0;  -- order in the article
        ALTER TABLE claims ADD COLUMN story_id bigint;
        ALTER TABLE claims ADD COLUMN is_seed boolean NOT NULL DEFAULT false;
        ALTER TABLE claims ADD COLUMN concepts text[] NOT NULL DEFAULT '{}';  -- language-neutral ids
        -- What the claim was measured against: the most similar known statement (a claim, a
        -- plain sentence or two adjacent sentences of a known article) and its article.
        ALTER TABLE claims ADD COLUMN nearest_article_id bigint REFERENCES articles (id) ON DELETE SET NULL;
        ALTER TABLE claims ADD COLUMN nearest_sentence text;
        ALTER TABLE claims ADD COLUMN similarity real;
        CREATE INDEX claims_story_idx ON claims (topic, story_id);
        CREATE INDEX claims_article_idx ON claims (article_id);

        -- MinHash-LSH over each claim's text, like article_bands: near-duplicate claims are
        -- found in any earlier article at the same cost whatever the corpus size.
        CREATE TABLE claim_bands (
            band     smallint NOT NULL,
            hash     bigint NOT NULL,
            claim_id bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
            PRIMARY KEY (band, hash, claim_id)
        );

        -- Why an article is (or is not) a new development: {"new_story": bool, "new_claims": n,
        -- "known_claims": n, "nearest": {"id", "title", "url", "similarity", "why"}}.
        ALTER TABLE articles ADD COLUMN is_new_development boolean;
        ALTER TABLE articles ADD COLUMN novelty jsonb NOT NULL DEFAULT '{}'::jsonb;
    """)


def downgrade() -> None:
    op.execute("""
        ALTER TABLE articles DROP COLUMN novelty, DROP COLUMN is_new_development;
        DROP TABLE claim_bands;
        DROP INDEX claims_article_idx; DROP INDEX claims_story_idx;
        ALTER TABLE claims DROP COLUMN similarity, DROP COLUMN nearest_sentence, DROP COLUMN nearest_article_id, DROP COLUMN concepts,
                           DROP COLUMN is_seed, DROP COLUMN story_id, DROP COLUMN position, DROP COLUMN cue,
                           DROP COLUMN language, DROP COLUMN topic;
        UPDATE alerts SET status = 'pending' WHERE status = 'sending';
        ALTER TABLE alerts DROP COLUMN sending_since;
        ALTER TABLE alerts DROP CONSTRAINT alerts_status_check;
        ALTER TABLE alerts ADD CONSTRAINT alerts_status_check CHECK (status IN ('pending', 'sent', 'failed'));
    """)
