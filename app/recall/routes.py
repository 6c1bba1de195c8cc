"""The daily review ("Daily review" in the menu): one card at a time, for the executive
whose cards they are. Question cards are answered again and graded like the quiz
(``app.quizzes.grading``); takeaway cards are recalled, revealed and self-graded.

Access: executives only, and only their own cards (anyone else's card is a 404). Trainers
see the aggregated retention on the quiz's item analysis; HR sees nothing of it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.content.forms import CsrfForm, posted
from app.deps import ExecutiveUser, RowId, SessionDep
from app.models import RecallCard, User, utcnow
from app.quizzes import attempts, grading, quiz_store
from app.quizzes.responses import parse_response
from app.quizzes.routes import raw_answer
from app.recall import service
from app.recall.forms import CardAnswerForm, RatingForm
from app.recall.scheduling import RATING_LABELS, RATINGS, rating_for_fraction
from app.recall.view import CardView, card_view
from app.web import is_htmx, reader_zone, redirect, render

router = APIRouter()

PAGE = "/daily-review"
TEMPLATE = "recall/review.html"
MSG_NO_ANSWER = "Choose or type an answer, or press “I don't remember”."
MSG_RATING = "Choose how well you remembered it: again, hard, good or easy."


def _own_card(session: Session, user: User, card_id: int, kind: str) -> RecallCard:
    card = service.get_card(session, user_id=user.id, card_id=card_id)
    if card is None or card.kind != kind:
        raise HTTPException(status_code=404)
    return card


def _reveal(session: Session, user: User, card: RecallCard) -> bool:
    """Right answers and feedback as the quiz's own setting reveals them to this
    executive (a quiz that never reveals them shows only right or wrong)."""
    quiz = quiz_store.get_quiz(session, lesson_id=card.lesson_id)
    if quiz is None:
        return False
    status = attempts.quiz_status(session, quiz=quiz, user_id=user.id)
    return any(status.reveal_answers(attempt) for attempt in status.submitted)


def _page(request: Request, session: Session, user: User, *, view: CardView | None = None,
          answered: bool = False, message: str | None = None,
          status_code: int = 200) -> Response:
    """The page (or, for HTMX, its ``card`` block) with ``view``, else the next card."""
    tz = reader_zone(request)
    now = utcnow()
    if view is None and not answered:
        card = service.next_card(session, user_id=user.id, now=now, tz=tz)
        view = card_view(session, card=card) if card else None
    context: dict[str, Any] = {
        "view": view, "answered": answered, "message": message,
        "today": service.today(session, user_id=user.id, now=now, tz=tz),
        "reveal": bool(view and view.question and _reveal(session, user, view.card)),
        "ratings": RATING_LABELS, "seconds_per_card": service.SECONDS_PER_CARD}
    return render(request, TEMPLATE, context, block="card" if is_htmx(request) else None,
                  status_code=status_code)


@router.get(PAGE)
def review_page(request: Request, user: ExecutiveUser, session: SessionDep) -> Response:
    return _page(request, session, user)


@router.post(PAGE + "/cards/{card_id}/answer")
def answer(request: Request, card_id: RowId, user: ExecutiveUser, session: SessionDep,
           form: Annotated[CardAnswerForm, Form()]) -> Response:
    card = _own_card(session, user, card_id, "question")
    view = card_view(session, card=card)
    if view is None or view.question is None:
        raise HTTPException(status_code=404)
    item = view.question
    raw = raw_answer(posted(form), item.row.id)
    response = None
    if form.dont_know != "1":
        item.raw = raw
        response, error = parse_response(item.question, raw if raw is not None else [])
        if error or response is None:
            item.error = error or MSG_NO_ANSWER
            return _page(request, session, user, view=view, status_code=422)
    grade = grading.grade(item.question, response)
    try:
        service.review_card(session, card=card, rating=rating_for_fraction(grade.fraction),
                            tz=reader_zone(request))
    except service.CardRefused as exc:
        return _page(request, session, user, message=str(exc), status_code=422)
    item.grade = grade
    return _page(request, session, user, view=view, answered=True)


@router.post(PAGE + "/cards/{card_id}/rate")
def rate(request: Request, card_id: RowId, user: ExecutiveUser, session: SessionDep,
         form: Annotated[RatingForm, Form()]) -> Response:
    card = _own_card(session, user, card_id, "takeaway")
    rating = RATINGS.get(form.rating)
    if rating is None:
        view = card_view(session, card=card)
        if view is None:
            raise HTTPException(status_code=404)
        return _page(request, session, user, view=view, message=MSG_RATING, status_code=422)
    try:
        service.review_card(session, card=card, rating=rating, tz=reader_zone(request))
    except service.CardRefused as exc:
        return _page(request, session, user, message=str(exc), status_code=422)
    if is_htmx(request):  # the next card in place of this one
        return _page(request, session, user)
    return redirect(request, PAGE)


@router.post(PAGE + "/not-today")
def not_today(request: Request, user: ExecutiveUser, session: SessionDep,
              form: Annotated[CsrfForm, Form()]) -> Response:
    service.not_today(session, user_id=user.id, tz=reader_zone(request))
    return redirect(request, PAGE)
