"""The catalog's API: products, currency rules, variants, ownership and visibility."""

import pytest

from tests.conftest import assert_error
from tests.shop_helpers import make_product
from vitrina.shop.models import Product, ProductStatus, ProductVariant, Shop
from vitrina.social.services import block_create, follow_create, follow_request_approve


@pytest.fixture
def seller(make_user):
    return make_user("anna_shop", account_type="business")


def product_body(**fields):
    body = {"title": "Linen shirt", "description": "Soft linen", "currency": "RUB",
            "variants": [{"name": "M", "sku": "SHIRT-M", "price": "1500", "stock": 3}]}
    body.update(fields)
    return body


def test_first_product_opens_the_shop_in_its_currency(api, seller):
    response = api(seller).post("/shop/products", product_body(currency="rub"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["currency"] == "RUB" and body["price"] == "1500.00" and body["in_stock"] is True
    assert body["variants"][0]["stock"] == 3
    assert body["seller"]["username"] == "anna_shop"
    assert body["rating"] == {"average": None, "count": 0}
    shop = Shop.objects.get(owner=seller)
    assert shop.currency == "RUB"
    assert list(shop.delivery_methods.values_list("code", flat=True)) == ["pickup"]


def test_product_in_another_currency_is_422_currency_mismatch(api, seller):
    make_product(seller, currency="RUB")
    response = api(seller).post("/shop/products", product_body(currency="USD",
                                                                variants=[{"sku": "X", "price": "1", "stock": 1}]))
    assert_error(response, 422, "currency_mismatch", "currency")
    assert Product.objects.count() == 1


@pytest.mark.parametrize("code", ["RUBX", "XYZ", "", "rubles", "12"])
def test_invalid_currency_code_is_422(api, seller, code):
    assert_error(api(seller).post("/shop/products", product_body(currency=code)), 422, "invalid_currency")
    assert not Shop.objects.exists()


def test_jpy_has_no_decimals_and_kwd_three(api, make_user):
    tokyo = make_user("tokyo_shop", account_type="business")
    refused = api(tokyo).post("/shop/products", product_body(
        currency="JPY", variants=[{"sku": "T", "price": "10.5", "stock": 1}]))
    assert_error(refused, 422, "invalid_precision", "variants.0.price")
    assert not Shop.objects.filter(owner=tokyo).exists()
    ok = api(tokyo).post("/shop/products", product_body(currency="JPY", variants=[{"sku": "T", "price": "1500",
                                                                                      "stock": 1}]))
    assert ok.json()["price"] == "1500"
    kuwait = make_user("kuwait_shop", account_type="business")
    body = api(kuwait).post("/shop/products", product_body(
        currency="KWD", variants=[{"sku": "K", "price": "1.250", "stock": 1}])).json()
    assert body["price"] == "1.250" and body["variants"][0]["price"] == "1.250"
    assert_error(api(kuwait).post("/shop/products", product_body(
        currency="KWD", variants=[{"sku": "K2", "price": "1.2505", "stock": 1}])), 422, "invalid_precision")


def test_personal_account_cannot_sell(api, make_user):
    member = make_user("bob")
    assert_error(api(member).post("/shop/products", product_body()), 403, "not_business")
    assert_error(api(member).get("/shop/settings"), 403, "not_business")


def test_sku_is_unique_per_shop(api, seller, make_user):
    make_product(seller, variants=[{"sku": "SHIRT-M", "price": "10", "stock": 1}])
    assert_error(api(seller).post("/shop/products", product_body()), 422, "duplicate_sku")
    twice = product_body(variants=[{"sku": "A", "price": "1", "stock": 1}, {"sku": "a", "price": "1", "stock": 1}])
    assert_error(api(seller).post("/shop/products", twice), 422, "duplicate_sku")
    other = make_user("other_shop", account_type="business")
    assert api(other).post("/shop/products", product_body()).status_code == 201


@pytest.mark.parametrize("variant, field", [
    ({"sku": "S", "price": "10", "stock": -1}, "variants.0.stock"),
    ({"sku": "S", "price": "10", "stock": 1.5}, "variants.0.stock"),
    ({"sku": "S", "price": "10", "stock": 1_000_001}, "variants.0.stock"),
    ({"sku": "S", "price": "10", "stock": "3"}, "variants.0.stock"),
    ({"sku": "S", "price": "-1", "stock": 1}, "variants.0.price"),
    ({"sku": "S", "price": "10.001", "stock": 1}, "variants.0.price"),
    ({"sku": "S", "price": "1e20", "stock": 1}, "variants.0.price"),
    ({"sku": "S", "price": "NaN", "stock": 1}, "variants.0.price"),
    ({"sku": "", "price": "1", "stock": 1}, "variants.0.sku"),
])
def test_bad_stock_and_price_are_refused_with_no_change(api, seller, variant, field):
    product = make_product(seller)
    assert_error(api(seller).post("/shop/products", product_body(variants=[variant])), 422, field=field)
    assert Product.objects.count() == 1
    edit = {k: v for k, v in variant.items() if k != "sku"} | {"id": product.variants.get().pk}
    if field.endswith("sku"):
        edit["sku"] = ""
    assert_error(api(seller).patch(f"/shop/products/{product.pk}", {"title": "Renamed", "variants": [edit]}),
                 422, field=field)
    product.refresh_from_db()
    variant_row = product.variants.get()
    assert product.title == "Linen shirt" and variant_row.stock == 10 and str(variant_row.price) == "1500.000"


def test_patch_edits_adds_and_archives_variants(api, seller, django_capture_on_commit_callbacks):
    product = make_product(seller)
    first = product.variants.get()
    client = api(seller)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.patch(f"/shop/products/{product.pk}", {
            "title": "Linen shirt, blue", "category": "Shirts",
            "variants": [{"id": first.pk, "price": "1400", "stock": 0},
                         {"name": "L", "sku": "SHIRT-L", "price": "1600", "stock": 2}]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Linen shirt, blue" and body["price"] == "1400.00" and body["in_stock"] is True
    assert [v["sku"] for v in body["variants"]] == ["SKU-Linen shirt", "SHIRT-L"]
    assert len(callbacks) == 1  # the tags hear of the new title and price once
    new = ProductVariant.objects.get(sku="SHIRT-L")
    body = client.patch(f"/shop/products/{product.pk}", {"variants": [{"id": first.pk, "is_active": False}]}).json()
    assert body["price"] == "1600.00"
    assert [v["is_active"] for v in body["variants"]] == [False, True]
    # Buyers see only what is on sale, and no stock numbers.
    public = api().get(f"/shop/products/{product.pk}").json()
    assert [v["id"] for v in public["variants"]] == [new.pk]
    assert public["variants"][0]["stock"] is None and public["variants"][0]["stock_state"] == "low"
    assert public["variants"][0]["left"] == 2
    assert_error(client.patch(f"/shop/products/{product.pk}", {"variants": [{"id": new.pk, "is_active": False}]}),
                 422, "no_active_variant")


def test_patch_sku_taken_by_another_product_is_422(api, seller):
    make_product(seller, title="One", variants=[{"sku": "TAKEN", "price": "1", "stock": 1}])
    product = make_product(seller, title="Two", variants=[{"sku": "FREE", "price": "1", "stock": 1}])
    variant = product.variants.get()
    assert_error(api(seller).patch(f"/shop/products/{product.pk}", {"variants": [{"id": variant.pk, "sku": "TAKEN"}]}),
                 422, "duplicate_sku")
    variant.refresh_from_db()
    assert variant.sku == "FREE"


def test_drafts_and_archived_are_404_to_others_and_shown_to_owner(api, seller, make_user):
    draft = make_product(seller, title="Draft", status=ProductStatus.DRAFT)
    archived = make_product(seller, title="Old", status=ProductStatus.ARCHIVED,
                            variants=[{"sku": "OLD", "price": "1", "stock": 1}])
    stranger = make_user("stranger")
    for product in (draft, archived):
        assert_error(api(stranger).get(f"/shop/products/{product.pk}"), 404)
        assert_error(api().get(f"/shop/products/{product.pk}"), 404)
        assert api(seller).get(f"/shop/products/{product.pk}").json()["status"] == product.status
    assert api(stranger).get("/accounts/anna_shop/products").json()["items"] == []


def test_private_shop_is_hidden_from_non_followers_and_blocked(api, make_user):
    shop_owner = make_user("secret_shop", account_type="business", private=True)
    product = make_product(shop_owner)
    stranger, friend = make_user("stranger"), make_user("friend")
    assert_error(api(stranger).get(f"/shop/products/{product.pk}"), 404)
    assert_error(api().get(f"/shop/products/{product.pk}"), 404)
    assert api(stranger).get("/accounts/secret_shop/products").status_code == 404
    follow_create(follower=friend, target=shop_owner)
    follow_request_approve(target=shop_owner, requester=friend)
    assert api(friend).get(f"/shop/products/{product.pk}").status_code == 200
    assert [p["id"] for p in api(friend).get("/accounts/secret_shop/products").json()["items"]] == [product.pk]
    block_create(blocker=shop_owner, target=friend)
    assert_error(api(friend).get(f"/shop/products/{product.pk}"), 404)


def test_another_member_cannot_change_your_product(api, seller, make_user):
    product = make_product(seller)
    rival = make_user("rival_shop", account_type="business")
    client = api(rival)
    assert_error(client.patch(f"/shop/products/{product.pk}", {"title": "Mine now"}), 404)
    assert_error(client.delete(f"/shop/products/{product.pk}"), 404)
    assert_error(client.upload(f"/shop/products/{product.pk}/images", {}), 404)
    product.refresh_from_db()
    assert product.title == "Linen shirt"


def test_delete_removes_a_product_without_orders(api, seller):
    product = make_product(seller)
    assert api(seller).delete(f"/shop/products/{product.pk}").json() == {"result": "deleted"}
    assert not Product.objects.filter(pk=product.pk).exists()


def test_shop_tab_lists_active_products_newest_first_with_cursor(api, seller):
    ids = [make_product(seller, title=f"P{i}", variants=[{"sku": f"P{i}", "price": "5", "stock": 1}]).pk
           for i in range(3)]
    client = api()
    first = client.get("/accounts/anna_shop/products", {"limit": 2}).json()
    assert [p["id"] for p in first["items"]] == ids[::-1][:2]
    rest = client.get("/accounts/anna_shop/products", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [p["id"] for p in rest["items"]] == [ids[0]] and rest["next_cursor"] is None
