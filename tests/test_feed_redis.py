"""Timelines in Redis and tasks on RQ: run in the PostgreSQL + Redis pass (REDIS_URL set)."""

import django_rq
import pytest
import redis
from django.conf import settings as django_settings
from django.test import override_settings
from django.utils import timezone
from django_tasks_rq import Job
from rq import SimpleWorker

from tests.conftest import PASSWORD
from tests.posts_helpers import make_post
from vitrina.accounts.models import User
from vitrina.feed import selectors
from vitrina.social import services as social
from vitrina.timeline import tasks
from vitrina.timeline.store import RedisStore, get_store

pytestmark = pytest.mark.redis


@pytest.fixture(autouse=True)
def _redis_store(settings):
    assert django_settings.REDIS_URL, "run with REDIS_URL set (scripts/test.sh does)"
    settings.TIMELINE_STORE = "redis"


def active(user):
    User.objects.filter(pk=user.pk).update(last_active_at=timezone.now())
    user.refresh_from_db()
    return user


@pytest.mark.django_db(transaction=True)
def test_fan_out_runs_on_an_rq_worker(make_user, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.EVENT_CONSUMERS = {}  # only the fan-out job in the queue (event delivery has its own tests)
    queue = django_rq.get_queue("default")
    queue.empty()
    author, fan = make_user("author"), active(make_user("fan"))
    social.follow_create(follower=fan, target=author)
    selectors.home_feed(viewer=fan)
    post = make_post(author, photos=("Nikon_D70.jpg",))
    assert isinstance(get_store(), RedisStore)
    assert get_store().read(fan.pk, before=None, count=5) == []  # queued, not yet run
    assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    assert [p for p, _a in get_store().read(fan.pk, before=None, count=5)] == [post.pk]
    assert [p.pk for p in selectors.home_feed(viewer=fan).items] == [post.pk]


@pytest.mark.django_db
def test_timeline_is_capped_and_reads_past_the_cap_query_the_posts(make_user, monkeypatch):
    monkeypatch.setattr("vitrina.timeline.store.CAPACITY", 3)
    author, fan = make_user("author"), active(make_user("fan"))
    social.follow_create(follower=fan, target=author)
    selectors.home_feed(viewer=fan)
    posts = [make_post(author, photos=("Nikon_D70.jpg",)).pk for _ in range(5)]
    for pid in posts:
        tasks.fan_out_now(post_id=pid, author_id=author.pk)
    store = get_store()
    assert store.entry_count(fan.pk) == 3 and store.status(fan.pk) is False
    assert [p.pk for p in selectors.home_feed(viewer=fan, limit=10).items] == list(reversed(posts))


@pytest.mark.django_db
def test_redis_bytes_per_timeline_are_small(make_user):
    author, fan = make_user("author"), active(make_user("fan"))
    social.follow_create(follower=fan, target=author)
    selectors.home_feed(viewer=fan)
    for _ in range(20):
        post = make_post(author, photos=("Nikon_D70.jpg",))
        tasks.fan_out_now(post_id=post.pk, author_id=author.pk)
    assert 0 < get_store().memory_bytes(fan.pk) < 4096


@pytest.mark.django_db
def test_redis_outage_during_fan_out_rebuilds_timelines_when_it_returns(make_user, monkeypatch):
    author, fan = make_user("author"), active(make_user("fan"))
    social.follow_create(follower=fan, target=author)
    selectors.home_feed(viewer=fan)
    post = make_post(author, photos=("Nikon_D70.jpg",))
    good_url = django_settings.REDIS_URL
    monkeypatch.setattr(django_settings, "REDIS_URL", "redis://127.0.0.1:1/0")  # Redis "stopped"
    tasks.fan_out.enqueue(post_id=post.pk, author_id=author.pk)  # fails three times
    assert [p.pk for p in selectors.home_feed(viewer=fan).items] == [post.pk]  # served from the database
    monkeypatch.setattr(django_settings, "REDIS_URL", good_url)  # Redis is back
    assert [p.pk for p in selectors.home_feed(viewer=fan).items] == [post.pk]  # rebuilt, not stale
    assert [p for p, _a in get_store().read(fan.pk, before=None, count=5)] == [post.pk]


@pytest.mark.django_db(transaction=True)
def test_posting_while_the_queue_is_down_still_works(make_user, settings, monkeypatch, caplog):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    author, fan = make_user("author"), active(make_user("fan"))
    social.follow_create(follower=fan, target=author)
    selectors.home_feed(viewer=fan)
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}  # the queue's Redis is down
    monkeypatch.setattr(django_rq.queues, "get_redis_connection", _unreachable_redis, raising=False)
    post = make_post(author, photos=("Nikon_D70.jpg",))  # no error for the author
    assert "could not be queued" in caplog.text
    assert [p.pk for p in selectors.home_feed(viewer=fan).items] == [post.pk]


def _unreachable_redis(*args, **kwargs):
    return redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)


@pytest.mark.django_db
def test_with_redis_stopped_feeds_explore_search_and_log_in_still_answer(make_user, api, settings, caplog):
    settings.FEED_PULL_THRESHOLD = 2
    author, brand, fan = make_user("author"), make_user("brand"), active(make_user("fan"))
    for who in (fan, make_user("x")):
        social.follow_create(follower=who, target=brand)
    social.follow_create(follower=fan, target=author)
    pushed = make_post(author, caption="harbour lights", photos=("Nikon_D70.jpg",))
    tasks.fan_out_now(post_id=pushed.pk, author_id=author.pk)
    pulled = make_post(brand, caption="harbour sale", photos=("Nikon_D70.jpg",))
    tasks.fan_out_now(post_id=pulled.pk, author_id=brand.pk)
    client = api(fan)
    expected = [pulled.pk, pushed.pk]
    assert [p["id"] for p in client.get("/feed").json()["items"]] == expected
    # Redis stops: the cache, the timelines and the queue all point at nothing.
    dead = "redis://127.0.0.1:1/0"
    with override_settings(CACHES={"default": {**django_settings.CACHES["default"], "LOCATION": dead}},
                           REDIS_URL=dead):
        assert [p["id"] for p in client.get("/feed").json()["items"]] == expected
        found = client.get("/search", {"q": "harbour", "type": "posts"}).json()["items"]
        assert {p["id"] for p in found} == set(expected)
        assert client.get("/explore").status_code == 200
        assert api().post("/auth/token", {"username": "fan", "password": PASSWORD}).status_code == 200
        assert api().post("/auth/token", {"username": "fan", "password": "wrong"}).status_code == 401
    assert "Redis did not answer" in caplog.text
