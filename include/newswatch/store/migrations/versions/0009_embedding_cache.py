"""embedding cache: every text embedded once, ever, per embedder

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        -- What newswatch.claims.vectors embedded: keyed by the embedder and the sha256 of the text
        -- as embedded (NFC, nukta folded, zero-width characters dropped, whitespace collapsed), so a
        -- sentence republished, a background paragraph or a seed seen on an earlier night is read
        -- back instead of embedded again. The vector is float32 little-endian, bit for bit what
        -- the model gave (the answers with and without the cache are the same); plain bytea, so
        -- any PostgreSQL serves it (no extension).
        CREATE TABLE embedding_cache (
            embedder   text NOT NULL,
            sha        bytea NOT NULL CHECK (octet_length(sha) = 32),
            vector     bytea NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (embedder, sha)
        );
        -- float data does not compress: skip the attempt
        ALTER TABLE embedding_cache ALTER COLUMN vector SET STORAGE EXTERNAL;
    """)


def downgrade() -> None:
    op.execute("DROP TABLE embedding_cache")
