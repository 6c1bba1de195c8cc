"""Lesson Markdown rendering: CommonMark plus tables, sanitised output, link rewriting and
reading-time estimates."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.content.markdown import estimated_minutes, plain_word_count, render_markdown

SHIPPED_LESSON = (
    Path(__file__).resolve().parents[1]
    / "courses"
    / "executive-enablement"
    / "social-selling"
    / "listening.md"
)


def hrefs(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*)"', html)


def test_headings_emphasis_and_paragraphs() -> None:
    html = render_markdown("## Part one\n\nSome **bold**, *em* and `code`.\n\n### Sub\n")
    assert html == (
        "<h2>Part one</h2>\n"
        "<p>Some <strong>bold</strong>, <em>em</em> and <code>code</code>.</p>\n"
        "<h3>Sub</h3>\n"
    )


def test_lists_quotes_rules_and_code_blocks() -> None:
    html = render_markdown(
        "- one\n- two\n\n1. first\n2. second\n\n> quoted\n\n---\n\n```python\nx = 1 < 2\n```\n"
    )
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html
    assert "<hr>" in html
    assert "<pre><code>x = 1 &lt; 2\n</code></pre>" in html


def test_tables_render_with_alignment() -> None:
    html = render_markdown("| Metric | Value |\n|:-------|------:|\n| Reach | 10 |\n")
    assert "<table>" in html
    assert '<th align="left">Metric</th>' in html
    assert '<th align="right">Value</th>' in html
    assert '<td align="left">Reach</td>' in html
    assert '<td align="right">10</td>' in html
    assert "style" not in html


def test_strikethrough_renders_as_del() -> None:
    assert render_markdown("~~old~~ new") == "<p><del>old</del> new</p>\n"


def test_external_links_get_rel_and_no_target() -> None:
    html = render_markdown('[site](https://example.com "Example") and [mail](mailto:a@b.example)')
    assert (
        '<a href="https://example.com" title="Example" rel="noopener noreferrer nofollow">'
        "site</a>" in html
    )
    assert '<a href="mailto:a@b.example" rel="noopener noreferrer nofollow">mail</a>' in html
    assert "target" not in html


def test_raw_html_is_shown_as_text() -> None:
    html = render_markdown('Hello <script>alert(1)</script>\n\n<div onclick="x()">hi</div>\n')
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<div" not in html
    assert "&lt;div onclick=" in html


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](  javascript:alert(1) )",
        "<javascript:alert(1)>",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](javascript:alert(1))",
        "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        "[x][r]\n\n[r]: javascript:alert(1)",
    ],
)
def test_dangerous_urls_are_inert(source: str) -> None:
    html = render_markdown(source)
    for url in hrefs(html):
        assert not url.lower().lstrip().startswith(("javascript:", "vbscript:", "data:")), html
    assert "<script" not in html


def test_image_with_event_handler_is_inert() -> None:
    html = render_markdown("<img src=x onerror=alert(1)>\n\nText <img src=x onerror=alert(1)>")
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_markdown_image_keeps_only_safe_attributes() -> None:
    html = render_markdown('![A chart](https://example.com/c.png "Reach")')
    assert html == '<p><img src="https://example.com/c.png" alt="A chart" title="Reach"></p>\n'


def test_image_with_javascript_src_is_inert() -> None:
    html = render_markdown("![x](javascript:alert(1))")
    assert "<img" not in html
    assert "javascript:alert(1)" not in hrefs(html)


def test_link_resolver_rewrites_lesson_links() -> None:
    seen: list[str] = []

    def resolve(href: str) -> str | None:
        seen.append(href)
        if href.endswith(".md") or ".md#" in href:
            return "/courses/c/lessons/" + href.rsplit("/", 1)[-1].replace(".md", "")
        return None

    html = render_markdown(
        "See [basics](basics.md), [deep](../advanced/deep-dive.md#start), "
        "[site](https://example.com) and ![pic](https://example.com/p.png).",
        link_resolver=resolve,
    )
    assert seen == [
        "basics.md",
        "../advanced/deep-dive.md#start",
        "https://example.com",
        "https://example.com/p.png",
    ]
    assert hrefs(html) == [
        "/courses/c/lessons/basics",
        "/courses/c/lessons/deep-dive#start",
        "https://example.com",
        "https://example.com/p.png",
    ]


def test_link_resolver_cannot_introduce_unsafe_urls() -> None:
    html = render_markdown("[x](basics.md)", link_resolver=lambda href: "javascript:alert(1)")
    assert "javascript" not in html
    assert html == '<p><a rel="noopener noreferrer nofollow">x</a></p>\n'


def test_links_are_kept_without_resolver() -> None:
    assert hrefs(render_markdown("[x](basics.md)")) == ["basics.md"]


def test_rendering_is_thread_safe() -> None:
    sources = [f"## Title {i}\n\n[link {i}](lesson-{i}.md)\n" for i in range(200)]

    def render(index: int) -> str:
        return render_markdown(sources[index], link_resolver=lambda h, i=index: f"/l/{i}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(render, range(len(sources))))
    for index, html in enumerate(results):
        assert f"<h2>Title {index}</h2>" in html
        assert hrefs(html) == [f"/l/{index}"]


def test_plain_word_count_ignores_markup() -> None:
    text = (
        "---\ntitle: Not counted at all\nslug: x\nminutes: 3\n---\n\n"
        "## Two words\n\n"
        "Some **bold** text with a [link text](../some/very-long-path.md#frag).\n\n"
        "- one\n- two\n\n"
        "```python\nprint\n```\n\n"
        "| a | b |\n|---|---|\n"
    )
    # Two words / Some bold text with a link text / one two / print / a b
    assert plain_word_count(text) == 2 + 7 + 2 + 1 + 2


def test_plain_word_count_of_empty_text() -> None:
    assert plain_word_count("") == 0
    assert plain_word_count("---\n---\n\n***\n") == 0


@pytest.mark.parametrize(
    ("words", "minutes"), [(0, 1), (1, 1), (299, 1), (301, 2), (1000, 5), (1500, 8)]
)
def test_estimated_minutes(words: int, minutes: int) -> None:
    assert estimated_minutes(" ".join(["word"] * words)) == minutes


def test_estimated_minutes_of_a_shipped_lesson() -> None:
    text = SHIPPED_LESSON.read_text(encoding="utf-8")
    assert 1000 < plain_word_count(text) < 1800
    assert estimated_minutes(text) == 7
