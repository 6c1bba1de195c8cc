from __future__ import annotations

from pathlib import Path

from sqlmodel import select
from typer.testing import CliRunner

from app.cli import cli
from app.models import Lesson, QuizQuestion
from app.questions.gift.reader import parse_gift
from tests.conftest import TEST_SECRET
from tests.courses_data import small_spec

GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()


def _env(url: str) -> dict[str, str]:
    return {"PODIUM_DATABASE_URL": url, "PODIUM_SECRET_KEY": TEST_SECRET,
            "PODIUM_ENV": "production", "PODIUM_BASE_URL": "https://testserver"}


def _strip_lines(questions):  # type: ignore[no-untyped-def]
    for q in questions:
        q.line = 0
    return questions


def test_large_gift_file_round_trips_through_the_database(tmp_path, database, database_url,
                                                          load_course):
    load_course(small_spec())
    env = _env(database_url)
    source = GOLDEN / "large.gift"
    result = runner.invoke(cli, ["quizzes", "import-gift", str(source), "--course", "pilot",
                                 "--module", "basics"], env=env)
    assert result.exit_code == 0, result.output
    assert "Created quiz 'basics-quiz': 69 question(s)" in result.output
    first = tmp_path / "first.gift"
    exported = runner.invoke(cli, ["quizzes", "export-gift", "--course", "pilot", "--module",
                                   "basics", "--out", str(first)], env=env)
    assert exported.exit_code == 0, exported.output
    original, _ = parse_gift(source.read_text(encoding="utf-8"))
    again, _ = parse_gift(first.read_text(encoding="utf-8"))
    assert _strip_lines(again) == _strip_lines(original)  # every question, answer, weight

    reimport = runner.invoke(cli, ["quizzes", "import-gift", str(first), "--course", "pilot",
                                   "--module", "basics"], env=env)
    assert reimport.exit_code == 0
    assert "the questions were already the same" in reimport.output
    second = tmp_path / "second.gift"
    runner.invoke(cli, ["quizzes", "export-gift", "--course", "pilot", "--module", "basics",
                        "--out", str(second)], env=env)
    assert second.read_bytes() == first.read_bytes()
    with database.session() as s:
        assert len(s.exec(select(Lesson).where(Lesson.kind == "quiz")).all()) == 1
        live = s.exec(select(QuizQuestion).where(QuizQuestion.retired_at.is_(None))).all()
        assert len(live) == 69


def test_syntax_error_aborts_the_import_and_changes_nothing(tmp_path, database, database_url,
                                                            load_course):
    load_course(small_spec())
    bad = tmp_path / "bad.gift"
    bad.write_text("::Q1:: Fine {=a ~b}\n\n::Q2:: Broken {=x ~y\n")
    result = runner.invoke(cli, ["quizzes", "import-gift", str(bad), "--course", "pilot",
                                 "--module", "basics"], env=_env(database_url))
    assert result.exit_code == 1
    assert f"{bad}:3:" in result.output and "Nothing was imported." in result.output
    with database.session() as s:
        assert s.exec(select(QuizQuestion)).all() == []


def test_unknown_course_or_module_is_reported(tmp_path, database_url, load_course):
    load_course(small_spec())
    good = tmp_path / "q.gift"
    good.write_text("Pick {=a ~b}\n")
    env = _env(database_url)
    course = runner.invoke(cli, ["quizzes", "import-gift", str(good), "--course", "nope",
                                 "--module", "basics"], env=env)
    assert course.exit_code == 1 and "--course: no course with the slug 'nope'." in course.output
    module = runner.invoke(cli, ["quizzes", "export-gift", "--course", "pilot", "--module",
                                 "nope"], env=env)
    assert module.exit_code == 1 and "--module: the course has no module 'nope'." in module.output


def test_shipped_quizzes_have_enough_questions_and_types():
    root = Path(__file__).resolve().parents[2] / "courses" / "executive-enablement"
    kinds: set[str] = set()
    for gift in sorted(root.glob("*/*.gift")):
        questions, warnings = parse_gift(gift.read_text(encoding="utf-8"), file=str(gift))
        assert warnings == [], warnings
        graded = [q for q in questions if q.graded]
        assert len(graded) >= 8, gift
        assert all(q.general_feedback for q in graded), gift
        kinds |= {q.type.value for q in graded}
    assert len(list(root.glob("*/*.gift"))) == 8
    assert len(kinds) >= 4 and {"single", "multiple", "truefalse", "numerical",
                                "matching", "short", "essay"} <= kinds
