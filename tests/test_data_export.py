"""Download your data: a private zip for its owner only, one at a time, gone after its days."""

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from freezegun import freeze_time

from tests.conftest import assert_error
from tests.posts_helpers import make_post, photo
from vitrina.accounts import services as account_services
from vitrina.core.scheduler import JOBS
from vitrina.lifecycle import services
from vitrina.lifecycle.models import DataExport
from vitrina.posts import services as post_services
from vitrina.social import services as social

pytestmark = pytest.mark.django_db


@pytest.fixture
def mira(make_user, django_capture_on_commit_callbacks):
    mira, ola, pat = make_user("mira", display_name="Мира"), make_user("ola"), make_user("pat")
    with django_capture_on_commit_callbacks(execute=True):
        account_services.avatar_set(user=mira, upload=photo())
        post = make_post(mira, caption="গ্রীষ্ম #summer", photos=("Canon_40D.jpg", "Canon_40D.jpg"))
        ola_post = make_post(ola, caption="ola's")
        post_services.like_create(user=mira, post=ola_post)
        post_services.save_create(user=mira, post=ola_post)
        post_services.comment_create(author=mira, post=ola_post, text="nice one")
        post_services.comment_create(author=ola, post=post, text="not hers")
        social.follow_create(follower=mira, target=ola)
        social.follow_create(follower=pat, target=mira)
    mira.refresh_from_db()
    return {"mira": mira, "post": post, "ola_post": ola_post}


def request_export(api_client, capture):
    with capture(execute=True):
        response = api_client.post("/me/export")
    assert response.status_code == 202, response.content
    return response.json()


def test_export_zip_holds_profile_posts_photos_comments_likes_saves_and_follows(
    mira, api, settings, django_capture_on_commit_callbacks
):
    mira_api = api(mira["mira"])
    assert_error(mira_api.get("/me/export"), 404)
    started = request_export(mira_api, django_capture_on_commit_callbacks)
    status = mira_api.get("/me/export").json()
    assert status["id"] == started["id"] and status["status"] == "ready" and status["url"]
    assert status["expires_at"].startswith((timezone.now() + timedelta(days=7)).date().isoformat())

    response = mira_api.client.get(status["url"], headers={"Authorization": f"Bearer {mira_api.token}"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "private" in response["Cache-Control"]
    zf = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    post = mira["post"]
    assert sorted(zf.namelist()) == sorted([
        "README.txt", "profile.json", "avatar.jpg", "posts.json", f"photos/{post.pk}-1.jpg", f"photos/{post.pk}-2.jpg",
        "comments.json", "likes.json", "saves.json", "followers.json", "following.json",
        "messages.json", "orders.json", "addresses.json", "reviews.json",
    ])
    assert "posts.json" in zf.read("README.txt").decode()
    profile = json.loads(zf.read("profile.json"))
    assert profile["username"] == "mira" and profile["display_name"] == "Мира" and profile["email"] == "mira@example.com"
    posts = json.loads(zf.read("posts.json"))
    assert [(p["id"], p["caption"], p["hashtags"]) for p in posts] == [(post.pk, "গ্রীষ্ম #summer", ["summer"])]
    assert [p["file"] for p in posts[0]["photos"]] == [f"photos/{post.pk}-1.jpg", f"photos/{post.pk}-2.jpg"]
    # The largest variant stored, byte for byte.
    media = post.media.get(position=0)
    largest = max(media.files.values(), key=lambda v: v["w"])
    assert zf.read(f"photos/{post.pk}-1.jpg") == (Path(settings.MEDIA_ROOT) / largest["jpg"]).read_bytes()
    comments = json.loads(zf.read("comments.json"))
    assert [(c["text"], c["post_id"], c["post_author"]) for c in comments] == [("nice one", mira["ola_post"].pk, "ola")]
    assert [r["post_id"] for r in json.loads(zf.read("likes.json"))] == [mira["ola_post"].pk]
    assert [r["post_id"] for r in json.loads(zf.read("saves.json"))] == [mira["ola_post"].pk]
    assert [r["username"] for r in json.loads(zf.read("followers.json"))] == ["pat"]
    assert [r["username"] for r in json.loads(zf.read("following.json"))] == ["ola"]


def test_another_members_export_is_404_and_the_file_is_not_under_media(
    mira, api, make_user, client, settings, django_capture_on_commit_callbacks
):
    status = request_export(api(mira["mira"]), django_capture_on_commit_callbacks)
    export = DataExport.objects.get(pk=status["id"])
    other = make_user("snoop")
    other_api = api(other)
    url = api(mira["mira"]).get("/me/export").json()["url"]
    assert_error(other_api.client.get(url, headers={"Authorization": f"Bearer {other_api.token}"}), 404)
    assert_error(api().client.get(url), 401)
    client.force_login(other)
    assert client.get(f"/accounts/data/export/{export.pk}/").status_code == 404
    assert client.get("/accounts/data/export/99999999999999999999/").status_code == 404
    assert Path(settings.EXPORT_ROOT, export.file).is_file()
    assert not Path(settings.MEDIA_ROOT, export.file).exists()
    assert client.get(f"/media/{export.file}").status_code == 404
    assert client.get(f"/media/../exports/{export.file}").status_code in (400, 404)


def test_a_second_request_while_one_is_pending_returns_the_pending_one(mira, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.export_request(user=mira["mira"])
        second = services.export_request(user=mira["mira"])
    assert first.pk == second.pk and DataExport.objects.filter(user=mira["mira"]).count() == 1
    for callback in callbacks:
        callback()
    assert DataExport.objects.get(pk=first.pk).status == "ready"


def test_a_new_export_replaces_the_previous_file(mira, api, settings, django_capture_on_commit_callbacks):
    first = request_export(api(mira["mira"]), django_capture_on_commit_callbacks)
    old_file = Path(settings.EXPORT_ROOT, DataExport.objects.get(pk=first["id"]).file)
    second = request_export(api(mira["mira"]), django_capture_on_commit_callbacks)
    assert second["id"] != first["id"] and not old_file.exists()
    assert list(DataExport.objects.filter(user=mira["mira"]).values_list("pk", flat=True)) == [second["id"]]


def test_exports_expire_after_seven_days_and_the_job_deletes_them(
    mira, api, settings, django_capture_on_commit_callbacks
):
    status = request_export(api(mira["mira"]), django_capture_on_commit_callbacks)
    path = Path(settings.EXPORT_ROOT, DataExport.objects.get(pk=status["id"]).file)
    job = JOBS["lifecycle.expire_exports"]
    with freeze_time(timezone.now() + timedelta(days=6)):
        assert job.task.call() == 0 and path.exists()
    with freeze_time(timezone.now() + timedelta(days=7, minutes=1)):
        assert_error(api(mira["mira"]).get("/me/export"), 404)
        assert job.task.call() == 1
    assert not path.exists() and not DataExport.objects.exists()


def test_download_page_requests_shows_status_and_links(mira, client, django_capture_on_commit_callbacks):
    client.force_login(mira["mira"])
    settings_page = client.get("/accounts/settings/").content.decode()
    assert 'href="/accounts/data/"' in settings_page
    page = client.get("/accounts/data/").content.decode()
    assert 'data-testid="export-request"' in page and 'data-testid="export-download"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/data/export/")
    assert response.status_code == 302
    page = client.get("/accounts/data/").content.decode()
    export = DataExport.objects.get()
    assert f'href="/accounts/data/export/{export.pk}/"' in page
    response = client.get(f"/accounts/data/export/{export.pk}/")
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("profile.json")


def test_a_pending_export_lost_by_a_worker_does_not_block_new_requests(mira, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        lost = services.export_request(user=mira["mira"])  # its task never runs
    with freeze_time(timezone.now() + timedelta(hours=7)):
        with django_capture_on_commit_callbacks(execute=True):
            fresh = services.export_request(user=mira["mira"])
    assert fresh.pk != lost.pk and not DataExport.objects.filter(pk=lost.pk).exists()
    assert DataExport.objects.get(pk=fresh.pk).status == "ready"
