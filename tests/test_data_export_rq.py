"""The export task on RQ, and with the queue down: run in the PostgreSQL + Redis pass."""

import django_rq
import pytest
import redis
from django.conf import settings as django_settings
from django_tasks_rq import Job
from rq import SimpleWorker

from tests.posts_helpers import make_post
from vitrina.lifecycle.models import DataExport

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _rq(settings):
    assert django_settings.REDIS_URL, "run with REDIS_URL set (scripts/test.sh does)"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def test_export_is_built_by_an_rq_worker(make_user, api):
    queue = django_rq.get_queue("default")
    queue.empty()
    mira = make_user("mira")
    make_post(mira, caption="hello")
    queue.empty()  # the post's fan-out is not what this test is about
    client = api(mira)
    assert client.post("/me/export").json()["status"] == "pending"
    assert client.post("/me/export").json()["status"] == "pending"  # the same one, not a second
    assert queue.count == 1 and DataExport.objects.count() == 1
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    status = client.get("/me/export").json()
    assert status["status"] == "ready" and status["url"]


def test_export_is_built_in_the_request_while_the_queue_is_down(make_user, api, settings, monkeypatch, caplog):
    mira = make_user("mira")
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}
    monkeypatch.setattr(django_rq.queues, "get_redis_connection",
                        lambda *a, **k: redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2),
                        raising=False)
    response = api(mira).post("/me/export")
    assert response.status_code == 202 and response.json()["status"] == "ready"
    assert "could not be queued" in caplog.text
