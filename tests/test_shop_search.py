"""Search type=products: titles and descriptions in any script, only products the viewer may see,
the same on SQLite (FTS5) and PostgreSQL (full text)."""

import pytest

from tests.conftest import assert_error
from tests.shop_helpers import make_product
from vitrina.accounts.services import user_suspend
from vitrina.shop import services
from vitrina.shop.models import ProductStatus
from vitrina.social.services import block_create, follow_create, follow_request_approve

pytestmark = pytest.mark.django_db

HOSTILE = ['") OR 1=1 --', "'; DROP TABLE shop_product; --", "*", '"', "'", "\\", "NEAR(", "a OR b", "(", ":",
           "title:x", "a:*", "&", "|", "!", "<->", "%", "_", "\x00", "🎉", "a" * 100]


def found(response):
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def search(client, q, **params):
    return client.get("/search", {"q": q, "type": "products", **params})


@pytest.fixture
def seller(make_user):
    return make_user("lavka", account_type="business")


def product(owner, title, description="", **kwargs):
    return make_product(owner, title=title, description=description,
                        variants=[{"sku": title[:30], "price": "100", "stock": 5}], **kwargs)


def test_products_are_found_by_title_and_description_in_cyrillic(api, seller):
    product(seller, "Льняная рубашка", "Мягкий лён, голубой цвет")
    product(seller, "Кружка", "Керамика ручной работы")
    client = api()
    assert found(search(client, "рубашка")) == ["Льняная рубашка"]
    assert found(search(client, "РУБАШ")) == ["Льняная рубашка"]  # prefix, any case
    assert found(search(client, "керамика")) == ["Кружка"]
    assert found(search(client, "лён голубой")) == ["Льняная рубашка"]  # every word, either field
    assert found(search(client, "лён керамика")) == []


def test_products_are_found_in_bengali(api, make_user):
    dhaka = make_user("dhaka_shop", account_type="business")
    product(dhaka, "সুতির শাড়ি", "হাতে বোনা প্রিয়া নকশা", currency="BDT")
    product(dhaka, "চায়ের কাপ", "মাটির তৈরি", currency="BDT")
    client = api()
    assert found(search(client, "শাড়ি")) == ["সুতির শাড়ি"]
    assert found(search(client, "প্রিয়া")) == ["সুতির শাড়ি"]
    assert found(search(client, "মাটির")) == ["চায়ের কাপ"]
    body = search(client, "শাড়ি").json()["items"][0]
    assert body["currency"] == "BDT" and body["price"] == "100.00"


def test_search_shows_only_products_the_viewer_may_see(api, seller, make_user):
    product(seller, "Public lamp")
    product(seller, "Draft lamp", status=ProductStatus.DRAFT)
    product(seller, "Archived lamp", status=ProductStatus.ARCHIVED)
    hidden = make_user("hidden_shop", account_type="business", private=True)
    product(hidden, "Private lamp")
    friend, stranger = make_user("friend"), make_user("stranger")
    follow_create(follower=friend, target=hidden)
    follow_request_approve(target=hidden, requester=friend)
    assert found(search(api(), "lamp")) == ["Public lamp"]
    assert found(search(api(stranger), "lamp")) == ["Public lamp"]
    assert found(search(api(friend), "lamp")) == ["Private lamp", "Public lamp"]
    assert found(search(api(seller), "lamp")) == ["Public lamp"]  # drafts are managed in "Your shop"
    block_create(blocker=seller, target=friend)
    assert found(search(api(friend), "lamp")) == ["Private lamp"]
    user_suspend(user=hidden)
    assert found(search(api(friend), "lamp")) == []


def test_edits_reach_the_index(api, seller):
    item = product(seller, "Old name", "plain")
    services.product_update(product=item, editor=seller, title="Fresh name", description="woollen")
    client = api()
    assert found(search(client, "old")) == []
    assert found(search(client, "fresh woollen")) == ["Fresh name"]
    services.product_delete(product=item, actor=seller)
    assert found(search(client, "fresh")) == []


def test_search_pages_by_cursor(api, seller):
    for i in range(5):
        product(seller, f"Candle {i}")
    client = api()
    first = search(client, "candle", limit=2).json()
    assert [p["title"] for p in first["items"]] == ["Candle 4", "Candle 3"]
    second = search(client, "candle", limit=2, cursor=first["next_cursor"]).json()
    assert [p["title"] for p in second["items"]] == ["Candle 2", "Candle 1"]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_find_nothing_and_break_nothing(api, seller, q):
    product(seller, "Table")
    response = search(api(), q)
    assert response.status_code in (200, 422), response.content
    if response.status_code == 200:
        assert found(response) == []


def test_unknown_type_is_still_422(api):
    assert_error(api().get("/search", {"q": "x", "type": "shops"}), 422, field="type")
