import pytest
from tests.checkout_helpers import fill_cart, make_seller, place

pytestmark = pytest.mark.django_db


def test_smoke(make_user, api):
    seller, variant = make_seller(make_user)
    buyer = make_user("buyer")
    fill_cart(buyer, variant, 2)
    order = place(buyer, seller)
    r = api(buyer).get(f"/orders/{order.pk}")
    print(r.json())
    r = api(buyer).get("/orders")
    print(r.json())
    r = api(seller).post(f"/shop/orders/{order.pk}/transition", {"to": "confirmed"})
    print(r.status_code, r.json())
    assert 0
