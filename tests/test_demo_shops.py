"""The demo's shops (vitrina/demo/shops.py): seeded through the real services by `seed_demo`, once."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Sum

from vitrina.accounts.models import User
from vitrina.demo import shops
from vitrina.demo.management.commands import seed_demo
from vitrina.orders import addresses
from vitrina.orders.models import CartLine, Order, OrderLine, OrderStatus, Payment
from vitrina.posts.models import Post
from vitrina.reviews.models import Review
from vitrina.shop.models import Collection, DeliveryMethod, Product, ProductImage, ProductTag, ProductVariant, Shop
from vitrina.social.models import Follow, FollowRequest

pytestmark = pytest.mark.django_db

EVERY_STATE = {"placed", "confirmed", "paid", "shipped", "delivered", "cancelled"}


def counts() -> dict:
    models = (User, Follow, FollowRequest, Post, Shop, Product, ProductVariant, ProductImage, Collection,
              DeliveryMethod, ProductTag, Order, OrderLine, Payment, CartLine, Review)
    return {model.__name__: model.objects.count() for model in models} | {
        "stock": ProductVariant.objects.aggregate(n=Sum("stock"))["n"]}


def test_seed_demo_opens_a_rouble_and_a_taka_shop_with_tagged_posts_and_orders_in_every_state():
    call_command("seed_demo", verbosity=0)
    assert mail.outbox == []  # the demo orders' status emails are not sent (nobody reads those addresses)
    linen, tea = Shop.objects.get(owner__username="moscow.linen"), Shop.objects.get(owner__username="dhaka.tea")
    assert (linen.currency, tea.currency) == ("RUB", "BDT")
    assert "Москв" in linen.owner.bio
    for shop, script in ((linen, "Ѐ-ӿ"), (tea, "ঀ-\u09ff")):
        products = list(shop.products.filter(status="active"))
        assert len(products) == 6
        # Texts in the shop's language: every title has Cyrillic or Bengali letters.
        low, high = script.split("-")
        assert all(any(low <= ch <= high for ch in p.title) for p in products), [p.title for p in products]
        assert all(p.images.count() >= 1 and p.images.first().files for p in products)
        variants = ProductVariant.objects.filter(shop=shop)
        assert variants.count() >= 10 and variants.filter(stock__gt=0).count() == variants.count()
        assert len({v.sku for v in variants}) == variants.count()
        assert shop.collections.count() == 2
        assert all(c.products.count() == 3 for c in shop.collections.all())
        assert set(shop.delivery_methods.values_list("code", flat=True)) == {"pickup", "courier"}
        assert shop.delivery_methods.get(code="courier").price > 0
        assert any(low <= ch <= high for ch in shop.delivery_methods.get(code="pickup").name)
        assert shop.accepts_cod and shop.accepts_bank_transfer and shop.bank_details
        # Products tagged on the owner's posts, and the post cards carry them.
        tagged = Post.objects.filter(author=shop.owner, product_tag_links__isnull=False).distinct()
        assert tagged.count() == 2
        for post in tagged:
            links = ProductTag.objects.filter(post=post)
            assert {t["product"]["id"] for t in post.product_tags} == set(links.values_list("product_id", flat=True))
            assert all(t["product"]["currency"] == shop.currency for t in post.product_tags)
        # Orders from demo members, one in every state.
        orders = Order.objects.filter(shop=shop)
        assert set(orders.values_list("status", flat=True)) == EVERY_STATE
        assert orders.values("buyer").distinct().count() == 6
        assert all(o.currency == shop.currency and o.lines.exists() and o.events.exists() for o in orders)
        paid = orders.get(status="paid")
        assert paid.payment_method == "bank_transfer"
        assert list(paid.events.values_list("to_status", flat=True)) == ["placed", "confirmed", "paid"]
        shipped = orders.get(status="shipped")
        assert shipped.tracking and shipped.delivery_method == "courier" and shipped.shipping_address["line1"]
        delivered = orders.get(status="delivered")
        assert list(delivered.events.values_list("to_status", flat=True)) == [
            "placed", "confirmed", "shipped", "delivered"]
        assert delivered.created_at < paid.created_at  # the timeline reads as days, oldest first
        # Its buyer reviewed it through the service: the shop's and the product's ratings count it.
        review = Review.objects.get(line__order=delivered)
        assert review.buyer_id == delivered.buyer_id and review.text
        assert (shop.rating_count, shop.rating_total) == (1, review.seller_rating)
        assert (review.product.rating_count, review.product.rating_total) == (1, review.rating)
        cancelled = orders.get(status="cancelled")
        assert cancelled.events.get(to_status="cancelled").actor_id == cancelled.buyer_id
        assert Payment.objects.filter(order__shop=shop).count() == orders.count()
    # Units sold are off the stock, the cancelled order's units are back on it.
    for demo in shops.SHOPS:
        shop = Shop.objects.get(owner__username=demo.owner)
        for product_index, item in enumerate(demo.products):
            for variant_index, (_name, sku, _price, stock) in enumerate(item.variants):
                sold = sum(quantity for order in demo.orders if order.status != OrderStatus.CANCELLED
                           for p, v, quantity in order.lines if (p, v) == (product_index, variant_index))
                assert ProductVariant.objects.get(shop=shop, sku=sku).stock == stock - sold, sku
    assert not CartLine.objects.exists()  # every demo cart was checked out
    assert Order.objects.filter(promo_code__code="LEN10").count() == 1

    before = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == before


def test_a_demo_seeded_before_the_shops_gets_them_and_keeps_what_its_people_did(monkeypatch):
    new = {"moscow.linen", "dhaka.tea"}
    monkeypatch.setattr(seed_demo, "ACCOUNTS", [a for a in seed_demo.ACCOUNTS if a[0] not in new])
    monkeypatch.setattr(shops, "SHOPS", [])
    call_command("seed_demo", verbosity=0)
    assert User.objects.count() == 12 and not Shop.objects.exists()
    anna = User.objects.get(username="anna.petrova")
    Follow.objects.filter(follower=anna, target__username="coffee.corner").delete()  # she unfollowed since
    sam = User.objects.get(username="sam.rivera")
    for i in range(addresses.MAX_ADDRESSES):  # the most anyone may keep: a demo order can't add one
        addresses.address_create(owner=sam, data={"name": "Sam", "line1": f"Street {i}", "city": "Lisbon",
                                                  "country": "PT"})
    requests = FollowRequest.objects.count()
    posts = Post.objects.count()
    monkeypatch.undo()

    call_command("seed_demo", verbosity=0)
    assert User.objects.count() == 14
    assert set(Shop.objects.values_list("owner__username", flat=True)) == new
    assert not Follow.objects.filter(follower=anna, target__username="coffee.corner").exists()
    assert Follow.objects.filter(follower=anna, target__username="moscow.linen").exists()
    assert Follow.objects.filter(follower__username="moscow.linen", target=anna).exists()
    assert FollowRequest.objects.count() == requests
    assert Post.objects.count() == posts + 4  # only the shops' own posts
    # The services refused sam's courier orders (no room for the address): left out, the rest seeded.
    assert not Order.objects.filter(buyer=sam).exists()
    assert Order.objects.count() == sum(len(demo.orders) for demo in shops.SHOPS) - 2
    assert set(Order.objects.values_list("status", flat=True)) == EVERY_STATE
    assert not CartLine.objects.exists()  # the refused orders left nothing in carts either
