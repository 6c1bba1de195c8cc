"""Sign in with the organisation's identity provider."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.auth.signin import signed_in_redirect
from app.deps import Public, SessionDep, SettingsDep
from app.security import events
from app.sso import service
from app.web import render, safe_next

router = APIRouter(prefix="/sso")
log = logging.getLogger("podium.sso")

CALLBACK_PARAMS = ("code", "state", "error", "error_description", "iss")


async def _write_session(request: Request) -> AsyncIterator[Session]:
    """The callback is a GET that writes (it takes the sign-in in flight, then links or
    creates the account and a session) after reading: a write transaction from the start,
    as for a POST. In a read transaction, SQLite refuses the write ("database is locked")
    whenever another request wrote since the read, e.g. two people signing in at once."""
    async with request.app.state.db.request_transaction(write=True) as session:
        yield session


WriteSessionDep = Annotated[Session, Depends(_write_session, scope="function")]


def _unavailable(request: Request, settings: SettingsDep, reason: str) -> Response:
    log.warning("Single sign-on unavailable: %s", reason)
    return render(request, "sso/error.html",
                  {"title": f"{settings.oidc_organisation} sign-in is not available",
                   "message": f"Podium could not reach {settings.oidc_organisation}'s sign-in "
                              "service. Try again in a few minutes; if you have a Podium "
                              "password, you can sign in with it meanwhile."},
                  status_code=503)


@router.get("/login", dependencies=[Public])
def sso_login(request: Request, session: SessionDep, settings: SettingsDep,
              next: Annotated[str, Query(max_length=2000)] = "/") -> Response:
    if not settings.sso_enabled:
        raise HTTPException(status_code=404)
    try:
        url = service.start(session, settings, browser=request.state.pre_session_cookie,
                            next_url=safe_next(next),
                            client=request.client.host if request.client else "unknown")
    except service.SsoRefused as exc:
        return render(request, "sso/error.html", {"title": exc.title, "message": exc.message},
                      status_code=exc.status_code)
    except service.ProviderUnavailable as exc:
        return _unavailable(request, settings, str(exc))
    return RedirectResponse(url, status_code=303)


@router.get("/callback", dependencies=[Public])
def sso_callback(request: Request, session: WriteSessionDep,
                 settings: SettingsDep) -> Response:
    if not settings.sso_enabled:
        raise HTTPException(status_code=404)
    params = {key: request.query_params.get(key, "")[:4000] for key in CALLBACK_PARAMS}
    try:
        done = service.finish(session, settings, browser=request.state.pre_session_cookie,
                              params=params)
    except service.SsoRefused as exc:
        events.record(events.SSO_REFUSED, reason=str(exc), level=logging.WARNING)
        return render(request, "sso/error.html",
                      {"title": exc.title, "message": exc.message},
                      status_code=exc.status_code)
    except service.ProviderUnavailable as exc:
        return _unavailable(request, settings, str(exc))
    events.record(events.SSO_SIGN_IN, user_id=done.user.id, account_created=done.created)
    return signed_in_redirect(request, session, settings, user=done.user,
                              url=safe_next(done.next_url))
