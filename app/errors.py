"""Error pages: a clear page for 403/404/..., a login redirect for anonymous visitors,
and never a stack trace."""

from __future__ import annotations

import logging
from urllib.parse import quote

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.auth.service import resolve_session
from app.deps import NotAuthenticated
from app.web import is_htmx, render

log = logging.getLogger("podium")

TITLES = {
    400: "That request was not understood",
    401: "Please sign in",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "That file is too large",
    500: "Something went wrong on our side",
}
DEFAULT_DETAILS = {
    404: "The page you asked for does not exist, or it is not yours to see.",
    403: "Your role does not give access to this page.",
    500: "The error has been logged. Please try again in a moment.",
}


def _identify(request: Request) -> None:
    """Error pages show who is signed in. The request's own transaction has ended (and was
    rolled back on error, expiring its objects), so the user is looked up afresh."""
    request.state.user = None
    token = getattr(request.state, "session_token", None)
    if token:
        try:
            with request.app.state.db.session() as session:
                active = resolve_session(session, request.app.state.settings, token=token)
            request.state.user = active.user if active else None
        except Exception:  # the error page must render even when the database is down
            log.exception("Could not identify the user for an error page")


async def error_page(request: Request, status_code: int,
                     detail: str | None = None) -> Response:
    await anyio.to_thread.run_sync(_identify, request)
    context = {
        "status_code": status_code,
        "title": TITLES.get(status_code, "Something went wrong"),
        "detail": detail or DEFAULT_DETAILS.get(status_code, ""),
    }
    if is_htmx(request):
        return render(request, "errors/error.html", context, block="message",
                      status_code=status_code)
    return render(request, "errors/error.html", context, status_code=status_code)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def _not_authenticated(request: Request, _exc: NotAuthenticated) -> Response:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        login_url = "/login?next=" + quote(target, safe="")
        if is_htmx(request):
            return Response(status_code=401, headers={"HX-Redirect": login_url})
        if request.method == "GET":
            return RedirectResponse(login_url, status_code=303)
        return await error_page(request, 401, "Your session has ended. Sign in again to continue.")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code < 500 else None
        if exc.status_code == 404 and detail == "Not Found":
            detail = None
        if exc.status_code == 405:
            detail = None
        response = await error_page(request, exc.status_code, detail)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        # Malformed ids in a path look like missing pages; anything else is a bad request.
        if any(err.get("loc", ("",))[0] == "path" for err in exc.errors()):
            return await error_page(request, 404)
        return await error_page(request, 400, "Some of the values sent were not valid.")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("Unhandled error on %s %s", request.method, request.url.path)
        return await error_page(request, 500)
