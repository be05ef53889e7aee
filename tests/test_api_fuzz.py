"""Property-based fuzzing of the whole native API from its own OpenAPI document (Schemathesis).

Every operation in /api/vitrina/v1/openapi.json is fuzzed, so operations added later are
included without a change here. Each gets valid and invalid inputs (path, query, body,
multipart) from a signed-in member, against a small network: a public and a private
account with posts, a comment, a like, a follow and a pending follow request. Every
answer must be a non-5xx status the document declares, of the declared content type,
with a body (errors included: see vitrina.core.api.document_errors) matching its schema.

Runs in both passes of `make test`. Examples per operation: FUZZ_EXAMPLES (deterministic).
"""

import os
from collections import Counter

import pytest
import schemathesis
from django.test.client import ClientHandler
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.posts_helpers import make_post
from vitrina.accounts import services as account_services
from vitrina.core.pagination import encode_cursor
from vitrina.posts import services as post_services
from vitrina.social import services as social_services

# About 60-90 s a pass for the whole document on the project's 2-core machine.
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))


@schemathesis.check
def error_shape(ctx, response, case):
    """Every 4xx, documented for the operation or not (a 405 for a method it lacks), has the error shape."""
    if 400 <= response.status_code < 500:
        try:
            body = response.json()
        except ValueError:
            raise AssertionError(f"A {response.status_code} that is not JSON: {response.text[:100]!r}") from None
        assert set(body) == {"error"}, f"Not the error shape: {body}"
        error = body["error"]
        assert isinstance(error.get("code"), str) and error["code"], f"No error code: {body}"
        assert isinstance(error.get("message"), str) and error["message"], f"No error message: {body}"
        assert isinstance(error.get("fields"), dict), f"No error fields: {body}"
    return None


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, error_shape]


class DjangoApp:
    """WSGI in front of Django's test handler: requests share the test's database transaction
    (the plain WSGI handler would close the connection after each), and CSRF is enforced."""

    def __init__(self):
        self.handler = ClientHandler(enforce_csrf_checks=True)

    def __call__(self, environ, start_response):
        # Schemathesis sends requests' default Accept-Encoding: gzip but does not decode what its WSGI
        # transport gets back; the answers are checked uncompressed (gzip: tests/test_light_pages.py).
        environ.pop("HTTP_ACCEPT_ENCODING", None)
        response = self.handler(environ)
        headers = list(response.items()) + [("Set-Cookie", c.output(header="").strip())
                                            for c in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return [response.content]


schema = schemathesis.openapi.from_wsgi("/api/vitrina/v1/openapi.json", DjangoApp())
schema.config.generation.update(max_examples=FUZZ_EXAMPLES, deterministic=True)

# Path values that name things in the network (filled by the `member` fixture): random text
# and numbers alone would almost never reach a real account, post or comment. Next to them,
# values known to break a layer below: a NUL (PostgreSQL refuses it), dot segments, ids
# past the 64-bit range (SQLite refuses them), and a 5,000-digit one (Python will not read it).
KNOWN: dict[str, list] = {}
CRAFTED_TEXT = ["a\x00b", "..", ".", "%00", "%2e%2e", "a/b", " ", "\u202e", "ж" * 300]
CRAFTED_IDS = [0, 2**63 - 1, 2**63, 2**64, 10**30, "9" * 5000]


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    known = {name: KNOWN[name] for name in path_parameters if KNOWN.get(name)}
    if not known:
        return st.just(path_parameters)
    crafted = {name: CRAFTED_IDS if name.endswith("_id") else CRAFTED_TEXT for name in known}
    real = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in known.items()})
    odd = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in crafted.items()})
    return st.one_of(st.just(path_parameters), real.map(lambda values: {**path_parameters, **values}),
                     odd.map(lambda values: {**path_parameters, **values}))


def _takes_cursor(operation: dict) -> bool:
    return any(p.get("name") == "cursor" and p.get("in") == "query" for p in operation.get("parameters", []))


# Operations with a ?cursor=, as "METHOD /path" labels.
CURSOR_OPERATIONS = {f"{method.upper()} {path}" for path, operations in schema.raw_schema["paths"].items()
                     for method, operation in operations.items() if _takes_cursor(operation)}


@schema.hook
def flatmap_query(context, query):
    # Cursors as the API spells them, around the ends of the 64-bit id range and beyond: random
    # text is almost never a readable cursor.
    if context.operation is None or context.operation.label not in CURSOR_OPERATIONS:
        return st.just(query)
    query = dict(query) if isinstance(query, dict) else {}
    ids = st.one_of(st.integers(-(2**64), 2**70), st.sampled_from([0, 1, 2**63 - 1, 2**63, 2**64]))
    return st.one_of(st.just(query), ids.map(lambda key: {**query, "cursor": encode_cursor(key)}))


@pytest.fixture
def member(db, make_user):
    """A signed-in member in a small network, and the bearer token the fuzzer sends."""
    member = make_user("member")
    star = make_user("star", display_name="Star")
    hidden = make_user("hidden", private=True)
    fan = make_user("fan")
    social_services.follow_create(follower=member, target=star)
    social_services.follow_create(follower=fan, target=member)
    social_services.follow_create(follower=member, target=hidden)  # a pending request
    make_user("shy", private=True)
    social_services.follow_create(follower=fan, target=hidden)
    post = make_post(star, caption="Sunset over the sea #sunset @member")
    make_post(hidden, caption="Sunset in private #sunset")
    comment = post_services.comment_create(author=fan, post=post, text="Lovely #sunset")
    post_services.comment_create(author=member, post=post, text="Thank you", reply_to=comment)
    post_services.like_create(user=member, post=post)
    own = make_post(member, caption="My first post")
    KNOWN.update({
        "username": ["member", "star", "hidden", "fan", "shy", "MEMBER"],
        "post_id": [post.pk, own.pk, post.pk + 1],
        "comment_id": [comment.pk, comment.pk + 1],
        "tag": ["sunset", "SUNSET"],
    })
    yield account_services.token_issue(user=member)
    KNOWN.clear()


CASES: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def _figures():
    """Print the run's figures (visible with -s): operations fuzzed and cases sent."""
    yield
    print(f"\nAPI fuzzing: {len(CASES)} operations, {sum(CASES.values())} cases")


@schema.parametrize()
@settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_answers_every_input_as_documented(case, member):
    CASES[case.operation.label] += 1
    case.call_and_validate(headers={"Authorization": f"Bearer {member}"}, checks=CHECKS)
