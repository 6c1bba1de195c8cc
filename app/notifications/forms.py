"""What the notification settings page posts."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from app.content.forms import CsrfForm


class PreferencesForm(CsrfForm):
    """The categories whose notifications also come by email, one value per ticked box (an
    unknown category is ignored; there are far fewer than 40)."""

    email: Annotated[list[Annotated[str, Field(max_length=1000)]], Field(max_length=40)] = []
