"""One-time tokens and the identity provider's code and state never reach the logs."""

from __future__ import annotations

import logging

import pytest

from app.security.redact import redact

TOKEN = "Xy3_-abcdefghijklmnopqrstuvwxyz0123456789ABCDE"


@pytest.mark.parametrize(("line", "expected"), [
    (f"/invitations/{TOKEN}", "/invitations/[redacted]"),
    (f"/password/reset/{TOKEN}?x=1", "/password/reset/[redacted]?x=1"),
    (f"POST /unsubscribe/{TOKEN} HTTP/1.1", "POST /unsubscribe/[redacted] HTTP/1.1"),
    ("/sso/callback?code=abc&state=def&iss=https://id", "/sso/callback?code=[redacted]"
     "&state=[redacted]&iss=https://id"),
    ("/courses/leading/lessons/one", "/courses/leading/lessons/one"),
])
def test_redact(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_the_access_log_of_a_request_with_a_token_is_redacted(client, caplog) -> None:  # type: ignore[no-untyped-def]
    # the app installs the filter; uvicorn logs the request line as arguments, like this
    access = logging.getLogger("uvicorn.access")
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET",
                    f"/invitations/{TOKEN}", "1.1", 200)
        client.get(f"/password/reset/{TOKEN}")
    assert TOKEN not in caplog.text
    assert '"GET /invitations/[redacted] HTTP/1.1" 200' in caplog.text
