"""activity log: one entry per executive and ISO week (posts per network, comments,
connections, conversations, opportunities, the Social Selling Index) and each
executive's reminder day

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-04 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = ('posts_linkedin', 'posts_x', 'posts_other', 'comments', 'connections',
          'conversations', 'opportunities', 'plan_posts')
SSI = ('ssi_total', 'ssi_brand', 'ssi_people', 'ssi_insights', 'ssi_relationships')


def upgrade() -> None:
    op.create_table('activity_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    *(sa.Column(name, sa.Integer(), server_default='0', nullable=False) for name in COUNTS),
    *(sa.Column(name, sa.Float(), nullable=True) for name in SSI),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_activity_entry_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_entry')),
    sa.UniqueConstraint('user_id', 'week_start', name=op.f('uq_activity_entry_user_id_week_start'))
    )
    with op.batch_alter_table('activity_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_entry_week_start'), ['week_start'], unique=False)

    op.create_table('activity_setting',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reminder_weekday', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_activity_setting_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_activity_setting'))
    )


def downgrade() -> None:
    op.drop_table('activity_setting')
    with op.batch_alter_table('activity_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_entry_week_start'))
    op.drop_table('activity_entry')
