"""Question pools: a quiz may draw some of its questions at random for each attempt.

A *pool* is a category of questions (GIFT ``$CATEGORY:``; a Moodle XML category maps to
the same field). A quiz's settings may say how many graded questions an attempt draws in
all (``draw``) and how many it draws from named pools (``pools``):

* neither: every question, as written (no drawing);
* ``draw`` alone: that many graded questions at random from all of them;
* ``pools`` alone: from each listed pool its number at random, plus every graded question
  that is in no listed pool;
* both: from each listed pool its number, and the rest of ``draw`` at random from the
  graded questions that are in no listed pool.

Drawn questions keep the order they are written in. Descriptions are never drawn: those in
no listed pool are always shown where they are written; those in a listed pool are left
out (their questions may not be drawn). Pools are named as written after
``$course$/top/`` (``Social selling``); the full path (``$course$/top/Social selling``)
names the same pool. A pool is one category: its subcategories are pools of their own.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from app.questions.spec import Question

K = TypeVar("K")

DRAW_RANGE = (1, 1000)
_CONTEXT = re.compile(r"^\$[A-Za-z0-9_]*\$/")


@dataclass(frozen=True)
class PoolDraw:
    """Draw ``draw`` questions at random from the questions of ``category``."""

    category: str
    draw: int


@dataclass(frozen=True)
class DrawProblem:
    """Something wrong with drawing settings: ``pool`` is the index of the pool it is
    about, None when it is about the quiz's ``draw``."""

    pool: int | None
    message: str


def pool_name(category: str) -> str:
    """The name of a category as a pool: without Moodle's context and ``top/`` prefix
    (``$course$/top/Social selling`` and ``Social selling`` are both ``Social selling``);
    empty for no category."""
    name = _CONTEXT.sub("", category.strip(), count=1)
    if name == "top":
        return ""
    return name.removeprefix("top/").strip()


def pool_sizes(questions: Sequence[Question]) -> dict[str, int]:
    """The number of graded questions in each pool, in the order pools first appear
    (``""``: questions in no category)."""
    sizes: dict[str, int] = {}
    for question in questions:
        if question.graded:
            name = pool_name(question.category)
            sizes[name] = sizes.get(name, 0) + 1
    return sizes


def draws(draw: int | None, pools: Sequence[PoolDraw]) -> bool:
    """Whether these settings draw questions at random (rather than show them all)."""
    return draw is not None or bool(pools)


def drawn_count(questions: Sequence[Question], draw: int | None,
                pools: Sequence[PoolDraw]) -> int:
    """How many graded questions one attempt shows."""
    sizes = pool_sizes(questions)
    if draw is not None:
        return min(draw, sum(sizes.values()))
    listed = {pool_name(p.category): p.draw for p in pools}
    return sum(min(listed[name], size) if name in listed else size
               for name, size in sizes.items())


def check_draw(questions: Sequence[Question], draw: int | None,
               pools: Sequence[PoolDraw]) -> list[DrawProblem]:
    """Everything that keeps these settings from drawing an attempt from ``questions``."""
    problems: list[DrawProblem] = []
    sizes = pool_sizes(questions)
    graded = sum(sizes.values())
    named = ", ".join(f"'{name}'" for name in sizes if name) or "none"
    seen: set[str] = set()
    from_pools = in_pools = 0
    for index, pool in enumerate(pools):
        name = pool_name(pool.category)
        if not name:
            problems.append(DrawProblem(index, "name the category of the pool"))
            continue
        if name in seen:
            problems.append(DrawProblem(index, f"the category '{name}' is listed twice"))
            continue
        seen.add(name)
        if pool.draw < 1:
            problems.append(DrawProblem(index, "draw at least one question from a pool"))
            continue
        if name not in sizes:
            problems.append(DrawProblem(
                index, f"no graded question is in the category '{name}' (categories: {named})"))
            continue
        if pool.draw > sizes[name]:
            problems.append(DrawProblem(
                index, f"cannot draw {pool.draw} questions from '{name}': it has "
                       f"{_questions(sizes[name])}"))
            continue
        from_pools += pool.draw
        in_pools += sizes[name]
    if draw is None or problems:
        return problems
    rest = graded - in_pools
    if draw < 1:
        problems.append(DrawProblem(None, "draw at least one question"))
    elif draw > graded:
        problems.append(DrawProblem(None, f"cannot draw {draw} questions: the quiz has "
                                          f"{_questions(graded)}"))
    elif from_pools > draw:
        problems.append(DrawProblem(None, f"the pools draw {from_pools} questions, more than "
                                          f"the {draw} drawn in all"))
    elif draw - from_pools > rest:
        problems.append(DrawProblem(
            None, f"the pools draw {from_pools} of the {draw} questions; the other "
                  f"{draw - from_pools} cannot come from the {_questions(rest)} in no pool "
                  f"(draw {from_pools + rest} in all, or more from the pools)"))
    return problems


def _questions(count: int) -> str:
    return f"{count} graded question" + ("" if count == 1 else "s")


def draw_questions(questions: Sequence[tuple[K, Question]], *, draw: int | None,
                   pools: Sequence[PoolDraw], rng: random.Random) -> list[K]:
    """The keys of the questions one attempt shows, in the order they are written.

    Settings a later change of questions made impossible draw what they can (a pool
    smaller than its number gives all it has) rather than fail an executive's attempt."""
    if not draws(draw, pools):
        return [key for key, _ in questions]
    listed: dict[str, int] = {}
    for pool in pools:
        listed.setdefault(pool_name(pool.category), pool.draw)
    groups: dict[str | None, list[int]] = {}
    for index, (_, question) in enumerate(questions):
        if question.graded:
            name = pool_name(question.category)
            groups.setdefault(name if name in listed else None, []).append(index)
    chosen: set[int] = set()
    for name, count in listed.items():
        members = groups.get(name, [])
        chosen.update(rng.sample(members, min(count, len(members))))
    rest = groups.get(None, [])
    if draw is None:
        chosen.update(rest)
    else:
        left = max(0, draw - len(chosen))
        chosen.update(rng.sample(rest, min(left, len(rest))))
    return [key for index, (key, question) in enumerate(questions)
            if index in chosen
            or (not question.graded and pool_name(question.category) not in listed)]
