"""The persona builder as an executive uses it over HTTP: step pages, saving (as typed,
even over a limit), resuming in another browser, live counters, the overview's list of
what blocks submission, submitting, versions, comparison and restore."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlmodel import col, select

from app.db import Database
from app.models import Role, User, Workbook, WorkbookVersion
from app.persona.definition import STEPS
from app.workbooks import service as workbooks
from app.workbooks.schema import MAX_ANSWER
from tests.conftest import csrf_from, form_post, login
from tests.persona.conftest import VALID, fill_persona, save_step

MakeUser = Callable[..., User]


# --- helpers -----------------------------------------------------------------------------

def sign_in_executive(client: TestClient, make_user: MakeUser, **kwargs: Any) -> User:
    user = make_user(Role.executive, **kwargs)
    login(client, user.email)
    return user


def workbook_of(database: Database, user: User) -> Workbook | None:
    with database.session() as session:
        return session.exec(select(Workbook).where(Workbook.user_id == user.id,
                                                   Workbook.kind == "persona")).first()


def draft_of(database: Database, user: User) -> dict[str, Any]:
    workbook = workbook_of(database, user)
    return workbooks.load(workbook.draft) if workbook else {}


def versions_of(database: Database, user: User) -> list[WorkbookVersion]:
    with database.session() as session:
        return list(session.exec(
            select(WorkbookVersion).join(Workbook, col(Workbook.id) == WorkbookVersion.workbook_id)
            .where(Workbook.user_id == user.id).order_by(col(WorkbookVersion.number))))


def shows(page: str, text: str) -> bool:
    """Whether the page shows ``text`` (HTML-escaped as the templates escape it)."""
    return str(escape(text)) in page


def field_error(page: str, name: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="f-{re.escape(name)}-error">([^<]*)</p>',
                      page)
    return match.group(1) if match else None


def textarea(page: str, name: str) -> str | None:
    match = re.search(rf'<textarea id="f-{re.escape(name)}" name="{re.escape(name)}"[^>]*>'
                      r"([^<]*)</textarea>", page)
    return match.group(1) if match else None


def input_value(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]* name="{re.escape(name)}" [^>]*value="([^"]*)"', page)
    return match.group(1) if match else None


def counter(client: TestClient, limit: str, field: str, text: str, *,
            token: str | None = None) -> Any:
    token = token or csrf_from(client, "/persona/steps/x-profile")
    return client.post(f"/counter/{limit}", params={"field": field}, data={field: text},
                       headers={"X-CSRF-Token": token})


def submit(client: TestClient) -> Any:
    return form_post(client, "/persona/submit", page="/persona")


# --- step pages --------------------------------------------------------------------------

@pytest.mark.parametrize("step", STEPS, ids=[s.slug for s in STEPS])
def test_every_step_page_renders_with_guidance_and_examples(client, make_user, step) -> None:
    sign_in_executive(client, make_user)
    page = client.get(f"/persona/steps/{step.slug}")
    assert page.status_code == 200
    assert shows(page.text, step.title)
    assert shows(page.text, step.intro)
    for f in step.fields:
        assert f'id="f-{f.name}"' in page.text
        assert shows(page.text, f.help), f.name
        if f.example:
            assert shows(page.text, f.example), f.name
        if f.limit is not None:
            assert shows(page.text, f.limit.rule)
    assert 'name="csrf_token"' in page.text


def test_unknown_step_is_not_found(client, make_user) -> None:
    sign_in_executive(client, make_user)
    assert client.get("/persona/steps/hobbies").status_code == 404
    token = csrf_from(client, "/persona/steps/role")
    data = {"csrf_token": token, "role": "CEO"}
    assert client.post("/persona/steps/hobbies", data=data).status_code == 404
    assert client.post("/persona/steps/hobbies/autosave", data=data).status_code == 404


# --- saving ------------------------------------------------------------------------------

def test_saving_a_step_keeps_the_answers(client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    response = save_step(client, "role", VALID["role"])
    assert response.status_code == 200
    assert "Saved" in response.text
    assert draft_of(database, user) == VALID["role"]
    page = client.get("/persona/steps/role")
    assert input_value(page.text, "role") == "Chief Executive Officer"
    assert input_value(page.text, "company") == "Northwind Logistics"


def test_answers_are_there_in_another_browser(client, new_client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    save_step(client, "role", VALID["role"])
    save_step(client, "proof", VALID["proof"])
    other = new_client()
    login(other, user.email)
    role = other.get("/persona/steps/role")
    assert input_value(role.text, "role") == "Chief Executive Officer"
    proof = other.get("/persona/steps/proof")
    assert textarea(proof.text, "proof_points") == VALID["proof"]["proof_points"]
    assert draft_of(database, user)["proof_points"] == VALID["proof"]["proof_points"]


def test_saving_one_step_keeps_the_others(client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    save_step(client, "role", VALID["role"])
    save_step(client, "proof", VALID["proof"])
    save_step(client, "role", {"role": "Chair", "company": "Northwind"})
    assert draft_of(database, user) == {"role": "Chair", "company": "Northwind",
                                        **VALID["proof"]}


def test_an_over_long_bio_is_saved_as_typed_with_the_error_beside_it(client, make_user,
                                                                      database) -> None:
    user = sign_in_executive(client, make_user)
    bio = "Chief executive. " * 9 + "Cyclists"  # one over the 160 characters
    assert len(bio) == 161
    response = save_step(client, "x-profile", {"x_name": "Dana", "x_bio": bio})
    assert response.status_code == 422
    assert draft_of(database, user)["x_bio"] == bio  # not cut
    assert field_error(response.text, "x_bio") == (
        "1 character over the limit: the X bio takes at most 160 characters.")
    assert field_error(response.text, "x_name") is None
    assert textarea(response.text, "x_bio") == str(escape(bio))
    assert 'aria-invalid="true"' in response.text
    assert "counter-over" in response.text
    # reloading shows the text as typed, and the limit problem again
    page = client.get("/persona/steps/x-profile")
    assert textarea(page.text, "x_bio") == str(escape(bio))
    assert field_error(page.text, "x_bio") is not None


def test_save_and_continue_goes_to_the_next_step(client, make_user) -> None:
    sign_in_executive(client, make_user)
    for step, following in zip(STEPS, [*STEPS[1:], None], strict=True):
        response = save_step(client, step.slug, VALID[step.slug], action="next")
        assert response.status_code == 303, step.slug
        expected = f"/persona/steps/{following.slug}" if following else "/persona"
        assert response.headers["location"] == expected


def test_save_and_continue_stays_when_something_is_wrong(client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    response = save_step(client, "x-profile", {"x_name": "D" * 51, "x_bio": "Fine"},
                         action="next")
    assert response.status_code == 422
    assert "location" not in response.headers
    assert field_error(response.text, "x_name") is not None
    assert draft_of(database, user)["x_name"] == "D" * 51


def test_save_and_continue_with_htmx_redirects_the_browser(client, make_user) -> None:
    sign_in_executive(client, make_user)
    token = csrf_from(client, "/persona/steps/role")
    response = client.post("/persona/steps/role",
                           data={"csrf_token": token, "action": "next", **VALID["role"]},
                           headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/persona/steps/expertise"


def test_autosave_saves(client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    response = form_post(client, "/persona/steps/networks/autosave", VALID["networks"],
                         page="/persona/steps/networks")
    assert response.status_code == 200
    assert 'id="save-status"' in response.text
    assert "Saved" in response.text
    assert draft_of(database, user) == VALID["networks"]


def test_autosave_refuses_an_enormous_answer(client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    save_step(client, "proof", VALID["proof"])
    response = form_post(client, "/persona/steps/proof/autosave",
                         {"proof_points": "p" * (MAX_ANSWER + 1)}, page="/persona/steps/proof")
    assert "Not saved" in response.text
    assert draft_of(database, user)["proof_points"] == VALID["proof"]["proof_points"]


def test_an_answer_above_the_ceiling_is_refused_but_shown_back(client, make_user,
                                                               database) -> None:
    user = sign_in_executive(client, make_user)
    save_step(client, "expertise", VALID["expertise"])
    huge = "i" * (MAX_ANSWER + 1)
    response = save_step(client, "expertise", {**VALID["expertise"], "expertise-1": "Changed",
                                               "interests": huge})
    assert response.status_code == 422
    assert "far too long to save" in (field_error(response.text, "interests") or "")
    assert textarea(response.text, "interests") == huge
    assert input_value(response.text, "expertise-1") == "Changed"
    # nothing of the step was saved
    saved = draft_of(database, user)
    assert saved["interests"] == "Cycling"
    assert saved["expertise"][0] == "Electric fleets"


def test_an_answer_at_the_ceiling_is_kept(client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    text = "i" * MAX_ANSWER
    response = save_step(client, "expertise", {**VALID["expertise"], "interests": text})
    assert response.status_code == 422  # far above the field's own 1,000 characters
    assert draft_of(database, user)["interests"] == text


def test_list_fields_round_trip(client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    items = ["Electric fleets", "Urban logistics", "Supply chains", "Rail freight", "Depots"]
    form = {f"expertise-{n}": text for n, text in enumerate(items, start=1)}
    assert save_step(client, "expertise", {**form, "interests": ""}).status_code == 200
    assert draft_of(database, user)["expertise"] == items
    page = client.get("/persona/steps/expertise")
    for n, text in enumerate(items, start=1):
        assert input_value(page.text, f"expertise-{n}") == text
    # blanks at the end are dropped, and show as empty inputs
    save_step(client, "expertise", {"expertise-1": "Only one", "expertise-2": "",
                                    "expertise-3": ""})
    assert draft_of(database, user)["expertise"] == ["Only one"]
    page = client.get("/persona/steps/expertise")
    assert input_value(page.text, "expertise-1") == "Only one"
    assert input_value(page.text, "expertise-5") == ""


def test_pairs_round_trip(client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    form = {"audiences": ["customers", "investors"],
            "audiences-customers": "Deliveries stay fast.",
            "audiences-investors": "Growth is steady.",
            "audiences-media": "A note without a tick is kept.",
            "audiences-other-name": "City councils", "audiences-other": "We keep streets calm."}
    assert save_step(client, "audiences", form).status_code == 200
    assert draft_of(database, user)["audiences"] == [
        {"key": "customers", "name": "Customers", "note": "Deliveries stay fast.",
         "picked": True},
        {"key": "investors", "name": "Investors", "note": "Growth is steady.", "picked": True},
        {"key": "media", "name": "Media", "note": "A note without a tick is kept.",
         "picked": False},
        {"key": "other", "name": "City councils", "note": "We keep streets calm.",
         "picked": True},
    ]
    page = client.get("/persona/steps/audiences").text
    assert 'name="audiences" value="customers" checked' in page
    assert 'name="audiences" value="investors" checked' in page
    assert 'name="audiences" value="media" >' in page  # not ticked
    assert input_value(page, "audiences-customers") == "Deliveries stay fast."
    assert input_value(page, "audiences-media") == "A note without a tick is kept."
    assert input_value(page, "audiences-other-name") == "City councils"
    assert input_value(page, "audiences-other") == "We keep streets calm."


# --- live counters -----------------------------------------------------------------------

def test_counter_over_the_limit(client, make_user) -> None:
    sign_in_executive(client, make_user)
    response = counter(client, "x-bio", "x_bio", "a" * 161)
    assert response.status_code == 200
    assert 'class="counter counter-over" id="count-x_bio"' in response.text
    assert "161 / 160" in response.text
    assert "1 over the limit" in response.text


def test_counter_near_and_ok(client, make_user) -> None:
    sign_in_executive(client, make_user)
    token = csrf_from(client, "/persona/steps/x-profile")
    near = counter(client, "x-bio", "x_bio", "a" * 150, token=token)
    assert "counter-near" in near.text
    assert "150 / 160" in near.text
    assert "10 left" in near.text
    ok = counter(client, "x-name", "x_name", "Dana", token=token)
    assert 'class="counter counter-ok" id="count-x_name"' in ok.text
    assert "4 / 50" in ok.text
    assert "left" not in ok.text and "over" not in ok.text


def test_counter_counts_as_x_does(client, make_user) -> None:
    sign_in_executive(client, make_user)
    token = csrf_from(client, "/persona/steps/messages")
    link = counter(client, "x-post", "core_messages-1",
                   "Read https://example.com/" + "a" * 80, token=token)
    assert "28 / 280" in link.text
    assert 'id="count-core_messages-1"' in link.text
    cjk = counter(client, "x-post", "core_messages-2", "中" * 141, token=token)
    assert "282 / 280" in cjk.text and "counter-over" in cjk.text
    crlf = counter(client, "x-name", "x_name", "a\r\nb", token=token)
    assert "3 / 50" in crlf.text


def test_counter_formats_thousands(client, make_user) -> None:
    sign_in_executive(client, make_user)
    response = counter(client, "linkedin-about", "li_about", "a" * 2_601)
    assert "2,601 / 2,600" in response.text


def test_counter_refuses_unknown_limits_and_bad_field_names(client, make_user) -> None:
    sign_in_executive(client, make_user)
    token = csrf_from(client, "/persona/steps/x-profile")
    assert counter(client, "myspace-bio", "x_bio", "hi", token=token).status_code == 404
    # an invalid query value is a bad request app-wide (app/errors.py maps the validation
    # error to 400 with a page; only malformed path values become 404)
    for bad in ("Bad Name", "x_bio-123", "a" * 41, "", "x_bio<script>"):
        response = client.post("/counter/x-bio", params={"field": bad}, data={bad: "hi"},
                               headers={"X-CSRF-Token": token})
        assert response.status_code == 400, bad
        assert 'class="counter' not in response.text
    missing = client.post("/counter/x-bio", data={"x_bio": "hi"},
                          headers={"X-CSRF-Token": token})
    assert missing.status_code == 400


def test_counter_needs_the_csrf_token(client, make_user) -> None:
    sign_in_executive(client, make_user)
    response = client.post("/counter/x-bio", params={"field": "x_bio"}, data={"x_bio": "hi"})
    assert response.status_code == 403


# --- the overview and submission ---------------------------------------------------------

def test_overview_lists_what_blocks_submission_with_links(client, make_user) -> None:
    sign_in_executive(client, make_user)
    save_step(client, "role", VALID["role"])
    page = client.get("/persona")
    assert page.status_code == 200
    assert 'id="submit-problems"' in page.text
    problems = re.search(r'<ul class="problems" id="submit-problems">(.*?)</ul>', page.text,
                         re.S)
    assert problems
    block = problems.group(1)
    assert 'href="/persona/steps/expertise?check=1#f-expertise"' in block
    assert 'href="/persona/steps/audiences?check=1#f-audiences"' in block
    assert 'href="/persona/steps/networks?check=1#f-networks"' in block
    assert 'href="/persona/steps/messages?check=1#f-core_messages"' in block
    assert ('<a href="/persona/steps/messages?check=1#f-core_messages">Write at least 3 core '
            'messages (you have 0 so far).</a> <span class="meta">(Core messages)</span>') in block
    assert "/persona/steps/role?" not in block  # role is complete
    assert 'action="/persona/submit"' not in page.text


def test_a_step_reached_from_the_problems_shows_what_is_missing(client, make_user) -> None:
    sign_in_executive(client, make_user)
    save_step(client, "role", {"role": "CEO", "company": ""})
    plain = client.get("/persona/steps/role")
    assert field_error(plain.text, "company") is None
    checked = client.get("/persona/steps/role?check=1")
    assert field_error(checked.text, "company") == (
        "Add the company you speak for, e.g. Northwind Logistics.")


def test_submit_is_refused_while_incomplete(client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    nothing = submit(client)
    assert nothing.status_code == 303
    assert nothing.headers["location"] == "/persona?notice=not-ready"
    save_step(client, "role", VALID["role"])
    response = submit(client)
    assert response.headers["location"] == "/persona?notice=not-ready"
    assert versions_of(database, user) == []
    assert workbook_of(database, user).status == "in-progress"
    page = client.get(response.headers["location"])
    assert "Not submitted yet" in page.text


def test_submit_a_complete_persona(client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    fill_persona(client)
    overview = client.get("/persona")
    assert 'id="submit-problems"' not in overview.text
    assert 'action="/persona/submit"' in overview.text
    response = submit(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/persona?notice=submitted"
    [version] = versions_of(database, user)
    assert (version.number, version.kind, version.outcome) == (1, "submitted", "pending")
    assert workbooks.load(version.data) == draft_of(database, user)
    workbook = workbook_of(database, user)
    assert workbook.status == "in-review"
    assert workbook.submitted_at is not None
    page = client.get("/persona")
    assert "In review" in page.text
    assert "Waiting for your trainer" in page.text
    assert 'href="/persona/versions/1"' in page.text


def test_submitting_again_without_a_change_adds_nothing(client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    fill_persona(client)
    submit(client)
    again = submit(client)
    assert again.headers["location"] == "/persona?notice=nothing-new"
    assert len(versions_of(database, user)) == 1


def test_x_fields_are_required_only_with_x(client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    fill_persona(client, networks={"networks": ["linkedin"]},
                 x_profile={"x_name": "", "x_bio": ""})
    page = client.get("/persona")
    assert 'id="submit-problems"' not in page.text
    assert submit(client).headers["location"] == "/persona?notice=submitted"
    assert len(versions_of(database, user)) == 1


def test_x_fields_are_required_with_x(client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    fill_persona(client, x_profile={"x_name": "Dana", "x_bio": ""})
    page = client.get("/persona")
    assert "Add your X bio: you chose X as one of your networks." in page.text
    assert 'href="/persona/steps/x-profile?check=1#f-x_bio"' in page.text
    assert submit(client).headers["location"] == "/persona?notice=not-ready"
    assert versions_of(database, user) == []
    step = client.get("/persona/steps/x-profile?check=1")
    assert field_error(step.text, "x_bio") == "Add your X bio: you chose X as one of your networks."


def test_linkedin_fields_are_required_with_linkedin(client, make_user) -> None:
    sign_in_executive(client, make_user)
    fill_persona(client, linkedin_profile={"li_headline": "", "li_about": "Story"})
    page = client.get("/persona")
    assert ("Add your LinkedIn headline: you chose LinkedIn as one of your networks."
            in page.text)
    assert submit(client).headers["location"] == "/persona?notice=not-ready"


def test_a_limit_problem_blocks_submission(client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    fill_persona(client)
    save_step(client, "x-profile", {"x_name": "Dana", "x_bio": "b" * 161})
    page = client.get("/persona")
    assert "1 character over the limit" in page.text
    assert submit(client).headers["location"] == "/persona?notice=not-ready"
    assert versions_of(database, user) == []


# --- versions, comparison and restore ----------------------------------------------------

def test_a_version_is_compared_with_the_draft(client, make_user) -> None:
    sign_in_executive(client, make_user)
    fill_persona(client)
    submit(client)
    same = client.get("/persona/versions/1")
    assert same.status_code == 200
    assert "Your draft is the same as this version." in same.text
    save_step(client, "x-profile", {"x_name": "Dana Whitfield",
                                    "x_bio": "CEO of Northwind. Green logistics."})
    page = client.get("/persona/versions/1")
    assert page.status_code == 200
    assert "1 of 14 fields differ" in page.text
    assert "<del>Clean</del>" in page.text
    assert "<ins>Green</ins>" in page.text
    assert "CEO of Northwind. " in page.text
    assert "<del>CEO" not in page.text  # unchanged words are not marked


def test_unknown_version_is_not_found(client, make_user) -> None:
    sign_in_executive(client, make_user)
    assert client.get("/persona/versions/1").status_code == 404  # no workbook at all
    fill_persona(client)
    submit(client)
    assert client.get("/persona/versions/99").status_code == 404
    assert form_post(client, "/persona/versions/99/restore", page="/persona").status_code == 404


def test_restore_puts_the_version_back_and_keeps_the_draft(client, make_user,
                                                           database) -> None:
    user = sign_in_executive(client, make_user)
    fill_persona(client)
    submit(client)
    submitted = draft_of(database, user)
    save_step(client, "x-profile", {"x_name": "Dana", "x_bio": "A newer bio"})
    changed = draft_of(database, user)
    response = form_post(client, "/persona/versions/1/restore", page="/persona/versions/1")
    assert response.status_code == 303
    assert response.headers["location"] == "/persona?notice=restored"
    assert draft_of(database, user) == submitted
    v1, v2 = versions_of(database, user)
    assert workbooks.load(v1.data) == submitted
    assert (v2.number, v2.kind, v2.outcome) == (2, "snapshot", None)
    assert workbooks.load(v2.data) == changed  # nothing lost
    page = client.get("/persona")
    assert "Kept before a restore" in page.text
    # the snapshot can be restored in turn
    form_post(client, "/persona/versions/2/restore", page="/persona/versions/2")
    assert draft_of(database, user)["x_bio"] == "A newer bio"


def test_restoring_twice_keeps_one_snapshot(client, make_user, database) -> None:
    user = sign_in_executive(client, make_user)
    fill_persona(client)
    submit(client)
    save_step(client, "x-profile", {"x_name": "Dana", "x_bio": "A newer bio"})
    for number in (1, 1, 2, 1, 2):
        response = form_post(client, f"/persona/versions/{number}/restore",
                             page=f"/persona/versions/{number}")
        assert response.status_code == 303
    assert [(v.number, v.kind) for v in versions_of(database, user)] == [
        (1, "submitted"), (2, "snapshot")]
    assert draft_of(database, user)["x_bio"] == "A newer bio"


def test_autosave_of_saved_answers_writes_and_locks_nothing(client, make_user,
                                                             database) -> None:
    from tests.dbutil import statements_of, writes_in

    user = sign_in_executive(client, make_user)
    with statements_of(database.engine) as first:
        response = form_post(client, "/persona/steps/networks/autosave", VALID["networks"],
                             page="/persona/steps/networks")
    assert response.status_code == 200 and "Saved" in response.text
    assert writes_in(first)
    with statements_of(database.engine) as again:
        response = form_post(client, "/persona/steps/networks/autosave", VALID["networks"],
                             page="/persona/steps/networks")
    assert response.status_code == 200 and "Saved" in response.text
    assert again and writes_in(again) == []
    assert draft_of(database, user) == VALID["networks"]


def test_an_autosave_keeps_a_save_made_after_it_read_the_draft(client, make_user, database,
                                                               monkeypatch) -> None:
    """Another tab saves between the autosave's read and its write: the autosave's
    one-statement write finds the draft changed, locks it and merges, losing nothing."""
    from app.persona import service as persona_service

    user = sign_in_executive(client, make_user)
    save_step(client, "role", VALID["role"])
    token = csrf_from(client, "/persona/steps/role")
    read = workbooks.get_workbook

    def read_then_another_tab_saves(session, **kwargs):  # type: ignore[no-untyped-def]
        found = read(session, **kwargs)
        monkeypatch.setattr(persona_service.workbooks, "get_workbook", read)
        with database.session(write=True) as other:
            book = workbooks.open_for_update(other, user_id=user.id, kind="persona")
            workbooks.save_draft(other, workbook=book, data={
                **workbooks.draft(book), "proof_points": "Saved in another tab"})
        return found

    monkeypatch.setattr(persona_service.workbooks, "get_workbook", read_then_another_tab_saves)
    response = client.post("/persona/steps/role/autosave", data={
        "csrf_token": token, "role": "Chief Operating Officer",
        "company": "Northwind Logistics"})
    assert response.status_code == 200 and "Saved" in response.text
    saved = draft_of(database, user)
    assert saved["role"] == "Chief Operating Officer"
    assert saved["proof_points"] == "Saved in another tab"
    # the stepper drawn from the draft as saved: the other tab's step is done too
    assert re.search(r'<li class="stepper-done"><a href="/persona/steps/proof"',
                     response.text)


def test_an_autosave_keeps_the_trainers_comments_in_the_stepper(client, new_client,
                                                                make_user, database) -> None:
    from tests.persona.test_review import decide, sign_in_trainer, version_id

    user = sign_in_executive(client, make_user)
    fill_persona(client)
    assert submit(client).status_code == 303
    trainer = sign_in_trainer(new_client, make_user)
    decide(trainer, version_id(database, user, 1), "changes-requested",
           **{"comment:x_bio": "Say what you post about."})
    response = form_post(client, "/persona/steps/role/autosave",
                         {**VALID["role"], "role": "Chief Operating Officer"},
                         page="/persona/steps/role")
    assert response.status_code == 200 and "Saved" in response.text
    assert re.search(r'<li class="stepper-attention"><a href="/persona/steps/x-profile"',
                     response.text)
    assert re.search(r'<li class="stepper-done"><a href="/persona/steps/linkedin-profile"',
                     response.text)
