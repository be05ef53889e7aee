"""Counters stay equal to the rows they count when many requests land at once.

Runs on both databases: on PostgreSQL the follows really interleave (row locks);
on SQLite they queue on the write lock (IMMEDIATE transactions, busy timeout).
"""

import pytest

from tests import threads
from tests.posts_helpers import make_post
from vitrina.accounts.models import User
from vitrina.posts import services as post_services
from vitrina.posts.models import Like
from vitrina.social import services
from vitrina.social.models import Follow

pytestmark = pytest.mark.django_db(transaction=True)


def run_at_once(jobs):
    errors = [result for result in threads.run_at_once(jobs) if isinstance(result, Exception)]
    assert not errors, errors


def test_fifty_simultaneous_follows_count_exactly_fifty(make_user):
    star = make_user("star")
    fans = [make_user(f"fan{i}") for i in range(50)]
    run_at_once([lambda fan=fan: services.follow_create(follower=fan, target=star) for fan in fans])
    star.refresh_from_db()
    assert star.followers_count == 50
    assert Follow.objects.filter(target=star).count() == 50
    assert set(User.objects.filter(username__startswith="fan").values_list("following_count", flat=True)) == {1}


def test_same_follow_sent_twenty_times_at_once_counts_once(make_user):
    star, fan = make_user("star"), make_user("fan")
    run_at_once([lambda: services.follow_create(follower=fan, target=star) for _ in range(20)])
    star.refresh_from_db()
    fan.refresh_from_db()
    assert (star.followers_count, fan.following_count) == (1, 1)
    assert Follow.objects.count() == 1


def test_opposite_follows_and_unfollows_at_once_do_not_deadlock(make_user):
    people = [make_user(f"p{i}") for i in range(8)]
    jobs = []
    for a in people:
        for b in people:
            if a != b:
                jobs.append(lambda a=a, b=b: services.follow_create(follower=a, target=b))
    run_at_once(jobs)
    run_at_once([lambda a=a, b=b: services.follow_delete(follower=a, target=b)
                 for a, b in zip(people, people[1:] + people[:1])])
    for user in User.objects.all():
        assert user.followers_count == Follow.objects.filter(target=user).count()
        assert user.following_count == Follow.objects.filter(follower=user).count()
    assert Follow.objects.count() == 8 * 7 - 8


def test_thirty_simultaneous_likes_count_exactly(make_user):

    author = make_user("author")
    post = make_post(author, photos=("Nikon_D70.jpg",))
    fans = [make_user(f"liker{i}") for i in range(30)]
    jobs = [lambda fan=fan: post_services.like_create(user=fan, post=post) for fan in fans]
    jobs += [lambda: post_services.like_create(user=fans[0], post=post) for _ in range(5)]
    run_at_once(jobs)
    post.refresh_from_db()
    assert post.like_count == 30 == Like.objects.filter(post=post).count()
