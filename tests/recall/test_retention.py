"""Trainers' retention figures: per question, of the reviews at least 7 (30) days after
the previous one, the share answered right; "—" below five such reviews. Checked by hand
on a small log."""

from __future__ import annotations

import re

from app.models import RecallCard, RecallReview, Role, utcnow
from app.recall import scheduling
from app.recall.retention import retention
from tests.conftest import login
from tests.recall.conftest import question_ids

# (elapsed days, rating) per review of the "single" question's cards, three executives
SINGLE = [(None, 1), (8, 3), (10, 4), (12, 1), (31, 3), (40, 1), (3, 3), (6.9, 4)]
TRUEFALSE = [(7, 3), (30, 3)]


def seed(database, users, lesson_id: int, question_id: int,  # type: ignore[no-untyped-def]
         reviews: list[tuple[float | None, int]]) -> None:
    with database.session(write=True) as s:
        cards = []
        for user in users:
            card = RecallCard(user_id=user.id, kind="question", key=f"q:{question_id}",
                              lesson_id=lesson_id, question_id=question_id,
                              **scheduling.new_card(now=utcnow()))  # type: ignore[arg-type]
            s.add(card)
            cards.append(card)
        s.flush()
        for n, (elapsed, rating) in enumerate(reviews):
            card = cards[n % len(cards)]
            s.add(RecallReview(card_id=card.id, user_id=card.user_id, question_id=question_id,
                               rating=rating, source="review", reviewed_at=utcnow(),
                               elapsed_days=elapsed))


def test_retention_by_hand(client, database, course, make_user):
    _, quiz = course
    q = question_ids(database, quiz)
    executives = [make_user(Role.executive) for _ in range(3)]
    seed(database, executives, quiz.id, q["single"], SINGLE)
    seed(database, executives[:1], quiz.id, q["truefalse"], TRUEFALSE)
    with database.session() as s:
        figures = retention(s, question_ids=[q["single"], q["truefalse"], q["numerical"]])
    single = figures[q["single"]]
    # a week or more: 8 (good), 10 (easy), 12 (again), 31 (good), 40 (again) -> 3 of 5
    assert (single.week_reviews, single.week_recalled) == (5, 3)
    assert single.week == 3 / 5
    # a month or more: 31 (good), 40 (again): too few to show
    assert (single.month_reviews, single.month_recalled) == (2, 1)
    assert single.month is None
    assert figures[q["truefalse"]].week is None  # two reviews only
    assert q["numerical"] not in figures

    trainer = make_user(Role.trainer)
    login(client, trainer.email)
    page = client.get("/author/pilot/quizzes/check/analysis")
    assert page.status_code == 200
    assert "Recalled after a week" in page.text and 'id="retention-note"' in page.text
    rows = re.findall(r'<td class="num" data-retention="(week|month)">(.*?)</td>', page.text,
                      re.S)
    shown = [re.sub(r"<[^>]+>", "", text).split() for _, text in rows]
    # questions in quiz order: single, truefalse, numerical, multiple, essay
    assert shown[0] == ["60%", "(5)"] and shown[1] == ["—"]
    assert all(cells == ["—"] for cells in shown[2:])


def test_retention_is_for_trainers_not_hr(client, course, make_user):
    login(client, make_user(Role.hr).email)
    assert client.get("/author/pilot/quizzes/check/analysis").status_code == 403
