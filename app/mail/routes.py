"""The admins' mailbox: every email Podium wrote, with its delivery state. In development
(no mail server) it is where emails arrive, and each can be read with its links; in
production only who, what and when are shown, never the content (it may hold one-time
links)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from app.deps import AdminUser, RowId, SessionDep, SettingsDep
from app.mail import outbox
from app.web import render

router = APIRouter(prefix="/admin/mailbox")


@router.get("")
def mailbox(request: Request, admin: AdminUser, session: SessionDep, settings: SettingsDep,
            status: Annotated[str, Query(max_length=20)] = "",
            page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    result = outbox.list_page(session, status=status if status in outbox.STATUSES else "",
                              page=page)
    return render(request, "mail/mailbox.html",
                  {"page": result, "status": status, "statuses": outbox.STATUSES,
                   "shows_content": outbox.shows_content(settings)})


@router.get("/{email_id}")
def message(request: Request, email_id: RowId,
            admin: AdminUser, session: SessionDep, settings: SettingsDep) -> Response:
    found = outbox.get(session, settings, email_id=email_id)
    if found is None:
        raise HTTPException(status_code=404)
    return render(request, "mail/message.html", {"item": found})
