"""Security headers on every response, the pre-login cookie that CSRF tokens of
anonymous visitors (the login form) are bound to, and each request's id and origin for
the security log and the audit trail. Pure ASGI, so streaming is untouched."""

from __future__ import annotations

import itertools
import os
import re
import secrets
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.security import context
from app.security.inputs import clean_text
from app.security.tokens import new_token

PRE_SESSION_COOKIE = "podium_csrf"
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class _RequestIds:
    """Ids for requests that come without one: 32 hex digits, unique across processes and
    restarts without a system call per request (``uuid4`` reads the kernel's random source
    each time, 2-5% of a page's CPU on a virtual machine): a random prefix drawn once per
    process, again in a forked child, and a counter."""

    def __init__(self) -> None:
        self._start()
        os.register_at_fork(after_in_child=self._start)

    def _start(self) -> None:
        self._prefix = secrets.token_hex(8)
        self._counter = itertools.count()

    def next(self) -> str:
        return f"{self._prefix}{next(self._counter):016x}"


_request_ids = _RequestIds()

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def read_cookies(scope: Scope) -> dict[str, str]:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header counts as no cookies
                return {}
            return {key: morsel.value for key, morsel in jar.items()}
    return {}


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = read_cookies(scope)
        session_cookie = cookies.get(self.settings.session_cookie_name)
        pre_cookie = cookies.get(PRE_SESSION_COOKIE)
        new_pre_cookie = None
        # no cookie on static files: a shared cache could hand the same one to everyone
        if not pre_cookie and not scope["path"].startswith("/static/"):
            new_pre_cookie = pre_cookie = new_token()
        state = scope.setdefault("state", {})
        state["session_token"] = session_cookie
        state["csrf_cookie_value"] = session_cookie or pre_cookie
        state["pre_session_cookie"] = pre_cookie
        request_id = _header(scope, b"x-request-id")  # a proxy's id, when it gives one
        if not REQUEST_ID.fullmatch(request_id):
            request_id = _request_ids.next()
        state["request_id"] = request_id
        client = scope.get("client")
        token = context.begin(context.RequestContext(
            request_id=request_id, client=client[0] if client else "",
            user_agent=clean_text(_header(scope, b"user-agent"))[:300]))

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Request-ID", request_id)
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
                if self.settings.secure_cookies:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
                if new_pre_cookie:
                    secure = "; Secure" if self.settings.secure_cookies else ""
                    headers.append(
                        "Set-Cookie",
                        f"{PRE_SESSION_COOKIE}={new_pre_cookie}; Path=/; HttpOnly; "
                        f"SameSite=Lax{secure}",
                    )
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            context.end(token)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""
