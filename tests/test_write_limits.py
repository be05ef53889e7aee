"""Write limits: sign-up per address; posts, comments, likes and follows per account."""

from collections import Counter

import pytest
from django.test import Client, override_settings
from freezegun import freeze_time

from tests.conftest import LOCAL_CACHE, PASSWORD, assert_error
from tests.posts_helpers import make_post, photo
from tests.threads import run_at_once
from vitrina.core.errors import Throttled
from vitrina.posts import services as post_services
from vitrina.posts.models import Comment, Like, Post
from vitrina.social import services as social_services
from vitrina.social.models import Follow, FollowRequest

pytestmark = pytest.mark.django_db


def limits(settings, **rates):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}


def test_a_hundred_comments_in_a_burst_stop_at_the_default_limit(make_user, api):
    author = make_user("author")
    post = make_post(author, photos=("Nikon_D70.jpg",))
    spammer = api(make_user("spammer"))
    statuses = Counter()
    for i in range(100):
        response = spammer.post(f"/posts/{post.pk}/comments", {"text": f"buy now {i}"})
        statuses[response.status_code] += 1
    assert statuses == {201: 20, 429: 80}
    assert Comment.objects.filter(post=post).count() == 20
    response = spammer.post(f"/posts/{post.pk}/comments", {"text": "one more"})
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 61
    # Someone else still comments.
    assert api(make_user("friend")).post(f"/posts/{post.pk}/comments", {"text": "nice"}).status_code == 201


def test_each_write_is_limited_per_account_in_the_api(make_user, api, settings):
    limits(settings, post=[(1, 3600)], like=[(1, 60)], follow=[(1, 600)], comment=[(1, 60)])
    author, other = make_user("author"), make_user("other")
    target_post = make_post(other, photos=("Nikon_D70.jpg",))
    make_user("third", private=True)
    client = api(author)

    upload = {"images": [photo("Nikon_D70.jpg")]}
    assert client.upload("/posts", upload).status_code == 201
    assert_error(client.upload("/posts", {"images": [photo("Nikon_D70.jpg")]}), 429, "rate_limited")
    assert Post.objects.filter(author=author).count() == 1

    assert client.post(f"/posts/{target_post.pk}/like").status_code == 200
    client.delete(f"/posts/{target_post.pk}/like")
    assert_error(client.post(f"/posts/{target_post.pk}/like"), 429, "rate_limited")
    assert not Like.objects.filter(user=author).exists()

    assert client.post("/accounts/other/follow").status_code == 200
    # A follow request counts as a follow.
    assert_error(client.post("/accounts/third/follow"), 429, "rate_limited")
    assert not FollowRequest.objects.filter(requester=author).exists()

    # Another account has its own allowance.
    assert api(other).post("/accounts/author/follow").status_code == 200


def test_sign_up_is_limited_per_address(api, settings):
    limits(settings, signup=[(2, 3600)])

    def signup(name, address):
        return Client(REMOTE_ADDR=address).post("/api/vitrina/v1/auth/signup", {
            "username": name, "email": f"{name}@example.com", "password": PASSWORD}, content_type="application/json")

    assert signup("first", "10.1.0.1").status_code == 201
    assert signup("second", "10.1.0.1").status_code == 201
    response = signup("third", "10.1.0.1")
    assert_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0
    assert signup("fourth", "10.1.0.2").status_code == 201


def test_sign_up_page_is_limited_per_address(client, settings):
    limits(settings, signup=[(1, 3600)])
    body = {"username": "first", "email": "first@example.com", "password": PASSWORD, "account_type": "personal"}
    assert client.post("/accounts/signup/", body).status_code == 302
    client.post("/accounts/logout/")
    response = client.post("/accounts/signup/", {**body, "username": "second", "email": "second@example.com"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "too often" in response.content.decode()


def test_limits_reopen_when_the_window_ends(make_user, settings):
    limits(settings, comment=[(2, 60)])
    author = make_user("author")
    post = make_post(author, photos=("Nikon_D70.jpg",))
    with override_settings(CACHES=LOCAL_CACHE), freeze_time("2026-06-01 12:00:00") as clock:
        for text in ("one", "two"):
            post_services.comment_create(author=author, post=post, text=text)
        with pytest.raises(Throttled) as refused:
            post_services.comment_create(author=author, post=post, text="three")
        assert 1 <= refused.value.retry_after <= 61
        clock.tick(61)
        post_services.comment_create(author=author, post=post, text="three")


def test_several_windows_apply_together(make_user, settings):
    limits(settings, like=[(100, 60), (3, 3600)])
    author, fan = make_user("author"), make_user("fan")
    posts = [make_post(author, photos=("Nikon_D70.jpg",)) for _ in range(4)]
    for post in posts[:3]:
        post_services.like_create(user=fan, post=post)
    with pytest.raises(Throttled):
        post_services.like_create(user=fan, post=posts[3])


def test_pages_show_the_limit(make_user, page_client, settings):
    limits(settings, like=[(1, 60)], comment=[(1, 60)], follow=[(1, 600)])
    author, fan = make_user("author"), make_user("fan")
    make_user("other")
    post = make_post(author, photos=("Nikon_D70.jpg",))
    client = page_client(fan)

    assert client.post(f"/p/{post.pk}/like/", {"action": "like"}).status_code == 302
    client.post(f"/p/{post.pk}/like/", {"action": "unlike"})
    response = client.post(f"/p/{post.pk}/like/", {"action": "like"}, follow=True)
    assert "too often" in response.content.decode()
    response = client.post(f"/p/{post.pk}/like/", {"action": "like"}, headers={"HX-Request": "true"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert 'role="alert"' in response.content.decode() and "post-actions" in response.content.decode()

    assert client.post(f"/p/{post.pk}/comments/", {"text": "first"}).status_code == 302
    response = client.post(f"/p/{post.pk}/comments/", {"text": "second"}, headers={"HX-Request": "true"})
    assert response.status_code == 429 and "too often" in response.content.decode()
    assert Comment.objects.filter(author=fan).count() == 1

    assert client.post("/author/follow/", {"action": "follow"}).status_code == 302
    response = client.post("/other/follow/", {"action": "follow"}, headers={"HX-Request": "true"})
    assert response.status_code == 429 and "too often" in response.content.decode()
    assert 'data-state="none"' in response.content.decode()
    response = client.post("/other/follow/", {"action": "follow"}, follow=True)
    assert "too often" in response.content.decode()
    assert not Follow.objects.filter(follower=fan, target__username="other").exists()


def test_post_page_shows_the_limit(make_user, page_client, settings):
    limits(settings, post=[(0, 3600)])
    client = page_client(make_user("author"))
    response = client.post("/create/", {"caption": "hi", "location": "", "images": [photo("Nikon_D70.jpg")]})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "too often" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_parallel_comments_stop_exactly_at_the_limit(make_user, settings):
    limits(settings, comment=[(10, 60)])
    author = make_user("author")
    post = make_post(author, photos=("Nikon_D70.jpg",))
    spammer = make_user("spammer")
    def comment(i):
        def job():
            post_services.comment_create(author=spammer, post=post, text=f"spam {i}")
            return "ok"
        return job

    outcomes = ["throttled" if isinstance(r, Throttled) else r for r in run_at_once([comment(i) for i in range(30)])]
    assert Counter(outcomes) == {"ok": 10, "throttled": 20}
    assert Comment.objects.filter(post=post).count() == 10


@pytest.mark.django_db(transaction=True)
def test_parallel_follows_stop_exactly_at_the_limit(make_user, settings):
    limits(settings, follow=[(5, 600)])
    fan = make_user("fan")
    stars = [make_user(f"star{i}") for i in range(20)]
    def follow(star):
        def job():
            social_services.follow_create(follower=fan, target=star)
            return "ok"
        return job

    outcomes = ["throttled" if isinstance(r, Throttled) else r for r in run_at_once([follow(star) for star in stars])]
    assert Counter(outcomes) == {"ok": 5, "throttled": 15}
    assert Follow.objects.filter(follower=fan).count() == 5
