"""Keeping secrets out of logs: one-time tokens travel in some URLs (invitation, password
reset and unsubscribe links) and the identity provider's code and state in others."""

from __future__ import annotations

import logging
import re

# Path segments after these prefixes are tokens.
_TOKEN_PATH = re.compile(r"(/(?:invitations|password/reset|unsubscribe)/)[^/?#\s\"]+")
# Query parameters that carry secrets.
_SECRET_QUERY = re.compile(r"([?&](?:code|state|token|session_state)=)[^&#\s\"]*")


def redact(text: str) -> str:
    return _SECRET_QUERY.sub(r"\1[redacted]", _TOKEN_PATH.sub(r"\1[redacted]", text))


class RedactingFilter(logging.Filter):
    """Rewrites a record's message and arguments with ``redact`` (uvicorn's access log
    passes the request line as an argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


# A logger's filters see only the records logged through it (not its children's).
LOGGERS = ("uvicorn.access", "uvicorn.error", "podium", "podium.jobs", "podium.mail",
           "podium.sso", "procrastinate")


def install(logger_names: tuple[str, ...] = LOGGERS) -> None:
    """Add the filter to the loggers that may print request paths (once per logger)."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
