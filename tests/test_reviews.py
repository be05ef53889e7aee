"""Reviews: the buyer rates a delivered order's line once, the seller replies once, the totals stay exact."""

from decimal import Decimal

import pytest

from tests import threads
from tests.checkout_helpers import fill_cart, make_product, make_seller, place, variant_of
from tests.conftest import assert_error
from tests.reviews_helpers import deliver, delivered_order
from vitrina.core.errors import Conflict, InvalidInput, NotFound, Throttled
from vitrina.orders import lifecycle
from vitrina.reviews import selectors, services
from vitrina.reviews.models import Review
from vitrina.shop.models import Product, Shop
from vitrina.social.services import block_create, privacy_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_variant(make_user):
    return make_seller(make_user, stock=20)


@pytest.fixture
def seller(seller_variant):
    return seller_variant[0]


@pytest.fixture
def variant(seller_variant):
    return seller_variant[1]


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


@pytest.fixture
def order(buyer, seller, variant):
    return delivered_order(buyer, seller, variant)


def totals(variant):
    product = Product.objects.get(pk=variant.product_id)
    shop = Shop.objects.get(pk=variant.shop_id)
    return (product.rating_total, product.rating_count), (shop.rating_total, shop.rating_count)


# --- Writing a review --------------------------------------------------------------------------------


def test_a_delivered_order_is_reviewed_and_the_totals_count_it(buyer, order, variant):
    review = services.review_create(buyer=buyer, order_id=order.pk, rating=4, seller_rating=5, text="  Nice fit \n")
    assert (review.rating, review.seller_rating, review.text) == (4, 5, "Nice fit")
    assert review.product_id == variant.product_id and review.line == order.lines.get()
    assert totals(variant) == ((4, 1), (5, 1))


def test_the_seller_rating_defaults_to_the_product_rating(buyer, order, variant):
    review = services.review_create(buyer=buyer, order_id=order.pk, rating=3, text="")
    assert review.seller_rating == 3
    assert totals(variant) == ((3, 1), (3, 1))


@pytest.mark.parametrize("steps", [(), ("confirmed",), ("confirmed", "shipped")])
def test_an_order_not_yet_delivered_cannot_be_reviewed(buyer, seller, variant, steps):
    fill_cart(buyer, variant)
    order = place(buyer, seller)
    for to in steps:
        order = lifecycle.order_transition(order_id=order.pk, actor=seller, to=to)
    with pytest.raises(Conflict) as error:
        services.review_create(buyer=buyer, order_id=order.pk, rating=5, text="")
    assert error.value.code == "review_too_early"
    assert not Review.objects.exists() and totals(variant) == ((0, 0), (0, 0))


def test_a_cancelled_order_cannot_be_reviewed(buyer, seller, variant):
    fill_cart(buyer, variant)
    order = lifecycle.order_transition(order_id=place(buyer, seller).pk, actor=buyer, to="cancelled")
    with pytest.raises(Conflict) as error:
        services.review_create(buyer=buyer, order_id=order.pk, rating=5)
    assert error.value.code == "review_too_early"


def test_a_second_review_of_a_line_is_refused_and_counts_nothing(buyer, order, variant):
    services.review_create(buyer=buyer, order_id=order.pk, rating=5)
    with pytest.raises(Conflict) as error:
        services.review_create(buyer=buyer, order_id=order.pk, rating=1)
    assert error.value.code == "review_exists"
    assert Review.objects.count() == 1 and totals(variant) == ((5, 1), (5, 1))


def test_someone_elses_order_is_not_found(make_user, order, seller):
    for stranger in (make_user("stranger"), seller):
        with pytest.raises(NotFound):
            services.review_create(buyer=stranger, order_id=order.pk, rating=5)
    with pytest.raises(NotFound):
        services.review_create(buyer=seller, order_id=10 ** 9, rating=5)
    assert not Review.objects.exists()


def test_a_line_of_another_order_is_not_found(make_user, buyer, seller, variant, order):
    other_buyer = make_user("other")
    other = delivered_order(other_buyer, seller, variant)
    with pytest.raises(NotFound):
        services.review_create(buyer=buyer, order_id=order.pk, line_id=other.lines.get().pk, rating=5)
    with pytest.raises(NotFound):
        services.review_create(buyer=other_buyer, order_id=order.pk, line_id=order.lines.get().pk, rating=5)
    assert not Review.objects.exists()


def test_an_order_of_several_lines_needs_the_line(buyer, seller, variant):
    second = variant_of(make_product(seller, variants=[{"name": "", "sku": "scarf", "price": "700", "stock": 3}]))
    order = delivered_order(buyer, seller, variant, second)
    with pytest.raises(InvalidInput) as error:
        services.review_create(buyer=buyer, order_id=order.pk, rating=5)
    assert error.value.code == "line_required" and "line_id" in error.value.fields
    first_line, second_line = order.lines.order_by("id")
    services.review_create(buyer=buyer, order_id=order.pk, line_id=first_line.pk, rating=5, seller_rating=4)
    services.review_create(buyer=buyer, order_id=order.pk, line_id=second_line.pk, rating=2, seller_rating=3)
    assert totals(variant)[1] == (7, 2)
    assert Product.objects.get(pk=second.product_id).rating_total == 2


@pytest.mark.parametrize("field", ["rating", "seller_rating"])
@pytest.mark.parametrize("bad", [0, 6, -1, True, False, "5", 4.5, None, [5]])
def test_bad_ratings_are_refused(buyer, order, variant, field, bad):
    if field == "seller_rating" and bad is None:
        return  # None is the default: the product's rating
    ratings = {"rating": 5, "seller_rating": 5, field: bad}
    with pytest.raises(InvalidInput) as error:
        services.review_create(buyer=buyer, order_id=order.pk, text="", **ratings)
    assert error.value.code == "invalid_rating" and field in error.value.fields
    assert not Review.objects.exists() and totals(variant) == ((0, 0), (0, 0))


def test_text_is_cleaned_and_kept_to_its_length(buyer, order):
    with pytest.raises(InvalidInput) as error:
        services.review_create(buyer=buyer, order_id=order.pk, rating=5, text="x" * 2001)
    assert error.value.code == "text_too_long"
    review = services.review_create(buyer=buyer, order_id=order.pk, rating=5,
                                    text="\u202egood\u200b\nsecond line\x00" + "y" * 10)
    assert review.text == "good\u200b\nsecond line" + "y" * 10


def test_two_reviews_of_one_line_at_once_make_one(buyer, order, variant, transactional_db):
    results = threads.run_at_once([lambda: services.review_create(buyer=buyer, order_id=order.pk, rating=4)
                                   for _ in range(6)])
    made = [r for r in results if isinstance(r, Review)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(made) == 1 and len(refused) == 5, results
    assert {e.code for e in refused} == {"review_exists"}
    assert totals(variant) == ((4, 1), (4, 1))


@pytest.mark.django_db(transaction=True)
def test_concurrent_reviews_of_different_lines_keep_the_totals_exact(make_user):
    seller, variant = make_seller(make_user, stock=50)
    buyers = [make_user(f"buyer{i}") for i in range(10)]
    orders = [delivered_order(buyer, seller, variant) for buyer in buyers]
    ratings = [(i % 5 + 1, (i * 2) % 5 + 1) for i in range(10)]
    results = threads.run_at_once([
        lambda buyer=buyer, order=order, r=r: services.review_create(
            buyer=buyer, order_id=order.pk, rating=r[0], seller_rating=r[1], text="")
        for buyer, order, r in zip(buyers, orders, ratings, strict=True)])
    assert all(isinstance(r, Review) for r in results), results
    assert totals(variant) == ((sum(r[0] for r in ratings), 10), (sum(r[1] for r in ratings), 10))


def test_reviews_are_rate_limited(settings, buyer, order):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "review": [(2, 600)]}
    for _ in range(2):
        with pytest.raises(NotFound):
            services.review_create(buyer=buyer, order_id=order.pk, line_id=10 ** 9, rating=5)
    with pytest.raises(Throttled):
        services.review_create(buyer=buyer, order_id=order.pk, rating=5)


# --- Replies ---------------------------------------------------------------------------------------


@pytest.fixture
def review(buyer, order):
    return services.review_create(buyer=buyer, order_id=order.pk, rating=4, text="Good")


def test_the_seller_replies_once(seller, review):
    reply = services.review_reply(seller=seller, review_id=review.pk, text=" Thank you! ")
    assert reply.reply == "Thank you!" and reply.replied_at is not None
    with pytest.raises(Conflict) as error:
        services.review_reply(seller=seller, review_id=review.pk, text="Again")
    assert error.value.code == "reply_exists"
    assert Review.objects.get(pk=review.pk).reply == "Thank you!"


def test_a_reply_by_anyone_but_the_shop_owner_is_not_found(make_user, buyer, review):
    for other in (buyer, make_user("other", account_type="business")):
        with pytest.raises(NotFound):
            services.review_reply(seller=other, review_id=review.pk, text="Hi")
    assert Review.objects.get(pk=review.pk).replied_at is None


@pytest.mark.parametrize("text", ["", "   ", "\u200b", "x" * 2001, None])
def test_a_reply_must_have_text_within_its_length(seller, review, text):
    with pytest.raises(InvalidInput):
        services.review_reply(seller=seller, review_id=review.pk, text=text)
    assert Review.objects.get(pk=review.pk).replied_at is None


def test_two_replies_at_once_make_one(seller, review, transactional_db):
    results = threads.run_at_once([lambda i=i: services.review_reply(seller=seller, review_id=review.pk,
                                                                      text=f"reply {i}") for i in range(4)])
    assert len([r for r in results if isinstance(r, Review)]) == 1, results
    assert all(r.code == "reply_exists" for r in results if not isinstance(r, Review))


# --- Reading ---------------------------------------------------------------------------------------


def test_the_average_is_a_decimal_to_one_place():
    assert selectors.rating_from(0, 0) == selectors.Rating(None, 0)
    assert selectors.rating_from(9, 2).average == Decimal("4.5")
    assert selectors.rating_from(14, 3).average == Decimal("4.7")
    assert selectors.rating_from(13, 3).average == Decimal("4.3")


def test_reviews_of_a_product_and_a_shop_newest_first_paginated(make_user, seller, variant):
    buyers = [make_user(f"b{i}") for i in range(3)]
    made = [services.review_create(buyer=b, order_id=delivered_order(b, seller, variant).pk, rating=i + 3)
            for i, b in enumerate(buyers)]
    product = selectors.product_visible(viewer=None, product_id=variant.product_id)
    page = selectors.reviews_of_product(viewer=None, product=product, limit=2)
    assert [r.pk for r in page.items] == [made[2].pk, made[1].pk] and page.next_cursor
    rest = selectors.reviews_of_product(viewer=None, product=product, cursor=page.next_cursor, limit=2)
    assert [r.pk for r in rest.items] == [made[0].pk] and rest.next_cursor is None
    shop = selectors.shop_visible(viewer=None, owner=seller)
    assert [r.pk for r in selectors.reviews_of_shop(viewer=None, shop=shop).items] == [m.pk for m in made[::-1]]
    assert selectors.rating_of(shop) == selectors.Rating(Decimal("4.0"), 3)


# --- The API ---------------------------------------------------------------------------------------


def test_api_review_is_201_with_the_review(api, buyer, order, variant):
    response = api(buyer).post(f"/orders/{order.pk}/review", {"rating": 5, "text": "Great", "seller_rating": 4})
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("rating", "seller_rating", "text", "product_id", "order_id", "line_id", "seller")} \
        == {"rating": 5, "seller_rating": 4, "text": "Great", "product_id": variant.product_id,
            "order_id": order.pk, "line_id": order.lines.get().pk, "seller": "seller"}
    assert body["author"]["username"] == "buyer" and body["reply"] is None and body["title"] == "Linen shirt"


def test_api_refusals_are_in_the_error_shape(api, make_user, buyer, seller, variant):
    fill_cart(buyer, variant)
    order = place(buyer, seller)
    client = api(buyer)
    assert_error(client.post(f"/orders/{order.pk}/review", {"rating": 5}), 409, "review_too_early")
    order = deliver(order, seller)
    for bad in (0, 6, True, "5", 2.5):
        assert_error(client.post(f"/orders/{order.pk}/review", {"rating": bad}), 422, field="rating")
    assert_error(client.post(f"/orders/{order.pk}/review", {"rating": 5, "seller_rating": 9}), 422,
                 "invalid_rating", "seller_rating")
    assert_error(client.post(f"/orders/{order.pk}/review", {"rating": 5, "text": "x" * 2001}), 422,
                 "text_too_long", "text")
    assert_error(client.post(f"/orders/{order.pk}/review", {"rating": 5, "line_id": 10 ** 9}), 404)
    assert_error(api(make_user("stranger")).post(f"/orders/{order.pk}/review", {"rating": 5}), 404, "not_found")
    assert_error(api().post(f"/orders/{order.pk}/review", {"rating": 5}), 401)
    assert client.post(f"/orders/{order.pk}/review", {"rating": 5}).status_code == 201
    assert_error(client.post(f"/orders/{order.pk}/review", {"rating": 5}), 409, "review_exists")
    assert totals(variant) == ((5, 1), (5, 1))


def test_api_reply_once_by_the_owner(api, make_user, seller, buyer, review):
    assert_error(api(buyer).post(f"/reviews/{review.pk}/reply", {"text": "me"}), 404)
    assert_error(api(make_user("x")).post(f"/reviews/{review.pk}/reply", {"text": "me"}), 404)
    assert_error(api(seller).post(f"/reviews/{review.pk}/reply", {"text": " "}), 422, field="text")
    response = api(seller).post(f"/reviews/{review.pk}/reply", {"text": "Thanks"})
    assert response.status_code == 201 and response.json()["reply"]["text"] == "Thanks"
    assert_error(api(seller).post(f"/reviews/{review.pk}/reply", {"text": "Again"}), 409, "reply_exists")


def test_api_lists_of_a_product_and_a_shop(api, seller, variant, review):
    services.review_reply(seller=seller, review_id=review.pk, text="Thanks")
    for path in (f"/shop/products/{variant.product_id}/reviews", "/accounts/seller/reviews"):
        body = api().get(path).json()
        assert [item["id"] for item in body["items"]] == [review.pk] and body["next_cursor"] is None
        assert body["rating"] == {"average": 4.0, "count": 1}
        assert body["items"][0]["reply"]["text"] == "Thanks"
        assert "order_id" not in body["items"][0] and "line_id" not in body["items"][0]
    assert_error(api().get("/shop/products/999999/reviews"), 404)
    assert_error(api().get("/accounts/nobody/reviews"), 404)


def test_reviews_of_a_private_shop_are_hidden_from_non_followers(api, make_user, seller, variant, review):
    privacy_set(user=seller, is_private=True)
    stranger = make_user("stranger")
    for client in (api(), api(stranger)):
        assert_error(client.get(f"/shop/products/{variant.product_id}/reviews"), 404)
        assert_error(client.get("/accounts/seller/reviews"), 404)
    # The owner still sees theirs.
    assert api(seller).get("/accounts/seller/reviews").json()["items"][0]["id"] == review.pk
    assert api(seller).get(f"/shop/products/{variant.product_id}/reviews").status_code == 200


def test_reviews_across_a_block_are_hidden(api, make_user, seller, variant, buyer, review):
    viewer = make_user("viewer")
    block_create(blocker=seller, target=viewer)
    assert_error(api(viewer).get(f"/shop/products/{variant.product_id}/reviews"), 404)
    assert_error(api(viewer).get("/accounts/seller/reviews"), 404)
    # A reviewer blocked by the reader is left out of the list; the rating still counts them.
    reader = make_user("reader")
    block_create(blocker=reader, target=buyer)
    body = api(reader).get(f"/shop/products/{variant.product_id}/reviews").json()
    assert body["items"] == [] and body["rating"]["count"] == 1
    assert [i["id"] for i in api().get(f"/shop/products/{variant.product_id}/reviews").json()["items"]] == [review.pk]
