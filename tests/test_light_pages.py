"""What keeps first loads light: which photos load at once, small avatars, compressed pages.

The weight of whole pages in a browser is measured by tests/e2e/test_page_weight.py.
"""

import gzip
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from tests.posts_helpers import make_post, photo
from vitrina.accounts import services as account_services
from vitrina.accounts.models import User
from vitrina.media import images
from vitrina.social import services as social

pytestmark = pytest.mark.django_db


class Images(HTMLParser):
    """The <img> elements of a page, in order, each with its attributes and the feed post it is in."""

    def __init__(self, html):
        super().__init__()
        self.found, self.post = [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("data-testid") == "feed-post":
            self.post = attrs["data-post-id"]
        if tag == "img":
            self.found.append({**attrs, "post": self.post})


def images_of(response):
    assert response.status_code == 200
    return Images(response.content.decode()).found


def photos(found):
    return [img for img in found if "avatar" not in img.get("class", "")]


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    def make(author, photos=("Canon_40D.jpg",)):
        with django_capture_on_commit_callbacks(execute=True):
            return make_post(author, photos=photos)

    return make


def test_only_the_first_photo_of_the_feed_loads_at_once_and_first(make_user, publish, page_client):
    author, reader = make_user("author"), make_user("reader")
    social.follow_create(follower=reader, target=author)
    older = publish(author)
    second = publish(author)
    newest = publish(author, photos=("Canon_40D.jpg", "Nikon_D70.jpg"))
    client = page_client(reader)

    shown = photos(images_of(client.get("/")))
    assert [img["post"] for img in shown] == [str(newest.pk)] * 2 + [str(second.pk)]
    lead, *rest = shown
    assert lead["fetchpriority"] == "high" and "loading" not in lead
    # The carousel's next slide and the next post wait until they near the screen.
    assert all(img["loading"] == "lazy" and img["decoding"] == "async" and "fetchpriority" not in img for img in rest)
    # A page appended as the reader scrolls has no lead photo.
    cursor = client.get("/").content.decode().split("?cursor=")[1].split('"')[0]
    later = photos(images_of(client.get(f"/?cursor={cursor}", headers={"HX-Request": "true"})))
    assert [img["post"] for img in later] == [str(older.pk)]
    assert later[0]["loading"] == "lazy" and "fetchpriority" not in later[0]


def test_the_post_page_fetches_its_first_photo_first(make_user, publish, page_client):
    post = publish(make_user("author"), photos=("Canon_40D.jpg", "Nikon_D70.jpg"))
    first, second = photos(images_of(page_client().get(f"/p/{post.pk}/")))
    assert first["fetchpriority"] == "high" and "loading" not in first
    assert second["loading"] == "lazy" and "fetchpriority" not in second


def test_grids_load_their_first_two_rows_at_once_and_small_widths_only(make_user, publish, page_client):
    author = make_user("author")
    for _ in range(8):
        publish(author, photos=("gps_DSCN0010.jpg",))  # 640 px wide: variants of 320 and 640
    grid = photos(images_of(page_client().get("/author/")))
    assert len(grid) == 8
    assert [img.get("loading") for img in grid] == [None] * 6 + ["lazy"] * 2
    for img in grid:
        assert "fetchpriority" not in img and img["decoding"] == "async"
        widths = [candidate.split()[-1] for candidate in img["srcset"].split(", ")]
        assert widths == ["320w", "640w"] and "33vw" in img["sizes"]


def stored(name):
    return default_storage.exists(name)


def test_avatars_are_small_webps_by_density_and_old_ones_fall_back_to_their_jpeg(make_user, page_client, capsys):
    new = account_services.avatar_set(user=make_user("nova"), upload=photo())
    assert set(new.avatar_small) == {"96", "192"} and all(stored(n) for n in new.avatar_small.values())
    # An avatar stored before the small ones existed: the JPEG alone.
    old = account_services.avatar_set(user=make_user("olga"), upload=photo())
    for name in old.avatar_small.values():
        images.delete_quietly(name)
    User.objects.filter(pk=old.pk).update(avatar_small={})
    reader = make_user("reader")
    social.follow_create(follower=reader, target=new)
    social.follow_create(follower=reader, target=old)

    def avatar_on(page, username):
        # The first one: a profile's confirmation sheets (unfollow, block) show the avatar again further down.
        img, *_ = [img for img in images_of(page_client(reader).get(page)) if img.get("alt") == username]
        return img

    img = avatar_on("/reader/following/", "nova")
    assert img["src"] == f"/media/{new.avatar_small['96']}"
    assert img["srcset"] == f"/media/{new.avatar_small['96']} 96w, /media/{new.avatar_small['192']} 192w"
    assert img["sizes"] == "44px" and img["loading"] == "lazy"
    assert avatar_on("/nova/", "nova")["sizes"] == "(min-width: 900px) 150px, 86px"
    img = avatar_on("/reader/following/", "olga")
    assert img["src"] == f"/media/{old.avatar}" and "srcset" not in img

    # The backfill makes them for old avatars only, once; a missing file is reported and skipped.
    gone = account_services.avatar_set(user=make_user("gleb"), upload=photo())
    images.delete_quietly(gone.avatar)
    User.objects.filter(pk=gone.pk).update(avatar_small={})
    call_command("avatar_variants")
    assert "for 1 account(s), 1 failed" in capsys.readouterr().out
    old.refresh_from_db()
    assert set(old.avatar_small) == {"96", "192"} and all(stored(n) for n in old.avatar_small.values())
    assert avatar_on("/reader/following/", "olga")["srcset"].endswith(f"/media/{old.avatar_small['192']} 192w")
    assert User.objects.get(pk=new.pk).avatar_small == new.avatar_small
    assert User.objects.get(pk=gone.pk).avatar_small == {}
    call_command("avatar_variants")
    assert "for 0 account(s), 1 failed" in capsys.readouterr().out
    assert User.objects.get(pk=old.pk).avatar_small == old.avatar_small


def test_a_backfill_that_meets_a_new_avatar_keeps_the_new_one(make_user, settings):
    user = account_services.avatar_set(user=make_user("mira"), upload=photo())
    User.objects.filter(pk=user.pk).update(avatar_small={})
    stale = User.objects.get(pk=user.pk)
    account_services.avatar_set(user=user, upload=photo("Nikon_D70.jpg"))  # changed meanwhile
    files_before = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*.webp"))
    assert account_services.avatar_small_backfill(user=stale) is False
    assert User.objects.get(pk=user.pk).avatar_small == user.avatar_small
    assert sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*.webp")) == files_before


def test_pages_and_api_answers_are_gzipped_photos_are_not(make_user, client, api):
    user = account_services.avatar_set(user=make_user("mira"), upload=photo())
    client.force_login(user)
    response = client.get("/mira/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    assert b"<html" in gzip.decompress(response.content)
    assert b"<html" in client.get("/mira/").content  # not without Accept-Encoding: gzip
    answer = api(user).get("/me", headers={"Accept-Encoding": "gzip"})
    assert answer["Content-Encoding"] == "gzip" and json.loads(gzip.decompress(answer.content))["username"] == "mira"
    for name in (user.avatar, user.avatar_small["96"]):
        media = client.get(f"/media/{name}", headers={"Accept-Encoding": "gzip"})
        assert media.status_code == 200 and not media.has_header("Content-Encoding")
        assert int(media["Content-Length"]) == default_storage.size(name)
