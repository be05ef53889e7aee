"""The local media view decides on, and serves, one spelling of a stored name.

A private account's photo is only served under its exact stored name with a valid signature;
any other spelling of a path that a file system or Django's `serve` would map to the same file
(doubled or encoded slashes, dot segments, backslashes, other letter case, a trailing slash,
NUL bytes) is a 404, signed or not, so no spelling skips the signature check or gets public caching.
"""

from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.posts_helpers import make_post, photo
from vitrina.accounts import services as account_services
from vitrina.media import signing

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_photo(make_user, settings, client):
    owner = make_user("hidden", private=True)
    post = make_post(owner)
    name = post.media.first().files["1080"]["jpg"]
    url = signing.signed_url(name)
    assert url.startswith(settings.MEDIA_URL + name + "?")
    query = "?" + urlsplit(url).query
    folder, shard, file = name.split("/")
    assert folder == "posts"
    return {"name": name, "query": query, "shard": shard, "file": file, "signed": url}


def spellings(shard: str, file: str) -> dict[str, str]:
    """Paths that Django's serve() or some file system would map to media/posts/<shard>/<file>."""
    rest = f"{shard}/{file}"
    return {
        "doubled slash before the prefix": f"/media//posts/{rest}",
        "tripled slash before the prefix": f"/media///posts/{rest}",
        "doubled slash inside": f"/media/posts//{rest}",
        "doubled slash before the file": f"/media/posts/{shard}//{file}",
        "encoded slash": f"/media/%2fposts/{rest}",
        "encoded slash, upper case": f"/media/%2Fposts/{rest}",
        "dot segment before the prefix": f"/media/./posts/{rest}",
        "dot segment inside": f"/media/posts/./{rest}",
        "encoded dot segment": f"/media/%2e/posts/{rest}",
        "dot-dot from avatars": f"/media/avatars/../posts/{rest}",
        "dot-dot inside": f"/media/posts/{shard}/../{rest}",
        "encoded dot-dot": f"/media/avatars/%2e%2e/posts/{rest}",
        "encoded dot-dot and slash": f"/media/avatars/..%2fposts/{rest}",
        "dot-dot past the root": f"/media/../media/posts/{rest}",
        "backslash before the prefix": f"/media/\\posts/{rest}",
        "backslashes as separators": f"/media/posts\\{shard}\\{file}",
        "encoded backslash": f"/media/%5cposts/{rest}",
        "backslash dot-dot": f"/media/avatars\\..\\posts/{rest}",
        "capitalised prefix": f"/media/Posts/{rest}",
        "upper-case prefix": f"/media/POSTS/{rest}",
        "upper-case media prefix": f"/MEDIA/posts/{rest}",
        "trailing slash": f"/media/posts/{rest}/",
        "trailing slash and dot": f"/media/posts/{rest}/.",
        "null byte after the name": f"/media/posts/{rest}%00",
        "null byte before the prefix": f"/media/%00/posts/{rest}",
        "null byte after a doubled slash": f"/media//posts/{rest}%00.jpg",
        "encoded percent": f"/media/%252fposts/{rest}",
        "space before the prefix": f"/media/%20/posts/{rest}",
        "tab before the prefix": f"/media/%09/posts/{rest}",
    }


def spelling_cases():
    return list(spellings("SHARD", "FILE"))


def same_name(shard: str, file: str) -> dict[str, str]:
    """Escapes that the server decodes to exactly the stored name: the same request as the plain URL."""
    return {
        "encoded slash inside": f"/media/posts%2f{shard}/{file}",
        "encoded letter": f"/media/%70osts/{shard}/{file}",
    }


@pytest.mark.parametrize("case", spelling_cases())
@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
def test_other_spellings_of_a_private_photo_are_404(private_photo, client, case, signed):
    path = spellings(private_photo["shard"], private_photo["file"])[case]
    response = client.get(path + (private_photo["query"] if signed else ""))
    assert response.status_code == 404, path
    assert not response.has_header("Cache-Control") or "public" not in response["Cache-Control"]
    assert b"\xff\xd8" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_the_exact_name_is_served_only_with_its_signature(private_photo, client):
    assert client.get(f"/media/{private_photo['name']}").status_code == 404
    response = client.get(private_photo["signed"])
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=86400"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")


@pytest.mark.parametrize("case", list(same_name("SHARD", "FILE")))
def test_escapes_of_the_exact_name_need_its_signature(private_photo, client, case):
    path = same_name(private_photo["shard"], private_photo["file"])[case]
    assert client.get(path).status_code == 404
    response = client.get(path + private_photo["query"])
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=86400"


def test_a_signature_of_one_name_does_not_open_another(private_photo, make_user, client):
    other = make_post(make_user("other", private=True)).media.first().files["1080"]["jpg"]
    assert client.get(f"/media/{other}{private_photo['query']}").status_code == 404


@pytest.mark.parametrize("expires", [
    "9" * 5000,  # past Python's int-from-text digit limit
    "1" + "0" * 30,  # beyond any timestamp
    "²",  # a digit to str.isdigit, not to int()
    "١٧٠٠٠٠٠٠٠٠",  # Arabic-Indic digits
    "-1", "+99999999999", " 1", "1e12", "",
])
def test_crafted_expiry_is_404(private_photo, client, expires):
    response = client.get(f"/media/{private_photo['name']}", {"e": expires, "s": "0" * 32})
    assert response.status_code == 404


@pytest.mark.parametrize("signature", ["é" * 32, "0" * 5000, "", "\x00" * 32])
def test_crafted_signature_is_404(private_photo, client, signature):
    expires = dict(parse_qsl(private_photo["query"][1:]))["e"]
    response = client.get(f"/media/{private_photo['name']}", {"e": expires, "s": signature})
    assert response.status_code == 404


def test_avatars_are_public_and_cached_under_their_one_spelling(make_user, client):
    user = account_services.avatar_set(user=make_user("face"), upload=photo())
    response = client.get(f"/media/{user.avatar}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    for path in [f"/media//{user.avatar}", f"/media/./{user.avatar}", f"/media/{user.avatar}/"]:
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("name", [
    "posts/ab/x.jpg", "POSTS/ab/x.jpg", "Posts/ab/x.jpg", "pOsTs/ab/x.jpg",
])
def test_any_case_of_the_private_prefix_needs_a_signature(name):
    # On a case-insensitive file system (macOS, Windows) these name the same file.
    assert signing.is_private(name)
    assert not signing.is_valid(name, None, None)


@pytest.mark.parametrize("path,name", [
    ("posts/ab12/Xy_-9.jpg", "posts/ab12/Xy_-9.jpg"),
    ("avatars/ab12/Xy_-9_AbCdEf1.jpg", "avatars/ab12/Xy_-9_AbCdEf1.jpg"),
    ("posts//ab12/x.jpg", None),
    ("/posts/ab12/x.jpg", None),
    ("posts/ab12/x.jpg/", None),
    ("posts/./x.jpg", None),
    ("posts/../x.jpg", None),
    ("posts/.hidden", None),
    ("posts\\ab12\\x.jpg", None),
    ("posts/ab12/x.jpg\x00", None),
    ("posts/ab12/x%2e.jpg", None),
    ("posts/ab12/ж.jpg", None),
    ("", None),
])
def test_media_name_accepts_only_the_canonical_spelling(path, name):
    assert signing.media_name(path) == name
