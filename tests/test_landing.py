"""The landing page at "/" for visitors, and the log-in and sign-up pages around it."""

import re

import pytest

from tests.posts_helpers import make_post
from vitrina.social import services

pytestmark = pytest.mark.django_db


def grid_post_ids(page: str) -> set[int]:
    grid = page.split('data-testid="landing-grid"')[1].split("</div>")[0]
    return {int(pk) for pk in re.findall(r'href="/p/(\d+)/"', grid)}


def shop_names(page: str) -> list[str]:
    if 'data-testid="landing-shops"' not in page:
        return []
    row = page.split('data-testid="landing-shops"')[1].split("</ul>")[0]
    return re.findall(r'data-username="([^"]+)"', row)


@pytest.fixture
def world(make_user):
    """Public and private people and shops, each with a post, and a shop with none."""
    shop = make_user("corner.shop", account_type="business", category="food")
    quiet_shop = make_user("quiet.shop", account_type="business", category="books")
    hidden_shop = make_user("hidden.shop", account_type="business", category="art", private=True)
    anna = make_user("anna")
    ivan = make_user("ivan", private=True)
    posts = {name: make_post(user, caption=f"#{name.replace('.', '')}")
             for name, user in [("corner.shop", shop), ("hidden.shop", hidden_shop), ("anna", anna), ("ivan", ivan)]}
    return {"shop": shop, "quiet_shop": quiet_shop, "hidden_shop": hidden_shop, "anna": anna, "ivan": ivan,
            "posts": posts}


def test_visitors_get_the_landing_page_with_public_photos_and_shops(client, world):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert re.search(r'<a class="button wide" href="/accounts/signup/" data-testid="landing-signup">', page)
    assert re.search(r'<a class="button secondary wide" href="/accounts/login/" data-testid="landing-login">', page)
    posts = world["posts"]
    assert grid_post_ids(page) == {posts["corner.shop"].pk, posts["anna"].pk}
    assert shop_names(page) == ["corner.shop"]


def test_no_private_account_or_its_posts_on_the_landing_page(client, world):
    page = client.get("/").content.decode()
    for name in ("ivan", "hidden.shop"):
        assert name not in page
        assert f'href="/p/{world["posts"][name].pk}/"' not in page
    # A shop that goes private leaves at once, although the ranking of shops is cached.
    services.account_update(user=world["shop"], data={"is_private": True})
    page = client.get("/").content.decode()
    assert shop_names(page) == [] and "corner.shop" not in page
    assert grid_post_ids(page) == {world["posts"]["anna"].pk}


def test_shops_are_ranked_by_followers(client, world, make_user):
    second = make_user("second.shop", account_type="business", category="food")
    make_post(second)
    services.follow_create(follower=world["anna"], target=second)
    assert shop_names(client.get("/").content.decode()) == ["second.shop", "corner.shop"]


def test_members_get_their_feed_at_home(page_client, world):
    page = page_client(world["anna"]).get("/").content.decode()
    assert 'data-testid="landing"' not in page and 'data-testid="feed"' in page


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_log_in_and_sign_up_name_vitrina_once_and_have_one_h1(client, path):
    page = client.get(path).content.decode()
    body = page.split("<body")[1]
    assert body.count("Vitrina") == 1  # the brand in the top bar
    assert page.count("<h1") == 1


def test_the_log_in_page_has_no_log_in_button_in_its_top_bar(client):
    assert 'data-testid="topbar-login"' not in client.get("/accounts/login/").content.decode()
    assert 'data-testid="topbar-login"' in client.get("/explore/").content.decode()
