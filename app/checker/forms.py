"""What the checker's pages post: a draft to check, a phrase, an organisation, a closed
period."""

from __future__ import annotations

from pydantic import Field

from app.content.forms import CsrfForm, Line, Text, Token


class DraftForm(CsrfForm):
    """A draft to check (never stored): the text, the networks ticked, the day it would
    be posted (YYYY-MM-DD; empty: today), an image and its description, and whether AI
    helped write it."""

    draft: Text = ""
    networks: list[Token] = Field(default_factory=list, max_length=20)
    day: Token = ""
    has_image: Token = ""
    image_description: Line = ""
    ai_assisted: Token = ""


class PhraseForm(CsrfForm):
    """A phrase of the organisation's list."""

    phrase: Line = ""
    severity: Token = ""
    explanation: Line = ""
    lesson_slug: Token = ""
    section: Line = ""


class OrganisationForm(CsrfForm):
    """A customer or partner that posts must disclose."""

    name: Line = ""
    kind: Token = ""


class PeriodForm(CsrfForm):
    """A closed period: its label and first and last day (YYYY-MM-DD)."""

    label: Line = ""
    starts_on: Token = ""
    ends_on: Token = ""
