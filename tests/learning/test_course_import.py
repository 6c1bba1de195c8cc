from __future__ import annotations

import filecmp
from pathlib import Path

from sqlmodel import select
from typer.testing import CliRunner

from app.authoring.import_export import course_to_spec, export_course, import_course
from app.cli import cli
from app.courses.package import load_package, write_package
from app.learning.completion import complete_lesson
from app.learning.progress import course_progress, get_enrolment, get_live_lesson
from app.models import Course, Lesson, LessonProgress, Module, Role
from tests.conftest import TEST_SECRET
from tests.courses_data import SHIPPED, small_spec


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_shipped_course_imports_with_rendered_lessons(database, load_course):
    course = load_course(SHIPPED)
    with database.session() as s:
        modules = s.exec(select(Module).where(Module.course_id == course.id)
                         .order_by(Module.position)).all()
        lessons = s.exec(select(Lesson).where(Lesson.course_id == course.id)).all()
    assert [m.slug for m in modules] == ["why-executives-belong", "social-media-mechanics",
                                         "digital-persona", "social-selling",
                                         "social-media-leadership",
                                         "posting-within-the-rules",
                                         "leading-through-risk",
                                         "consistency-measurement-growth"]
    assert len(lessons) == 38
    readings = [les for les in lessons if les.kind == "reading"]
    assert len(readings) == 28
    assert {les.kind for les in lessons} == {"reading", "quiz", "persona", "plan"}
    assert all(les.body_html.startswith("<") and "<script" not in les.body_html
               for les in readings)
    # relative links between lesson files became lesson pages
    internal = 'href="/courses/executive-enablement/lessons/'
    linked = [les for les in lessons if internal in les.body_html]
    assert linked, "no internal link was rewritten"
    assert not any('.md"' in les.body_html for les in lessons)


def test_reimport_is_idempotent(database, load_course):
    load_course(small_spec())
    with database.session(write=True) as s:
        report = import_course(s, small_spec())
    assert (report.created, report.lessons_added, report.lessons_updated,
            report.lessons_retired) == (False, [], [], [])
    with database.session() as s:
        assert len(s.exec(select(Course)).all()) == 1
        assert len(s.exec(select(Lesson)).all()) == 4


def test_reimport_keeps_progress_and_retires_removed_lessons(database, load_course, make_user,
                                                             enrol):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    enrol(course, user)
    with database.session(write=True) as s:
        enrolment = get_enrolment(s, user_id=user.id, course_id=course.id)
        for slug in ("hello", "world"):
            lesson = get_live_lesson(s, course=course, slug=slug)
            complete_lesson(s, user_id=user.id, course=course, lesson=lesson,
                            enrolment=enrolment)

    edited = small_spec()
    basics = edited.modules[0]
    basics.lessons[0].body = "Welcome, edited.\n"          # text changed: progress kept
    basics.lessons[0].title = "Hello again"
    moved = basics.lessons.pop(1)                          # "world" moves to module 2
    edited.modules[1].lessons.append(moved)
    basics.lessons = [les for les in basics.lessons if les.slug != "extra"]  # removed
    with database.session(write=True) as s:
        report = import_course(s, edited)
    assert report.lessons_retired == ["extra"]
    assert sorted(report.lessons_updated) == ["hello", "world"]

    with database.session() as s:
        progress = course_progress(s, course=s.get(Course, course.id), user_id=user.id)
        done = {st.lesson.slug for st in progress.lessons if st.done}
        assert done == {"hello", "world"}
        assert progress.modules[1].lessons[-1].lesson.slug == "world"
        extra = s.exec(select(Lesson).where(Lesson.slug == "extra")).one()
        assert extra.retired_at is not None  # retired, not deleted
        assert "extra" not in {st.lesson.slug for st in progress.lessons}
        assert len(s.exec(select(LessonProgress)).all()) == 2

    with database.session(write=True) as s:  # putting it back brings it back
        report = import_course(s, small_spec())
    assert "extra" not in report.lessons_added
    with database.session() as s:
        assert s.exec(select(Lesson).where(Lesson.slug == "extra")).one().retired_at is None


def test_export_reproduces_the_shipped_package_byte_for_byte(database, load_course, tmp_path):
    course = load_course(SHIPPED)
    with database.session() as s:
        folder = export_course(s, s.get(Course, course.id), tmp_path)
    assert _tree(folder) == _tree(SHIPPED)
    # and import → export → import → export is stable
    load_course(folder)
    with database.session() as s:
        again = export_course(s, s.get(Course, course.id), tmp_path / "second")
    assert not filecmp.dircmp(folder, again).diff_files
    assert _tree(again) == _tree(SHIPPED)


def test_course_to_spec_equals_loaded_spec(database, load_course):
    course = load_course(SHIPPED)
    with database.session() as s:
        assert course_to_spec(s, s.get(Course, course.id)) == load_package(SHIPPED)


def _env(database_url: str) -> dict[str, str]:
    return {"PODIUM_DATABASE_URL": database_url, "PODIUM_SECRET_KEY": TEST_SECRET,
            "PODIUM_ENV": "production", "PODIUM_BASE_URL": "https://testserver"}


def test_cli_check_reports_every_problem_with_file_and_line(tmp_path, database_url):
    folder = write_package(small_spec(), tmp_path)
    (folder / "basics" / "world.md").write_text("---\ntitle: World\nslug: wrong\nminutes: 5\n"
                                                "colour: blue\n---\n\nSee [gone](nope.md).\n")
    result = CliRunner().invoke(cli, ["courses", "check", str(folder)], env=_env(database_url))
    assert result.exit_code == 1
    out = result.output
    assert "pilot/basics/world.md:3:" in out      # slug does not match the file name
    assert "pilot/basics/world.md:5:" in out      # unknown front-matter key
    assert "pilot/basics/world.md:8:" in out      # broken internal link
    assert "problem(s) found; nothing was changed." in out


def test_cli_import_of_a_broken_package_changes_nothing(tmp_path, database, database_url,
                                                        load_course):
    load_course(small_spec())
    edited = small_spec()
    edited.title = "Renamed course"
    folder = write_package(edited, tmp_path)
    (folder / "advanced" / "deep.md").write_text("---\ntitle: Deep\nslug: deep\n---\n\nx\n")
    result = CliRunner().invoke(cli, ["courses", "import", str(folder)], env=_env(database_url))
    assert result.exit_code == 1
    assert "pilot/advanced/deep.md:2: missing required key 'minutes'" in result.output
    with database.session() as s:
        assert s.exec(select(Course)).one().title == "Pilot course"


def test_cli_import_then_export_round_trip(tmp_path, database, database_url):
    source = write_package(small_spec(), tmp_path / "src")
    env = _env(database_url)
    imported = CliRunner().invoke(cli, ["courses", "import", str(source)], env=env)
    assert imported.exit_code == 0, imported.output
    assert "Created course 'pilot': 4 lesson(s) added" in imported.output
    again = CliRunner().invoke(cli, ["courses", "import", str(source)], env=env)
    assert "Updated course 'pilot': 0 lesson(s) added, 0 changed, 0 retired." in again.output
    exported = CliRunner().invoke(cli, ["courses", "export", "pilot", str(tmp_path / "out")],
                                  env=env)
    assert exported.exit_code == 0, exported.output
    assert _tree(tmp_path / "out" / "pilot") == _tree(source)
    missing = CliRunner().invoke(cli, ["courses", "export", "nope", str(tmp_path)], env=env)
    assert missing.exit_code == 1 and "No course with the slug 'nope'." in missing.output
