from datetime import timedelta

import pytest
from django.db import OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import assert_error
from tests.posts_helpers import make_post
from vitrina.accounts import services as account_services
from vitrina.accounts.models import User
from vitrina.feed import selectors
from vitrina.posts import services as post_services
from vitrina.social import services as social
from vitrina.timeline import store as timeline_store
from vitrina.timeline import tasks
from vitrina.timeline.store import get_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Create a post and run what happens after commit (the fan-out), as in production."""

    def make(author, caption=""):
        with django_capture_on_commit_callbacks(execute=True):
            return make_post(author, caption=caption, photos=("Nikon_D70.jpg",))

    return make


def active(user):
    User.objects.filter(pk=user.pk).update(last_active_at=timezone.now())
    user.refresh_from_db()
    return user


def feed_ids(viewer, **kwargs):
    return [p.pk for p in selectors.home_feed(viewer=viewer, **kwargs).items]


def test_new_post_is_pushed_to_active_followers(make_user, publish):
    author, fan = make_user("author"), active(make_user("fan"))
    social.follow_create(follower=fan, target=author)
    assert feed_ids(fan) == []  # builds the (empty) timeline
    post = publish(author)
    assert [p for p, _a in get_store().read(fan.pk, before=None, count=10)] == [post.pk]
    assert feed_ids(fan) == [post.pk]
    assert feed_ids(author) == [post.pk]  # own posts are in one's own feed


def test_followers_away_longer_than_the_window_get_a_rebuild_not_a_push(make_user, publish, settings):
    author, fan = make_user("author"), active(make_user("fan"))
    social.follow_create(follower=fan, target=author)
    feed_ids(fan)
    User.objects.filter(pk=fan.pk).update(last_active_at=timezone.now() - timedelta(days=30))
    post = publish(author)
    assert get_store().read(fan.pk, before=None, count=10) == []  # not pushed
    fan.refresh_from_db()
    assert feed_ids(fan) == [post.pk]  # rebuilt on return


def test_large_accounts_are_pulled_at_read_time(make_user, publish, settings):
    settings.FEED_PULL_THRESHOLD = 2
    brand = make_user("brand")
    fans = [active(make_user(f"fan{i}")) for i in range(3)]
    for fan in fans:
        social.follow_create(follower=fan, target=brand)
        feed_ids(fan)
    post = make_post(brand, photos=("Nikon_D70.jpg",))
    assert tasks.fan_out_now(post_id=post.pk, author_id=brand.pk) == 1  # O(1) writes: only the brand's own
    for fan in fans:
        assert get_store().read(fan.pk, before=None, count=10) == []
        assert feed_ids(fan) == [post.pk]


def test_pulled_posts_come_from_the_cache_and_stay_exact(make_user, publish, settings, django_capture_on_commit_callbacks):
    settings.FEED_PULL_THRESHOLD = 2
    brand, fan, other = make_user("brand"), active(make_user("fan")), active(make_user("other"))
    social.follow_create(follower=fan, target=brand)
    social.follow_create(follower=other, target=brand)
    first = publish(brand)
    assert feed_ids(fan) == [first.pk]
    with CaptureQueriesContext(connection) as ctx:
        assert feed_ids(fan) == [first.pk]
    assert not [q for q in ctx.captured_queries if "timeline_pulledpost" in q["sql"]]
    second = publish(brand)  # the brand's cached ids are dropped
    assert feed_ids(fan) == [second.pk, first.pk]
    with django_capture_on_commit_callbacks(execute=True):
        post_services.post_delete(post=second, actor=brand)
    assert feed_ids(fan) == [first.pk]
    social.follow_delete(follower=fan, target=brand)
    assert feed_ids(fan) == []
    assert feed_ids(other) == [first.pk]


def test_pages_older_than_the_cached_pulled_ids_come_from_the_table(make_user, publish, settings, monkeypatch):
    monkeypatch.setattr("vitrina.timeline.pulled.RECENT", 2)
    settings.FEED_PULL_THRESHOLD = 2
    brand, small, fan = make_user("brand"), make_user("small"), active(make_user("fan"))
    for who in (fan, make_user("x"), make_user("y")):
        social.follow_create(follower=who, target=brand)
    social.follow_create(follower=fan, target=small)
    feed_ids(fan)
    posts = [publish(brand if i % 3 else small).pk for i in range(7)]
    seen, cursor = [], None
    while True:
        page = selectors.home_feed(viewer=fan, cursor=cursor, limit=2)
        seen += [p.pk for p in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == list(reversed(posts))


@pytest.mark.parametrize("how", ["unfollow", "block", "blocked_by", "removed", "deleted", "private_then_removed"])
def test_entries_disappear_at_once(make_user, publish, how, django_capture_on_commit_callbacks):
    author, fan = make_user("author"), active(make_user("fan"))
    social.follow_create(follower=fan, target=author)
    feed_ids(fan)
    post = publish(author)
    assert feed_ids(fan) == [post.pk]
    if how == "unfollow":
        social.follow_delete(follower=fan, target=author)
    elif how == "block":
        social.block_create(blocker=fan, target=author)
    elif how == "blocked_by":
        social.block_create(blocker=author, target=fan)
    elif how == "removed":
        social.follower_remove(user=author, follower=fan)
    elif how == "deleted":
        with django_capture_on_commit_callbacks(execute=True):
            post_services.post_delete(post=post, actor=author)
        assert get_store().read(fan.pk, before=None, count=10) == []  # and cleaned up
    else:
        social.account_update(user=author, data={"is_private": True})
        social.follower_remove(user=author, follower=fan)
    assert feed_ids(fan) == []


def test_pages_by_cursor_without_repeats(make_user, publish):
    author, fan = make_user("author"), active(make_user("fan"))
    social.follow_create(follower=fan, target=author)
    feed_ids(fan)
    posts = [publish(author).pk for _ in range(7)]
    seen, cursor = [], None
    while True:
        page = selectors.home_feed(viewer=fan, cursor=cursor, limit=3)
        seen += [p.pk for p in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == list(reversed(posts))


def test_feed_api_and_garbage_cursor(api, make_user, publish):
    author, fan = make_user("author"), make_user("fan")
    social.follow_create(follower=fan, target=author)
    post = publish(author)
    body = api(fan).get("/feed").json()
    assert [p["id"] for p in body["items"]] == [post.pk]
    assert body["items"][0]["liked_by_me"] is False
    assert_error(api(fan).get("/feed", {"cursor": "garbage!"}), 400, "invalid_cursor")
    assert_error(api().get("/feed"), 401)


def test_a_suspended_authors_posts_leave_feeds_until_unsuspended(api, make_user, publish, settings):
    settings.FEED_PULL_THRESHOLD = 2
    author, brand, fan = make_user("author"), make_user("brand"), active(make_user("fan"))
    for who in (fan, make_user("x")):
        social.follow_create(follower=who, target=brand)  # the brand's posts are pulled
    social.follow_create(follower=fan, target=author)  # the author's are pushed
    pushed, pulled = publish(author), publish(brand)
    assert [p["id"] for p in api(fan).get("/feed").json()["items"]] == [pulled.pk, pushed.pk]
    for suspended, left in ((author, pulled), (brand, pushed)):
        account_services.user_suspend(user=suspended)
        assert [p["id"] for p in api(fan).get("/feed").json()["items"]] == [left.pk]
        assert feed_ids(fan) == [left.pk]
        account_services.user_unsuspend(user=suspended)
    assert [p["id"] for p in api(fan).get("/feed").json()["items"]] == [pulled.pk, pushed.pk]


def test_a_page_costs_the_same_queries_whatever_its_size(api, make_user, publish, settings):
    settings.FEED_PULL_THRESHOLD = 2
    brand = make_user("brand")
    friends = [make_user(f"friend{i}") for i in range(3)]
    fan = active(make_user("fan"))
    for other in friends + [brand]:
        social.follow_create(follower=fan, target=other)
    social.follow_create(follower=make_user("x1"), target=brand)
    for _ in range(4):
        for other in friends + [brand]:
            publish(other, caption="#tag @fan")
    client = api(fan)
    client.get("/feed")  # builds the timeline, touches the token
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/feed", {"limit": 2}).json()["items"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/feed", {"limit": 16}).json()["items"]) == 16
    assert len(small) == len(large)


def test_feed_is_served_from_the_database_when_the_store_is_down(make_user, publish, settings):
    author, fan = make_user("author"), active(make_user("fan"))
    social.follow_create(follower=fan, target=author)
    post = publish(author)
    settings.TIMELINE_STORE = "redis"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    assert feed_ids(fan) == [post.pk]


def test_failed_fan_out_is_retried_and_never_doubles(make_user, monkeypatch, settings):
    author, fan = make_user("author"), active(make_user("fan"))
    social.follow_create(follower=fan, target=author)
    feed_ids(fan)
    post = make_post(author, photos=("Nikon_D70.jpg",))
    store = get_store()
    real_push, calls = store.push, []

    def flaky_push(owner_ids, post_id, author_id):
        calls.append(owner_ids)
        real_push(owner_ids, post_id, author_id)
        if len(calls) == 2:
            raise timeline_store.TimelineUnavailable("lost the connection after writing")

    monkeypatch.setattr(type(store), "push", lambda self, *a: flaky_push(*a))
    tasks.fan_out.enqueue(post_id=post.pk, author_id=author.pk)
    assert len(calls) == 4  # the whole task ran again
    assert [p for p, _a in store.read(fan.pk, before=None, count=10)] == [post.pk]


def test_new_posts_pill_and_suggestions(page_client, make_user, publish):
    author, fan = make_user("author"), make_user("fan")
    page = page_client(fan).get("/").content.decode()
    assert 'data-testid="feed-empty"' in page and "author" in page  # suggested
    social.follow_create(follower=fan, target=author)
    first = publish(author)
    publish(author)
    pill = page_client(fan).get(f"/feed/new/?since={first.pk}").content.decode()
    assert 'data-testid="new-posts"' in pill and "1 new post" in pill
    assert page_client(fan).get("/feed/new/?since=abc").content.decode().strip() == ""


def test_home_page_scrolls_with_htmx(page_client, make_user, publish):
    author, fan = make_user("author"), make_user("fan")
    social.follow_create(follower=fan, target=author)
    for _ in range(12):
        publish(author)
    client = page_client(fan)
    # The first page is short (what a phone shows and the next post); then ten at a time.
    page = client.get("/").content.decode()
    assert page.count('data-testid="feed-post"') == 2 and 'data-testid="feed-more"' in page
    cursor = page.split("?cursor=")[1].split('"')[0]
    more = client.get(f"/?cursor={cursor}", headers={"HX-Request": "true"}).content.decode()
    assert more.count('data-testid="feed-post"') == 10 and "<html" not in more
    cursor = more.split("?cursor=")[1].split('"')[0]
    last = client.get(f"/?cursor={cursor}", headers={"HX-Request": "true"}).content.decode()
    assert last.count('data-testid="feed-post"') == 0 and 'data-testid="feed-more"' not in last


def test_feed_cards_match_the_post_schema_and_stay_fresh(api, make_user, publish):
    author, fan = make_user("author", display_name="Author"), make_user("fan")
    social.follow_create(follower=fan, target=author)
    post = publish(author, caption="first #one")
    post_services.like_create(user=fan, post=post)
    client = api(fan)
    card = client.get("/feed").json()["items"][0]
    assert card == client.get(f"/posts/{post.pk}").json()  # same shape and values as GET /posts/{id}
    # Edits, counters, the reader's state and the author's profile show at once, cache or not.
    post_services.post_update(post=post, editor=author, caption="edited #two")
    post_services.like_delete(user=fan, post=post)
    social.account_update(user=author, data={"display_name": "Renamed"})
    card = client.get("/feed").json()["items"][0]
    assert (card["caption"], card["hashtags"], card["like_count"], card["liked_by_me"]) == (
        "edited #two", ["two"], 0, False)
    assert card["author"]["display_name"] == "Renamed"
    assert card == client.get(f"/posts/{post.pk}").json()


def test_database_timelines_are_capped_on_read(make_user, monkeypatch, settings):
    settings.TIMELINE_STORE = "database"
    monkeypatch.setattr("vitrina.timeline.store.CAPACITY", 3)
    author, fan = make_user("author"), active(make_user("fan"))
    social.follow_create(follower=fan, target=author)
    feed_ids(fan)
    posts = [make_post(author, photos=("Nikon_D70.jpg",)).pk for _ in range(5)]
    for pid in posts:
        tasks.fan_out_now(post_id=pid, author_id=author.pk)
    store = get_store()
    assert store.entry_count(fan.pk) == 5  # pushes append
    assert feed_ids(fan, limit=10) == list(reversed(posts))  # older ones come from a query
    assert store.entry_count(fan.pk) == 3 and store.status(fan.pk) is False


@pytest.mark.django_db(transaction=True)
def test_fan_out_on_a_worker_waits_out_a_database_restart(make_user, monkeypatch):
    # bench/faults.py: the fan-outs that ran while PostgreSQL restarted (a few seconds) failed
    # their three immediate attempts and the posts never reached their followers' timelines.
    author, fan = make_user("author"), active(make_user("fan"))
    social.follow_create(follower=fan, target=author)
    feed_ids(fan)
    post = make_post(author, photos=("Nikon_D70.jpg",))
    get_store().remove_post([author.pk, fan.pk], post.pk)  # as if its fan-out had not run yet
    database = connections["default"]
    real_cursor, slept = database.cursor, []

    def restarting(*args, **kwargs):
        raise OperationalError("connection failed: the database system is starting up")

    def sleep(seconds):  # the database is back after six seconds of waiting
        slept.append(seconds)
        if sum(slept) >= 6:
            monkeypatch.setattr(database, "cursor", real_cursor)

    monkeypatch.setattr(tasks, "_in_process", lambda: False, raising=False)  # as on an RQ worker
    monkeypatch.setattr("time.sleep", sleep)
    monkeypatch.setattr(database, "cursor", restarting)
    tasks.fan_out.call(post_id=post.pk, author_id=author.pk)
    assert slept == [1, 2, 4]
    assert [p for p, _a in get_store().read(fan.pk, before=None, count=10)] == [post.pk]
    assert feed_ids(fan) == [post.pk]


def test_post_published_while_a_timeline_is_rebuilt_is_not_lost(make_user, publish, monkeypatch):
    # bench/faults.py: a member's first read rebuilt the timeline from the posts it had read
    # while a new post was fanned out in between, and that post never reached the member.
    author, fan = make_user("author"), active(make_user("fan"))
    social.follow_create(follower=fan, target=author)
    older = publish(author)  # the fan's timeline is not built yet
    store = get_store()
    real_replace, late = type(store).replace, []

    def replace_after_a_publish(self, owner_id, entries, **kwargs):
        if not late:  # published and fanned out after the rebuild read the posts, before it wrote them
            late.append(publish(author))
        real_replace(self, owner_id, entries, **kwargs)

    monkeypatch.setattr(type(store), "replace", replace_after_a_publish)
    assert feed_ids(fan) == [late[0].pk, older.pk]
    assert [p for p, _a in store.read(fan.pk, before=None, count=10)] == [late[0].pk, older.pk]
    assert feed_ids(fan) == [late[0].pk, older.pk]
