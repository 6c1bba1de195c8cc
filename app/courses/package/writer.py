"""Writing a course spec as a package folder in canonical form, so that a clean package that
is already canonical is reproduced byte for byte."""

from __future__ import annotations

import math
from pathlib import Path

import yaml

from app.courses.package.format import (
    _FRONT_MATTER_DELIMITER,
    _QUIZ_DEFAULTS,
    ASSET_NAME,
    ASSETS_DIR,
    COURSE_FILE,
    LESSON_SUFFIX,
    MODULE_FILE,
    QUIZ_SUFFIX,
    is_valid_slug,
)
from app.courses.package.reader import quiz_default_minutes
from app.courses.spec import (
    ACTIVITY_KINDS,
    CourseSpec,
    LessonSpec,
    ModuleSpec,
    QuizReveal,
    QuizSettings,
    ScorePolicy,
)


def _scalar(value: str | int | float | bool) -> str:
    """One YAML scalar, quoted only where YAML needs it and never wrapped."""
    style = '"' if isinstance(value, str) and ("\n" in value or "\r" in value) else None
    text = yaml.safe_dump(value, allow_unicode=True, width=math.inf, default_style=style)
    if text.endswith("\n...\n"):  # the end marker PyYAML adds after a plain scalar
        text = text[: -len("...\n")]
    return text.rstrip("\n")


def _hours(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def course_yaml(course: CourseSpec) -> str:
    lines = [
        f"title: {_scalar(course.title)}",
        f"slug: {_scalar(course.slug)}",
        f"summary: {_scalar(course.summary)}",
        f"audience: {_scalar(course.audience)}",
        f"estimated_hours: {_scalar(_hours(course.estimated_hours))}",
        f"completion: {_scalar(course.completion)}",
        f"sequential: {_scalar(course.sequential)}",
        "modules:",
        *(f"  - {_scalar(module.slug)}" for module in course.modules),
    ]
    return "\n".join(lines) + "\n"


def _lesson_entry(lesson: LessonSpec) -> list[str]:
    """A module manifest's list entry for ``lesson``: its slug, or a quiz mapping with the
    keys in canonical order and those equal to their defaults left out."""
    if lesson.kind != "quiz":
        return [f"  - {_scalar(lesson.slug)}"]
    settings = lesson.quiz or QuizSettings()
    lines = [f"  - quiz: {_scalar(lesson.slug)}", f"    title: {_scalar(lesson.title)}"]
    options: list[tuple[str, str | int | bool]] = []
    if lesson.minutes != quiz_default_minutes(lesson.body, settings):
        options.append(("minutes", int(lesson.minutes)))
    if not lesson.required:
        options.append(("required", False))
    if settings.pass_mark != _QUIZ_DEFAULTS.pass_mark:
        options.append(("pass_mark", int(settings.pass_mark)))
    if settings.attempts != _QUIZ_DEFAULTS.attempts:
        options.append(("attempts", int(settings.attempts)))
    if settings.shuffle != _QUIZ_DEFAULTS.shuffle:
        options.append(("shuffle", bool(settings.shuffle)))
    if settings.time_limit is not None:
        options.append(("time_limit", int(settings.time_limit)))
    if settings.score != _QUIZ_DEFAULTS.score:
        options.append(("score", ScorePolicy(settings.score).value))
    if settings.reveal != _QUIZ_DEFAULTS.reveal:
        options.append(("reveal", QuizReveal(settings.reveal).value))
    if settings.draw is not None:
        options.append(("draw", int(settings.draw)))
    lines += [f"    {key}: {_scalar(value)}" for key, value in options]
    if settings.pools:
        lines.append("    pools:")
        for pool in settings.pools:
            lines += [f"      - category: {_scalar(pool.category)}",
                      f"        draw: {_scalar(int(pool.draw))}"]
    return lines


def module_yaml(module: ModuleSpec) -> str:
    lines = [
        f"title: {_scalar(module.title)}",
        f"summary: {_scalar(module.summary)}",
        "lessons:",
        *(line for lesson in module.lessons for line in _lesson_entry(lesson)),
    ]
    return "\n".join(lines) + "\n"


def lesson_markdown(lesson: LessonSpec) -> str:
    lines = [
        _FRONT_MATTER_DELIMITER,
        f"title: {_scalar(lesson.title)}",
        f"slug: {_scalar(lesson.slug)}",
        f"minutes: {_scalar(int(lesson.minutes))}",
    ]
    if not lesson.required:
        lines.append("required: false")
    if lesson.kind in ACTIVITY_KINDS:
        lines.append(f"activity: {lesson.kind}")
    lines += [_FRONT_MATTER_DELIMITER, "", lesson.body.strip("\n").rstrip()]
    return "\n".join(lines) + "\n"


def _check_writable(course: CourseSpec) -> None:
    slugs = [course.slug, *(m.slug for m in course.modules)]
    slugs += [lesson.slug for m in course.modules for lesson in m.lessons]
    for slug in slugs:
        if not is_valid_slug(slug):
            raise ValueError(f"cannot write a package with the invalid slug {slug!r}")
    for module in course.modules:
        for lesson in module.lessons:
            if lesson.kind not in ("reading", "quiz", *ACTIVITY_KINDS):
                raise ValueError(f"lesson kind {lesson.kind!r} cannot be written")


def _write(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)


def write_package(course: CourseSpec, directory: Path) -> Path:
    """Write ``course`` in canonical form into ``directory/<course.slug>/`` and return that
    folder. Course files (.md, .gift, .yaml) there that are not part of the spec are removed, so
    re-exporting over an older export gives exactly the spec. A quiz's GIFT file is its
    ``body``, unchanged."""
    _check_writable(course)
    root = Path(directory) / course.slug
    root.mkdir(parents=True, exist_ok=True)
    wanted: set[Path] = {root / COURSE_FILE}
    _write(root / COURSE_FILE, course_yaml(course))
    for module in course.modules:
        folder = root / module.slug
        folder.mkdir(exist_ok=True)
        wanted.add(folder / MODULE_FILE)
        _write(folder / MODULE_FILE, module_yaml(module))
        for lesson in module.lessons:
            if lesson.kind == "quiz":
                path = folder / (lesson.slug + QUIZ_SUFFIX)
                wanted.add(path)
                _write(path, lesson.body)
                continue
            path = folder / (lesson.slug + LESSON_SUFFIX)
            wanted.add(path)
            _write(path, lesson_markdown(lesson))
    assets = root / ASSETS_DIR
    if course.assets:
        assets.mkdir(exist_ok=True)
    for name, data in course.assets.items():
        if not ASSET_NAME.match(name):
            raise ValueError(f"asset name {name!r} cannot be written")
        path = assets / name
        wanted.add(path)
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
    if assets.is_dir():
        for child in assets.iterdir():
            if child.is_file() and child not in wanted:
                child.unlink()

    module_folders = {root / module.slug for module in course.modules} | {assets}
    course_files = (LESSON_SUFFIX, QUIZ_SUFFIX, ".yaml")
    for path in sorted(root.iterdir()):
        if path.is_dir():
            for child in path.iterdir():
                if child.is_file() and child.suffix in course_files and child not in wanted:
                    child.unlink()
            if path not in module_folders and not any(path.iterdir()):
                path.rmdir()
        elif path.suffix in course_files and path not in wanted:
            path.unlink()
    return root
