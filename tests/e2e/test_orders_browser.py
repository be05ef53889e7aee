"""The order pages on a phone, in English, Russian and Bengali: the seller confirms and ships with a tracking
number, the buyer sees the timeline; every control is a tap target, nothing scrolls sideways, axe-core finds
no serious violation. Screenshots land in test-output/screens/<lang>/.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.checkout_helpers import add_address, fill_cart, make_seller, place
from tests.e2e.helpers import log_in
from tests.e2e.test_accessibility import RUN_AXE
from tests.e2e.test_tap_targets import small_targets

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SIDEWAYS = "() => document.documentElement.scrollWidth - window.innerWidth"


def problems_of(page) -> list[str]:
    found = small_targets(page) + page.evaluate(RUN_AXE)
    overflow = page.evaluate(SIDEWAYS)
    if overflow > 0:
        found.append(f"scrolls sideways by {overflow}px")
    return found


@pytest.mark.parametrize("locale", ["en-US", "ru-RU", "bn-BD"])
def test_seller_ships_and_buyer_follows_the_order_on_a_phone(new_context, save_screen, make_user, locale):
    seller, variant = make_seller(make_user, "linen.house", stock=5, display_name="Linen House")
    buyer = make_user("ada")
    address = add_address(buyer)
    fill_cart(buyer, variant, 2)
    order = place(buyer, seller, shipping_address=address.pk, note="Ring twice, please")
    found = {}

    shop = new_context("phone", locale=locale)
    shop.add_init_script(path=str(AXE))
    page = shop.new_page()
    log_in(page, "linen.house")
    page.goto("/shop/orders/")
    expect(page.get_by_test_id("order-row")).to_have_count(1)
    found["shop orders"] = problems_of(page)
    save_screen(page, "orders-seller-list")
    page.get_by_test_id("order-row").locator("a").click()
    page.get_by_test_id("transition-confirmed").click()
    expect(page.get_by_test_id("order-status")).to_have_attribute("class", "order-status status-confirmed")
    page.locator("input[name=tracking]").fill("RA123456789RU")
    found["seller order"] = problems_of(page)
    save_screen(page, "orders-seller-order")
    page.get_by_test_id("transition-shipped").click()
    expect(page.get_by_test_id("order-tracking")).to_contain_text("RA123456789RU")
    page.goto(f"/shop/orders/{order.number}/slip/")
    found["slip"] = problems_of(page)
    save_screen(page, "orders-slip")

    customer = new_context("phone", locale=locale)
    customer.add_init_script(path=str(AXE))
    page = customer.new_page()
    log_in(page, "ada")
    page.goto("/orders/")
    found["my orders"] = problems_of(page)
    save_screen(page, "orders-buyer-list")
    page.get_by_test_id("order-row").locator("a").click()
    expect(page.get_by_test_id("timeline-step")).to_have_count(3)
    expect(page.get_by_test_id("order-tracking")).to_contain_text("RA123456789RU")
    expect(page.get_by_test_id("cancel-order")).to_have_count(0)
    found["order"] = problems_of(page)
    save_screen(page, "orders-buyer-order")

    found = {name: problems for name, problems in found.items() if problems}
    assert not found, "\n".join(f"{name}: {problems}" for name, problems in found.items())


def test_buyer_cancels_through_the_sheet(new_context, make_user):
    seller, variant = make_seller(make_user, "linen.house", stock=5)
    buyer = make_user("ada")
    fill_cart(buyer, variant, 1)
    order = place(buyer, seller)
    page = new_context("phone").new_page()
    log_in(page, "ada")
    page.goto(order.get_absolute_url())
    sheet = page.get_by_test_id("cancel-order")
    sheet.locator("summary").click()
    page.get_by_test_id("cancel-confirm").click()
    expect(page.get_by_test_id("order-status")).to_have_attribute("class", "order-status status-cancelled")
    expect(page.get_by_test_id("cancel-order")).to_have_count(0)
