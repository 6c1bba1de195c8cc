"""Platform text limits and how each platform counts characters: the one implementation
behind the live counters in the browser (which ask the server) and the checks on save.

X counts a post with weights (twitter-text 3): every link counts as 23 whatever its
length, CJK characters and emoji count 2, text is NFC-normalised first (so "é" typed as
"e" plus a combining accent counts 1). Everything else is counted in Unicode characters
after the same normalisation. Line breaks count 1 whatever the browser sent (CRLF).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from twitter_text import parse_tweet

# Beyond this many characters an X-counted text is refused without parsing: no text this
# long fits 280 weighted characters unless it is one absurd link, and parsing grows with it.
X_PARSE_CEILING = 4_000
WARN_SHARE = 0.9  # the counter warns from 90 % of the limit


class Counting(StrEnum):
    CHARACTERS = "characters"
    X = "x"


@dataclass(frozen=True)
class TextLimit:
    key: str
    label: str
    maximum: int
    counting: Counting = Counting.CHARACTERS

    @property
    def warn_from(self) -> int:
        return int(self.maximum * WARN_SHARE)

    @property
    def rule(self) -> str:
        if self.counting is Counting.X:
            return (f"{self.maximum:,} characters as X counts them "
                    "(a link counts 23, emoji and CJK 2)")
        return f"{self.maximum:,} characters"


LIMITS: dict[str, TextLimit] = {
    limit.key: limit
    for limit in (
        TextLimit("x-name", "X display name", 50),
        TextLimit("x-bio", "X bio", 160),
        TextLimit("x-post", "X post", 280, Counting.X),
        TextLimit("linkedin-headline", "LinkedIn headline", 220),
        TextLimit("linkedin-about", "LinkedIn About section", 2_600),
        TextLimit("linkedin-post", "LinkedIn post", 3_000),
        TextLimit("instagram-caption", "Instagram caption", 2_200),
        TextLimit("threads-post", "Threads post", 500),
        TextLimit("youtube-description", "YouTube description", 5_000),
    )
}

LINKEDIN_SEE_MORE = 200  # about this many characters of the About section show before "see more"


def normalise(text: str) -> str:
    """The text as stored and counted: line breaks as LF, NFC-normalised."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def count(text: str, counting: Counting) -> int:
    text = normalise(text)
    if counting is Counting.X:
        if len(text) > X_PARSE_CEILING:
            return len(text)
        return _x_length(text)
    return len(text)


@lru_cache(maxsize=256)
def _x_length(text: str) -> int:
    """X's weighted length of a normalised text (at most X_PARSE_CEILING characters):
    remembered for the few texts just counted, as one save counts each one more than
    once (the check on save, what blocks submission, the counter)."""
    return parse_tweet(text).weightedLength


@dataclass(frozen=True)
class Measure:
    """A text measured against a limit: what the counter shows and the check enforces."""

    used: int
    limit: TextLimit

    @property
    def remaining(self) -> int:
        return self.limit.maximum - self.used

    @property
    def state(self) -> str:
        """"ok", "near" (warn: close to the limit) or "over"."""
        if self.used > self.limit.maximum:
            return "over"
        return "near" if self.used >= self.limit.warn_from else "ok"

    @property
    def over(self) -> bool:
        return self.used > self.limit.maximum

    @property
    def message(self) -> str | None:
        if not self.over:
            return None
        excess = self.used - self.limit.maximum
        unit = "character" if excess == 1 else "characters"
        return (f"{excess:,} {unit} over the limit: the {self.limit.label} takes at most "
                f"{self.limit.rule}.")


def measure(text: str, limit: TextLimit | str) -> Measure:
    limit = LIMITS[limit] if isinstance(limit, str) else limit
    return Measure(count(text, limit.counting), limit)


def see_more_split(text: str) -> tuple[str, str]:
    """The About section as LinkedIn shows it: what is visible before "see more", and the
    rest (split at a word boundary near the cut, never inside a word when avoidable)."""
    text = normalise(text)
    if len(text) <= LINKEDIN_SEE_MORE:
        return text, ""
    cut = text.rfind(" ", LINKEDIN_SEE_MORE - 40, LINKEDIN_SEE_MORE + 1)
    cut = LINKEDIN_SEE_MORE if cut <= 0 else cut
    return text[:cut], text[cut:]
