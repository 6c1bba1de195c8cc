"""Reading the YAML of a package: ``course.yaml``, ``module.yaml`` and lessons' front
matter become mappings whose values keep their lines, and are read as text, slugs,
numbers, booleans and slug lists; every problem is reported with its file and line
instead of stopping at the first. ``lessons.py`` and ``reader.py`` build on this."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from app.courses.package.format import (
    _QUIZ_DEFAULTS,
    ASSETS_DIR,
    ATTEMPTS_RANGE,
    LESSON_SUFFIX,
    MINUTES_RANGE,
    PASS_MARK_RANGE,
    POOL_KEYS,
    QUIZ_KEYS,
    QUIZ_REQUIRED,
    QUIZ_SUFFIX,
    TIME_LIMIT_RANGE,
    _slug_problem,
)
from app.courses.spec import COMPLETION_RULES, Problem, QuizReveal, QuizSettings, ScorePolicy
from app.questions.pools import DRAW_RANGE, PoolDraw

_NULL_TAG = "tag:yaml.org,2002:null"


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


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass
class _QuizEntry:
    """The settings of a quiz listed in a module manifest (None where invalid)."""

    title: str | None
    minutes: int | None  # None: the default, from the number of questions
    required: bool
    settings: QuizSettings
    valid: bool
    draw_line: int = 0  # lines of the ``draw`` key and of each pool, for drawing problems
    pool_lines: list[int] = field(default_factory=list)


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


class _ManifestReader:
    """The problems and warnings of one package folder, and its YAML read into values."""

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
        _, settings.draw = self.whole_number(
            mapping, "draw", file, DRAW_RANGE, " (questions per attempt)"
        )
        settings.pools, pool_lines = self.pools(mapping, file)
        if slug is None:
            return None
        entry = _QuizEntry(
            title=title,
            minutes=minutes,
            required=required,
            settings=settings,
            valid=len(self.problems) == before,
            draw_line=mapping.lines.get("draw", line),
            pool_lines=pool_lines,
        )
        return _Item(slug, file, line, quiz=entry)

    def pools(self, mapping: _Mapping, file: str) -> tuple[list[PoolDraw], list[int]]:
        """A quiz entry's ``pools``: a list of ``{category: name, draw: n}``, with the line
        of each (checked against the questions once the GIFT file is read)."""
        node = mapping.values.get("pools")
        if node is None or _is_null(node):
            return [], []
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.report(file, mapping.lines["pools"], "'pools' must be a list of "
                                                      "'category: <name>' and 'draw: <n>' entries")
            return [], []
        pools: list[PoolDraw] = []
        lines: list[int] = []
        for item in node.value:
            pool = self.mapping(item, file, POOL_KEYS, "pool")
            if pool is None:
                continue
            self.require(pool, file, POOL_KEYS, "pool")
            category = self.text(pool, "category", file)
            ok, draw = self.whole_number(pool, "draw", file, DRAW_RANGE, " (questions per attempt)")
            if ok and category is not None and draw is not None:
                pools.append(PoolDraw(category=category, draw=draw))
                lines.append(pool.start)
        return pools, lines

    # -- manifests


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
