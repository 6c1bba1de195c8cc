"""Every route declares who may use it, and the declaration is enforced."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from app.deps import ACCESS_ATTR
from app.models import Role
from tests.conftest import csrf_from
from tests.routes_walk import api_routes


def _access_rules(route: APIRoute) -> list[object]:
    found: list[object] = []

    def walk(dependant) -> None:  # type: ignore[no-untyped-def]
        for dep in dependant.dependencies:
            if dep.call is not None and hasattr(dep.call, ACCESS_ATTR):
                found.append(getattr(dep.call, ACCESS_ATTR))
                continue  # require_role depends on require_user: count the outer rule only
            walk(dep)

    walk(route.dependant)
    return found


def _routes(app) -> list[APIRoute]:  # type: ignore[no-untyped-def]
    """Every API route, nested routers' included, with its full path."""
    found = []
    for path, route in api_routes(app.routes):
        found.append(route if route.path == path else _with_path(route, path))
    return found


def _with_path(route: APIRoute, path: str) -> APIRoute:
    """The same route (same dependencies and rules) under its full path."""
    import copy

    full = copy.copy(route)
    full.path = path
    return full


def test_route_walk_sees_every_feature_route(app):
    paths = {r.path for r in _routes(app)}
    assert {"/", "/login", "/logout", "/account", "/admin/users", "/admin/users/{user_id}",
            "/admin/cohorts"} <= paths
    assert len(_routes(app)) >= 18


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_declares_exactly_one_access_rule(app):
    missing = [f"{sorted(r.methods)} {r.path}" for r in _routes(app) if len(_access_rules(r)) != 1]
    assert missing == [], f"routes without exactly one access rule: {missing}"


def test_app_has_the_expected_public_routes_only(app):
    public = sorted(r.path for r in _routes(app) if _access_rules(r) == ["public"])
    assert public == ["/certificates", "/certificates/{code}", "/invitations/{token}",
                      "/invitations/{token}", "/login", "/login", "/logout",
                      "/password/forgot", "/password/forgot", "/password/reset/{token}",
                      "/password/reset/{token}", "/sso/callback", "/sso/login",
                      "/unsubscribe/{token}", "/unsubscribe/{token}"]


def test_anonymous_visitors_are_sent_to_login(app, client):
    token = csrf_from(client, "/login")
    for route in _routes(app):
        if _access_rules(route) == ["public"]:
            continue
        path = _concrete(route.path)
        for method in route.methods:
            if method == "GET":
                response = client.get(path)
                assert response.status_code == 303, path
                assert response.headers["location"].startswith("/login?next="), path
            else:
                response = client.request(method, path, data={"csrf_token": token})
                assert response.status_code == 401, f"{method} {path}"
            htmx = client.request(method, path, data={"csrf_token": token},
                                  headers={"HX-Request": "true", "X-CSRF-Token": token})
            assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/login")


@pytest.mark.parametrize("role", list(Role))
def test_roles_outside_a_route_rule_get_403(app, client, make_user, role):
    from tests.conftest import login

    login(client, make_user(role).email)
    token = csrf_from(client, "/account")
    checked = 0
    for route in _routes(app):
        rule = _access_rules(route)[0]
        if not isinstance(rule, frozenset) or role in rule:
            continue
        path = _concrete(route.path)
        for method in route.methods:
            response = client.request(method, path, data={"csrf_token": token})
            assert response.status_code == 403, f"{role} {method} {path}"
            assert "You do not have access to this page" in response.text
            fragment = client.request(method, path, data={"csrf_token": token},
                                      headers={"HX-Request": "true"})
            assert fragment.status_code == 403
            assert "<html" not in fragment.text  # HTMX gets the message block only
            checked += 1
    if role != Role.admin:
        assert checked > 0


def test_missing_pages_get_a_404_page_not_a_trace(client, login_as):
    login_as(Role.admin)
    for path in ("/no/such/page", "/admin/users/999999", "/admin/users/not-a-number",
                 "/admin/cohorts/424242"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.text
        assert "Traceback" not in response.text


def test_404_page_still_knows_who_is_signed_in(client, login_as):
    user = login_as(Role.executive)
    response = client.get("/definitely/missing")
    assert response.status_code == 404
    assert user.full_name in response.text


def test_unexpected_errors_render_a_500_page(app, database, settings):
    from fastapi.testclient import TestClient

    from app.deps import public

    @app.get("/boom", dependencies=[__import__("fastapi").Depends(public)])
    def boom() -> None:
        raise RuntimeError("kaboom")

    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False,
                    follow_redirects=False) as c:
        response = c.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "kaboom" not in response.text
