"""Courses in and out of the browser as package zips: the download is exactly what
``podium courses export`` writes, an upload is checked exactly like ``podium courses check``
and becomes the draft only when it has no problem, and hostile zips are refused whole."""

from __future__ import annotations

import io
import random
import re
import shutil
import stat
import tempfile
import zipfile
from html import unescape
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from app.authoring import package_zips
from app.authoring.import_export import course_to_spec
from app.cli import cli
from app.courses.package import load_package, write_package
from app.courses.spec import spec_from_dict, spec_to_dict
from app.models import Course, CourseAsset, CourseDraft, CourseRevision, Lesson, Role
from app.security.images import NOT_AN_IMAGE
from tests.authoring.conftest import (
    draft_dict,
    draft_row,
    folder_contents,
    lesson_article,
    post,
    publish,
    tiny_png,
    upload_package,
    zip_contents,
    zip_files,
    zip_folder,
)
from tests.courses_data import SHIPPED, small_spec
from tests.test_cli import _env

runner = CliRunner()
COURSE = "executive-enablement"
LESSON = "trust-and-transparency"
LESSON_FILE = f"{COURSE}/why-executives-belong/{LESSON}.md"


def _cli(database_url: str, *args: str) -> str:
    result = runner.invoke(cli, list(args), env=_env(database_url))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def shipped(database_url: str) -> None:
    """The shipped course, loaded the way an operator does: ``podium courses import``."""
    assert "Created course 'executive-enablement'" in _cli(
        database_url, "courses", "import", str(SHIPPED))


@pytest.fixture
def exported(shipped: None, database_url: str, tmp_path: Path) -> Path:
    """The shipped course as ``podium courses export`` writes it (a folder to modify)."""
    output = _cli(database_url, "courses", "export", COURSE, str(tmp_path / "export"))
    assert "Wrote" in output
    return tmp_path / "export" / COURSE


def _problems(html: str) -> list[str]:
    return [f"{unescape(file)}: {unescape(message)}"
            for file, message in re.findall(r"<li><code>([^<]+)</code> ([^<]+)</li>", html)]


def _archive_problems(html: str) -> list[str]:
    """Problems of the archive as a whole, which name no file and line."""
    return [unescape(message) for message in re.findall(r"<li>([^<]+)</li>", html)]


def _snapshot(database) -> tuple:
    with database.session() as s:
        return (
            [(d.slug, d.spec) for d in s.exec(select(CourseDraft))],
            sorted((a.course_slug, a.name) for a in s.exec(select(CourseAsset))),
            sorted((c.slug, c.title) for c in s.exec(select(Course))),
            sorted((les.slug, les.body_md) for les in s.exec(select(Lesson))),
            len(s.exec(select(CourseRevision)).all()),
        )


# ------------------------------------------------------------------------ download


def test_download_is_exactly_what_podium_courses_export_writes(client, trainer, exported):
    response = client.get(f"/author/{COURSE}/package.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{COURSE}.zip"')
    assert response.headers["cache-control"] == "no-store"
    files = zip_contents(response.content)
    assert files == folder_contents(exported)
    # and, the shipped folder being canonical, both are the folder in git byte for byte
    assert files == folder_contents(SHIPPED)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert all(not info.is_dir() for info in archive.infolist())
        assert all(info.filename.startswith(f"{COURSE}/") for info in archive.infolist())


def test_download_needs_a_published_course(client, trainer, database):
    post(client, "/author/courses", {"slug": "fresh", "title": "Fresh", "summary": "S",
                                     "audience": "A", "estimated_hours": "1"})
    assert client.get("/author/fresh/package.zip").status_code == 404
    assert client.get("/author/nope/package.zip").status_code == 404


def test_the_download_is_the_published_course_not_the_draft(client, trainer, exported,
                                                            database):
    post(client, f"/author/{COURSE}/lessons/{LESSON}/remove")
    assert draft_row(database, COURSE) is not None
    files = zip_contents(client.get(f"/author/{COURSE}/package.zip").content)
    assert files == folder_contents(exported)


# -------------------------------------------------------------------------- upload


def test_uploading_the_download_gives_a_draft_equal_to_the_published_course(
        client, trainer, exported, database):
    before = _snapshot(database)
    data = client.get(f"/author/{COURSE}/package.zip").content
    response = upload_package(client, data, f"{COURSE}.zip")
    assert response.status_code == 303
    assert response.headers["location"] == f"/author/{COURSE}?notice=package-uploaded"
    with database.session() as s:
        published = spec_to_dict(course_to_spec(s, s.exec(select(Course)).one()))
    assert spec_to_dict(spec_from_dict(draft_dict(database, COURSE))) == published
    page = client.get(f"/author/{COURSE}")
    assert "Published: the draft matches what executives see" in page.text
    assert 'action="/author/executive-enablement/publish"' not in page.text
    after = _snapshot(database)
    assert after[1:] == before[1:]  # published course, assets and revisions unchanged


def test_a_modified_package_becomes_the_draft_and_publishes(
        client, trainer, exported, database, learner):
    with database.session() as s:
        course = s.exec(select(Course)).one()
    executive, _ = learner(course)
    old = lesson_article(executive.get(f"/courses/{COURSE}/lessons/{LESSON}").text)
    lesson_path = exported.parent / LESSON_FILE
    text = lesson_path.read_text()
    new_text = text.replace(
        "## Trust attaches to people\n",
        "## Trust attaches to people\n\nPackages travel well. "
        "![A chart](../assets/trust-chart.png)\n")
    assert new_text != text
    lesson_path.write_text(new_text)
    (exported / "assets").mkdir()
    image = tiny_png()
    (exported / "assets" / "trust-chart.png").write_bytes(image)

    response = upload_package(client, zip_folder(exported))
    assert response.status_code == 303, _problems(response.text)
    draft = draft_dict(database, COURSE)
    body = draft["modules"][0]["lessons"][0]["body"]
    assert "Packages travel well." in body
    with database.session() as s:
        (asset,) = s.exec(select(CourseAsset)).all()
    assert (asset.name, bytes(asset.data), asset.content_type) == (
        "trust-chart.png", image, "image/png")
    assert asset.created_by_id == trainer.id
    assert "Draft with unpublished changes" in client.get(f"/author/{COURSE}").text
    # executives still read the published text
    assert lesson_article(executive.get(f"/courses/{COURSE}/lessons/{LESSON}").text) == old

    assert publish(client, "From a package", slug=COURSE).status_code == 303
    article = lesson_article(executive.get(f"/courses/{COURSE}/lessons/{LESSON}").text)
    assert "Packages travel well." in article
    assert '<img src="/courses/executive-enablement/assets/trust-chart.png" alt="A chart">' in (
        article)
    served = executive.get(f"/courses/{COURSE}/assets/trust-chart.png")
    assert served.status_code == 200 and served.content == image
    # the next download carries the image, and matches the CLI export again
    again = zip_contents(client.get(f"/author/{COURSE}/package.zip").content)
    assert again[f"{COURSE}/assets/trust-chart.png"] == image
    assert again[LESSON_FILE] == new_text.encode()
    shutil.rmtree(exported.parent)
    database_url = str(client.app.state.settings.database_url)
    _cli(database_url, "courses", "export", COURSE, str(exported.parent))
    assert again == folder_contents(exported)


def test_a_package_of_a_new_course_becomes_a_never_published_draft(
        client, trainer, database, tmp_path, signed_in):
    folder = write_package(small_spec(), tmp_path)
    response = upload_package(client, zip_folder(folder))
    assert response.status_code == 303
    assert response.headers["location"] == "/author/pilot?notice=package-uploaded"
    assert "Never published" in client.get("/author/pilot").text
    with database.session() as s:
        assert s.exec(select(Course)).all() == []
    assert spec_to_dict(spec_from_dict(draft_dict(database))) == spec_to_dict(small_spec())
    assert publish(client, "First version").status_code == 303
    with database.session() as s:
        course = s.exec(select(Course)).one()
        assert spec_to_dict(course_to_spec(s, course)) == spec_to_dict(small_spec())
        (revision,) = s.exec(select(CourseRevision)).all()
        assert (revision.number, revision.author_id, revision.message) == (
            1, trainer.id, "First version")


def test_a_package_with_problems_lists_every_one_and_changes_nothing(
        client, trainer, exported, database):
    shutil.rmtree(exported / "social-selling")  # listed in course.yaml
    lesson = exported / "digital-persona" / "the-profile.md"
    lesson.write_text(lesson.read_text().replace("minutes: ", "minutes: lots", 1))
    broken = exported / "social-media-mechanics" / "first-30-days.md"
    broken.write_text(broken.read_text() + "\nSee [the missing lesson](../nowhere/gone.md).\n")
    before = _snapshot(database)

    response = upload_package(client, zip_folder(exported), "broken.zip")
    assert response.status_code == 422
    shown = _problems(response.text)
    # the same list, in the same order, as `podium courses check` gives for the folder
    result = runner.invoke(cli, ["courses", "check", str(exported)])
    assert result.exit_code == 1
    expected = [line for line in result.output.splitlines() if line.startswith(f"{COURSE}/")]
    assert shown == expected
    assert len(shown) >= 3
    assert any(p.startswith(f"{COURSE}/course.yaml:") and "social-selling" in p for p in shown)
    assert f"{COURSE}/digital-persona/the-profile.md:4: 'minutes' must be a whole number " \
        "from 1 to 120" in shown
    assert any(p.startswith(f"{COURSE}/social-media-mechanics/first-30-days.md:") and
               "gone.md" in p for p in shown)
    assert f"broken.zip: {len(shown)} problems found; nothing was changed." in response.text
    assert _snapshot(database) == before


def test_a_package_problem_keeps_an_existing_draft_as_it_was(client, trainer, exported,
                                                             database):
    post(client, f"/author/{COURSE}/lessons/{LESSON}/remove")
    before = draft_row(database, COURSE)
    (exported / "course.yaml").write_text("title: [unclosed\n")
    response = upload_package(client, zip_folder(exported))
    assert response.status_code == 422
    assert _problems(response.text)[0].startswith(f"{COURSE}/course.yaml:")
    after = draft_row(database, COURSE)
    assert (after.spec, after.updated_at) == (before.spec, before.updated_at)


# ------------------------------------------------------------------- hostile zips


def _symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("pilot/course.yaml", "title: x\n")
        link = zipfile.ZipInfo("pilot/secret.md")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def _clean_package(tmp_path: Path) -> dict[str, bytes]:
    return folder_contents(write_package(small_spec(), tmp_path / "clean"))


HOSTILE = {
    "zip slip": (lambda tmp: zip_files({"pilot/course.yaml": b"x", "../evil.md": b"pwned"}),
                 "The package has a file outside its folder: ../evil.md. Nothing was changed."),
    "nested zip slip": (
        lambda tmp: zip_files({"pilot/course.yaml": b"x", "pilot/../../evil.md": b"pwned"}),
        "The package has a file outside its folder: pilot/../../evil.md."),
    "absolute path": (lambda tmp: zip_files({"pilot/course.yaml": b"x", "/etc/evil.md": b"x"}),
                      "The package has a file outside its folder: /etc/evil.md."),
    "symlink": (lambda tmp: _symlink_zip(),
                "The package has a link instead of a file: pilot/secret.md."),
    "not a zip": (lambda tmp: b"<html>certainly not a zip</html>",
                  "This file is not a zip archive. Nothing was changed."),
    "empty": (lambda tmp: zip_files({}), "The package is empty."),
}


@pytest.fixture
def no_stray_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Temporary folders go under tmp_path/tmp; afterwards nothing is left anywhere."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    yield scratch
    assert list(scratch.iterdir()) == []
    assert not list(tmp_path.rglob("evil.md"))
    assert not (Path.cwd() / "evil.md").exists()
    assert not (Path.cwd().parent / "evil.md").exists()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_zips_are_refused_whole(client, trainer, database, pilot, no_stray_files,
                                        case):
    build, message = HOSTILE[case]
    before = _snapshot(database)
    response = upload_package(client, build(no_stray_files), "hostile.zip")
    assert response.status_code == 422
    assert _problems(response.text) == []
    (problem,) = _archive_problems(response.text)
    assert message in problem
    assert "hostile.zip: 1 problem found; nothing was changed." in response.text
    assert _snapshot(database) == before


def test_too_many_files_are_refused(client, trainer, database, no_stray_files, tmp_path,
                                    monkeypatch):
    files = _clean_package(tmp_path)
    monkeypatch.setattr(package_zips, "MAX_PACKAGE_FILES", len(files) - 1)
    response = upload_package(client, zip_files(files))
    assert response.status_code == 422
    assert f"The package has more than {len(files) - 1} files. Nothing was changed." in (
        unescape(response.text))
    assert draft_row(database) is None
    monkeypatch.setattr(package_zips, "MAX_PACKAGE_FILES", len(files))
    assert upload_package(client, zip_files(files)).status_code == 303  # at the limit: fine


def test_a_zip_bomb_is_refused(client, trainer, database, no_stray_files, tmp_path,
                               monkeypatch):
    monkeypatch.setattr(package_zips, "MAX_PACKAGE_UNPACKED", 1024 * 1024)
    files = _clean_package(tmp_path)
    bomb = zip_files({**files, "pilot/basics/zeros.md": b"\x00" * (4 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    response = upload_package(client, bomb)
    assert response.status_code == 422
    assert ("The package has a file that unpacks to far more than its size: "
            "pilot/basics/zeros.md. Nothing was changed.") in unescape(response.text)
    assert draft_row(database) is None


def test_a_package_that_unpacks_to_too_much_is_refused(client, trainer, database,
                                                       no_stray_files, tmp_path, monkeypatch):
    monkeypatch.setattr(package_zips, "MAX_PACKAGE_UNPACKED", 256 * 1024)
    noise = random.Random(7)
    files = {**_clean_package(tmp_path),
             **{f"pilot/basics/noise-{i}.md": noise.randbytes(100 * 1024) for i in range(3)}}
    response = upload_package(client, zip_files(files))
    assert response.status_code == 422
    assert "The package unpacks to more than 256 KB. Nothing was changed." in unescape(
        response.text)
    assert draft_row(database) is None


def test_an_oversized_zip_is_refused(client, trainer, database, no_stray_files, tmp_path,
                                     monkeypatch):
    monkeypatch.setattr(package_zips, "MAX_PACKAGE_BYTES", 1024)
    data = zip_files({**_clean_package(tmp_path),
                      "pilot/basics/noise.md": random.Random(1).randbytes(4096)})
    response = upload_package(client, data)
    assert response.status_code == 422
    assert "Packages can be at most 1 KB" in unescape(response.text)
    assert draft_row(database) is None


def test_a_zip_of_the_folder_contents_is_read_as_the_course_it_names(client, trainer,
                                                                     database, tmp_path):
    folder = write_package(small_spec(), tmp_path)
    files = {path.relative_to(folder).as_posix(): path.read_bytes()
             for path in sorted(folder.rglob("*")) if path.is_file()}
    assert "course.yaml" in files
    response = upload_package(client, zip_files(files))
    assert response.status_code == 303, _problems(response.text)
    assert spec_to_dict(spec_from_dict(draft_dict(database))) == spec_to_dict(small_spec())


def test_a_file_in_assets_that_is_not_an_image_is_a_problem(client, trainer, database,
                                                            tmp_path):
    folder = write_package(small_spec(), tmp_path)
    (folder / "assets").mkdir()
    (folder / "assets" / "photo.png").write_bytes(b"<html><script>alert(1)</script></html>")
    response = upload_package(client, zip_folder(folder))
    assert response.status_code == 422
    assert _problems(response.text) == [
        f"pilot/assets/photo.png:1: {NOT_AN_IMAGE}"]
    with database.session() as s:
        assert s.exec(select(CourseAsset)).all() == []
        assert s.exec(select(CourseDraft)).all() == []


@pytest.mark.parametrize("role", [Role.executive, Role.hr])
def test_only_trainers_and_admins_move_packages(client, login_as, database, pilot, tmp_path,
                                                role):
    login_as(role)
    assert client.get("/author/pilot/package.zip").status_code == 403
    folder = write_package(small_spec(), tmp_path)
    assert upload_package(client, zip_folder(folder)).status_code == 403
    assert draft_row(database) is None


def test_the_uploaded_course_matches_load_package(client, trainer, database, tmp_path):
    """What becomes the draft is exactly what the package reader reads from the folder."""
    folder = write_package(small_spec(), tmp_path)
    assert upload_package(client, zip_folder(folder)).status_code == 303
    expected = spec_to_dict(load_package(folder))
    assert spec_to_dict(spec_from_dict(draft_dict(database))) == expected
