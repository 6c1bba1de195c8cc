"""Dependencies every route uses: the database session, the current user, and the access
rule each route must declare (public, any signed-in user, or a set of roles).

Every route carries exactly one access rule; ``tests/test_access.py`` walks the app's
routes and fails for a route that has none.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial, wraps
from typing import Annotated, Any

import anyio.to_thread
from fastapi import BackgroundTasks, Depends, HTTPException, Path, Request, Response
from sqlmodel import Session

from app.auth import service as auth_service
from app.config import Settings
from app.content.numbers import MAX_ROW_ID
from app.db import Database, run_in_request
from app.models import Role, User
from app.security import context as security_context
from app.security.tokens import csrf_token_valid

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Path parameters that are numbers: the id of a row (Integer columns, 32 bits on
# PostgreSQL) or an ordinal (a version, an attempt, a question). A value out of range is
# a page that does not exist (404), never a database error. Every int path parameter uses
# one of these; tests/test_parameters.py checks that.
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
Ordinal = Annotated[int, Path(ge=1, le=100_000)]
Position = Annotated[int, Path(ge=0, le=100_000)]  # counted from 0 (a question in a quiz)
ACCESS_ATTR = "__podium_access__"


class NotAuthenticated(Exception):
    """No valid session: the error handler sends the browser to the login page."""


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_database(request: Request) -> Database:
    return request.app.state.db


READ_FIRST_ATTR = "__podium_read_first__"
SMALL_READ_ATTR = "__podium_small_read__"


def read_first(endpoint: Callable[..., object]) -> Callable[..., object]:
    """For a hot write that often finds nothing to write (completing a completed lesson,
    an autosave of what is saved): its transaction starts as a read and takes the write
    lock only when its service calls ``app.db.begin_write`` (see ``app/db.py``)."""
    setattr(endpoint, READ_FIRST_ATTR, True)
    return endpoint


def small_read(endpoint: Callable[..., Response], *,
               roles: frozenset[Role] | None = None) -> Callable[..., Awaitable[Response]]:
    """For a hot page (``GET``) whose handler only reads, a few small queries, and renders:
    its synchronous body runs on the event loop when its transaction can wait for nothing
    (SQLite; see ``app.db.run_in_request``), in a worker thread otherwise (PostgreSQL), as
    FastAPI runs any ``def`` route. On SQLite that saves the thread's hop of every view.
    Not for a handler that writes, waits, or reads much: on the loop it would hold up
    every other request of its process. With ``roles``, only the pages of a signed-in
    ``user`` of those roles (whose reads are the small ones) run so; others as before.

    Such a page's queries need not see one snapshot: on PostgreSQL they run without BEGIN
    and COMMIT (``statement_snapshots`` of ``Database.request_transaction``)."""
    parameters = inspect.signature(endpoint).parameters
    needs = {"session"} | ({"user"} if roles is not None else set())
    if not needs <= parameters.keys():
        raise TypeError(f"{endpoint.__name__}: a small_read route takes "
                        + " and ".join(f"`{name}`" for name in sorted(needs)))

    @wraps(endpoint)
    async def run(**values: Any) -> Response:
        work = partial(endpoint, **values)
        if roles is not None and values["user"].role not in roles:
            return await anyio.to_thread.run_sync(work)
        return await run_in_request(values["session"], work)

    setattr(run, SMALL_READ_ATTR, True)
    return run


def small_read_for(*roles: Role) -> Callable[[Callable[..., Response]],
                                             Callable[..., Awaitable[Response]]]:
    """``small_read`` for the signed-in users of these roles only."""
    return partial(small_read, roles=frozenset(roles))


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed before the response is sent."""
    write = request.method not in SAFE_METHODS
    endpoint = request.scope.get("endpoint")
    first_read = write and getattr(endpoint, READ_FIRST_ATTR, False)
    small = not write and getattr(endpoint, SMALL_READ_ATTR, False)
    async with request.app.state.db.request_transaction(
            write=write, read_first=first_read, statement_snapshots=small) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


async def current_user_optional(request: Request, session: SessionDep,
                                background: BackgroundTasks) -> User | None:
    # every signed-in page runs this first: on a SQLite read without a thread's hop
    return await run_in_request(session, _resolve_user, request, session, background)


def _resolve_user(request: Request, session: Session,
                  background: BackgroundTasks) -> User | None:
    token = request.state.session_token
    active = auth_service.resolve_session(session, request.app.state.settings, token=token)
    if active is None:
        request.state.user = None
        return None
    request.state.unread_notifications = active.unread_notifications
    security_context.current().user_id = active.user.id
    if active.needs_touch:  # at most once a minute, after the response
        background.add_task(request.app.state.db.run_write,
                            partial(auth_service.touch_session, session_id=active.session_id))
    request.state.user = active.user
    return active.user


OptionalUser = Annotated[User | None, Depends(current_user_optional)]


CSRF_EXEMPT_ATTR = "__podium_csrf_exempt__"


def csrf_exempt(endpoint: Callable[..., object]) -> Callable[..., object]:
    """For the rare route that a third party posts to without a page of ours (RFC 8058
    one-click unsubscribe from a mail provider): a one-time token in its path is its
    proof instead. ``tests/test_csrf.py`` lists every such route."""
    setattr(endpoint, CSRF_EXEMPT_ATTR, True)
    return endpoint


async def verify_csrf(request: Request) -> None:
    """Every unsafe request carries the token bound to this browser's session cookie, in
    the ``X-CSRF-Token`` header (HTMX) or the ``csrf_token`` form field."""
    if request.method in SAFE_METHODS:
        return
    if getattr(request.scope.get("endpoint"), CSRF_EXEMPT_ATTR, False):
        return
    token = request.headers.get("X-CSRF-Token")
    if not token:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            token = value if isinstance(value, str) else None
    secret = request.app.state.settings.secret
    if not csrf_token_valid(secret, request.state.csrf_cookie_value, token):
        raise HTTPException(
            status_code=403,
            detail="This form has expired or did not come from Podium. "
                   "Reload the page and try again.",
        )


def _mark(dependency: Callable[..., object], access: str | frozenset[Role]) -> None:
    setattr(dependency, ACCESS_ATTR, access)


async def public() -> None:
    """Access rule: anyone, signed in or not."""


_mark(public, "public")


async def require_user(user: OptionalUser) -> User:
    """Access rule: any signed-in user."""
    if user is None:
        raise NotAuthenticated
    return user


_mark(require_user, "authenticated")


def require_role(*roles: Role) -> Callable[[User], Awaitable[User]]:
    allowed = frozenset(roles)

    async def dependency(user: Annotated[User, Depends(require_user)]) -> User:
        if user.role not in allowed:
            raise HTTPException(status_code=403,
                                detail="Your role does not give access to this page.")
        return user

    dependency.__name__ = "require_" + "_or_".join(sorted(r.value for r in allowed))
    _mark(dependency, allowed)
    return dependency


require_admin = require_role(Role.admin)
require_trainer = require_role(Role.trainer, Role.admin)
require_hr = require_role(Role.hr, Role.admin)
require_executive = require_role(Role.executive)

Public = Depends(public)
CurrentUser = Annotated[User, Depends(require_user)]
AdminUser = Annotated[User, Depends(require_admin)]
TrainerUser = Annotated[User, Depends(require_trainer)]
HRUser = Annotated[User, Depends(require_hr)]
require_learner_or_staff = require_role(Role.executive, Role.trainer, Role.admin)
LearnerOrStaffUser = Annotated[User, Depends(require_learner_or_staff)]
ExecutiveUser = Annotated[User, Depends(require_executive)]


