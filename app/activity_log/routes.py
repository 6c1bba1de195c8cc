"""The weekly activity log: the executive's own page (the week's form, charts, the table
and the reminder day), and the read-only log a coaching trainer opens before a
conversation. HR's aggregates are in ``app.reports``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response

from app.activity_log import charts, service
from app.activity_log import definition as log
from app.activity_log.forms import EntryForm, ReminderForm
from app.content import moments
from app.deps import ExecutiveUser, RowId, SessionDep, TrainerUser
from app.models import User
from app.web import reader_zone, redirect, render

router = APIRouter()

WEEKDAY_OPTIONS = [("", "No reminder"), *((str(n), name) for n, name in enumerate(log.WEEKDAYS))]


def _charts(view: service.LogView) -> dict[str, Any]:
    return {"plan_chart": charts.plan_chart(view.rows),
            "activity_chart": charts.activity_chart(view.rows),
            "ssi_chart": charts.ssi_chart(view.ssi), "week_name": charts.week_name}


def _page(request: Request, session: SessionDep, user: User, *, week: Any,
          typed: dict[str, str] | None = None, errors: dict[str, str] | None = None,
          reminder_error: str | None = None, status_code: int = 200) -> Response:
    today = moments.today(reader_zone(request))
    view = service.log_view(session, executive=user, today=today)
    shown_week = week if week is not None else view.this_week
    entry = service.get_entry(session, user_id=user.id, week=shown_week)
    plan_week = service.plan_weeks(session, user_id=user.id).get(shown_week,
                                                                  service.PlanWeek())
    return render(request, "activity_log/log.html", {
        "view": view, "week": shown_week, "entry": entry, "plan_week": plan_week,
        "typed": typed or service.typed_from(entry, shown_week), "errors": errors or {},
        "counts": log.COUNTS, "pillars": log.SSI_PILLARS, "total": log.SSI_TOTAL,
        "weekdays": WEEKDAY_OPTIONS, "reminder_error": reminder_error,
        "this_week_label": log.week_label(view.this_week),
        "earliest_label": log.week_label(log.earliest_week(today)),
        **_charts(view)}, status_code=status_code)


@router.get("/activity")
def log_page(request: Request, user: ExecutiveUser, session: SessionDep,
             week: Annotated[str, Query(max_length=10)] = "") -> Response:
    """The week asked for (``?week=2026-W49``; this week by default)."""
    chosen = None
    if week:
        chosen = log.parse_week(week)
        today = moments.today(reader_zone(request))
        if log.week_problem(chosen, today=today):
            raise HTTPException(status_code=404)
    return _page(request, session, user, week=chosen)


@router.post("/activity")
def save_entry(request: Request, user: ExecutiveUser, session: SessionDep,
               form: Annotated[EntryForm, Form()]) -> Response:
    parsed = log.parse(form.model_dump(), today=moments.today(reader_zone(request)))
    if parsed.errors:
        week = parsed.week if "week" not in parsed.errors else None
        return _page(request, session, user, week=week, typed=parsed.typed,
                     errors=parsed.errors, status_code=422)
    assert parsed.week is not None
    service.save_entry(session, user=user, parsed=parsed)
    return redirect(request, f"/activity?week={log.week_label(parsed.week)}",
                    notice="activity-saved")


@router.post("/activity/reminder")
def save_reminder(request: Request, user: ExecutiveUser, session: SessionDep,
                  form: Annotated[ReminderForm, Form()]) -> Response:
    weekday, error = service.parse_weekday(form.weekday)
    if error:
        return _page(request, session, user, week=None, reminder_error=error,
                     status_code=422)
    service.set_reminder(session, user=user, weekday=weekday)
    return redirect(request, "/activity", notice="reminder-saved")


@router.get("/manage/activity")
def coached(request: Request, user: TrainerUser, session: SessionDep) -> Response:
    """The executives this trainer coaches, each with a link to their log."""
    return render(request, "activity_log/coaching.html", {
        "executives": service.coached_executives(session, trainer=user)})


@router.get("/manage/activity/{user_id}")
def coached_log(request: Request, user_id: RowId, user: TrainerUser,
                session: SessionDep) -> Response:
    """A coached executive's log, read-only; any other person: 404."""
    executive = service.coached_executive(session, trainer=user, executive_id=user_id)
    if executive is None:
        raise HTTPException(status_code=404)
    # the executive's weeks, in the executive's time zone
    zone = moments.zone(executive.time_zone, request.app.state.settings.time_zone)
    view = service.log_view(session, executive=executive, today=moments.today(zone))
    return render(request, "activity_log/coached.html", {"view": view, **_charts(view)})
