"""Question pools in course packages: ``draw`` and ``pools`` in a quiz entry of module.yaml,
read, checked against the quiz's GIFT categories with file and line, and written back."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.courses.package import check_package, load_package, write_package
from app.courses.spec import QuizSettings, spec_from_dict, spec_to_dict
from app.questions.pools import PoolDraw
from tests.courses.test_package import NAME, assert_problem, one_problem, tree
from tests.courses.test_package_quizzes import quiz_of, quiz_package

POOLED_GIFT = """\
::Intro::Read each question carefully.

$CATEGORY: $course$/top/Social selling

::S1::Social selling starts with listening.{T}

::S2::Posting daily is required.{F}

::S3::A profile photo helps.{T}

$CATEGORY: $course$/top/Listening

::L1::Listening means waiting to talk.{F}

::L2::Questions show interest.{T}

$CATEGORY: $course$/top/Listening/Advanced

::A1::Silence can be useful.{T}
"""

HEAD = "  - quiz: module-quiz\n    title: Module quiz\n"
# the quiz entry starts at line 6 of intro/module.yaml (after the two lessons)
ENTRY_LINE = 6


def pooled(root: Path, settings: str) -> Path:
    return quiz_package(root, HEAD + settings, POOLED_GIFT)


def test_draw_and_pools_load(tmp_path: Path) -> None:
    folder = pooled(tmp_path, "    draw: 4\n    pools:\n"
                              "      - category: Social selling\n        draw: 2\n"
                              "      - category: $course$/top/Listening\n        draw: 1\n")
    settings = quiz_of(folder).quiz
    assert settings is not None
    assert settings.draw == 4
    assert settings.pools == [PoolDraw("Social selling", 2), PoolDraw("$course$/top/Listening", 1)]


def test_a_quiz_without_draw_draws_nothing(tmp_path: Path) -> None:
    settings = quiz_of(pooled(tmp_path, "")).quiz
    assert settings is not None and (settings.draw, settings.pools) == (None, [])


def test_round_trip_is_byte_for_byte_and_defaults_are_left_out(tmp_path: Path) -> None:
    entry = ("    pass_mark: 80\n    draw: 3\n    pools:\n"
             "      - category: Social selling\n        draw: 2\n")
    folder = pooled(tmp_path / "a", entry)
    spec = load_package(folder)
    written = write_package(spec, tmp_path / "b")
    assert tree(written) == tree(folder)
    assert load_package(written) == spec
    plain = pooled(tmp_path / "c", "")
    text = (write_package(load_package(plain), tmp_path / "d") / "intro/module.yaml").read_text()
    assert "draw" not in text and "pools" not in text


def test_spec_dict_round_trip_keeps_pools_and_reads_older_revisions(tmp_path: Path) -> None:
    spec = load_package(pooled(tmp_path, "    draw: 2\n    pools:\n"
                                         "      - category: Listening\n        draw: 1\n"))
    assert spec.modules[0].lessons[-1].quiz == QuizSettings(draw=2,
                                                            pools=[PoolDraw("Listening", 1)])
    assert spec_from_dict(spec_to_dict(spec)) == spec
    data = spec_to_dict(spec)
    quiz = data["modules"][0]["lessons"][-1]["quiz"]
    del quiz["draw"], quiz["pools"]  # a revision kept before pools existed
    older = spec_from_dict(data).modules[0].lessons[-1].quiz
    assert older is not None and (older.draw, older.pools) == (None, [])


@pytest.mark.parametrize(("settings", "line", "fragments"), [
    ("    pools:\n      - category: Marketing\n        draw: 1\n", ENTRY_LINE + 3,
     ["pool", "no graded question is in the category 'Marketing'", "'Social selling'",
      "'Listening/Advanced'"]),
    ("    pools:\n      - category: Listening\n        draw: 3\n", ENTRY_LINE + 3,
     ["cannot draw 3 questions from 'Listening': it has 2 graded questions"]),
    ("    draw: 7\n", ENTRY_LINE + 2,
     ["draw", "cannot draw 7 questions: the quiz has 6 graded questions"]),
    ("    draw: 2\n    pools:\n      - category: Social selling\n        draw: 3\n",
     ENTRY_LINE + 2, ["the pools draw 3 questions, more than the 2 drawn in all"]),
    ("    draw: 5\n    pools:\n      - category: Social selling\n        draw: 1\n",
     ENTRY_LINE + 2, ["the other 4 cannot come from the 3 graded questions in no pool",
                      "draw 4 in all"]),
    ("    pools:\n      - category: Listening\n        draw: 1\n"
     "      - category: $course$/top/Listening\n        draw: 1\n", ENTRY_LINE + 5,
     ["the category 'Listening' is listed twice"]),
    ("    pools:\n      - category: $course$/top\n        draw: 1\n", ENTRY_LINE + 3,
     ["name the category of the pool"]),
])
def test_drawing_problems_name_the_manifest_line(tmp_path: Path, settings: str, line: int,
                                                  fragments: list[str]) -> None:
    problem = one_problem(pooled(tmp_path, settings))
    assert_problem(problem, "intro/module.yaml", line, "quiz 'module-quiz'", *fragments)


@pytest.mark.parametrize(("settings", "line", "fragments"), [
    ("    draw: 0\n", ENTRY_LINE + 2, ["'draw' must be a whole number from 1 to 1000"]),
    ("    draw: many\n", ENTRY_LINE + 2, ["'draw' must be a whole number"]),
    ("    pools: Listening\n", ENTRY_LINE + 2, ["'pools' must be a list"]),
    ("    pools: []\n", ENTRY_LINE + 2, ["'pools' must be a list"]),
    ("    pools:\n      - Listening\n", ENTRY_LINE + 3, ["pool must be a mapping"]),
    ("    pools:\n      - category: Listening\n", ENTRY_LINE + 3,
     ["missing required key 'draw' in pool"]),
    ("    pools:\n      - category: Listening\n        draw: -1\n", ENTRY_LINE + 4,
     ["'draw' must be a whole number from 1 to 1000"]),
    ("    pools:\n      - category: Listening\n        count: 1\n", ENTRY_LINE + 4,
     ["unknown key 'count' in pool (allowed: category, draw)"]),
])
def test_malformed_draw_settings(tmp_path: Path, settings: str, line: int,
                                 fragments: list[str]) -> None:
    problems = check_package(pooled(tmp_path, settings))
    assert problems, "expected a problem"
    assert_problem(problems[0], "intro/module.yaml", line, *fragments)


def test_pool_problems_are_all_reported_with_other_problems(tmp_path: Path) -> None:
    settings = ("    pass_mark: 200\n    pools:\n      - category: Nope\n        draw: 1\n"
                "      - category: Listening\n        draw: 9\n")
    problems = check_package(pooled(tmp_path, settings))
    # an invalid entry is not checked against its questions: only the pass mark
    assert [str(p) for p in problems] == [
        f"{NAME}/intro/module.yaml:{ENTRY_LINE + 2}: 'pass_mark' must be a whole number "
        "from 0 to 100 (percent)"]
    fixed = settings.replace("200", "80")
    problems = check_package(pooled(tmp_path / "b", fixed))
    assert [(p.line, p.message.split(": ", 1)[1][:20]) for p in problems] == [
        (ENTRY_LINE + 4, "no graded question i"), (ENTRY_LINE + 6, "cannot draw 9 questi")]


def test_a_subcategory_is_a_pool_of_its_own(tmp_path: Path) -> None:
    folder = pooled(tmp_path, "    pools:\n      - category: Listening/Advanced\n"
                              "        draw: 1\n")
    assert check_package(folder) == []


def test_default_minutes_count_the_questions_an_attempt_shows(tmp_path: Path) -> None:
    assert quiz_of(pooled(tmp_path / "a", "")).minutes == 6
    folder = pooled(tmp_path / "b", "    draw: 3\n")
    assert quiz_of(folder).minutes == 3
    pools = pooled(tmp_path / "c", "    pools:\n      - category: Social selling\n"
                                   "        draw: 1\n")
    assert quiz_of(pools).minutes == 4  # one from the pool and the 3 questions in no pool
    written = write_package(load_package(folder), tmp_path / "d")
    assert "minutes" not in (written / "intro/module.yaml").read_text()
