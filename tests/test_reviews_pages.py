"""The review tags on the product and order pages, in English, Russian and Bengali, and the forms' posts.

The product and order pages are other apps' templates, so the tags are rendered here on their own,
with a request as those pages give them; the forms' posts go through the real views.
"""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tests.checkout_helpers import fill_cart, make_product, make_seller, place, variant_of
from tests.reviews_helpers import delivered_order
from vitrina.reviews import services
from vitrina.reviews.models import Review
from vitrina.shop.models import Product, Shop
from vitrina.social.services import block_create, privacy_set

pytestmark = pytest.mark.django_db

LANGS = ["en", "ru", "bn"]


def render_tag(tag: str, obj, user, *, session=None, path="/orders/x/", lang="en") -> str:
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    request.session = session if session is not None else {}
    name = "product" if tag == "product_reviews" else "order"
    with translation.override(lang):
        return Template("{% load reviews_tags %}{% " + tag + " " + name + " %}").render(
            Context({"request": request, name: obj}))


@pytest.fixture
def shop(make_user):
    return make_seller(make_user, stock=30)


@pytest.fixture
def seller(shop):
    return shop[0]


@pytest.fixture
def variant(shop):
    return shop[1]


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


@pytest.fixture
def order(buyer, seller, variant):
    return delivered_order(buyer, seller, variant)


def product_of(variant):
    return Product.objects.get(pk=variant.product_id)


# --- {% product_reviews %} -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang,empty", [("en", "No reviews yet."), ("ru", "Отзывов пока нет."),
                                        ("bn", "এখনও কোনো রিভিউ নেই।")])
def test_a_product_without_reviews_says_so(variant, lang, empty):
    html = render_tag("product_reviews", product_of(variant), None, lang=lang)
    assert empty in html and 'data-testid="review"' not in html


@pytest.mark.parametrize("lang,summary", [("en", "4.5 · 2 reviews"), ("ru", "4,5 · 2 отзыва"),
                                          ("bn", "4.5 · 2টি রিভিউ")])
def test_the_product_shows_its_average_count_and_latest_reviews_with_replies(
        make_user, seller, variant, lang, summary):
    first, second = make_user("anna"), make_user("boris")
    kept = services.review_create(buyer=first, order_id=delivered_order(first, seller, variant).pk, rating=5,
                                  text="Lovely <b>linen</b>")
    services.review_create(buyer=second, order_id=delivered_order(second, seller, variant).pk, rating=4, text="")
    services.review_reply(seller=seller, review_id=kept.pk, text="Thank you, Anna")
    html = render_tag("product_reviews", product_of(variant), None, lang=lang)
    assert summary in html
    assert html.index("boris") < html.index("anna")  # newest first
    assert "Lovely &lt;b&gt;linen&lt;/b&gt;" in html and "Thank you, Anna" in html
    assert html.count('class="star on"') >= 4 + 5 + 4  # the average's whole stars and each review's


def test_one_review_is_counted_in_the_singular(make_user, seller, variant):
    anna = make_user("anna")
    services.review_create(buyer=anna, order_id=delivered_order(anna, seller, variant).pk, rating=3)
    assert "3.0 · 1 review<" in render_tag("product_reviews", product_of(variant), None)
    with translation.override("ru"):
        assert "3,0 · 1 отзыв<" in render_tag("product_reviews", product_of(variant), None, lang="ru")


def test_the_product_page_shows_the_latest_five_and_links_to_all(make_user, seller, variant, page_client):
    buyers = [make_user(f"b{i}") for i in range(7)]
    for i, b in enumerate(buyers):
        services.review_create(buyer=b, order_id=delivered_order(b, seller, variant).pk, rating=i % 5 + 1)
    html = render_tag("product_reviews", product_of(variant), None)
    assert html.count('data-testid="review"') == 5 and 'data-testid="all-reviews"' in html
    titles = {"en": "Reviews of Linen shirt", "ru": "Отзывы о товаре «Linen shirt»", "bn": "Linen shirt-এর রিভিউ"}
    counts = {"en": "2.6 · 7 reviews", "ru": "2,6 · 7 отзывов", "bn": "2.6 · 7টি রিভিউ"}
    for lang in LANGS:
        page = page_client().get(reverse("reviews:product", args=[variant.product_id]), {"lang": lang},
                                 HTTP_ACCEPT_LANGUAGE=lang)
        assert page.status_code == 200
        body = page.content.decode()
        assert body.count('data-testid="review"') == 7
        assert titles[lang] in body and counts[lang] in body


def test_the_reviews_page_goes_on_by_cursor(make_user, seller, variant, page_client):
    buyers = [make_user(f"b{i}") for i in range(22)]
    for b in buyers:
        services.review_create(buyer=b, order_id=delivered_order(b, seller, variant).pk, rating=5)
    first = page_client().get(reverse("reviews:product", args=[variant.product_id])).content.decode()
    assert first.count('data-testid="review"') == 20
    more = re.search(r'href="\?cursor=([^"]+)" data-testid="more-reviews"', first).group(1)
    rest = page_client().get(reverse("reviews:product", args=[variant.product_id]) + "?cursor=" + more)
    assert rest.content.decode().count('data-testid="review"') == 2


def test_reviews_of_a_private_shop_are_not_shown_to_strangers(make_user, seller, variant, buyer, order,
                                                              page_client):
    services.review_create(buyer=buyer, order_id=order.pk, rating=5, text="Secret praise")
    privacy_set(user=seller, is_private=True)
    product = product_of(variant)
    assert "Secret praise" not in render_tag("product_reviews", product, make_user("stranger"))
    assert "Secret praise" not in render_tag("product_reviews", product, None)
    assert "Secret praise" in render_tag("product_reviews", product, seller)
    assert page_client().get(reverse("reviews:product", args=[variant.product_id])).status_code == 404


# --- {% order_reviews %} for the buyer -------------------------------------------------------------------


@pytest.mark.parametrize("lang,title,button", [("en", "Rate your order", "Post review"),
                                               ("ru", "Оцените заказ", "Опубликовать отзыв"),
                                               ("bn", "আপনার অর্ডারটি রেট করুন", "রিভিউ প্রকাশ করুন")])
def test_the_buyer_gets_a_form_per_line_once_delivered(buyer, seller, variant, lang, title, button):
    second = variant_of(make_product(seller, title="Scarf", variants=[{"name": "", "sku": "s", "price": "9",
                                                                        "stock": 5}]))
    order = delivered_order(buyer, seller, variant, second)
    html = render_tag("order_reviews", order, buyer, lang=lang)
    assert title in html and button in html
    assert html.count('data-testid="review-form"') == 2
    assert html.count('type="radio" id="review-') == 20  # five product and five seller stars per line
    for line in order.lines.all():
        assert f'name="line_id" value="{line.pk}"' in html


def test_no_form_before_delivery_and_none_for_strangers(make_user, buyer, seller, variant):
    fill_cart(buyer, variant)
    order = place(buyer, seller)
    assert "review-form" not in render_tag("order_reviews", order, buyer)
    for user in (None, make_user("stranger")):
        assert render_tag("order_reviews", delivered_order(buyer, seller, variant), user).strip() == ""


def test_a_reviewed_line_shows_the_review_instead_of_the_form(buyer, order, seller):
    services.review_create(buyer=buyer, order_id=order.pk, rating=2, text="Too small")
    html = render_tag("order_reviews", order, buyer)
    assert 'data-testid="review-form"' not in html and "Too small" in html and "Your reviews" in html
    services.review_reply(seller=seller, review_id=Review.objects.get().pk, text="Sorry, exchange it")
    assert "Sorry, exchange it" in render_tag("order_reviews", order, buyer)


def post_review(client, order, **data):
    return client.post(reverse("reviews:create", args=[order.number]),
                       {"next": "/orders/" + order.number + "/", **data})


def test_posting_a_review_redirects_back_with_a_toast(page_client, buyer, order, variant):
    client = page_client(buyer)
    line = order.lines.get()
    response = post_review(client, order, line_id=line.pk, rating="4", seller_rating="", text="Fine")
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    review = Review.objects.get()
    assert (review.rating, review.seller_rating, review.text) == (4, 4, "Fine")
    assert (Product.objects.get(pk=variant.product_id).rating_total,
            Shop.objects.get(pk=variant.shop_id).rating_total) == (4, 4)


@pytest.mark.parametrize("rating,code_field", [("", "rating"), ("0", "rating"), ("6", "rating"),
                                               ("4.5", "rating"), ("five", "rating")])
def test_a_bad_rating_comes_back_as_a_form_error(page_client, buyer, order, rating, code_field):
    client = page_client(buyer)
    line = order.lines.get()
    response = post_review(client, order, line_id=line.pk, rating=rating, text="Kept text")
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert not Review.objects.exists()
    html = render_tag("order_reviews", order, buyer, session=client.session)
    assert "Give a rating from 1 to 5 stars." in html and "Kept text" in html
    assert 'data-testid="review-error"' in html
    # Shown once: a reload has a clean form.
    session = client.session
    render_tag("order_reviews", order, buyer, session=session)
    assert "Give a rating" not in render_tag("order_reviews", order, buyer, session=session)


def test_errors_are_shown_in_russian_and_bengali(page_client, buyer, order):
    client = page_client(buyer)
    for lang, message in (("ru", "Поставьте оценку от 1 до 5 звёзд."), ("bn", "1 থেকে 5 তারার মধ্যে রেটিং দিন।")):
        client.post(reverse("reviews:create", args=[order.number]) + f"?lang={lang}",
                    {"line_id": order.lines.get().pk, "rating": "9"}, HTTP_ACCEPT_LANGUAGE=lang)
        assert message in render_tag("order_reviews", order, buyer, session=client.session, lang=lang)


def test_too_long_text_and_a_second_review_are_form_errors(page_client, buyer, order):
    client = page_client(buyer)
    line = order.lines.get()
    post_review(client, order, line_id=line.pk, rating="5", text="x" * 2001)
    html = render_tag("order_reviews", order, buyer, session=client.session)
    assert "At most 2000 characters." in html and not Review.objects.exists()
    post_review(client, order, line_id=line.pk, rating="5")
    post_review(client, order, line_id=line.pk, rating="3")
    assert Review.objects.get().rating == 5
    assert "You have already reviewed this item." in render_tag("order_reviews", order, buyer,
                                                                 session=client.session)


def test_someone_elses_order_or_line_is_404(page_client, make_user, buyer, seller, variant, order):
    stranger = make_user("stranger")
    assert post_review(page_client(stranger), order, line_id=order.lines.get().pk, rating="5").status_code == 404
    other = delivered_order(stranger, seller, variant)
    assert post_review(page_client(buyer), order, line_id=other.lines.get().pk, rating="5").status_code == 404
    assert page_client().post(reverse("reviews:create", args=[order.number]), {"rating": "5"}).status_code == 302
    assert page_client(buyer).get(reverse("reviews:create", args=[order.number])).status_code == 405
    assert not Review.objects.exists()


def test_an_offsite_next_is_ignored(page_client, buyer, order):
    response = post_review(page_client(buyer), order, line_id=order.lines.get().pk, rating="5",
                           next="https://evil.example/")
    assert response["Location"] == order.get_absolute_url()


# --- {% order_reviews %} for the seller --------------------------------------------------------------


@pytest.mark.parametrize("lang,title,button", [("en", "Reviews of this order", "Reply"),
                                               ("ru", "Отзывы на этот заказ", "Ответить"),
                                               ("bn", "এই অর্ডারের রিভিউ", "উত্তর দিন")])
def test_the_seller_sees_the_reviews_with_a_reply_form(buyer, seller, order, lang, title, button):
    assert render_tag("order_reviews", order, seller, lang=lang).strip() == ""  # nothing to reply to yet
    services.review_create(buyer=buyer, order_id=order.pk, rating=5, text="Perfect")
    html = render_tag("order_reviews", order, seller, lang=lang)
    assert title in html and "Perfect" in html and button in html
    assert 'data-testid="reply-form"' in html and 'data-testid="review-form"' not in html


def test_the_seller_replies_once_through_the_form(page_client, buyer, seller, order):
    review = services.review_create(buyer=buyer, order_id=order.pk, rating=5, text="Perfect")
    client = page_client(seller)
    url = reverse("reviews:reply", args=[review.pk])
    response = client.post(url, {"text": "  ", "next": "/shop/orders/1/"})
    assert response.status_code == 302 and response["Location"] == "/shop/orders/1/"
    html = render_tag("order_reviews", order, seller, session=client.session)
    assert "Write a reply." in html and 'data-testid="reply-error"' in html
    response = client.post(url, {"text": "Thanks!", "next": "/shop/orders/1/"})
    assert response.status_code == 302
    assert Review.objects.get().reply == "Thanks!"
    html = render_tag("order_reviews", order, seller)
    assert 'data-testid="reply-form"' not in html and "Thanks!" in html
    client.post(url, {"text": "Again"})
    assert Review.objects.get().reply == "Thanks!"


def test_a_reply_by_anyone_but_the_seller_is_404(page_client, make_user, buyer, order):
    review = services.review_create(buyer=buyer, order_id=order.pk, rating=5)
    for user in (buyer, make_user("other", account_type="business")):
        assert page_client(user).post(reverse("reviews:reply", args=[review.pk]), {"text": "Hi"}).status_code == 404
    assert Review.objects.get().replied_at is None


def test_too_many_reviews_come_back_as_a_form_error(settings, page_client, buyer, order):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "review": [(1, 600)]}
    client = page_client(buyer)
    line = order.lines.get()
    post_review(client, order, line_id=line.pk, rating="0")
    post_review(client, order, line_id=line.pk, rating="5")
    assert not Review.objects.exists()
    assert "You are doing that too often. Try again later." in render_tag("order_reviews", order, buyer,
                                                                          session=client.session)


def test_a_reviewer_blocked_by_the_reader_is_left_out(make_user, seller, variant, buyer, order):
    services.review_create(buyer=buyer, order_id=order.pk, rating=5, text="From the buyer")
    reader = make_user("reader")
    block_create(blocker=reader, target=buyer)
    html = render_tag("product_reviews", product_of(variant), reader)
    assert "From the buyer" not in html and "5.0 · 1 review" in html
    assert "From the buyer" in render_tag("product_reviews", product_of(variant), make_user("other"))


@pytest.mark.parametrize("lang,summary", [("en", "4.5 · 2 reviews"), ("ru", "4,5 · 2 отзыва"), ("bn", "4.5 · 2টি রিভিউ")])
def test_the_seller_rating_summary_of_a_shop(make_user, seller, variant, lang, summary):
    shop = Shop.objects.get(pk=variant.shop_id)
    template = Template("{% load reviews_tags %}{% rating_summary shop %}")
    assert template.render(Context({"shop": shop})).strip() == ""  # nothing without reviews
    for name, stars in (("anna", 5), ("boris", 4)):
        reviewer = make_user(name)
        services.review_create(buyer=reviewer, order_id=delivered_order(reviewer, seller, variant).pk, rating=1,
                               seller_rating=stars)
    with translation.override(lang):
        html = template.render(Context({"shop": Shop.objects.get(pk=shop.pk)}))
    assert summary in html and html.count('class="star on"') == 4
