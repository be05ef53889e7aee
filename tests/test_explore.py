from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from tests.conftest import assert_error
from tests.posts_helpers import make_post
from vitrina.core import scheduler
from vitrina.core.built_state import state_publish
from vitrina.core.models import BuiltState
from vitrina.feed import explore_views
from vitrina.feed import tasks as feed_tasks
from vitrina.feed.explore import ranking, trending
from vitrina.posts import services as post_services
from vitrina.posts.models import Post
from vitrina.social import services as social

pytestmark = pytest.mark.django_db


def post(author, caption="", *, age=None):
    """A post through the real service; `age` moves its creation back in time."""
    made = make_post(author, caption=caption, photos=("Nikon_D70.jpg",))
    if age is not None:
        Post.objects.filter(pk=made.pk).update(created_at=timezone.now() - age)
        made.refresh_from_db()
    return made


def like(users, target):
    for user in users:
        post_services.like_create(user=user, post=target)


def ids(viewer, **kwargs):
    return [p.pk for p in ranking.explore_page(viewer=viewer, **kwargs).items]


def run_jobs():
    """What the scheduler does every minute and every five: build the pool and the trends."""
    feed_tasks.build_explore_pool.call()
    feed_tasks.build_trending.call()


@pytest.fixture
def people(make_user):
    """people("a", "b") makes public accounts; the same name twice gives a new account each time."""
    counter = iter(range(10_000))

    def make(*names):
        return [make_user(f"{name}{next(counter)}") for name in names]

    return make


def test_explore_leaves_out_followed_accounts_and_own_posts(people):
    viewer, followed, stranger = people("viewer", "followed", "stranger")
    social.follow_create(follower=viewer, target=followed)
    post(viewer)
    post(followed)
    theirs = post(stranger)
    run_jobs()
    assert ids(viewer) == [theirs.pk]


def test_private_accounts_are_never_in_explore(people, make_user):
    viewer, public = people("viewer", "public")
    hidden = make_user("hidden", private=True)
    post(hidden)
    shown = post(public)
    run_jobs()
    assert ids(viewer) == [shown.pk]
    assert ids(None) == [shown.pk]


@pytest.mark.parametrize("direction", ["viewer_blocks", "author_blocks"])
def test_blocked_accounts_are_left_out_both_ways(people, direction):
    viewer, author, other = people("viewer", "author", "other")
    post(author)
    shown = post(other)
    run_jobs()  # the block comes after the build and still counts at once
    if direction == "viewer_blocks":
        social.block_create(blocker=viewer, target=author)
    else:
        social.block_create(blocker=author, target=viewer)
    assert ids(viewer) == [shown.pk]


def test_going_private_hides_posts_at_once_although_the_pool_was_built_before(people):
    viewer, author = people("viewer", "author")
    mine = post(author)
    run_jobs()
    now = timezone.now()
    assert ids(viewer, now=now) == [mine.pk]
    social.privacy_set(user=author, is_private=True)
    assert ids(None, now=now) == []
    assert ranking.explore_page(viewer=None, now=now).next_cursor is None


def test_at_most_two_posts_per_author_on_a_page(people):
    viewer, prolific, *others = people("viewer", "prolific", "a", "b", "c")
    older = [post(author) for author in others]
    newest = [post(prolific) for _ in range(5)]
    run_jobs()
    page = ranking.explore_page(viewer=viewer, limit=4)
    # The prolific account's posts are the freshest, but only two fit on a page.
    assert [p.pk for p in page.items] == [newest[4].pk, newest[3].pk, older[2].pk, older[1].pk]
    rest = ids(viewer, cursor=page.next_cursor, limit=4)
    assert rest == [newest[2].pk, newest[1].pk, older[0].pk]


def test_time_decay_ranks_a_fresh_post_with_few_likes_above_an_old_one_with_many(people):
    viewer, old_author, new_author, *fans = people("viewer", "old", "new", *["fan"] * 10)
    now = timezone.now()
    old = post(old_author, age=timedelta(hours=48))
    fresh = post(new_author, age=timedelta(hours=1))
    like(fans, old)
    like(fans[:2], fresh)
    run_jobs()
    old_score = ranking.base_score(likes=10, comments=0, saves=0, age_hours=48)
    fresh_score = ranking.base_score(likes=2, comments=0, saves=0, age_hours=1)
    assert round(old_score, 4) == round(11 / 50**1.5, 4) and round(fresh_score, 4) == round(3 / 3**1.5, 4)
    assert fresh_score > old_score
    assert ids(viewer, now=now) == [fresh.pk, old.pk]


def test_comments_and_saves_weigh_more_than_likes(people):
    viewer, a, b, c, fan = people("viewer", "a", "b", "c", "fan")
    now = timezone.now()
    liked, commented, saved = post(a), post(b), post(c)
    Post.objects.filter(pk__in=[liked.pk, commented.pk, saved.pk]).update(created_at=now - timedelta(hours=2))
    like([fan], liked)
    post_services.comment_create(author=fan, post=commented, text="nice")
    post_services.save_create(user=fan, post=saved)
    run_jobs()
    assert ids(viewer, now=now) == [saved.pk, commented.pk, liked.pk]


def test_a_viewer_who_liked_cats_sees_another_cats_post_above_an_equal_dogs_post(people):
    viewer, control, cat_people, cats_author, dogs_author = people("viewer", "control", "cp", "ca", "da")
    for liked in (post(cat_people, "#cats in the sun"), post(cat_people, "more #cats")):
        like([viewer], liked)
    cats = post(cats_author, "a new #cats photo")
    dogs = post(dogs_author, "a new #dogs photo")
    Post.objects.filter(pk__in=[cats.pk, dogs.pk]).update(created_at=timezone.now() - timedelta(hours=1))
    run_jobs()
    now = timezone.now()
    # Equal scores fall back to the newer post, so without the taste the dog comes first.
    seen_by_control = ids(control, now=now)
    assert seen_by_control.index(dogs.pk) < seen_by_control.index(cats.pk)
    assert ids(viewer, now=now) == [cats.pk, dogs.pk]  # the liked posts themselves are not shown again


def test_people_who_liked_what_you_liked_lift_what_they_also_liked(people):
    viewer, control, kindred, stranger, a, b, c = people("viewer", "control", "kin", "stranger", "a", "b", "c")
    shared = post(a)
    like([viewer, kindred], shared)
    their_pick = post(b)
    other = post(c)
    Post.objects.filter(pk__in=[their_pick.pk, other.pk]).update(created_at=timezone.now() - timedelta(hours=1))
    like([kindred], their_pick)
    like([stranger], other)
    run_jobs()
    now = timezone.now()
    seen_by_control = ids(control, now=now)
    assert seen_by_control.index(other.pk) < seen_by_control.index(their_pick.pk)
    assert ids(viewer, now=now) == [their_pick.pk, other.pk]


def test_pages_never_repeat_a_post_and_end(people, api):
    viewer, *authors = people("viewer", *["author"] * 10)
    made = {post(author).pk for author in authors}
    run_jobs()
    for client in (api(viewer), api()):
        seen, cursor = [], None
        while True:
            body = client.get("/explore", {"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
            seen += [item["id"] for item in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == 10 and set(seen) == made


def test_a_new_session_leaves_out_posts_seen_before_until_nothing_else_is_left(people):
    viewer, *authors = people("viewer", *["author"] * 10)
    made = {post(author).pk for author in authors}
    run_jobs()
    first = ids(viewer, limit=4)
    second = ids(viewer, limit=4)
    assert len(second) == 4 and not set(first) & set(second)
    third = ids(viewer, limit=4)
    # The two never shown, then two seen before rather than a half-empty page.
    assert set(third[:2]) == made - set(first) - set(second)
    assert set(third[2:]) <= set(first) | set(second)


def test_the_session_ends_at_its_limit(people, monkeypatch):
    monkeypatch.setattr(ranking, "SESSION_MAX", 4)
    viewer, *authors = people("viewer", *["author"] * 6)
    for author in authors:
        post(author)
    run_jobs()
    page = ranking.explore_page(viewer=viewer, limit=3)
    last = ranking.explore_page(viewer=viewer, cursor=page.next_cursor, limit=3)
    assert len(last.items) == 1 and last.next_cursor is None


def test_garbage_cursor_is_400_in_the_api_and_a_fresh_start_on_the_page(people, api, page_client):
    assert_error(api().get("/explore", {"cursor": "not-a-cursor"}), 400, "invalid_cursor")
    forged = "eyJzIjoiMSwyLDMifQ:1tXyZa:forged-signature"
    assert_error(api().get("/explore", {"cursor": forged}), 400, "invalid_cursor")
    response = page_client().get("/explore/", {"cursor": "not-a-cursor"})
    assert response.status_code == 302 and response["Location"] == "/explore/"


def test_api_items_are_full_posts_and_limit_is_capped(people, api):
    viewer, author = people("viewer", "author")
    shown = post(author, "hello #world")
    run_jobs()
    body = api(viewer).get("/explore", {"limit": 500}).json()
    assert set(body) == {"items", "next_cursor"} and body["next_cursor"] is None
    item = body["items"][0]
    assert item["id"] == shown.pk and item["hashtags"] == ["world"] and item["liked_by_me"] is False
    assert item["author"]["username"] == author.username and item["media"]


def test_api_items_are_the_post_as_get_post_shows_it_to_this_reader(people, api):
    # Explore's API renders from the post card cache; each item must still be exactly the post
    # as GET /posts/{id} shows it to the same reader, counters and marks included.
    viewer, author, other = people("viewer", "author", "other")
    liked, plain = post(author, "one #world @other"), post(other, "two")
    like([viewer], liked)
    run_jobs()
    client = api(viewer)
    for _round in range(2):  # the second read comes from the cards the first one cached
        cache.delete(ranking._history_key(viewer))
        items = client.get("/explore").json()["items"]
        assert {item["id"] for item in items} == {plain.pk}  # a liked post is not offered again
        assert items == [client.get(f"/posts/{item['id']}").json() for item in items]
    post_services.like_create(user=other, post=plain)
    cache.delete(ranking._history_key(viewer))
    item = client.get("/explore").json()["items"][0]
    assert item["like_count"] == 1 and item == client.get(f"/posts/{plain.pk}").json()


def test_api_query_count_does_not_grow_with_the_page(people, api):
    viewer, *authors = people("viewer", *["author"] * 8)
    mentioned = authors[0].username
    posts = [post(author, f"#tag{i} @{mentioned}") for i, author in enumerate(authors)]
    like([viewer], posts[0])  # personalisation queries run too
    run_jobs()
    client = api(viewer)
    client.get("/explore", {"limit": 1})  # reads the built pool into the cache

    def count(limit):
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get("/explore", {"limit": limit}).json()["items"]) == limit
        return len(queries)

    assert count(2) == count(6)


def test_hashtag_growing_today_beats_one_used_steadily(people):
    viewer, author = people("viewer", "author")
    for _ in range(3):
        post(author, "#sunrise #rare")
    for _ in range(2):
        post(author, "#sunrise")
    post(author, "#sunrise", age=timedelta(days=3))
    for _ in range(3):
        post(author, "#coffee")
    for day in range(14):
        post(author, "#coffee", age=timedelta(days=1.5 + day * 0.4))
    post(author, "#once #once_more")
    post(author, "#sunrise #coffee", age=timedelta(days=9))  # older than the week before: not counted
    run_jobs()
    trends = trending.trending_hashtags(viewer=viewer)
    assert [t.name for t in trends] == ["sunrise", "rare", "coffee"]
    sunrise, rare, coffee = trends
    assert sunrise.post_count == 5 and sunrise.growth == round(trending.growth(recent=5, before=1), 2) == 5.25
    assert rare.growth == 4.0
    assert coffee.post_count == 3 and coffee.growth == round(4 / 3, 2)


def test_trending_counts_only_public_posts_the_viewer_may_see(people, make_user):
    viewer, other, blocked, grumpy = people("viewer", "other", "blocked", "grumpy")
    hidden = make_user("hidden", private=True)
    social.follow_create(follower=viewer, target=hidden)
    social.follow_request_approve(target=hidden, requester=viewer)
    for _ in range(3):
        post(hidden, "#secret")
        post(blocked, "#quarrel")
        post(grumpy, "#grudge")
    run_jobs()  # blocks made after the build count at once
    social.block_create(blocker=viewer, target=blocked)
    social.block_create(blocker=grumpy, target=viewer)
    # Not even a follower sees a private account's tag as a trend: trends are public counts.
    assert trending.trending_hashtags(viewer=viewer) == []
    assert [t.name for t in trending.trending_hashtags(viewer=other)] == ["grudge", "quarrel"]
    assert [t.name for t in trending.trending_hashtags(viewer=None)] == ["grudge", "quarrel"]


def test_trending_api(people, api):
    (author,) = people("author")
    for _ in range(3):
        post(author, "#launch")
    run_jobs()
    body = api().get("/explore/trending-hashtags").json()
    assert body == {"items": [{"name": "launch", "post_count": 3, "growth": 4.0}]}


def test_explore_page_shows_search_trends_and_grid(people, page_client):
    viewer, *authors = people("viewer", *["author"] * 3)
    for author in authors:
        post(author, "#launch")
    run_jobs()
    response = page_client(viewer).get("/explore/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="explore-grid"' in page and page.count('data-testid="grid-item"') == 3
    assert 'href="/explore/tags/launch/"' in page
    assert page.index('data-testid="search-box"') < page.index('data-testid="trending"') < page.index(
        'data-testid="explore-grid"')
    assert 'href="/explore/" class="active"' in page


def test_explore_infinite_scroll_returns_only_the_grid_rows(people, page_client, monkeypatch):
    monkeypatch.setattr(explore_views, "PAGE_SIZE", 2)
    viewer, *authors = people("viewer", *["author"] * 3)
    for author in authors:
        post(author)
    run_jobs()
    client = page_client(viewer)
    page = client.get("/explore/").content.decode()
    cursor = page.split('hx-get="?cursor=')[1].split('"')[0]
    assert page.count('data-testid="grid-item"') == 2
    more = client.get(f"/explore/?cursor={cursor}", headers={"HX-Request": "true"})
    rows = more.content.decode()
    assert "<html" not in rows and rows.count('data-testid="grid-item"') == 1 and "hx-get" not in rows
    # Without JavaScript the "Show more" link loads the whole page with the next rows.
    whole = client.get(f"/explore/?cursor={cursor}").content.decode()
    assert "<html" in whole and whole.count('data-testid="grid-item"') == 1


def test_anonymous_visitors_see_the_explore_page(people, page_client):
    (author,) = people("author")
    post(author)
    run_jobs()
    page = page_client().get("/explore/").content.decode()
    assert page.count('data-testid="grid-item"') == 1


def test_requests_never_build_the_pool_or_the_trends(people, api, page_client, monkeypatch):
    viewer, *authors = people("viewer", "a", "b", "c")
    made = [post(author, "#launch") for author in authors]

    def build(**kwargs):
        raise AssertionError("a request ran the build")

    monkeypatch.setattr(ranking, "pool_build", build)
    monkeypatch.setattr(trending, "trends_build", build)
    # Before the first build: the newest public posts, and no trends rather than a recount.
    assert ids(viewer) == [p.pk for p in reversed(made)]
    assert trending.trending_hashtags(viewer=viewer) == []
    assert api(viewer).get("/explore/trending-hashtags").json() == {"items": []}
    assert page_client(viewer).get("/explore/").content.decode().count('data-testid="grid-item"') == 3


def test_a_cold_start_costs_the_same_few_queries_however_many_posts_there_are(people, api):
    viewer, *authors = people("viewer", *["author"] * 12)
    client = api(viewer)

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get("/explore", {"limit": 2})
            client.get("/explore/trending-hashtags")
        return len(queries)

    post(authors[0], "#one")
    count()  # the token's "last used" is written once
    few = count()
    for author in authors[1:]:
        post(author, "#many #more")
    assert count() == few


def test_the_jobs_are_idempotent(people):
    viewer, *authors = people("viewer", "a", "b", "c")
    for author in authors:
        like([viewer], post(author, "#same #tags"))
        post(author, "#same")
    now = timezone.now()
    assert ranking.pool_publish(now=now) == 6 and trending.trends_publish(now=now) == 2
    first = dict(BuiltState.objects.values_list("name", "data"))
    assert ranking.pool_publish(now=now) == 6 and trending.trends_publish(now=now) == 2
    assert dict(BuiltState.objects.values_list("name", "data")) == first
    assert set(first) == {ranking.POOL_STATE, trending.TRENDS_STATE}


def test_an_older_build_finishing_last_does_not_replace_a_newer_one(people):
    (author,) = people("author")
    now = timezone.now()
    slow = ranking.pool_build(now=now)  # a run that started first and is slow to finish
    mine = post(author)
    ranking.pool_publish(now=now + timedelta(seconds=60))
    state_publish(name=ranking.POOL_STATE, value=slow, built_at=now)
    assert ids(None) == [mine.pk]


def test_requests_read_a_build_published_by_another_process_from_the_database(people):
    viewer, first_author, second_author = people("viewer", "first", "second")
    first = post(first_author)
    run_jobs()
    assert ids(viewer) == [first.pk]
    second = post(second_author)
    ranking.pool_publish(now=timezone.now())
    # The job ran elsewhere: nothing of its build is in this process's cache.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert ids(viewer) == [second.pk, first.pk]
    assert sum("core_builtstate" in q["sql"] for q in queries.captured_queries) == 1
    with CaptureQueriesContext(connection) as queries:
        ids(viewer)
    assert not any("core_builtstate" in q["sql"] for q in queries.captured_queries)


def test_the_scheduler_runs_both_jobs_and_requests_see_their_builds(people):
    autodiscover_modules("tasks")  # as run_scheduler does
    jobs = {name: scheduler.JOBS[name] for name in (ranking.POOL_STATE, trending.TRENDS_STATE)}
    assert jobs[ranking.POOL_STATE].every == timedelta(seconds=60)
    assert jobs[trending.TRENDS_STATE].every == timedelta(minutes=5)
    viewer, author = people("viewer", "author")
    shown = [post(author, "#launch") for _ in range(3)]
    assert scheduler.run_due(now=timezone.now(), jobs=jobs) == {name: "enqueued" for name in jobs}
    assert ids(viewer) == [shown[2].pk, shown[1].pk]
    assert [t.name for t in trending.trending_hashtags(viewer=viewer)] == ["launch"]


def test_a_process_reuses_the_pool_it_read_until_a_newer_build_is_published(people, api, monkeypatch):
    # Each process keeps the pool it read for LOCAL_TTL instead of unpickling it from the cache
    # on every request; a build published here replaces it at once.
    from vitrina.core import built_state

    viewer, author = people("viewer", "author")
    first = post(author, "first")
    run_jobs()
    client = api(viewer)
    assert [i["id"] for i in client.get("/explore").json()["items"]] == [first.pk]
    reads = []
    monkeypatch.setattr(built_state, "_shared_read", lambda name, load: reads.append(name))
    cache.delete(ranking._history_key(viewer))
    assert [i["id"] for i in client.get("/explore").json()["items"]] == [first.pk]
    assert reads == []  # from this process's memory
    monkeypatch.undo()
    second = post(author, "second")
    run_jobs()
    cache.delete(ranking._history_key(viewer))
    assert {i["id"] for i in client.get("/explore").json()["items"]} == {first.pk, second.pk}
