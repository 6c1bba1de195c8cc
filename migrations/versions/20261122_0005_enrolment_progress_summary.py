"""enrolment progress summary: per-enrolment columns kept by app.learning.summary, filled
here from the progress rows already recorded

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 06:02:08.161251
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same definitions as app.learning.summary.refresh, frozen here as plain SQL.
_MINE = "p.user_id = e.user_id AND l.course_id = e.course_id"
_LIVE = "l.retired_at IS NULL AND m.retired_at IS NULL"
_PROGRESS = "FROM lesson_progress p JOIN lesson l ON l.id = p.lesson_id"
_ATTEMPTS = ("FROM quiz_attempt a JOIN lesson l ON l.id = a.lesson_id "
             "WHERE a.user_id = e.user_id AND l.course_id = e.course_id")
_REQUIRED = ("FROM lesson l JOIN course_module m ON m.id = l.module_id "
             f"WHERE l.course_id = e.course_id AND l.required = TRUE AND {_LIVE}")
BACKFILL = f"""
UPDATE enrolment AS e SET
  started_at = (SELECT min(t) FROM (
      SELECT p.first_opened_at AS t {_PROGRESS} WHERE {_MINE}
      UNION ALL SELECT a.started_at {_ATTEMPTS}) AS s),
  last_activity_at = (SELECT max(t) FROM (
      SELECT p.last_opened_at AS t {_PROGRESS} WHERE {_MINE}
      UNION ALL SELECT p.last_beat_at {_PROGRESS} WHERE {_MINE}
      UNION ALL SELECT p.completed_at {_PROGRESS} WHERE {_MINE}
      UNION ALL SELECT a.started_at {_ATTEMPTS}
      UNION ALL SELECT a.submitted_at {_ATTEMPTS}) AS s),
  seconds_spent = coalesce((SELECT sum(p.seconds_spent) {_PROGRESS} WHERE {_MINE}), 0),
  progress_percent = CASE WHEN (SELECT count(*) {_REQUIRED}) = 0 THEN 100 ELSE
      (SELECT count(*) FROM lesson_progress p JOIN lesson l ON l.id = p.lesson_id
       JOIN course_module m ON m.id = l.module_id
       WHERE {_MINE} AND l.required = TRUE AND {_LIVE} AND p.completed_at IS NOT NULL)
      * 100 / (SELECT count(*) {_REQUIRED}) END,
  quiz_best_total = coalesce((SELECT sum(b) FROM (
      SELECT max(a.score) AS b FROM quiz_attempt a JOIN lesson l ON l.id = a.lesson_id
      JOIN course_module m ON m.id = l.module_id
      WHERE a.user_id = e.user_id AND l.course_id = e.course_id AND l.kind = 'quiz'
        AND {_LIVE} AND a.score IS NOT NULL GROUP BY a.lesson_id) AS q), 0),
  quizzes_scored = (SELECT count(*) FROM (
      SELECT a.lesson_id FROM quiz_attempt a JOIN lesson l ON l.id = a.lesson_id
      JOIN course_module m ON m.id = l.module_id
      WHERE a.user_id = e.user_id AND l.course_id = e.course_id AND l.kind = 'quiz'
        AND {_LIVE} AND a.score IS NOT NULL GROUP BY a.lesson_id) AS q)
"""  # noqa: S608 (built from the constants above only)


def upgrade() -> None:
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('progress_percent', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('seconds_spent', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('quiz_best_total', sa.Float(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('quizzes_scored', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_enrolment_course_id_completed_at', ['course_id', 'completed_at'], unique=False)
        batch_op.create_index('ix_enrolment_course_id_enrolled_at', ['course_id', 'enrolled_at'], unique=False)
    op.execute(BACKFILL)



def downgrade() -> None:
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index('ix_enrolment_course_id_enrolled_at')
        batch_op.drop_index('ix_enrolment_course_id_completed_at')
        batch_op.drop_column('quizzes_scored')
        batch_op.drop_column('quiz_best_total')
        batch_op.drop_column('seconds_spent')
        batch_op.drop_column('progress_percent')
        batch_op.drop_column('last_activity_at')
        batch_op.drop_column('started_at')

