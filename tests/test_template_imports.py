"""The hot pages import their macros without the page's context, so Jinja evaluates each
macro template once per process, not on every request (``{% from … import … with
context %}`` builds the imported template's module afresh on each render: 7% of the
lesson page's CPU). Macros that need the page's context (the CSRF field) are not on
these pages."""

from __future__ import annotations

import pytest
from jinja2.environment import Template

from app.models import Role
from tests.conftest import login
from tests.courses_data import small_spec


@pytest.mark.parametrize("path", ["/courses/pilot/lessons/hello", "/courses/pilot", "/"])
def test_a_hot_page_builds_no_template_module_once_warm(
        path, client, make_user, load_course, enrol, monkeypatch):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    enrol(course, user)
    login(client, user.email)
    assert client.get(path).status_code == 200  # warm: each macro template once
    built: list[str | None] = []
    make_module = Template.make_module

    def counting(self, *args, **kwargs):
        built.append(self.name)
        return make_module(self, *args, **kwargs)

    monkeypatch.setattr(Template, "make_module", counting)
    response = client.get(path)
    assert response.status_code == 200 and "Pilot course" in response.text
    assert built == []
