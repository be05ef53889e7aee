"""The whole purchase on a phone, once per language: a buyer taps a product tagged on a photo, opens the product,
adds it to the cart, checks out in the bottom sheet with cash on delivery; the shop confirms, ships with a tracking
number and marks it delivered; the buyer sees the timeline and reviews the product, which the product page then
shows. Screenshots of each step go to test-output/screens/<language>/shop-flow-*.png.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in
from tests.posts_helpers import photo
from tests.shop_tags_helpers import make_product, tagged_post
from vitrina.orders.models import Order, OrderEvent
from vitrina.reviews.models import Review
from vitrina.shop.models import Product, ProductVariant
from vitrina.shop.photos import product_images_add

pytestmark = pytest.mark.django_db(transaction=True)

STATUS_CLASS = "order-status status-{}"


@pytest.mark.parametrize("locale", ["en-US", "ru-RU", "bn-BD"])
def test_from_a_tagged_photo_to_a_delivered_reviewed_order(new_context, save_screen, make_user, locale):
    seller = make_user("linen.house", account_type="business", display_name="Linen House")
    product = make_product(seller, "Linen shirt", price="2490", stock=3)
    product_images_add(product=product, editor=seller, uploads=[photo("Canon_40D.jpg")])
    post = tagged_post(seller, [product], points=[(0.4, 0.55)])
    make_user("ada")
    variant = ProductVariant.objects.get(product=product)

    # The buyer: photo → tag → product → cart → checkout in the sheet.
    buyer = new_context("phone", locale=locale).new_page()
    log_in(buyer, "ada")
    buyer.goto(post.get_absolute_url())
    buyer.get_by_test_id("photo-tags-button").first.click()
    dot = buyer.get_by_test_id("tag-dot").first
    expect(dot).to_be_visible()
    save_screen(buyer, "shop-flow-1-tagged-photo")
    dot.click()
    expect(buyer.get_by_test_id("product-page")).to_be_visible()
    expect(buyer.get_by_test_id("product-carousel").locator("img").first).to_be_visible()
    save_screen(buyer, "shop-flow-2-product")
    buyer.get_by_test_id("add-to-cart").click()
    expect(buyer.get_by_test_id("cart-added")).to_be_visible()
    expect(buyer.get_by_test_id("cart-badge")).to_have_text("1")
    buyer.get_by_test_id("cart-link").click()
    expect(buyer.get_by_test_id("cart-line")).to_have_count(1)
    buyer.get_by_test_id("checkout-open").click()
    sheet = buyer.get_by_test_id("checkout-sheet")
    sheet.locator("input[name=payment_method][value=cod]").check()
    expect(sheet.locator("input[name=delivery_method][value=pickup]")).to_be_checked()
    save_screen(buyer, "shop-flow-3-checkout-sheet")
    sheet.get_by_test_id("place-order").click()
    expect(buyer.get_by_test_id("order-page")).to_be_visible()
    expect(buyer.get_by_test_id("order-status")).to_have_attribute("class", STATUS_CLASS.format("placed"))
    save_screen(buyer, "shop-flow-4-order-placed")
    order = Order.objects.get(buyer__username="ada")
    assert (order.payment_method, order.total, ProductVariant.objects.get(pk=variant.pk).stock) == ("cod", 2490, 2)

    # The shop: confirms, ships with a tracking number, marks it delivered.
    shop = new_context("phone", locale=locale).new_page()
    log_in(shop, "linen.house")
    shop.goto("/shop/orders/")
    shop.get_by_test_id("order-row").locator("a").click()
    shop.get_by_test_id("transition-confirmed").click()
    expect(shop.get_by_test_id("order-status")).to_have_attribute("class", STATUS_CLASS.format("confirmed"))
    shop.locator("input[name=tracking]").fill("RA123456789RU")
    save_screen(shop, "shop-flow-5-seller-order")
    shop.get_by_test_id("transition-shipped").click()
    expect(shop.get_by_test_id("order-tracking")).to_contain_text("RA123456789RU")
    shop.get_by_test_id("transition-delivered").click()
    expect(shop.get_by_test_id("order-status")).to_have_attribute("class", STATUS_CLASS.format("delivered"))

    # The buyer: the timeline, then a review, which the product page shows.
    buyer.reload()
    expect(buyer.get_by_test_id("timeline-step")).to_have_count(4)
    expect(buyer.get_by_test_id("order-tracking")).to_contain_text("RA123456789RU")
    form = buyer.get_by_test_id("review-form")
    form.locator("label:has(input[name=rating][value='5'])").click()
    form.locator("label:has(input[name=seller_rating][value='4'])").click()
    form.locator("textarea[name=text]").fill("Soft linen, quick delivery.")
    save_screen(buyer, "shop-flow-6-review-form")
    form.get_by_test_id("review-submit").click()
    expect(buyer.get_by_test_id("review").first).to_contain_text("Soft linen, quick delivery.")
    expect(buyer.get_by_test_id("review-form")).to_have_count(0)
    save_screen(buyer, "shop-flow-7-reviewed")
    buyer.goto(product.get_absolute_url())
    expect(buyer.get_by_test_id("product-reviews").get_by_test_id("review")).to_contain_text("Soft linen")
    save_screen(buyer, "shop-flow-8-product-with-review")

    assert list(OrderEvent.objects.filter(order=order).values_list("to_status", flat=True)) == [
        "placed", "confirmed", "shipped", "delivered"]
    review = Review.objects.get()
    assert (review.rating, review.seller_rating, review.buyer.username) == (5, 4, "ada")
    product = Product.objects.select_related("shop").get(pk=product.pk)
    assert (product.rating_total, product.rating_count, product.shop.rating_total, product.shop.rating_count) == (
        5, 1, 4, 1)
