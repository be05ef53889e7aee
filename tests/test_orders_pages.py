import pytest
from django.urls import reverse
from tests.checkout_helpers import fill_cart, make_seller, place, add_address

pytestmark = pytest.mark.django_db


def test_smoke(make_user, page_client):
    seller, variant = make_seller(make_user)
    buyer = make_user("buyer")
    fill_cart(buyer, variant, 2)
    order = place(buyer, seller)
    for c, url in [(buyer, reverse("orders:orders")), (buyer, order.get_absolute_url()), (seller, reverse("orders:seller_orders")),
                   (seller, reverse("orders:seller_order", args=[order.number])), (seller, reverse("orders:seller_slip", args=[order.number])),
                   (seller, reverse("orders:seller_export")), (seller, reverse("accounts:settings"))]:
        r = page_client(c).get(url)
        assert r.status_code == 200, (url, r.status_code)
        body = b"".join(r.streaming_content) if r.streaming else r.content
        open("/tmp/ov/" + url.strip("/").replace("/", "_") + ".html", "wb").write(body)
