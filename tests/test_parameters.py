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
