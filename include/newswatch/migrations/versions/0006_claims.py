"""claims: novelty, nearest known claim, story novelty

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
    op.execute("SELECT 1")  # filled in by the claims work


def downgrade() -> None:
    op.execute("SELECT 1")
