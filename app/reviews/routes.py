"""Trainers review executives' personas and 90-day plans: the queue, and one submission
with a comment box per field, approved or sent back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.activities.kinds import KINDS
from app.content.forms import posted
from app.deps import RowId, SessionDep, TrainerUser
from app.reviews import service
from app.reviews.forms import COMMENT_PREFIX, ReviewForm
from app.web import redirect, render
from app.workbooks import service as workbooks

router = APIRouter()


@router.get("/manage/reviews")
def queue(request: Request, user: TrainerUser, session: SessionDep) -> Response:
    return render(request, "reviews/queue.html", {
        "waiting": workbooks.review_queue(session),
        "recent": workbooks.recently_reviewed(session), "kinds": KINDS})


def _submission(session: Session, version_id: int) -> service.Submission:
    item = service.submission(session, version_id=version_id)
    if item is None:
        raise HTTPException(status_code=404)
    return item


@router.get("/manage/reviews/{version_id}")
def review_page(request: Request, version_id: RowId, user: TrainerUser,
                session: SessionDep) -> Response:
    item = _submission(session, version_id)
    return render(request, "reviews/review.html", {
        "item": item, "typed": item.comments, "note": item.version.review_note or ""})


@router.post("/manage/reviews/{version_id}")
def decide(request: Request, version_id: RowId, user: TrainerUser, session: SessionDep,
           form: Annotated[ReviewForm, Form()]) -> Response:
    item = _submission(session, version_id)
    comments = {key.removeprefix(COMMENT_PREFIX): value
                for key, value in posted(form).multi_items() if key.startswith(COMMENT_PREFIX)}
    note, decision = form.note, form.decision
    try:
        service.decide(session, item=item, reviewer=user, decision=decision,
                       comments=comments, note=note)
    except workbooks.ReviewError as exc:
        return render(request, "reviews/review.html", {
            "item": item, "typed": comments, "note": note, "error": str(exc)},
            status_code=422)
    return redirect(request, "/manage/reviews",
                    notice="review-approved" if decision == workbooks.APPROVED
                    else "review-changes")
