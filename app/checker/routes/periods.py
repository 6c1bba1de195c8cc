"""HR and admins set the closed periods (e.g. the weeks before results) in which the
checker reminds executives of the disclosure rules."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from app.checker import periods
from app.checker.forms import PeriodForm
from app.content.forms import CsrfForm, posted
from app.deps import HRUser, RowId, SessionDep
from app.models import ClosedPeriod
from app.web import redirect, render

router = APIRouter(prefix="/manage/closed-periods")


def _page(request: Request, session: SessionDep, *, values: dict[str, str] | None = None,
          errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    return render(request, "checker/periods.html", {
        "periods": periods.list_periods(session), "period": values or {},
        "errors": errors or {}}, status_code=status_code)


@router.get("")
def periods_page(request: Request, user: HRUser, session: SessionDep) -> Response:
    return _page(request, session)


@router.post("")
def add_period(request: Request, user: HRUser, session: SessionDep,
               form: Annotated[PeriodForm, Form()]) -> Response:
    parsed = periods.parse_period(posted(form))
    if parsed.errors:
        return _page(request, session, values=parsed.values, errors=parsed.errors,
                     status_code=422)
    periods.save_period(session, parsed=parsed)
    return redirect(request, "/manage/closed-periods", notice="period-saved")


def _period_or_404(session: SessionDep, period_id: int) -> ClosedPeriod:
    period = periods.get_period(session, period_id)
    if period is None:
        raise HTTPException(status_code=404)
    return period


@router.get("/{period_id}")
def edit_period(request: Request, period_id: RowId, user: HRUser,
                session: SessionDep) -> Response:
    period = _period_or_404(session, period_id)
    values = {"label": period.label, "starts_on": period.starts_on.isoformat(),
              "ends_on": period.ends_on.isoformat()}
    return render(request, "checker/period.html", {"item": period, "period": values,
                                                   "errors": {}})


@router.post("/{period_id}")
def save_period(request: Request, period_id: RowId, user: HRUser, session: SessionDep,
                form: Annotated[PeriodForm, Form()]) -> Response:
    period = _period_or_404(session, period_id)
    parsed = periods.parse_period(posted(form))
    if parsed.errors:
        return render(request, "checker/period.html", {
            "item": period, "period": parsed.values, "errors": parsed.errors},
            status_code=422)
    periods.save_period(session, parsed=parsed, existing=period)
    return redirect(request, "/manage/closed-periods", notice="period-saved")


@router.post("/{period_id}/delete")
def delete_period(request: Request, period_id: RowId, user: HRUser, session: SessionDep,
                  form: Annotated[CsrfForm, Form()]) -> Response:
    periods.delete_period(session, period=_period_or_404(session, period_id))
    return redirect(request, "/manage/closed-periods", notice="period-deleted")
