"""The catalog's pages on a 390 px phone in English, Russian and Bengali: nothing scrolls sideways, every
control is a tap target, one h1, no serious axe-core violation; a buyer picks a variant and adds it to the
cart without leaving the page."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in
from tests.e2e.test_accessibility import AXE, violations
from tests.e2e.test_tap_targets import small_targets
from tests.posts_helpers import photo
from vitrina.shop import collections, photos, services
from vitrina.social.services import follow_create

pytestmark = pytest.mark.django_db(transaction=True)


def fits(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("locale", ["en-US", "ru-RU", "bn-BD"])
def test_shop_pages_on_a_phone(new_context, save_screen, make_user, locale):
    seller = make_user("linen.house", account_type="business", display_name="Linen House")
    buyer = make_user("buyer")
    product = services.product_create(owner=seller, title="Washed linen shirt with a long title", currency="RUB",
                                      description="Soft, pre-washed linen.\nMade in Kostroma.", variants=[
                                          {"name": "S", "sku": "S1", "price": "4200", "stock": 12},
                                          {"name": "M", "sku": "M1", "price": "4500", "stock": 2},
                                          {"name": "L", "sku": "L1", "price": "4500", "stock": 0}])
    photos.product_images_add(product=product, editor=seller, uploads=[photo("Canon_40D.jpg"), photo("Nikon_D70.jpg")])
    other = services.product_create(owner=seller, title="Apron", currency="RUB",
                                    variants=[{"name": "", "sku": "A1", "price": "990", "stock": 5}])
    collections.collection_create(owner=seller, title="Shirts", product_ids=[product.pk])
    follow_create(follower=buyer, target=seller)

    buyer_context = new_context("phone", locale=locale)
    buyer_context.add_init_script(path=str(AXE))
    page = buyer_context.new_page()
    log_in(page, "buyer")
    problems = {}
    for name, path in [("product", product.get_absolute_url()), ("shop-tab", f"/{seller.username}/shop/"),
                       ("shop-nav", "/shop/")]:
        page.goto(path)
        problems[name] = small_targets(page) + ([] if fits(page) else ["scrolls sideways"]) + violations(page)
        save_screen(page, f"catalog-{name}")

    page.goto(product.get_absolute_url())
    page.get_by_test_id("variant").nth(1).click()
    page.get_by_test_id("add-to-cart").click()
    expect(page.get_by_test_id("cart-added")).to_be_visible()
    assert page.url.endswith(product.get_absolute_url())
    save_screen(page, "catalog-product-added")

    owner_context = new_context("phone", locale=locale)
    owner_context.add_init_script(path=str(AXE))
    owner = owner_context.new_page()
    log_in(owner, seller.username)
    for name, path in [("manage", "/shop/manage/"), ("manage-new", "/shop/manage/products/new/"),
                       ("manage-edit", f"/shop/manage/products/{product.pk}/"),
                       ("manage-collections", "/shop/manage/collections/"),
                       ("owner-product", other.get_absolute_url())]:
        owner.goto(path)
        problems[name] = small_targets(owner) + ([] if fits(owner) else ["scrolls sideways"]) + violations(owner)
        save_screen(owner, f"catalog-{name}")
    problems = {name: found for name, found in problems.items() if found}
    assert not problems, problems
