"""extraction fields: modified_at, image_url, is_paywalled, entities (jsonb, GIN-indexed)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        ALTER TABLE articles ADD COLUMN modified_at timestamptz;
        ALTER TABLE articles ADD COLUMN image_url text;
        ALTER TABLE articles ADD COLUMN is_paywalled boolean NOT NULL DEFAULT false;
        -- {"people": [...], "places": [...], "organisations": [...], "numbers": [...], "dates": [...]}
        ALTER TABLE articles ADD COLUMN entities jsonb NOT NULL DEFAULT '{}'::jsonb;
        CREATE INDEX articles_entities_idx ON articles USING gin (entities jsonb_path_ops);
    """)


def downgrade() -> None:
    op.execute("""
        DROP INDEX articles_entities_idx;
        ALTER TABLE articles DROP COLUMN modified_at, DROP COLUMN image_url, DROP COLUMN is_paywalled,
                             DROP COLUMN entities;
    """)
