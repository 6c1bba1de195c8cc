"""The baseline's page: its Jinja2 template and a body of a chosen size. Shared by
``baseline_app.py`` and ``floor_app.py``, so both render the same page."""

from __future__ import annotations

from fastapi.templating import Jinja2Templates
from jinja2 import DictLoader, Environment, select_autoescape

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ article.title }} · Baseline</title>
  <link rel="stylesheet" href="/static/site.css?v=1">
</head>
<body>
  <header class="site-header">
    <a class="brand" href="/">Baseline</a>
    <nav aria-label="Main">{% for label in nav %}<a href="/{{ label | lower }}">{{ label }}</a>
    {% endfor %}</nav>
    <span class="account-name">{{ article.author }}</span>
  </header>
  <main id="main" class="container">
    <article class="panel">
      <h1>{{ article.title }}</h1>
      <p class="meta">{{ article.minutes }} min read</p>
      <div class="prose">{{ article.body_html | safe }}</div>
    </article>
    <nav class="pager"><a href="/articles/{{ article.id - 1 }}">Previous</a>
    <a href="/articles/{{ article.id + 1 }}">Next</a></nav>
  </main>
  <footer class="site-footer">Generated for request {{ request.url.path }}</footer>
</body>
</html>
"""
NAV = ["Home", "Courses", "Account", "Help"]

templates = Jinja2Templates(
    env=Environment(loader=DictLoader({"page.html": PAGE}), autoescape=select_autoescape())
)


def page_body(page_bytes: int) -> str:
    """HTML paragraphs that make the page about ``page_bytes`` long."""
    paragraph = (
        "<p>Executives who post in their own voice are trusted more than the brands they "
        "lead; the effect is strongest when the posts explain decisions &amp; admit limits.</p>\n"
    )
    layout_bytes = 1_300  # what PAGE adds around the body
    return paragraph * max(1, (page_bytes - layout_bytes) // len(paragraph))
