"""Forgot password: a reset link by email, page and API, throttled, the same answer for any address."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from freezegun import freeze_time

from tests.conftest import PASSWORD, assert_error
from tests.mail_helpers import link_path, sending  # noqa: F401
from vitrina.accounts import services
from vitrina.accounts.models import ApiToken, User
from vitrina.core.errors import Unauthenticated

NEW_PASSWORD = "a brand new passphrase 77"
CSRF = re.compile(r'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"')


def reset_link(message):
    _, _, _, _, uid, token, _ = link_path(message).split("/")
    return uid, token


def can_log_in(username, password):
    try:
        services.login_check(username=username, password=password, ip="10.0.0.1")
    except Unauthenticated:
        return False
    return True


def test_reset_through_the_api_sets_the_password_and_ends_every_token(api, make_user, sending):
    user = make_user("mira")
    old_client = api(user)
    assert old_client.get("/me").status_code == 200
    with sending():
        response = api().post("/auth/password-reset", {"email": "  MIRA@example.com "})
    assert response.status_code == 202
    [message] = mail.outbox
    assert message.to == ["mira@example.com"] and "@mira" in message.body
    assert message.content_subtype == "plain" and not getattr(message, "alternatives", None)
    uid, token = reset_link(message)

    response = api().post("/auth/password-reset/confirm", {"uid": uid, "token": token, "new_password": NEW_PASSWORD})
    assert response.status_code == 204
    assert can_log_in("mira", NEW_PASSWORD) and not can_log_in("mira", PASSWORD)
    assert old_client.get("/me").status_code == 401
    assert not ApiToken.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert user.has_verified_email  # the link reached the address

    # The link is spent: the password hash it was made from is gone.
    again = api().post("/auth/password-reset/confirm",
                       {"uid": uid, "token": token, "new_password": "another one 12345"})
    assert_error(again, 422, code="invalid_token", field="token")
    assert can_log_in("mira", NEW_PASSWORD)


def test_reset_through_pages_logs_out_open_sessions(client, make_user, sending):
    user = make_user("mira")
    elsewhere = Client()
    elsewhere.force_login(user)
    assert elsewhere.get("/accounts/edit/").status_code == 200
    assert 'href="/accounts/password/reset/"' in client.get("/accounts/login/").content.decode()

    with sending():
        response = client.post("/accounts/password/reset/", {"email": "mira@example.com"})
    assert response.status_code == 200
    [message] = mail.outbox
    path = link_path(message)
    uid, token = reset_link(message)

    response = client.get(path)
    # The token leaves the address bar (and any Referer) before the form is shown.
    assert response.status_code == 302 and token not in response["Location"]
    form_url = response["Location"]
    assert client.get(form_url).status_code == 200
    mismatch = client.post(form_url, {"new_password": NEW_PASSWORD, "new_password_again": "other"})
    assert mismatch.status_code == 422
    weak = client.post(form_url, {"new_password": "12345678", "new_password_again": "12345678"})
    assert weak.status_code == 422
    assert can_log_in("mira", PASSWORD)

    done = client.post(form_url, {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/accounts/login/"
    assert can_log_in("mira", NEW_PASSWORD)
    assert elsewhere.get("/accounts/edit/").status_code == 302  # the old session ended
    assert client.get(path).status_code == 400  # used


def test_the_answer_is_the_same_for_an_unknown_address(api, client, make_user, sending):
    make_user("mira")
    with sending():
        known = api().post("/auth/password-reset", {"email": "mira@example.com"})
        unknown = api().post("/auth/password-reset", {"email": "nobody@example.com"})
        known_page = client.post("/accounts/password/reset/", {"email": "mira@example.com"})
        unknown_page = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert known_page.status_code == unknown_page.status_code == 200
    assert CSRF.sub("", known_page.content.decode()) == CSRF.sub("", unknown_page.content.decode())
    assert [m.to for m in mail.outbox] == [["mira@example.com"], ["mira@example.com"]]


def test_suspended_accounts_get_no_reset_email(api, make_user, sending):
    user = make_user("mira")
    services.user_suspend(user=user)
    with sending():
        assert api().post("/auth/password-reset", {"email": "mira@example.com"}).status_code == 202
    assert mail.outbox == []


def other_uid(user):
    return urlsafe_base64_encode(force_bytes(user.pk))


@pytest.mark.parametrize("case", ["garbage", "other_uid", "huge_uid", "bad_base64", "empty", "tampered"])
def test_bad_reset_links_are_refused_and_change_nothing(api, client, make_user, case):
    mira, noor = make_user("mira"), make_user("noor")
    token = default_token_generator.make_token(mira)
    uid, token = {
        "garbage": (other_uid(mira), "nope-nope"),
        "other_uid": (other_uid(noor), token),  # mira's token on noor's account
        "huge_uid": (urlsafe_base64_encode(b"9" * 40), token),
        "bad_base64": ("!!!", token),
        "empty": ("", ""),
        "tampered": (other_uid(mira), token[:-1] + ("0" if token[-1] != "0" else "1")),
    }[case]
    before = dict(User.objects.values_list("username", "password"))
    response = api().post("/auth/password-reset/confirm", {"uid": uid, "token": token, "new_password": NEW_PASSWORD})
    assert_error(response, 422, code="invalid_token", field="token")
    if uid and token:
        assert client.get(f"/accounts/password/reset/{uid}/{token}/").status_code == 400
    assert dict(User.objects.values_list("username", "password")) == before


def test_reset_link_expires(api, make_user, settings, sending):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    make_user("mira")
    with freeze_time("2026-05-01 10:00"):
        with sending():
            api().post("/auth/password-reset", {"email": "mira@example.com"})
    uid, token = reset_link(mail.outbox[0])
    with freeze_time("2026-05-01 11:01"):
        response = api().post("/auth/password-reset/confirm",
                              {"uid": uid, "token": token, "new_password": NEW_PASSWORD})
    assert_error(response, 422, code="invalid_token")
    assert can_log_in("mira", PASSWORD)


def test_weak_new_password_is_refused_and_the_link_still_works(api, make_user, sending):
    make_user("mira")
    with sending():
        api().post("/auth/password-reset", {"email": "mira@example.com"})
    uid, token = reset_link(mail.outbox[0])
    weak = api().post("/auth/password-reset/confirm", {"uid": uid, "token": token, "new_password": "123"})
    assert_error(weak, 422, field="new_password")
    ok = api().post("/auth/password-reset/confirm", {"uid": uid, "token": token, "new_password": NEW_PASSWORD})
    assert ok.status_code == 204


def test_invalid_address_is_422(api):
    assert_error(api().post("/auth/password-reset", {"email": "not an address"}), 422, field="email")


def reset_from(api, email, ip):
    return api().client.post("/api/vitrina/v1/auth/password-reset", {"email": email},
                             content_type="application/json", REMOTE_ADDR=ip)


def test_requests_are_throttled_per_address_known_or_not(api, make_user, settings, sending):
    settings.ACCOUNT_EMAIL_LIMIT = 2
    make_user("mira")
    for address in ("mira@example.com", "nobody@example.com"):
        with sending():
            answers = [reset_from(api, address, ip=f"10.0.0.{n}") for n in range(3)]
        assert [a.status_code for a in answers] == [202, 202, 429]
        assert int(answers[2]["Retry-After"]) > 0
        assert_error(answers[2], 429, code="rate_limited")
    assert len(mail.outbox) == 2  # the refused request sent nothing


def test_requests_are_throttled_per_ip(api, settings):
    settings.ACCOUNT_EMAIL_IP_LIMIT = 3
    answers = [reset_from(api, f"n{n}@example.com", ip="10.0.0.9").status_code for n in range(4)]
    assert answers == [202, 202, 202, 429]
    assert reset_from(api, "n9@example.com", ip="10.0.0.10").status_code == 202


def test_reset_page_is_throttled_too(db, client, settings):
    settings.ACCOUNT_EMAIL_LIMIT = 1
    assert client.post("/accounts/password/reset/", {"email": "x@example.com"}).status_code == 200
    refused = client.post("/accounts/password/reset/", {"email": "x@example.com"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_reset_email_is_in_the_language_of_the_request(api, make_user, sending):
    make_user("mira")
    with sending():
        api().post("/auth/password-reset", {"email": "mira@example.com"}, headers={"Accept-Language": "bn"})
        api().post("/auth/password-reset", {"email": "mira@example.com"}, headers={"Accept-Language": "ru"})
    bn, ru = mail.outbox
    assert bn.subject == "আপনার Vitrina পাসওয়ার্ড রিসেট করুন" and "নমস্কার @mira" in bn.body
    assert ru.subject == "Сброс пароля Vitrina" and "Здравствуйте, @mira" in ru.body
