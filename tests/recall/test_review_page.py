"""The daily review page: question cards answered again and graded like the quiz,
takeaways revealed and self-graded, bad input answered with a message (never a 500),
every card reachable by its owner only, and the line on the executive's home page."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from app.models import RecallCard, RecallReview, Role, utcnow
from tests.conftest import csrf_from, login
from tests.dbutil import statements_of, writes_in
from tests.recall.conftest import HELLO, cards_of, question_ids
from tests.recall.test_cards import submit_quiz

PAGE = "/daily-review"
HX = {"HX-Request": "true"}


def make_due(database, user) -> None:  # type: ignore[no-untyped-def]
    """Move the executive's cards back in time: due an hour ago, as if days had passed.
    One moment for all of them, so the page's order falls back on the cards' ids (the
    rows come back from PostgreSQL in whatever order its pages hold them)."""
    due = utcnow() - timedelta(hours=1)
    with database.session(write=True) as s:
        for card in s.exec(select(RecallCard).where(RecallCard.user_id == user.id)):
            card.due = due
            s.add(card)


def logs(database) -> list[RecallReview]:  # type: ignore[no-untyped-def]
    with database.session() as s:
        return list(s.exec(select(RecallReview).where(RecallReview.source == "review")
                           .order_by(RecallReview.id)).all())


def post(client, path: str, data: dict[str, object], htmx: bool = True):  # type: ignore[no-untyped-def]
    token = csrf_from(client, PAGE)
    return client.post(path, data={"csrf_token": token, **data}, headers=HX if htmx else {})


def test_a_question_card_is_answered_again_and_graded_like_the_quiz(client, database, course,
                                                                    executive):
    _, quiz = course
    q = question_ids(database, quiz)
    login(client, executive.email)
    submit_quiz(client, {f"q{q['single']}": "0", f"q{q['truefalse']}": "false",
                         f"q{q['numerical']}": "220", f"q{q['multiple']}": ["0", "1"]})
    make_due(database, executive)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "From the quiz “Check your understanding”" in page.text
    assert "An X post has 280 characters at most." in page.text
    assert "1 card left today" in page.text
    card = cards_of(database, executive)[0]
    answered = post(client, f"{PAGE}/cards/{card.id}/answer", {f"q{q['truefalse']}": "true"})
    assert answered.status_code == 200
    assert "✓ Correct" in answered.text and "Yes." in answered.text  # the quiz's feedback
    assert 'id="next-card"' in answered.text and "0 cards left today" in answered.text
    assert [(r.card_id, r.rating) for r in logs(database)] == [(card.id, 3)]
    # answered today: not again today, with a message and nothing recorded
    again = post(client, f"{PAGE}/cards/{card.id}/answer", {f"q{q['truefalse']}": "true"})
    assert again.status_code == 422 and "This card is not due today" in again.text
    assert len(logs(database)) == 1
    assert "Done for today" in client.get(PAGE).text


def test_bad_answers_get_a_message_and_i_dont_remember_is_wrong(client, database, course,
                                                                executive):
    _, quiz = course
    q = question_ids(database, quiz)
    login(client, executive.email)
    submit_quiz(client, {f"q{q['single']}": "0", f"q{q['truefalse']}": "true",
                         f"q{q['multiple']}": ["0", "1"]})  # numerical unanswered: a card
    make_due(database, executive)
    card = cards_of(database, executive)[0]
    url = f"{PAGE}/cards/{card.id}/answer"
    typed = post(client, url, {f"q{q['numerical']}": "two hundred"})
    assert typed.status_code == 422 and "Enter a number" in typed.text
    assert 'value="two hundred"' in typed.text  # what was typed is kept
    empty = post(client, url, {f"q{q['numerical']}": ""})
    assert empty.status_code == 422 and "I don&#39;t remember" in empty.text
    assert logs(database) == []
    gave_up = post(client, url, {"dont_know": "1"})
    assert gave_up.status_code == 200 and "Not correct" in gave_up.text
    assert [r.rating for r in logs(database)] == [1]


def test_takeaways_are_revealed_and_self_graded(client, database, course, executive):
    login(client, executive.email)
    client.post(HELLO + "/complete", data={"csrf_token": csrf_from(client, HELLO)})
    make_due(database, executive)
    page = client.get(PAGE).text
    assert "Key takeaway 1 of 2: Hello" in page
    assert "Listen _____ before you post." in page
    assert "<details class=\"review-reveal\">" in page and "<strong>for a week</strong>" in page
    first, second = cards_of(database, executive)
    bad = post(client, f"{PAGE}/cards/{first.id}/rate", {"rating": "perfect"})
    assert bad.status_code == 422 and "again, hard, good or easy" in bad.text
    assert logs(database) == []
    rated = post(client, f"{PAGE}/cards/{first.id}/rate", {"rating": "easy"})
    assert rated.status_code == 200 and "Key takeaway 2 of 2: Hello" in rated.text
    without_htmx = post(client, f"{PAGE}/cards/{second.id}/rate", {"rating": "hard"},
                        htmx=False)
    assert without_htmx.status_code == 303 and without_htmx.headers["location"] == PAGE
    assert [(r.card_id, r.rating) for r in logs(database)] == [(first.id, 4), (second.id, 2)]


def test_cards_are_their_owners_only(client, database, course, executive, make_user,
                                     new_client):
    login(client, executive.email)
    client.post(HELLO + "/complete", data={"csrf_token": csrf_from(client, HELLO)})
    make_due(database, executive)
    card = cards_of(database, executive)[0]
    other = make_user(Role.executive)
    browser = new_client()
    login(browser, other.email)
    assert "Nothing to review today" in browser.get(PAGE).text
    token = csrf_from(browser, PAGE)
    for path, data in ((f"{PAGE}/cards/{card.id}/rate", {"rating": "good"}),
                       (f"{PAGE}/cards/{card.id}/answer", {"dont_know": "1"}),
                       (f"{PAGE}/cards/999999/rate", {"rating": "good"})):
        response = browser.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 404, path
    # a takeaway card is not answered as a question (and the reverse)
    assert post(client, f"{PAGE}/cards/{card.id}/answer", {"dont_know": "1"}).status_code == 404
    assert logs(database) == []
    for role in (Role.trainer, Role.hr, Role.admin):
        staff = new_client()
        login(staff, make_user(role).email)
        assert staff.get(PAGE).status_code == 403
        assert staff.post(f"{PAGE}/cards/{card.id}/rate",
                          data={"csrf_token": csrf_from(staff, "/account"),
                                "rating": "good"}).status_code == 403


def test_home_line_and_not_today(client, database, course, executive):
    _, quiz = course
    q = question_ids(database, quiz)
    login(client, executive.email)
    assert "Today's review" not in client.get("/").text
    submit_quiz(client, {f"q{q['single']}": "1"})  # four wrong or unanswered: four cards
    client.post(HELLO + "/complete", data={"csrf_token": csrf_from(client, HELLO)})
    make_due(database, executive)
    assert len(cards_of(database, executive)) == 6
    with statements_of(database.engine) as statements:
        home = client.get("/").text
    # the home page's line costs one query over the executive's cards, and writes nothing
    assert len([st for st in statements if "recall_card" in st]) == 1
    assert writes_in(statements) == []
    line = re.search(r'<p class="panel review-today" id="review-today">(.*?)</p>', home, re.S)
    assert line is not None
    assert re.sub(r"<[^>]+>", "", line.group(1)) == "Today's review: 6 cards · about 3 minutes"
    postponed = post(client, f"{PAGE}/not-today", {}, htmx=False)
    assert postponed.status_code == 303
    assert "Nothing to review today" in client.get(PAGE).text
    assert "Today's review" not in client.get("/").text
    assert logs(database) == []
