"""The client address behind a proxy: the hop the trusted proxy saw, never what the client wrote."""

import pytest
from django.test import Client, RequestFactory

from tests.conftest import PASSWORD, assert_error
from vitrina.core.http import client_ip


def address(settings, forwarded, remote="10.0.0.1", *, trust=True, count=1, proxies=()):
    settings.TRUST_X_FORWARDED_FOR = trust
    settings.TRUSTED_PROXY_COUNT = count
    settings.TRUSTED_PROXIES = list(proxies)
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


@pytest.mark.parametrize("forwarded,expected", [
    (None, "10.0.0.1"),
    ("", "10.0.0.1"),
    ("198.51.100.7", "198.51.100.7"),
    ("1.2.3.4, 198.51.100.7", "198.51.100.7"),  # the client wrote 1.2.3.4; the proxy saw 198.51.100.7
    ("1.2.3.4,5.6.7.8,198.51.100.7", "198.51.100.7"),
    ("not-an-address, 198.51.100.7", "198.51.100.7"),
    ("198.51.100.7, garbage", "10.0.0.1"),  # the proxy never writes junk: do not trust the chain
    ("2001:db8::5", "2001:db8::5"),
    ("[2001:db8::5]:443", "2001:db8::5"),
    ("198.51.100.7:5555", "198.51.100.7"),
])
def test_rightmost_hop_behind_one_proxy(settings, forwarded, expected):
    assert address(settings, forwarded) == expected


def test_forwarded_header_is_ignored_unless_trusted(settings):
    assert address(settings, "1.2.3.4", trust=False) == "10.0.0.1"


def test_two_proxies_skip_the_inner_hop(settings):
    assert address(settings, "1.2.3.4, 203.0.113.5, 10.0.0.2", count=2) == "203.0.113.5"
    # Fewer hops than proxies: the first one is all there is.
    assert address(settings, "203.0.113.5", count=2) == "203.0.113.5"


def test_trusted_networks_are_skipped(settings):
    forwarded = "1.2.3.4, 203.0.113.5, 10.1.1.1, 10.2.2.2"
    assert address(settings, forwarded, proxies=["10.0.0.0/8"]) == "203.0.113.5"
    assert address(settings, "10.1.1.1", proxies=["10.0.0.0/8"]) == "10.1.1.1"


@pytest.mark.django_db
def test_rotating_fake_forwarded_entries_are_still_throttled(make_user, settings):
    settings.TRUST_X_FORWARDED_FOR = True
    make_user("mira")
    proxy = Client(REMOTE_ADDR="10.0.0.1")

    def attempt(fake, password):
        return proxy.post("/api/vitrina/v1/auth/token", {"username": f"guess{fake}", "password": password},
                          content_type="application/json", headers={"X-Forwarded-For": f"6.6.6.{fake}, 198.51.100.7"})

    for fake in range(10):
        assert attempt(fake, "wrong").status_code == 401
    assert_error(attempt(99, "wrong"), 429, "rate_limited")
    # Another real client behind the same proxy is not affected.
    other = proxy.post("/api/vitrina/v1/auth/token", {"username": "mira", "password": PASSWORD},
                       content_type="application/json", headers={"X-Forwarded-For": "198.51.100.8"})
    assert other.status_code == 200
