"""A block that lands while a follow, a request, an approval or a switch to public is being written never
leaves a follow or a request across the block (issue 8, hole 8).

On PostgreSQL only: there the two transactions really interleave. Each test runs the block in another
thread at the worst moment, just before the other write's INSERT, and gives it two seconds: enough to
commit unless it has to wait for a lock the first transaction holds, which is what the services must
make it do.
"""

import threading
from contextlib import contextmanager

import pytest
from django.db import connection

from tests.posts_helpers import make_post
from vitrina.accounts.models import Block, User
from vitrina.feed import selectors as feed
from vitrina.social import services
from vitrina.social.models import Follow, FollowRequest

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

GRACE = 2.0  # seconds the interleaved write gets to finish before the first one goes on


@contextmanager
def just_before(statement: str, job):
    """Run `job` on a connection of its own when this thread's next statement starting with `statement` is
    about to run; that statement waits until the job has finished or GRACE has passed."""
    assert connection.vendor == "postgresql", "run in the PostgreSQL pass (scripts/test.sh deselects it elsewhere)"
    errors, threads = [], []

    def run():
        try:
            job()
        except Exception as exc:  # noqa: BLE001 - re-raised in the test's thread below
            errors.append(exc)
        finally:
            connection.close()

    def wrapper(execute, sql, params, many, context):
        if not threads and sql.lstrip().startswith(statement):
            threads.append(threading.Thread(target=run))
            threads[0].start()
            threads[0].join(GRACE)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield
    assert threads, f"no statement started with {statement!r}"
    threads[0].join(60)
    assert not threads[0].is_alive()
    assert not errors, errors


def assert_nothing_between(a, b):
    assert Block.objects.filter(blocker__in=[a, b], blocked__in=[a, b]).exists()
    assert not Follow.objects.filter(follower__in=[a, b], target__in=[a, b]).exists()
    assert not FollowRequest.objects.filter(requester__in=[a, b], target__in=[a, b]).exists()
    for user in User.objects.filter(pk__in=[a.pk, b.pk]):
        assert user.followers_count == Follow.objects.filter(target=user).count()
        assert user.following_count == Follow.objects.filter(follower=user).count()


@pytest.mark.parametrize("who_blocks", ["target", "follower"])
def test_a_block_during_a_follow_leaves_no_follow(make_user, who_blocks):
    fan, star = make_user("fan"), make_user("star")
    blocker, blocked = (star, fan) if who_blocks == "target" else (fan, star)
    block = lambda: services.block_create(blocker=blocker, target=blocked)  # noqa: E731
    with just_before('INSERT INTO "social_follow" ', block):
        services.follow_create(follower=fan, target=star)
    assert_nothing_between(fan, star)
    # What the blocked member would notice: the other's new posts in the feed and the "new posts" pill.
    make_post(star)
    assert feed.home_feed(viewer=fan).items == []
    assert feed.new_posts_count(viewer=fan, since=0) == 0


def test_a_block_during_a_follow_request_leaves_no_request(make_user):
    fan, star = make_user("fan"), make_user("star", private=True)
    block = lambda: services.block_create(blocker=star, target=fan)  # noqa: E731
    with just_before('INSERT INTO "social_followrequest"', block):
        services.follow_create(follower=fan, target=star)
    assert_nothing_between(fan, star)


def test_a_block_during_an_approval_leaves_no_follow(make_user):
    fan, star = make_user("fan"), make_user("star", private=True)
    services.follow_create(follower=fan, target=star)
    block = lambda: services.block_create(blocker=fan, target=star)  # noqa: E731
    with just_before('INSERT INTO "social_follow" ', block):
        services.follow_request_approve(target=star, requester=fan)
    assert_nothing_between(fan, star)


def test_a_block_while_going_public_leaves_no_follow(make_user):
    fan, star = make_user("fan"), make_user("star", private=True)
    services.follow_create(follower=fan, target=star)
    block = lambda: services.block_create(blocker=fan, target=star)  # noqa: E731
    with just_before('INSERT INTO "social_follow" ', block):
        services.account_update(user=star, data={"is_private": False})
    assert_nothing_between(fan, star)
    star.refresh_from_db()
    assert star.is_private is False
