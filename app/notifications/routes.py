"""The bell's page, marking notifications read, email choices, and one-click
unsubscribe."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response

from app.content.forms import CsrfForm
from app.deps import CurrentUser, Public, RowId, SessionDep, csrf_exempt
from app.notifications import service
from app.notifications.forms import PreferencesForm
from app.web import redirect, render

router = APIRouter()

NotificationId = RowId


@router.get("/notifications")
def notifications(request: Request, user: CurrentUser, session: SessionDep,
                  page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    return render(request, "notifications/list.html",
                  {"page": service.list_page(session, user_id=user.id, page=page)})


@router.post("/notifications/{notification_id}/open")
def open_notification(request: Request, notification_id: NotificationId, user: CurrentUser,
                      session: SessionDep, form: Annotated[CsrfForm, Form()]) -> Response:
    """Mark it read and go to what it is about."""
    link = service.open_notification(session, user_id=user.id, notification_id=notification_id)
    if link is None:
        raise HTTPException(status_code=404)
    return redirect(request, link)


@router.post("/notifications/read-all")
def read_all(request: Request, user: CurrentUser, session: SessionDep,
             form: Annotated[CsrfForm, Form()]) -> Response:
    service.mark_all_read(session, user_id=user.id)
    return redirect(request, "/notifications", notice="all-read")


@router.get("/account/notifications")
def preferences(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    return render(request, "notifications/preferences.html",
                  {"choices": service.preferences(session, user=user)})


@router.post("/account/notifications")
def save_preferences(request: Request, user: CurrentUser, session: SessionDep,
                     form: Annotated[PreferencesForm, Form()]) -> Response:
    service.save_preferences(session, user=user, emails=set(form.email))
    return redirect(request, "/account/notifications", notice="notifications-saved")


# The token is any text: one not of a token's shape is refused before any lookup, with
# the page of an unknown link (a length limit on the path would answer 404 instead).

@router.get("/unsubscribe/{token}", dependencies=[Public])
def unsubscribe_page(request: Request, token: str, session: SessionDep) -> Response:
    """A page to confirm (a link opened by a mail scanner must change nothing)."""
    found = service.find_unsubscribe(session, token=token)
    if found is None:
        return render(request, "notifications/unsubscribe.html", {"found": None},
                      status_code=400)
    row, user = found
    used = row.used_at is not None
    return render(request, "notifications/unsubscribe.html",
                  {"found": True, "category": service.CATEGORIES[row.category],
                   "email": user.email, "done": used, "already": used})


@router.post("/unsubscribe/{token}", dependencies=[Public])
@csrf_exempt
def unsubscribe(request: Request, token: str, session: SessionDep) -> Response:
    """RFC 8058 one-click: the mail provider posts ``List-Unsubscribe=One-Click`` here
    with no page or cookie of ours, so the one-time token is the only proof needed."""
    result = service.unsubscribe(session, token=token)
    if result is None:
        return render(request, "notifications/unsubscribe.html", {"found": None},
                      status_code=400)
    return render(request, "notifications/unsubscribe.html",
                  {"found": True, "category": result.category, "email": result.email,
                   "done": True, "already": result.already})
