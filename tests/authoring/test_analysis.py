"""Per-quiz item analysis for trainers: for each question, how many executives answered it,
the share of right answers, and the wrong answer chosen most often; weak questions are
flagged. The attempts are taken by executives through the real quiz routes."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from sqlmodel import col, select

from app.models import Lesson, QuizAttempt, Role
from app.quizzes.analysis import item_analysis
from tests.authoring.conftest import QUIZ_SLUG, SLUG, post, publish, quiz_post

ANALYSIS = f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/analysis"
QUIZ_URL = f"/courses/{SLUG}/quizzes/{QUIZ_SLUG}"
RIGHT = ("0", "true", "220")  # Paris; the statement is true; 220



def _take(browser, database, user, answers: tuple[str | None, ...], *, submit: bool = True
          ) -> None:
    """Start an attempt and answer the quiz's questions in order (None: left blank)."""
    started = post(browser, QUIZ_URL + "/attempts")
    assert started.status_code == 303, started.text
    url = started.headers["location"]
    with database.session() as s:
        attempt = s.exec(select(QuizAttempt).where(QuizAttempt.user_id == user.id)
                         .order_by(col(QuizAttempt.number).desc())).first()
    ids = [entry["id"] for entry in json.loads(attempt.layout)]
    form = {f"q{qid}": value for qid, value in zip(ids, answers, strict=True)
            if value is not None}
    if submit:  # blanks on purpose: confirmed, as "Submit anyway" does
        response = post(browser, url + "/submit", {**form, "confirm_unanswered": "1"})
    else:
        qid, value = next((q, v) for q, v in zip(ids, answers, strict=True) if v is not None)
        response = post(browser, f"{url}/answers/{qid}", {f"q{qid}": value})
    assert response.status_code in (200, 303), response.text


def _rows(html: str) -> list[list[str]]:
    """The analysis table's cells, without the daily review's retention columns (their
    figures are tested in tests/recall)."""
    table = html[html.index('id="item-analysis"'):]
    table = table[table.index("<tbody>"):table.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        row = re.sub(r"<td[^>]*data-retention[^>]*>.*?</td>", "", row, flags=re.S)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows.append([" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells])
    return rows


def _stats(database):
    with database.session() as s:
        lesson = s.exec(select(Lesson).where(Lesson.slug == QUIZ_SLUG)).one()
        return item_analysis(s, lesson_id=lesson.id)


def _numbers(stats) -> list[tuple]:
    return [(s.position, s.question.name, s.executives, s.answers, s.right, s.common_wrong,
             s.common_wrong_count, s.weak) for s in stats]


def test_item_analysis_counts_answers_right_share_and_common_wrong_answer(
        client, trainer, database, quiz_course, learner):
    takers = [learner(quiz_course) for _ in range(3)]
    for (browser, user), answers in zip(takers, [
            RIGHT,  # all right
            ("1", "true", "7"),  # Lyon, and 7 characters
            ("1", "true", "220"),  # Lyon
    ], strict=True):
        _take(browser, database, user, answers)

    assert _numbers(_stats(database)) == [
        (1, "Capital", 3, 3, 1, "Lyon", 2, False),
        (2, "Posts", 3, 3, 3, None, 0, False),
        (3, "Headline", 3, 3, 2, "7", 1, False),
    ]
    shares = [s.share_right for s in _stats(database)]
    assert shares == pytest.approx([1 / 3, 1.0, 2 / 3])

    page = client.get(ANALYSIS)
    assert page.status_code == 200
    assert _rows(page.text) == [
        ["1", "Capital", "3", "3", "33%", "Lyon (2\u00d7)"],
        ["2", "Posts", "3", "3", "100%", "—"],
        ["3", "Headline", "3", "3", "67%", "7 (1\u00d7)"],
    ]
    assert "Weak" not in page.text
    # the quiz editor links to it
    assert ANALYSIS in client.get(f"/author/{SLUG}/lessons/{QUIZ_SLUG}").text


def test_weak_questions_are_flagged_and_only_submitted_answers_count(
        client, trainer, database, quiz_course, learner):
    answers = {
        "a": [RIGHT],
        "b": [("1", "true", "7")],
        "c": [("1", "true", "220")],
        "d": [("2", "false", "220"), RIGHT],  # Nice, then right on the second attempt
        "e": [("1", "true", "220")],
        "g": [(None, None, "220")],  # answered only the last question
    }
    for attempts in answers.values():
        browser, user = learner(quiz_course)
        for given in attempts:
            _take(browser, database, user, given)
    browser, user = learner(quiz_course)
    _take(browser, database, user, ("1", "false", "7"), submit=False)  # not submitted

    assert _numbers(_stats(database)) == [
        # 5 executives, 6 answers, 2 right (33%): weak
        (1, "Capital", 5, 6, 2, "Lyon", 3, True),
        (2, "Posts", 5, 6, 5, "False", 1, False),
        (3, "Headline", 6, 7, 6, "7", 1, False),
    ]
    rows = _rows(client.get(ANALYSIS).text)
    assert rows == [
        ["1", "Capital Weak", "5", "6", "33%", "Lyon (3\u00d7)"],
        ["2", "Posts", "5", "6", "83%", "False (1\u00d7)"],
        ["3", "Headline", "6", "7", "86%", "7 (1\u00d7)"],
    ]


def test_fewer_than_five_answers_are_never_weak(client, trainer, database, quiz_course,
                                                 learner):
    for _ in range(4):
        browser, user = learner(quiz_course)
        _take(browser, database, user, ("2", "false", "1"))
    stats = _stats(database)
    assert [(s.answers, s.right, s.weak) for s in stats] == [(4, 0, False)] * 3
    assert "Weak" not in client.get(ANALYSIS).text


def test_a_quiz_nobody_answered_yet(client, trainer, database, quiz_course, learner):
    browser, user = learner(quiz_course)
    _take(browser, database, user, ("1", "false", "7"), submit=False)  # in progress only
    page = client.get(ANALYSIS)
    assert page.status_code == 200
    assert _rows(page.text) == [
        ["1", "Capital", "0", "0", "—", "—"],
        ["2", "Posts", "0", "0", "—", "—"],
        ["3", "Headline", "0", "0", "—", "—"],
    ]
    assert [s.share_right for s in _stats(database)] == [None, None, None]


def test_the_analysis_is_of_the_published_questions(client, trainer, database, quiz_course,
                                                    learner):
    browser, user = learner(quiz_course)
    _take(browser, database, user, RIGHT)
    gift = "::Fresh::The sky is green.{F}\n"
    assert quiz_post(client, f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/gift", {"gift": gift}
                ).status_code == 303
    # the draft is not analysed: still the published questions and their answers
    assert [row[4] for row in _rows(client.get(ANALYSIS).text)] == ["100%"] * 3
    assert publish(client, "New question").status_code == 303
    # new questions nobody answered yet; the old answers stay on record, not in the table
    assert _rows(client.get(ANALYSIS).text) == [["1", "Fresh", "0", "0", "—", "—"]]


@pytest.mark.parametrize("role", [Role.executive, Role.hr])
def test_only_trainers_and_admins_see_the_analysis(client, login_as, quiz_course, role):
    login_as(role)
    assert client.get(ANALYSIS).status_code == 403


def test_admins_see_the_analysis_and_unknown_quizzes_are_not_found(client, login_as,
                                                                   quiz_course):
    login_as(Role.admin)
    assert client.get(ANALYSIS).status_code == 200
    assert client.get(f"/author/{SLUG}/quizzes/nope/analysis").status_code == 404
    assert client.get(f"/author/{SLUG}/quizzes/hello/analysis").status_code == 404
    assert client.get(f"/author/nope/quizzes/{QUIZ_SLUG}/analysis").status_code == 404
