"""Who may see a persona, and that whatever an executive types is shown as text: escaped in
every page that shows it, inert in the Markdown export."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markdown_it import MarkdownIt

from app.models import Role, User
from app.persona.definition import STEPS
from tests.conftest import form_post, login
from tests.persona.conftest import VALID, fill_persona, save_step
from tests.persona.test_builder import draft_of, sign_in_executive, submit, versions_of
from tests.persona.test_review import decide, sign_in_trainer, version_id

MakeUser = Callable[..., User]

SCRIPT = "<script>alert(1)</script>"
TEMPLATE = "Before {{7*7}} after"
FORMULA = '=HYPERLINK("http://evil","x")'
IMG = "<img src=x onerror=alert(1)>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_IMG = "&lt;img src=x onerror=alert(1)&gt;"

# Hostile text in every field, each step carrying at least the script and the template.
HOSTILE: dict[str, dict[str, Any]] = {
    "role": {"role": f"{SCRIPT} {TEMPLATE}", "company": IMG},
    "expertise": {"expertise-1": SCRIPT, "expertise-2": TEMPLATE, "expertise-3": IMG,
                  "interests": f"{FORMULA}\n{SCRIPT} {TEMPLATE} {IMG}"},
    "audiences": {"audiences": ["customers"], "audiences-customers": f"{SCRIPT} {TEMPLATE}",
                  "audiences-other-name": IMG, "audiences-other": FORMULA},
    "networks": {"networks": ["linkedin", "x"], "voice": f"{FORMULA} {TEMPLATE}",
                 "off_limits": f"{IMG}\n{FORMULA}\n{SCRIPT}"},
    "proof": {"proof_points": f"{FORMULA}\n{SCRIPT}\n{IMG} {TEMPLATE}"},
    "x-profile": {"x_name": SCRIPT, "x_bio": f"{IMG} {TEMPLATE}"},
    "linkedin-profile": {"li_headline": f"{SCRIPT} {TEMPLATE} {IMG}",
                         "li_about": f"{FORMULA} {SCRIPT} {TEMPLATE} {IMG}" + " word" * 60},
    "messages": {"core_messages-1": f"{SCRIPT} {TEMPLATE}", "core_messages-2": IMG,
                 "core_messages-3": FORMULA},
}
HOSTILE_NAME = f"Dana {SCRIPT} {TEMPLATE}"


def fill_hostile(client: TestClient) -> None:
    for step in STEPS:
        response = save_step(client, step.slug, HOSTILE[step.slug])
        assert response.status_code == 200, (step.slug, response.text[:300])
        assert_inert(response.text, where=f"saved {step.slug}")


def assert_inert(page: str, *, where: str, expect_text: bool = True) -> None:
    """No hostile markup is live in ``page``; with ``expect_text`` it is shown as text."""
    assert "<script>alert(1)" not in page, where
    assert "<img src=x" not in page, where
    assert "Before 49 after" not in page, where
    if expect_text:
        assert ESCAPED_SCRIPT in page, where
        assert "Before {{7*7}} after" in page, where


def approve_latest(new_client: Callable[[], TestClient], make_user: MakeUser, database: Any,
                   user: User) -> TestClient:
    trainer = sign_in_trainer(new_client, make_user)
    number = max(v.number for v in versions_of(database, user))
    assert decide(trainer, version_id(database, user, number), "approved").status_code == 303
    return trainer


# --- access ------------------------------------------------------------------------------

EXECUTIVE_PAGES = ["/persona", "/persona/steps/role", "/persona/export.md", "/persona/print",
                   "/persona/versions/1", "/plan"]


@pytest.mark.parametrize("role", [Role.hr, Role.trainer, Role.admin])
def test_only_executives_open_the_persona_builder(client, make_user, role) -> None:
    staff = make_user(role)
    login(client, staff.email)
    for path in EXECUTIVE_PAGES:
        assert client.get(path).status_code == 403, path
    for path, data in [("/persona/steps/role", VALID["role"]),
                       ("/persona/steps/role/autosave", VALID["role"]),
                       ("/persona/submit", {}), ("/persona/versions/1/restore", {})]:
        assert form_post(client, path, data).status_code == 403, path


def test_signed_out_visitors_are_sent_to_sign_in(client) -> None:
    for path in ["/persona", "/persona/steps/role", "/persona/export.md", "/manage/reviews"]:
        response = client.get(path)
        assert response.status_code in (302, 303), path
        assert response.headers["location"].startswith("/login"), path


@pytest.mark.parametrize("role", [Role.executive, Role.hr])
def test_only_trainers_open_reviews(client, new_client, make_user, database, role) -> None:
    author = new_client()
    owner = submitted_in(author, make_user)
    vid = version_id(database, owner, 1)
    someone = make_user(role)
    login(client, someone.email)
    assert client.get("/manage/reviews").status_code == 403
    assert client.get(f"/manage/reviews/{vid}").status_code == 403
    response = form_post(client, f"/manage/reviews/{vid}", {"decision": "approved"})
    assert response.status_code == 403
    assert versions_of(database, owner)[0].outcome == "pending"


def submitted_in(browser: TestClient, make_user: MakeUser, **kwargs: Any) -> User:
    user = sign_in_executive(browser, make_user, **kwargs)
    fill_persona(browser)
    assert submit(browser).headers["location"] == "/persona?notice=submitted"
    return user


def test_versions_are_only_the_executives_own(client, new_client, make_user, database) -> None:
    other_browser = new_client()
    owner = submitted_in(other_browser, make_user)
    save_step(other_browser, "x-profile", {"x_name": "Owner", "x_bio": "Owner's own bio"})
    sign_in_executive(client, make_user)
    # no workbook of their own: the owner's version 1 is not found
    assert client.get("/persona/versions/1").status_code == 404
    assert form_post(client, "/persona/versions/1/restore", page="/persona").status_code == 404
    # with a workbook of their own, version 1 is theirs, never the owner's
    save_step(client, "role", {"role": "Mine", "company": "Mine Ltd"})
    assert client.get("/persona/versions/1").status_code == 404
    fill_persona(client, role={"role": "Mine", "company": "Mine Ltd"})
    submit(client)
    page = client.get("/persona/versions/1")
    assert page.status_code == 200
    assert "Mine Ltd" in page.text
    assert "Owner&#39;s own bio" not in page.text and "Owner's own bio" not in page.text
    assert "Your draft is the same as this version." in page.text
    # the owner's draft is untouched by anything the other executive did
    assert draft_of(database, owner)["x_bio"] == "Owner's own bio"
    assert len(versions_of(database, owner)) == 1


def test_unknown_and_snapshot_versions_are_not_reviewable(client, new_client, make_user,
                                                          database) -> None:
    owner = submitted_in(client, make_user)
    save_step(client, "x-profile", {"x_name": "Dana", "x_bio": "Changed"})
    form_post(client, "/persona/versions/1/restore", page="/persona/versions/1")
    snapshot = versions_of(database, owner)[1]
    assert snapshot.kind == "snapshot"
    trainer = sign_in_trainer(new_client, make_user)
    assert trainer.get("/manage/reviews/999999").status_code == 404
    assert trainer.get("/manage/reviews/not-a-number").status_code == 404
    assert trainer.get(f"/manage/reviews/{snapshot.id}").status_code == 404
    response = form_post(trainer, f"/manage/reviews/{snapshot.id}", {"decision": "approved"})
    assert response.status_code == 404
    assert versions_of(database, owner)[1].outcome is None


# --- escaping ----------------------------------------------------------------------------

def test_hostile_answers_are_shown_as_text_everywhere(client, new_client, make_user,
                                                      database) -> None:
    user = sign_in_executive(client, make_user, full_name=HOSTILE_NAME)
    fill_hostile(client)
    saved = draft_of(database, user)
    assert saved["role"] == f"{SCRIPT} {TEMPLATE}"  # stored as typed
    assert_inert(client.get("/persona").text, where="overview")
    for step in STEPS:
        page = client.get(f"/persona/steps/{step.slug}")
        assert page.status_code == 200
        assert_inert(page.text, where=step.slug)
        checked = client.get(f"/persona/steps/{step.slug}?check=1")
        assert_inert(checked.text, where=f"{step.slug}?check=1")
    overview = client.get("/persona").text
    assert ESCAPED_IMG in overview  # the X bio preview
    assert 'id="submit-problems"' not in overview, "the hostile persona is complete"

    assert submit(client).headers["location"] == "/persona?notice=submitted"
    # a change that puts hostile words on both sides of the comparison
    save_step(client, "x-profile", {"x_name": SCRIPT, "x_bio": f"{TEMPLATE} {SCRIPT} {IMG}"})
    compare = client.get("/persona/versions/1")
    assert compare.status_code == 200
    assert_inert(compare.text, where="compare")
    assert re.search(rf"<ins>[^<]*{re.escape(ESCAPED_SCRIPT)}[^<]*</ins>", compare.text)
    assert re.search(r"<del>[^<]*Before \{\{7\*7\}\} after[^<]*</del>", compare.text)

    trainer = sign_in_trainer(new_client, make_user)
    queue = trainer.get("/manage/reviews")
    assert_inert(queue.text, where="queue")
    vid = version_id(database, user, 1)
    review = trainer.get(f"/manage/reviews/{vid}")
    assert_inert(review.text, where="review")
    assert ESCAPED_IMG in review.text
    refused = decide(trainer, vid, "changes-requested", note=" ",
                     **{"comment:x_bio": "   "})
    assert refused.status_code == 422
    assert_inert(refused.text, where="refused review")

    # comments and notes from the trainer are text too
    decide(trainer, vid, "changes-requested",
           **{"comment:x_bio": f"{SCRIPT} {TEMPLATE}", "note": f"{IMG} {TEMPLATE}"})
    assert_inert(client.get("/persona").text, where="overview with comments")
    assert_inert(client.get("/persona/steps/x-profile").text, where="step with comment")
    assert_inert(trainer.get(f"/manage/reviews/{vid}").text, where="decided review")
    assert_inert(trainer.get("/manage/reviews").text, where="queue after review")

    form_post(client, "/persona/versions/1/restore", page="/persona/versions/1")
    submit(client)
    approve_latest(new_client, make_user, database, user)
    printable = client.get("/persona/print")
    assert printable.status_code == 200
    assert_inert(printable.text, where="print")
    assert ESCAPED_IMG in printable.text


def test_the_markdown_export_is_inert(client, new_client, make_user, database) -> None:
    user = sign_in_executive(client, make_user, full_name=HOSTILE_NAME)
    fill_hostile(client)
    submit(client)
    approve_latest(new_client, make_user, database, user)
    md = client.get("/persona/export.md").text
    for line in md.splitlines():
        assert not line.startswith("="), line
        assert not line.lstrip("-0123456789. ").startswith("=HYPERLINK"), line
    html = MarkdownIt("commonmark").render(md)
    assert "<script" not in html
    assert "<img" not in html
    assert "<a " not in html  # no links smuggled in
    assert "<h" not in html.replace("<h1>", "").replace("<h2>", "")  # only our headings
    assert html.count("<h1>") == 1
    # the words are there, as text
    assert ESCAPED_SCRIPT in html
    assert ESCAPED_IMG in html
    assert "Before {{7*7}} after" in html
    assert "=HYPERLINK(&quot;http://evil&quot;,&quot;x&quot;)" in html


def test_the_executives_own_name_is_escaped_in_previews(client, new_client, make_user,
                                                        database) -> None:
    name = "<b>Bold</b> Exec"
    escaped = "&lt;b&gt;Bold&lt;/b&gt; Exec"
    user = sign_in_executive(client, make_user, full_name=name)
    save_step(client, "role", VALID["role"])
    pages = {"overview": client.get("/persona").text,
             "x-profile": client.get("/persona/steps/x-profile").text,
             "linkedin-profile": client.get("/persona/steps/linkedin-profile").text}
    autosaved = form_post(client, "/persona/steps/x-profile/autosave",
                          {"x_name": "", "x_bio": "Bio"}, page="/persona/steps/x-profile")
    pages["autosave preview"] = autosaved.text
    for where, page in pages.items():
        assert "<b>Bold</b>" not in page, where
        assert escaped in page, where
    assert 'class="x-name">&lt;b&gt;Bold&lt;/b&gt; Exec</p>' in pages["overview"]
    assert 'class="li-name">&lt;b&gt;Bold&lt;/b&gt; Exec</p>' in pages["overview"]
    assert 'class="x-avatar" aria-hidden="true">&lt;</span>' in pages["overview"]

    fill_persona(client)
    submit(client)
    trainer = sign_in_trainer(new_client, make_user)
    for path in ["/manage/reviews", f"/manage/reviews/{version_id(database, user, 1)}"]:
        page = trainer.get(path).text
        assert "<b>Bold</b>" not in page, path
        assert escaped in page, path
    decide(trainer, version_id(database, user, 1), "approved")
    printable = client.get("/persona/print").text
    assert "<b>Bold</b>" not in printable
    assert f"<h1>{escaped}</h1>" in printable
    md = client.get("/persona/export.md").text
    html = MarkdownIt("commonmark").render(md)
    assert "<b>" not in html
    assert f"<h1>Digital persona: {escaped}</h1>" in html
