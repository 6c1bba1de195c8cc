"""Security events (sign-ins, sign-outs, password changes, account changes) as one line
each on the ``podium.security`` logger: JSON in production, readable in development.
Every value is stripped of line breaks and control characters, so no one can write a
fake line into the log; passwords and tokens are never among the values."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from app.models import utcnow
from app.security import context

log = logging.getLogger("podium.security")

_UNSAFE = re.compile("[\x00-\x1f\x7f\u2028\u2029]")

# Event names: a stable vocabulary for whoever reads or alerts on the log.
SIGN_IN = "sign-in.succeeded"
SIGN_IN_FAILED = "sign-in.failed"
LOCKED_OUT = "sign-in.locked-out"
CLIENT_THROTTLED = "sign-in.client-throttled"
SPRAY_SUSPECTED = "sign-in.spray-suspected"
SIGN_OUT = "sign-out"
SSO_SIGN_IN = "sso.sign-in"
SSO_REFUSED = "sso.refused"
PASSWORD_CHANGED = "password.changed"  # noqa: S105 (an event name)
PASSWORD_RESET = "password.reset"  # noqa: S105
PASSWORD_SET_BY_ADMIN = "password.set-by-admin"  # noqa: S105
INVITATION_ACCEPTED = "invitation.accepted"
ROLE_CHANGED = "account.role-changed"
ACCOUNT_DISABLED = "account.disabled"
ACCOUNT_ENABLED = "account.enabled"


def neutral(value: Any) -> Any:
    """A value safe to print on one log line."""
    if isinstance(value, str):
        return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)[:500]
    return value


def record(event: str, *, user_id: int | None = None, level: int = logging.INFO,
           **fields: Any) -> None:
    """Log one event with the request's id, client and user agent."""
    ctx = context.current()
    entry = {"time": utcnow().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
             "event": event,
             "user_id": user_id if user_id is not None else ctx.user_id,
             "request_id": ctx.request_id or None, "client": ctx.client or None,
             "user_agent": ctx.user_agent or None}
    entry.update(fields)
    log.log(level, event, extra={"podium_event": {k: neutral(v) for k, v in entry.items()}})


class EventFormatter(logging.Formatter):
    """JSON (production) or ``key=value`` (development) for records made by ``record``;
    other records as plain messages."""

    def __init__(self, *, as_json: bool) -> None:
        super().__init__()
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        entry = getattr(record, "podium_event", None)
        if entry is None:
            return neutral(super().format(record))
        entry = {"level": record.levelname.lower(), **entry}
        if self.as_json:
            return json.dumps(entry, ensure_ascii=False, default=str)
        head = f"{entry.pop('time')} {entry.pop('level').upper():<7} {entry.pop('event')}"
        return head + "".join(f" {key}={_readable(value)}" for key, value in entry.items()
                              if value is not None)


def _readable(value: Any) -> str:
    text = neutral(str(value))
    return json.dumps(text, ensure_ascii=False) if (" " in text or not text) else text


def configure(*, as_json: bool) -> None:
    """Give the security log its own handler and format (once per process)."""
    if any(isinstance(h.formatter, EventFormatter) for h in log.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(EventFormatter(as_json=as_json))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
