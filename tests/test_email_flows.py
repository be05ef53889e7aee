"""Confirming the address at sign-up (with a banner until done) and changing it through the new mailbox."""

from django.core import mail, signing
from freezegun import freeze_time

from tests.conftest import PASSWORD, assert_error
from tests.mail_helpers import link_path, outbox_to, sending  # noqa: F401
from vitrina.accounts import mail as account_mail
from vitrina.accounts.models import User

SIGNUP = {"username": "mira", "email": "mira@example.com", "password": PASSWORD, "account_type": "personal"}


def token_of(message):
    return link_path(message).rstrip("/").rsplit("/", 1)[1]


def test_api_signup_sends_a_confirmation_link(api, sending):
    with sending():
        response = api().post("/auth/signup", SIGNUP)
    assert response.status_code == 201
    assert response.json()["account"]["email_verified"] is False
    me = api()
    me.token = response.json()["token"]
    [message] = outbox_to("mira@example.com")
    assert link_path(message).startswith("/accounts/email/verify/")

    assert api().post("/auth/email/verify", {"token": token_of(message)}).status_code == 204
    assert me.get("/me").json()["email_verified"] is True
    assert User.objects.get(username="mira").has_verified_email
    # Spent: a second use is refused.
    assert_error(api().post("/auth/email/verify", {"token": token_of(message)}), 422, code="invalid_token")


def test_page_signup_shows_a_banner_until_the_link_is_opened(db, client, sending):
    with sending():
        response = client.post("/accounts/signup/", {**SIGNUP, "display_name": ""})
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert 'data-testid="verify-banner"' in home and "mira@example.com" in home
    [message] = mail.outbox
    path = link_path(message)
    # Opening the link (GET) changes nothing: mail scanners fetch links too.
    assert client.get(path).status_code == 200
    assert not User.objects.get(username="mira").has_verified_email
    assert client.post(path).status_code == 302
    assert User.objects.get(username="mira").has_verified_email
    assert 'data-testid="verify-banner"' not in client.get("/").content.decode()
    assert client.post(path).status_code == 400  # used


def test_unverified_members_can_use_the_network(api, make_user):
    mira, noor = make_user("mira"), make_user("noor")
    assert not mira.has_verified_email
    assert api(mira).post("/accounts/noor/follow").status_code == 200
    assert api(mira).patch("/me", {"bio": "hello"}).status_code == 200


def test_resend_is_throttled_per_account(api, client, make_user, settings, sending):
    settings.ACCOUNT_EMAIL_LIMIT = 2
    mira = make_user("mira")
    with sending():
        answers = [api(mira).post("/me/email/verification") for _ in range(3)]
    assert [a.status_code for a in answers] == [202, 202, 429]
    assert int(answers[2]["Retry-After"]) > 0
    assert len(mail.outbox) == 2
    client.force_login(mira)
    page = client.post("/accounts/email/resend/", {"next": "/explore/"}, follow=True)
    assert page.redirect_chain[0][0] == "/explore/"
    assert len(mail.outbox) == 2
    assert "Try again later" in page.content.decode()


def test_resend_page_sends_a_fresh_link(client, make_user, sending):
    mira = make_user("mira")
    client.force_login(mira)
    with sending():
        assert client.post("/accounts/email/resend/").status_code == 302
    [message] = mail.outbox
    assert client.post(link_path(message)).status_code == 302
    mira.refresh_from_db()
    assert mira.has_verified_email


def test_bad_expired_and_foreign_confirmation_tokens_are_refused(api, make_user, settings):
    settings.EMAIL_LINK_MAX_AGE = 3600
    mira = make_user("mira")
    with freeze_time("2026-05-01 10:00"):
        old = account_mail.verify_token(mira)
    change = account_mail.change_token(mira, "new@example.com")
    forged = signing.dumps({"u": mira.pk, "e": mira.email}, salt="something else")
    huge = signing.dumps({"u": 10**30, "e": mira.email}, salt=account_mail.VERIFY_SALT)
    not_a_dict = signing.dumps([1, 2], salt=account_mail.VERIFY_SALT)
    for token in (old, change, forged, huge, not_a_dict, "garbage", ""):
        assert_error(api().post("/auth/email/verify", {"token": token}), 422, code="invalid_token")
    mira.refresh_from_db()
    assert not mira.has_verified_email


def test_change_of_address_happens_only_from_the_new_mailbox(api, make_user, sending):
    mira = make_user("mira")
    with sending():
        response = api(mira).post("/me/email", {"email": "mira@new.example", "password": PASSWORD})
    assert response.status_code == 202
    [confirm] = outbox_to("mira@new.example")
    [notice] = outbox_to("mira@example.com")
    assert "/accounts/email/confirm/" in confirm.body and "/accounts/email/confirm/" not in notice.body
    mira.refresh_from_db()
    assert mira.email == "mira@example.com"  # the old address stays until confirmed

    assert api().post("/auth/email/confirm", {"token": token_of(confirm)}).status_code == 204
    mira.refresh_from_db()
    assert (mira.email, mira.has_verified_email) == ("mira@new.example", True)
    assert_error(api().post("/auth/email/confirm", {"token": token_of(confirm)}), 422, code="invalid_token")


def test_confirming_one_change_spends_the_other_links(api, make_user, sending):
    mira = make_user("mira")
    with sending():
        api(mira).post("/me/email", {"email": "a@new.example", "password": PASSWORD})
        api(mira).post("/me/email", {"email": "b@new.example", "password": PASSWORD})
    [to_a], [to_b] = outbox_to("a@new.example"), outbox_to("b@new.example")
    assert api().post("/auth/email/confirm", {"token": token_of(to_b)}).status_code == 204
    assert_error(api().post("/auth/email/confirm", {"token": token_of(to_a)}), 422, code="invalid_token")
    mira.refresh_from_db()
    assert mira.email == "b@new.example"


def test_change_request_checks_password_and_address(api, make_user, sending):
    mira = make_user("mira")
    with sending():
        assert_error(api(mira).post("/me/email", {"email": "m@new.example", "password": "wrong"}), 422,
                     field="password")
        assert_error(api(mira).post("/me/email", {"email": "not an address", "password": PASSWORD}), 422,
                     field="email")
        assert_error(api(mira).post("/me/email", {"email": "mira@example.com", "password": PASSWORD}), 422,
                     field="email")
        assert_error(api().post("/me/email", {"email": "m@new.example", "password": PASSWORD}), 401)
    assert mail.outbox == []


def test_change_requests_are_throttled(api, make_user, settings):
    settings.ACCOUNT_EMAIL_LIMIT = 2
    mira = make_user("mira")
    codes = [api(mira).post("/me/email", {"email": f"m{n}@new.example", "password": PASSWORD}).status_code
             for n in range(3)]
    assert codes == [202, 202, 429]


def test_expired_change_link_is_refused(api, make_user, settings):
    settings.EMAIL_LINK_MAX_AGE = 3600
    mira = make_user("mira")
    with freeze_time("2026-05-01 10:00"):
        token = account_mail.change_token(mira, "m@new.example")
    with freeze_time("2026-05-01 11:01"):
        assert_error(api().post("/auth/email/confirm", {"token": token}), 422, code="invalid_token")
    mira.refresh_from_db()
    assert mira.email == "mira@example.com"


def test_patch_me_cannot_change_the_address_directly(api, make_user):
    mira = make_user("mira")
    assert_error(api(mira).patch("/me", {"email": "x@new.example"}), 422, field="email")
    assert api(mira).patch("/me", {"email": "mira@example.com", "bio": "same address"}).status_code == 200
    mira.refresh_from_db()
    assert (mira.email, mira.bio) == ("mira@example.com", "same address")


def test_change_of_address_through_pages(client, make_user, sending):
    mira = make_user("mira")
    client.force_login(mira)
    assert 'href="/accounts/email/"' in client.get("/accounts/settings/account/").content.decode()
    assert client.get("/accounts/email/").status_code == 200
    assert client.post("/accounts/email/", {"email": "m@new.example", "password": "wrong"}).status_code == 422
    with sending():
        response = client.post("/accounts/email/", {"email": "m@new.example", "password": PASSWORD})
    assert response.status_code == 302
    [confirm] = outbox_to("m@new.example")
    path = link_path(confirm)
    assert client.get(path).status_code == 200
    mira.refresh_from_db()
    assert mira.email == "mira@example.com"
    assert client.post(path).status_code == 302
    mira.refresh_from_db()
    assert mira.email == "m@new.example"
    assert client.post(path).status_code == 400


def test_confirmation_emails_are_in_the_language_of_the_request(api, make_user, sending):
    mira = make_user("mira")
    with sending():
        api(mira).post("/me/email/verification", headers={"Accept-Language": "bn"})
        api(mira).post("/me/email", {"email": "m@new.example", "password": PASSWORD},
                       headers={"Accept-Language": "ru"})
    verify, confirm, notice = mail.outbox
    assert verify.subject == "Vitrina-তে আপনার ইমেল ঠিকানা নিশ্চিত করুন"
    assert confirm.subject == "Подтвердите новый адрес электронной почты в Vitrina"
    assert "Здравствуйте, @mira" in notice.body
