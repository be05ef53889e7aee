"""Requests that Django or the database cannot take as they are get a 4xx, never a 500.

Bodies past Django's limits, multipart without a boundary, methods a path lacks, and NUL
characters (which PostgreSQL refuses in any text, so a 500 from whichever query met one).
"""

import pytest
from django.test.client import BOUNDARY, encode_multipart

from tests.conftest import assert_error
from tests.posts_helpers import make_post, photo
from vitrina.posts.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_api(api, make_user):
    return api(make_user("mira"))


def raw_post(client, path, body, content_type):
    return client.client.post(client.base + path, body, content_type=content_type, headers=client._headers(None))


def test_json_body_past_the_memory_limit_is_413(member_api, make_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    post = make_post(make_user("star"))
    response = raw_post(member_api, f"/posts/{post.pk}/comments", '{"text": "' + "a" * 2000 + '"}',
                        "application/json")
    assert_error(response, 413, "too_large")
    assert not post.comments.exists()


@pytest.mark.parametrize("content_type", ["urlencoded", "multipart"])
def test_too_many_form_fields_is_400(member_api, settings, content_type):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = {f"f{i}": "1" for i in range(20)}
    if content_type == "multipart":
        response = raw_post(member_api, "/posts", encode_multipart(BOUNDARY, fields),
                            f"multipart/form-data; boundary={BOUNDARY}")
    else:
        response = raw_post(member_api, "/posts", "&".join(f"{k}={v}" for k, v in fields.items()),
                            "application/x-www-form-urlencoded")
    assert_error(response, 400, "bad_request")


def test_multipart_without_a_boundary_is_400(member_api):
    assert_error(raw_post(member_api, "/posts", b"--x\r\n", "multipart/form-data"), 400, "bad_request")
    assert not Post.objects.exists()


def test_a_method_a_path_lacks_is_405_in_the_error_shape(member_api):
    response = member_api.client.put(member_api.base + "/feed", headers=member_api._headers(None))
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


@pytest.mark.parametrize("path", ["/accounts/a%00b", "/accounts/a%00b/posts", "/hashtags/a%00b/posts",
                                  "/accounts/a%00b/followers"])
def test_nul_in_an_api_path_is_404(member_api, path):
    assert_error(member_api.get(path), 404, "not_found")


@pytest.mark.parametrize("query", ["q=a%00b&type=accounts", "q=a%00b&type=hashtags", "q=a%00b&type=posts",
                                   "q=a&type=posts%00", "q=a&x%00=1", "q=a&type=posts&cursor=%00"])
def test_nul_in_an_api_query_is_never_a_500(member_api, query):
    response = member_api.get("/search?" + query)
    assert response.status_code in (200, 400, 422), response.content


@pytest.mark.parametrize("path,body", [
    ("/auth/token", '{"username": "mira\\u0000", "password": "x"}'),
    ("/auth/signup", '{"username": "ab\\u0000c", "email": "a\\u0000@example.com", '
                     '"password": "long enough passphrase 42", "account_type": "personal"}'),
    ("/me/password", '{"old_password": "a\\u0000", "new_password": "another fine passphrase"}'),
])
def test_nul_in_a_json_body_is_never_a_500(member_api, path, body):
    response = raw_post(member_api, path, body, "application/json")
    assert 400 <= response.status_code < 500, response.content


def test_nul_in_texts_is_stored_without_it_or_refused(member_api, make_user):
    post = make_post(make_user("star"))
    response = raw_post(member_api, f"/posts/{post.pk}/comments", '{"text": "hi\\u0000there"}', "application/json")
    assert response.status_code in (201, 422), response.content
    assert all("\x00" not in comment.text for comment in post.comments.all())
    response = member_api.upload("/posts", {"images": [photo()], "caption": "sun\x00set", "location": "x\x00"})
    assert response.status_code in (201, 422), response.content
    assert all("\x00" not in p.caption + p.location for p in Post.objects.all())


@pytest.mark.parametrize("path", ["/a%00b/", "/a%00b/followers/", "/explore/tags/a%00b/", "/p/1%00/"])
def test_nul_in_a_page_path_is_404(page_client, make_user, path):
    assert page_client(make_user("mira")).get(path).status_code == 404


@pytest.mark.parametrize("query", ["q=a%00b&type=accounts", "q=a%00b&type=posts", "cursor=a%00b"])
def test_nul_in_a_page_query_is_never_a_500(page_client, make_user, query):
    response = page_client(make_user("mira")).get("/explore/search/?" + query)
    assert response.status_code in (200, 302, 400)
