"""The last step of every way in (password, invitation, single sign-on): a new session
for this browser, its cookie, and the redirect."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.auth import service
from app.config import Settings
from app.models import User
from app.web import redirect


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        settings.session_cookie_name, token,
        max_age=settings.session_absolute_hours * 3600,
        httponly=True, samesite="lax", secure=settings.secure_cookies, path="/",
    )


def signed_in_redirect(request: Request, session: Session, settings: Settings, *, user: User,
                       url: str, notice: str | None = None) -> Response:
    """Sign ``user`` in and send the browser to ``url``. A new session id every time (no
    fixation); a session this browser had before ends."""
    service.end_session(session, token=request.state.session_token)
    token = service.start_session(session, settings, user=user,
                                  user_agent=request.headers.get("user-agent"))
    response = redirect(request, url, notice=notice)
    set_session_cookie(response, settings, token)
    return response
