"""The course package as data: what a folder under ``courses/`` means, independent of the
database. ``package/`` reads and writes folders; ``app/authoring/import_export.py`` loads
specs into the database and back."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from app.questions.pools import PoolDraw

COMPLETION_RULES = ("all-required",)
# Lessons that are done by building something a trainer approves, not by reading.
ACTIVITY_KINDS = ("persona", "plan")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a package, at a file (relative to the package folder) and line."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class PackageError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# A quiz lesson's settings: its entry in the lessons of module.yaml.
class QuizReveal(StrEnum):
    after_submit = "after-submit"   # correct answers shown after each submitted attempt
    after_pass = "after-pass"  # noqa: S105  (once the quiz is passed or no attempts are left)
    never = "never"


class ScorePolicy(StrEnum):
    best = "best"
    last = "last"


@dataclass
class QuizSettings:
    pass_mark: int = 70                 # percent
    attempts: int = 0                   # 0 = unlimited
    shuffle: bool = True                # shuffle choices (and matching answers)
    time_limit: int | None = None       # minutes, enforced on the server
    score: ScorePolicy = ScorePolicy.best
    reveal: QuizReveal = QuizReveal.after_submit
    # Questions drawn at random per attempt (app/questions/pools.py): how many graded
    # questions in all (None: every question), and how many from named categories.
    draw: int | None = None
    pools: list[PoolDraw] = field(default_factory=list)


@dataclass
class LessonSpec:
    slug: str
    title: str
    minutes: int
    body: str  # Markdown, without front matter; links to other lessons stay as relative .md paths
    required: bool = True
    # "reading" (Markdown body), "quiz" (body is GIFT text), or an activity (ACTIVITY_KINDS:
    # a Markdown introduction; done when the trainer approves the executive's workbook)
    kind: str = "reading"
    quiz: QuizSettings | None = None  # set for kind "quiz"


@dataclass
class ModuleSpec:
    slug: str
    title: str
    summary: str
    lessons: list[LessonSpec] = field(default_factory=list)


@dataclass
class CourseSpec:
    slug: str
    title: str
    summary: str
    audience: str
    estimated_hours: float
    completion: str = "all-required"
    sequential: bool = False
    modules: list[ModuleSpec] = field(default_factory=list)
    # Images lessons show, by file name in the package's assets/ folder (content checked).
    assets: dict[str, bytes] = field(default_factory=dict, repr=False)

    def lesson_module(self) -> dict[str, str]:
        """lesson slug -> module slug"""
        return {lesson.slug: module.slug for module in self.modules for lesson in module.lessons}


def spec_to_dict(spec: CourseSpec) -> dict[str, Any]:
    """The course as JSON-ready data, without its assets (kept apart as files or rows)."""
    data = asdict(spec)
    data.pop("assets")
    return data


def spec_from_dict(data: dict[str, Any]) -> CourseSpec:
    modules = []
    for module in data.get("modules", []):
        lessons = []
        for lesson in module.get("lessons", []):
            quiz = lesson.get("quiz")
            lessons.append(LessonSpec(**{
                **lesson,
                "quiz": None if quiz is None else QuizSettings(
                    **{**quiz, "score": ScorePolicy(quiz["score"]),
                       "reveal": QuizReveal(quiz["reveal"]),
                       "pools": [PoolDraw(**pool) for pool in quiz.get("pools", [])]})}))
        modules.append(ModuleSpec(**{**module, "lessons": lessons}))
    return CourseSpec(**{**data, "modules": modules})
