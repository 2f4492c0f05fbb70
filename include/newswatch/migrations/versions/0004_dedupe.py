"""near-duplicate index (MinHash signatures, LSH bands) and story grouping

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
    op.execute("SELECT 1")  # filled in by the dedupe work


def downgrade() -> None:
    op.execute("SELECT 1")
