"""Reading, checking and writing course package folders (see ``courses/README.md``).

``check_package`` reports every problem of a folder at once, each with the file (relative
to the folder's parent, e.g. ``executive-enablement/social-selling/listening.md``) and the
1-based line. ``load_package`` turns a clean folder into a :class:`CourseSpec`;
``write_package`` writes a spec back in the canonical form, so that a clean package that
is already canonical is reproduced byte for byte.

A module's ``lessons:`` list names reading lessons (``slug`` for ``slug.md``) and quizzes
(a mapping ``quiz: slug`` with the quiz's settings, for the Moodle GIFT file
``slug.gift``). ``package_warnings`` lists what the GIFT reader warns about; those are not
problems.
"""

from __future__ import annotations

import math
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from app.courses.spec import (
    ACTIVITY_KINDS,
    COMPLETION_RULES,
    CourseSpec,
    LessonSpec,
    ModuleSpec,
    PackageError,
    Problem,
    QuizReveal,
    QuizSettings,
    ScorePolicy,
)
from app.questions.gift.reader import parse_gift
from app.questions.gift.syntax import GiftError
from app.security.images import UploadError, check_image

__all__ = [
    "SLUG_MAX_LENGTH",
    "SLUG_PATTERN",
    "check_package",
    "is_valid_slug",
    "lesson_link_target",
    "load_package",
    "package_warnings",
    "quiz_default_minutes",
    "write_package",
]

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
)
QUIZ_REQUIRED = ("quiz", "title")
PASS_MARK_RANGE = (0, 100)
ATTEMPTS_RANGE = (0, 100)
TIME_LIMIT_RANGE = (1, 600)
_QUIZ_DEFAULTS = QuizSettings()

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
UNSAFE_SCHEMES = frozenset({"javascript", "data", "vbscript"})

_NULL_TAG = "tag:yaml.org,2002:null"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Browsers ignore ASCII whitespace and control characters inside a URL scheme.
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")
_FRONT_MATTER_DELIMITER = "---"


class _LinkParser(MarkdownIt):
    """The lesson renderer's Markdown dialect, but keeping every link as a token (the
    renderer silently drops unsafe ones) so the checker can report them."""

    def validateLink(self, url: str) -> bool:
        return True


def _make_link_parser() -> MarkdownIt:
    return _LinkParser("commonmark", {"html": False}).enable(["table", "strikethrough"])


_LINK_PARSER = _make_link_parser()


# --------------------------------------------------------------------------- helpers


def is_valid_slug(value: str) -> bool:
    return len(value) <= SLUG_MAX_LENGTH and SLUG_PATTERN.fullmatch(value) is not None


def _slug_problem(value: str) -> str | None:
    if len(value) > SLUG_MAX_LENGTH:
        return f"slug '{value[:20]}...' is too long (at most {SLUG_MAX_LENGTH} characters)"
    if SLUG_PATTERN.fullmatch(value) is None:
        return f"'{value}' is not a valid slug (use lowercase letters, digits and single hyphens)"
    return None


def _line(node: yaml.Node, offset: int = 0) -> int:
    return node.start_mark.line + 1 + offset


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG


def _is_empty(node: yaml.Node) -> bool:
    if _is_null(node):
        return True
    if isinstance(node, yaml.ScalarNode):
        return not node.value.strip()
    return not node.value


_CONSTRUCT_ERRORS = (ArithmeticError, AttributeError, LookupError, RecursionError, TypeError,
                     ValueError)


def _construct(node: yaml.Node) -> object:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


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


# --------------------------------------------------------------------------- reading


@dataclass
class _QuizEntry:
    """The settings of a quiz listed in a module manifest (None where invalid)."""

    title: str | None
    minutes: int | None  # None: the default, from the number of questions
    required: bool
    settings: QuizSettings
    valid: bool


@dataclass
class _Item:
    """A slug listed in a manifest, with where it is listed."""

    slug: str
    file: str
    line: int
    quiz: _QuizEntry | None = None  # set for a quiz in a module's lesson list

    @property
    def filename(self) -> str:
        return self.slug + (LESSON_SUFFIX if self.quiz is None else QUIZ_SUFFIX)


@dataclass
class _CourseManifest:
    title: str | None = None
    slug: str | None = None
    summary: str | None = None
    audience: str | None = None
    estimated_hours: float | None = None
    completion: str = COMPLETION_RULES[0]
    sequential: bool = False
    modules: list[_Item] = field(default_factory=list)
    modules_line: int | None = None  # line of the ``modules:`` key if the list was readable


@dataclass
class _ModuleManifest:
    slug: str
    title: str | None = None
    summary: str | None = None
    lessons: list[_Item] = field(default_factory=list)
    readable: bool = False


@dataclass
class _Mapping:
    """A YAML mapping's values by key, with the line of each key."""

    values: dict[str, yaml.Node] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    start: int = 1


class _Reader:
    """Reads one package folder, collecting problems instead of stopping at the first."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.name = folder.resolve().name
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.unreadable_modules: set[str] = set()
        self.assets: dict[str, bytes] = {}

    # -- reporting

    def rel(self, *parts: str) -> str:
        return "/".join((self.name, *parts))

    def report(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file=file, line=max(1, line), message=message))

    # -- YAML

    def read_text(self, path: Path, file: str) -> str | None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.report(file, 1, "file is not valid UTF-8")
            return None
        except OSError as exc:
            self.report(file, 1, f"cannot read file: {exc.strerror or exc}")
            return None
        if "\x00" in text:
            line = text.count("\n", 0, text.index("\x00")) + 1
            self.report(file, line, "the file contains a NUL character (is it really text?)")
            return None
        return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")

    def compose(self, text: str, file: str, offset: int = 0) -> tuple[bool, yaml.Node | None]:
        """(True, root node or None for an empty document), or (False, None) after
        reporting a syntax error. ``offset`` is the number of file lines before ``text``."""
        try:
            return True, yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 + offset if mark is not None else 1 + offset
            detail = exc.problem or exc.context or "invalid YAML"
            self.report(file, line, f"YAML syntax error: {detail}")
        except yaml.YAMLError as exc:
            self.report(file, 1 + offset, f"YAML syntax error: {exc}")
        except RecursionError:  # PyYAML's composer recurses once per level: [[[[...
            self.report(file, 1 + offset, "YAML syntax error: too deeply nested")
        return False, None

    def mapping(
        self,
        root: yaml.Node | None,
        file: str,
        allowed: tuple[str, ...],
        what: str,
        offset: int = 0,
    ) -> _Mapping | None:
        if root is None:
            root = yaml.MappingNode(tag="tag:yaml.org,2002:map", value=[])
            start = 1 + offset
        else:
            start = _line(root, offset)
        if not isinstance(root, yaml.MappingNode):
            self.report(file, start, f"{what} must be a mapping of keys to values")
            return None
        result = _Mapping(start=start)
        for key_node, value_node in root.value:
            line = _line(key_node, offset)
            if not isinstance(key_node, yaml.ScalarNode):
                self.report(file, line, f"keys in {what} must be plain names")
                continue
            key = key_node.value
            if key not in allowed:
                self.report(
                    file, line, f"unknown key '{key}' in {what} (allowed: {', '.join(allowed)})"
                )
                continue
            if key in result.values:
                self.report(
                    file, line, f"duplicate key '{key}' (first at line {result.lines[key]})"
                )
                continue
            result.values[key] = value_node
            result.lines[key] = line
        return result

    def require(self, mapping: _Mapping, file: str, required: tuple[str, ...], what: str) -> None:
        for key in required:
            node = mapping.values.get(key)
            if node is None:
                self.report(file, mapping.start, f"missing required key '{key}' in {what}")
            elif _is_empty(node):
                self.report(file, mapping.lines[key], f"'{key}' must not be empty")

    def text(self, mapping: _Mapping, key: str, file: str, offset: int = 0) -> str | None:
        node = mapping.values.get(key)
        if node is None or _is_null(node):
            return None  # reported by require()
        if not isinstance(node, yaml.ScalarNode):
            self.report(file, _line(node, offset), f"'{key}' must be text")
            return None
        value = node.value.strip()
        return value or None

    def slug(self, mapping: _Mapping, key: str, file: str, offset: int = 0) -> str | None:
        value = self.text(mapping, key, file, offset)
        if value is None:
            return None
        problem = _slug_problem(value)
        if problem:
            self.report(file, mapping.lines[key], problem)
            return None
        return value

    def typed(self, mapping: _Mapping, key: str, file: str, offset: int = 0) -> object:
        """The constructed value, or None if absent/invalid YAML (reported)."""
        node = mapping.values.get(key)
        if node is None:
            return None
        try:
            return _construct(node)
        except yaml.YAMLError as exc:
            self.report(file, _line(node, offset), f"invalid value for '{key}': {exc}")
        except _CONSTRUCT_ERRORS:
            # PyYAML's constructors fail with plain exceptions on values such as
            # "2026-02-30", "!!int abc" or "!!bool maybe".
            value = f" '{_shorten(node.value)}'" if isinstance(node, yaml.ScalarNode) else ""
            self.report(file, _line(node, offset), f"invalid value{value} for '{key}'")
        return None

    def boolean(
        self, mapping: _Mapping, key: str, file: str, default: bool, offset: int = 0
    ) -> bool:
        if key not in mapping.values:
            return default
        value = self.typed(mapping, key, file, offset)
        if not isinstance(value, bool):
            self.report(file, mapping.lines[key], f"'{key}' must be true or false")
            return default
        return value

    def slug_list(self, mapping: _Mapping, key: str, file: str, kind: str) -> list[_Item] | None:
        """The slugs listed under ``key``; None if the list itself is unusable."""
        node = mapping.values.get(key)
        if node is None or _is_null(node):
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.report(file, mapping.lines[key], f"'{key}' must be a list of {kind} names")
            return None
        items: list[_Item] = []
        for item in node.value:
            line = _line(item)
            if isinstance(item, yaml.MappingNode) and key == "lessons":
                quiz = self.quiz_entry(item, file)
                if quiz is not None:
                    items.append(quiz)
                continue
            if not isinstance(item, yaml.ScalarNode):
                self.report(file, line, f"each entry of '{key}' must be a {kind} name")
                continue
            value = "" if _is_null(item) else item.value.strip()
            if not value:
                self.report(file, line, f"empty entry in '{key}'")
                continue
            problem = _slug_problem(value)
            if problem:
                self.report(file, line, problem)
                continue
            if key == "modules" and value == ASSETS_DIR:
                self.report(file, line, f"'{ASSETS_DIR}' is the folder of the course's images; "
                                        "give the module another name")
                continue
            items.append(_Item(value, file, line))
        return items

    def whole_number(
        self, mapping: _Mapping, key: str, file: str, bounds: tuple[int, int], hint: str = ""
    ) -> tuple[bool, int | None]:
        """(ok, value) of an optional whole number within ``bounds``; (True, None) if the
        key is absent."""
        if key not in mapping.values:
            return True, None
        value = self.typed(mapping, key, file)
        low, high = bounds
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return True, value
        self.report(
            file, mapping.lines[key], f"'{key}' must be a whole number from {low} to {high}{hint}"
        )
        return False, None

    def choice(
        self, mapping: _Mapping, key: str, file: str, options: tuple[str, ...]
    ) -> tuple[bool, str | None]:
        if key not in mapping.values:
            return True, None
        value = self.typed(mapping, key, file)
        if isinstance(value, str) and value in options:
            return True, value
        self.report(file, mapping.lines[key], f"'{key}' must be one of: {', '.join(options)}")
        return False, None

    def quiz_entry(self, node: yaml.MappingNode, file: str) -> _Item | None:
        """A ``- quiz: slug`` entry of a lesson list, with its settings."""
        line = _line(node)
        keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
        if "quiz" not in keys:
            label = keys[0] if len(keys) == 1 else "/".join(keys) or "?"
            self.report(
                file,
                line,
                f"lesson kind '{label}' is not supported (list a lesson by its name, or a "
                "quiz as 'quiz: <name>')",
            )
            return None
        before = len(self.problems)
        mapping = self.mapping(node, file, QUIZ_KEYS, "quiz entry")
        if mapping is None:  # pragma: no cover - node is a mapping
            return None
        self.require(mapping, file, QUIZ_REQUIRED, "quiz entry")
        slug = self.slug(mapping, "quiz", file)
        title = self.text(mapping, "title", file)
        _, minutes = self.whole_number(mapping, "minutes", file, MINUTES_RANGE)
        required = self.boolean(mapping, "required", file, default=True)
        settings = QuizSettings()
        _, pass_mark = self.whole_number(mapping, "pass_mark", file, PASS_MARK_RANGE, " (percent)")
        if pass_mark is not None:
            settings.pass_mark = pass_mark
        _, attempts = self.whole_number(
            mapping, "attempts", file, ATTEMPTS_RANGE, " (0: unlimited)"
        )
        if attempts is not None:
            settings.attempts = attempts
        settings.shuffle = self.boolean(mapping, "shuffle", file, default=_QUIZ_DEFAULTS.shuffle)
        _, settings.time_limit = self.whole_number(
            mapping, "time_limit", file, TIME_LIMIT_RANGE, " (minutes; leave it out for none)"
        )
        _, score = self.choice(mapping, "score", file, tuple(p.value for p in ScorePolicy))
        if score is not None:
            settings.score = ScorePolicy(score)
        _, reveal = self.choice(mapping, "reveal", file, tuple(r.value for r in QuizReveal))
        if reveal is not None:
            settings.reveal = QuizReveal(reveal)
        if slug is None:
            return None
        entry = _QuizEntry(
            title=title,
            minutes=minutes,
            required=required,
            settings=settings,
            valid=len(self.problems) == before,
        )
        return _Item(slug, file, line, quiz=entry)

    # -- course.yaml

    def read_manifest(self, path: Path, file: str, keys: tuple[str, ...],
                      required: tuple[str, ...], name: str, missing: str) -> _Mapping | None:
        """Read a YAML manifest into a mapping with known keys, reporting what is wrong."""
        if not path.is_file():
            self.report(file, 1, missing)
            return None
        text = self.read_text(path, file)
        if text is None:
            return None
        ok, root = self.compose(text, file)
        if not ok:
            return None
        mapping = self.mapping(root, file, keys, name)
        if mapping is None:
            return None
        self.require(mapping, file, required, name)
        return mapping

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

    # -- lessons

    def read_lesson(self, module: str, slug: str, listed: dict[str, set[str]]) -> LessonSpec | None:
        file = self.rel(module, slug + LESSON_SUFFIX)
        text = self.read_text(self.folder / module / (slug + LESSON_SUFFIX), file)
        if text is None:
            return None
        lines = text.split("\n")
        if lines[0].rstrip() != _FRONT_MATTER_DELIMITER:
            self.report(file, 1, "missing front matter (the file must start with a '---' line)")
            return None
        closing = next(
            (i for i in range(1, len(lines)) if lines[i].rstrip() == _FRONT_MATTER_DELIMITER),
            None,
        )
        if closing is None:
            self.report(file, 1, "unterminated front matter (no closing '---' line)")
            return None
        problems_before = len(self.problems)
        front = self.front_matter("\n".join(lines[1:closing]), file, slug)

        rest = lines[closing + 1 :]
        skipped = 0
        while skipped < len(rest) and not rest[skipped].strip():
            skipped += 1
        body_lines = rest[skipped:]
        body = "\n".join(body_lines).rstrip()
        first_body_line = closing + 2 + skipped  # 1-based file line of the body's first line
        if not body:
            self.report(file, closing + 2, "lesson body is empty")
        else:
            self.check_body(body, first_body_line, file, module, listed)
        if front is None or len(self.problems) != problems_before:
            return None
        title, minutes, required, activity = front
        return LessonSpec(
            slug=slug, title=title, minutes=minutes, body=body + "\n", required=required,
            kind=activity or "reading",
        )

    def front_matter(
        self, text: str, file: str, slug: str
    ) -> tuple[str, int, bool, str | None] | None:
        offset = 1  # front matter starts on line 2 of the file
        ok, root = self.compose(text, file, offset)
        if not ok:
            return None
        mapping = self.mapping(root, file, LESSON_KEYS, "front matter", offset)
        if mapping is None:
            return None
        if root is None:
            mapping.start = 1
        self.require(mapping, file, LESSON_REQUIRED, "front matter")
        title = self.text(mapping, "title", file, offset)
        front_slug = self.slug(mapping, "slug", file, offset)
        if front_slug is not None and front_slug != slug:
            self.report(
                file,
                mapping.lines["slug"],
                f"slug '{front_slug}' must equal the file name without .md ('{slug}')",
            )
        minutes: int | None = None
        if "minutes" in mapping.values and not _is_null(mapping.values["minutes"]):
            value = self.typed(mapping, "minutes", file, offset)
            low, high = MINUTES_RANGE
            if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
                minutes = value
            else:
                self.report(
                    file,
                    mapping.lines["minutes"],
                    f"'minutes' must be a whole number from {low} to {high}",
                )
        required = self.boolean(mapping, "required", file, default=True, offset=offset)
        activity: str | None = None
        if "activity" in mapping.values:
            value = self.typed(mapping, "activity", file, offset)
            if isinstance(value, str) and value in ACTIVITY_KINDS:
                activity = value
            else:
                self.report(
                    file,
                    mapping.lines["activity"],
                    f"'activity' must be one of: {', '.join(ACTIVITY_KINDS)}",
                )
                return None
        if title is None or minutes is None:
            return None
        return title, minutes, required, activity

    def check_body(
        self, body: str, first_line: int, file: str, module: str, listed: dict[str, set[str]]
    ) -> None:
        tokens = _LINK_PARSER.parse(body, {})
        if tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
            line = first_line + (tokens[0].map[0] if tokens[0].map else 0)
            self.report(
                file,
                line,
                "the body must not start with a level-1 heading (the title comes from the "
                "front matter)",
            )
        body_lines = body.split("\n")
        for href, line in _links_with_lines(tokens, body_lines):
            message = self.link_problem(href, module, listed)
            if message:
                self.report(file, first_line + line, message)

    def link_problem(self, href: str, module: str, listed: dict[str, set[str]]) -> str | None:
        href = href.strip()
        if not href:
            return None
        scheme = _url_scheme(href)
        if scheme in UNSAFE_SCHEMES:
            return f"unsafe link '{_shorten(href)}' ({scheme}: links are not allowed)"
        if scheme is not None:
            if scheme in SAFE_SCHEMES:
                return None
            return (
                f"unsupported link scheme '{scheme}:' in '{_shorten(href)}' "
                "(use http, https or mailto)"
            )
        if not _is_relative(href):
            return None
        asset = asset_link_target(href, module)
        if asset is not None:
            return None if asset in self.assets else (
                f"image or file '{_shorten(href)}' is not in the course's {ASSETS_DIR}/ folder")
        target = _resolve_lesson_path(href, module, self.name)
        if target is not None:
            if target[0] not in listed:
                # a module listed in course.yaml whose lesson list could not be read
                # (reported there): its lessons are unknown, so do not guess
                return None if target[0] in self.unreadable_modules else _broken(href)
            if target[1] in listed[target[0]]:
                return None
        return _broken(href)

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
        if not entry.valid or entry.title is None:
            return None
        return LessonSpec(
            slug=item.slug,
            title=entry.title,
            minutes=entry.minutes if entry.minutes is not None else _default_minutes(graded),
            body=body,
            required=entry.required,
            kind="quiz",
            quiz=entry.settings,
        )


def _broken(href: str) -> str:
    return f"broken link '{_shorten(href)}': it does not point to a lesson of this course"


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


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


def _links_with_lines(tokens: list[Token], body_lines: list[str]) -> list[tuple[str, int]]:
    """Every link and image target with its 0-based line in ``body_lines``.

    markdown-it-py only gives the line range of a block, so the target's text is searched
    within that range (in order, so repeated targets get their own lines); a target that
    is not there (a reference definition) is searched in the whole body."""
    found: list[tuple[str, int]] = []
    whole = "\n".join(body_lines)
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        start, end = token.map if token.map else (0, len(body_lines))
        block = "\n".join(body_lines[start:end])
        cursor = 0
        for child in token.children:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
            elif child.type == "image":
                href = str(child.attrGet("src") or "")
            else:
                continue
            candidates = [c for c in dict.fromkeys((href, unquote(href))) if c]
            line = start
            for candidate in candidates:
                position = block.find(candidate, cursor)
                if position >= 0:
                    line = start + block.count("\n", 0, position)
                    cursor = position + len(candidate)
                    break
            else:
                for candidate in candidates:
                    position = whole.find(candidate)
                    if position >= 0:
                        line = whole.count("\n", 0, position)
                        break
            found.append((href, line))
    return found


def _default_minutes(graded: int) -> int:
    low, high = MINUTES_RANGE
    return min(max(low, graded), high)


def quiz_default_minutes(body: str) -> int | None:
    """The minutes of a quiz whose entry leaves them out: one per graded question (at
    least 1, at most 120); None if ``body`` is not valid GIFT."""
    try:
        questions, _ = parse_gift(body)
    except GiftError:
        return None
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


# --------------------------------------------------------------------------- writing


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
    if lesson.minutes != quiz_default_minutes(lesson.body):
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
    lines += [f"    {key}: {_scalar(value)}" for key, value in options]
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
