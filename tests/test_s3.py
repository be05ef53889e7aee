"""Media on S3-compatible storage, against moto's S3 server over HTTP.

Storage is configured from vitrina/settings.py itself (S3_BUCKET and friends in the
environment), photos go in through the real post and avatar uploads, and every URL that
Vitrina hands out is fetched from the server. The bucket is private except for avatars/,
as the README asks of operators.

moto serves any URL that carries a query-string signature without checking it. S3 checks
it, and this is what keeps a private account's photo private, so the server here checks
those URLs as S3 does (SigV4: the signature over method, path, query and host, and the
expiry) before moto answers.
"""

import hashlib
import hmac
import io
import json
import re
import runpy
import zipfile
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import boto3
import pytest
import requests
from freezegun import freeze_time
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server

from tests.posts_helpers import photo
from vitrina.media import signing
from vitrina.media.images import url_of
from vitrina.social import services as social_services

pytestmark = pytest.mark.django_db

BUCKET = "vitrina-media"
REGION = "eu-central-1"
ACCESS_KEY, SECRET_KEY = "AKIAVITRINATEST00000", "vitrina-test-secret"
CONTENT_TYPES = {"webp": "image/webp", "jpg": "image/jpeg"}
# The README's advice: a private bucket whose avatars/ prefix anyone may read.
AVATARS_PUBLIC = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
    "Resource": f"arn:aws:s3:::{BUCKET}/avatars/*",
}]}


def _signing_key(day: str, region: str, service: str) -> bytes:
    key = ("AWS4" + SECRET_KEY).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def presigned_refusal(environ) -> str | None:
    """Why S3 would refuse this presigned (query-string SigV4) request, or None to let it through."""
    params = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    signature = params.pop("X-Amz-Signature", None)
    if signature is None:
        return None  # not presigned: the bucket policy and object ACLs decide (moto does that)
    if params.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
        return "AuthorizationQueryParametersError"
    access_key, day, region, service, _ = params["X-Amz-Credential"].split("/")
    signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    if access_key != ACCESS_KEY:
        return "InvalidAccessKeyId"
    if datetime.now(UTC) > signed_at + timedelta(seconds=int(params["X-Amz-Expires"])):
        return "AccessDenied"  # "Request has expired"
    signed_headers = params["X-Amz-SignedHeaders"].split(";")
    canonical = "\n".join([
        environ["REQUEST_METHOD"],
        quote(environ["PATH_INFO"], safe="/-_.~"),
        "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(params.items())),
        "".join(f"{name}:{environ['HTTP_' + name.upper().replace('-', '_')].strip()}\n" for name in signed_headers),
        ";".join(signed_headers),
        "UNSIGNED-PAYLOAD",
    ])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", params["X-Amz-Date"], f"{day}/{region}/{service}/aws4_request",
                         hashlib.sha256(canonical.encode()).hexdigest()])
    expected = hmac.new(_signing_key(day, region, service), to_sign.encode(), hashlib.sha256).hexdigest()
    return None if hmac.compare_digest(expected, signature) else "SignatureDoesNotMatch"


class PresignedUrlsChecked:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        refusal = presigned_refusal(environ)
        if refusal is None:
            return self.app(environ, start_response)
        start_response("403 Forbidden", [("Content-Type", "application/xml")])
        return [f"<Error><Code>{refusal}</Code></Error>".encode()]


class S3Server(ThreadedMotoServer):
    """moto's threaded server with the presigned-URL check in front."""

    def _server_entry(self):
        app = PresignedUrlsChecked(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever()


@pytest.fixture(scope="module")
def s3_endpoint():
    server = S3Server(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh private bucket with public avatars, and Vitrina's storage set up for it by its settings."""
    requests.post(f"{s3_endpoint}/moto-api/reset", timeout=10).raise_for_status()
    environment = {"S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": s3_endpoint, "S3_REGION": REGION,
                   "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    # Nothing from the machine the tests run on: no profile, config file or session token.
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(AVATARS_PUBLIC))

    configure_storage(settings)
    return client


def configure_storage(settings):
    """Vitrina's media storage as vitrina/settings.py sets it up from the environment."""
    configured = runpy.run_path(settings.BASE_DIR / "vitrina" / "settings.py")
    assert configured["SERVE_MEDIA"] is False
    settings.STORAGES = {**settings.STORAGES, "default": configured["STORAGES"]["default"]}


def stored(client, prefix: str) -> dict[str, bytes]:
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    return {item["Key"]: client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read() for item in listing}


def post_photo_urls(api, user) -> list[str]:
    response = api(user).upload("/posts", {"images": [photo("Canon_40D.jpg"), photo("Nikon_D70.jpg")],
                                           "caption": "on S3"})
    assert response.status_code == 201, response.content
    body = response.json()
    return [url for item in body["media"] for variant in item["urls"].values() for url in variant.values()]


def key_of(url: str) -> str:
    return urlsplit(url).path.removeprefix(f"/{BUCKET}/")


def with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {**dict(parse_qsl(parts.query)), **changes}
    return parts._replace(query=urlencode(query)).geturl()


def test_post_photos_are_private_objects_served_by_their_signed_urls(bucket, api, make_user, s3_endpoint):
    urls = post_photo_urls(api, make_user("mira", private=True))
    objects = stored(bucket, "posts/")
    assert objects and {key_of(url) for url in urls} == set(objects)
    for url in urls:
        assert url.startswith(f"{s3_endpoint}/{BUCKET}/posts/") and "X-Amz-Signature=" in url
        response = requests.get(url, timeout=10)
        assert response.status_code == 200, response.text
        assert response.content == objects[key_of(url)]
        assert response.headers["Content-Type"] == CONTENT_TYPES[url.split("?")[0].rsplit(".", 1)[1]]
    # No photo is reachable without a signature.
    for key in objects:
        assert requests.get(f"{s3_endpoint}/{BUCKET}/{key}", timeout=10).status_code == 403


def test_an_altered_signature_or_another_key_is_refused(bucket, api, make_user):
    first, second, *_ = post_photo_urls(api, make_user("mira", private=True))
    signature = dict(parse_qsl(urlsplit(first).query))["X-Amz-Signature"]
    altered = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    response = requests.get(with_query(first, **{"X-Amz-Signature": altered}), timeout=10)
    assert response.status_code == 403 and b"SignatureDoesNotMatch" in response.content
    # The signature of one photo does not open another.
    other = urlsplit(second)._replace(query=urlsplit(first).query).geturl()
    assert key_of(other) != key_of(first)
    assert requests.get(other, timeout=10).status_code == 403
    # Nor does a longer lifetime written into the URL.
    longer = with_query(first, **{"X-Amz-Expires": "604800"})
    assert requests.get(longer, timeout=10).status_code == 403


def test_a_signed_url_expires_within_two_days(bucket, api, make_user):
    key = key_of(post_photo_urls(api, make_user("mira"))[0])
    with freeze_time(datetime.now(UTC) - timedelta(days=2, seconds=1)):
        old = signing.signed_url(key)
    response = requests.get(old, timeout=10)
    assert response.status_code == 403 and b"AccessDenied" in response.content
    assert requests.get(signing.signed_url(key), timeout=10).status_code == 200
    lifetime = int(dict(parse_qsl(urlsplit(signing.signed_url(key)).query))["X-Amz-Expires"])
    assert signing.DAY <= lifetime <= 2 * signing.DAY


def test_avatars_are_public_at_a_stable_url(bucket, api, make_user, s3_endpoint):
    user = make_user("mira")
    response = api(user).upload("/me/avatar", {"image": photo("Canon_40D.jpg")})
    assert response.status_code == 200, response.content
    url = response.json()["avatar_url"]
    assert url.startswith(f"{s3_endpoint}/{BUCKET}/avatars/") and "?" not in url
    objects = stored(bucket, "avatars/")
    user.refresh_from_db()
    assert set(objects) == {key_of(url), *user.avatar_small.values()}  # the JPEG and the small WebPs pages show
    fetched = requests.get(url, timeout=10)
    assert fetched.status_code == 200 and fetched.content == objects[key_of(url)]
    assert api().get("/accounts/mira").json()["avatar_url"] == url
    for name in user.avatar_small.values():
        small = requests.get(url_of(name), timeout=10)
        assert small.status_code == 200 and small.content == objects[name]


def image_sources(response) -> list[str]:
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        if name == "img-src":
            return values
    return []


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.mark.parametrize("cdn", ["", "media.vitrina.example"])
def test_post_page_photos_are_signed_and_allowed_by_the_page_policy(
        bucket, api, make_user, page_client, s3_endpoint, settings, monkeypatch, cdn):
    monkeypatch.setenv("S3_CUSTOM_DOMAIN", cdn)
    configure_storage(settings)
    author, fan = make_user("mira", private=True), make_user("omar")
    social_services.follow_create(follower=fan, target=author)
    social_services.follow_request_approve(target=author, requester=fan)
    assert api(author).upload("/me/avatar", {"image": photo("Canon_40D.jpg")}).status_code == 200
    post_photo_urls(api, author)
    post_id = api(author).get("/accounts/mira/posts").json()["items"][0]["id"]
    response = page_client(fan).get(f"/p/{post_id}/")
    assert response.status_code == 200
    media = [url for url in re.findall(r"https?://[^\s\"',]+", unescape(response.content.decode()))
             if re.search(r"/(posts|avatars)/", url)]
    photos = [url for url in media if "/posts/" in url]
    assert photos and any("/avatars/" in url for url in media)
    for url in photos:
        assert url.startswith(f"{s3_endpoint}/{BUCKET}/posts/")
        assert requests.get(url, timeout=10).status_code == 200, url
    # Photos come from the bucket itself even behind a CDN (a CDN cannot check S3's signatures).
    allowed = image_sources(response)
    assert {origin(url) for url in media} <= set(allowed), allowed


def test_deleting_a_post_removes_its_objects(bucket, api, make_user, django_capture_on_commit_callbacks):
    mira = make_user("mira")
    post_photo_urls(api, mira)
    post_id = api(mira).get("/accounts/mira/posts").json()["items"][0]["id"]
    assert stored(bucket, "posts/")
    with django_capture_on_commit_callbacks(execute=True):
        assert api(mira).delete(f"/posts/{post_id}").status_code == 204
    assert stored(bucket, "posts/") == {}


def test_data_export_is_a_private_object_downloaded_through_vitrina(
        bucket, api, make_user, s3_endpoint, django_capture_on_commit_callbacks):
    mira = make_user("mira")
    post_photo_urls(api, mira)
    me = api(mira)
    with django_capture_on_commit_callbacks(execute=True):
        assert me.post("/me/export").status_code == 202
    export = me.get("/me/export").json()
    assert export["status"] == "ready", export
    [(key, content)] = stored(bucket, "exports/").items()
    assert requests.get(f"{s3_endpoint}/{BUCKET}/{key}", timeout=10).status_code == 403
    response = me.get(export["url"].removeprefix(me.base))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        photos = [name for name in archive.namelist() if name.startswith("photos/")]
        assert len(photos) == 2
        stored_photos = set(stored(bucket, "posts/").values())
        assert all(archive.read(name) in stored_photos for name in photos)


def test_storage_out_of_reach_while_deleting_files_leaves_the_change_made(
        bucket, api, make_user, settings, monkeypatch, django_capture_on_commit_callbacks, caplog):
    mira = make_user("mira")
    me = api(mira)
    assert me.upload("/me/avatar", {"image": photo("Canon_40D.jpg")}).status_code == 200
    post_photo_urls(api, mira)
    post_id = me.get("/accounts/mira/posts").json()["items"][0]["id"]
    monkeypatch.setenv("S3_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    configure_storage(settings)
    with django_capture_on_commit_callbacks(execute=True):
        assert me.delete(f"/posts/{post_id}").status_code == 204
        assert me.delete("/me/avatar").json()["avatar_url"] == ""
    assert me.get(f"/posts/{post_id}").status_code == 404
    assert "left in storage" in caplog.text
    # The files are still there, for a clean-up to find.
    assert stored(bucket, "posts/") and stored(bucket, "avatars/")
