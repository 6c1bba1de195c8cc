"""The personal home page."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.deps import CurrentUser, SessionDep, small_read_for
from app.home.queues import home_queues
from app.learning.progress import my_courses, recently_completed
from app.models import Role, utcnow
from app.recall import service as recall
from app.web import reader_zone, render

router = APIRouter()


@router.get("/")
@small_read_for(Role.executive)  # staff's queues aggregate over every executive
def home(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    context: dict[str, object] = {"today": date.today()}
    if user.role != Role.executive:
        context["queues"] = home_queues(session, user=user, today=date.today(), now=utcnow())
    if user.role == Role.executive:
        enrolled = my_courses(session, user=user)
        context["courses"] = enrolled
        context["continue_with"] = next(
            ((e.progress, e.progress.next_lesson) for e in enrolled
             if not e.progress.completed and e.progress.next_lesson), None)
        context["recent"] = recently_completed(enrolled)
        # one indexed query over the executive's review cards
        context["review_today"] = recall.today(session, user_id=user.id,
                                               tz=reader_zone(request))
    return render(request, "home/index.html", context)
