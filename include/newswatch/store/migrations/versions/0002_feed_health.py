"""feed health (graded failure score, retry-after) and where an article's date came from

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        ALTER TABLE feeds ADD COLUMN failure_score integer NOT NULL DEFAULT 0;
        ALTER TABLE feeds ADD COLUMN last_entries integer;
        ALTER TABLE articles ADD COLUMN date_source text;  -- page | feed | fetch_time
    """)


def downgrade() -> None:
    op.execute("""
        ALTER TABLE feeds DROP COLUMN failure_score;
        ALTER TABLE feeds DROP COLUMN last_entries;
        ALTER TABLE articles DROP COLUMN date_source;
    """)
