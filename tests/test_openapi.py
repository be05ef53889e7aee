"""The OpenAPI document of the native API: every operation in it is served and declares its answers.

The cases are generated from the document, so an operation or a router added later is
checked without a change here. tests/test_api_fuzz.py then holds the answers to what the
document says; this file makes sure the document says it.
"""

import json
import re

import pytest
from django.test import Client
from django.urls import resolve
from ninja.responses import NinjaJSONEncoder

from tests.conftest import assert_error
from vitrina.api import api

PREFIX = "/api/vitrina/v1"
# As served: through JSON, where response statuses are strings.
DOCUMENT = json.loads(json.dumps(api.get_openapi_schema(path_prefix=PREFIX + "/"), cls=NinjaJSONEncoder))
OPERATIONS = [(method, path, operation) for path, operations in DOCUMENT["paths"].items()
              for method, operation in operations.items()]
IDS = [f"{method.upper()} {path.removeprefix(PREFIX)}" for method, path, _ in OPERATIONS]
ERROR_REF = {"$ref": "#/components/schemas/Error"}
# Every error status a caller may meet, each with the error shape (vitrina.core.api).
ERROR_STATUSES = {400, 401, 403, 404, 409, 413, 415, 422, 429}
# ninja's own pages: the document, its viewer and the API's root.
NINJA_PAGES = {"openapi-json", "openapi-view", "api-root"}


def concrete(path: str, operation: dict) -> str:
    """The path with each parameter filled: 1 for an integer, a name that exists nowhere otherwise."""
    types = {p["name"]: p.get("schema", {}).get("type") for p in operation.get("parameters", []) if p["in"] == "path"}
    return re.sub(r"{(\w+)}", lambda m: "1" if types[m[1]] == "integer" else "nobody", path)


def template(route: str) -> str:
    """A Django route ("posts/<int:post_id>") spelled as an OpenAPI path ("posts/{post_id}")."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_the_document_served_is_the_one_checked(client):
    assert client.get(PREFIX + "/openapi.json").json() == DOCUMENT
    assert client.get(PREFIX + "/docs").status_code == 200


def test_every_api_route_is_documented():
    documented = {path.removeprefix(PREFIX + "/") for path in DOCUMENT["paths"]}
    patterns, _, _ = api.urls
    routes = {template(str(p.pattern)) for p in patterns if p.name not in NINJA_PAGES}
    assert routes == documented


def test_operation_ids_are_unique():
    ids = [operation["operationId"] for _, _, operation in OPERATIONS]
    assert len(ids) == len(set(ids))


def test_schema_names_are_unique():
    """The document names each schema once (components/schemas): two classes of one name would have the
    second silently replace the first, and clients would read one shape for the other."""
    from ninja import Schema

    names: dict[str, set[str]] = {}

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("vitrina."):
                names.setdefault(sub.__name__, set()).add(f"{sub.__module__}.{sub.__qualname__}")
            walk(sub)

    walk(Schema)
    assert {name: where for name, where in names.items() if len(where) > 1} == {}


def references(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def test_every_reference_resolves():
    refs = set(references(DOCUMENT))
    assert refs and refs <= {f"#/components/schemas/{name}" for name in DOCUMENT["components"]["schemas"]}
    error = DOCUMENT["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "fields"]


@pytest.mark.parametrize("method,path,operation", OPERATIONS, ids=IDS)
def test_operation_resolves_to_its_route(method, path, operation):
    match = resolve(concrete(path, operation))
    assert match.namespace == "api-v1"
    assert "/" + template(match.route) == path


@pytest.mark.django_db
@pytest.mark.parametrize("method,path,operation", OPERATIONS, ids=IDS)
def test_operation_answers_a_stranger_as_documented(method, path, operation):
    """An anonymous call without input reaches the operation (no 404 or 405 from routing) and
    gets a declared status; an error has the error shape."""
    response = Client().generic(method.upper(), concrete(path, operation), "{}", content_type="application/json")
    assert str(response.status_code) in operation["responses"], response.content
    assert response.status_code != 405
    if "{" not in path:
        assert response.status_code != 404
    if response.status_code >= 400:
        assert_error(response, response.status_code)


@pytest.mark.parametrize("method,path,operation", OPERATIONS, ids=IDS)
def test_operation_declares_its_answers(method, path, operation):
    responses = {int(status): response for status, response in operation["responses"].items()}
    successes = [status for status in responses if 200 <= status < 300]
    assert len(successes) == 1, responses
    success = responses[successes[0]]
    if successes[0] == 204:
        assert not success.get("content")
    else:
        [(media_type, content)] = success["content"].items()
        if media_type == "application/json":
            assert content.get("schema"), success

    errors = {status for status in responses if status >= 400}
    assert errors <= ERROR_STATUSES
    for status in errors:
        assert responses[status]["content"] == {"application/json": {"schema": ERROR_REF}}, status
        assert responses[status]["description"]

    parameters = operation.get("parameters", [])
    expected = {401}
    if any(p["in"] == "path" for p in parameters):
        expected.add(404)
    if parameters or "requestBody" in operation:
        expected |= {400, 422}
    if "requestBody" in operation:
        expected |= {413, 415}
    if operation.get("security"):
        expected.add(403)
    if method != "get":
        expected |= {409, 429}
        assert responses[429]["headers"]["Retry-After"]["required"] is True
    assert expected <= errors, f"{sorted(expected - errors)} not declared"
