"""The one rule of vitrina.social.visibility: its Python and SQL forms agree, and no caller can skip it."""

from itertools import product

import pytest
from django.db import connection

from tests.conftest import assert_error
from tests.posts_helpers import make_post
from vitrina.accounts import services as account_services
from vitrina.core.errors import InvalidInput, NotFound
from vitrina.posts import selectors as post_selectors
from vitrina.posts import services as post_services
from vitrina.posts.models import Comment, Like, Post, Save
from vitrina.social import selectors as social_selectors
from vitrina.social import services as social
from vitrina.social import visibility
from vitrina.social.models import Follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    """Every kind of pair: public and private, followed and not, blocked each way, suspended."""
    people = {
        "viewer": make_user("viewer"),
        "public": make_user("public"),
        "private": make_user("private", private=True),
        "friend": make_user("friend", private=True),
        "blocked": make_user("blocked"),
        "blocker": make_user("blocker"),
        "gone": make_user("gone"),
    }
    social.follow_create(follower=people["viewer"], target=people["friend"])
    social.follow_request_approve(target=people["friend"], requester=people["viewer"])
    social.follow_create(follower=people["viewer"], target=people["private"])  # pending only
    social.follow_create(follower=people["viewer"], target=people["gone"])
    social.block_create(blocker=people["viewer"], target=people["blocked"])
    social.block_create(blocker=people["blocker"], target=people["viewer"])
    for person in people.values():
        make_post(person)
    account_services.user_suspend(user=people["gone"])
    for person in people.values():
        person.refresh_from_db()
    return people


def test_python_and_sql_forms_agree_for_every_pair(world):
    viewers = [None, *world.values()]
    for viewer, target in product(viewers, world.values()):
        if viewer is not None and not viewer.is_active:
            continue  # a suspended member is nobody's viewer: they cannot sign in
        in_sql = Post.objects.visible_to(viewer).filter(author=target).exists()
        assert visibility.sees_content(viewer, target) == in_sql, (viewer, target)
        assert visibility.sees_content(viewer, target, visibility.relationship(viewer, target)) == in_sql
        rule, params = visibility.content_sql(viewer, account_id="p.author_id")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {Post._meta.db_table} p WHERE p.author_id = %s AND {rule}", [target.pk, *params])
            assert bool(cursor.fetchall()) == in_sql, (viewer, target)
        listed = visibility.accounts_listed(viewer).filter(pk=target.pk).exists()
        assert visibility.is_listed(viewer, target) == listed, (viewer, target)


def test_the_rule_for_the_viewer(world):
    viewer = world["viewer"]
    seen = {name for name, person in world.items() if visibility.sees_content(viewer, person)}
    assert seen == {"viewer", "public", "friend"}
    listed = {name for name, person in world.items() if visibility.is_listed(viewer, person)}
    assert listed == {"viewer", "public", "private", "friend"}
    reached = {name for name, person in world.items() if visibility.reaches_profile(viewer, person)}
    assert reached == {"viewer", "public", "private", "friend", "blocked"}
    assert {p.username for p in world.values() if visibility.sees_content(None, p)} == {
        "viewer", "public", "blocked", "blocker"}


def test_grid_and_lists_of_someone_who_blocked_the_viewer_are_not_found_whoever_asks(world):
    """The selectors check the rule themselves; they do not rely on profile_get having run first."""
    viewer, blocker = world["viewer"], world["blocker"]
    with pytest.raises(NotFound):
        post_selectors.posts_of(viewer=viewer, author=blocker)
    with pytest.raises(NotFound):
        social_selectors.followers_page(viewer=viewer, target=blocker)
    with pytest.raises(NotFound):
        social_selectors.following_page(viewer=viewer, target=blocker)


@pytest.mark.parametrize("author", ["private", "blocked", "blocker", "gone"])
def test_writes_on_a_post_the_user_may_not_see_are_not_found(world, author):
    viewer = world["viewer"]
    post = Post.objects.get(author=world[author])
    with pytest.raises(NotFound):
        post_services.like_create(user=viewer, post=post)
    with pytest.raises(NotFound):
        post_services.comment_create(author=viewer, post=post, text="hello")
    with pytest.raises(NotFound):
        post_services.save_create(user=viewer, post=post)
    assert not Like.objects.exists() and not Comment.objects.exists() and not Save.objects.exists()
    post.refresh_from_db()
    assert (post.like_count, post.comment_count) == (0, 0)


def test_writes_on_a_visible_post_go_through(world):
    viewer, friend = world["viewer"], world["friend"]
    post = Post.objects.get(author=friend)
    assert post_services.like_create(user=viewer, post=post) is True
    post_services.comment_create(author=viewer, post=post, text="hello")
    post_services.save_create(user=viewer, post=post)
    post.refresh_from_db()
    assert (post.like_count, post.comment_count) == (1, 1)


def test_a_reply_to_a_comment_hidden_from_the_replier_is_refused(make_user, api):
    host, viewer, grumpy = make_user("host"), make_user("viewer"), make_user("grumpy")
    post = make_post(host)
    hidden = post_services.comment_create(author=grumpy, post=post, text="not for the viewer")
    social.block_create(blocker=grumpy, target=viewer)
    with pytest.raises(InvalidInput):
        post_services.comment_create(author=viewer, post=post, text="hi", reply_to=hidden)
    assert_error(api(viewer).post(f"/posts/{post.pk}/comments", {"text": "hi", "reply_to": hidden.pk}), 422,
                 field="reply_to")
    assert Comment.objects.count() == 1
    # Someone listed for the replier can be answered as before.
    open_comment = post_services.comment_create(author=host, post=post, text="welcome")
    reply = post_services.comment_create(author=viewer, post=post, text="thanks", reply_to=open_comment)
    assert reply.reply_to_id == open_comment.pk


def test_feed_authors_are_the_viewer_and_those_followed_and_their_posts_are_visible(world):
    viewer = world["viewer"]
    following = list(Follow.objects.filter(follower=viewer).values_list("target_id", flat=True))
    authors = visibility.feed_authors(viewer, following)
    assert authors == {viewer.pk, world["friend"].pk, world["gone"].pk}
    for author in authors:
        person = next(p for p in world.values() if p.pk == author)
        # The shortcut: followed and active means visible.
        assert visibility.sees_content(viewer, person) == person.is_active
