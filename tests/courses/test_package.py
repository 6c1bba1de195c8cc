"""Course package folders: checking (every problem with its file and line), loading,
canonical writing and lesson link resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.courses.package import check_package, load_package, write_package
from app.courses.package.format import is_valid_slug, lesson_link_target
from app.courses.spec import CourseSpec, LessonSpec, ModuleSpec, PackageError, Problem

SHIPPED = Path(__file__).resolve().parents[2] / "courses" / "executive-enablement"

NAME = "test-course"

COURSE_YAML = """\
title: Test course
slug: test-course
summary: A short course.
audience: Testers.
estimated_hours: 1
completion: all-required
sequential: false
modules:
  - intro
  - advanced
"""

INTRO_YAML = """\
title: Introduction
summary: Getting started.
lessons:
  - welcome
  - basics
"""

ADVANCED_YAML = """\
title: Advanced
summary: Going further.
lessons:
  - deep-dive
"""


def lesson(
    slug: str, body: str, *, title: str = "A lesson", minutes: str = "5", extra: str = ""
) -> str:
    return f"---\ntitle: {title}\nslug: {slug}\nminutes: {minutes}\n{extra}---\n\n{body}"


BASE: dict[str, str] = {
    "course.yaml": COURSE_YAML,
    "intro/module.yaml": INTRO_YAML,
    "advanced/module.yaml": ADVANCED_YAML,
    "intro/welcome.md": lesson(
        "welcome", "Welcome to the course. Next: [the basics](basics.md).\n", title="Welcome"
    ),
    "intro/basics.md": lesson(
        "basics",
        "The basics.\n\nSee also [a deep dive](../advanced/deep-dive.md#start).\n",
        title="The basics",
    ),
    "advanced/deep-dive.md": lesson(
        "deep-dive",
        "## Start\n\nDeep text.\n",
        title="A deep dive",
        minutes="12",
        extra="required: false\n",
    ),
}


def make_package(
    root: Path, changes: dict[str, str | None] | None = None, name: str = NAME
) -> Path:
    """The BASE package in root/<name>, with files replaced (text) or left out (None)."""
    files: dict[str, str | None] = {**BASE, **(changes or {})}
    folder = root / name
    for relative, text in files.items():
        if text is None:
            continue
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def one_problem(folder: Path) -> Problem:
    problems = check_package(folder)
    assert len(problems) == 1, problems
    return problems[0]


def assert_problem(problem: Problem, file: str, line: int, *fragments: str) -> None:
    assert (problem.file, problem.line) == (f"{NAME}/{file}", line), str(problem)
    for fragment in fragments:
        assert fragment in problem.message, str(problem)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --------------------------------------------------------------------------- shipped course


def test_shipped_package_is_clean() -> None:
    assert check_package(SHIPPED) == []


def test_shipped_package_loads_in_manifest_order() -> None:
    course = load_package(SHIPPED)
    assert course.slug == "executive-enablement"
    assert course.title == "Executive Enablement"
    assert [module.slug for module in course.modules] == [
        "why-executives-belong",
        "social-media-mechanics",
        "digital-persona",
        "social-selling",
        "social-media-leadership",
        "posting-within-the-rules",
        "leading-through-risk",
        "consistency-measurement-growth",
    ]
    lessons = [lesson for module in course.modules for lesson in module.lessons]
    assert len(lessons) == 38
    assert sum(1 for lesson in lessons if lesson.kind == "quiz") == 8
    assert [lesson.slug for lesson in lessons if not lesson.required] == [
        "sources-and-further-reading"]
    assert [(lesson.slug, lesson.kind) for lesson in lessons
            if lesson.kind not in ("reading", "quiz")] == [
        ("build-your-persona", "persona"),
        ("your-90-day-plan", "plan"),
    ]
    assert [lesson.slug for lesson in course.modules[0].lessons] == [
        "trust-and-transparency",
        "reach-and-changed-conversation",
        "accounts-and-networks",
        "why-executives-belong-quiz",
        "sources-and-further-reading",
    ]
    assert course.estimated_hours == 13.5
    assert course.completion == "all-required"
    assert course.sequential is False
    for module in course.modules:
        for item in module.lessons:
            assert item.body.endswith("\n")
            assert not item.body.endswith("\n\n")
            assert not item.body.startswith(("\n", "---"))
            assert 1 <= item.minutes <= 120


def test_writing_the_shipped_course_reproduces_every_file(tmp_path: Path) -> None:
    course = load_package(SHIPPED)
    written = write_package(course, tmp_path)
    assert written == tmp_path / "executive-enablement"
    assert tree(written) == tree(SHIPPED)


def test_load_write_load_gives_an_equal_spec(tmp_path: Path) -> None:
    course = load_package(SHIPPED)
    again = load_package(write_package(course, tmp_path))
    assert again == course


# --------------------------------------------------------------------------- the base package


def test_base_package_is_clean_and_loads(tmp_path: Path) -> None:
    folder = make_package(tmp_path)
    assert check_package(folder) == []
    course = load_package(folder)
    assert course == CourseSpec(
        slug="test-course",
        title="Test course",
        summary="A short course.",
        audience="Testers.",
        estimated_hours=1,
        modules=[
            ModuleSpec(
                slug="intro",
                title="Introduction",
                summary="Getting started.",
                lessons=[
                    LessonSpec(
                        slug="welcome",
                        title="Welcome",
                        minutes=5,
                        body="Welcome to the course. Next: [the basics](basics.md).\n",
                    ),
                    LessonSpec(
                        slug="basics",
                        title="The basics",
                        minutes=5,
                        body=(
                            "The basics.\n\n"
                            "See also [a deep dive](../advanced/deep-dive.md#start).\n"
                        ),
                    ),
                ],
            ),
            ModuleSpec(
                slug="advanced",
                title="Advanced",
                summary="Going further.",
                lessons=[
                    LessonSpec(
                        slug="deep-dive",
                        title="A deep dive",
                        minutes=12,
                        body="## Start\n\nDeep text.\n",
                        required=False,
                    )
                ],
            ),
        ],
    )


def test_base_package_is_canonical(tmp_path: Path) -> None:
    folder = make_package(tmp_path / "src")
    written = write_package(load_package(folder), tmp_path / "out")
    assert tree(written) == tree(folder)


def test_body_is_normalised(tmp_path: Path) -> None:
    folder = make_package(
        tmp_path,
        {
            "intro/welcome.md": "---\r\ntitle: Welcome\r\nslug: welcome\r\nminutes: 5\r\n---\r\n"
            "\r\n\r\n  \r\nHello.\r\n\r\n\r\n"
        },
    )
    welcome = load_package(folder).modules[0].lessons[0]
    assert welcome.body == "Hello.\n"


def test_optional_keys_default(tmp_path: Path) -> None:
    folder = make_package(
        tmp_path,
        {
            "course.yaml": COURSE_YAML.replace("completion: all-required\n", "").replace(
                "sequential: false\n", ""
            )
        },
    )
    course = load_package(folder)
    assert course.completion == "all-required"
    assert course.sequential is False
    assert course.modules[0].lessons[0].required is True


# --------------------------------------------------------------------------- problems


def test_load_package_raises_with_every_problem(tmp_path: Path) -> None:
    folder = make_package(tmp_path, {"course.yaml": COURSE_YAML.replace("title:", "titel:")})
    with pytest.raises(PackageError) as caught:
        load_package(folder)
    assert [(p.file, p.line) for p in caught.value.problems] == [
        ("test-course/course.yaml", 1),  # unknown key 'titel'
        ("test-course/course.yaml", 1),  # missing 'title'
    ]
    assert "test-course/course.yaml:1: unknown key 'titel'" in str(caught.value)


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    folder = make_package(
        tmp_path,
        {
            "course.yaml": COURSE_YAML.replace("estimated_hours: 1", "estimated_hours: -2"),
            "intro/basics.md": lesson("basics", "# Basics\n\nText.\n"),
            "advanced/deep-dive.md": lesson("deep-dive", "See [gone](missing.md).\n"),
        },
    )
    problems = check_package(folder)
    assert [(p.file, p.line) for p in problems] == [
        ("test-course/course.yaml", 5),
        ("test-course/intro/basics.md", 7),
        ("test-course/advanced/deep-dive.md", 7),
    ]
    assert "positive number" in problems[0].message
    assert "level-1 heading" in problems[1].message
    assert "broken link 'missing.md'" in problems[2].message


def test_missing_folder(tmp_path: Path) -> None:
    problems = check_package(tmp_path / "nowhere")
    assert problems == [Problem("nowhere", 1, "package folder does not exist")]


def test_missing_course_yaml(tmp_path: Path) -> None:
    problem = one_problem(make_package(tmp_path, {"course.yaml": None}))
    assert_problem(problem, "course.yaml", 1, "course.yaml is missing")


def test_missing_module_yaml(tmp_path: Path) -> None:
    problem = one_problem(make_package(tmp_path, {"advanced/module.yaml": None}))
    assert_problem(problem, "advanced/module.yaml", 1, "module.yaml is missing")


def test_course_yaml_syntax_error(tmp_path: Path) -> None:
    text = COURSE_YAML.replace("summary: A short course.", "summary: A: short course.")
    problem = one_problem(make_package(tmp_path, {"course.yaml": text}))
    assert_problem(problem, "course.yaml", 3, "YAML syntax error")


def test_module_yaml_syntax_error(tmp_path: Path) -> None:
    text = INTRO_YAML.replace("  - basics", "  - basics\n   bad: [")
    problem = one_problem(make_package(tmp_path, {"intro/module.yaml": text}))
    assert problem.file == f"{NAME}/intro/module.yaml"
    assert problem.line in (5, 6)
    assert "YAML syntax error" in problem.message


def test_front_matter_syntax_error_counts_file_lines(tmp_path: Path) -> None:
    text = "---\ntitle: Welcome\nslug: welcome\nminutes: 5: 6\n---\n\nHello.\n"
    problem = one_problem(make_package(tmp_path, {"intro/welcome.md": text}))
    assert_problem(problem, "intro/welcome.md", 4, "YAML syntax error")


def test_course_yaml_must_be_a_mapping(tmp_path: Path) -> None:
    problem = one_problem(make_package(tmp_path, {"course.yaml": "- a\n- b\n"}))
    assert_problem(problem, "course.yaml", 1, "must be a mapping")


@pytest.mark.parametrize(
    "key", ["title", "slug", "summary", "audience", "estimated_hours", "modules"]
)
def test_missing_course_key(tmp_path: Path, key: str) -> None:
    lines = COURSE_YAML.splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(f"{key}:")]
    if key == "modules":
        kept = [line for line in kept if not line.startswith("  - ")]
        # without a module list the module folders cannot be checked
    problem = one_problem(make_package(tmp_path, {"course.yaml": "".join(kept)}))
    assert_problem(problem, "course.yaml", 1, f"missing required key '{key}'")


@pytest.mark.parametrize(
    ("old", "new", "line", "key"),
    [
        ("title: Test course", "title:", 1, "title"),
        ("summary: A short course.", 'summary: "  "', 3, "summary"),
        ("audience: Testers.", "audience: ~", 4, "audience"),
    ],
)
def test_empty_course_key(tmp_path: Path, old: str, new: str, line: int, key: str) -> None:
    problem = one_problem(make_package(tmp_path, {"course.yaml": COURSE_YAML.replace(old, new)}))
    assert_problem(problem, "course.yaml", line, f"'{key}' must not be empty")


def test_empty_module_list(tmp_path: Path) -> None:
    text = COURSE_YAML.split("modules:")[0] + "modules: []\n"
    problems = check_package(make_package(tmp_path, {"course.yaml": text}))
    assert problems[0] == Problem(f"{NAME}/course.yaml", 8, "'modules' must not be empty")


@pytest.mark.parametrize("key", ["title", "summary", "lessons"])
def test_missing_module_key(tmp_path: Path, key: str) -> None:
    text = "".join(
        line
        for line in ADVANCED_YAML.splitlines(keepends=True)
        if not line.startswith(f"{key}:") and not (key == "lessons" and line.startswith("  -"))
    )
    changes: dict[str, str | None] = {"advanced/module.yaml": text}
    if key == "lessons":
        changes["advanced/deep-dive.md"] = None
    problem = one_problem(make_package(tmp_path, changes))
    assert_problem(problem, "advanced/module.yaml", 1, f"missing required key '{key}'")


@pytest.mark.parametrize("key", ["title", "slug", "minutes"])
def test_missing_front_matter_key(tmp_path: Path, key: str) -> None:
    text = "".join(
        line
        for line in BASE["intro/welcome.md"].splitlines(keepends=True)
        if not line.startswith(f"{key}:")
    )
    problem = one_problem(make_package(tmp_path, {"intro/welcome.md": text}))
    # reported where the front matter mapping starts
    assert_problem(problem, "intro/welcome.md", 2, f"missing required key '{key}'")


def test_empty_front_matter(tmp_path: Path) -> None:
    folder = make_package(tmp_path, {"intro/welcome.md": "---\n---\n\nHello.\n"})
    problems = check_package(folder)
    assert [(p.file, p.line) for p in problems] == [(f"{NAME}/intro/welcome.md", 1)] * 3
    assert [p.message for p in problems] == [
        f"missing required key '{key}' in front matter" for key in ("title", "slug", "minutes")
    ]


def test_unknown_course_key(tmp_path: Path) -> None:
    text = COURSE_YAML.replace("sequential: false\n", "sequential: false\nprice: 10\n")
    problem = one_problem(make_package(tmp_path, {"course.yaml": text}))
    assert_problem(problem, "course.yaml", 8, "unknown key 'price' in course.yaml")


def test_unknown_module_key(tmp_path: Path) -> None:
    text = ADVANCED_YAML.replace("summary:", "level: 3\nsummary:")
    problem = one_problem(make_package(tmp_path, {"advanced/module.yaml": text}))
    assert_problem(problem, "advanced/module.yaml", 2, "unknown key 'level' in module.yaml")


def test_unknown_front_matter_key(tmp_path: Path) -> None:
    text = lesson("welcome", "Hello.\n", extra="author: Ann\n")
    problem = one_problem(make_package(tmp_path, {"intro/welcome.md": text}))
    assert_problem(problem, "intro/welcome.md", 5, "unknown key 'author' in front matter")


def test_duplicate_key(tmp_path: Path) -> None:
    text = COURSE_YAML + "title: Again\n"
    problem = one_problem(make_package(tmp_path, {"course.yaml": text}))
    assert_problem(problem, "course.yaml", 11, "duplicate key 'title'", "line 1")


def test_unknown_lesson_kind_is_not_supported(tmp_path: Path) -> None:
    # quizzes ("- quiz: name") are tested in test_package_quizzes.py
    text = ADVANCED_YAML + "  - exercise: module-exercise\n"
    problem = one_problem(make_package(tmp_path, {"advanced/module.yaml": text}))
    assert_problem(problem, "advanced/module.yaml", 5, "lesson kind 'exercise' is not supported")


@pytest.mark.parametrize("value", ["0", "-1", "four", "true", "[1]", ".nan"])
def test_estimated_hours_must_be_a_positive_number(tmp_path: Path, value: str) -> None:
    text = COURSE_YAML.replace("estimated_hours: 1", f"estimated_hours: {value}")
    problem = one_problem(make_package(tmp_path, {"course.yaml": text}))
    assert_problem(problem, "course.yaml", 5, "'estimated_hours' must be a positive number")


def test_estimated_hours_may_be_fractional(tmp_path: Path) -> None:
    text = COURSE_YAML.replace("estimated_hours: 1", "estimated_hours: 2.5")
    assert load_package(make_package(tmp_path, {"course.yaml": text})).estimated_hours == 2.5


@pytest.mark.parametrize("value", ["0", "121", "7.5", "seven", "true", "-3"])
def test_minutes_must_be_a_whole_number_in_range(tmp_path: Path, value: str) -> None:
    text = lesson("welcome", "Hello.\n", minutes=value)
    problem = one_problem(make_package(tmp_path, {"intro/welcome.md": text}))
    assert_problem(problem, "intro/welcome.md", 4, "'minutes' must be a whole number from 1 to 120")


@pytest.mark.parametrize("value", ["1", "120"])
def test_minutes_bounds_are_allowed(tmp_path: Path, value: str) -> None:
    text = lesson("welcome", "Hello.\n", minutes=value)
    course = load_package(make_package(tmp_path, {"intro/welcome.md": text}))
    assert course.modules[0].lessons[0].minutes == int(value)


def test_required_must_be_boolean(tmp_path: Path) -> None:
    text = lesson("welcome", "Hello.\n", extra="required: maybe\n")
    problem = one_problem(make_package(tmp_path, {"intro/welcome.md": text}))
    assert_problem(problem, "intro/welcome.md", 5, "'required' must be true or false")


def test_sequential_must_be_boolean(tmp_path: Path) -> None:
    text = COURSE_YAML.replace("sequential: false", "sequential: 2")
    problem = one_problem(make_package(tmp_path, {"course.yaml": text}))
    assert_problem(problem, "course.yaml", 7, "'sequential' must be true or false")


def test_completion_must_be_a_known_rule(tmp_path: Path) -> None:
    text = COURSE_YAML.replace("completion: all-required", "completion: most")
    problem = one_problem(make_package(tmp_path, {"course.yaml": text}))
    assert_problem(problem, "course.yaml", 6, "'completion' must be one of: all-required")


@pytest.mark.parametrize("slug", ["Test-Course", "test--course", "-test", "test_course", "tést"])
def test_invalid_course_slug(tmp_path: Path, slug: str) -> None:
    text = COURSE_YAML.replace("slug: test-course", f"slug: {slug}")
    problem = one_problem(make_package(tmp_path, {"course.yaml": text}))
    assert_problem(problem, "course.yaml", 2, "is not a valid slug")


def test_slug_at_most_80_characters(tmp_path: Path) -> None:
    assert is_valid_slug("a" * 80)
    assert not is_valid_slug("a" * 81)
    long = "a" * 81
    text = ADVANCED_YAML + f"  - {long}\n"
    problem = one_problem(make_package(tmp_path, {"advanced/module.yaml": text}))
    assert_problem(problem, "advanced/module.yaml", 5, "too long", "80")


def test_course_slug_must_equal_folder_name(tmp_path: Path) -> None:
    text = COURSE_YAML.replace("slug: test-course", "slug: other-course")
    problem = one_problem(make_package(tmp_path, {"course.yaml": text}))
    assert_problem(problem, "course.yaml", 2, "must equal the folder name 'test-course'")


def test_front_matter_slug_must_equal_file_name(tmp_path: Path) -> None:
    text = lesson("hello", "Hello.\n")
    problem = one_problem(make_package(tmp_path, {"intro/welcome.md": text}))
    assert_problem(problem, "intro/welcome.md", 3, "slug 'hello'", "('welcome')")


def test_invalid_front_matter_slug(tmp_path: Path) -> None:
    text = lesson("Welcome!", "Hello.\n")
    problem = one_problem(make_package(tmp_path, {"intro/welcome.md": text}))
    assert_problem(problem, "intro/welcome.md", 3, "'Welcome!' is not a valid slug")


def test_listed_module_folder_must_exist(tmp_path: Path) -> None:
    text = COURSE_YAML + "  - outro\n"
    problem = one_problem(make_package(tmp_path, {"course.yaml": text}))
    assert_problem(problem, "course.yaml", 11, "module folder 'outro' does not exist")


def test_listed_lesson_file_must_exist(tmp_path: Path) -> None:
    problems = check_package(make_package(tmp_path, {"intro/basics.md": None}))
    assert len(problems) == 2, problems
    assert_problem(problems[0], "intro/module.yaml", 5, "lesson file 'basics.md' does not exist")
    # and welcome.md's link to it is broken
    assert_problem(problems[1], "intro/welcome.md", 7, "broken link 'basics.md'")


def test_duplicate_module(tmp_path: Path) -> None:
    text = COURSE_YAML + "  - intro\n"
    problem = one_problem(make_package(tmp_path, {"course.yaml": text}))
    assert_problem(problem, "course.yaml", 11, "module 'intro' is listed twice", "line 9")


def test_duplicate_lesson_slug_across_modules(tmp_path: Path) -> None:
    folder = make_package(
        tmp_path,
        {
            "advanced/module.yaml": ADVANCED_YAML + "  - basics\n",
            "advanced/basics.md": lesson("basics", "Advanced basics.\n"),
        },
    )
    problem = one_problem(folder)
    assert_problem(
        problem,
        "advanced/module.yaml",
        5,
        "duplicate lesson slug 'basics'",
        "first listed at test-course/intro/module.yaml:5",
    )


def test_duplicate_lesson_slug_in_one_module(tmp_path: Path) -> None:
    problem = one_problem(
        make_package(tmp_path, {"intro/module.yaml": INTRO_YAML + "  - welcome\n"})
    )
    assert_problem(
        problem, "intro/module.yaml", 6, "duplicate lesson slug 'welcome'", "intro/module.yaml:4"
    )


def test_unlisted_lesson_file(tmp_path: Path) -> None:
    folder = make_package(tmp_path, {"intro/extra.md": lesson("extra", "Extra.\n")})
    problem = one_problem(folder)
    assert_problem(problem, "intro/extra.md", 1, "'extra.md' is not listed in")


def test_unlisted_module_folder(tmp_path: Path) -> None:
    folder = make_package(tmp_path, {"bonus/module.yaml": ADVANCED_YAML, "bonus/deep-dive.md": "x"})
    problem = one_problem(folder)
    assert_problem(problem, "course.yaml", 8, "module folder 'bonus' is not listed")


def test_hidden_folders_and_other_files_are_ignored(tmp_path: Path) -> None:
    folder = make_package(tmp_path, {".git/config": "x", "intro/picture.png": "x"})
    assert check_package(folder) == []


@pytest.mark.parametrize("text", ["Hello.\n", "\n---\ntitle: x\n---\nHello.\n", ""])
def test_missing_front_matter(tmp_path: Path, text: str) -> None:
    problem = one_problem(make_package(tmp_path, {"intro/welcome.md": text}))
    assert_problem(problem, "intro/welcome.md", 1, "missing front matter")


def test_unterminated_front_matter(tmp_path: Path) -> None:
    text = "---\ntitle: Welcome\nslug: welcome\nminutes: 5\n\nHello.\n"
    problem = one_problem(make_package(tmp_path, {"intro/welcome.md": text}))
    assert_problem(problem, "intro/welcome.md", 1, "unterminated front matter")


@pytest.mark.parametrize("body", ["", "\n\n   \n"])
def test_empty_body(tmp_path: Path, body: str) -> None:
    problem = one_problem(make_package(tmp_path, {"intro/welcome.md": lesson("welcome", body)}))
    assert_problem(problem, "intro/welcome.md", 6, "lesson body is empty")


@pytest.mark.parametrize("body", ["# Welcome\n\nText.\n", "\n\nWelcome\n=======\n\nText.\n"])
def test_body_must_not_start_with_level_one_heading(tmp_path: Path, body: str) -> None:
    problem = one_problem(make_package(tmp_path, {"intro/welcome.md": lesson("welcome", body)}))
    line = 7 if body.startswith("#") else 9
    assert_problem(problem, "intro/welcome.md", line, "level-1 heading")


def test_later_level_one_heading_and_level_two_start_are_fine(tmp_path: Path) -> None:
    body = "## Start\n\nText.\n\n# Later\n\nMore.\n"
    assert (
        check_package(make_package(tmp_path, {"intro/welcome.md": lesson("welcome", body)})) == []
    )


# --------------------------------------------------------------------------- links


def link_problems(tmp_path: Path, body: str) -> list[tuple[int, str]]:
    folder = make_package(tmp_path, {"intro/welcome.md": lesson("welcome", body)})
    problems = check_package(folder)
    assert all(p.file == f"{NAME}/intro/welcome.md" for p in problems), problems
    return [(p.line, p.message) for p in problems]


def test_broken_link_reports_its_line(tmp_path: Path) -> None:
    body = "First paragraph.\n\nA [good](basics.md) and\na [bad](../advanced/nothing.md) link.\n"
    problems = link_problems(tmp_path, body)
    assert len(problems) == 1
    line, message = problems[0]
    assert line == 10  # 5 front matter lines, a blank line, then the body from line 7
    assert "broken link '../advanced/nothing.md'" in message


def test_repeated_link_targets_get_their_own_lines(tmp_path: Path) -> None:
    body = "[a](gone.md)\n[b](gone.md)\n\n- item\n- [c](gone.md)\n"
    assert [line for line, _ in link_problems(tmp_path, body)] == [7, 8, 11]


@pytest.mark.parametrize(
    "target",
    [
        "basics.md",
        "basics.md#part",
        "./basics.md",
        "../intro/basics.md",
        "../advanced/deep-dive.md",
        "../../test-course/advanced/deep-dive.md",
        "https://example.com/x.md",
        "http://example.com",
        "mailto:someone@example.com",
        "#section",
        "/absolute/path",
    ],
)
def test_good_links(tmp_path: Path, target: str) -> None:
    assert link_problems(tmp_path, f"See [this]({target}).\n") == []


@pytest.mark.parametrize(
    "target",
    [
        "nothing.md",
        "deep-dive.md",  # exists, but in another module
        "../advanced/",
        "../intro/module.yaml",
        "../../elsewhere/intro/basics.md",
        "welcome",
        "picture.png",
    ],
)
def test_broken_links(tmp_path: Path, target: str) -> None:
    problems = link_problems(tmp_path, f"Text.\n\nSee [this]({target}).\n")
    assert problems == [
        (9, f"broken link '{target}': it does not point to a lesson of this course")
    ]


def test_link_to_unlisted_file_is_broken(tmp_path: Path) -> None:
    folder = make_package(
        tmp_path,
        {
            "intro/extra.md": lesson("extra", "Extra.\n"),
            "intro/welcome.md": lesson("welcome", "See [extra](extra.md).\n"),
        },
    )
    problems = check_package(folder)
    assert [(p.file, p.line) for p in problems] == [
        (f"{NAME}/intro/extra.md", 1),
        (f"{NAME}/intro/welcome.md", 7),
    ]
    assert "broken link 'extra.md'" in problems[1].message


def test_broken_image(tmp_path: Path) -> None:
    problems = link_problems(tmp_path, "Text.\n\n![a chart](chart.png)\n")
    assert problems == [
        (9, "broken link 'chart.png': it does not point to a lesson of this course")
    ]


def test_reference_link_is_reported_at_its_definition(tmp_path: Path) -> None:
    body = "See [the thing][ref].\n\nMore text.\n\n[ref]: missing.md\n"
    problems = link_problems(tmp_path, body)
    assert [line for line, _ in problems] == [11]


def test_link_in_table_is_checked(tmp_path: Path) -> None:
    body = "| a | b |\n|---|---|\n| 1 | [x](missing.md) |\n"
    assert [line for line, _ in link_problems(tmp_path, body)] == [9]


def test_links_in_code_are_not_checked(tmp_path: Path) -> None:
    body = (
        "Inline `[x](missing.md)` code.\n\n"
        "```\n[y](missing.md)\n```\n\n"
        "    [z](javascript:alert(1))\n"
    )
    assert link_problems(tmp_path, body) == []


def test_raw_html_is_not_a_link(tmp_path: Path) -> None:
    assert link_problems(tmp_path, 'Text <a href="missing.md">x</a>.\n') == []


@pytest.mark.parametrize(
    ("target", "scheme"),
    [
        ("javascript:alert(1)", "javascript"),
        ("JavaScript:alert(1)", "javascript"),
        ("data:text/html,hello", "data"),
        ("vbscript:msgbox(1)", "vbscript"),
    ],
)
def test_unsafe_links(tmp_path: Path, target: str, scheme: str) -> None:
    problems = link_problems(tmp_path, f"Text.\n\n[x]({target}) and ![y]({target})\n")
    assert [line for line, _ in problems] == [9, 9]
    for _, message in problems:
        assert message.startswith(f"unsafe link '{target}'")
        assert f"{scheme}:" in message


def test_unsafe_autolink(tmp_path: Path) -> None:
    problems = link_problems(tmp_path, "Text <javascript:alert(1)>.\n")
    assert len(problems) == 1
    assert problems[0][0] == 7
    assert "unsafe link" in problems[0][1]


def test_unsupported_scheme(tmp_path: Path) -> None:
    problems = link_problems(tmp_path, "[call](tel:+123)\n")
    assert problems == [
        (7, "unsupported link scheme 'tel:' in 'tel:+123' (use http, https or mailto)")
    ]


# --------------------------------------------------------------------------- lesson_link_target


@pytest.fixture
def small_course(tmp_path: Path) -> CourseSpec:
    return load_package(make_package(tmp_path))


@pytest.mark.parametrize(
    ("href", "module", "expected"),
    [
        ("basics.md", "intro", ("basics", None)),
        ("./basics.md#part-two", "intro", ("basics", "part-two")),
        ("basics.md#", "intro", ("basics", None)),
        ("../advanced/deep-dive.md", "intro", ("deep-dive", None)),
        ("../intro/welcome.md#a%20b", "advanced", ("welcome", "a b")),
        ("../../test-course/intro/welcome.md", "advanced", ("welcome", None)),
        ("deep-dive.md", "intro", None),
        ("../advanced/basics.md", "intro", None),
        ("../nowhere/basics.md", "intro", None),
        ("missing.md", "intro", None),
        ("https://example.com/basics.md", "intro", None),
        ("/intro/basics.md", "intro", None),
        ("#basics", "intro", None),
        ("picture.png", "intro", None),
        ("javascript:basics.md", "intro", None),
    ],
)
def test_lesson_link_target(
    small_course: CourseSpec, href: str, module: str, expected: tuple[str, str | None] | None
) -> None:
    assert lesson_link_target(href, module, small_course) == expected


# --------------------------------------------------------------------------- writing


def sample_course() -> CourseSpec:
    return CourseSpec(
        slug="sample",
        title="Title: with colon",
        summary="A long summary " * 20 + "that must stay on one line.",
        audience="yes",
        estimated_hours=2.5,
        sequential=True,
        modules=[
            ModuleSpec(
                slug="only",
                title="#1 module",
                summary="Line one\nline two",
                lessons=[
                    LessonSpec(slug="first", title="First", minutes=3, body="Hello.\n"),
                    LessonSpec(
                        slug="second",
                        title="It's 'quoted'",
                        minutes=4,
                        body="\n\n## Part\n\nBye.\n\n\n",
                        required=False,
                    ),
                ],
            )
        ],
    )


def test_write_package_canonical_form(tmp_path: Path) -> None:
    folder = write_package(sample_course(), tmp_path)
    assert folder == tmp_path / "sample"
    course_yaml = (folder / "course.yaml").read_text(encoding="utf-8")
    summary = "A long summary " * 20 + "that must stay on one line."
    assert course_yaml == (
        "title: 'Title: with colon'\n"
        "slug: sample\n"
        f"summary: {summary}\n"
        "audience: 'yes'\n"
        "estimated_hours: 2.5\n"
        "completion: all-required\n"
        "sequential: true\n"
        "modules:\n"
        "  - only\n"
    )
    assert (folder / "only" / "module.yaml").read_text(encoding="utf-8") == (
        "title: '#1 module'\nsummary: \"Line one\\nline two\"\nlessons:\n  - first\n  - second\n"
    )
    assert (folder / "only" / "first.md").read_bytes() == (
        b"---\ntitle: First\nslug: first\nminutes: 3\n---\n\nHello.\n"
    )
    assert (folder / "only" / "second.md").read_bytes() == (
        b"---\ntitle: It's 'quoted'\nslug: second\nminutes: 4\nrequired: false\n---\n\n"
        b"## Part\n\nBye.\n"
    )


def test_written_package_loads_back(tmp_path: Path) -> None:
    course = sample_course()
    loaded = load_package(write_package(course, tmp_path))
    assert loaded.title == course.title
    assert loaded.summary == course.summary
    assert loaded.audience == "yes"
    assert loaded.estimated_hours == 2.5
    assert loaded.sequential is True
    assert loaded.modules[0].title == "#1 module"
    assert loaded.modules[0].summary == "Line one\nline two"
    assert [lesson.title for lesson in loaded.modules[0].lessons] == ["First", "It's 'quoted'"]
    assert loaded.modules[0].lessons[1].required is False
    assert loaded.modules[0].lessons[1].body == "## Part\n\nBye.\n"


def test_write_package_removes_files_not_in_the_spec(tmp_path: Path) -> None:
    make_package(tmp_path, {"intro/old.md": "stale", "gone/module.yaml": "stale", "notes.txt": "x"})
    course = load_package(make_package(tmp_path / "clean"))
    folder = write_package(course, tmp_path)
    assert not (folder / "intro" / "old.md").exists()
    assert not (folder / "gone").exists()
    assert (folder / "notes.txt").exists()  # not a course file: left alone
    (folder / "notes.txt").unlink()
    assert tree(folder) == tree(tmp_path / "clean" / NAME)


def test_write_package_rejects_invalid_slugs(tmp_path: Path) -> None:
    course = sample_course()
    course.slug = "../escape"
    with pytest.raises(ValueError, match="invalid slug"):
        write_package(course, tmp_path)
    assert list(tmp_path.iterdir()) == []
