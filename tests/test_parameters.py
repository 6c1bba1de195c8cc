"""Numbers in paths are typed and bounded, so the next route gets it for free: an id or
ordinal out of range (beyond 64 bits, beyond PostgreSQL's 32-bit integers, zero, negative,
a Unicode digit) names no page (404), never a database error."""

from __future__ import annotations

import re

import annotated_types
import pytest
from fastapi.routing import APIRoute

from app.models import Role
from tests.conftest import csrf_from
from tests.routes_walk import api_routes


def _all_routes(app) -> list[tuple[str, APIRoute]]:  # type: ignore[no-untyped-def]
    return list(api_routes(app.routes))


def _int_path_params(route: APIRoute) -> list[tuple[str, bool]]:
    """(name, bounded) of every int path parameter, dependencies' included."""
    found: list[tuple[str, bool]] = []

    def walk(dependant) -> None:  # type: ignore[no-untyped-def]
        for param in dependant.path_params:
            if param.field_info.annotation is int:
                bounded = any(isinstance(m, annotated_types.Le | annotated_types.Lt)
                              for m in param.field_info.metadata)
                found.append((param.name, bounded))
        for dependency in dependant.dependencies:
            walk(dependency)

    walk(route.dependant)
    return found


def test_every_int_path_parameter_is_bounded(app):
    unbounded = [f"{sorted(route.methods)} {path} {name}"
                 for path, route in _all_routes(app)
                 for name, bounded in _int_path_params(route) if not bounded]
    assert unbounded == [], "use app.deps.RowId or Ordinal for these: " + ", ".join(unbounded)
    assert sum(1 for _, route in _all_routes(app) if _int_path_params(route)) >= 20


def _counts_from_zero(route: APIRoute) -> bool:
    return any(isinstance(m, annotated_types.Ge) and m.ge == 0
               for param in route.dependant.path_params for m in param.field_info.metadata)


OUT_OF_RANGE = ["2978988779248816863838208", "9223372036854775808", "2147483648", "0", "-1",
                "%C2%B2", "1e3"]


@pytest.mark.parametrize("role", [Role.admin, Role.executive])
def test_out_of_range_numbers_in_paths_are_not_found(app, client, login_as, role):
    login_as(role)
    token = csrf_from(client, "/account")
    checked = 0
    for template, route in _all_routes(app):
        names = [name for name, _ in _int_path_params(route)]
        if not names:
            continue
        for value in OUT_OF_RANGE:
            if value == "0" and _counts_from_zero(route):
                continue  # a position (a new question is number 0)
            path = re.sub(r"\{(\w+)\}",
                          lambda m, v=value, n=tuple(names): v if m.group(1) in n else "x",
                          template)
            for method in route.methods:
                response = client.request(method, path, data={"csrf_token": token},
                                          headers={"X-CSRF-Token": token})
                assert response.status_code in (403, 404), (method, path,
                                                            response.status_code)
                checked += 1
    assert checked > 100


def test_unicode_digits_in_queries_are_not_ids(client, login_as, load_course):
    from tests.courses_data import small_spec

    login_as(Role.admin)
    response = client.get("/admin/users", params={"cohort": "²"})
    assert response.status_code == 200
    assert "users" in response.text
    load_course(small_spec())
    token = csrf_from(client, "/manage/courses/pilot")
    enrol = client.post("/manage/courses/pilot/enrol",
                        data={"csrf_token": token, "cohort": "²", "emails": "",
                              "due_date": ""})
    assert enrol.status_code in (400, 422)
    assert "Choose a cohort from the list." in enrol.text


# The same numbers where they would reach the database: signed in with a role the route
# admits, the rest of the path naming real things (the shipped course, its quiz, an attempt
# and the executive's workbooks), so only the number's bound stands between it and a query.

TOO_BIG_OR_NOT_A_NUMBER = ["2978988779248816863838208", "9223372036854775808", "2147483648",
                           "0", "-1", "²", "٣", "1e3", "0x10"]
COURSE, QUIZ = "executive-enablement", "social-media-mechanics-quiz"
REAL = {"slug": COURSE, "quiz_slug": QUIZ, "lesson": QUIZ, "module": "social-media-mechanics",
        "lesson_slug": "first-30-days", "limit_key": "x-post", "token": "x" * 43}


def _role_for(rule: object) -> Role:
    if not isinstance(rule, frozenset):
        return Role.executive  # any signed-in user
    return next(role for role in (Role.executive, Role.trainer, Role.admin, Role.hr)
                if role in rule)


def test_numbers_out_of_range_never_reach_the_database(app, new_client, make_user,
                                                       load_course, enrol):
    from tests.conftest import login
    from tests.courses_data import SHIPPED
    from tests.test_access import _access_rules

    course = load_course(SHIPPED)
    browsers = {}
    for role in Role:
        browser = new_client()
        user = make_user(role)
        login(browser, user.email)
        if role == Role.executive:
            enrol(course, user)
        browsers[role] = (browser, csrf_from(browser, "/account"))
    executive, token = browsers[Role.executive]
    # an attempt (so a question id is looked up) and both workbooks (so are version numbers)
    assert executive.post(f"/courses/{COURSE}/quizzes/{QUIZ}/attempts",
                          data={"csrf_token": token}).status_code == 303
    assert executive.post("/persona/steps/role/autosave",
                          data={"csrf_token": token, "role": "CEO"}).status_code == 200
    assert executive.post("/plan/message", data={"csrf_token": token, "initiative": "Growth",
                                                 "autosave": "1"}).status_code == 200
    checked = 0
    for template, route in _all_routes(app):
        names = [name for name, _ in _int_path_params(route)]
        if not names:
            continue
        browser, token = browsers[_role_for(_access_rules(route)[0])]
        for name in names:
            for value in TOO_BIG_OR_NOT_A_NUMBER:
                if value == "0" and _counts_from_zero(route):
                    continue  # a new question is number 0
                path = re.sub(r"\{(\w+)\}", lambda m, n=name, v=value: v if m.group(1) == n
                              else REAL.get(m.group(1), "1"), template)
                for method in route.methods:
                    response = browser.request(method, path, data={"csrf_token": token})
                    assert response.status_code == 404, (method, path, response.status_code)
                    assert "Page not found" in response.text
                    checked += 1
    assert checked >= 200


def test_ids_in_queries_and_forms_are_ascii_digits_in_range(client, login_as, load_course):
    from tests.courses_data import small_spec

    login_as(Role.admin)
    load_course(small_spec())
    token = csrf_from(client, "/manage/courses/pilot")
    for value in ("²", "٣", "2147483648", "9223372036854775808", "2978988779248816863838208",
                  "0", "-1", "1e3"):
        listing = client.get("/admin/users", params={"cohort": value})
        assert listing.status_code == 200, value
        assert "users" in listing.text
        enrolled = client.post("/manage/courses/pilot/enrol",
                               data={"csrf_token": token, "cohort": value})
        assert enrolled.status_code == 400, value
        assert "Choose a cohort from the list." in enrolled.text
        created = client.post("/admin/users/new", data={
            "csrf_token": token, "email": "new@example.com", "full_name": "New Person",
            "role": "executive", "password": "correct horse battery", "cohorts": [value]})
        assert created.status_code == 400, value
        assert "Choose cohorts from the list." in created.text
