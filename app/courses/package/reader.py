"""Reading and checking course package folders (see ``courses/README.md``).

``check_package`` reports every problem of a folder at once, each with the file (relative
to the folder's parent, e.g. ``executive-enablement/social-selling/listening.md``) and the
1-based line. ``load_package`` turns a clean folder into a :class:`CourseSpec`.

A module's ``lessons:`` list names reading lessons (``slug`` for ``slug.md``) and quizzes
(a mapping ``quiz: slug`` with the quiz's settings, for the Moodle GIFT file
``slug.gift``). ``package_warnings`` lists what the GIFT reader warns about; those are not
problems. The reader is built in layers: ``manifests.py`` (YAML values with their lines),
``lessons.py`` (a lesson file and its links), and here the whole folder.
"""

from __future__ import annotations

import math
from pathlib import Path

from app.courses.package.format import (
    ASSET_NAME,
    ASSETS_DIR,
    COURSE_FILE,
    COURSE_KEYS,
    COURSE_REQUIRED,
    LESSON_SUFFIX,
    MAX_ASSETS,
    MINUTES_RANGE,
    MODULE_FILE,
    MODULE_KEYS,
    MODULE_REQUIRED,
    QUIZ_SUFFIX,
)
from app.courses.package.lessons import _LessonReader
from app.courses.package.manifests import _CourseManifest, _is_null, _Item, _ModuleManifest
from app.courses.spec import (
    COMPLETION_RULES,
    CourseSpec,
    LessonSpec,
    ModuleSpec,
    PackageError,
    Problem,
    QuizSettings,
)
from app.questions.gift.reader import parse_gift
from app.questions.gift.syntax import GiftError
from app.questions.pools import check_draw, drawn_count
from app.security.images import UploadError, check_image


class _Reader(_LessonReader):
    """Reads one package folder, collecting problems instead of stopping at the first."""

    # -- course.yaml


    def read_course(self) -> _CourseManifest | None:
        file = self.rel(COURSE_FILE)
        mapping = self.read_manifest(self.folder / COURSE_FILE, file, COURSE_KEYS,
                                     COURSE_REQUIRED, COURSE_FILE, f"{COURSE_FILE} is missing")
        if mapping is None:
            return None
        manifest = _CourseManifest(
            title=self.text(mapping, "title", file),
            summary=self.text(mapping, "summary", file),
            audience=self.text(mapping, "audience", file),
        )
        manifest.slug = self.slug(mapping, "slug", file)
        if manifest.slug is not None and manifest.slug != self.name:
            self.report(
                file,
                mapping.lines["slug"],
                f"slug '{manifest.slug}' must equal the folder name '{self.name}'",
            )
        if "estimated_hours" in mapping.values and not _is_null(mapping.values["estimated_hours"]):
            hours = self.typed(mapping, "estimated_hours", file)
            if (
                isinstance(hours, int | float)
                and not isinstance(hours, bool)
                and math.isfinite(hours)
                and hours > 0
            ):
                manifest.estimated_hours = float(hours)
            else:
                self.report(
                    file,
                    mapping.lines["estimated_hours"],
                    "'estimated_hours' must be a positive number",
                )
        if "completion" in mapping.values:
            completion = self.typed(mapping, "completion", file)
            if completion in COMPLETION_RULES:
                manifest.completion = str(completion)
            else:
                self.report(
                    file,
                    mapping.lines["completion"],
                    f"'completion' must be one of: {', '.join(COMPLETION_RULES)}",
                )
        manifest.sequential = self.boolean(mapping, "sequential", file, default=False)
        modules = self.slug_list(mapping, "modules", file, "module folder")
        if modules is not None:
            manifest.modules_line = mapping.lines["modules"]
            seen: dict[str, int] = {}
            for item in modules:
                if item.slug in seen:
                    self.report(
                        file,
                        item.line,
                        f"module '{item.slug}' is listed twice (first at line {seen[item.slug]})",
                    )
                    continue
                seen[item.slug] = item.line
                manifest.modules.append(item)
        return manifest

    # -- module.yaml


    def read_module(self, slug: str) -> _ModuleManifest:
        module = _ModuleManifest(slug=slug)
        file = self.rel(slug, MODULE_FILE)
        mapping = self.read_manifest(self.folder / slug / MODULE_FILE, file, MODULE_KEYS,
                                     MODULE_REQUIRED, MODULE_FILE,
                                     f"{MODULE_FILE} is missing in module folder '{slug}'")
        if mapping is None:
            return module
        module.title = self.text(mapping, "title", file)
        module.summary = self.text(mapping, "summary", file)
        lessons = self.slug_list(mapping, "lessons", file, "lesson file")
        if lessons is not None:
            module.readable = True
            module.lessons = lessons
        return module

    # -- the whole package


    def read(self) -> CourseSpec | None:
        if not self.folder.is_dir():
            self.report(self.name or str(self.folder), 1, "package folder does not exist")
            return None
        manifest = self.read_course()
        self.read_assets()
        modules: list[_ModuleManifest] = []
        if manifest is not None:
            for item in manifest.modules:
                if (self.folder / item.slug).is_dir():
                    modules.append(self.read_module(item.slug))
                else:
                    self.report(item.file, item.line, f"module folder '{item.slug}' does not exist")
            self.check_stray_folders(manifest)

        # Lessons listed in module manifests: unique across the course, files present.
        listed: dict[str, set[str]] = {}
        first_seen: dict[str, _Item] = {}
        present: list[tuple[str, _Item]] = []
        for module in modules:
            if not module.readable:
                self.unreadable_modules.add(module.slug)
                continue
            listed[module.slug] = set()  # reading lessons, which lessons may link to
            for item in module.lessons:
                first = first_seen.get(item.slug)
                if first is not None:
                    self.report(
                        item.file,
                        item.line,
                        f"duplicate lesson slug '{item.slug}' (first listed at "
                        f"{first.file}:{first.line})",
                    )
                else:
                    first_seen[item.slug] = item
                if not (self.folder / module.slug / item.filename).is_file():
                    what = "lesson" if item.quiz is None else "quiz"
                    self.report(
                        item.file, item.line, f"{what} file '{item.filename}' does not exist"
                    )
                    continue
                if item.quiz is None:
                    listed[module.slug].add(item.slug)
                present.append((module.slug, item))
            self.check_stray_lessons(module)

        lessons: dict[tuple[str, str], LessonSpec] = {}
        for module_slug, item in present:
            if item.quiz is None:
                lesson = self.read_lesson(module_slug, item.slug, listed)
            else:
                lesson = self.read_quiz(module_slug, item)
            if lesson is not None:
                lessons[(module_slug, item.slug)] = lesson

        if self.problems or manifest is None:
            return None
        spec = _build_spec(manifest, modules, lessons)
        spec.assets = dict(sorted(self.assets.items()))
        return spec

    def read_assets(self) -> None:
        """The images in assets/: safe names, real PNG/JPEG/WebP or plain SVG by their bytes."""
        folder = self.folder / ASSETS_DIR
        if not folder.is_dir():
            return
        files = sorted(folder.iterdir())
        if len(files) > MAX_ASSETS:
            self.report(self.rel(ASSETS_DIR), 1, f"at most {MAX_ASSETS} files may be in "
                                                 f"{ASSETS_DIR}/ (found {len(files)})")
            return
        for path in files:
            file = self.rel(ASSETS_DIR, path.name)
            if path.name.startswith("."):
                continue
            if path.is_symlink() or not path.is_file():
                self.report(file, 1, "only image files may be in the assets folder")
                continue
            if not ASSET_NAME.match(path.name):
                self.report(file, 1, "asset names use lowercase letters, digits, '-' and '_' "
                                     "and end in .png, .jpg, .webp or .svg")
                continue
            try:
                image = check_image(path.read_bytes())
            except UploadError as exc:
                self.report(file, 1, str(exc))
                continue
            if image.extension != path.name.rsplit(".", 1)[1]:
                self.report(file, 1, f"the file is a {image.extension.upper()} image; name it "
                                     f".{image.extension}")
                continue
            self.assets[path.name] = image.data

    def check_stray_folders(self, manifest: _CourseManifest) -> None:
        if manifest.modules_line is None:
            return
        names = {item.slug for item in manifest.modules}
        for path in sorted(self.folder.iterdir()):
            if path.name == ASSETS_DIR:
                continue
            if path.is_dir() and not path.name.startswith((".", "_")) and path.name not in names:
                self.report(
                    self.rel(COURSE_FILE),
                    manifest.modules_line,
                    f"module folder '{path.name}' is not listed in 'modules'",
                )

    def check_stray_lessons(self, module: _ModuleManifest) -> None:
        listed = {item.filename for item in module.lessons}
        manifest = self.rel(module.slug, MODULE_FILE)
        for suffix, what in ((LESSON_SUFFIX, "lesson"), (QUIZ_SUFFIX, "quiz")):
            for path in sorted((self.folder / module.slug).glob("*" + suffix)):
                if path.is_file() and path.name not in listed:
                    self.report(
                        self.rel(module.slug, path.name),
                        1,
                        f"{what} file '{path.name}' is not listed in {manifest}",
                    )

    def read_quiz(self, module: str, item: _Item) -> LessonSpec | None:
        assert item.quiz is not None
        file = self.rel(module, item.filename)
        text = self.read_text(self.folder / module / item.filename, file)
        if text is None:
            return None
        body = text.rstrip() + "\n"
        try:
            questions, warnings = parse_gift(body, file=file)
        except GiftError as error:
            self.report(file, error.line, error.message)
            return None
        self.warnings += [Problem(file=file, line=w.line, message=w.message) for w in warnings]
        graded = sum(1 for question in questions if question.graded)
        if not graded:
            self.report(
                file,
                1,
                "the quiz has no graded questions" if questions else "the quiz has no questions",
            )
            return None
        entry = item.quiz
        before = len(self.problems)
        problems = check_draw(questions, entry.settings.draw, entry.settings.pools)
        for problem in problems if entry.valid else []:
            line = entry.draw_line if problem.pool is None else entry.pool_lines[problem.pool]
            what = "draw" if problem.pool is None else "pool"
            self.report(item.file, line, f"quiz '{item.slug}', {what}: {problem.message}")
        if not entry.valid or entry.title is None or len(self.problems) > before:
            return None
        return LessonSpec(
            slug=item.slug,
            title=entry.title,
            minutes=entry.minutes if entry.minutes is not None else _default_minutes(
                drawn_count(questions, entry.settings.draw, entry.settings.pools)),
            body=body,
            required=entry.required,
            kind="quiz",
            quiz=entry.settings,
        )


def _build_spec(
    manifest: _CourseManifest,
    modules: list[_ModuleManifest],
    lessons: dict[tuple[str, str], LessonSpec],
) -> CourseSpec:
    """Called only for a package without problems, so every value is present."""
    assert manifest.title is not None
    assert manifest.slug is not None
    assert manifest.summary is not None
    assert manifest.audience is not None
    assert manifest.estimated_hours is not None
    module_specs: list[ModuleSpec] = []
    for module in modules:
        assert module.title is not None
        assert module.summary is not None
        module_specs.append(
            ModuleSpec(
                slug=module.slug,
                title=module.title,
                summary=module.summary,
                lessons=[lessons[(module.slug, item.slug)] for item in module.lessons],
            )
        )
    return CourseSpec(
        slug=manifest.slug,
        title=manifest.title,
        summary=manifest.summary,
        audience=manifest.audience,
        estimated_hours=manifest.estimated_hours,
        completion=manifest.completion,
        sequential=manifest.sequential,
        modules=module_specs,
    )


def _default_minutes(graded: int) -> int:
    low, high = MINUTES_RANGE
    return min(max(low, graded), high)


def quiz_default_minutes(body: str, settings: QuizSettings | None = None) -> int | None:
    """The minutes of a quiz whose entry leaves them out: one per graded question an
    attempt shows (at least 1, at most 120); None if ``body`` is not valid GIFT."""
    try:
        questions, _ = parse_gift(body)
    except GiftError:
        return None
    if settings is not None:
        return _default_minutes(drawn_count(questions, settings.draw, settings.pools))
    return _default_minutes(sum(1 for question in questions if question.graded))


def package_warnings(path: Path) -> list[Problem]:
    """What the GIFT reader warns about in the package's quizzes (constructs read as Moodle
    reads them but probably meant otherwise). These are not problems: a package with
    warnings loads."""
    reader = _Reader(Path(path))
    reader.read()
    return reader.warnings


def check_package(path: Path) -> list[Problem]:
    """Every problem of the course package folder at ``path`` (empty if it is clean)."""
    reader = _Reader(Path(path))
    reader.read()
    return reader.problems


def load_package(path: Path) -> CourseSpec:
    """The course in the package folder at ``path``; raises PackageError listing every
    problem if there is any."""
    reader = _Reader(Path(path))
    spec = reader.read()
    if reader.problems or spec is None:
        raise PackageError(reader.problems)
    return spec
