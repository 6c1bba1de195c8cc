"""Reading a lesson file of a package: its front matter, its Markdown body, and every link
and image in the body checked (a lesson of this course, an image of ``assets/``, or a
safe external address)."""

from __future__ import annotations

from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from app.courses.package.format import (
    _FRONT_MATTER_DELIMITER,
    ASSETS_DIR,
    LESSON_KEYS,
    LESSON_REQUIRED,
    LESSON_SUFFIX,
    MINUTES_RANGE,
    SAFE_SCHEMES,
    UNSAFE_SCHEMES,
    _is_relative,
    _resolve_lesson_path,
    _url_scheme,
    asset_link_target,
)
from app.courses.package.manifests import _is_null, _ManifestReader, _shorten
from app.courses.spec import ACTIVITY_KINDS, LessonSpec


class _LinkParser(MarkdownIt):
    """The lesson renderer's Markdown dialect, but keeping every link as a token (the
    renderer silently drops unsafe ones) so the checker can report them."""

    def validateLink(self, url: str) -> bool:
        return True


def _make_link_parser() -> MarkdownIt:
    return _LinkParser("commonmark", {"html": False}).enable(["table", "strikethrough"])


_LINK_PARSER = _make_link_parser()


class _LessonReader(_ManifestReader):
    """A package reader's lessons: front matter, body and links."""

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


def _broken(href: str) -> str:
    return f"broken link '{_shorten(href)}': it does not point to a lesson of this course"


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
