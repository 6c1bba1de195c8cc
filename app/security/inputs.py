"""One rule for control characters in what people send: NUL and the other C0 controls
(tab, line feed and carriage return excepted) and DEL are never text. PostgreSQL cannot
store NUL at all, and none of them means anything in a name, an address or a post.

``InputHygieneMiddleware`` applies the rule to every request before any route sees it:
- a path that holds one names no page: it is answered as not found;
- query strings and ``application/x-www-form-urlencoded`` bodies have them removed.
Multipart bodies (uploads) are left whole: their files are read and checked by the
parsers of each format. Values stored from headers (a user agent) use ``clean_text``."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# ...and as they travel in a query string or form body, escaped or not
CONTROL_BYTES = re.compile(
    rb"%(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NOWHERE = "/.invalid-path"
FORM = b"application/x-www-form-urlencoded"


def clean_text(value: str) -> str:
    return CONTROL.sub("", value)


def clean_urlencoded(raw: bytes) -> bytes:
    """The same pairs without control characters (untouched when there are none)."""
    if not CONTROL_BYTES.search(raw):
        return raw
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8",
                      errors="replace")
    return urlencode([(clean_text(k), clean_text(v)) for k, v in pairs],
                     quote_via=quote).encode("ascii")


class InputHygieneMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = dict(scope)
        if CONTROL.search(scope["path"]):
            scope["path"], scope["raw_path"] = NOWHERE, NOWHERE.encode()
        query = scope.get("query_string", b"")
        if query:
            scope["query_string"] = clean_urlencoded(query)
        if _content_type(scope).startswith(FORM):
            receive = await self._cleaned_body(receive)
        await self.app(scope, receive, send)

    async def _cleaned_body(self, receive: Receive) -> Receive:
        """Read a form body (within the size limit), clean it, and hand it on as one
        message; a body over the limit is passed on as it came (the app refuses it)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return _replay([message], receive)
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body_bytes:
                first = {"type": "http.request", "body": b"".join(chunks),
                         "more_body": message.get("more_body", False)}
                return _replay([first], receive)
            if not message.get("more_body", False):
                break
        body = clean_urlencoded(b"".join(chunks))
        return _replay([{"type": "http.request", "body": body, "more_body": False}], receive)


def _content_type(scope: Scope) -> bytes:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return value.lower()
    return b""


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
