"""Sign in, sign out, changing one's own password, and resetting a forgotten one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import Response

from app.auth import recovery, service
from app.auth.forms import (
    ChangePasswordForm,
    ForgotForm,
    LoginForm,
    NewPasswordForm,
    TimeZoneForm,
)
from app.auth.signin import set_session_cookie, signed_in_redirect
from app.config import Settings
from app.content.forms import CsrfForm
from app.content.moments import zone_names
from app.deps import CurrentUser, Public, SessionDep, SettingsDep
from app.security import events
from app.web import client_address, redirect, render, safe_next

router = APIRouter()


@router.get("/login", dependencies=[Public])
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "auth/login.html", {"next": safe_next(next), "email": "", "error": None})


@router.post("/login", dependencies=[Public])
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[LoginForm, Form()],
) -> Response:
    email, password, next = form.email, form.password, form.next
    outcome = service.authenticate(session, settings, email=email, password=password,
                                   client=client_address(request))
    if not outcome.ok:
        if outcome.retry_after_seconds:
            minutes = (outcome.retry_after_seconds + 59) // 60
            error = (f"Too many failed attempts. Try again in {minutes} minute"
                     f"{'s' if minutes != 1 else ''}.")
            context = {"next": safe_next(next), "email": email[:254], "error": error}
            response = render(request, "auth/login.html", context, status_code=429)
            response.headers["Retry-After"] = str(outcome.retry_after_seconds)
            return response
        if outcome.sso_required:
            error = (f"Your account signs in with {settings.oidc_organisation}: use "
                     f"“Sign in with {settings.oidc_organisation}” above.")
        else:
            error = "That email and password do not match an active account."
        context = {"next": safe_next(next), "email": email[:254], "error": error}
        return render(request, "auth/login.html", context, status_code=400)
    assert outcome.user is not None
    return signed_in_redirect(request, session, settings, user=outcome.user,
                              url=safe_next(next))


@router.post("/logout", dependencies=[Public])
def logout(request: Request, session: SessionDep, settings: SettingsDep,
           form: Annotated[CsrfForm, Form()]) -> Response:
    user_id = service.end_session(session, token=request.state.session_token)
    if user_id is not None:
        events.record(events.SIGN_OUT, user_id=user_id)
    response = redirect(request, "/login", notice="logged-out")
    response.delete_cookie(settings.session_cookie_name, path="/", httponly=True,
                           samesite="lax", secure=settings.secure_cookies)
    return response


def _account_context(settings: Settings, **values: Any) -> dict[str, Any]:
    return {"errors": {}, "saved": False, "zone_errors": {}, "zone_names": zone_names(),
            "organisation_zone": settings.time_zone, **values}


@router.get("/account")
def account(request: Request, user: CurrentUser, settings: SettingsDep) -> Response:
    return render(request, "auth/account.html", _account_context(settings))


@router.post("/account/time-zone")
def change_time_zone(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[TimeZoneForm, Form()],
) -> Response:
    errors = service.set_time_zone(session, user=user, name=form.time_zone)
    if errors:
        return render(request, "auth/account.html",
                      _account_context(settings, zone_errors=errors), status_code=400)
    return redirect(request, "/account", notice="time-zone-saved")


@router.post("/account/password")
def change_password(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[ChangePasswordForm, Form()],
) -> Response:
    errors = service.change_own_password(
        session, settings, user=user, current_password=form.current_password,
        new_password=form.new_password, confirm_password=form.confirm_password,
    )
    if errors:
        return render(request, "auth/account.html", _account_context(settings, errors=errors),
                      status_code=400)
    # Every session of this user ended; this browser gets a fresh one.
    token = service.start_session(session, settings, user=user,
                                  user_agent=request.headers.get("user-agent"))
    response = render(request, "auth/account.html", _account_context(settings, saved=True))
    set_session_cookie(response, settings, token)
    return response


# Forgotten password -----------------------------------------------------------------------

@router.get("/password/forgot", dependencies=[Public])
def forgot_form(request: Request, email: Annotated[str, Query(max_length=254)] = "") -> Response:
    return render(request, "auth/forgot.html", {"email": email, "sent": False, "error": None})


@router.post("/password/forgot", dependencies=[Public])
def forgot(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[ForgotForm, Form()],
) -> Response:
    email = form.email.strip()
    if not email or "@" not in email:
        return render(request, "auth/forgot.html",
                      {"email": email[:254], "sent": False,
                       "error": "Enter the email address of your account."}, status_code=400)
    try:
        recovery.request_reset(session, settings, email=email, client=client_address(request))
    except recovery.TooManyRequests as exc:
        minutes = (exc.retry_after_seconds + 59) // 60
        response = render(request, "auth/forgot.html",
                          {"email": email[:254], "sent": False,
                           "error": f"Too many requests from your network. Try again in "
                                    f"{minutes} minute{'s' if minutes != 1 else ''}."},
                          status_code=429)
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response
    # The same answer whether or not an account has this address.
    return render(request, "auth/forgot.html", {"email": email[:254], "sent": True,
                                                "error": None, "minutes": settings.reset_minutes})


def _reset_link(session: SessionDep, token: str, *, lock: bool = False
                ) -> recovery.ResetLink | None:
    return recovery.find_reset(session, token=token, lock=lock)


@router.get("/password/reset/{token}", dependencies=[Public])
def reset_form(request: Request, token: Annotated[str, Path(max_length=100)],
               session: SessionDep) -> Response:
    link = _reset_link(session, token)
    if link is None:
        return render(request, "auth/reset.html", {"link": None}, status_code=400)
    return render(request, "auth/reset.html", {"link": link, "errors": {}})


@router.post("/password/reset/{token}", dependencies=[Public])
def reset(
    request: Request,
    token: Annotated[str, Path(max_length=100)],
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[NewPasswordForm, Form()],
) -> Response:
    link = _reset_link(session, token, lock=True)
    if link is None:
        return render(request, "auth/reset.html", {"link": None}, status_code=400)
    errors = recovery.complete_reset(session, settings, link=link, password=form.password,
                                     confirm=form.confirm_password)
    if errors:
        return render(request, "auth/reset.html", {"link": link, "errors": errors},
                      status_code=400)
    service.end_session(session, token=request.state.session_token)
    response = redirect(request, "/login", notice="password-changed")
    response.delete_cookie(settings.session_cookie_name, path="/", httponly=True,
                           samesite="lax", secure=settings.secure_cookies)
    return response

