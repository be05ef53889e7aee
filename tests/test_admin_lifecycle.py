"""The admin is no second write path: deletion, suspension and flags go through the services."""

import pytest

from tests.conftest import PASSWORD
from tests.posts_helpers import make_post
from vitrina.accounts.models import Block, User
from vitrina.posts import services as post_services
from vitrina.posts.models import Post
from vitrina.social import services as social
from vitrina.social.models import Follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, make_user):
    admin = make_user("moderator.one")
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    admin.refresh_from_db()
    client.force_login(admin)
    return client


@pytest.fixture
def graph(make_user, django_capture_on_commit_callbacks):
    spammer, bob, carol = make_user("spammer"), make_user("bob"), make_user("carol")
    with django_capture_on_commit_callbacks(execute=True):
        social.follow_create(follower=spammer, target=bob)
        social.follow_create(follower=carol, target=spammer)
        post = make_post(bob, caption="#sunset")
        post_services.like_create(user=spammer, post=post)
        post_services.comment_create(author=spammer, post=post, text="buy watches")
        make_post(spammer, caption="#sunset")
    return {"spammer": spammer, "bob": bob, "carol": carol, "post": post}


def assert_counters_exact(graph):
    bob, carol = (User.objects.get(pk=graph[n].pk) for n in ("bob", "carol"))
    post = Post.objects.get(pk=graph["post"].pk)
    assert bob.followers_count == Follow.objects.filter(target=bob, follower__is_active=True).count()
    assert carol.following_count == Follow.objects.filter(follower=carol, target__is_active=True).count()
    assert post.like_count == post.likes.filter(user__is_active=True).count()
    assert post.comment_count == post.comments.filter(author__is_active=True).count()
    return bob.followers_count, carol.following_count, post.like_count, post.comment_count


def test_deleting_a_member_in_the_admin_keeps_others_counters_right(staff_client, graph, settings):
    spammer = graph["spammer"]
    page = staff_client.get(f"/admin/accounts/user/{spammer.pk}/delete/")
    assert page.status_code == 200
    response = staff_client.post(f"/admin/accounts/user/{spammer.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=spammer.pk).exists()
    assert assert_counters_exact(graph) == (0, 0, 0, 0)
    from vitrina.posts.models import Hashtag

    assert Hashtag.objects.get(name="sunset").post_count == 1


def test_bulk_delete_goes_through_the_account_purge(staff_client, graph):
    changelist = staff_client.get("/admin/accounts/user/").content.decode()
    assert 'value="delete_selected"' not in changelist and 'value="delete_accounts"' in changelist
    # Django's own bulk delete is not offered, so posting it deletes nothing.
    staff_client.post("/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [graph["spammer"].pk],
                                                "post": "yes", "index": 0})
    assert User.objects.filter(pk=graph["spammer"].pk).exists()
    response = staff_client.post("/admin/accounts/user/", {
        "action": "delete_accounts", "_selected_action": [graph["spammer"].pk], "index": 0})
    assert response.status_code == 302
    assert not User.objects.filter(pk=graph["spammer"].pk).exists()
    assert assert_counters_exact(graph) == (0, 0, 0, 0)


def test_the_change_form_cannot_set_flags_or_counters(staff_client, graph):
    bob = User.objects.get(pk=graph["bob"].pk)
    form = {
        "username": "bob", "display_name": "Bob B", "email": "bob@example.com", "bio": "", "website": "",
        "account_type": "personal", "category": "", "city": "", "contact_email": "", "contact_phone": "",
        "is_staff": "", "is_superuser": "",
        # Read-only fields the form must ignore:
        "is_active": "", "is_private": "on", "followers_count": "99", "suspended_at": "2020-01-01 00:00",
    }
    response = staff_client.post(f"/admin/accounts/user/{bob.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    bob.refresh_from_db()
    assert bob.display_name == "Bob B"
    assert bob.is_active and not bob.is_private and bob.suspended_at is None and bob.followers_count == 1


def test_suspending_in_the_admin_hides_the_account_from_counts(staff_client, graph):
    staff_client.post("/admin/accounts/user/", {"action": "suspend", "_selected_action": [graph["spammer"].pk],
                                                "index": 0})
    assert assert_counters_exact(graph) == (0, 0, 0, 0)
    staff_client.post("/admin/accounts/user/", {"action": "unsuspend", "_selected_action": [graph["spammer"].pk],
                                                "index": 0})
    assert assert_counters_exact(graph) == (1, 1, 1, 1)


def test_follows_and_blocks_are_read_only_in_the_admin(staff_client, graph, make_user):
    follow = Follow.objects.get(follower=graph["spammer"], target=graph["bob"])
    assert staff_client.get(f"/admin/social/follow/{follow.pk}/change/").status_code == 200
    assert staff_client.post(f"/admin/social/follow/{follow.pk}/delete/", {"post": "yes"}).status_code == 403
    assert staff_client.post("/admin/social/follow/", {
        "action": "delete_selected", "_selected_action": [follow.pk], "post": "yes"}).status_code in (200, 302)
    assert Follow.objects.filter(pk=follow.pk).exists()
    assert staff_client.get("/admin/social/follow/add/").status_code == 403
    assert staff_client.get("/admin/accounts/block/add/").status_code == 403
    assert staff_client.post("/admin/social/follow/add/", {
        "follower": graph["bob"].pk, "target": graph["carol"].pk}).status_code == 403
    assert not Follow.objects.filter(follower=graph["bob"], target=graph["carol"]).exists()
    assert not Block.objects.exists()


def test_staff_cannot_delete_their_own_account_by_the_bulk_action(staff_client):
    me = User.objects.get(username="moderator.one")
    staff_client.post("/admin/accounts/user/", {"action": "delete_accounts", "_selected_action": [me.pk], "index": 0})
    assert User.objects.filter(pk=me.pk).exists()
    assert me.check_password(PASSWORD)
