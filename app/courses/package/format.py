"""The course package format (see ``courses/README.md``): file names, the keys of the YAML
manifests and front matter, the limits of their values, slugs, and where a lesson's
relative links lead (another lesson, or an image of the course's ``assets/`` folder)."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from app.courses.spec import CourseSpec, QuizSettings

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 80

COURSE_FILE = "course.yaml"
MODULE_FILE = "module.yaml"
LESSON_SUFFIX = ".md"

COURSE_KEYS = (
    "title",
    "slug",
    "summary",
    "audience",
    "estimated_hours",
    "completion",
    "sequential",
    "modules",
)
COURSE_REQUIRED = ("title", "slug", "summary", "audience", "estimated_hours", "modules")
MODULE_KEYS = ("title", "summary", "lessons")
MODULE_REQUIRED = MODULE_KEYS
LESSON_KEYS = ("title", "slug", "minutes", "required", "activity")
LESSON_REQUIRED = ("title", "slug", "minutes")
MINUTES_RANGE = (1, 120)

QUIZ_SUFFIX = ".gift"
# Images that lessons show: files in the course folder's assets/, linked from a lesson as
# ../assets/<name> (a folder name no module may take).
ASSETS_DIR = "assets"
ASSET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}\.(?:png|jpg|webp|svg)$")
MAX_ASSETS = 200
QUIZ_KEYS = (
    "quiz",
    "title",
    "minutes",
    "required",
    "pass_mark",
    "attempts",
    "shuffle",
    "time_limit",
    "score",
    "reveal",
    "draw",
    "pools",
)
POOL_KEYS = ("category", "draw")
QUIZ_REQUIRED = ("quiz", "title")
PASS_MARK_RANGE = (0, 100)
ATTEMPTS_RANGE = (0, 100)
TIME_LIMIT_RANGE = (1, 600)
_QUIZ_DEFAULTS = QuizSettings()

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
UNSAFE_SCHEMES = frozenset({"javascript", "data", "vbscript"})

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Browsers ignore ASCII whitespace and control characters inside a URL scheme.
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")
_FRONT_MATTER_DELIMITER = "---"


def is_valid_slug(value: str) -> bool:
    return len(value) <= SLUG_MAX_LENGTH and SLUG_PATTERN.fullmatch(value) is not None


def _slug_problem(value: str) -> str | None:
    if len(value) > SLUG_MAX_LENGTH:
        return f"slug '{value[:20]}...' is too long (at most {SLUG_MAX_LENGTH} characters)"
    if SLUG_PATTERN.fullmatch(value) is None:
        return f"'{value}' is not a valid slug (use lowercase letters, digits and single hyphens)"
    return None


def _split_fragment(href: str) -> tuple[str, str | None]:
    path, sep, fragment = href.partition("#")
    path = path.partition("?")[0]
    return path, (fragment or None) if sep else None


def _url_scheme(href: str) -> str | None:
    match = _SCHEME.match(_URL_IGNORED.sub("", href))
    return match.group(1).lower() if match else None


def _is_relative(href: str) -> bool:
    return _url_scheme(href) is None and not href.startswith(("/", "#", "\\"))


def _resolve_lesson_path(
    href: str, from_module: str, course_slug: str
) -> tuple[str, str, str | None] | None:
    """A relative link from a lesson of ``from_module`` as (module, lesson, fragment), or
    None if it does not have the shape ``[../module/]lesson.md[#fragment]``."""
    if not _is_relative(href):
        return None
    raw_path, fragment = _split_fragment(href)
    path = unquote(raw_path)
    if not path.endswith(LESSON_SUFFIX):
        return None
    resolved = posixpath.normpath(posixpath.join(from_module, path))
    prefix = f"../{course_slug}/"
    if resolved.startswith(prefix):  # a detour through the course folder itself
        resolved = resolved[len(prefix) :]
    parts = resolved.split("/")
    if len(parts) != 2 or parts[0] in ("", ".", ".."):
        return None
    module, filename = parts
    return module, filename[: -len(LESSON_SUFFIX)], fragment and unquote(fragment)


def lesson_link_target(
    href: str, from_module: str, spec: CourseSpec
) -> tuple[str, str | None] | None:
    """Map a relative ``.md`` link in a lesson of module ``from_module`` to
    ``(lesson_slug, fragment)``, or None if it is not a link to a lesson of ``spec``.

    ``href`` may be percent-encoded (as markdown-it-py normalises it)."""
    target = _resolve_lesson_path(href.strip(), from_module, spec.slug)
    if target is None:
        return None
    module_slug, lesson_slug, fragment = target
    for module in spec.modules:
        if module.slug == module_slug:
            if any(lesson.slug == lesson_slug for lesson in module.lessons):
                return lesson_slug, fragment
            return None
    return None


def asset_link_target(href: str, from_module: str) -> str | None:
    """The asset name of a relative link ``../assets/<name>`` from a lesson of
    ``from_module`` (None for anything else)."""
    if not _is_relative(href.strip()):
        return None
    path = unquote(_split_fragment(href.strip())[0])
    resolved = posixpath.normpath(posixpath.join(from_module, path))
    folder, _, name = resolved.partition("/")
    if folder != ASSETS_DIR or not name or "/" in name:
        return None
    return name
