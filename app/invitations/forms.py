"""What the admin's invitation buttons post (the invite form itself is an account's form:
``app.admin.forms.AccountForm``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from app.content.forms import CsrfForm, Token
from app.content.numbers import parse_id


class BackForm(CsrfForm):
    """Resend or revoke: ``back`` is ``list`` when the button was on the list of users."""

    back: Token = ""


class InviteImportedForm(CsrfForm):
    """The import report's "Send invitations": the ids of the accounts it touched, separated
    by commas."""

    user_ids: Annotated[str, Field(max_length=200_000)] = ""

    def ids(self) -> list[int]:
        """The ids (ASCII digits within a row id's range); anything else is left out."""
        return [number for part in self.user_ids.split(",")
                if (number := parse_id(part)) is not None]
