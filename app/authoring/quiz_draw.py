"""Drawing a quiz's questions at random, in the quiz editor: how many questions an attempt
draws, and how many from each category (pool) of the quiz's questions. The rules are
those of the package format (``app/questions/pools.py``); this module turns them into the
settings form's rows and its messages next to the fields."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.courses.spec import LessonSpec
from app.questions.pools import DRAW_RANGE, PoolDraw, check_draw, pool_name, pool_sizes
from app.questions.spec import Question

_POOL_FIELD = re.compile(r"^pool-([0-9]{1,4})-category$")
MAX_POOLS = 200


@dataclass(frozen=True)
class PoolRow:
    """One category of the quiz as the settings form shows it: ``draw`` None when the
    category is not drawn from as a pool."""

    index: int
    category: str  # as it is kept in the settings (the name, or the path as written)
    name: str
    size: int  # graded questions in the category
    draw: int | None

    @property
    def field(self) -> str:
        return f"pool-{self.index}-draw"


def pool_rows(lesson: LessonSpec, questions: list[Question]) -> list[PoolRow]:
    """A row per category of the questions, then one per pool of the settings whose
    category no question has any more (so the trainer sees and clears it)."""
    settings = lesson.quiz
    pools = {pool_name(p.category): p for p in (settings.pools if settings else [])}
    sizes = {name: size for name, size in pool_sizes(questions).items() if name}
    names = list(sizes) + [name for name in pools if name not in sizes]
    rows = []
    for index, name in enumerate(names):
        pool = pools.get(name)
        rows.append(PoolRow(index=index, category=pool.category if pool else name, name=name,
                            size=sizes.get(name, 0), draw=pool.draw if pool else None))
    return rows


def _number(value: str, field: str, errors: dict[str, str]) -> int | None:
    low, high = DRAW_RANGE
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        errors[field] = f"Enter a whole number from {low} to {high}, or leave it empty."
        return None
    return int(value)


def parse_draw(typed: dict[str, str], questions: list[Question],
               errors: dict[str, str]) -> tuple[int | None, list[PoolDraw]]:
    """The ``draw`` and pools of the settings form (``draw``, ``pool-<n>-category`` and
    ``pool-<n>-draw``; an empty number: not drawn), checked against the quiz's questions;
    problems are added to ``errors`` by field."""
    value = typed.get("draw", "").strip()
    draw = _number(value, "draw", errors) if value else None
    indexes = sorted(int(m.group(1)) for key in typed if (m := _POOL_FIELD.match(key)))
    pools: list[PoolDraw] = []
    fields: list[str] = []
    for index in indexes[:MAX_POOLS]:
        field = f"pool-{index}-draw"
        value = typed.get(field, "").strip()
        if not value:
            continue
        number = _number(value, field, errors)
        if number is not None:
            pools.append(PoolDraw(category=typed[f"pool-{index}-category"].strip(),
                                  draw=number))
            fields.append(field)
    if errors:
        return draw, pools
    for problem in check_draw(questions, draw, pools):
        field = "draw" if problem.pool is None else fields[problem.pool]
        errors.setdefault(field, problem.message[:1].upper() + problem.message[1:] + ".")
    return draw, pools


def draw_problems(lesson: LessonSpec, questions: list[Question]) -> dict[str, str]:
    """The settings' drawing problems with the current questions (after the questions
    changed), by field of the settings form; publishing refuses them."""
    settings = lesson.quiz
    if settings is None:
        return {}
    fields = {pool_name(row.category): row.field for row in pool_rows(lesson, questions)}
    errors: dict[str, str] = {}
    for problem in check_draw(questions, settings.draw, settings.pools):
        field = ("draw" if problem.pool is None
                 else fields.get(pool_name(settings.pools[problem.pool].category), "draw"))
        errors.setdefault(field, problem.message[:1].upper() + problem.message[1:] + ".")
    return errors
