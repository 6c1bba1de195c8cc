"""What the sign-in, password and forgotten-password pages post."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from app.content.forms import CsrfForm, Token

# An address is at most 254 characters; the page says so past the ceiling's reach.
EmailText = Annotated[str, Field(max_length=1000)]
# Passwords are checked by the policy (app/security/passwords.py), which allows far less.
PasswordText = Annotated[str, Field(max_length=5000)]


class LoginForm(CsrfForm):
    """An email and password, and the page to go to once signed in (a local path)."""

    email: EmailText = ""
    password: PasswordText = ""
    next: Annotated[str, Field(max_length=2000)] = "/"


class ChangePasswordForm(CsrfForm):
    """One's own password changed: the current one, the new one twice."""

    current_password: PasswordText = ""
    new_password: PasswordText = ""
    confirm_password: PasswordText = ""


class ForgotForm(CsrfForm):
    """The address to send a reset link to."""

    email: EmailText = ""


class NewPasswordForm(CsrfForm):
    """A new password, twice (a reset link's page and an invitation's)."""

    password: PasswordText = ""
    confirm_password: PasswordText = ""


class TimeZoneForm(CsrfForm):
    """The zone one's dates and times are shown in ("" for the organisation's)."""

    time_zone: Token = ""
