"""The tags' snapshot on posts (Post.product_tags) and the cached post cards: a product renamed,
repriced, archived or sold out shows correctly at once in GET /posts/{id}, GET /feed and the
post page, each read with its cache warm first."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.posts_helpers import make_post
from tests.shop_tags_helpers import make_product, product_change, tagged_post
from vitrina.posts.models import Post
from vitrina.shop import money, tags
from vitrina.shop.models import ProductVariant
from vitrina.social import services as social

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    owner = make_user("linen.store", account_type="business", category="clothing")
    reader = make_user("reader")
    social.follow_create(follower=reader, target=owner)
    shirt = make_product(owner, "Linen shirt", price="1500", stock=3)
    scarf = make_product(owner, "Silk scarf", price="900", stock=1)
    post = tagged_post(owner, [shirt, scarf], points=[(0.25, 0.4), (0.75, 0.8)])
    return {"owner": owner, "reader": reader, "shirt": shirt, "scarf": scarf, "post": post}


def shown(api, page_client, world) -> dict:
    """What each surface shows of the post's tags, read as the follower."""
    post_id = world["post"].pk
    api_tags = api(world["reader"]).get(f"/posts/{post_id}").json()["product_tags"]
    feed = api(world["reader"]).get("/feed").json()["items"]
    feed_tags = next(item["product_tags"] for item in feed if item["id"] == post_id)
    page = page_client(world["reader"]).get(f"/p/{post_id}/").content.decode()
    home = page_client(world["reader"]).get("/").content.decode()
    return {"api": api_tags, "feed": feed_tags, "page": page, "home": home}


def product_of(tags_shown, product):
    return next((tag["product"] for tag in tags_shown if tag["product"]["id"] == product.pk), None)


def test_the_snapshot_holds_each_tag_with_its_product(world):
    shirt, scarf = world["shirt"], world["scarf"]
    media = world["post"].media.get()
    snapshot = world["post"].product_tags
    assert [(tag["media_id"], tag["x"], tag["y"]) for tag in snapshot] == [(media.pk, 0.25, 0.4), (media.pk, 0.75, 0.8)]
    assert snapshot[0]["product"] == {"id": shirt.pk, "title": "Linen shirt", "price": "1500.00", "currency": "RUB",
                                      "in_stock": True, "url": f"/shop/products/{shirt.pk}/"}
    assert snapshot[1]["product"]["id"] == scarf.pk


def test_the_price_is_the_lowest_of_the_variants_on_sale(make_user):
    owner = make_user("kwd.store", account_type="business", category="clothing")
    product = make_product(owner, "Dress", currency="KWD", variants=[
        {"name": "S", "sku": "D-S", "price": "20.5", "stock": 0},
        {"name": "M", "sku": "D-M", "price": "18.250", "stock": 2},
        {"name": "L", "sku": "D-L", "price": "9", "stock": 2},
    ])
    ProductVariant.objects.filter(sku="D-L").update(is_active=False)
    post = tagged_post(owner, [product])
    assert post.product_tags[0]["product"] | {"id": 0, "url": ""} == {
        "id": 0, "title": "Dress", "price": "18.250", "currency": "KWD", "in_stock": True, "url": ""}


def test_a_renamed_product_shows_at_once(api, page_client, world):
    before = shown(api, page_client, world)  # every cache warm
    assert product_of(before["api"], world["shirt"])["title"] == "Linen shirt"
    product_change(world["shirt"], title="Linen shirt, sand")
    after = shown(api, page_client, world)
    assert product_of(after["api"], world["shirt"])["title"] == "Linen shirt, sand"
    assert after["feed"] == after["api"]
    for page in (after["page"], after["home"]):
        assert "Linen shirt, sand" in page


def test_a_repriced_product_shows_at_once(api, page_client, world):
    shown(api, page_client, world)
    product_change(world["shirt"], price="1290.50")
    after = shown(api, page_client, world)
    assert product_of(after["api"], world["shirt"])["price"] == "1290.50"
    assert after["feed"] == after["api"]
    price = money.format_money(Decimal("1290.50"), "RUB", "en")
    assert price in after["page"] and price in after["home"]
    assert money.format_money(Decimal("1500"), "RUB", "en") not in after["page"]


def test_an_archived_product_leaves_the_cards_and_comes_back(api, page_client, world):
    shown(api, page_client, world)
    product_change(world["scarf"], status="archived")
    after = shown(api, page_client, world)
    assert product_of(after["api"], world["scarf"]) is None and product_of(after["feed"], world["scarf"]) is None
    assert "Silk scarf" not in after["page"] and "Silk scarf" not in after["home"]
    assert product_of(after["api"], world["shirt"]) is not None
    product_change(world["scarf"], status="active")
    assert product_of(shown(api, page_client, world)["api"], world["scarf"])["title"] == "Silk scarf"


def test_a_draft_product_leaves_the_cards(api, page_client, world):
    shown(api, page_client, world)
    product_change(world["scarf"], status="draft")
    assert product_of(shown(api, page_client, world)["feed"], world["scarf"]) is None


def test_a_sold_out_product_stays_marked_sold_out(api, page_client, world):
    shown(api, page_client, world)
    product_change(world["scarf"], stock=0)
    after = shown(api, page_client, world)
    assert product_of(after["api"], world["scarf"])["in_stock"] is False
    assert after["feed"] == after["api"]
    assert "Sold out" in after["page"] and "Sold out" in after["home"]
    product_change(world["scarf"], stock=4)
    back = shown(api, page_client, world)
    assert product_of(back["api"], world["scarf"])["in_stock"] is True
    assert "Sold out" not in back["page"]


def test_a_tag_added_or_removed_shows_at_once(api, page_client, world):
    shown(api, page_client, world)
    hat = make_product(world["owner"], "Straw hat")
    tag = tags.product_tag_add(actor=world["owner"], post=world["post"], media_id=world["post"].media.get().pk,
                               product_id=hat.pk, x=0.5, y=0.1)
    assert product_of(shown(api, page_client, world)["feed"], hat)["title"] == "Straw hat"
    tags.product_tag_remove(actor=world["owner"], post=world["post"], tag_id=tag["id"])
    after = shown(api, page_client, world)
    assert product_of(after["feed"], hat) is None and "Straw hat" not in after["home"]


def test_a_change_that_shows_nowhere_keeps_the_cards(world):
    post = world["post"]
    ProductVariant.objects.filter(product=world["shirt"]).update(stock=2)  # still in stock
    assert tags.products_changed([world["shirt"].pk]) == []
    assert Post.objects.get(pk=post.pk).updated_at == post.updated_at


def test_a_product_on_many_posts_is_rewritten_in_a_few_queries(settings, world):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": [(1000, 3600)]}
    owner, shirt = world["owner"], world["shirt"]

    def rewrite_queries(count):
        for _ in range(count):
            tagged_post(owner, [shirt])
        product_change(shirt, title=f"Shirt {count}")  # every snapshot now differs from the last
        Post.objects.filter(author=owner).update(product_tags=[])
        with CaptureQueriesContext(connection) as queries:
            changed = tags.products_changed([shirt.pk])
        assert len(changed) == Post.objects.filter(author=owner).count()
        return len(queries.captured_queries)

    assert rewrite_queries(2) == rewrite_queries(15)
    assert rewrite_queries(1) <= 8


def test_a_post_rewrite_bumps_updated_at_in_the_same_update(world):
    post = world["post"]
    with CaptureQueriesContext(connection) as queries:
        product_change(world["shirt"], title="Renamed")
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "posts_post" in q["sql"]]
    assert len(updates) == 1 and "product_tags" in updates[0] and "updated_at" in updates[0]
    assert Post.objects.get(pk=post.pk).updated_at > post.updated_at


def test_deleting_a_product_through_the_recipe_clears_its_tags(world):
    ids = tags.tagged_post_ids([world["scarf"].pk])
    world["scarf"].delete()
    tags.posts_rewrite(ids)
    assert [tag["product"]["title"] for tag in Post.objects.get(pk=world["post"].pk).product_tags] == ["Linen shirt"]


def test_a_post_without_tags_has_an_empty_list(api, make_user):
    post = make_post(make_user("ann"), caption="plain")
    assert api().get(f"/posts/{post.pk}").json()["product_tags"] == []
