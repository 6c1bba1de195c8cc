"""What the lesson page posts besides its buttons: the reading time."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from app.content.forms import CsrfForm


class ReadingTimeForm(CsrfForm):
    """Seconds spent reading the lesson since the page's script last said (0 to 3,600: a
    number, not text, since only the script sends it)."""

    seconds: Annotated[int, Field(ge=0, le=3600)] = 0
