"""Product tags on the pages: the dots and the products sheet on the post page and the home feed, the
author's Tag products page, the product page's "Featured in", privacy, and the three languages."""

import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from tests.posts_helpers import make_post
from tests.shop_tags_helpers import make_product, product_change, tagged_post
from vitrina.posts.frames import point_in_frame
from vitrina.posts.templatetags.post_tags import tag_price
from vitrina.shop import money, tags
from vitrina.shop.models import MAX_TAGS_PER_PHOTO, ProductTag
from vitrina.social import services as social

pytestmark = pytest.mark.django_db

SOLD_OUT = {"en": "Sold out", "ru": "Нет в наличии", "bn": "স্টক শেষ"}
PRODUCTS_IN_POST = {"en": "Products in this post", "ru": "Товары в этой публикации", "bn": "এই পোস্টের পণ্য"}
TAG_PRODUCTS = {"en": "Tag products", "ru": "Отметить товары", "bn": "পণ্য ট্যাগ করুন"}


@pytest.fixture
def world(make_user):
    owner = make_user("linen.store", account_type="business", category="clothing")
    reader = make_user("reader")
    social.follow_create(follower=reader, target=owner)
    shirt = make_product(owner, "Linen shirt", price="1500", stock=3)
    scarf = make_product(owner, "Silk scarf", price="900", stock=0)
    post = tagged_post(owner, [shirt, scarf], points=[(0.25, 0.4), (0.75, 0.8)])
    return {"owner": owner, "reader": reader, "shirt": shirt, "scarf": scarf, "post": post}


def read(client, path, language="en"):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize("language", ["en", "ru", "bn"])
def test_the_post_page_shows_dots_and_the_products_sheet(page_client, world, language):
    html = read(page_client(world["reader"]), f"/p/{world['post'].pk}/", language)
    assert html.count('data-testid="photo-tags-button"') == 1
    assert html.count('data-testid="tag-dot"') == 2 and html.count('data-testid="tagged-product"') == 2
    # The product page, told the tap came from a tag (insights count it: tests/test_insights_pages.py).
    assert f'href="/shop/products/{world["shirt"].pk}/?via=tag"' in html
    assert money.format_money(Decimal("1500"), "RUB", language) in html
    assert SOLD_OUT[language] in html and PRODUCTS_IN_POST[language] in html
    # Placed by classes: the Content-Security-Policy refuses style attributes.
    assert "tag-x-25 tag-y-" in html and " style=" not in html


@pytest.mark.parametrize("language", ["en", "ru", "bn"])
def test_the_home_feed_shows_the_tags(page_client, world, language):
    html = read(page_client(world["reader"]), "/", language)
    assert html.count('data-testid="tag-dot"') == 2 and "Linen shirt" in html
    assert money.format_money(Decimal("1500"), "RUB", language) in html and SOLD_OUT[language] in html


def test_a_photo_without_tags_has_no_bag_button(page_client, world):
    post = make_post(world["owner"], caption="no products here")
    html = read(page_client(world["reader"]), f"/p/{post.pk}/")
    assert "photo-tags" not in html and "products-sheet" not in html


def test_only_the_tagged_photo_of_a_carousel_has_dots(page_client, world):
    post = tagged_post(world["owner"], [world["shirt"]], photos=("Canon_40D.jpg", "Nikon_D70.jpg"))
    html = read(page_client(world["reader"]), f"/p/{post.pk}/")
    slides = html.split('<figure class="slide')[1:]
    assert ['photo-tags-button' in slide.split("</figure>")[0] for slide in slides] == [True, False]


def test_a_private_shops_tags_are_hidden_from_non_followers(api, page_client, make_user, world):
    social.account_update(user=world["owner"], data={"is_private": True})
    stranger = make_user("stranger")
    post_id = world["post"].pk
    assert api(stranger).get(f"/posts/{post_id}").status_code == 404
    assert api().get(f"/posts/{post_id}").status_code == 404
    assert page_client(stranger).get(f"/p/{post_id}/").status_code == 404
    assert "Linen shirt" not in read(page_client(stranger), "/")
    assert tags.posts_featuring(viewer=stranger, product=world["shirt"]) == []
    assert api(world["reader"]).get(f"/posts/{post_id}").json()["product_tags"][0]["product"]["title"] == "Linen shirt"
    assert "Linen shirt" in read(page_client(world["reader"]), f"/p/{post_id}/")


def test_posts_featuring_lists_only_posts_the_viewer_may_see_newest_first(make_user, world):
    owner, shirt = world["owner"], world["shirt"]
    newer = tagged_post(owner, [shirt])
    tagged_post(owner, [world["scarf"]])  # another product
    assert tags.posts_featuring(viewer=None, product=shirt) == [newer, world["post"]]
    assert tags.posts_featuring(viewer=world["reader"], product=shirt, limit=1) == [newer]
    blocked = make_user("blocked")
    social.block_create(blocker=owner, target=blocked)
    assert tags.posts_featuring(viewer=blocked, product=shirt) == []
    social.account_update(user=owner, data={"is_private": True})
    assert tags.posts_featuring(viewer=None, product=shirt) == []
    assert tags.posts_featuring(viewer=world["reader"], product=shirt) == [newer, world["post"]]


@pytest.mark.parametrize("language", ["en", "ru", "bn"])
def test_featured_in_is_a_grid_of_the_posts(world, language):
    featured = tags.posts_featuring(viewer=world["reader"], product=world["shirt"])
    with translation.override(language):
        html = render_to_string("shop/_product_posts.html", {"featured_posts": featured})
    assert html.count('data-testid="featured-post"') == 1 and f'href="/p/{world["post"].pk}/"' in html
    assert {"en": "Featured in", "ru": "В публикациях", "bn": "যেসব পোস্টে আছে"}[language] in html
    assert render_to_string("shop/_product_posts.html", {"featured_posts": []}).strip() == ""


# --- The Tag products page ---------------------------------------------------------------------------------

def tag_page(world):
    return f"/shop/posts/{world['post'].pk}/tags/"


def form(world, product, **changes):
    return {"media": world["post"].media.get().pk, "product": product.pk, "x": "40", "y": "60", **changes}


@pytest.mark.parametrize("language", ["en", "ru", "bn"])
def test_the_author_opens_tag_products_from_the_post_menu(page_client, world, language):
    client = page_client(world["owner"])
    post_page = read(client, f"/p/{world['post'].pk}/", language)
    assert f'href="{tag_page(world)}"' in post_page and TAG_PRODUCTS[language] in post_page
    html = read(client, tag_page(world), language)
    assert TAG_PRODUCTS[language] in html and "Linen shirt" in html
    assert html.count('data-testid="tagged-row"') == 2 and " style=" not in html


def test_the_tag_page_is_only_the_authors(page_client, make_user, world):
    assert f'href="{tag_page(world)}"' not in read(page_client(world["reader"]), f"/p/{world['post'].pk}/")
    other_shop = make_user("other.store", account_type="business", category="clothing")
    make_product(other_shop, "Other")
    for client in (page_client(world["reader"]), page_client(other_shop)):
        assert client.get(tag_page(world)).status_code == 404
        assert client.post(tag_page(world), form(world, world["shirt"])).status_code == 404
    assert page_client().get(tag_page(world)).status_code == 302  # to the log-in
    assert page_client(world["owner"]).get(f"/shop/posts/{2**64}/tags/").status_code == 404


def test_a_business_without_a_shop_has_no_tag_link(page_client, make_user):
    newcomer = make_user("new.store", account_type="business", category="clothing")
    post = make_post(newcomer, caption="soon")
    assert "/tags/" not in read(page_client(newcomer), f"/p/{post.pk}/")
    assert 'data-testid="no-products"' in read(page_client(newcomer), f"/shop/posts/{post.pk}/tags/")


def test_the_author_tags_at_a_typed_point_and_removes_the_tag(page_client, world):
    client = page_client(world["owner"])
    hat = make_product(world["owner"], "Straw hat")
    response = client.post(tag_page(world), form(world, hat, x="12.5", y="87"))
    assert response.status_code == 302 and response["Location"] == tag_page(world)
    tag = ProductTag.objects.get(product=hat)
    assert (tag.x, tag.y) == (0.125, 0.87)
    assert "Straw hat" in read(client, f"/p/{world['post'].pk}/")
    response = client.post(f"{tag_page(world)}{tag.pk}/delete/")
    assert response.status_code == 302 and not ProductTag.objects.filter(pk=tag.pk).exists()
    assert "Straw hat" not in read(client, f"/p/{world['post'].pk}/")


@pytest.mark.parametrize("x", ["", "abc", "-1", "100.5", "nan", "inf"])
def test_a_bad_point_shows_the_form_again_with_its_error(page_client, world, x):
    hat = make_product(world["owner"], "Straw hat")
    response = page_client(world["owner"]).post(tag_page(world), form(world, hat, x=x))
    assert response.status_code == 422
    assert "Give a number from 0 to 100." in response.content.decode()
    assert not ProductTag.objects.filter(product=hat).exists()


@pytest.mark.parametrize("language", ["en", "ru", "bn"])
def test_a_sixth_tag_on_a_photo_is_refused_on_the_page(page_client, world, language):
    client = page_client(world["owner"])
    for i in range(MAX_TAGS_PER_PHOTO - 2):
        client.post(tag_page(world), form(world, make_product(world["owner"], f"Extra {i}")))
    sixth = make_product(world["owner"], "Sixth")
    response = client.post(tag_page(world), form(world, sixth), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 422
    with translation.override(language):
        message = translation.gettext("A photo can have at most %(max)s product tags.") % {"max": MAX_TAGS_PER_PHOTO}
    assert message in response.content.decode()


def test_an_archived_product_stays_listed_on_the_tag_page_as_not_shown(page_client, world):
    product_change(world["scarf"], status="archived")
    html = read(page_client(world["owner"]), tag_page(world))
    assert "Silk scarf" in html and "Not shown: the product is not on sale" in html
    assert "Silk scarf" not in read(page_client(world["reader"]), f"/p/{world['post'].pk}/")


# --- How dots are placed and priced -------------------------------------------------------------------------

@pytest.mark.parametrize("currency", ["RUB", "BDT", "USD", "JPY", "KWD"])
@pytest.mark.parametrize("language", ["en", "ru", "bn"])
def test_a_tags_price_reads_as_the_shops_money_format(currency, language):
    price = money.as_text(Decimal("1234.5"), currency)
    with translation.override(language):
        assert tag_price({"price": price, "currency": currency}) == money.format_money(Decimal(price), currency)


def test_a_point_is_placed_where_the_frame_shows_it():
    assert point_in_frame(0.5, 0.5, photo_ratio=2.0, frame_ratio=1.0) == (0.5, 0.5)
    # A photo twice as wide as its frame shows its middle half: x = 0.25 is the frame's left edge.
    assert point_in_frame(0.25, 0.3, photo_ratio=2.0, frame_ratio=1.0) == (0.0, 0.3)
    assert point_in_frame(0.625, 0.3, photo_ratio=2.0, frame_ratio=1.0) == (0.75, 0.3)
    assert point_in_frame(0.1, 0.3, photo_ratio=2.0, frame_ratio=1.0) is None
    assert point_in_frame(0.3, 0.9, photo_ratio=0.5, frame_ratio=1.0) is None
    assert point_in_frame(0.3, 0.0, photo_ratio=1.0, frame_ratio=1.0) == (0.3, 0.0)


def test_every_dot_class_exists_in_the_stylesheet():
    from django.conf import settings
    css = (settings.BASE_DIR / "vitrina" / "web" / "static" / "web" / "vitrina.css").read_text()
    for axis in "xy":
        assert set(re.findall(rf"\.tag-{axis}-(\d+)\{{", css)) == {str(i) for i in range(101)}
