"""Courses in and out of the browser as zip files of the ``courses/`` folder format.

A download is exactly what ``podium courses export`` writes, zipped under the course's
folder. An upload is unpacked with every hostile-archive check (``package_zips.read_zip``)
into a temporary folder and read by the same reader as ``podium courses check``; only a
package without a single problem becomes the course's draft.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.authoring import drafts
from app.authoring.import_export import course_to_spec
from app.authoring.package_zips import read_zip, write_tree
from app.courses.package import load_package, write_package
from app.courses.package.format import COURSE_FILE, is_valid_slug
from app.courses.service import store_assets
from app.courses.spec import CourseSpec, PackageError, Problem
from app.models import Course, User, utcnow
from app.security.images import UploadError


def package_zip(session: Session, course: Course) -> bytes:
    """The published course as a zip of its package folder (as ``podium courses export``)."""
    with tempfile.TemporaryDirectory(prefix="podium-export-") as folder:
        root = write_package(course_to_spec(session, course), Path(folder))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    name = path.relative_to(root.parent).as_posix()
                    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


@dataclass(frozen=True)
class Upload:
    spec: CourseSpec | None
    problems: list[Problem]


def read_upload(data: bytes) -> Upload:
    """Check an uploaded package without changing anything: the spec, or every problem."""
    try:
        files = read_zip(data)
    except UploadError as exc:
        return Upload(None, [Problem("(the zip file)", 1, str(exc))])
    if not files.root:  # the folder's contents were zipped: the folder is the course's slug
        files = replace(files, root=_slug_in_manifest(files.files.get(COURSE_FILE, b"")))
    with tempfile.TemporaryDirectory(prefix="podium-upload-") as folder:
        try:
            root = write_tree(files, Path(folder))
        except UploadError as exc:
            return Upload(None, [Problem("(the zip file)", 1, str(exc))])
        try:
            return Upload(load_package(root), [])
        except PackageError as exc:
            return Upload(None, exc.problems)


def _slug_in_manifest(data: bytes) -> str:
    """The slug course.yaml names (the reader then checks everything, this included)."""
    try:
        manifest = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        return ""
    slug = manifest.get("slug") if isinstance(manifest, dict) else None
    return slug if isinstance(slug, str) and is_valid_slug(slug) else ""


def take_upload(session: Session, spec: CourseSpec, *, user: User) -> drafts.Draft:
    """A checked package becomes the draft of its course (new or existing); its images are
    stored so the draft's preview shows them."""
    store_assets(session, course_slug=spec.slug, assets=spec.assets, created_by_id=user.id)

    def take(draft: drafts.Draft) -> None:
        draft.spec = replace(spec, assets={})

    try:
        return drafts.change(session, spec.slug, user, take)
    except LookupError:  # a course Podium has not seen yet
        draft = drafts.Draft(slug=spec.slug, spec=replace(spec, assets={}), course=None,
                             row=None)
        try:
            with session.begin_nested():
                drafts.save(session, draft, user=user, now=utcnow())
        except IntegrityError:  # uploaded by someone else a moment ago: replace theirs
            return drafts.change(session, spec.slug, user, take)
        return draft
