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
    assert 800 < plain_word_count(text) <= 1000
    assert estimated_minutes(text) == 5


# -- callouts: "> [!KIND] optional title" blockquotes become <aside class="callout ..."> --


def test_callout_with_default_title() -> None:
    html = render_markdown("> [!TIP]\n> Post at **9 am**, when your network reads.\n")
    assert html == (
        '<aside class="callout callout-tip">\n'
        '<p class="callout-title">Tip</p>\n'
        "<p>Post at <strong>9 am</strong>, when your network reads.</p>\n"
        "</aside>\n"
    )


def test_callout_with_the_authors_title_and_a_list() -> None:
    html = render_markdown("> [!TAKEAWAYS] What to remember\n>\n> - Listen first\n> - Then post\n")
    assert html.startswith('<aside class="callout callout-takeaways">\n'
                           '<p class="callout-title">What to remember</p>\n')
    assert "<ul>\n<li>Listen first</li>\n<li>Then post</li>\n</ul>\n</aside>" in html
    assert "[!TAKEAWAYS]" not in html


@pytest.mark.parametrize(
    ("marker", "kind", "title"),
    [("NOTE", "note", "Note"), ("WARNING", "warning", "Warning"), ("note", "note", "Note"),
     ("Takeaways", "takeaways", "Key takeaways")],
)
def test_every_callout_kind(marker: str, kind: str, title: str) -> None:
    html = render_markdown(f"> [!{marker}]\n> Body.\n")
    assert f'<aside class="callout callout-{kind}">' in html
    assert f'<p class="callout-title">{title}</p>' in html
    assert "<blockquote>" not in html


def test_unknown_marker_and_plain_quote_stay_blockquotes() -> None:
    html = render_markdown("> [!DANGER]\n> Not a callout.\n\n> Just a quote.\n")
    assert "<aside" not in html
    assert html.count("<blockquote>") == 2
    assert "[!DANGER]" in html


def test_callout_title_is_escaped_text() -> None:
    html = render_markdown('> [!NOTE] <script>alert(1)</script> & "more"\n> Body.\n')
    assert "<script" not in html
    assert '<p class="callout-title">&lt;script&gt;alert(1)&lt;/script&gt; &amp; "more"</p>' in html


def test_callout_inside_a_quote_closes_as_aside() -> None:
    html = render_markdown("> Outer\n>\n> > [!TIP]\n> > Inner\n")
    assert html.count("<blockquote>") == 1 and html.count("</blockquote>") == 1
    assert html.count("<aside") == 1 and html.count("</aside>") == 1
    assert html.index("<aside") > html.index("<blockquote>")
    assert html.index("</aside>") < html.index("</blockquote>")


def test_sanitiser_keeps_only_callout_classes() -> None:
    from app.content.markdown import sanitise_html

    html = sanitise_html('<aside class="callout callout-tip evil" onclick="x()">'
                         '<p class="callout-title big">T</p>'
                         '<p class="callout">x</p><div class="callout">y</div></aside>')
    assert html == ('<aside class="callout callout-tip"><p class="callout-title">T</p>'
                    "<p>x</p>y</aside>")


# -- the outline: a lesson's <h2> sections, each with an anchor --


def test_outline_lists_h2_sections_with_unique_anchors() -> None:
    from app.content.markdown import Section, outline

    html, sections = outline(render_markdown(
        "Intro\n\n## Listen *first*\n\nText\n\n### Not listed\n\n## Q&A\n\n## Q&A\n\n## ***\n"))
    assert sections == [
        Section(anchor="section-listen-first", title="Listen first"),
        Section(anchor="section-q-a", title="Q&A"),
        Section(anchor="section-q-a-2", title="Q&A"),
        Section(anchor="section-part", title="***"),
    ]
    assert '<h2 id="section-listen-first">Listen <em>first</em></h2>' in html
    assert '<h2 id="section-q-a">Q&amp;A</h2>' in html
    assert '<h2 id="section-q-a-2">Q&amp;A</h2>' in html
    assert "<h3>Not listed</h3>" in html


def test_outline_of_a_heading_without_letters_and_of_no_headings() -> None:
    from app.content.markdown import outline

    html, sections = outline("<h2>!!!</h2>")
    assert html == '<h2 id="section-part">!!!</h2>'
    assert [s.title for s in sections] == ["!!!"]
    assert outline("<p>No sections</p>") == ("<p>No sections</p>", [])


def test_outline_of_a_shipped_lesson() -> None:
    from app.content.markdown import outline

    _, sections = outline(render_markdown(SHIPPED_LESSON.read_text(encoding="utf-8")))
    assert len(sections) >= 2
    assert all(s.anchor.startswith("section-") for s in sections)
