"""Sign in, sign out, and changing one's own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.auth import service
from app.config import Settings
from app.deps import CurrentUser, Public, SessionDep, SettingsDep
from app.web import redirect, render, safe_next

router = APIRouter()


def _set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        settings.session_cookie_name, token,
        max_age=settings.session_absolute_hours * 3600,
        httponly=True, samesite="lax", secure=settings.secure_cookies, path="/",
    )


@router.get("/login", dependencies=[Public])
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "auth/login.html", {"next": safe_next(next), "email": "", "error": None})


@router.post("/login", dependencies=[Public])
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=1000)] = "",
    password: Annotated[str, Form(max_length=5000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    outcome = service.authenticate(session, settings, email=email, password=password)
    if not outcome.ok:
        if outcome.retry_after_seconds:
            minutes = (outcome.retry_after_seconds + 59) // 60
            error = (f"Too many failed attempts. Try again in {minutes} minute"
                     f"{'s' if minutes != 1 else ''}.")
        else:
            error = "That email and password do not match an active account."
        context = {"next": safe_next(next), "email": email[:254], "error": error}
        return render(request, "auth/login.html", context, status_code=400)
    # A new session id at every login (no fixation); an older session of this browser ends.
    service.end_session(session, token=request.state.session_token)
    assert outcome.user is not None
    token = service.start_session(session, settings, user=outcome.user,
                                  user_agent=request.headers.get("user-agent"))
    response = redirect(request, safe_next(next))
    _set_session_cookie(response, settings, token)
    return response


@router.post("/logout", dependencies=[Public])
def logout(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    service.end_session(session, token=request.state.session_token)
    response = redirect(request, "/login", notice="logged-out")
    response.delete_cookie(settings.session_cookie_name, path="/", httponly=True,
                           samesite="lax", secure=settings.secure_cookies)
    return response


@router.get("/account")
def account(request: Request, user: CurrentUser) -> Response:
    return render(request, "auth/account.html", {"errors": {}, "saved": False})


@router.post("/account/password")
def change_password(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    current_password: Annotated[str, Form(max_length=5000)] = "",
    new_password: Annotated[str, Form(max_length=5000)] = "",
    confirm_password: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    errors = service.change_own_password(
        session, settings, user=user, current_password=current_password,
        new_password=new_password, confirm_password=confirm_password,
    )
    if errors:
        return render(request, "auth/account.html", {"errors": errors, "saved": False},
                      status_code=400)
    # Every session of this user ended; this browser gets a fresh one.
    token = service.start_session(session, settings, user=user,
                                  user_agent=request.headers.get("user-agent"))
    response = render(request, "auth/account.html", {"errors": {}, "saved": True})
    _set_session_cookie(response, settings, token)
    return response

