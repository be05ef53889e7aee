"""The catalog's pages for buyers: the product page, a profile's Shop tab and the Shop page of the bottom
navigation, in English, Russian and Bengali, with the privacy rules of vitrina.social.visibility."""

import re

import pytest
from django.urls import reverse

from tests.shop_tags_helpers import tagged_post
from vitrina.accounts.services import user_suspend
from vitrina.shop import collections, services
from vitrina.shop.models import ProductStatus
from vitrina.social.services import block_create, follow_create

pytestmark = pytest.mark.django_db


def make_product(owner, title="Linen shirt", *, currency="RUB", variants=None, status=ProductStatus.ACTIVE, **kw):
    variants = variants or [{"name": "M", "sku": f"{owner.username}-{title[:20]}", "price": "1500", "stock": 10}]
    return services.product_create(owner=owner, title=title, currency=currency, variants=variants, status=status, **kw)


@pytest.fixture
def seller(make_user):
    return make_user("linenhouse", account_type="business", display_name="Linen House")


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


def get(client, url, lang="en", **kwargs):
    return client.get(url, headers={"Accept-Language": lang}, **kwargs)


def tiles(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-testid="product-tile" data-product="(\d+)"', html)]


# --- The product page -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "currency", "price"), [
    ("en", "RUB", "RUB1,500.00"),
    ("ru", "RUB", "1\xa0500,00\xa0₽"),
    ("bn", "BDT", "1,500.00৳"),
    ("ru", "JPY", "1\xa0500\xa0¥"),
])
def test_product_page_formats_the_price_for_the_reader(page_client, seller, buyer, lang, currency, price):
    product = make_product(seller, currency=currency)
    response = get(page_client(buyer), product.get_absolute_url(), lang)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Linen shirt" in html and price in html
    assert 'data-testid="add-to-cart-form"' in html


@pytest.mark.parametrize(("lang", "texts"), [
    ("en", ["In stock", "Only 2 left", "Sold out"]),
    ("ru", ["В наличии", "Осталось 2 шт.", "Нет в наличии"]),
    ("bn", ["স্টকে আছে", "মাত্র 2টি বাকি", "স্টক শেষ"]),
])
def test_variant_picker_shows_each_variants_price_and_stock_state(page_client, seller, buyer, lang, texts):
    product = make_product(seller, variants=[
        {"name": "S", "sku": "S1", "price": "1200", "stock": 40},
        {"name": "M", "sku": "M1", "price": "1500", "stock": 2},
        {"name": "L", "sku": "L1", "price": "1800", "stock": 0},
    ])
    html = get(page_client(buyer), product.get_absolute_url(), lang).content.decode()
    states = re.findall(r'data-testid="variant" data-state="(\w+)"', html)
    assert states == ["in_stock", "low", "sold_out"]
    shown = re.findall(r'data-testid="stock-state">([^<]+)<', html)
    assert shown == texts
    # The sold-out variant cannot be chosen; the first in stock is.
    sold_out = product.variants.get(sku="L1")
    assert re.search(rf'value="{sold_out.pk}" disabled', html)
    first = product.variants.get(sku="S1")
    assert re.search(rf'value="{first.pk}" checked', html)
    assert "1\xa0800,00\xa0₽" in html if lang == "ru" else True


def test_sold_out_product_has_no_add_to_cart_button(page_client, seller, buyer):
    product = make_product(seller, variants=[{"name": "M", "sku": "M0", "price": "10", "stock": 0}])
    html = page_client(buyer).get(product.get_absolute_url()).content.decode()
    assert 'data-testid="add-to-cart"' not in html and 'data-testid="sold-out"' in html


def test_add_to_cart_form_posts_what_cart_add_reads(page_client, seller, buyer):
    product = make_product(seller)
    client = page_client(buyer)
    html = client.get(product.get_absolute_url()).content.decode()
    assert f'action="{reverse("orders:cart_add")}"' in html and 'name="quantity"' in html
    variant = product.variants.get()
    response = client.post(reverse("orders:cart_add"), {"variant_id": variant.pk, "quantity": "2"}, follow=True)
    assert response.redirect_chain[-1][0] == product.get_absolute_url()
    assert "Added to your cart." in response.content.decode()


def test_anonymous_reader_is_asked_to_log_in_to_buy(page_client, seller):
    product = make_product(seller)
    html = page_client().get(product.get_absolute_url()).content.decode()
    assert 'data-testid="login-to-buy"' in html and 'data-testid="add-to-cart"' not in html


@pytest.mark.parametrize(("lang", "none_yet"), [("en", "No reviews yet"), ("ru", "Отзывов пока нет"),
                                                ("bn", "এখনও কোনো রিভিউ নেই")])
def test_seller_block_links_the_profile_with_the_rating(page_client, seller, buyer, lang, none_yet):
    product = make_product(seller)
    html = get(page_client(buyer), product.get_absolute_url(), lang).content.decode()
    assert f'href="{reverse("profile", args=[seller.username])}" data-testid="seller"' in html
    assert "Linen House" in html and none_yet in html
    shop = product.shop
    shop.rating_total, shop.rating_count = 9, 2
    shop.save()
    html = get(page_client(buyer), product.get_absolute_url(), lang).content.decode()
    rating = re.search(r'data-testid="seller-rating">([^<]+)<', html).group(1)
    assert rating.startswith("4,5" if lang == "ru" else "4.5") and "2" in rating


def test_product_page_lists_the_posts_featuring_it_that_the_reader_may_see(page_client, make_user, seller, buyer):
    product = make_product(seller)
    post = tagged_post(seller, [product])
    html = page_client(buyer).get(product.get_absolute_url()).content.decode()
    assert 'data-testid="featured-in"' in html and reverse("posts:detail", args=[post.pk]) in html


@pytest.mark.parametrize("status", [ProductStatus.DRAFT, ProductStatus.ARCHIVED])
def test_draft_and_archived_products_are_404_for_all_but_the_owner(page_client, seller, buyer, status):
    product = make_product(seller, status=status)
    assert page_client(buyer).get(product.get_absolute_url()).status_code == 404
    assert page_client().get(product.get_absolute_url()).status_code == 404
    response = page_client(seller).get(product.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="edit-product"' in html
    assert re.search(r'data-testid="product-status">(Draft|Archived)<', html)
    assert 'data-testid="add-to-cart"' not in html


def test_owner_sees_edit_and_status_on_an_active_product(page_client, seller, buyer):
    product = make_product(seller)
    html = page_client(seller).get(product.get_absolute_url()).content.decode()
    assert 'data-testid="edit-product"' in html and 'data-testid="product-status">Active<' in html
    assert 'data-testid="edit-product"' not in page_client(buyer).get(product.get_absolute_url()).content.decode()


def test_private_shops_product_is_404_for_a_non_follower(page_client, make_user, buyer):
    private = make_user("privateshop", account_type="business", private=True)
    product = make_product(private)
    assert page_client(buyer).get(product.get_absolute_url()).status_code == 404
    assert page_client().get(product.get_absolute_url()).status_code == 404
    follower = make_user("friend")
    private.refresh_from_db()
    from vitrina.social.services import follow_request_approve
    follow_create(follower=follower, target=private)
    follow_request_approve(target=private, requester=follower)
    assert page_client(follower).get(product.get_absolute_url()).status_code == 200


def test_blocked_and_suspended_sellers_products_are_404(page_client, make_user, seller, buyer):
    product = make_product(seller)
    block_create(blocker=seller, target=buyer)
    assert page_client(buyer).get(product.get_absolute_url()).status_code == 404
    other = make_user("other")
    user_suspend(user=seller)
    assert page_client(other).get(product.get_absolute_url()).status_code == 404


def test_unknown_product_is_404(page_client, buyer):
    assert page_client(buyer).get(reverse("shop:product", args=[999999])).status_code == 404


# --- The Shop tab of a profile ----------------------------------------------------------------------------

def test_shop_tab_shows_only_for_a_shop_with_active_products(page_client, make_user, seller, buyer):
    profile_url = reverse("profile", args=[seller.username])
    assert 'data-testid="shop-tab"' not in page_client(buyer).get(profile_url).content.decode()
    make_product(seller, "Draft one", status=ProductStatus.DRAFT)
    assert 'data-testid="shop-tab"' not in page_client(buyer).get(profile_url).content.decode()
    make_product(seller, "On sale")
    html = page_client(buyer).get(profile_url).content.decode()
    assert f'href="{reverse("shop:profile_shop", args=[seller.username])}" data-testid="shop-tab"' in html
    personal = make_user("someone")
    assert page_client(buyer).get(reverse("shop:profile_shop", args=[personal.username])).status_code == 404


@pytest.mark.parametrize(("lang", "price"), [("en", "RUB1,500.00"), ("ru", "1\xa0500,00\xa0₽"), ("bn", "1,500.00RUB")])
def test_shop_tab_grid_lists_active_products_newest_first(page_client, seller, buyer, lang, price):
    first = make_product(seller, "First")
    make_product(seller, "Hidden", status=ProductStatus.DRAFT)
    second = make_product(seller, "Second")
    response = get(page_client(buyer), reverse("shop:profile_shop", args=[seller.username]), lang)
    html = response.content.decode()
    assert response.status_code == 200
    assert tiles(html) == [second.pk, first.pk]
    assert price in html and "Hidden" not in html
    assert 'aria-current="page" href="/linenhouse/shop/"' in html


def test_collection_chips_filter_the_grid(page_client, seller, buyer):
    summer = make_product(seller, "Summer dress")
    winter = make_product(seller, "Wool coat")
    chosen = collections.collection_create(owner=seller, title="Summer", product_ids=[summer.pk])
    collections.collection_create(owner=seller, title="Winter", product_ids=[winter.pk])
    client = page_client(buyer)
    url = reverse("shop:profile_shop", args=[seller.username])
    html = client.get(url).content.decode()
    assert html.count('data-testid="collection-chip"') == 2 and set(tiles(html)) == {summer.pk, winter.pk}
    html = client.get(url, {"collection": chosen.pk}).content.decode()
    assert tiles(html) == [summer.pk]
    assert client.get(url, {"collection": 999999}).status_code == 404
    assert client.get(url, {"collection": "x"}).status_code == 404


def test_shop_tab_loads_more_with_a_cursor(page_client, seller, buyer):
    made = [make_product(seller, f"Item {i}") for i in range(26)]
    client = page_client(buyer)
    url = reverse("shop:profile_shop", args=[seller.username])
    html = client.get(url).content.decode()
    assert len(tiles(html)) == 24
    cursor = re.search(r'data-testid="load-more"', html) and re.search(r'hx-get="\?cursor=([\w-]+)"', html).group(1)
    more = client.get(url, {"cursor": cursor}, headers={"HX-Request": "true"}).content.decode()
    assert tiles(more) == [made[1].pk, made[0].pk] and "<html" not in more
    assert client.get(url, {"cursor": "!!"}).status_code == 302


def test_private_shop_tab_shows_the_private_notice_to_a_non_follower(page_client, make_user, buyer):
    private = make_user("privateshop", account_type="business", private=True)
    make_product(private)
    html = page_client(buyer).get(reverse("shop:profile_shop", args=[private.username])).content.decode()
    assert 'data-testid="private-notice"' in html and "Linen shirt" not in html


# --- The Shop page of the bottom navigation ----------------------------------------------------------------

def test_shop_page_puts_followed_shops_first_and_hides_what_the_viewer_may_not_see(page_client, make_user, buyer):
    followed = make_user("followedshop", account_type="business")
    stranger = make_user("strangershop", account_type="business")
    private = make_user("privateshop", account_type="business", private=True)
    blocked = make_user("blockedshop", account_type="business")
    suspended = make_user("suspendedshop", account_type="business")
    follow_create(follower=buyer, target=followed)
    old_followed = make_product(followed, "Old followed")
    strangers = make_product(stranger, "Stranger's")
    hidden = [make_product(private, "Private"), make_product(blocked, "Blocked"), make_product(suspended, "Suspended"),
              make_product(stranger, "Draft", status=ProductStatus.DRAFT)]
    new_followed = make_product(followed, "New followed")
    own = make_product(make_user("buyershop", account_type="business"), "Unrelated")
    block_create(blocker=blocked, target=buyer)
    user_suspend(user=suspended)
    html = page_client(buyer).get(reverse("web:shop")).content.decode()
    assert tiles(html) == [new_followed.pk, old_followed.pk, own.pk, strangers.pk]
    assert html.index('data-testid="followed-heading"') < html.index('data-testid="recommended-heading"')
    assert not set(tiles(html)) & {p.pk for p in hidden}


def test_shop_page_leaves_out_the_viewers_own_products(page_client, make_user):
    seller = make_user("ownshop", account_type="business")
    make_product(seller, "Mine")
    html = page_client(seller).get(reverse("web:shop")).content.decode()
    assert tiles(html) == [] and 'data-testid="shop-empty"' in html


@pytest.mark.parametrize(("lang", "text"), [("en", "No products yet"), ("ru", "Пока нет товаров"),
                                            ("bn", "এখনও কোনো পণ্য নেই")])
def test_shop_page_empty_state_for_a_new_member(page_client, buyer, lang, text):
    response = get(page_client(buyer), reverse("web:shop"), lang)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="shop-empty"' in html and text in html


def test_shop_page_hints_to_follow_when_only_recommendations_exist(page_client, seller, buyer):
    product = make_product(seller)
    html = page_client(buyer).get(reverse("web:shop")).content.decode()
    assert tiles(html) == [product.pk] and 'data-testid="follow-hint"' in html
    assert 'data-testid="followed-heading"' not in html


def test_shop_page_loads_more_through_both_lists(page_client, make_user, buyer):
    followed = make_user("followedshop", account_type="business")
    other = make_user("othershop", account_type="business")
    follow_create(follower=buyer, target=followed)
    mine = [make_product(followed, f"F{i}") for i in range(30)]
    theirs = [make_product(other, f"R{i}") for i in range(30)]
    client = page_client(buyer)
    seen, url, pages = [], reverse("web:shop"), 0
    html = client.get(url).content.decode()
    while True:
        pages += 1
        seen += tiles(html)
        match = re.search(r'hx-get="\?cursor=([\w-]+)"', html)
        if not match:
            break
        html = client.get(url, {"cursor": match.group(1)}, headers={"HX-Request": "true"}).content.decode()
    assert seen == [p.pk for p in reversed(mine)] + [p.pk for p in reversed(theirs)]
    assert pages == 3
    assert client.get(url, {"cursor": "zzz"}).status_code == 302


def test_shop_page_for_an_anonymous_reader_shows_public_shops(page_client, make_user, seller):
    product = make_product(seller)
    make_product(make_user("privateshop", account_type="business", private=True), "Private")
    html = page_client().get(reverse("web:shop")).content.decode()
    assert tiles(html) == [product.pk]




def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first request of a session also records the browser session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_grids_read_a_fixed_number_of_queries(page_client, make_user, buyer):
    from tests.posts_helpers import photo
    from vitrina.shop import photos

    def add_shop(name):
        owner = make_user(name, account_type="business")
        follow_create(follower=buyer, target=owner)
        product = make_product(owner, f"{name} shirt")
        photos.product_images_add(product=product, editor=owner, uploads=[photo()])
        return owner

    first = add_shop("shopone")
    client = page_client(buyer)
    tab = reverse("shop:profile_shop", args=[first.username])
    few = (_queries(client, reverse("web:shop")), _queries(client, tab))
    for i in range(5):
        owner = add_shop(f"shop{i}x")
        make_product(owner, "Second", variants=[{"name": "S", "sku": f"S{i}", "price": "1", "stock": 1},
                                                {"name": "M", "sku": f"M{i}", "price": "2", "stock": 0}])
        make_product(first, f"More {i}")
    many = (_queries(client, reverse("web:shop")), _queries(client, tab))
    assert many == few


def test_product_page_shows_the_photos_in_a_carousel(page_client, seller, buyer):
    from tests.posts_helpers import photo
    from vitrina.shop import photos

    product = make_product(seller)
    photos.product_images_add(product=product, editor=seller, uploads=[photo("Canon_40D.jpg"), photo("Nikon_D70.jpg")],
                              alt_texts=["Front", "Back"])
    html = page_client(buyer).get(product.get_absolute_url()).content.decode()
    carousel = html[html.index('data-testid="product-carousel"'):]
    assert carousel.count('class="slide blurhash"') == 2 and 'alt="Front"' in carousel and 'alt="Back"' in carousel
    assert len(re.findall(r'class="dot( active)?"', carousel)) == 2
