"""The persona builder's messages follow the saved answers: after an autosave the banner,
the message beside the field and the stepper's "!" go as soon as the problem goes (and
come as soon as one appears); the messages read as a person would say them."""

from __future__ import annotations

import json
import re
from html import unescape

from app.models import Role
from tests.conftest import csrf_from, login
from tests.persona.conftest import fill_persona, save_step
from tests.persona.test_builder import field_error

STEP = "/persona/steps/x-profile"


def _autosave(client, data: dict[str, str], *, check: bool = False):
    token = csrf_from(client, STEP)
    return client.post(STEP + "/autosave" + ("?check=1" if check else ""), data=data,
                       headers={"X-CSRF-Token": token, "HX-Request": "true"})


def _stepper_state(html: str, slug: str) -> str:
    match = re.search(rf'<li class="stepper-([a-z]+)"><a href="/persona/steps/{slug}"', html)
    assert match, html
    return match.group(1)


def _field_errors(html: str) -> dict[str, str]:
    match = re.search(r'<div id="persona-field-errors" hx-swap-oob="true" hidden '
                      r'data-errors="([^"]*)"></div>', html)
    assert match, html
    return json.loads(unescape(match.group(1)))


def test_shortening_the_bio_clears_the_message_banner_and_mark(client, make_user) -> None:
    login(client, make_user(Role.executive).email)
    long_bio = "b" * 227
    saved = save_step(client, "x-profile", {"x_name": "Dana", "x_bio": long_bio})
    assert "67 characters over" in (field_error(saved.text, "x_bio") or "")
    page = client.get(STEP).text
    assert "67 characters over" in (field_error(page, "x_bio") or "")
    assert 'class="form-error" role="alert"' in page
    assert _stepper_state(page, "x-profile") == "attention"

    response = _autosave(client, {"x_name": "Dana", "x_bio": "b" * 114})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Saved" in response.text
    # out of band: the stepper without "!", the banner empty, no message for the bio
    assert '<nav class="stepper" id="persona-stepper" aria-label="Persona builder steps" ' \
        'hx-swap-oob="true">' in response.text
    assert _stepper_state(response.text, "x-profile") == "done"
    banner = re.search(r'<div id="step-problems" hx-swap-oob="true" hidden>(.*?)</div>',
                       response.text, re.S)
    assert banner and banner.group(1).strip() == ""
    assert '<div id="step-problems" hx-swap-oob="true" hidden>' in response.text
    assert _field_errors(response.text) == {"x_name": "", "x_bio": ""}
    assert "over" not in response.text

    page = client.get(STEP).text  # and the page agrees
    assert field_error(page, "x_bio") is None
    assert 'class="form-error"' not in page
    assert _stepper_state(page, "x-profile") == "done"


def test_a_new_problem_appears_after_autosave(client, make_user) -> None:
    login(client, make_user(Role.executive).email)
    save_step(client, "x-profile", {"x_name": "Dana", "x_bio": "short"})
    response = _autosave(client, {"x_name": "Dana", "x_bio": "b" * 170})
    errors = _field_errors(response.text)
    assert errors["x_name"] == "" and "10 characters over" in errors["x_bio"]
    assert _stepper_state(response.text, "x-profile") == "attention"
    banner = re.search(r'<div id="step-problems" hx-swap-oob="true">(.*?)</div>\s*</div>',
                       response.text, re.S)
    assert banner
    assert re.search(r'<a href="#f-x_bio">[^<]*10 characters over', banner.group(1))


def test_checked_step_keeps_missing_answers_until_they_are_given(client, make_user) -> None:
    login(client, make_user(Role.executive).email)
    fill_persona(client, x_profile={"x_name": "", "x_bio": ""})
    page = client.get(STEP + "?check=1").text
    assert f'hx-post="{STEP}/autosave?check=1"' in page
    assert field_error(page, "x_bio") == "Add your X bio: you chose X as one of your networks."
    assert '<li><a href="#f-x_bio">Add your X bio: you chose X as one of your networks.</a></li>' \
        in page
    response = _autosave(client, {"x_name": "", "x_bio": "Cyclist and CEO."}, check=True)
    errors = _field_errors(response.text)
    assert errors == {"x_bio": "", "x_name": "Add your X display name: you chose X as one of "
                                             "your networks."}


def test_messages_read_as_a_person_would_say_them(client, make_user) -> None:
    login(client, make_user(Role.executive).email)
    save_step(client, "role", {"role": "", "company": ""})
    step = client.get("/persona/steps/role?check=1").text
    assert field_error(step, "role") == "Add your role, e.g. Chief Financial Officer."
    overview = client.get("/persona").text
    problems = re.search(r'<ul class="problems" id="submit-problems">(.*?)</ul>', overview,
                         re.S).group(1)
    assert ('<a href="/persona/steps/role?check=1#f-role">Add your role, e.g. Chief Financial '
            'Officer.</a> <span class="meta">(Role and company)</span>') in problems
    assert "is needed before you submit" not in overview
    assert "Your role: Your role" not in overview
