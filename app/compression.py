"""Brotli or gzip for the app's own responses (pages, fragments, exports), whichever the
browser prefers of those it accepts; static files come precompressed from app.assets.

Compressed pages are open to BREACH-style guessing only for secrets repeated on every page:
the CSRF token is masked afresh for each response (app.security.tokens.mask_csrf_token).
"""

from __future__ import annotations

import brotli
from starlette.datastructures import Headers
from starlette.middleware.gzip import (
    DEFAULT_EXCLUDED_CONTENT_TYPES,
    GZipResponder,
    IdentityResponder,
)
from starlette.types import ASGIApp, Receive, Scope, Send

MINIMUM_SIZE = 500  # bytes: smaller bodies are not worth the headers
BROTLI_QUALITY = 5  # fast enough for every request, smaller than gzip -9
GZIP_LEVEL = 6
# Formats that are compressed already (a workbook is a zip; fpdf2 deflates its PDF streams):
# compressing them again costs CPU on every download and saves nothing.
ALREADY_COMPRESSED = (*DEFAULT_EXCLUDED_CONTENT_TYPES,
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      "application/pdf")


def accepted_encodings(header: str) -> set[str]:
    """The codings an Accept-Encoding header accepts (``q=0`` refuses one)."""
    accepted = set()
    for part in header.lower().split(","):
        coding, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding and quality > 0:
            accepted.add(coding)
    return accepted


class BrotliResponder(IdentityResponder):
    content_encoding = "br"

    def __init__(self, app: ASGIApp, minimum_size: int) -> None:
        super().__init__(app, minimum_size, exclude_content_types=ALREADY_COMPRESSED)
        self.compressor = brotli.Compressor(quality=BROTLI_QUALITY, mode=brotli.MODE_TEXT)

    async def apply_compression(self, body: bytes, *, more_body: bool) -> bytes:
        data = self.compressor.process(body)
        return data + (self.compressor.flush() if more_body else self.compressor.finish())


class CompressionMiddleware:
    def __init__(self, app: ASGIApp, minimum_size: int = MINIMUM_SIZE) -> None:
        self.app = app
        self.minimum_size = minimum_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        accepted = accepted_encodings(Headers(scope=scope).get("accept-encoding", ""))
        responder: IdentityResponder
        if "br" in accepted:
            responder = BrotliResponder(self.app, self.minimum_size)
        elif "gzip" in accepted:
            responder = GZipResponder(self.app, self.minimum_size, compresslevel=GZIP_LEVEL,
                                      exclude_content_types=ALREADY_COMPRESSED)
        else:
            responder = IdentityResponder(self.app, self.minimum_size)
        await responder(scope, receive, send)
