"""Fan-out plus pull-at-read gives exactly the feed a plain query over follows would."""

import os

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.posts_helpers import make_post
from vitrina.accounts import services as account_services
from vitrina.accounts.models import User
from vitrina.feed import selectors
from vitrina.posts.models import Post
from vitrina.social import services as social
from vitrina.timeline import tasks
from vitrina.timeline.models import TimelineEntry, TimelineState

PEOPLE = 5

graphs = st.fixed_dictionaries({
    "follows": st.sets(st.tuples(st.integers(0, PEOPLE - 1), st.integers(0, PEOPLE - 1))
                       .filter(lambda pair: pair[0] != pair[1]), max_size=14),
    "private": st.sets(st.integers(0, PEOPLE - 1), max_size=2),
    "blocks": st.sets(st.tuples(st.integers(0, PEOPLE - 1), st.integers(0, PEOPLE - 1))
                      .filter(lambda pair: pair[0] != pair[1]), max_size=2),
    # (author, read_before) steps: each author posts; some readers read their feed in between.
    "posts": st.lists(st.tuples(st.integers(0, PEOPLE - 1), st.booleans()), min_size=1, max_size=8),
    "threshold": st.integers(1, 4),
    "page": st.integers(1, 4),
})


def expected_feed(viewer):
    followed = set(User.objects.get(pk=viewer.pk).following_set.values_list("target_id", flat=True))
    posts = Post.objects.visible_to(viewer).filter(author_id__in=followed | {viewer.pk})
    return list(posts.order_by("-pk").values_list("pk", flat=True))


def read_all(viewer, page):
    seen, cursor = [], None
    while True:
        result = selectors.home_feed(viewer=viewer, cursor=cursor, limit=page)
        seen += [p.pk for p in result.items]
        cursor = result.next_cursor
        if not cursor:
            return seen


@pytest.mark.django_db
@hypothesis_settings(max_examples=int(os.environ.get('FEED_PROPERTY_EXAMPLES', '20')), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(graph=graphs)
def test_feed_equals_a_plain_query_over_follows(graph, settings):
    settings.FEED_PULL_THRESHOLD = graph["threshold"]
    people = [account_services.user_signup(username=f"p{i}", email=f"p{i}@example.com",
                                           password="long enough passphrase 42") for i in range(PEOPLE)]
    User.objects.update(last_active_at=timezone.now())
    people = list(User.objects.order_by("pk"))
    try:
        for a, b in sorted(graph["follows"]):
            social.follow_create(follower=people[a], target=people[b])
        for i in sorted(graph["private"]):
            social.account_update(user=people[i], data={"is_private": True})
        for author, read_before in graph["posts"]:
            if read_before:
                selectors.home_feed(viewer=people[(author + 1) % PEOPLE])  # builds a timeline mid-way
            post = make_post(people[author], photos=("Nikon_D70.jpg",))
            tasks.fan_out_now(post_id=post.pk, author_id=people[author].pk)
        for a, b in sorted(graph["blocks"]):
            if (b, a) not in graph["blocks"] or a < b:  # the one blocked cannot block back (the blocker is gone for them)
                social.block_create(blocker=people[a], target=people[b])
        for viewer in User.objects.order_by("pk"):
            assert read_all(viewer, graph["page"]) == expected_feed(viewer)
    finally:
        User.objects.all().delete()
        TimelineEntry.objects.all().delete()
        TimelineState.objects.all().delete()
