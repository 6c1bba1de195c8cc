"""The API description (served in development) shows every form: each POST operation
describes its body, every form body carries the CSRF token, and no route reads the raw form.
Form models accept the fields a page names after its rows (quiz answers, review comments)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import pytest
from fastapi import FastAPI, Form
from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT
from app.content.forms import CsrfForm, NamedFieldsForm, Text, named_fields, posted
from app.main import create_app
from app.models import Role
from tests.conftest import csrf_from, make_settings

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

# POST operations without a body, and why. Each must still exist and still have no body
# (the test says so when one gains its body: take it off the list).
WITHOUT_BODY = {
    "/unsubscribe/{token}": "RFC 8058 one-click unsubscribe: a mail provider posts it, not a "
                            "page of ours; the one-time token in the path is its proof",
}


@pytest.fixture
def openapi(database_url, database) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    app = create_app(make_settings(database_url, env="development"), database)
    with TestClient(app, base_url="https://testserver") as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its $ref followed and its allOf parts merged (properties only)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = document["components"]["schemas"][name]
    merged = dict(schema)
    properties = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        properties.update(_resolve(document, part).get("properties", {}))
    merged["properties"] = properties
    return merged


def _post_operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {path: item["post"] for path, item in document["paths"].items() if "post" in item}


def test_every_post_operation_describes_its_body(openapi):
    operations = _post_operations(openapi)
    without = sorted(path for path, op in operations.items() if "requestBody" not in op)
    assert without == sorted(WITHOUT_BODY), (
        "POST operations without a body description (declare a form model, e.g. "
        "Annotated[CsrfForm, Form()] for a button): "
        f"{sorted(set(without) - set(WITHOUT_BODY))}; listed but now described or gone: "
        f"{sorted(set(WITHOUT_BODY) - set(without))}")
    described = len(operations) - len(without)
    assert len(operations) >= 65 and described >= 61


def test_every_form_body_is_a_form_with_its_csrf_token(openapi):
    missing_token: list[str] = []
    for path, op in _post_operations(openapi).items():
        if "requestBody" not in op:
            continue
        content = op["requestBody"]["content"]
        assert set(content) <= set(FORM_TYPES), (path, list(content))
        schema = _resolve(openapi, next(iter(content.values()))["schema"])
        if "csrf_token" not in schema["properties"]:
            missing_token.append(path)
        for name, field in schema["properties"].items():  # every text has a ceiling
            if field.get("type") == "string" and "contentMediaType" not in field:
                assert "maxLength" in field, (path, name)
    assert missing_token == []


def test_uploads_are_multipart_and_named_fields_are_documented(openapi):
    operations = _post_operations(openapi)
    for path in ("/author/packages", "/author/{slug}/assets",
                 "/author/{slug}/quizzes/{lesson}/gift", "/admin/users/import"):
        assert list(operations[path]["requestBody"]["content"]) == ["multipart/form-data"]
    answers = operations["/courses/{slug}/quizzes/{quiz_slug}/attempts/{number}/submit"]
    schema = _resolve(openapi, answers["requestBody"]["content"][FORM_TYPES[0]]["schema"])
    assert list(schema["patternProperties"]) == [r"^q[0-9]+(_[0-9]+)?$"]
    persona = operations["/persona/steps/{slug}"]
    schema = _resolve(openapi, persona["requestBody"]["content"][FORM_TYPES[0]]["schema"])
    assert {"action", "role", "expertise-1", "expertise-5", "networks", "audiences",
            "audiences-other-name", "core_messages-1"} <= set(schema["properties"])


def test_no_route_reads_the_raw_form():
    modules = sorted((PROJECT_ROOT / "app").glob("*/routes.py"))
    assert len(modules) >= 15
    for module in modules:
        text = module.read_text(encoding="utf-8")
        assert not re.search(r"\bFormDep\b|request\.form\(", text), Path(module).name


# Form models at work ----------------------------------------------------------------------

class _Comments(NamedFieldsForm):
    model_config = named_fields("^comment:.+$")

    note: Text = ""


def _small_app() -> FastAPI:
    app = FastAPI()

    @app.post("/comments")
    def comments(form: Annotated[_Comments, Form()]) -> dict[str, Any]:
        return {"note": form.note, "extra": form.model_extra,
                "posted": list(posted(form).multi_items())}

    @app.post("/button")
    def button(form: Annotated[CsrfForm, Form()]) -> dict[str, Any]:
        return {"token": form.csrf_token}

    return app


def test_named_fields_pass_through_a_form_model():
    with TestClient(_small_app()) as client:
        response = client.post("/comments", data={
            "csrf_token": "t", "note": "N", "comment:message": "", "comment:items.a1": ["x", "y"]})
        assert response.status_code == 200
        assert response.json() == {
            "note": "N", "extra": {"comment:message": "", "comment:items.a1": ["x", "y"]},
            # the token stays out; an empty field is kept (it was on the page); order kept
            "posted": [["note", "N"], ["comment:message", ""], ["comment:items.a1", "x"],
                       ["comment:items.a1", "y"]]}
        multipart = client.post("/comments", files={"comment:a": (None, "A")})
        assert multipart.json()["extra"] == {"comment:a": "A"}
        assert client.post("/comments", data={"comment:a": "x" * 200_001}).status_code == 422
        # a field the model does not name is ignored, as the pages always did
        assert client.post("/button", data={"csrf_token": "t", "other": "1"}).json() == {
            "token": "t"}
        assert client.post("/button").json() == {"token": ""}


def test_a_value_beyond_a_form_ceiling_is_a_400_page(client, login_as):
    login_as(Role.admin)
    token = csrf_from(client, "/admin/cohorts")
    response = client.post("/admin/cohorts", data={"csrf_token": token, "name": "n" * 5001})
    assert response.status_code == 400
    assert "Some of the values sent were not valid." in response.text
    # below the ceiling the page's own rule speaks, next to the field
    response = client.post("/admin/cohorts", data={"csrf_token": token, "name": "n" * 121})
    assert response.status_code == 400
    assert "Use at most 120 characters." in response.text


def test_the_live_counter_reads_the_field_it_names(client, login_as):
    login_as(Role.executive)
    token = csrf_from(client, "/account")
    response = client.post("/counter/x-post?field=message", data={"message": "a" * 281},
                           headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert response.status_code == 200
    assert "281" in response.text
