"""cohort keys never longer than their column: a long folded name ends with a digest

Folding can lengthen a name ("ß" is "ss"; one NFKC ligature is up to 18 characters), so a
key could outgrow its 120 characters: PostgreSQL refused such a cohort, SQLite stored the
long key. This recomputes the keys stored longer than 120 characters, as
app.content.keys.text_key now makes them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 14:00:00
"""

import hashlib
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_MAX, DIGEST = 120, 32


def _key(name: str) -> str:
    """As app.content.keys.text_key at the time of this migration."""
    key = unicodedata.normalize("NFKC", name).casefold()
    if len(key) <= KEY_MAX:
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:DIGEST]
    return f"{key[:KEY_MAX - DIGEST - 1]}#{digest}"


def upgrade() -> None:
    bind = op.get_bind()
    cohort = sa.table('cohort', sa.column('id', sa.Integer), sa.column('name', sa.String),
                      sa.column('name_key', sa.String))
    long_keys = sa.select(cohort.c.id, cohort.c.name).where(
        sa.func.length(cohort.c.name_key) > KEY_MAX)
    for cohort_id, name in bind.execute(long_keys).all():
        bind.execute(cohort.update().where(cohort.c.id == cohort_id)
                     .values(name_key=_key(name)))


def downgrade() -> None:
    """Nothing to undo: the shortened keys compare names as the long ones did."""
