"""Quizzes in course packages: ``- quiz: slug`` entries in a module's lesson list with the
Moodle GIFT file ``slug.gift`` beside the lessons; checking, loading and canonical writing."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.courses.package import check_package, load_package, package_warnings, write_package
from app.courses.package.reader import quiz_default_minutes
from app.courses.spec import (
    LessonSpec,
    PackageError,
    Problem,
    QuizReveal,
    QuizSettings,
    ScorePolicy,
)
from app.questions.gift.reader import parse_gift
from app.questions.spec import QType
from tests.courses.test_package import (
    ADVANCED_YAML,
    INTRO_YAML,
    NAME,
    assert_problem,
    lesson,
    make_package,
    one_problem,
    tree,
)

QUIZ_GIFT = """\
// Check your understanding

::Intro::[html]<p>Three questions about the basics.</p>

::Capital::What is the capital of France?{
\t=Paris#Right.
\t~London#No.
}

::Sun::The sun is a star.{T}

::Why::Why does it matter?{}
"""

FULL_ENTRY = """\
  - quiz: check-your-understanding
    title: Check your understanding
    minutes: 10
    required: false
    pass_mark: 80
    attempts: 3
    shuffle: false
    time_limit: 15
    score: last
    reveal: after-pass
"""


def with_quiz(entry: str = "  - quiz: module-quiz\n    title: Module quiz\n") -> str:
    return INTRO_YAML + entry


def quiz_package(
    root: Path,
    entry: str = "  - quiz: module-quiz\n    title: Module quiz\n",
    gift: str | None = QUIZ_GIFT,
    name: str = "module-quiz",
    extra: dict[str, str | None] | None = None,
) -> Path:
    changes: dict[str, str | None] = {"intro/module.yaml": with_quiz(entry)}
    if gift is not None:
        changes[f"intro/{name}.gift"] = gift
    return make_package(root, {**changes, **(extra or {})})


def quiz_of(folder: Path) -> LessonSpec:
    return load_package(folder).modules[0].lessons[-1]


# --------------------------------------------------------------------------- loading


def test_quiz_with_defaults_loads(tmp_path: Path) -> None:
    folder = quiz_package(tmp_path)
    assert check_package(folder) == []
    course = load_package(folder)
    assert [item.slug for item in course.modules[0].lessons] == ["welcome", "basics", "module-quiz"]
    assert course.modules[0].lessons[-1] == LessonSpec(
        slug="module-quiz",
        title="Module quiz",
        minutes=3,  # one per graded question: the description does not count
        body=QUIZ_GIFT,
        required=True,
        kind="quiz",
        quiz=QuizSettings(),
    )


def test_quiz_with_every_setting_loads(tmp_path: Path) -> None:
    quiz = quiz_of(quiz_package(tmp_path, FULL_ENTRY, name="check-your-understanding"))
    assert (quiz.slug, quiz.title, quiz.minutes, quiz.required, quiz.kind) == (
        "check-your-understanding",
        "Check your understanding",
        10,
        False,
        "quiz",
    )
    assert quiz.quiz == QuizSettings(
        pass_mark=80,
        attempts=3,
        shuffle=False,
        time_limit=15,
        score=ScorePolicy.last,
        reveal=QuizReveal.after_pass,
    )


def test_quiz_body_parses_into_the_questions(tmp_path: Path) -> None:
    quiz = quiz_of(quiz_package(tmp_path))
    questions, warnings = parse_gift(quiz.body)
    assert warnings == []
    assert [q.type for q in questions] == [
        QType.description,
        QType.single,
        QType.truefalse,
        QType.essay,
    ]


def test_quiz_may_come_first_and_modules_may_hold_only_quizzes(tmp_path: Path) -> None:
    folder = make_package(
        tmp_path,
        {
            "intro/module.yaml": INTRO_YAML.replace(
                "lessons:\n", "lessons:\n  - quiz: pre-test\n    title: Pre-test\n"
            ),
            "intro/pre-test.gift": QUIZ_GIFT,
            "advanced/module.yaml": ADVANCED_YAML.replace(
                "  - deep-dive\n", "  - quiz: final\n    title: Final\n"
            ),
            "advanced/deep-dive.md": None,
            "intro/basics.md": lesson("basics", "The basics.\n"),
            "advanced/final.gift": QUIZ_GIFT,
        },
    )
    course = load_package(folder)
    assert [item.slug for item in course.modules[0].lessons] == ["pre-test", "welcome", "basics"]
    assert [item.kind for item in course.modules[1].lessons] == ["quiz"]


def test_body_is_normalised(tmp_path: Path) -> None:
    raw = "\ufeff" + QUIZ_GIFT.replace("\n", "\r\n") + "\r\n\r\n  \r\n"
    path = quiz_package(tmp_path, gift=None) / "intro" / "module-quiz.gift"
    path.write_bytes(raw.encode("utf-8"))
    assert quiz_of(path.parent.parent).body == QUIZ_GIFT


def test_default_minutes_are_at_least_one_and_at_most_120(tmp_path: Path) -> None:
    assert quiz_default_minutes("Q?{T}\n") == 1
    assert quiz_default_minutes(QUIZ_GIFT) == 3
    many = "\n\n".join(f"Q{i}?{{T}}" for i in range(130)) + "\n"
    assert quiz_default_minutes(many) == 120
    assert quiz_default_minutes("broken{") is None
    assert quiz_of(quiz_package(tmp_path, gift=many)).minutes == 120


# --------------------------------------------------------------------------- problems


@pytest.mark.parametrize(
    ("entry", "line", "fragments"),
    [
        (
            "  - quiz: module-quiz\n    title: Q\n    colour: red\n",
            8,
            ["unknown key 'colour' in quiz entry", "allowed: quiz, title, minutes"],
        ),
        ("  - quiz: module-quiz\n", 6, ["missing required key 'title' in quiz entry"]),
        ("  - quiz: module-quiz\n    title:\n", 7, ["'title' must not be empty"]),
        ("  - quiz: module-quiz\n    title: [a, b]\n", 7, ["'title' must be text"]),
        ("  - quiz: module-quiz\n    title: Q\n    minutes: 0\n", 8, ["'minutes'", "1 to 120"]),
        ("  - quiz: module-quiz\n    title: Q\n    minutes: 121\n", 8, ["1 to 120"]),
        ("  - quiz: module-quiz\n    title: Q\n    minutes: 2.5\n", 8, ["whole number"]),
        ("  - quiz: module-quiz\n    title: Q\n    minutes:\n", 8, ["'minutes'"]),
        ("  - quiz: module-quiz\n    title: Q\n    required: maybe\n", 8, ["true or false"]),
        ("  - quiz: module-quiz\n    title: Q\n    pass_mark: 101\n", 8, ["0 to 100"]),
        ("  - quiz: module-quiz\n    title: Q\n    pass_mark: -1\n", 8, ["'pass_mark'"]),
        ("  - quiz: module-quiz\n    title: Q\n    pass_mark: 70%\n", 8, ["'pass_mark'"]),
        ("  - quiz: module-quiz\n    title: Q\n    attempts: -1\n", 8, ["'attempts'", "0"]),
        ("  - quiz: module-quiz\n    title: Q\n    attempts: true\n", 8, ["'attempts'"]),
        ("  - quiz: module-quiz\n    title: Q\n    shuffle: 1\n", 8, ["'shuffle'"]),
        ("  - quiz: module-quiz\n    title: Q\n    time_limit: 0\n", 8, ["1 to 600"]),
        ("  - quiz: module-quiz\n    title: Q\n    time_limit: 601\n", 8, ["1 to 600"]),
        ("  - quiz: module-quiz\n    title: Q\n    time_limit: ~\n", 8, ["'time_limit'"]),
        ("  - quiz: module-quiz\n    title: Q\n    score: worst\n", 8, ["best, last"]),
        (
            "  - quiz: module-quiz\n    title: Q\n    reveal: always\n",
            8,
            ["after-submit, after-pass, never"],
        ),
        (
            "  - quiz: module-quiz\n    title: Q\n    title: Again\n",
            8,
            ["duplicate key 'title'", "line 7"],
        ),
    ],
)
def test_invalid_quiz_entries(tmp_path: Path, entry: str, line: int, fragments: list[str]) -> None:
    problem = one_problem(quiz_package(tmp_path, entry))
    assert_problem(problem, "intro/module.yaml", line, *fragments)


def test_invalid_quiz_slug(tmp_path: Path) -> None:
    problem = one_problem(
        quiz_package(tmp_path, "  - quiz: Module_Quiz\n    title: Q\n", gift=None)
    )
    assert_problem(problem, "intro/module.yaml", 6, "'Module_Quiz' is not a valid slug")


def test_every_problem_of_an_entry_at_once(tmp_path: Path) -> None:
    entry = "  - quiz: module-quiz\n    pass_mark: 200\n    score: top\n    extra: 1\n"
    problems = check_package(quiz_package(tmp_path, entry))
    assert [(p.file, p.line) for p in problems] == [
        (f"{NAME}/intro/module.yaml", n) for n in (9, 6, 7, 8)
    ]


def test_unknown_lesson_kind(tmp_path: Path) -> None:
    problem = one_problem(
        make_package(tmp_path, {"intro/module.yaml": with_quiz("  - video: v\n")})
    )
    assert_problem(problem, "intro/module.yaml", 6, "lesson kind 'video' is not supported")


def test_missing_gift_file(tmp_path: Path) -> None:
    problem = one_problem(quiz_package(tmp_path, gift=None))
    assert_problem(problem, "intro/module.yaml", 6, "quiz file 'module-quiz.gift' does not exist")


def test_gift_syntax_error_is_reported_in_the_gift_file(tmp_path: Path) -> None:
    gift = QUIZ_GIFT.replace("\t~London#No.\n}", "\t~London#No.\n")
    problem = one_problem(quiz_package(tmp_path, gift=gift))
    assert_problem(problem, "intro/module-quiz.gift", 5, "never closed")
    assert str(problem).startswith(f"{NAME}/intro/module-quiz.gift:5: ")


def test_gift_error_line_counts_leading_blank_lines(tmp_path: Path) -> None:
    problem = one_problem(quiz_package(tmp_path, gift="\n\n\nGood?{T}\n\nBad?{#x}\n"))
    assert_problem(problem, "intro/module-quiz.gift", 6, "is not a number")


def test_gift_error_and_entry_problems_together(tmp_path: Path) -> None:
    entry = "  - quiz: module-quiz\n    title: Q\n    attempts: many\n"
    problems = check_package(quiz_package(tmp_path, entry, gift="Q{"))
    assert [(p.file, p.line) for p in problems] == [
        (f"{NAME}/intro/module.yaml", 8),
        (f"{NAME}/intro/module-quiz.gift", 1),
    ]


@pytest.mark.parametrize(
    ("gift", "message"),
    [
        ("", "the quiz has no questions"),
        ("// only a comment\n", "the quiz has no questions"),
        ("Just a description.\n\n[html]<p>Another.</p>\n", "the quiz has no graded questions"),
    ],
)
def test_quiz_without_graded_questions(tmp_path: Path, gift: str, message: str) -> None:
    problem = one_problem(quiz_package(tmp_path, gift=gift))
    assert_problem(problem, "intro/module-quiz.gift", 1, message)


def test_invalid_utf8_gift_file(tmp_path: Path) -> None:
    folder = quiz_package(tmp_path, gift=None)
    (folder / "intro" / "module-quiz.gift").write_bytes(b"Q?{=caf\xe9 ~b}\n")
    problem = one_problem(folder)
    assert_problem(problem, "intro/module-quiz.gift", 1, "not valid UTF-8")


def test_unlisted_gift_file(tmp_path: Path) -> None:
    problem = one_problem(make_package(tmp_path, {"intro/extra.gift": QUIZ_GIFT}))
    assert_problem(problem, "intro/extra.gift", 1, "quiz file 'extra.gift' is not listed in")


def test_quiz_and_lesson_slugs_share_one_namespace(tmp_path: Path) -> None:
    folder = quiz_package(tmp_path, "  - quiz: welcome\n    title: Q\n", name="welcome")
    problem = one_problem(folder)
    assert_problem(
        problem,
        "intro/module.yaml",
        6,
        "duplicate lesson slug 'welcome'",
        "first listed at test-course/intro/module.yaml:4",
    )


def test_quiz_slugs_are_unique_across_modules(tmp_path: Path) -> None:
    folder = quiz_package(
        tmp_path,
        extra={
            "advanced/module.yaml": ADVANCED_YAML + "  - quiz: module-quiz\n    title: Again\n",
            "advanced/module-quiz.gift": QUIZ_GIFT,
        },
    )
    problem = one_problem(folder)
    assert_problem(
        problem,
        "advanced/module.yaml",
        5,
        "duplicate lesson slug 'module-quiz'",
        "first listed at test-course/intro/module.yaml:6",
    )


def test_a_quiz_needs_its_gift_file_not_a_markdown_file(tmp_path: Path) -> None:
    folder = quiz_package(
        tmp_path, gift=None, extra={"intro/module-quiz.md": lesson("module-quiz", "Text.\n")}
    )
    problems = check_package(folder)
    assert [(p.file, p.line) for p in problems] == [
        (f"{NAME}/intro/module.yaml", 6),
        (f"{NAME}/intro/module-quiz.md", 1),
    ]
    assert "quiz file 'module-quiz.gift' does not exist" in problems[0].message
    assert "lesson file 'module-quiz.md' is not listed" in problems[1].message


def test_a_lesson_needs_its_markdown_file_not_a_gift_file(tmp_path: Path) -> None:
    folder = make_package(
        tmp_path, {"intro/module.yaml": INTRO_YAML + "  - recap\n", "intro/recap.gift": QUIZ_GIFT}
    )
    problems = check_package(folder)
    assert [p.message for p in problems] == [
        "lesson file 'recap.md' does not exist",
        f"quiz file 'recap.gift' is not listed in {NAME}/intro/module.yaml",
    ]


def test_links_to_a_quiz_are_not_lesson_links(tmp_path: Path) -> None:
    folder = quiz_package(
        tmp_path,
        extra={"intro/welcome.md": lesson("welcome", "See [the quiz](module-quiz.md).\n")},
    )
    problem = one_problem(folder)
    assert_problem(problem, "intro/welcome.md", 7, "broken link 'module-quiz.md'")


def test_load_package_raises_for_quiz_problems(tmp_path: Path) -> None:
    with pytest.raises(PackageError) as caught:
        load_package(quiz_package(tmp_path, gift="Q?{=a ~b"))
    assert caught.value.problems == [
        Problem(f"{NAME}/intro/module-quiz.gift", 1, caught.value.problems[0].message)
    ]


# --------------------------------------------------------------------------- warnings


def test_gift_warnings_are_not_problems(tmp_path: Path) -> None:
    gift = QUIZ_GIFT + "\n::Lower::Is it?{true}\n\nHow many?{#3:1 ~oops#Wrong.}\n"
    folder = quiz_package(tmp_path, gift=gift)
    assert check_package(folder) == []
    warnings = package_warnings(folder)
    assert [(w.file, w.line) for w in warnings] == [
        (f"{NAME}/intro/module-quiz.gift", 14),
        (f"{NAME}/intro/module-quiz.gift", 14),
        (f"{NAME}/intro/module-quiz.gift", 16),
    ]
    assert "capitals" in warnings[0].message
    assert "any other answer" in warnings[2].message
    assert quiz_of(folder).body == gift


def test_clean_package_has_no_warnings(tmp_path: Path) -> None:
    assert package_warnings(quiz_package(tmp_path)) == []


# --------------------------------------------------------------------------- writing


def test_canonical_package_with_quizzes_is_reproduced_byte_for_byte(tmp_path: Path) -> None:
    folder = make_package(
        tmp_path / "src",
        {
            "intro/module.yaml": with_quiz(
                "  - quiz: defaults\n    title: 'Defaults: all of them'\n" + FULL_ENTRY
            ),
            "intro/defaults.gift": QUIZ_GIFT,
            "intro/check-your-understanding.gift": QUIZ_GIFT.replace("Capital", "Capital 2"),
            "advanced/module.yaml": ADVANCED_YAML
            + "  - quiz: final\n    title: Final\n    minutes: 3\n    pass_mark: 0\n",
            "advanced/final.gift": "Q?{T}\n\nR?{F}\n",
        },
    )
    assert check_package(folder) == []
    written = write_package(load_package(folder), tmp_path / "out")
    assert tree(written) == tree(folder)


def test_load_write_load_gives_an_equal_spec(tmp_path: Path) -> None:
    course = load_package(
        quiz_package(tmp_path / "src", FULL_ENTRY, name="check-your-understanding")
    )
    again = load_package(write_package(course, tmp_path / "out"))
    assert again == course


def test_written_quiz_entry_is_canonical(tmp_path: Path) -> None:
    course = load_package(quiz_package(tmp_path / "src"))
    quiz = course.modules[0].lessons[-1]
    quiz.minutes = 3  # the default: left out
    quiz.quiz = QuizSettings(
        pass_mark=50,
        attempts=1,
        shuffle=True,
        time_limit=600,
        score=ScorePolicy.best,
        reveal=QuizReveal.never,
    )
    quiz.title = "Quiz: the basics"
    folder = write_package(course, tmp_path / "out")
    assert (folder / "intro" / "module.yaml").read_text(encoding="utf-8") == (
        "title: Introduction\n"
        "summary: Getting started.\n"
        "lessons:\n"
        "  - welcome\n"
        "  - basics\n"
        "  - quiz: module-quiz\n"
        "    title: 'Quiz: the basics'\n"
        "    pass_mark: 50\n"
        "    attempts: 1\n"
        "    time_limit: 600\n"
        "    reveal: never\n"
    )
    assert (folder / "intro" / "module-quiz.gift").read_text(encoding="utf-8") == QUIZ_GIFT


def test_written_minutes_when_not_the_default(tmp_path: Path) -> None:
    course = load_package(quiz_package(tmp_path / "src"))
    course.modules[0].lessons[-1].minutes = 4
    folder = write_package(course, tmp_path / "out")
    assert "    minutes: 4\n" in (folder / "intro" / "module.yaml").read_text(encoding="utf-8")
    assert quiz_of(folder).minutes == 4


def test_quiz_without_settings_is_written_with_the_defaults(tmp_path: Path) -> None:
    course = load_package(quiz_package(tmp_path / "src"))
    course.modules[0].lessons[-1].quiz = None
    folder = write_package(course, tmp_path / "out")
    assert quiz_of(folder).quiz == QuizSettings()


def test_gift_body_is_written_unchanged(tmp_path: Path) -> None:
    course = load_package(quiz_package(tmp_path / "src"))
    odd = "//  hand-written\n\n\n::A::   Q?{ = a ~ b }\n"
    course.modules[0].lessons[-1].body = odd
    folder = write_package(course, tmp_path / "out")
    assert (folder / "intro" / "module-quiz.gift").read_bytes() == odd.encode("utf-8")


def test_write_package_removes_stale_gift_files(tmp_path: Path) -> None:
    quiz_package(tmp_path, extra={"advanced/old-quiz.gift": QUIZ_GIFT})
    course = load_package(quiz_package(tmp_path / "clean"))
    folder = write_package(course, tmp_path)
    assert not (folder / "advanced" / "old-quiz.gift").exists()
    assert tree(folder) == tree(tmp_path / "clean" / NAME)


def test_unknown_lesson_kind_cannot_be_written(tmp_path: Path) -> None:
    course = load_package(quiz_package(tmp_path / "src"))
    course.modules[0].lessons[-1].kind = "video"
    with pytest.raises(ValueError, match="lesson kind 'video'"):
        write_package(course, tmp_path / "out")
