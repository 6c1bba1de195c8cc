"""recall cards: the daily review's cards (quiz questions and lesson takeaways) with
their FSRS state, and a log of every review

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-04 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('recall_card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('state', sa.SmallInteger(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('stability', sa.Float(), nullable=True),
    sa.Column('difficulty', sa.Float(), nullable=True),
    sa.Column('due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_review', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recalled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hold_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_recall_card_lesson_id_lesson'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['quiz_question.id'], name=op.f('fk_recall_card_question_id_quiz_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_recall_card_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recall_card')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_recall_card_user_id_key'))
    )
    with op.batch_alter_table('recall_card', schema=None) as batch_op:
        batch_op.create_index('ix_recall_card_user_id_due', ['user_id', 'due'], unique=False)
        batch_op.create_index(batch_op.f('ix_recall_card_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recall_card_question_id'), ['question_id'], unique=False)

    op.create_table('recall_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('rating', sa.SmallInteger(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('elapsed_days', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['card_id'], ['recall_card.id'], name=op.f('fk_recall_review_card_id_recall_card'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['quiz_question.id'], name=op.f('fk_recall_review_question_id_quiz_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_recall_review_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recall_review'))
    )
    with op.batch_alter_table('recall_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recall_review_card_id'), ['card_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recall_review_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_recall_review_question_id_elapsed_days', ['question_id', 'elapsed_days'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('recall_review', schema=None) as batch_op:
        batch_op.drop_index('ix_recall_review_question_id_elapsed_days')
        batch_op.drop_index(batch_op.f('ix_recall_review_user_id'))
        batch_op.drop_index(batch_op.f('ix_recall_review_card_id'))
    op.drop_table('recall_review')
    with op.batch_alter_table('recall_card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recall_card_question_id'))
        batch_op.drop_index(batch_op.f('ix_recall_card_lesson_id'))
        batch_op.drop_index('ix_recall_card_user_id_due')
    op.drop_table('recall_card')
