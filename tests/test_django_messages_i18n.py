"""Django's own messages that members see are translated (Django's Bengali catalog lacks many)."""

from datetime import timedelta

import pytest
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone, translation

from tests.conftest import assert_error

EXPECTED = {
    "bn": ["এই পাসওয়ার্ডটি খুব ছোট। এতে অন্তত 8 টি অক্ষর থাকতে হবে।",
           "এই পাসওয়ার্ডটি খুবই সাধারণ।", "এই পাসওয়ার্ডটি শুধু সংখ্যা দিয়ে তৈরি।"],
    "ru": ["Введённый пароль слишком короткий. Он должен состоять из как минимум 8 символов.",
           "Введённый пароль слишком широко распространён.", "Введённый пароль состоит только из цифр."],
}
REQUIRED = {"bn": "এই ফিল্ডটি পূরণ করা আবশ্যক।", "ru": "Это обязательное поле."}
SIMILAR = {"bn": "পাসওয়ার্ডটি ইউজারনেম-এর সঙ্গে খুব বেশি মিলে যায়।", "ru": "Введённый пароль слишком похож на"}
TOO_LONG = {"bn": "এখানে সর্বোচ্চ 64 টি অক্ষর থাকতে পারে", "ru": "Убедитесь, что это значение содержит не более 64"}


@pytest.mark.parametrize("language", ["bn", "ru"])
def test_signup_page_with_short_common_numeric_password(client, db, language):
    form = {"username": "mira", "email": "mira@example.com", "password": "1234567", "account_type": "personal"}
    page = client.post("/accounts/signup/", form, headers={"Accept-Language": language}).content.decode()
    for message in EXPECTED[language]:
        assert message in page
    similar = client.post("/accounts/signup/", {**form, "username": "mira12345", "password": "mira12345"},
                          headers={"Accept-Language": language}).content.decode()
    assert SIMILAR[language] in similar


@pytest.mark.parametrize("language", ["bn", "ru"])
def test_signup_api_password_messages(api, language):
    body = {"username": "mira", "email": "mira@example.com", "password": "1234567"}
    error = assert_error(api().post("/auth/signup", body, headers={"Accept-Language": language}), 422,
                         field="password")
    assert error["fields"]["password"] == EXPECTED[language]


@pytest.mark.parametrize("language", ["bn", "ru"])
def test_form_errors_are_translated(client, db, language):
    page = client.post("/accounts/signup/", {"username": "x" * 65},
                       headers={"Accept-Language": language}).content.decode()
    assert REQUIRED[language] in page
    assert TOO_LONG[language] in page


def test_post_ages_are_bengali():
    with translation.override("bn"):
        assert naturaltime(timezone.now() - timedelta(days=3, hours=1)) == "3\xa0দিন, 1\xa0ঘণ্টা আগে"


@pytest.mark.parametrize(("language", "expected"), [("bn", "5 মিনিট"), ("ru", "5 минут"), ("bn", "2 দিন")])
def test_security_page_says_when_a_session_was_last_used_in_the_member_language(make_user, language, expected):
    # Settings -> Security uses Django's timesince, whose strings carry no context and which
    # Django's Bengali catalog lacks ("5 minutes" stayed English there).
    from django.test import Client

    from vitrina.accounts.models import BrowserSession

    mira = make_user("mira")
    client, phone = Client(), Client()
    for browser in (client, phone):
        browser.post("/accounts/login/", {"username": mira.username, "password": "long enough passphrase 42"})
    # The phone's session, last used a while ago (the page's own session is touched by the request).
    minutes = 5 if "5" in expected else 2 * 24 * 60 + 5
    phone_session = BrowserSession.objects.order_by("-pk").first()
    BrowserSession.objects.filter(pk=phone_session.pk).update(last_used_at=timezone.now() - timedelta(minutes=minutes))
    page = client.get("/accounts/security/", headers={"Accept-Language": language}).content.decode()
    assert expected.replace(" ", "\xa0") in page  # timesince keeps number and unit together
