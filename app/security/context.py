"""Who and where a request comes from, for the security log and the audit trail: its id,
the client's address and user agent, and the signed-in user once known. Set for each
request by ``SecurityMiddleware`` (the user by ``app.deps``); outside a request (the
command line, a background job) it is empty."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass
class RequestContext:
    request_id: str = ""
    client: str = ""
    user_agent: str = ""
    user_id: int | None = None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "podium_request", default=None)


def current() -> RequestContext:
    return _current.get() or RequestContext()


def begin(context: RequestContext) -> contextvars.Token[RequestContext | None]:
    return _current.set(context)


def end(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)
