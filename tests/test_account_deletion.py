"""Deleting an account: deactivated at once, back on log-in within the grace period, purged after it."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from tests.conftest import PASSWORD, assert_error
from tests.posts_helpers import make_post, photo, stored_files
from vitrina.accounts import services as account_services
from vitrina.accounts.models import ApiToken, User
from vitrina.core.scheduler import JOBS
from vitrina.lifecycle import purge, services
from vitrina.lifecycle.models import AccountDeletion
from vitrina.posts import services as post_services
from vitrina.posts.models import Comment, Hashtag, Like, Post
from vitrina.social import services as social
from vitrina.social.models import Follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, django_capture_on_commit_callbacks):
    """alice (who leaves) follows bob and is followed by carol; she likes and comments on bob's
    post, carol replies to her comment; both alice and bob post with #sunset."""
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    with django_capture_on_commit_callbacks(execute=True):
        social.follow_create(follower=alice, target=bob)
        social.follow_create(follower=carol, target=alice)
        social.follow_create(follower=carol, target=bob)
        bob_post = make_post(bob, caption="evening #sunset")
        alice_post = make_post(alice, caption="mine #sunset", photos=("Canon_40D.jpg", "Canon_40D.jpg"))
        post_services.like_create(user=alice, post=bob_post)
        post_services.like_create(user=carol, post=bob_post)
        post_services.like_create(user=bob, post=alice_post)
        comment = post_services.comment_create(author=alice, post=bob_post, text="lovely")
        post_services.comment_create(author=carol, post=bob_post, text="agreed", reply_to=comment)
        post_services.comment_create(author=bob, post=bob_post, text="thanks all")
        account_services.avatar_set(user=alice, upload=photo())
    return {"alice": alice, "bob": bob, "carol": carol, "bob_post": bob_post, "alice_post": alice_post}


def counts(world):
    bob, carol = (User.objects.get(pk=world[n].pk) for n in ("bob", "carol"))
    post = Post.objects.get(pk=world["bob_post"].pk)
    return {
        "bob_followers": bob.followers_count, "carol_following": carol.following_count,
        "likes": post.like_count, "comments": post.comment_count,
    }


def truth(world):
    """The counters as the plain rule says: rows whose other party is active."""
    bob, carol, post = world["bob"], world["carol"], world["bob_post"]
    return {
        "bob_followers": Follow.objects.filter(target=bob, follower__is_active=True).count(),
        "carol_following": Follow.objects.filter(follower=carol, target__is_active=True).count(),
        "likes": Like.objects.filter(post=post, user__is_active=True).count(),
        "comments": Comment.objects.filter(post=post, author__is_active=True).count(),
    }


def test_deleting_deactivates_at_once_and_hides_the_account_from_others_counts(world, api):
    before = counts(world)
    assert before == {"bob_followers": 2, "carol_following": 2, "likes": 2, "comments": 3}
    alice_api = api(world["alice"])
    response = alice_api.post("/me/delete", {"password": PASSWORD})
    assert response.status_code == 202, response.content
    purge_after = response.json()["purge_after"]
    assert purge_after.startswith((timezone.now() + timedelta(days=30)).date().isoformat())

    alice = User.objects.get(pk=world["alice"].pk)
    assert not alice.is_active
    assert not ApiToken.objects.filter(user=alice).exists()
    assert_error(alice_api.get("/me"), 401)
    assert counts(world) == truth(world) == {"bob_followers": 1, "carol_following": 1, "likes": 1, "comments": 2}

    bob_api = api(world["bob"])
    assert bob_api.get("/accounts/alice").status_code == 404
    assert bob_api.get(f"/posts/{world['alice_post'].pk}").status_code == 404
    assert bob_api.get("/hashtags/sunset/posts").json()["hashtag"]["post_count"] == 1
    assert [p["username"] for p in bob_api.get("/accounts/bob/followers").json()["items"]] == ["carol"]
    assert bob_api.get(f"/posts/{world['bob_post'].pk}").json()["like_count"] == 1


def test_wrong_password_refuses_deletion_and_changes_nothing(world, api, client):
    before = counts(world)
    assert_error(api(world["alice"]).post("/me/delete", {"password": "not it"}), 422, "wrong_password", "password")
    assert_error(api(world["alice"]).post("/me/delete", {}), 422)
    client.force_login(world["alice"])
    response = client.post("/accounts/delete/", {"password": "not it", "confirm": "on"})
    assert response.status_code == 422
    assert User.objects.get(pk=world["alice"].pk).is_active
    assert not AccountDeletion.objects.exists()
    assert counts(world) == before


def test_deleting_from_the_page_logs_out_and_ends_every_other_session(world, client):
    client.force_login(world["alice"])
    other_device = Client()
    other_device.force_login(world["alice"])
    assert client.get("/accounts/data/").status_code == 200
    response = client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"].endswith("/accounts/login/")
    assert client.get("/accounts/edit/").status_code == 302
    # Coming back with the password reactivates; the old session on the other device stays ended.
    assert Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    assert User.objects.get(pk=world["alice"].pk).is_active
    response = other_device.get("/accounts/edit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_logging_in_within_the_grace_period_cancels_the_deletion(world, api):
    services.account_delete_request(user=world["alice"], password=PASSWORD)
    with freeze_time(timezone.now() + timedelta(days=29)):
        assert_error(api().post("/auth/token", {"username": "alice", "password": "wrong one"}), 401)
        assert not User.objects.get(pk=world["alice"].pk).is_active
        response = api().post("/auth/token", {"username": "alice", "password": PASSWORD})
        assert response.status_code == 200, response.content
        call_command("purge_deleted_accounts")
    alice = User.objects.get(pk=world["alice"].pk)
    assert alice.is_active and not AccountDeletion.objects.exists()
    assert counts(world) == truth(world) == {"bob_followers": 2, "carol_following": 2, "likes": 2, "comments": 3}
    assert api(world["bob"]).get("/accounts/alice").status_code == 200


def test_a_suspended_account_cannot_come_back_by_logging_in(world, api):
    services.account_delete_request(user=world["alice"], password=PASSWORD)
    services.account_suspend(user=User.objects.get(pk=world["alice"].pk))
    assert_error(api().post("/auth/token", {"username": "alice", "password": PASSWORD}), 401)
    response = Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 401
    assert not User.objects.get(pk=world["alice"].pk).is_active
    # Lifting the suspension does not undo the member's own request: still inactive until they log in.
    services.account_unsuspend(user=User.objects.get(pk=world["alice"].pk))
    assert not User.objects.get(pk=world["alice"].pk).is_active
    assert api().post("/auth/token", {"username": "alice", "password": PASSWORD}).status_code == 200
    assert counts(world) == truth(world)


def test_after_the_grace_period_the_account_is_purged_with_its_media(
    world, api, settings, django_capture_on_commit_callbacks
):
    alice = world["alice"]
    with django_capture_on_commit_callbacks(execute=True):
        services.export_request(user=alice)
    alice.refresh_from_db()
    alice_files = [name for item in world["alice_post"].media.all() for name in item.storage_names()]
    alice_files += alice.avatar_files()
    assert len(alice.avatar_files()) == 3  # the JPEG and the small WebPs
    export_file = Path(settings.EXPORT_ROOT) / alice.data_exports.get().file
    assert export_file.exists() and all((Path(settings.MEDIA_ROOT) / n).exists() for n in alice_files)
    services.account_delete_request(user=alice, password=PASSWORD)

    with freeze_time(timezone.now() + timedelta(days=29)):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("purge_deleted_accounts")
        assert User.objects.filter(pk=alice.pk).exists()
    with freeze_time(timezone.now() + timedelta(days=31)):
        # Past the grace period the password no longer brings the account back, purged or not.
        assert_error(api().post("/auth/token", {"username": "alice", "password": PASSWORD}), 401)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("purge_deleted_accounts")
        # The account is gone for good: no log-in brings it back.
        assert_error(api().post("/auth/token", {"username": "alice", "password": PASSWORD}), 401)

    assert not User.objects.filter(pk=alice.pk).exists()
    assert not Post.objects.filter(author_id=alice.pk).exists()
    assert not any((Path(settings.MEDIA_ROOT) / n).exists() for n in alice_files)
    assert not export_file.exists()
    bob_files = {n for item in world["bob_post"].media.all() for n in item.storage_names()}
    assert {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in stored_files(settings)} == bob_files
    # Others' counters equal their rows: followers, following, likes, comments (her comment
    # took carol's reply with it, as deleting a comment does), hashtag counts, her own likes gone.
    assert counts(world) == truth(world) == {"bob_followers": 1, "carol_following": 1, "likes": 1, "comments": 1}
    assert Hashtag.objects.get(name="sunset").post_count == 1
    assert User.objects.get(pk=world["bob"].pk).following_count == 0

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_deleted_accounts")  # Idempotent.
    assert counts(world) == truth(world)


def test_purge_is_a_registered_periodic_job():
    assert JOBS["lifecycle.purge_deleted_accounts"].every <= timedelta(days=1)
    assert JOBS["lifecycle.purge_deleted_accounts"].task.call() == 0


def test_suspension_hides_the_account_from_others_counts_too(world):
    services.account_suspend(user=world["alice"])
    assert counts(world) == truth(world) == {"bob_followers": 1, "carol_following": 1, "likes": 1, "comments": 2}
    services.account_unsuspend(user=User.objects.get(pk=world["alice"].pk))
    assert counts(world) == truth(world) == {"bob_followers": 2, "carol_following": 2, "likes": 2, "comments": 3}


def test_deleting_a_thread_with_a_hidden_reply_keeps_the_comment_count_right(world, api):
    """carol's reply hangs under alice's comment; bob's comment gets a reply from alice, who then leaves."""
    bob_post = world["bob_post"]
    bobs = Comment.objects.get(author=world["bob"])
    post_services.comment_create(author=world["alice"], post=bob_post, text="you're welcome", reply_to=bobs)
    services.account_delete_request(user=world["alice"], password=PASSWORD)
    assert counts(world)["comments"] == truth(world)["comments"] == 2
    response = api(world["bob"]).delete(f"/comments/{bobs.pk}")
    assert response.status_code == 204, response.content
    assert counts(world)["comments"] == truth(world)["comments"] == 1


def test_one_account_that_fails_to_purge_does_not_stop_the_others(world, make_user, monkeypatch, caplog):
    dan = make_user("dan")
    services.account_delete_request(user=world["alice"], password=PASSWORD)
    services.account_delete_request(user=dan, password=PASSWORD)
    real = purge.account_purge

    def flaky(*, user):
        if user.username == "alice":
            raise RuntimeError("storage is down")
        real(user=user)

    monkeypatch.setattr(purge, "account_purge", flaky)
    with freeze_time(timezone.now() + timedelta(days=31)):
        assert purge.purge_due() == 1
    assert "purge of account" in caplog.text
    assert not User.objects.filter(username="dan").exists() and User.objects.filter(username="alice").exists()
