"""Who may tag what, where: POST and DELETE /posts/{id}/product-tags and the services behind them."""

import json

import pytest

from tests.conftest import assert_error
from tests.posts_helpers import make_post
from tests.shop_tags_helpers import make_product, tagged_post
from vitrina.core.errors import InvalidInput, NotFound
from vitrina.shop import tags
from vitrina.shop.models import MAX_TAGS_PER_PHOTO, ProductTag

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(make_user):
    owner = make_user("linen.store", account_type="business", category="clothing")
    post = make_post(owner, caption="Summer drop", photos=("Canon_40D.jpg", "Nikon_D70.jpg"))
    return {"owner": owner, "post": post, "media": list(post.media.order_by("position")),
            "product": make_product(owner, "Linen shirt")}


def body(shop, **changes):
    return {"product_id": shop["product"].pk, "media_id": shop["media"][0].pk, "x": 0.25, "y": 0.75, **changes}


def test_the_author_tags_a_product_of_their_shop(api, shop):
    response = api(shop["owner"]).post(f"/posts/{shop['post'].pk}/product-tags", body(shop))
    assert response.status_code == 201, response.content
    tag = response.json()
    product = shop["product"]
    assert tag == {"id": tag["id"], "media_id": shop["media"][0].pk, "x": 0.25, "y": 0.75,
                   "product": {"id": product.pk, "title": "Linen shirt", "price": "1500.00", "currency": "RUB",
                               "in_stock": True, "url": f"/shop/products/{product.pk}/"}}
    assert list(tag) == ["id", "media_id", "x", "y", "product"]
    shown = api().get(f"/posts/{shop['post'].pk}").json()["product_tags"]
    assert shown == [tag]


def test_the_author_removes_a_tag(api, shop):
    client = api(shop["owner"])
    tag = client.post(f"/posts/{shop['post'].pk}/product-tags", body(shop)).json()
    assert client.delete(f"/posts/{shop['post'].pk}/product-tags/{tag['id']}").status_code == 204
    assert api().get(f"/posts/{shop['post'].pk}").json()["product_tags"] == []
    assert_error(client.delete(f"/posts/{shop['post'].pk}/product-tags/{tag['id']}"), 404, "not_found")


def test_someone_else_cannot_tag_or_untag_a_post(api, make_user, shop):
    other = make_user("other.store", account_type="business", category="clothing")
    make_product(other, "Other shirt")
    assert_error(api(other).post(f"/posts/{shop['post'].pk}/product-tags", body(shop)), 404, "not_found")
    tag = api(shop["owner"]).post(f"/posts/{shop['post'].pk}/product-tags", body(shop)).json()
    assert_error(api(other).delete(f"/posts/{shop['post'].pk}/product-tags/{tag['id']}"), 404, "not_found")
    assert ProductTag.objects.count() == 1
    with pytest.raises(NotFound):
        tags.product_tag_add(actor=other, post=shop["post"], media_id=shop["media"][0].pk,
                             product_id=shop["product"].pk, x=0.5, y=0.5)


def test_a_product_of_another_shop_is_not_found(api, make_user, shop):
    other = make_user("other.store", account_type="business", category="clothing")
    theirs = make_product(other, "Their shirt")
    assert_error(api(shop["owner"]).post(f"/posts/{shop['post'].pk}/product-tags", body(shop, product_id=theirs.pk)),
                 404, "not_found")


def test_someone_elses_photo_and_missing_ids_are_not_found(api, make_user, shop):
    other_post = make_post(make_user("ann"), caption="mine")
    own_other_post = make_post(shop["owner"], caption="another of mine")
    client = api(shop["owner"])
    path = f"/posts/{shop['post'].pk}/product-tags"
    for media in (other_post.media.get(), own_other_post.media.get()):
        assert_error(client.post(path, body(shop, media_id=media.pk)), 404, "not_found")
    for huge in (0, 2**63 - 1, 2**63, 10**30):
        assert_error(client.post(path, body(shop, media_id=huge)), 404, "not_found")
        assert_error(client.post(path, body(shop, product_id=huge)), 404, "not_found")
        assert_error(client.delete(f"{path}/{huge}"), 404, "not_found")
    assert_error(client.post(f"/posts/{other_post.pk}/product-tags", body(shop)), 404, "not_found")
    assert_error(client.post(f"/posts/{2**64}/product-tags", body(shop)), 404, "not_found")
    assert not ProductTag.objects.exists()


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_a_product_not_on_sale_cannot_be_tagged(api, shop, status):
    product = make_product(shop["owner"], f"Shirt {status}", status=status)
    error = assert_error(api(shop["owner"]).post(f"/posts/{shop['post'].pk}/product-tags",
                                                 body(shop, product_id=product.pk)), 422, "product_not_active")
    assert "product_id" in error["fields"]


def test_a_photo_takes_five_tags_and_refuses_a_sixth(api, shop):
    client = api(shop["owner"])
    path = f"/posts/{shop['post'].pk}/product-tags"
    products = [shop["product"]] + [make_product(shop["owner"], f"Shirt {i}") for i in range(MAX_TAGS_PER_PHOTO)]
    for product in products[:MAX_TAGS_PER_PHOTO]:
        assert client.post(path, body(shop, product_id=product.pk)).status_code == 201
    assert_error(client.post(path, body(shop, product_id=products[-1].pk)), 422, "too_many_tags")
    # The limit is per photo: the second photo still takes the sixth product.
    response = client.post(path, body(shop, product_id=products[-1].pk, media_id=shop["media"][1].pk))
    assert response.status_code == 201
    assert len(api().get(f"/posts/{shop['post'].pk}").json()["product_tags"]) == MAX_TAGS_PER_PHOTO + 1


def test_a_product_is_tagged_once_per_photo(api, shop):
    client = api(shop["owner"])
    path = f"/posts/{shop['post'].pk}/product-tags"
    assert client.post(path, body(shop)).status_code == 201
    assert_error(client.post(path, body(shop, x=0.9)), 409, "already_tagged")
    assert client.post(path, body(shop, media_id=shop["media"][1].pk)).status_code == 201


@pytest.mark.parametrize("field", ["x", "y"])
@pytest.mark.parametrize("value", [-0.01, 1.0001, 2, -1, "0.5", "", None, True, [0.5], {"v": 1}])
def test_bad_coordinates_are_422(api, shop, field, value):
    response = api(shop["owner"]).post(f"/posts/{shop['post'].pk}/product-tags", body(shop, **{field: value}))
    assert_error(response, 422, field=field)
    assert not ProductTag.objects.exists()


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_nan_and_infinite_coordinates_are_422(api, shop, literal):
    client = api(shop["owner"])
    raw = json.dumps(body(shop, x=0.5)).replace("0.5", literal)
    response = client.client.post(f"{client.base}/posts/{shop['post'].pk}/product-tags", raw,
                                  content_type="application/json", headers=client._headers(None))
    assert_error(response, 422, "invalid_point", field="x")
    for value in (float("nan"), float("inf")):
        with pytest.raises(InvalidInput):
            tags.product_tag_add(actor=shop["owner"], post=shop["post"], media_id=shop["media"][0].pk,
                                 product_id=shop["product"].pk, x=0.5, y=value)


def test_the_edges_of_a_photo_are_points_on_it(api, shop):
    client = api(shop["owner"])
    path = f"/posts/{shop['post'].pk}/product-tags"
    second = make_product(shop["owner"], "Second")
    assert client.post(path, body(shop, x=0, y=1)).json()["x"] == 0.0
    assert client.post(path, body(shop, product_id=second.pk, x=1, y=0)).json()["y"] == 0.0


def test_tagging_needs_a_log_in(api, shop):
    assert_error(api().post(f"/posts/{shop['post'].pk}/product-tags", body(shop)), 401)


def test_a_deleted_post_takes_its_tags_along(shop):
    tagged = tagged_post(shop["owner"], [shop["product"]])
    tagged.delete()
    assert not ProductTag.objects.filter(post_id=tagged.pk).exists()
