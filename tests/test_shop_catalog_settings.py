"""Collections, payment and delivery settings, deleting a sold product, and what the post tags hear of."""

import pytest

from tests.conftest import assert_error
from tests.shop_helpers import make_product
from vitrina.orders.models import Order, OrderLine
from vitrina.shop import services, tags
from vitrina.shop.models import Collection, Product, ProductStatus


@pytest.fixture
def seller(make_user):
    return make_user("settings_shop", account_type="business")


def test_collections_create_rename_fill_and_delete(api, seller, make_user):
    shirt = make_product(seller, title="Shirt", variants=[{"sku": "S", "price": "1", "stock": 1}])
    mug = make_product(seller, title="Mug", variants=[{"sku": "M", "price": "1", "stock": 1}])
    client = api(seller)
    created = client.post("/shop/collections", {"title": "Summer", "product_ids": [shirt.pk]})
    assert created.status_code == 201, created.content
    collection_id = created.json()["id"]
    assert_error(client.post("/shop/collections", {"title": "Summer"}), 422, "duplicate_collection")
    body = client.patch(f"/shop/collections/{collection_id}", {"title": "Summer 2025", "add": [mug.pk]}).json()
    assert body == {"id": collection_id, "title": "Summer 2025", "product_ids": sorted([shirt.pk, mug.pk])}
    body = client.patch(f"/shop/collections/{collection_id}", {"remove": [shirt.pk]}).json()
    assert body["product_ids"] == [mug.pk]
    shown = api().get("/accounts/settings_shop/products", {"collection": collection_id}).json()["items"]
    assert [p["title"] for p in shown] == ["Mug"]
    assert [c["title"] for c in client.get("/shop/collections").json()["items"]] == ["Summer 2025"]
    rival = make_user("rival", account_type="business")
    theirs = make_product(rival, title="Theirs", variants=[{"sku": "T", "price": "1", "stock": 1}])
    assert_error(client.patch(f"/shop/collections/{collection_id}", {"add": [theirs.pk]}), 422, "unknown_product")
    assert_error(api(rival).patch(f"/shop/collections/{collection_id}", {"title": "Mine"}), 404)
    assert_error(api(rival).delete(f"/shop/collections/{collection_id}"), 404)
    assert client.delete(f"/shop/collections/{collection_id}").status_code == 204
    assert not Collection.objects.exists() and Product.objects.filter(shop__owner=seller).count() == 2


def test_collections_need_a_shop(api, seller):
    assert_error(api(seller).post("/shop/collections", {"title": "Summer"}), 404, "no_shop")


def test_payment_settings(api, seller):
    make_product(seller)
    client = api(seller)
    body = client.get("/shop/settings").json()
    assert body["accepts_cod"] is True and body["accepts_card"] is False and body["currency"] == "RUB"
    assert [m["code"] for m in body["delivery_methods"]] == ["pickup"]
    assert body["delivery_methods"][0]["price"] == "0.00"
    assert_error(client.patch("/shop/settings", {"accepts_bank_transfer": True}), 422, "bank_details_required")
    assert_error(client.patch("/shop/settings", {"accepts_cod": False}), 422, "no_payment_method")
    body = client.patch("/shop/settings", {"accepts_bank_transfer": True, "bank_details": "IBAN RU00 1234",
                                           "accepts_cod": False}).json()
    assert (body["accepts_cod"], body["accepts_bank_transfer"], body["bank_details"]) == (False, True,
                                                                                        "IBAN RU00 1234")


def test_delivery_methods_add_edit_deactivate(api, seller, make_user):
    make_product(seller)
    client = api(seller)
    courier = client.post("/shop/delivery-methods", {"name": "Courier", "price": "350"})
    assert courier.status_code == 201, courier.content
    assert courier.json()["code"] == "courier" and courier.json()["price"] == "350.00"
    assert_error(client.post("/shop/delivery-methods", {"name": "Courier", "price": "1"}), 422, "duplicate_code")
    assert_error(client.post("/shop/delivery-methods", {"name": "Post", "price": "1.005"}), 422, "invalid_precision")
    assert_error(client.post("/shop/delivery-methods", {"name": "Post", "price": "-5"}), 422)
    method_id = courier.json()["id"]
    body = client.patch(f"/shop/delivery-methods/{method_id}", {"price": "400", "name": "Courier, city"}).json()
    assert (body["price"], body["name"]) == ("400.00", "Courier, city")
    pickup = next(m for m in client.get("/shop/delivery-methods").json()["items"] if m["code"] == "pickup")
    assert client.patch(f"/shop/delivery-methods/{pickup['id']}", {"is_active": False}).json()["is_active"] is False
    assert_error(client.patch(f"/shop/delivery-methods/{method_id}", {"is_active": False}), 422, "no_delivery_method")
    assert_error(api(make_user("rival", account_type="business")).patch(
        f"/shop/delivery-methods/{method_id}", {"price": "1"}), 404)


def test_a_product_with_orders_is_archived_not_deleted(api, seller, make_user):
    product = make_product(seller)
    buyer = make_user("buyer")
    variant = product.variants.get()
    order = Order.objects.create(number="V-1", buyer=buyer, shop=product.shop, currency="RUB", subtotal=1500,
                                 total=1500, payment_method="cod", delivery_method="pickup", delivery_name="Pickup",
                                 idempotency_key="k", request_fingerprint="f")
    OrderLine.objects.create(order=order, variant=variant, product=product, title=product.title, sku=variant.sku,
                             unit_price=1500, quantity=1, line_total=1500)
    assert api(seller).delete(f"/shop/products/{product.pk}").json() == {"result": "archived"}
    product.refresh_from_db()
    assert product.status == ProductStatus.ARCHIVED
    assert_error(api(buyer).get(f"/shop/products/{product.pk}"), 404)


def test_tags_hear_of_changes_they_show_and_only_those(seller, monkeypatch, django_capture_on_commit_callbacks):
    heard = []
    monkeypatch.setattr(tags, "products_changed", lambda ids: heard.append(list(ids)))
    product = make_product(seller)
    variant = product.variants.get()

    def edit(**fields):
        heard.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.product_update(product=product, editor=seller, **fields)
        return heard

    assert edit(description="Only the description") == []
    assert edit(category="Shirts") == []
    assert edit(variants=[{"id": variant.pk, "stock": 4}]) == []  # still in stock
    assert edit(title="New title") == [[product.pk]]
    assert edit(variants=[{"id": variant.pk, "price": "1200"}]) == [[product.pk]]
    assert edit(variants=[{"id": variant.pk, "stock": 0}]) == [[product.pk]]  # sold out
    assert edit(variants=[{"id": variant.pk, "stock": 2}]) == [[product.pk]]  # back
    assert edit(status=ProductStatus.ARCHIVED) == [[product.pk]]
