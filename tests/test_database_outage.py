"""A database that does not answer (a restart, a failover) is a 503 with Retry-After, not a 500.

bench/faults.py restarts PostgreSQL under load; requests in that window used to be
500 server errors with a traceback each. Every other error stays a 500.
"""

import pytest
from django.db import OperationalError, connections
from django.test import Client

from tests.conftest import assert_error


def database_down(monkeypatch, error=None):
    def refuse(*args, **kwargs):
        raise error or OperationalError(
            'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
            "FATAL:  the database system is starting up")

    monkeypatch.setattr(connections["default"], "cursor", refuse)


@pytest.mark.django_db
def test_api_answers_503_with_retry_after_while_the_database_restarts(make_user, api, monkeypatch):
    client = api(make_user("reader"))
    database_down(monkeypatch)
    for response in (client.get("/feed"), client.post("/posts/1/like"), api().get("/accounts/reader")):
        error = assert_error(response, 503, "unavailable")
        assert "try again" in error["message"].lower()
        assert response["Retry-After"] == "5"
        assert "5432" not in response.content.decode()  # nothing about the servers leaks


@pytest.mark.django_db
def test_pages_answer_503_with_retry_after_while_the_database_restarts(make_user, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("reader"))
    database_down(monkeypatch)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Try again in a few seconds" in response.content.decode()


@pytest.mark.django_db
def test_other_errors_are_still_500(make_user, api, monkeypatch):
    reader = make_user("reader")
    client = api(reader)
    page = Client(raise_request_exception=False)
    page.force_login(reader)
    database_down(monkeypatch, RuntimeError("a bug"))
    assert_error(client.get("/feed"), 500, "server_error")
    response = page.get("/")
    assert response.status_code == 500 and "Retry-After" not in response
