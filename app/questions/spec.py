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
    text_format: TextFormat = TextFormat.moodle
    feedback_format: TextFormat = TextFormat.moodle


@dataclass
class NumericalAnswer:
    """Accepted when ``value - tolerance <= x <= value + tolerance`` (a GIFT range
    ``{#a..b}`` is stored as its midpoint and half-width, as Moodle does). ``catch_all``
    is Moodle's "any other answer" (``*``, GIFT ``~#feedback``): it matches every number
    the answers before it did not, and ``value`` and ``tolerance`` are then unused."""

    value: float
    tolerance: float
    fraction: float
    feedback: str = ""
    feedback_format: TextFormat = TextFormat.moodle
    catch_all: bool = False


@dataclass
class MatchPair:
    """``question`` empty means an extra distractor answer (GIFT ``=->answer``)."""

    question: str
    answer: str
    question_format: TextFormat = TextFormat.moodle


@dataclass
class Question:
    type: QType
    text: str                                   # for missing-word: contains BLANK
    name: str = ""                              # GIFT ::title::
    text_format: TextFormat = TextFormat.moodle
    general_feedback: str = ""
    general_feedback_format: TextFormat = TextFormat.moodle
    choices: list[Choice] = field(default_factory=list)          # single, multiple, short
    numerical: list[NumericalAnswer] = field(default_factory=list)
    pairs: list[MatchPair] = field(default_factory=list)
    correct: bool | None = None                 # truefalse
    true_feedback: str = ""                     # truefalse: feedback when answering true
    false_feedback: str = ""                    # truefalse: feedback when answering false
    true_feedback_format: TextFormat = TextFormat.moodle
    false_feedback_format: TextFormat = TextFormat.moodle
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
        return asdict(self, dict_factory=_plain_dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Question:
        return cls(
            type=QType(data["type"]), text=data["text"], name=data.get("name", ""),
            text_format=_format(data, "text_format"),
            general_feedback=data.get("general_feedback", ""),
            general_feedback_format=_format(data, "general_feedback_format"),
            choices=[Choice(**_formats(c)) for c in data.get("choices", [])],
            numerical=[NumericalAnswer(**_formats(n)) for n in data.get("numerical", [])],
            pairs=[MatchPair(**_formats(p)) for p in data.get("pairs", [])],
            correct=data.get("correct"), true_feedback=data.get("true_feedback", ""),
            false_feedback=data.get("false_feedback", ""),
            true_feedback_format=_format(data, "true_feedback_format"),
            false_feedback_format=_format(data, "false_feedback_format"),
            id_number=data.get("id_number", ""),
            tags=list(data.get("tags", [])), category=data.get("category", ""),
            line=data.get("line", 0),
        )


def _plain_dict(items: list[tuple[str, Any]]) -> dict[str, Any]:
    """``asdict``'s dict factory: enums as their plain values, ready for JSON."""
    return {key: value.value if isinstance(value, StrEnum) else value for key, value in items}


def _format(data: dict[str, Any], key: str) -> TextFormat:
    """A stored text format; rows written before per-text formats existed have none."""
    return TextFormat(data.get(key) or TextFormat.moodle.value)


def _formats(data: dict[str, Any]) -> dict[str, Any]:
    """A stored choice, numerical answer or pair with its ``*_format`` keys as enums."""
    return {
        key: TextFormat(value) if key.endswith("_format") else value
        for key, value in data.items()
    }


BLANK = "_____"  # where a missing-word question's answer goes in its text


@dataclass(frozen=True)
class GiftWarning:
    line: int
    message: str
