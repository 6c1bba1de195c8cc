"""SMTP delivery with the standard library: STARTTLS, implicit TLS, or a plain relay on
this machine; and the MIME message itself. The server's address (PODIUM_SMTP_URL) is read
and checked with the settings (``app.config.parse_smtp_url``)."""

from __future__ import annotations

import email.policy
import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

from app.config import SmtpConfig


class DeliveryError(Exception):
    """The server did not take the message. ``permanent``: retrying will not help."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


# Header lines up to RFC 5322's hard limit, so a long unsubscribe URL stays on its line.
POLICY = email.policy.SMTP.clone(max_line_length=998)


def build_message(*, sender: str, to_address: str, to_name: str | None, subject: str,
                  text: str, html: str, message_id: str, date: datetime,
                  unsubscribe_url: str | None) -> MimeMessage:
    message = MimeMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = formataddr((_one_line(to_name or ""), to_address))
    message["Subject"] = _one_line(subject)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe_url:
        # RFC 8058: mail providers unsubscribe with one POST, no page in between.
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send(config: SmtpConfig, message: MimeMessage, *, timeout: float,
         ca_file: Path | None = None) -> None:
    """Hand the message to the server; raises DeliveryError."""
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    try:
        if config.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=timeout,
                                                    context=context)
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=timeout)
        with client:
            if config.security == "starttls":
                client.starttls(context=context)
            if config.username:
                client.login(config.username, config.password or "")
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise DeliveryError(f"the recipient was refused ({', '.join(map(str, codes))})",
                            permanent=all(code >= 500 for code in codes)) from exc
    except (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused) as exc:
        # the server's settings or ours: worth retrying once they are fixed
        raise DeliveryError(f"{exc.smtp_code} {_reply(exc.smtp_error)}", permanent=False) from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"{exc.smtp_code} {_reply(exc.smtp_error)}",
                            permanent=exc.smtp_code >= 500) from exc
    except (smtplib.SMTPException, OSError) as exc:  # unreachable, timed out, TLS failed
        raise DeliveryError(f"{type(exc).__name__}: {exc}", permanent=False) from exc


def _reply(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _one_line(value: str) -> str:
    """Header values on one line: control characters (CR, LF and the rest) become spaces."""
    return " ".join("".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in value).split())
