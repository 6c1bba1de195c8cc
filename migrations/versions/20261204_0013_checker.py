"""before you post: the organisation's phrases, its customers and partners, and closed
periods, that the draft checker reads

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-04 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('checker_phrase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phrase', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('explanation', sa.String(length=500), nullable=False),
    sa.Column('lesson_slug', sa.String(length=80), nullable=False),
    sa.Column('section', sa.String(length=80), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checker_phrase')),
    sa.UniqueConstraint('key', name=op.f('uq_checker_phrase_key'))
    )
    op.create_table('checker_organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checker_organisation')),
    sa.UniqueConstraint('key', name=op.f('uq_checker_organisation_key'))
    )
    op.create_table('closed_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closed_period'))
    )
    with op.batch_alter_table('closed_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closed_period_starts_on'), ['starts_on'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('closed_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closed_period_starts_on'))
    op.drop_table('closed_period')
    op.drop_table('checker_organisation')
    op.drop_table('checker_phrase')
