"""End-to-end on a phone: confirm the address from the banner, then forget the password and reset it."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.mail_helpers import link_path

NEW_PASSWORD = "tea by the window 2026"


def test_confirm_email_and_reset_password_on_a_phone(new_context, db, output_dir):
    page = new_context("phone").new_page()
    page.goto("/accounts/signup/")
    form = page.get_by_test_id("signup-form")
    form.get_by_label("Username").fill("tara.b")
    form.get_by_label("Email").fill("tara@example.com")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Sign up").click()
    banner = page.get_by_test_id("verify-banner")
    expect(banner).to_contain_text("tara@example.com")
    page.screenshot(path=str(output_dir / "account-email-banner-phone.png"))

    banner.get_by_role("button", name="Send it again").click()
    expect(page.get_by_text("A confirmation link is on its way")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["tara@example.com"], ["tara@example.com"]]
    page.goto(link_path(mail.outbox[-1]))
    page.get_by_test_id("confirm-email").click()
    expect(page.get_by_text("Your email address is confirmed.")).to_be_visible()
    expect(page.get_by_test_id("verify-banner")).to_have_count(0)
    page.screenshot(path=str(output_dir / "account-email-confirmed-phone.png"))

    page.goto("/tara.b/")
    page.get_by_role("button", name="Log out").click()
    page.get_by_test_id("forgot-password").click()
    page.get_by_label("Email").fill("tara@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(link_path(mail.outbox[-1]))
    expect(page).to_have_url(re.compile(r"/set-password/$"))
    page.locator("#id_new_password").fill(NEW_PASSWORD)
    page.locator("#id_new_password_again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    form = page.get_by_test_id("login-form")
    form.get_by_label("Username").fill("tara.b")
    form.get_by_label("Password").fill(NEW_PASSWORD)
    form.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("nav-profile")).to_have_attribute("href", "/tara.b/")
