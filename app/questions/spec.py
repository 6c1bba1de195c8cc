"""Quiz questions as data, independent of the database and of GIFT. ``gift/`` reads and
writes them as Moodle GIFT text; ``app/quizzes/grading.py`` scores responses against them;
the database stores them as JSON (``to_dict`` / ``from_dict``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class QType(StrEnum):
    single = "single"            # multiple choice, one answer (GIFT: one "=" among "~")
    multiple = "multiple"        # multiple choice, several answers (GIFT: "~%50%", no "=")
    truefalse = "truefalse"
    short = "short"              # short answer: accepted texts, case-insensitive, "*" wildcard
    numerical = "numerical"
    matching = "matching"
    essay = "essay"              # free text, graded later by a trainer
    description = "description"  # text only, no answer


class TextFormat(StrEnum):
    moodle = "moodle"
    html = "html"
    plain = "plain"
    markdown = "markdown"


@dataclass
class Choice:
    """An answer of single/multiple/short questions. ``fraction`` is the share of the
    question's mark it earns, from -1.0 to 1.0 (GIFT "=" is 1.0, "~" is 0.0, "~%50%" 0.5)."""

    text: str
    fraction: float
    feedback: str = ""


@dataclass
class NumericalAnswer:
    """Accepted when ``value - tolerance <= x <= value + tolerance`` (a GIFT range
    ``{#a..b}`` is stored as its midpoint and half-width, as Moodle does)."""

    value: float
    tolerance: float
    fraction: float
    feedback: str = ""


@dataclass
class MatchPair:
    """``question`` empty means an extra distractor answer (GIFT ``=->answer``)."""

    question: str
    answer: str


@dataclass
class Question:
    type: QType
    text: str                                   # for missing-word: contains BLANK
    name: str = ""                              # GIFT ::title::
    text_format: TextFormat = TextFormat.moodle
    general_feedback: str = ""
    choices: list[Choice] = field(default_factory=list)          # single, multiple, short
    numerical: list[NumericalAnswer] = field(default_factory=list)
    pairs: list[MatchPair] = field(default_factory=list)
    correct: bool | None = None                 # truefalse
    true_feedback: str = ""                     # truefalse: feedback when answering true
    false_feedback: str = ""                    # truefalse: feedback when answering false
    id_number: str = ""                         # GIFT // [id:...]
    tags: list[str] = field(default_factory=list)  # GIFT // [tag:...]
    category: str = ""                          # from the last $CATEGORY: line
    line: int = 0                               # where the question starts in its file

    @property
    def graded(self) -> bool:
        return self.type not in (QType.description,)

    @property
    def auto_graded(self) -> bool:
        return self.type not in (QType.description, QType.essay)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["type"] = self.type.value
        data["text_format"] = self.text_format.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Question:
        return cls(
            type=QType(data["type"]), text=data["text"], name=data.get("name", ""),
            text_format=TextFormat(data.get("text_format", "moodle")),
            general_feedback=data.get("general_feedback", ""),
            choices=[Choice(**c) for c in data.get("choices", [])],
            numerical=[NumericalAnswer(**n) for n in data.get("numerical", [])],
            pairs=[MatchPair(**p) for p in data.get("pairs", [])],
            correct=data.get("correct"), true_feedback=data.get("true_feedback", ""),
            false_feedback=data.get("false_feedback", ""), id_number=data.get("id_number", ""),
            tags=list(data.get("tags", [])), category=data.get("category", ""),
            line=data.get("line", 0),
        )


BLANK = "_____"  # where a missing-word question's answer goes in its text


@dataclass(frozen=True)
class GiftWarning:
    line: int
    message: str
