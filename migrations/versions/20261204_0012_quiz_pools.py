"""quiz pools: a quiz may draw its questions at random for each attempt

``draw``: how many graded questions an attempt draws (NULL: every question); ``pools``:
JSON list of {"category", "draw"} (NULL: none). Existing quizzes draw nothing.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 22:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draw', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pools', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.drop_column('pools')
        batch_op.drop_column('draw')
